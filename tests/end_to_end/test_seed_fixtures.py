"""The seed fixtures are data under test: they load, reload, round-trip and cite verbatim."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from negotiations import models, registry
from negotiations.choices import DatePrecision, RoundStatus
from negotiations.domain import review, slugs
from negotiations.domain.citations import statements_of
from negotiations.domain.claims import current_values
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.domain.provenance import (
    WINDOW,
    WORDING,
    facet_state,
    facets_of,
    record_facets,
    validate_link,
    window,
)
from tests.helpers import empty_negotiations_tables, row_counts
from tests.seed import (
    CURRENCY_APART,
    CURRENCY_OFF_JEJU,
    CURRENCY_POLICY,
    CURRENCY_TALKS,
    DEFENCE_COSTS,
    DEFENCE_OFF_TALKS,
    DEFENCE_OFF_WASHINGTON,
    HAN_CABINET,
    JEJU,
    JEJU_COUNTERPART,
    JOONGANG,
    REUTERS,
    SEED_FIXTURE,
    TALKS,
    TARIFF_SCOPE,
    TECHNICAL_1,
    TECHNICAL_2,
    UNDATED,
    WASHINGTON,
    YONHAP,
)

pytestmark = pytest.mark.django_db

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / f"{SEED_FIXTURE}.json"
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


def test_first_technical_rounds_agenda_was_announced():
    """Yonhap (26 April): "The two countries plan to launch working-level talks on those
    issues next week": the four areas, announced for the round of 1 May."""
    technical = models.Round.objects.get(slug=TECHNICAL_1)
    assert (technical.agenda_status, technical.agenda_basis) == ("reported", "announced")
    assert technical.level == "director"
    items = list(technical.agenda_items.prefetch_related("areas", "citations"))
    assert {area.slug for item in items for area in item.areas.all()} == {
        "tariffs",
        "non-tariff-measures",
        "economic-security",
        "investment-cooperation",
        "currency-policy",
    }
    for item in items:
        assert [c.slug for c in item.citations.all()] == ["yonhap-2025-04-26--four-categories"]
    assert "launch working-level talks on those issues next week" in items[0].citations.get().quote


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


def areas_listed_by(source: str, round_slug: str) -> set[str]:
    """The areas of the items a source cites at a round (the implicit value of agenda_list)."""
    return set(
        models.AgendaItemArea.objects.filter(
            round__slug=round_slug, item__citations__source__slug=source
        ).values_list("area__slug", flat=True)
    )


def test_the_24_april_lists_are_each_sources_values_not_a_written_disagreement():
    """Four reports list the areas agreed on 24 April; Reuters' four leave out currency policy.
    Each list-giving quote states the round's whole list (agenda_list) and cites the items it
    names, worded as it worded them; the dispute is computed from them, not written down."""
    assert not models.Disagreement.objects.filter(slug="currency-policy-on-2025-04-24-agenda")
    assert set(models.Disagreement.objects.values_list("slug", flat=True)) == {
        JEJU_COUNTERPART,
        TARIFF_SCOPE,
    }
    lists = {
        link.citation.source.slug: link
        for link in models.Round.citations.through.objects.filter(
            round__slug=WASHINGTON
        ).select_related("citation__source")
        if "agenda_list" in link.facets
    }
    assert set(lists) == {REUTERS, YONHAP, UNDATED, JOONGANG}
    four = {"tariffs", "non-tariff-measures", "economic-security", "investment-cooperation"}
    assert areas_listed_by(REUTERS, WASHINGTON) == four
    for source in (YONHAP, UNDATED, JOONGANG):
        assert areas_listed_by(source, WASHINGTON) == four | {CURRENCY_POLICY}, source
    labels = {
        link.citation.source.slug: link.values.get("label", {}).get("label", link.agendaitem.label)
        for link in models.AgendaItem.citations.through.objects.filter(
            agendaitem__slug=f"{WASHINGTON}--tariff-and-nontariff-measures"
        ).select_related("citation__source", "agendaitem")
    }
    assert labels == {
        REUTERS: "tariffs, non-tariffs",
        YONHAP: "tariff- and non-tariff measures",
        UNDATED: "major and non-tariff measures",
        JOONGANG: "tariff and nontariff measures",
    }


