"""A candidate/admission import file of any size, for the import's scale tests and bench/imports.py.

Rows cycle through what a district's year-end file holds: new sources, people at the
awareness class, at the cell resolution, at the decision, and past admissions; half in a
grassroots cell, half in a cell under a grassroots committee (whose road has the
committee's resolution). Every row is a different person and passes every check."""

import datetime as dt

HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Trình độ học vấn",
    "Số CCCD", "Bước", "Ngày của bước", "Số văn bản", "Số quyết định", "Ngày quyết định", "Ngày kết nạp",
)  # fmt: skip
CODES = ("LD.DD.THPT", "LD.DD.KD.01")


def import_rows(n: int, codes=CODES, year: int = 2024, prefix: str = "Nguyễn Văn Nhập") -> list[tuple]:
    """The header and `n` good rows (dated in `year`, before the tests' today, 30/06/2025)."""
    rows = [HEADER]
    for i in range(n):
        code = codes[i % len(codes)]
        name = f"{prefix} {i:05d}"
        dob = dt.date(1990 + i % 10, 1 + i % 12, 1 + i % 28)
        gender = "Nam" if i % 2 else "Nữ"
        day = dt.date(year, 1 + i % 12, 1 + i % 28)
        kind = i % 5
        if kind == 0:  # a new source, identified on `day`
            rows.append((code, name, dob, gender, "Khác", "", "", 1, day, "", "", "", ""))
        elif kind == 1:  # at the awareness class
            rows.append((code, name, dob, gender, "Khác", "Đại học", "", 2, day, f"GCN-{i}", "", "", ""))
        elif kind == 2:  # at the cell resolution
            rows.append((code, name, dob, gender, "Khác", "", "", "Cell resolution", day, f"NQ-{i}", "", "", ""))
        elif kind == 3:  # at the decision
            rows.append((code, name, dob, gender, "Khác", "", "", 9, day, f"{i}-QĐ/HU", "", "", ""))
        else:  # a past admission
            ceremony = day + dt.timedelta(days=10)
            rows.append((code, name, dob, gender, "Khác", "", "", "", "", "", f"{i}-QĐ/HU", day, ceremony))
    return rows
