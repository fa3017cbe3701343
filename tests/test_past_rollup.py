"""reports/past.py adds the counts of a past day's tree a level at a time; every node must
get what adding each organization's count to all the paths above it gives."""

import random
from collections import Counter

from reports.engine.counts import Counts
from reports.past import _add_above

ROOT = "0001"


def naive(placed: Counter) -> Counts:
    counts = Counts()
    for (path, year, category), n in placed.items():
        if not n:
            continue
        for end in range(len(ROOT), len(path) + 1, 4):
            counts.add(path[:end], year, category, n)
    return counts


def test_each_node_gets_the_counts_of_every_organization_under_it():
    rng = random.Random(7)
    placed = Counter()
    for _ in range(2000):
        depth = rng.randint(0, 4)  # the root itself, and organizations down to four levels below it
        path = ROOT + "".join(f"{rng.randint(1, 3):04d}" for _ in range(depth))
        # a candidate moved away since the day counts -1 where it is now (reports/past.py)
        placed[(path, rng.choice([2024, 2025]), rng.choice(["", "youth", "worker"]))] += rng.randint(-1, 3)
    counts = Counts()
    _add_above(counts, ROOT, placed)
    expected = naive(placed).data
    assert {key: n for key, n in counts.data.items() if n} == {key: n for key, n in expected.items() if n}
    assert counts.get(ROOT, 2025) == sum(n for (_path, year, _category), n in placed.items() if year == 2025)


def test_a_category_adds_to_its_own_count_and_the_total():
    counts = Counts()
    _add_above(counts, ROOT, Counter({(ROOT + "0002", 2025, "youth"): 3, (ROOT + "0002", 2025, ""): 2}))
    assert counts.get(ROOT + "0002", 2025, "youth") == 3
    assert counts.get(ROOT + "0002", 2025) == 5
    assert counts.get(ROOT, 2025) == 5
    assert counts.get(ROOT, 2025, "youth") == 3
