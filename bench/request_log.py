"""Every request of a load test, one CSV line each (seconds since the start, page, ms,
failed), when LOAD_LOG names a file: bench/loadtest.sh then prints the percentiles of the
steady state, after every user has logged in (locust's own table counts the first seconds,
when 20 logins hash their passwords at once, with the rest)."""

import csv
import os
import time

from locust import events

_path = os.environ.get("LOAD_LOG")
_started = time.time()

if _path:
    _file = open(_path, "w", newline="")  # noqa: SIM115 (open for the whole run)
    _writer = csv.writer(_file)

    @events.request.add_listener
    def _log(request_type, name, response_time, exception=None, start_time=None, **_kwargs):
        at = (start_time or time.time()) - _started
        _writer.writerow([f"{at:.3f}", f"{request_type} {name}", f"{response_time:.1f}", int(exception is not None)])

    @events.quitting.add_listener
    def _close(**_kwargs):
        _file.close()
