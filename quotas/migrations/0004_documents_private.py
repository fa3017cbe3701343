"""Signed plan documents move from the public media folder to the private storage
(common/files.py); their stored names stay the same."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.files import move_to_private

    Plan = apps.get_model("quotas", "Plan")
    move_to_private(Plan.objects.exclude(document="").values_list("document", flat=True))


class Migration(migrations.Migration):
    dependencies = [("quotas", "0003_rule_max_is_cap")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
