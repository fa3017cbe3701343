"""Percentiles of a load test's steady state, from bench/request_log.py's file: the
requests that started SETTLE seconds after the last login ended (logins hash passwords:
0.5 s of a core each, so 20 users logging in within 4 s hold both cores for seconds).

    python bench/load_summary.py LOG [SETTLE]
"""

import csv
import statistics
import sys
from collections import defaultdict


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(path: str, settle: float = 10.0) -> None:
    with open(path, newline="") as f:
        rows = [(float(at), name, float(ms), failed == "1") for at, name, ms, failed in csv.reader(f)]
    logins = [at + ms / 1000 for at, name, ms, _failed in rows if name.endswith(("login", "home"))]
    start = (max(logins) if logins else 0.0) + settle
    steady = [row for row in rows if row[0] >= start]
    if not steady:
        print("no request after the logins settled")
        return
    span = max(at for at, *_ in steady) - start
    pages = defaultdict(list)
    for _at, name, ms, _failed in steady:
        pages[name].append(ms)
    print(f"steady state: from {start:.0f} s (the last login ended at {start - settle:.0f} s), {span:.0f} s")
    print(f"{'page':<36}{'requests':>9}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for name, times in sorted(pages.items()):
        p50, p95, p99 = (percentile(times, q) for q in (0.5, 0.95, 0.99))
        print(f"{name:<36}{len(times):>9}{p50:>7.0f}{p95:>7.0f}{p99:>7.0f}")
    every = [ms for _at, _name, ms, _failed in steady]
    failed = sum(1 for *_rest, f in steady if f)
    print(
        f"{'all':<36}{len(every):>9}{percentile(every, 0.5):>7.0f}{percentile(every, 0.95):>7.0f}"
        f"{percentile(every, 0.99):>7.0f}  {len(every) / max(span, 1):.1f} requests/s, {failed} failed"
    )
    print(f"(mean {statistics.mean(every):.0f} ms)")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 10.0)
