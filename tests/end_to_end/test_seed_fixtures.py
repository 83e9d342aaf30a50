"""The seed fixtures are data under test: they load, reload, round-trip and cite verbatim."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from negotiations import models, registry
from negotiations.choices import AgendaStatus, DatePrecision, RoundStatus
from negotiations.domain import review, slugs
from negotiations.domain.labels import resolve_agenda_areas
from tests.helpers import empty_negotiations_tables, row_counts
from tests.seed import SEED_FIXTURE

pytestmark = pytest.mark.django_db

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
# The record, without the audit history and the data version that every load moves.
APP_MODELS = registry.data_models()


def dump() -> str:
    out = io.StringIO()
    call_command("export_fixture", stdout=out)
    return out.getvalue()


def test_loads_into_an_empty_database_and_reloads_without_duplicates():
    empty_negotiations_tables()
    assert sum(row_counts().values()) == 0

    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    first = row_counts()
    call_command("loaddata", SEED_FIXTURE, verbosity=0)

    assert row_counts() == first
    assert first["negotiations.Round"] >= 4
    assert first["negotiations.Citation"] >= 30


def test_fixture_load_is_recorded_once():
    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
    first = jeju.history.order_by("history_date").first()
    assert first.history_type == "+"
    assert first.history_change_reason == "Loaded from a fixture"
    count = models.Round.history.count()
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    assert models.Round.history.count() == count, "reloading unchanged data records nothing"


def test_dumpdata_loaddata_round_trip_is_unchanged(tmp_path):
    before = dump()
    path = tmp_path / "dump.json"
    path.write_text(before)

    empty_negotiations_tables()
    call_command("loaddata", str(path), verbosity=0)

    # The same records; their timestamps are the load's (updated never moves backwards).
    assert without_timestamps(dump()) == without_timestamps(before)


def without_timestamps(text: str) -> list:
    records = json.loads(text)
    for record in records:
        record["fields"].pop("created", None)
        record["fields"].pop("updated", None)
    return records


def test_fixture_file_uses_natural_keys_only():
    fixture = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / f"{SEED_FIXTURE}.json").read_text()
    )
    assert fixture, "the seed fixture is empty"
    assert all("pk" not in entry for entry in fixture), "fixtures must use natural keys"


def test_every_quote_is_verbatim_from_its_source():
    """Each source stores its article's text (the seed file's, unchanged), and every quote
    is found in it verbatim: what the review queue checks on any data."""
    texts = {path.name: path.read_text() for path in SEEDS_DIR.glob("*.txt")}
    assert len(texts) == 5
    for source in models.Source.objects.all():
        assert source.text == texts[source.seed_file], source.slug
    for citation in models.Citation.objects.select_related("source"):
        assert citation.quote in citation.source.text, citation.slug


def test_every_source_comes_from_a_seed_file_and_is_cited():
    sources = models.Source.objects.all()
    assert {source.seed_file for source in sources} == {
        path.name for path in SEEDS_DIR.glob("*.txt")
    }
    for source in sources:
        assert source.citations.exists(), source.slug


@pytest.mark.parametrize("related_name", sorted(registry.cited_models()))
def test_every_fact_is_cited(related_name):
    model = registry.cited_models()[related_name]
    uncited = [str(obj) for obj in model.objects.filter(citations=None)]
    assert uncited == []


@pytest.mark.parametrize(
    ("alias", "person"),
    [
        ("Scott Bescent", "scott-bessent"),
        ("Scott Becent", "scott-bessent"),
        ("Anne Duk Gae-woon", "ahn-duk-geun"),
        ("Jamie Son Greer", "jamieson-greer"),
        ("Choi Sangmok", "choi-sang-mok"),
    ],
)
def test_spelling_variants_are_aliases_not_people(alias, person):
    assert models.PersonAlias.objects.get(name=alias).person.slug == person
    assert not models.Person.objects.filter(name=alias).exists()


def test_monetary_policy_is_an_alias_of_currency_policy():
    alias = models.AgendaAreaAlias.objects.get(name__iexact="monetary policy")
    assert alias.area.slug == "currency-policy"


def test_first_technical_round_has_an_unknown_agenda():
    technical = models.Round.objects.get(slug="washington-technical-1-2025-05-01")
    assert technical.agenda_status == AgendaStatus.NOT_REPORTED
    assert not technical.agenda_items.exists()
    assert technical.level == "director"


def test_next_week_keeps_its_precision():
    planned = models.Round.objects.get(slug="technical-2-week-of-2025-05-19")
    assert planned.status == RoundStatus.PLANNED
    assert planned.date_precision == DatePrecision.WEEK
    assert planned.date_as_reported == "next week"
    assert (planned.end_date - planned.start_date).days == 4
    assert planned.date_note


def test_deadlines_of_the_talks():
    deadlines = dict(
        models.Deadline.objects.filter(negotiation__slug="kr-us-tariff-talks-2025").values_list(
            "slug", "date"
        )
    )
    assert str(deadlines["tariff-pause-expiry-2025-07-08"]) == "2025-07-08"
    assert str(deadlines["korea-snap-election-2025-06-03"]) == "2025-06-03"


def test_disagreement_about_currency_policy_keeps_both_versions():
    disagreement = models.Disagreement.objects.get(slug="currency-policy-on-2025-04-24-agenda")
    claims = list(disagreement.claims.all())
    assert len(claims) >= 2
    cited_sources = {c.source.slug for claim in claims for c in claim.citations.all()}
    assert "reuters-2025-04-24" in cited_sources
    assert len(cited_sources) >= 2


def test_currency_track_spun_off_from_the_tariff_talks():
    relation = models.NegotiationRelation.objects.get(
        from_negotiation__slug="kr-us-currency-consultations-2025"
    )
    assert relation.kind == "spun_off_from"
    assert relation.to_negotiation.slug == "kr-us-tariff-talks-2025"


def test_every_seed_object_is_valid():
    for model in APP_MODELS:
        for obj in model.objects.all():
            obj.full_clean()


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            {"negotiation": ["no-such-negotiation"]},
            "broken-round.*negotiation matches no negotiation",
        ),
        ({"negotiation": ["kr-us-tariff-talks-2025"], "start_date": "2025-02-30"}, "2025-02-30"),
        # A reference by primary key to no row: loaddata's own check at the end of the load.
        ({"negotiation": 999_999}, r"(?s)negotiation_id.*999999"),
        # What the admin refuses, SQLite would store: every record is validated (full_clean).
        (
            {"negotiation": ["kr-us-tariff-talks-2025"], "level": "bogus_level"},
            "Round “broken-round”: level: Value 'bogus_level' is not a valid choice",
        ),
        (
            {"negotiation": ["kr-us-tariff-talks-2025"], "title": "x" * 5_000},
            "Round “broken-round”: title: Ensure this value has at most 250 characters "
            r"\(it has 5000\)",
        ),
        (
            {
                "negotiation": ["kr-us-tariff-talks-2025"],
                "start_date": "2025-05-02",
                "end_date": "2025-05-01",
            },
            "Round “broken-round”: end_date: ",
        ),
        (
            {"negotiation": ["kr-us-tariff-talks-2025"], "date_precision": "week"},
            "Round “broken-round”: end_date: ",
        ),
        (
            {"negotiation": ["kr-us-tariff-talks-2025"], "sequence": 1},
            "Round “broken-round”: sequence: This negotiation already has a round",
        ),
    ],
    ids=[
        "unknown key",
        "impossible date",
        "unknown pk",
        "choice",
        "length",
        "dates",
        "coarse",
        "unique",
    ],
)
def test_a_broken_fixture_fails_atomically_with_a_clear_error(tmp_path, broken, message):
    good_source = {
        "model": "negotiations.source",
        "fields": {
            "slug": "broken-fixture-source",
            "title": "Loaded before the broken record",
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        },
    }
    bad_round = {
        "model": "negotiations.round",
        "fields": {
            "slug": "broken-round",
            "sequence": 77,
            "title": "Broken",
            "start_date": "2025-05-01",
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
            **broken,
        },
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([good_source, bad_round]))
    before = row_counts()

    for command in (["loaddata"], ["seed", "--force"]):
        with pytest.raises(Exception, match=message):
            call_command(*command, str(path), verbosity=0)

        assert row_counts() == before
        assert not models.Source.objects.filter(slug="broken-fixture-source").exists()


def test_every_agenda_label_is_worded_as_its_source_reports_it():
    """Labels are "exactly as reported": each one appears in a quote it cites."""
    for item in models.AgendaItem.objects.prefetch_related("citations"):
        quotes = [citation.quote.lower() for citation in item.citations.all()]
        assert any(item.label.lower() in quote for quote in quotes), item.slug


def test_second_technical_round_agenda_is_the_reported_six_key_areas():
    """The source says only "six key areas": one item, mapped to the six areas agreed at Jeju."""
    planned = models.Round.objects.get(slug="technical-2-week-of-2025-05-19")
    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
    [item] = planned.agenda_items.all()
    assert item.label == "six key areas"
    areas = set(item.areas.values_list("slug", flat=True))
    assert len(areas) == 6
    assert areas == set(
        models.AgendaItemArea.objects.filter(round=jeju).values_list("area__slug", flat=True)
    )


def test_editor_text_names_publishers_not_seed_file_numbers():
    """Notes and summaries say "JoongAng Daily (16 May)", never the internal "(000)"."""
    seed_number = re.compile(r"\b00\d\b")
    for model in APP_MODELS:
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if field.get_internal_type() in ("CharField", "TextField")
            and field.name not in ("quote", "seed_file", "slug")
        ]
        for row in model.objects.values(*fields):
            for name, text in row.items():
                if isinstance(text, str):
                    assert not seed_number.search(text), (model._meta.label, name, text)


def test_washington_2plus2_occasion_is_the_reported_imf_world_bank_meetings():
    washington = models.Round.objects.get(slug="washington-2plus2-2025-04-24")
    wording = "the meetings of the International Monetary Fund (IMF) and World Bank Group"
    assert wording in washington.occasion
    assert any(wording in citation.quote for citation in washington.citations.all())


def test_reloading_validates_against_the_rows_it_overwrites():
    """Unique fields are checked against other rows, not the one a record overwrites."""
    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
    jeju.summary = "Edited."
    jeju.save()

    call_command("loaddata", SEED_FIXTURE, verbosity=0)

    jeju.refresh_from_db()
    assert jeju.summary != "Edited."


def test_a_record_clashing_with_another_stored_record_is_refused(tmp_path):
    """A new slug, but the sequence of a stored round of the same negotiation."""
    fixture = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / f"{SEED_FIXTURE}.json").read_text()
    )
    [jeju] = [
        entry
        for entry in fixture
        if entry["model"] == "negotiations.round"
        and entry["fields"]["slug"] == "jeju-ministerial-2025-05-16"
    ]
    jeju["fields"]["slug"] = "jeju-copy"
    path = tmp_path / "copy.json"
    path.write_text(json.dumps([jeju]))

    with pytest.raises(
        Exception, match=r"Round “jeju-copy”: sequence: This negotiation already has a round"
    ):
        call_command("loaddata", str(path), verbosity=0)
    assert not models.Round.objects.filter(slug="jeju-copy").exists()


def test_every_seed_agenda_item_slug_follows_the_rule():
    for item in models.AgendaItem.objects.select_related("round"):
        assert item.slug == slugs.base_slug(
            models.AgendaItem, {"round": item.round, "label": item.label}
        )


def test_a_label_shared_by_two_areas_resolves_to_both():
    """'major and non-tariff measures' (the garbled 'tariff and non-tariff measures' of the
    undated article) is an alias of both areas it covers."""
    assert [area.slug for area in resolve_agenda_areas("Major and non-tariff measures")] == [
        "non-tariff-measures",
        "tariffs",
    ]


def test_participant_keeps_the_name_as_reported():
    participant = models.Participant.objects.get(
        round__slug="washington-2plus2-2025-04-24", person__slug="scott-bessent"
    )
    assert participant.name_as_reported
    assert participant.person.name == "Scott Bessent"


def test_the_seed_data_has_no_undated_source_misquote_or_uncited_fact(api):
    response = api.get("/api/v1/review/", {"page_size": 500})
    assert response.status_code == 200
    kinds = {entry["kind"] for entry in response.json()["results"]}
    assert not kinds & {review.UNDATED_SOURCE, review.UNVERIFIED_QUOTE, review.UNCITED_FACT}
