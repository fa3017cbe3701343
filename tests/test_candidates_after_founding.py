"""A candidate's road at an organization begins on or after the day it was founded (every
later step follows that date), as its admissions and member counts do."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from admissions.models import Candidate
from organizations.models import Organization

from .admissions_helpers import make_candidate

D = dt.date


def test_a_candidate_cannot_begin_the_road_before_the_organization_was_founded(tree):
    Organization.objects.filter(pk=tree.cell.pk).update(founded_on=D(2025, 1, 1))
    cell = Organization.objects.get(pk=tree.cell.pk)
    with pytest.raises(ValidationError) as refused:
        make_candidate(cell, source_date=D(2024, 3, 15))
    assert "được thành lập ngày 01/01/2025" in " ".join(refused.value.messages)
    assert not Candidate.objects.filter(organization=cell).exists()
    # from the founding day on, the road begins there
    assert make_candidate(cell, source_date=D(2025, 1, 1)).organization == cell
