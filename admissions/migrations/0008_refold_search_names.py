"""Re-fold the candidates' stored search names (organizations/text.py's fold changed: quotes,
dashes, spaces around punctuation)."""

import importlib

from django.db import migrations


def forwards(apps, schema_editor):
    refold = importlib.import_module("organizations.migrations.0006_refold_search_names").refold
    refold(apps.get_model("admissions", "Candidate"), "full_name")


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0007_make_up_working_days"),
        ("organizations", "0006_refold_search_names"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
