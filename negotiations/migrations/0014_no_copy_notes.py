"""Copied agenda items were given the note "Copied from <round>: cite this round's source.",
which outlived the citation and was public in the API as an editor's note: it goes (the
review queue lists an uncited item)."""

from django.db import migrations

COPY_NOTE = r"^Copied from .*: cite this round's source\.$"


def drop_copy_notes(apps, schema_editor):
    AgendaItem = apps.get_model("negotiations", "AgendaItem")
    AgendaItem.objects.filter(notes__regex=COPY_NOTE).update(notes="")


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0013_scope_versions"),
    ]

    operations = [
        migrations.RunPython(drop_copy_notes, migrations.RunPython.noop),
    ]
