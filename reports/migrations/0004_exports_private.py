"""Finished background exports move from the public media folder to the private storage
(partyplans/files.py); their stored names stay the same."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.files import move_to_private

    ExportJob = apps.get_model("reports", "ExportJob")
    move_to_private(ExportJob.objects.exclude(file="").values_list("file", flat=True))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_historicalresult_first_year")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
