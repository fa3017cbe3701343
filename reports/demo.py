"""This app's demo data, loaded by `manage.py seed_demo` (must be idempotent).

Past years' results from the seeds, entered as counts (HistoricalResult):
* seed 001, footnote 1: Đà Lạt admitted 191 new members in 2023.
* seed 002: Đức Trọng's high-school organizations admitted 03 pupils and its non-state
  enterprises 05 workers in 2020–2023 in total. Trường THPT Chu Văn An's 02 pupils of
  2023 are admission records (seeded by the admissions app), so only the remaining
  01 pupil is entered here; the seed gives no year for it nor for the 05 workers, so
  they are entered under 2022 and the source says so.
"""

from admissions.categories import Category
from organizations.models import Organization

from .services import historical_result_record

RESULTS = [
    (
        "LD.DL",
        2023,
        "",
        191,
        "Seed 001 (KH Thành ủy Đà Lạt, chú thích 1): “Đảng viên mới kết nạp năm 2023: 191 đảng viên”.",
    ),
    (
        "LD.DT",
        2022,
        Category.PUPIL,
        1,
        "Seed 002: khối THPT kết nạp 03 học sinh trong 2020–2023; 02 em của Chi bộ Trường THPT Chu Văn An "
        "năm 2023 đã có hồ sơ kết nạp trong hệ thống, số còn lại (01) nhập ở đây; năm cụ thể không nêu, ghi vào 2022.",
    ),
    (
        "LD.DT",
        2022,
        Category.NON_STATE_WORKER,
        5,
        "Seed 002: khối doanh nghiệp ngoài Nhà nước kết nạp 05 đảng viên trong 2020–2023; "
        "năm cụ thể không nêu, ghi vào 2022.",
    ),
]


def seed(stdout) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=[r[0] for r in RESULTS])}
    for code, year, category, count, source in RESULTS:
        if code not in orgs:
            stdout.write(f"reports demo: organization {code} missing, skipped")
            continue
        historical_result_record(organization=orgs[code], year=year, category=category, count=count, source=source)
    stdout.write(f"reports demo: {len(RESULTS)} historical results (seeds 001, 002)")
