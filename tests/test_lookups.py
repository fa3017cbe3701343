"""common/lookups.py on both databases the suite runs on: `__among`, the rows `__in`
matches with the ids sent as one parameter; `__under`, what `__startswith` matches of
a tree path, as a range an index answers."""

import pytest
from django.db import connection
from django.db.models import Q, Value

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


def test_under_matches_what_startswith_matches_for_every_organization(tree):
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def below(lookup):
        inner = Organization.objects.filter(**{f"path__{lookup}": OuterRef("path")}).order_by()
        counted = inner.annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    rows = Organization.objects.annotate(under=below("under"), starts=below("startswith"))
    pairs = {org.code: (org.under, org.starts) for org in rows}
    assert all(under == starts for under, starts in pairs.values()), pairs
    assert pairs[tree.district.code][0] == Organization.objects.filter(path__startswith=tree.district.path).count() > 3
    assert pairs[tree.cell.code] == (1, 1)  # itself only


def test_under_is_exact_about_where_a_path_ends(tree):
    from django.db.models import Exists, OuterRef

    others = Organization.objects.filter(pk=OuterRef("pk"), path__under=OuterRef("path"))
    assert Organization.objects.filter(Exists(others)).count() == Organization.objects.count()  # each is under itself
    school, district = tree.school, tree.district
    assert Organization.objects.filter(pk=school.pk, path__under=district.path).exists()
    assert not Organization.objects.filter(pk=district.pk, path__under=school.path).exists()
    assert not Organization.objects.filter(pk=tree.city_school.pk, path__under=district.path).exists()


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
def test_under_on_paths_with_letters(tree, path, top, under):
    from django.db.models import CharField

    rows = Organization.objects.filter(pk=tree.province.pk).annotate(p=Value(path, output_field=CharField()))
    assert rows.filter(p__under=top).exists() is under
