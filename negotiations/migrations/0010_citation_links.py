"""Every cited model's ``citations`` runs through an explicit link model from now on.

The link models take over the tables Django made for the many-to-many fields (same names,
same columns, same unique index): this migration changes the project state only; the next
one adds what a link says (its facets, the values as the source gave them)."""

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


def take_over(model_name: str, related_name: str) -> migrations.SeparateDatabaseAndState:
    field = model_name.lower()
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.CreateModel(
                name=f"{model_name}_citations",
                fields=[
                    (
                        "id",
                        models.BigAutoField(
                            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                        ),
                    ),
                    (
                        "citation",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            to="negotiations.citation",
                        ),
                    ),
                    (
                        field,
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="+",
                            to=f"negotiations.{field}",
                        ),
                    ),
                ],
                options={
                    "db_table": f"negotiations_{field}_citations",
                    "unique_together": {(field, "citation")},
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
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0009_api_tokens_as_digests")]

    operations = [take_over(model_name, related_name) for model_name, related_name in CITED]
