"""common/lookups.py on both databases the suite runs on: `__among`, the rows `__in`
matches with the ids sent as one parameter."""

import pytest
from django.db import connection
from django.db.models import Q

from organizations.models import MemberCount, Organization

pytestmark = pytest.mark.django_db


def pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_among_matches_what_in_matches(tree):
    wanted = [tree.school.pk, tree.cell.pk, tree.city.pk, 10**9]  # an id no row has
    assert pks(Organization.objects.filter(pk__among=wanted)) == pks(Organization.objects.filter(pk__in=wanted))
    assert pks(Organization.objects.filter(pk__among=wanted)) == sorted([tree.school.pk, tree.cell.pk, tree.city.pk])


def test_among_reads_a_set_or_dict_keys_and_an_empty_list_matches_nothing(tree):
    assert pks(Organization.objects.filter(pk__among={tree.school.pk: "x"})) == [tree.school.pk]
    assert pks(Organization.objects.filter(pk__among=set())) == []
    either = Organization.objects.filter(Q(pk__among=[]) | Q(pk=tree.cell.pk))
    assert pks(either) == [tree.cell.pk]  # the empty part matches nothing, the rest still does


def test_among_on_a_foreign_key(tree):
    MemberCount.objects.create(organization=tree.cell, as_of="2019-06-15", members=9)
    MemberCount.objects.create(organization=tree.school, as_of="2019-06-15", members=12)
    found = MemberCount.objects.filter(as_of="2019-06-15", organization_id__among=[tree.cell.pk, tree.city.pk])
    assert list(found.values_list("organization_id", "members")) == [(tree.cell.pk, 9)]


def test_among_sends_many_ids_as_one_parameter(tree):
    many = [tree.school.pk, *range(10**8, 10**8 + 50_000)]
    sent = []

    def record(execute, sql, params, many_, context):
        sent.append(params)
        return execute(sql, params, many_, context)

    with connection.execute_wrapper(record):
        assert pks(Organization.objects.filter(pk__among=many)) == [tree.school.pk]
        assert pks(Organization.objects.filter(pk__in=many)) == [tree.school.pk]
    among, in_ = sent
    assert len(among) == 1  # where `__in` sends one parameter per id
    assert len(in_) == len(many)


# --- where a subtree's paths end (organizations.positions.subtree_end) -------------------
# The cut reports/past.py and reports/engine/ended.py make in paths sorted in Python; the
# `__under` lookup that wrote it in SQL is gone, its assertions kept here.


def _under(path: str, top: str) -> bool:
    from organizations.positions import subtree_end

    return top <= path < subtree_end(top)


def test_under_matches_what_startswith_matches_for_every_organization(tree):
    paths = list(Organization.objects.values_list("path", flat=True))
    for top in paths:
        assert [p for p in paths if _under(p, top)] == [p for p in paths if p.startswith(top)], top
    assert sum(_under(p, tree.district.path) for p in paths) > 3
    assert [p for p in paths if _under(p, tree.cell.path)] == [tree.cell.path]  # itself only


def test_under_is_exact_about_where_a_path_ends(tree):
    school, district = tree.school, tree.district
    assert _under(school.path, district.path)
    assert not _under(district.path, school.path)
    assert not _under(tree.city_school.path, district.path)


@pytest.mark.parametrize(
    ("path", "top", "under"),
    [
        ("0001", "0001", True),
        ("00010009", "0001", True),
        ("0001000Z", "0001", True),  # treebeard's steps run 0-9 then A-Z
        ("0001ZZZZ0001", "0001", True),
        ("0002", "0001", False),
        ("000", "0001", False),
        ("00010001", "0001000A", False),
    ],
)
def test_under_on_paths_with_letters(path, top, under):
    assert _under(path, top) is under
