"""CPU seconds used by the load test's processes (Linux /proc): the app server's workers,
PostgreSQL's backends and the rest, between two snapshots.

    python bench/cpu_use.py snapshot > before.txt
    python bench/cpu_use.py since before.txt SECONDS [EXTRA_GROUP=SECONDS ...]

Processes that ended between the snapshots (locust) are not seen: their caller passes
their seconds as EXTRA (bench/loadtest.sh: locust's, from `time`).
"""

import os
import sys
from collections import Counter

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict[str, tuple[str, float]]:
    """{pid: (group, CPU seconds so far)} of every process readable now."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline") as f:
                command = f.read().replace("\0", " ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        group = "gunicorn" if "gunicorn" in command else "locust" if "locust" in command else name
        group = "postgres" if group.startswith("postgres") else group
        found[pid] = (group, seconds)
    return found


def main() -> None:
    if sys.argv[1] == "snapshot":
        for pid, (group, seconds) in snapshot().items():
            print(pid, group, seconds)
        return
    before = {}
    with open(sys.argv[2]) as f:
        for line in f:
            pid, group, seconds = line.split()
            before[pid] = (group, float(seconds))
    wall = float(sys.argv[3])
    used = Counter()
    for pid, (group, seconds) in snapshot().items():
        used[group] += seconds - before.get(pid, (group, 0.0))[1]
    for extra in sys.argv[4:]:
        group, seconds = extra.split("=")
        used[group] += float(seconds)
    cores = os.cpu_count() or 1
    groups = ("gunicorn", "postgres", "locust")
    shown = ", ".join(f"{group} {seconds:.1f}" for group, seconds in used.most_common() if group in groups)
    total = sum(used[group] for group in groups)
    print(f"CPU seconds over {wall:.0f} s: {shown}; {total / (wall * cores):.0%} of {cores} cores")


if __name__ == "__main__":
    main()
