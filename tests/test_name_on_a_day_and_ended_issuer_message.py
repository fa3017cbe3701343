"""An organization's name on a day is read one way everywhere (its first PastName ending
after the day, else its name now), and an amendment refused for an ended issuer names the
issuer's last day as its last day."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models import DateField, Value
from django.utils import translation

from organizations.models import Organization, PastName
from organizations.positions import name_as_of, name_on, names_on
from quotas.models import PlanStatus
from quotas.services.amendments import _in_force_from

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 12, 31), "Đảng bộ xã Ka Đô cũ"),
        (D(2025, 1, 1), "Đảng bộ xã Ka Đô mới"),  # the first rename's day: the second name
        (D(2025, 6, 30), "Đảng bộ xã Ka Đô mới"),
        (D(2025, 7, 1), "Đảng bộ xã Ka Đô"),  # the second rename's day: today's name
    ],
)
def test_name_on_names_on_and_name_as_of_agree(tree, django_assert_num_queries, day, expected):
    commune = tree.commune
    PastName.objects.create(organization=commune, name="Đảng bộ xã Ka Đô cũ", valid_until=D(2025, 1, 1))
    PastName.objects.create(organization=commune, name="Đảng bộ xã Ka Đô mới", valid_until=D(2025, 7, 1))

    with django_assert_num_queries(1):
        assert name_on(commune, day) == expected
    assert names_on(day).by_pk.get(commune.pk, commune.name) == expected
    then = (
        Organization.objects.filter(pk=commune.pk)
        .annotate(day=Value(day, output_field=DateField()))
        .annotate(then=name_as_of("day", to_organization=""))
        .values_list("then", flat=True)
        .get()
    )
    assert then == expected
    # Another organization's renames are not this one's.
    assert name_on(tree.school, day) == tree.school.name


def test_an_amendment_after_an_ended_issuers_last_day_names_that_day_as_its_last():
    issuer = SimpleNamespace(name="Huyện ủy Đơn Dương", last_day=D(2025, 6, 30))
    plan = SimpleNamespace(status=PlanStatus.ISSUED, last_year=None, issuer=issuer)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _in_force_from(plan, D(2025, 7, 1), D(2026, 2, 3))
    assert refused.value.message_dict["in_force_from"] == [
        "Huyện ủy Đơn Dương has ended (its last day was 30/06/2025): an amendment of its plan takes effect"
        " on or before that day."
    ]
