from django.db import migrations, models
from django.db.models import F


def from_made_on(apps, schema_editor):
    """Amendments recorded before: in force from the day they were made (what they
    replaced was not kept, so reports of the days before read them as they are)."""
    apps.get_model("quotas", "PlanAmendment").objects.update(in_force_from=F("made_on"))


class Migration(migrations.Migration):
    dependencies = [("quotas", "0007_plan_signer")]

    operations = [
        migrations.AddField(
            model_name="planamendment",
            name="in_force_from",
            field=models.DateField(null=True, verbose_name="in force from"),
        ),
        migrations.RunPython(from_made_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="planamendment",
            name="in_force_from",
            field=models.DateField(verbose_name="in force from"),
        ),
        migrations.AddField(
            model_name="planamendment",
            name="before",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
