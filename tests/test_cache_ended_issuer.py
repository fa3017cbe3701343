"""A plan of a committee that ended is read by the reports of the units it held, wherever
they stand since (a dissolved district's 2025 size rule in a new commune's report): an
amendment of it makes those reports' cached answers stale, as any other amendment does
for the reports that read it."""

import datetime as dt

from organizations import locks
from organizations.models import Organization, PeriodLock
from quotas.models import Rule, RuleKind
from quotas.services.rules import rule_update
from reports.cache import attainment_cached, data_version

D = dt.date


def test_an_amendment_of_a_dissolved_districts_rule_reaches_the_communes_cached_report(reorganized_demo):
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    rule = Rule.objects.get(plan__issuer__code="LD.DD", kind=RuleKind.CELL_SIZE, applies_to_each=True)

    def minimum():
        report = attainment_cached(scope=commune, year=2025, as_of=D(2025, 12, 31))
        (shown,) = [r.rule.min_count for r in report.rules if r.rule.pk == rule.pk]
        return shown

    assert minimum() == 10  # read, and kept
    # The commune's approved 2025 report locks the year: reopened for the correction.
    for lock in PeriodLock.objects.all():
        locks.reopen(lock=lock, until=D(2026, 3, 1), reason="Sửa kế hoạch", user=None, today=D(2026, 2, 3))
    before = data_version(commune)
    rule_update(
        rule=rule, version=rule.version, today=D(2026, 2, 3), reason="Sửa", in_force_from=D(2025, 6, 27), min_count=12
    )
    assert data_version(commune) != before
    assert minimum() == 12


def test_a_dissolved_districts_plan_cannot_change_from_a_day_after_its_last(reorganized_demo):
    """Huyện ủy Đơn Dương's last day was 30/06/2025: its reports end then, and its units
    follow their new communes' plans after it."""
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    rule = Rule.objects.get(plan__issuer__code="LD.DD", kind=RuleKind.CELL_SIZE, applies_to_each=True)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        rule_update(
            rule=rule,
            version=rule.version,
            today=D(2026, 2, 3),
            reason="Sửa",
            in_force_from=D(2025, 7, 1),
            min_count=12,
        )
    assert refused.value.message_dict["in_force_from"] == [
        "Huyện ủy Đơn Dương đã kết thúc hoạt động, ngày cuối cùng là 30/06/2025: điều chỉnh kế hoạch của tổ chức"
        " này chỉ có hiệu lực từ ngày đó trở về trước."
    ]
    rule.refresh_from_db()
    assert rule.min_count == 10
