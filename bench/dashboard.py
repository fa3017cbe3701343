"""The dashboard page of the national root and of one province, as a reader gets it.

For each: the first request after a change when nothing was rendered before (the reader
waits for the engine and the rendering), the refresh the task worker does after a change
(run here in this process), a request right after a change once a body exists (big
scopes: the previous figures, dated; small ones: rendered again), and a request when the
body is current. Each is the median of three, with its number of queries and page size.
Logs in as `bench.national` (created if missing: a viewer of the national root).
    DATABASE_URL=postgres://… .venv/bin/python -m bench.dashboard
"""

import dataclasses
import datetime as dt
import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from bench.common import queries_of, row
from organizations.models import Membership, Organization, OrgForm, Role
from reports import dashboard
from reports.cache import data_changed

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year - 1))
QUERY = f"?year={YEAR}&as_of={YEAR}-12-31"


def timed(fn, repeat=3):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def measure(client, org, label):
    url = f"/reports/{org.pk}/{QUERY}"

    def cold():  # nothing rendered for this page yet
        data_changed()
        for key in list(_latest_keys(org)):
            cache.delete(key)
        return client.get(url)

    def after_change():  # a body exists, the data changed since
        data_changed()
        return client.get(url)

    t_cold, response = timed(cold)
    assert response.status_code == 200
    size = len(response.content)
    cold_queries = queries_of(cold)
    view = _views[org.pk]
    t_refresh, _ = timed(lambda: (data_changed(), dashboard.refresh_dashboard.call(*dataclasses.astuple(view))))
    t_after, response = timed(after_change)
    stale = b'data-testid="stale"' in response.content
    after_queries = queries_of(after_change)
    client.get(url)
    t_cached, _ = timed(lambda: client.get(url))
    cached_queries = queries_of(lambda: client.get(url))
    print(f"\n{label}: page {size / 1e3:.0f} kB")
    row(f"{label}: first request, nothing rendered before", t_cold, None, cold_queries)
    row(f"{label}: refresh by the task worker after a change", t_refresh)
    row(
        f"{label}: request right after a change",
        t_after,
        None,
        after_queries,
        "(the previous figures, dated; refreshed by the worker)" if stale else "(rendered again)",
    )
    row(f"{label}: request, page current", t_cached, None, cached_queries)


_views: dict[int, dashboard.View] = {}


def _latest_keys(org):
    view = _views.get(org.pk)
    return [view.latest_key()] if view else []


def main():
    root = Organization.objects.filter(depth=1, form=OrgForm.CENTRAL).first()
    if root is None:
        raise SystemExit("No national root: run `manage.py generate_synthetic --scale national` first.")
    province = Organization.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
    user, _ = get_user_model().objects.get_or_create(username="bench.national")
    Membership.objects.get_or_create(user=user, organization=root, defaults={"role": Role.VIEWER})
    client = Client()
    client.force_login(user)
    # Capture the View each page is rendered for (its cache keys).
    real_body = dashboard.body

    def capturing(view, organization=None):
        _views[view.org_pk] = view
        return real_body(view, organization)

    dashboard.body = capturing
    print(f"Dashboard pages for {YEAR}")
    for org, label in ((province, f"province ({province.code})"), (root, "national root")):
        client.get(f"/reports/{org.pk}/{QUERY}")
        measure(client, org, label)


if __name__ == "__main__":
    main()
