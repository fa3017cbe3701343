"""The tallies now hold today's tree (admissions under where their organization, or its
successor, stands now; before, where it stood on the ceremony date): recount them."""

from django.db import migrations


def recount(apps, schema_editor):
    from admissions import tally

    tally.rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0004_subtree_count_indexes"),
        ("organizations", "0004_children_index"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
