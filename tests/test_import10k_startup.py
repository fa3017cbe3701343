"""Start-up (issue 18): loading every view does not import the holiday calendars (read only
when holidays are seeded); `manage.py check --deploy` still runs (tests/test_security.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

NOT_AT_START = ("holidays",)


def test_loading_every_view_does_not_import_the_holiday_calendars():
    script = "; ".join(
        [
            "import django, os, sys",
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'partyplans.settings')",
            "django.setup()",
            "from django.urls import get_resolver",
            "get_resolver().url_patterns",
            f"print([m for m in {NOT_AT_START!r} if m in sys.modules])",
        ]
    )
    printed = subprocess.check_output([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, text=True)
    assert printed.strip().splitlines()[-1] == "[]"


@pytest.mark.django_db
def test_holidays_are_seeded_with_the_calendar_imported_when_needed():
    from admissions.models import Holiday
    from admissions.services import holidays_seed

    assert holidays_seed(years=[2025]) > 0
    assert Holiday.objects.filter(date="2025-09-02").exists()  # Quốc khánh
