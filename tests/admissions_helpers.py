"""Building candidates along the road for the admissions tests."""

import datetime as dt

from admissions import services
from admissions.models import IntroducerKind, Step

D = dt.date
TODAY = D(2025, 6, 30)

# A plausible road in 2024–2025: (step, date, document number)
ROAD = [
    (Step.CLASS, D(2024, 3, 15), "GCN-112"),
    (Step.HELPERS, D(2024, 4, 1), ""),
    (Step.APPLICATION, D(2024, 5, 2), "1-KNĐ"),
    (Step.VERIFICATION, D(2024, 6, 3), "TT-07"),
    (Step.INTRODUCTION, D(2024, 7, 1), "3-KNĐ"),
    (Step.CELL_RESOLUTION, D(2024, 8, 5), "06-NQ/CB"),
    (Step.COMMITTEE_RESOLUTION, D(2024, 8, 20), "08-NQ/ĐU"),
    (Step.DECISION, D(2024, 9, 10), "123-QĐ/HU"),
]
TWO_MEMBERS = [
    {"kind": IntroducerKind.MEMBER, "full_name": "Trần Văn Giới", "known_since": D(2022, 9, 1)},
    {"kind": IntroducerKind.MEMBER, "full_name": "Lê Thị Thiệu", "known_since": D(2022, 9, 1)},
]


def make_candidate(org, user=None, today=TODAY, **overrides):
    fields = {
        "full_name": "Nguyễn Thị Ví Dụ",
        "date_of_birth": D(2005, 5, 10),
        "gender": "female",
        "category": "pupil",
        "education": "upper_secondary",
        "source_date": D(2024, 2, 1),
        "introduced_by": "youth_union",
    }
    fields.update(overrides)
    return services.candidate_create(organization=org, user=user, today=today, **fields)


def walk(candidate, until=Step.DECISION, user=None, today=TODAY, road=ROAD):
    for step, day, number in road:
        if step > until:
            break
        if step == Step.COMMITTEE_RESOLUTION and step not in services.next_steps(candidate):
            continue
        services.candidate_advance(
            candidate=candidate,
            step=step,
            date=day,
            document_number=number,
            introducers=TWO_MEMBERS if step == Step.INTRODUCTION else None,
            user=user,
            today=today,
        )
        candidate.refresh_from_db()
    return candidate
