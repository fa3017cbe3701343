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
