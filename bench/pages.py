"""Single requests of the pages the load test browses (except the dashboard): time and queries.

Logs in as the load-test user (bench/loadtest.sh creates it: planner of the first
synthetic province) through Django's test client and requests each page a few times:
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages [--repeat 5] [--sql]
Prints the median and best time of each page, its number of queries, the median CPU time
of this process (the app's own work, less disturbed by a busy machine than wall time) and
the median time in SQL (as the database driver saw it); --sql prints the slowest queries
of each page as well.
"""

import argparse
import cProfile
import pstats
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import bench.common  # noqa: F401  (Django set-up, before the models are imported)
from organizations.models import Organization

USERNAME = "load.planner"


def pages(root: Organization, child: Organization) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("candidate list (province)", f"/candidates/org/{root.pk}/"),
        ("candidate list (province) page 2", f"/candidates/org/{root.pk}/?page=2"),
        ("candidate list (commune)", f"/candidates/org/{child.pk}/"),
        ("candidate list (commune) page 2", f"/candidates/org/{child.pk}/?page=2"),
        ("candidate list (province, filtered)", f"/candidates/org/{root.pk}/?step=9&q=nguyen"),
        ("tree", "/orgs/"),
        ("tree (expand)", f"/orgs/{root.pk}/children/"),
        ("tree (search)", "/orgs/?q=xa+phu"),
        ("organization page (province)", f"/orgs/{root.pk}/"),
        ("organization page (commune)", f"/orgs/{child.pk}/"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the slowest queries of each page")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of each page")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--user", default=USERNAME, help="log in as this user (a role on one organization)")
    parser.add_argument("--lines", type=int, default=25)
    args = parser.parse_args()

    user = get_user_model().objects.get(username=args.user)
    root = user.org_memberships.select_related("organization").get().organization
    child = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path").first()
    client = Client()
    client.force_login(user)
    print(f"{'page':<40} {'median':>9} {'best':>9} {'queries':>8} {'app CPU':>9} {'SQL':>9}")
    for label, url in pages(root, child):
        if args.only not in label:
            continue
        times, cpu, sql = [], [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries))
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{label:<40} {statistics.median(times) * 1000:7.1f}ms {min(times) * 1000:7.1f}ms {len(captured):8d}"
            f" {statistics.median(cpu) * 1000:7.1f}ms {statistics.median(sql) * 1000:7.1f}ms"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(client.get, url)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
        if args.sql:
            for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(q['time']) * 1000:7.1f}ms  {q['sql'][:400]}")


if __name__ == "__main__":
    main()
