"""A candidate's fields are checked by Django's full_clean, without the unique checks that can
refuse nothing (issue 18: full_clean was half of each row's checks): the same refusals in the
same words, on a first look and on a value seen before."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from admissions.models import Candidate
from admissions.services.candidates import CLEAN_EXCLUDE, candidate_full_clean

GOOD = dict(
    full_name="Nguyễn Văn A",
    date_of_birth=dt.date(1990, 1, 1),
    gender="male",
    category="other",
    education="university",
    step=1,
    step_date=dt.date(2024, 1, 1),
)
BAD = [
    {"gender": "robot"},
    {"full_name": "x" * 121},
    {"national_id": "12345"},
    {"education": "", "category": "nobody"},
    {"date_of_birth": None},
    {"date_of_birth": "31/02/2024"},
    {"step": 99, "outcome": "gone"},
    {"youth_union_member": "maybe"},
    {"earlier_membership_end": "vanished", "earlier_membership_note": "y" * 301},
]


def _django(**fields) -> dict:
    try:
        Candidate(**{**GOOD, **fields}).full_clean(exclude=CLEAN_EXCLUDE, validate_constraints=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _ours(**fields) -> tuple[dict, Candidate]:
    candidate = Candidate(**{**GOOD, **fields})
    try:
        candidate_full_clean(candidate)
    except ValidationError as exc:
        return exc.message_dict, candidate
    return {}, candidate


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("fields", BAD)
def test_refusals_are_djangos_first_time_and_again(fields, language):
    with translation.override(language):
        expected = _django(**fields)
        assert expected
        for _again in range(2):
            assert _ours(**fields)[0] == expected


def test_a_good_candidate_passes_and_its_values_are_cleaned_alike():
    for _again in range(2):
        errors, candidate = _ours(national_id="012345678901", youth_union_member=True)
        assert errors == {}
        assert candidate.date_of_birth == dt.date(1990, 1, 1) and candidate.national_id == "012345678901"
    # A value refused in one field is not taken as good because another field had it.
    assert "gender" in _ours(gender="university")[0]
