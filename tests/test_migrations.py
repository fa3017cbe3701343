"""The suite builds its test database from the models (`--nomigrations` in pyproject.toml:
running the 34 migrations cost each test process longer than most test files). So the
migrations must describe exactly the models, which this checks."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_migrations_describe_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail("the models changed without a migration:\n" + out.getvalue())
