from django.db import migrations, models


def fill_until(apps, schema_editor):
    """Each count's `until`: the date of its organization's next count (None for the latest)."""
    MemberCount = apps.get_model("organizations", "MemberCount")
    following = MemberCount.objects.filter(
        organization_id=models.OuterRef("organization_id"), as_of__gt=models.OuterRef("as_of")
    )
    MemberCount.objects.using(schema_editor.connection.alias).update(
        until=models.Subquery(following.order_by("as_of").values("as_of")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0007_period_locks"),
    ]

    operations = [
        migrations.AddField(
            model_name="membercount",
            name="until",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_until, migrations.RunPython.noop),
    ]
