"""The synthetic data generator: deterministic, faithful to the rules, served by the API."""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from bench import synthetic
from negotiations import models
from negotiations.choices import AgendaStatus

pytestmark = pytest.mark.django_db


def generate(*extra):
    call_command("generate_synthetic", "--size", "tiny", "--seed", "7", *extra, verbosity=0)


def snapshot() -> dict:
    """What a second run must reproduce: slugs, counts, and every round's agenda."""
    syn = {"slug__startswith": synthetic.PREFIX}
    agendas: dict[str, list] = {}
    for round_slug, area_slug, label in models.AgendaItemArea.objects.filter(
        round__slug__startswith=synthetic.PREFIX
    ).values_list("round__slug", "area__slug", "item__label"):
        agendas.setdefault(round_slug, []).append((area_slug, label))
    return {
        "rounds": list(
            models.Round.objects.filter(**syn)
            .order_by("slug")
            .values_list("slug", "status", "agenda_status", "start_date", "level")
        ),
        "items": sorted(models.AgendaItem.objects.filter(**syn).values_list("slug", flat=True)),
        "citations": models.Citation.objects.filter(**syn).count(),
        "participants": models.Participant.objects.filter(round__slug__startswith="syn-").count(),
        "people": sorted(
            models.PersonAlias.objects.filter(person__slug__startswith="syn-").values_list(
                "person__slug", "name"
            )
        ),
        "agendas": {slug: sorted(agenda) for slug, agenda in agendas.items()},
    }


def test_generation_is_deterministic_and_clear_removes_only_synthetic_data():
    seed_rounds = models.Round.objects.exclude(slug__startswith="syn-").count()
    generate()
    first = snapshot()
    assert 20 <= len(first["rounds"]) <= 40
    assert models.Negotiation.objects.filter(slug__startswith="syn-").count() == 2

    with pytest.raises(CommandError, match="--clear"):
        generate()

    call_command("generate_synthetic", "--clear-only", verbosity=0)
    assert not models.Round.objects.filter(slug__startswith="syn-").exists()
    assert not models.Citation.objects.filter(slug__startswith="syn-").exists()
    assert models.Round.objects.count() == seed_rounds

    generate()
    assert snapshot() == first
    generate("--clear")
    assert snapshot() == first


def test_agendas_respect_the_rules_and_some_are_unknown():
    generate()
    rounds = models.Round.objects.filter(slug__startswith="syn-")
    links = models.AgendaItemArea.objects.filter(round__in=rounds)
    # One area per round, and the copied round is always the item's round.
    assert not links.values("round", "area").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not links.exclude(round=F("item__round")).exists()
    # Unknown is not empty: some rounds have no reported agenda, and those have no items.
    unknown = rounds.filter(agenda_status=AgendaStatus.NOT_REPORTED)
    assert unknown.exists()
    assert not models.AgendaItem.objects.filter(round__in=unknown).exists()
    item_counts = (
        models.AgendaItem.objects.filter(round__in=rounds)
        .values("round")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert set(item_counts) <= set(range(4, 11))
    # Every fact carries 1-3 citations.
    facts = {
        models.Round: rounds,
        models.AgendaItem: models.AgendaItem.objects.filter(round__in=rounds),
        models.Participant: models.Participant.objects.filter(round__in=rounds),
    }
    for model, queryset in facts.items():
        counts = (
            model.citations.through.objects.filter(**{f"{model._meta.model_name}__in": queryset})
            .values(model._meta.model_name)
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        assert counts and set(counts) <= {1, 2, 3}


def test_the_agenda_endpoints_serve_synthetic_data(client):
    generate()
    negotiation = "syn-neg-00000"
    changes = client.get(f"/api/v1/negotiations/{negotiation}/agenda-changes/")
    assert changes.status_code == 200
    rounds = models.Round.objects.filter(negotiation__slug=negotiation).count()
    body = changes.json()
    assert len(body["changes"]) == rounds
    # Churn: rounds compared with a previous agenda mostly retain areas, and some change.
    compared = [entry for entry in body["changes"] if entry["comparable"]]
    assert compared
    assert sum(bool(entry["retained"]) for entry in compared) >= 0.8 * len(compared)
    assert any(entry["added"] or entry["dropped"] for entry in compared)
    assert any(not entry["comparable"] for entry in body["changes"])

    matrix = client.get(f"/api/v1/negotiations/{negotiation}/agenda-matrix/").json()
    assert len(matrix["rounds"]) == rounds
    states = {cell["state"] for area in matrix["areas"] for cell in area["cells"]}
    assert states == {"present", "absent", "unknown"}

    last = models.Round.objects.filter(negotiation__slug=negotiation).order_by("sequence").last()
    response = client.get(f"/api/v1/rounds/{last.slug}/agenda-changes/")
    assert response.status_code == 200
    assert response.json() == body["changes"][-1]

    listed = client.get(f"/api/v1/rounds/?negotiation={negotiation}&page_size=100").json()
    assert len(listed["results"]) == rounds

    rare = "syn-area-36"
    history = client.get(f"/api/v1/agenda-areas/{rare}/history/")
    assert history.status_code == 200
    assert {n["negotiation"]["slug"] for n in history.json()["negotiations"]} <= {negotiation}

    alias = models.PersonAlias.objects.filter(person__slug__startswith="syn-").order_by("pk")[0]
    people = client.get(f"/api/v1/people/?search={alias.name}").json()
    assert any(person["slug"] == alias.person.slug for person in people["results"])


def test_a_negotiation_is_the_same_at_every_size():
    """Negotiation i has the same rounds, agendas and citations whatever the size (only the
    people and parties it names come from larger pools), so the benchmark can compare sizes."""

    def flagship(size: str) -> dict:
        generator = synthetic.Generator(size, seed=3)
        generator.next_id = defaultdict(lambda: 1)  # nothing is written: ids from 1
        generator.pools()
        generator.buffers.clear()
        generator.negotiation(0)
        rows = generator.buffers
        return {
            "rounds": [
                (r["slug"], r["status"], r["agenda_status"], r["start_date"], r["level"])
                for r in rows[models.Round]
            ],
            "items": [(i["slug"], i["label"]) for i in rows[models.AgendaItem]],
            "areas": [(a["item_id"], a["area_id"]) for a in rows[models.AgendaItemArea]],
            "citations": [c["slug"] for c in rows[models.Citation]],
            "participants": len(rows[models.Participant]),
        }

    small = flagship("small")
    assert len(small["rounds"]) == 60
    assert flagship("large") == small
