"""Historical results are now tallied (admissions.Tally, kind ENTERED: reports/entered.py):
count those already entered."""

from django.db import migrations


def recount(apps, schema_editor):
    from reports import entered

    entered.rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_merge"),
        ("admissions", "0014_tally_historical_results"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
