"""This app's demo data, loaded by `manage.py seed_demo` (idempotent): the 2025 cycle of year
reports, once the demo's today is past the 2025 year report's deadline.

Huyện ủy Đơn Dương submits on 22/12/2025 and the province approves it on 05/01/2026;
Huyện ủy Đức Trọng submits on 24/12/2025, the province returns it on 26/12/2025 (the
narrative lacks the limitations), Đức Trọng corrects it and submits again on 30/12/2025,
approved on 06/01/2026. Both approvals lock 2025 for the district's subtree. Thành ủy Đà Lạt
does not submit: it is late. All through submissions.services."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from organizations.demo import DEMO_PASSWORD
from organizations.models import Membership, Organization, Role

from . import selectors, services
from .models import ReportSubmission

PERIOD = "2025"
DUC_TRONG_PLANNER = "ductrong.kehoach"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _ductrong_planner(org):
    user, created = get_user_model().objects.get_or_create(username=DUC_TRONG_PLANNER)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.first_name = "Kế hoạch Đức Trọng"
        user.save()
    Membership.objects.update_or_create(user=user, organization=org, defaults={"role": Role.PLANNER})
    return user


NARRATIVE = {
    "results": (
        "Năm 2025, cấp ủy đã lãnh đạo các chi bộ, đảng bộ cơ sở thực hiện Kế hoạch số 97-KH/TU; công tác tạo "
        "nguồn, bồi dưỡng quần chúng ưu tú được quan tâm, chỉ tiêu kết nạp đảng viên cơ bản đạt."
    ),
    "limitations": (
        "Việc kết nạp đảng viên trong học sinh và doanh nghiệp ngoài Nhà nước còn ít; một số chi bộ "
        "nhiều năm chưa kết nạp được đảng viên."
    ),
    "proposals": "Đề nghị Ban Tổ chức Tỉnh ủy tiếp tục hướng dẫn nghiệp vụ, bồi dưỡng cấp ủy viên cơ sở.",
}


def seed(stdout) -> None:
    today = timezone.localdate()
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["LD.DD", "LD.DT", "LD.DL"])}
    if len(orgs) < 3:
        stdout.write("submissions demo: the districts are missing, skipped")
        return
    period = selectors.parse_period(PERIOD)
    due = selectors.deadline(orgs["LD.DD"], period=period)
    if due is None or today <= due.due_on:
        stdout.write("submissions demo: the 2025 year report is not due yet, no cycle seeded")
        return
    province_planner, dd_planner = _user("tinh.kehoach"), _user("donduong.kehoach")
    dt_planner = _ductrong_planner(orgs["LD.DT"])
    if province_planner is None or dd_planner is None:
        stdout.write("submissions demo: demo users missing, skipped")
        return
    last_day = min(due.due_on + dt.timedelta(days=6), today)

    def on(day):  # never after the demo's today
        return min(day, last_day)

    if not ReportSubmission.objects.filter(organization=orgs["LD.DD"], period=PERIOD).exists():
        sub = services.submit(
            organization=orgs["LD.DD"],
            period=period,
            user=dd_planner,
            today=today,
            at=_at(dt.date(2025, 12, 22), 9),
            **NARRATIVE,
        )
        services.approve(submission=sub, user=province_planner, at=_at(on(dt.date(2026, 1, 5)), 10), comment="Đồng ý.")
    if not ReportSubmission.objects.filter(organization=orgs["LD.DT"], period=PERIOD).exists():
        sub = services.submit(
            organization=orgs["LD.DT"],
            period=period,
            user=dt_planner,
            today=today,
            at=_at(dt.date(2025, 12, 24), 9),
            results=NARRATIVE["results"],
            proposals=NARRATIVE["proposals"],
        )
        services.return_submission(
            submission=sub,
            user=province_planner,
            at=_at(dt.date(2025, 12, 26), 15),
            comment="Báo cáo chưa nêu hạn chế, nguyên nhân; đề nghị bổ sung và gửi lại.",
        )
        sub = services.submit(
            organization=orgs["LD.DT"],
            period=period,
            user=dt_planner,
            today=today,
            at=_at(dt.date(2025, 12, 30), 8),
            limitations=NARRATIVE["limitations"],
        )
        services.approve(submission=sub, user=province_planner, at=_at(on(dt.date(2026, 1, 6)), 10))
    stdout.write(
        "submissions demo: 2025 year reports of Đơn Dương and Đức Trọng approved (Đức Trọng returned once), "
        f"2025 locked for them; Đà Lạt late; login {DUC_TRONG_PLANNER} plans Đức Trọng"
    )