def test_what_is_off_the_agenda_is_recorded_as_excluded_with_its_quote():
    exclusions = {
        exclusion.slug: exclusion
        for exclusion in models.AgendaExclusion.objects.select_related(
            "round", "area", "handled_in"
        ).prefetch_related("citations")
    }
    assert set(exclusions) == {
        DEFENCE_OFF_WASHINGTON,
        DEFENCE_OFF_TALKS,
        CURRENCY_APART,
        CURRENCY_OFF_JEJU,
    }
    quotes = {slug: [c.quote for c in e.citations.all()] for slug, e in exclusions.items()}
    assert exclusions[DEFENCE_OFF_WASHINGTON].round.slug == WASHINGTON
    assert quotes[DEFENCE_OFF_WASHINGTON] == [
        "Choi said to South Korean journalists that the discussion did not include defense costs."
    ]
    assert exclusions[DEFENCE_OFF_TALKS].round is None
    assert sorted(quotes[DEFENCE_OFF_TALKS]) == [
        "However, the government has firmly denied that defence cost-sharing for US troops "
        "stationed in South Korea is on the table.",
        "South Korea's Foreign Minister said that defense costs are not part of trade "
        "negotiations.",
    ]
    apart = exclusions[CURRENCY_APART]
    assert apart.round is None and apart.handled_in.slug == CURRENCY_TALKS
    assert "requested" in apart.note and "hold separate discussions" in quotes[CURRENCY_APART][0]
    assert exclusions[CURRENCY_OFF_JEJU].round.slug == JEJU
    assert "but with currency policy absent" in quotes[CURRENCY_OFF_JEJU][0]
    # The stated drop at Jeju stays an annotation too.
    assert models.AgendaChangeAnnotation.objects.filter(
        round__slug=JEJU, area__slug=CURRENCY_POLICY, change="dropped", basis="stated"
    ).exists()
    defence = models.AgendaArea.objects.get(slug=DEFENCE_COSTS)
    assert {"defense costs", "defence costs"} <= set(defence.aliases.values_list("name", flat=True))


def test_currency_track_spun_off_from_the_tariff_talks():
    """Cited by what says so, Bessent's request, and its note says only that."""
    relation = models.NegotiationRelation.objects.get(from_negotiation__slug=CURRENCY_TALKS)
    assert relation.kind == "spun_off_from"
    assert relation.to_negotiation.slug == TALKS
    assert [c.slug for c in relation.citations.all()] == [
        "reuters-2025-04-24--separate-currency-talks"
    ]
    assert "requested" in relation.note
    assert "Jeju" not in relation.note and "absent" not in relation.note


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
    """Labels are "exactly as reported": each source's wording of an item (the one its link
    gives, or the item's label) is in that source's quote."""
    links = models.AgendaItem.citations.through.objects.select_related("agendaitem", "citation")
    for link in links:
        label = link.values.get("label", {}).get("label", link.agendaitem.label)
        assert label.lower() in link.citation.quote.lower(), str(link)
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


def test_the_occasion_of_24_april_is_the_editors_reading_not_a_stated_field():
    """Reuters puts the trade team's meetings "on the sidelines this week" of the IMF and
    World Bank meetings without naming this one among them: no source states the occasion,
    so the field is empty and the reading is the summary's, said to be the editors'."""
    washington = models.Round.objects.get(slug=WASHINGTON)
    assert washington.occasion == ""
    links = models.Round.citations.through.objects.filter(round=washington)
    assert not [link for link in links if "occasion" in link.facets]
    assert "the editors' reading" in washington.summary
    assert "World Bank Group" in washington.summary
    imf = links.get(citation__slug="reuters-2025-04-24--imf-world-bank-sidelines")
    assert imf.facets == ["summary"]
    assert "does not say whether this meeting was one of those" in imf.values["summary"]["summary"]


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


