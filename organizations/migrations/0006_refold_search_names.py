"""Re-fold the stored search names: fold() now reads every kind of quote and dash alike and
drops the spaces around punctuation (organizations/text.py)."""

from django.db import migrations


def refold(model, field_from: str):
    """Store fold(name) wherever it differs; in batches, so a national tree fits in memory."""
    from common.text import fold

    changed = []
    for pk, name, stored in model.objects.values_list("pk", field_from, "search_name").iterator(chunk_size=5000):
        folded = fold(name)
        if folded != stored:
            changed.append(model(pk=pk, search_name=folded))
        if len(changed) >= 5000:
            model.objects.bulk_update(changed, ["search_name"])
            changed = []
    model.objects.bulk_update(changed, ["search_name"])


def forwards(apps, schema_editor):
    refold(apps.get_model("organizations", "Organization"), "name")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_reorganization")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
