"""This app's demo data, loaded by `manage.py seed_demo` (must be idempotent).

Past years' results from the seeds, entered as counts (HistoricalResult):
* seed 001, footnote 1: Đà Lạt admitted 191 new members in 2023 (one year).
* seed 002: "Từ năm 2020-2023, khối trường THPT đã kết nạp được 03 đảng viên là học
  sinh, khối doanh nghiệp ngoài Nhà nước đã kết nạp được 05 đảng viên": totals of the
  period 2020–2023 for Đức Trọng, entered as such (`first_year` 2020, `year` 2023). The
  seed gives no year for any of them, so no year is invented: the reports show a row
  "2020–2023: 03" and read the single years 2020–2022 as "no data" (2023 holds the
  records of Trường THPT Chu Văn An's 02 pupils, seeded by the admissions app: they are
  2 of the period's 3, which stays the total the seed quotes).
"""

from admissions.categories import Category
from organizations.models import Organization

from .models import HistoricalResult
from .services import historical_result_record

# code, first year (a period) or None, (last) year, category, count, source
RESULTS = [
    (
        "LD.DL",
        None,
        2023,
        "",
        191,
        "Seed 001 (KH Thành ủy Đà Lạt, chú thích 1): “Đảng viên mới kết nạp năm 2023: 191 đảng viên”.",
    ),
    (
        "LD.DT",
        2020,
        2023,
        Category.PUPIL,
        3,
        "Seed 002: “Từ năm 2020-2023, khối trường THPT đã kết nạp được 03 đảng viên là học sinh”: tổng cả giai "
        "đoạn, không nêu từng năm (02 em của Chi bộ Trường THPT Chu Văn An năm 2023 có hồ sơ kết nạp trong hệ thống).",
    ),
    (
        "LD.DT",
        2020,
        2023,
        Category.NON_STATE_WORKER,
        5,
        "Seed 002: khối doanh nghiệp ngoài Nhà nước “đã kết nạp được 05 đảng viên” từ năm 2020-2023: tổng cả giai "
        "đoạn, không nêu từng năm.",
    ),
]


def seed(stdout) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=[r[0] for r in RESULTS])}
    # Earlier demos entered seed 002's totals under 2022 as if they were that year's: gone.
    HistoricalResult.objects.filter(organization__code="LD.DT", year=2022, first_year__isnull=True).delete()
    for code, first_year, year, category, count, source in RESULTS:
        if code not in orgs:
            stdout.write(f"reports demo: organization {code} missing, skipped")
            continue
        historical_result_record(
            organization=orgs[code], first_year=first_year, year=year, category=category, count=count, source=source
        )
    stdout.write(f"reports demo: {len(RESULTS)} historical results (seeds 001, 002; 002 as totals of 2020–2023)")
