"""Every cited model's ``citations`` runs through an explicit link model from now on, which
says what its quote states of the record (negotiations.models.provenance).

The link models take over the tables Django made for the many-to-many fields (same names,
same columns, same unique index), and those tables, with their audit copies, gain three
columns: ``facets`` (empty: the whole record, as every citation was before), ``values`` and
``reports_change``. The columns are added with plain ALTER TABLE statements: Django would
rebuild each SQLite table once per column (90 rebuilds, a minute on every new database)."""

import django.db.models.deletion
from django.db import migrations, models

# (model, the related name of its citations), as the models declare them.
CITED = [
    ("PartyAlias", "party_aliases"),
    ("OrganizationAlias", "organization_aliases"),
    ("PersonAlias", "person_aliases"),
    ("Role", "roles"),
    ("Negotiation", "negotiations"),
    ("NegotiationRelation", "negotiation_relations"),
    ("Round", "rounds"),
    ("Participant", "participants"),
    ("AgendaAreaAlias", "agenda_area_aliases"),
    ("AgendaItem", "agenda_items"),
    ("AgendaChangeAnnotation", "agenda_change_annotations"),
    ("Measure", "measures"),
    ("Deadline", "deadlines"),
    ("Position", "positions"),
    ("DisagreementClaim", "disagreement_claims"),
]


def link_fields():
    """What a link says, as the abstract CitationLink declares it."""
    return [
        (
            "facets",
            models.JSONField(
                blank=True,
                default=list,
                help_text="What this quote states about the record: the names of its facets "
                "(a round's date, place, status...). Empty: the whole record, not yet refined.",
            ),
        ),
        (
            "values",
            models.JSONField(
                blank=True,
                default=dict,
                help_text="Where the source gives another value than the record's current "
                "one: facet -> {field: the value as this source gave it}.",
            ),
        ),
        (
            "reports_change",
            models.BooleanField(
                default=False,
                help_text="The source reports that the value changed (a deadline moved, a "
                "meeting held): what earlier sources said was true when they said it, not "
                "contradicted.",
            ),
        ),
    ]


COLUMNS = {
    "sqlite": [
        ("facets", "text NOT NULL DEFAULT '[]'"),
        ("values", "text NOT NULL DEFAULT '{}'"),
        ("reports_change", "bool NOT NULL DEFAULT 0"),
    ],
    "postgresql": [
        ("facets", "jsonb NOT NULL DEFAULT '[]'::jsonb"),
        ("values", "jsonb NOT NULL DEFAULT '{}'::jsonb"),
        ("reports_change", "boolean NOT NULL DEFAULT false"),
    ],
}


def add_columns(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, _ in CITED:
        field = model_name.lower()
        for table in (f"negotiations_{field}_citations", f"negotiations_historical{field}_citations"):
            for column, definition in COLUMNS[connection.vendor]:
                schema_editor.execute(
                    f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} {definition}"
                )
                if connection.vendor == "postgresql":  # Django keeps no default in the database
                    schema_editor.execute(
                        f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} DROP DEFAULT"
                    )


def take_over(model_name: str, related_name: str) -> list:
    field = model_name.lower()
    return [
        migrations.CreateModel(
            name=f"{model_name}_citations",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                *link_fields(),
                (
                    "citation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="negotiations.citation"
                    ),
                ),
                (
                    field,
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citation_links",
                        to=f"negotiations.{field}",
                    ),
                ),
            ],
            options={
                "db_table": f"negotiations_{field}_citations",
                "unique_together": {(field, "citation")},
                "verbose_name": f"{model_name} citation",
            },
        ),
        migrations.AlterField(
            model_name=field,
            name="citations",
            field=models.ManyToManyField(
                blank=True,
                help_text="Sources with the verbatim quotes that support this record.",
                related_name=related_name,
                through=f"negotiations.{model_name}_citations",
                to="negotiations.citation",
            ),
        ),
        *(
            migrations.AddField(model_name=f"historical{field}_citations", name=name, field=spec)
            for name, spec in link_fields()
        ),
        # The audit copy's references as django-simple-history now declares them (no
        # tablespace): nothing changes in the database.
        *(
            migrations.AlterField(
                model_name=f"historical{field}_citations",
                name=name,
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=f"negotiations.{name}",
                ),
            )
            for name in (field, "citation")
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0009_api_tokens_as_digests")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                operation
                for model_name, related_name in CITED
                for operation in take_over(model_name, related_name)
            ],
            database_operations=[migrations.RunPython(add_columns, migrations.RunPython.noop)],
        )
    ]
