"""Every value as each source told it: the rules of negotiations.domain.provenance on built
records (a round announced for "next week" and later dated, a deadline moved, two sources
at odds), through the write services, the API's answers as known on a day and claims/."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from negotiations import models
from negotiations.domain import writes
from negotiations.domain.provenance import Statement, facet_state, validate_link
from tests import factories

pytestmark = pytest.mark.django_db

APRIL_24, APRIL_25, MAY_16 = (
    datetime.date(2025, 4, 24),
    datetime.date(2025, 4, 25),
    datetime.date(2025, 5, 16),
)
NEXT_WEEK = {
    "start_date": "2025-04-28",
    "end_date": "2025-05-04",
    "date_precision": "week",
    "date_as_reported": "next week",
}


def statement(slug, day, facets=(), values=None, change=False) -> Statement:
    return Statement(
        citation={"slug": slug, "source": slug.split("--")[0]},
        published=day,
        facets=tuple(facets),
        values=values or {},
        reports_change=change,
    )


CURRENT = {
    "start_date": "2025-05-01",
    "end_date": None,
    "date_precision": "day",
    "date_as_reported": "May 1",
    "date_note": "",
    "city": "Washington",
    "region": "",
    "country": "US",
    "title": "First round of technical consultations",
    "status": "held",
}


class TestHowValuesRelate:
    def test_a_day_inside_an_earlier_week_refines_it(self):
        said = [
            statement("reuters--next-week", APRIL_24, ["date"], {"date": NEXT_WEEK}),
            statement("joongang--may-1", MAY_16, ["date"]),
        ]
        early = facet_state(models.Round, "date", said, CURRENT, APRIL_25)
        assert early.value["date_as_reported"] == "next week" and not early.disputed
        late = facet_state(models.Round, "date", said, CURRENT, MAY_16)
        assert late.value["start_date"] == "2025-05-01" and not late.disputed
        assert [v.state for v in late.versions] == ["superseded", "current"]
        assert late.versions[0].superseded_by == ["joongang--may-1"]

    def test_a_coarser_window_given_later_confirms_the_finer_one(self):
        june = {"start_date": "2025-05-01", "end_date": "2025-05-31", "date_precision": "month"}
        said = [
            statement("a--may-1", APRIL_24, ["date"]),
            statement("b--in-may", MAY_16, ["date"], {"date": june}),
        ]
        state = facet_state(models.Round, "date", said, CURRENT)
        assert state.value["start_date"] == "2025-05-01" and state.value["end_date"] is None
        assert not state.disputed and len(state.versions[0].statements) == 2

    def test_two_days_that_cannot_both_be_true_are_a_dispute(self):
        other_day = {"start_date": "2025-05-02", "date_precision": "day"}
        said = [
            statement("a--may-1", APRIL_24, ["date"]),
            statement("b--may-2", MAY_16, ["date"], {"date": other_day}),
        ]
        state = facet_state(models.Round, "date", said, CURRENT)
        assert state.disputed and state.value["start_date"] == "2025-05-02"  # the latest
        assert [v.state for v in state.versions] == ["disputed", "disputed"]

    def test_a_reported_change_supersedes_without_a_dispute(self):
        moved = {"date": "2025-08-01", "date_precision": "day"}
        deadline = {"date": "2025-07-08", "end_date": None, "date_precision": "day"}
        said = [
            statement("a--july-8", APRIL_24, ["date"]),
            statement("b--moved", MAY_16, ["date"], {"date": moved}, change=True),
        ]
        state = facet_state(models.Deadline, "date", said, deadline)
        assert not state.disputed and state.value["date"] == "2025-08-01"
        assert state.versions[0].state == "superseded"

    def test_status_moves_on_and_wordings_replace_each_other(self):
        said = [
            statement(
                "a--planned",
                APRIL_24,
                ["status", "title"],
                {
                    "status": {"status": "planned"},
                    "title": {"title": "Working-level discussions"},
                },
            ),
            statement("b--held", MAY_16, ["status", "title"]),
        ]
        for facet in ("status", "title"):
            state = facet_state(models.Round, facet, said, CURRENT)
            assert not state.disputed and state.versions[0].state == "superseded"
        assert facet_state(models.Round, "title", said, CURRENT, APRIL_25).value == {
            "title": "Working-level discussions"
        }

    def test_a_place_given_in_part_then_whole_is_one_place(self):
        said = [
            statement("a--in-the-us", APRIL_24, ["place"], {"place": {"country": "US"}}),
            statement("b--washington", MAY_16, ["place"]),
        ]
        state = facet_state(models.Round, "place", said, CURRENT)
        assert not state.disputed and state.value["city"] == "Washington"

    def test_a_whole_record_citation_states_every_facet_and_no_facet_is_unknown_after_it(self):
        said = [statement("a--whole", APRIL_24)]
        assert facet_state(models.Round, "venue", said, CURRENT, APRIL_25).known
        assert not facet_state(
            models.Round, "venue", said, CURRENT, datetime.date(2025, 4, 1)
        ).known


class TestWhatALinkMaySay:
    def test_unknown_facets_and_fields_are_named(self):
        problems = validate_link(models.Round, ["date", "colour"], {"date": {"day": 1}})
        assert (
            "colour" in problems["facets"][0]
            and "Its facets: title, level" in problems["facets"][0]
        )
        assert "no field day" in problems["values"][0]

    def test_a_value_for_a_facet_the_link_does_not_state(self):
        problems = validate_link(models.Round, ["place"], {"date": {"start_date": "2025-05-01"}})
        assert "does not state" in problems["values"][0]

    def test_records_without_facets_are_cited_as_a_whole(self):
        assert "as a whole" in validate_link(models.PersonAlias, ["name"], {})["facets"][0]

    def test_the_write_service_refuses_a_bad_link_and_changes_nothing(self):
        deadline = factories.deadline()
        spec = writes.CitationLinkSpec(citation=factories.citation(), facets=("venue",))
        with pytest.raises(ValidationError, match="venue"):
            writes.set_citation_links(record=deadline, links=[spec])
        assert not deadline.citation_links.exists()


def test_a_changed_value_is_kept_by_the_sources_that_gave_the_old_one():
    deadline = factories.deadline(date=datetime.date(2025, 7, 8))
    early = factories.citation(quote="By July 8.")
    writes.set_citation_links(
        record=deadline, links=[writes.CitationLinkSpec(citation=early, facets=("date",))]
    )
    writes.update_record(record=deadline, fields={"date": datetime.date(2025, 8, 1)})
    link = deadline.citation_links.get()
    assert link.values["date"]["date"] == "2025-07-08"  # what that source said
    assert link.values["date"]["date_precision"] == "day"


def test_a_plain_citation_keeps_what_its_link_already_says():
    deadline = factories.deadline()
    citation = factories.citation()
    spec = writes.CitationLinkSpec(citation=citation, facets=("date",), values={})
    writes.set_citation_links(record=deadline, links=[spec])
    writes.update_record(record=deadline, fields={}, links={"citations": [citation]})
    assert deadline.citation_links.get().facets == ["date"]


class TestAnAnnouncedRoundAsKnownDayByDay:
    @pytest.fixture
    def story(self):
        talks = factories.negotiation()
        early = factories.source(published_on=APRIL_24)
        late = factories.source(published_on=MAY_16)
        round_ = factories.round(
            talks,
            1,
            title="First round of technical consultations",
            status="held",
            start_date=datetime.date(2025, 5, 1),
            city="Washington",
            country="US",
            level="director",
            summary="Director-level officials met.",
        )
        links = [
            writes.CitationLinkSpec(
                citation=factories.citation(early, quote="Working-level discussions next week."),
                facets=("date", "status", "title"),
                values={
                    "date": NEXT_WEEK,
                    "status": {"status": "planned"},
                    "title": {"title": "Working-level discussions"},
                },
            ),
            writes.CitationLinkSpec(
                citation=factories.citation(late, quote="Officials met in Washington on May 1."),
                facets=("date", "status", "title", "place", "level", "summary"),
            ),
        ]
        writes.set_citation_links(record=round_, links=links)
        return round_

    def test_before_the_later_source_only_the_earlier_words_show(self, api, story):
        body = api.get(f"/api/v1/rounds/{story.slug}/", {"known_as_of": "2025-04-25"}).json()
        assert (body["start_date"], body["date_precision"]) == ("2025-04-28", "week")
        assert body["date_as_reported"] == "next week" and body["status"] == "planned"
        assert body["title"] == "Working-level discussions"
        assert body["city"] is None and body["level"] is None and body["summary"] is None
        assert {"city", "country", "level", "venue", "summary", "outcomes"} <= set(
            body["unknown_fields"]
        )
        assert [c["published_on"] for c in body["citations"]] == ["2025-04-24"]

    def test_after_it_every_value_is_the_later_sources(self, api, story):
        body = api.get(f"/api/v1/rounds/{story.slug}/", {"known_as_of": "2025-05-16"}).json()
        assert (body["start_date"], body["status"], body["city"]) == (
            "2025-05-01",
            "held",
            "Washington",
        )
        assert body["disputes"] == []  # a refinement and a change, not a contradiction

    def test_claims_show_each_value_with_its_source(self, api, story):
        body = api.get(f"/api/v1/rounds/{story.slug}/claims/").json()
        date = next(facet for facet in body["facets"] if facet["facet"] == "date")
        assert [v["state"] for v in date["values"]] == ["superseded", "current"]
        assert date["values"][0]["value"]["date_as_reported"] == "next week"
        assert date["values"][0]["citations"][0]["published_on"] == "2025-04-24"
        early = api.get(f"/api/v1/rounds/{story.slug}/claims/", {"known_as_of": "2025-04-25"})
        place = next(facet for facet in early.json()["facets"] if facet["facet"] == "place")
        assert place["known"] is False and place["values"] == []