# --- What each quote states: the field-level links ---------------------------------------------

FACETED = [model for model in registry.cited_models().values() if facets_of(model)]
# What an empty field holds: nothing, the level or agenda no source reported.
EMPTY = (None, "", False, "unspecified", "not_reported")


def links_of(model):
    through = model._meta.get_field("citations").remote_field.through
    return through.objects.select_related("citation__source")


def history_counts() -> dict[str, int]:
    return {
        model._meta.label: model.history.count()
        for model in registry.data_models()
        if hasattr(model, "history")
    }


def test_the_fixture_loads_twice_with_no_change():
    empty_negotiations_tables()
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    first, history = dump(), history_counts()

    call_command("loaddata", SEED_FIXTURE, verbosity=0)

    assert dump() == first  # every record, link and timestamp as it was
    assert history_counts() == history


def test_export_fixture_writes_the_seed_file_back():
    """Loaded into an empty database and exported, the seed is its own file (but for the
    timestamps, which are the load's): it is kept in export_fixture's format and order."""
    empty_negotiations_tables()
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    assert without_timestamps(dump()) == without_timestamps(FIXTURE_PATH.read_text())


@pytest.mark.parametrize("model", FACETED, ids=lambda model: model.__name__)
def test_every_link_of_a_model_with_facets_names_its_facets(model):
    """No quote supports a whole record: each says which facets of it the quote states."""
    whole = [str(link) for link in links_of(model) if not link.facets]
    assert whole == []


@pytest.mark.parametrize("model", FACETED, ids=lambda model: model.__name__)
def test_every_value_belongs_to_a_facet_its_link_names(model):
    for link in links_of(model):
        assert set(link.values) <= set(link.facets), str(link)
        assert validate_link(model, link.facets, link.values) == {}, str(link)


@pytest.mark.parametrize("model", FACETED, ids=lambda model: model.__name__)
def test_every_facet_is_stated_by_a_link_or_honestly_unknown(model):
    """A facet holding a value is named by at least one link; a facet no link names is empty
    (unknown, not made up). A fact, a state or a date comes out of the rules, from all the
    links, as the record holds it (a wording may be the editors' composite of several)."""
    stated = statements_of({model: model.objects.values_list("pk", flat=True)})[model]
    for record in model.objects.all():
        statements = stated[record.pk]
        current = current_values(record)
        for name, facet in record_facets(model).items():
            value = {field: current[field] for field in facet.fields}
            if not any(name in statement.facets for statement in statements):
                assert all(held in EMPTY for held in value.values()), (str(record), name)
                continue
            shown = facet_state(model, name, statements, current).value
            if facet.kind == WINDOW:
                assert window(facet, shown) == window(facet, value), (str(record), name)
            elif facet.kind != WORDING:
                assert shown == value, (str(record), name)


# Words that name an article in the editors' text.
NAMED_AS = {
    HAN_CABINET: ("Han Cabinet",),
    REUTERS: ("Reuters",),
    YONHAP: ("Yonhap",),
    UNDATED: ("'very successful' article", "undated article"),
    JOONGANG: ("JoongAng", "16 May"),
}


def test_no_value_a_source_gave_names_a_later_article():
    """A value as a source gave it (a date note, a summary) was written from that source and
    those before it: shown as known on its day, it must not lean on one published later."""
    known_from = {source.slug: source.known_from for source in models.Source.objects.all()}
    for model in FACETED:
        for link in links_of(model).exclude(values={}):
            day = link.citation.source.known_from
            text = json.dumps(link.values, ensure_ascii=False)
            for later, names in NAMED_AS.items():
                if known_from[later] > day:
                    assert not [name for name in names if name in text], (str(link), later)


def test_list_giving_quotes_cite_the_items_they_name():
    """A quote stating a round's whole list (agenda_list) has its source cite, at that round,
    the items the list names: the list is the areas of those items."""
    for link in links_of(models.Round):
        if "agenda_list" in link.facets:
            cited = models.AgendaItem.objects.filter(
                round=link.round, citations__source=link.citation.source
            )
            assert cited.exists(), str(link)


