"""Recognition comes from the day the probation ends (that day included), and the refusal
of an earlier day says so."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from admissions import services

from .admissions_helpers import TODAY, make_candidate, walk

D = dt.date


def test_recognition_is_accepted_on_the_day_the_probation_ends_and_refused_the_day_before(tree):
    admission = services.admission_record(
        candidate=walk(make_candidate(tree.school)), ceremony_date=D(2024, 9, 30), user=None, today=TODAY
    )
    assert admission.probation_due == D(2025, 9, 30)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.admission_recognize(
            admission=admission, on_date=D(2025, 9, 29), decision_number="1", user=None, today=D(2025, 11, 1)
        )
    assert "chỉ công nhận từ ngày đó" in " ".join(refused.value.messages)
    recognized = services.admission_recognize(
        admission=admission, on_date=D(2025, 9, 30), decision_number="1", user=None, today=D(2025, 11, 1)
    )
    assert recognized.recognized_on == D(2025, 9, 30)