def test_the_first_technical_round_is_told_as_each_source_told_it():
    """On 24 April Reuters has "working-level discussions next week" (the week of 28 April),
    on 16 May JoongAng "held on May 1 in Washington, involved director-level officials": each
    link keeps its own value."""
    links = {
        link.citation.slug: link for link in links_of(models.Round).filter(round__slug=TECHNICAL_1)
    }
    reuters = links["reuters-2025-04-24--working-level-july-package"]
    assert reuters.facets == ["title", "level", "status", "date", "summary"]
    assert reuters.values["title"] == {"title": "Working-level discussions"}
    assert reuters.values["level"] == {"level": "working"}
    assert reuters.values["status"] == {"status": "planned"}
    date = reuters.values["date"]
    assert (date["start_date"], date["end_date"], date["date_precision"]) == (
        "2025-04-28",
        "2025-05-02",
        "week",
    )
    assert date["date_as_reported"] == "next week" and "JoongAng" not in date["date_note"]
    joongang = links["joongang-2025-05-16--first-technical-round-may-1"]
    assert joongang.values == {}  # states the round as recorded: 1 May, Washington, director
    assert {"date", "place", "level"} <= set(joongang.facets)


def test_a_round_level_is_stated_only_by_quotes_that_give_it():
    """The second technical round: "the second round of technical consultations" gives a
    technical (working) level; "a delegation from the ministry and related agencies" gives
    none, and no quote of it gives another."""
    planned = models.Round.objects.get(slug=TECHNICAL_2)
    assert planned.level == "working"
    for link in links_of(models.Round).filter(round=planned):
        if "level" in link.facets:
            assert "technical" in link.citation.quote, str(link)
            assert "level" not in link.values


def test_the_july_package_date_is_ahns_on_24_april():
    """Reuters (24 April): "delivering a July package by the 8th of July"."""
    link = links_of(models.Deadline).get(
        deadline__slug="july-package-target-2025-07-08",
        citation__slug="reuters-2025-04-24--working-level-july-package",
    )
    assert "date" in link.facets and "date" not in link.values
    assert link.deadline.date_as_reported == "by the 8th of July"


def test_the_undated_articles_window_rests_on_what_its_text_bounds():
    undated = models.Source.objects.get(slug=UNDATED)
    assert (str(undated.published_on), str(undated.published_on_end)) == (
        "2025-04-24",
        "2025-04-30",
    )
    assert undated.published_on_inferred
    assert "'agreed on Thursday'" in undated.date_note
    assert "bounds nothing" in undated.date_note


def test_no_fact_is_recorded_twice_from_one_quote():
    """Two positions of a party, of one kind, at one round, from the very same quotes, one's
    areas within the other's, are one statement recorded twice."""
    positions = list(models.Position.objects.prefetch_related("citations", "areas"))
    for number, first in enumerate(positions):
        for second in positions[number + 1 :]:
            same = (first.party_id, first.kind, first.round_id) == (
                second.party_id,
                second.kind,
                second.round_id,
            ) and set(first.citations.all()) == set(second.citations.all())
            areas = set(first.areas.all()), set(second.areas.all())
            assert not (same and (areas[0] <= areas[1] or areas[1] <= areas[0])), (
                first.slug,
                second.slug,
            )


def test_no_editors_text_says_more_than_its_source():
    """Reuters lists four areas (tariffs and non-tariffs apart) and reports Bessent's request
    for separate currency talks: no text says it lists three, or that currency policy was
    to be discussed separately."""
    for model in registry.data_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if field.get_internal_type() in ("CharField", "TextField")
            and field.name not in ("quote", "text")
        ]
        for row in model.objects.values(*fields) if fields else ():
            for name, text in row.items():
                for claim in ("first three", "discussed separately", "to be discussed"):
                    assert claim not in text, (model._meta.label, name, text)
