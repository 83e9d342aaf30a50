"""Attaching a quote to the facts it states, on the record's admin page: one row per citation
link, the facets ticked by name, the value as the source gives it in typed fields; checked
by the rule of every write path, saved in the record form's transaction, and only by an
editor who may change the record."""

import datetime

import pytest

from negotiations import models
from negotiations.domain import writes
from negotiations.domain.writes import CitationLinkSpec
from tests import factories
from tests.helpers import admin_url, change_form_data

pytestmark = pytest.mark.django_db

LINKS = "citation_links"


@pytest.fixture
def round_():
    talks = factories.negotiation()
    return factories.round(talks, 1, start_date=datetime.date(2025, 4, 24), city="Washington")


@pytest.fixture
def quote():
    source = factories.source(publisher="Early Wire", published_on=datetime.date(2025, 4, 20))
    return factories.citation(source, quote="Talks are expected in the last week of April.")


def links(record) -> list[tuple]:
    return sorted(
        (link.citation.slug, link.facets, link.values, link.reports_change)
        for link in record.citation_links.select_related("citation")
    )


def add_link(data: dict, citation, **fields) -> str:
    """A new row of the links inline: its field prefix."""
    index = int(data[f"{LINKS}-TOTAL_FORMS"])
    data[f"{LINKS}-TOTAL_FORMS"] = str(index + 1)
    row = f"{LINKS}-{index}-"
    data[f"{row}citation"] = str(citation.pk)
    for name, value in fields.items():
        data[row + name] = value
    return row


def errors(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == LINKS:
            return str(inline.formset.errors)
    raise AssertionError("no links inline")


def week_of_the_21st(data, citation):
    return add_link(
        data,
        citation,
        states=["date"],
        **{
            "differs__date": "on",
            "date__start_date": "2025-04-21",
            "date__end_date": "2025-04-27",
            "date__date_precision": "week",
            "date__date_as_reported": "the last week of April",
        },
    )


def test_a_superuser_attaches_a_quote_to_a_rounds_date(admin_client, round_, quote):
    url = admin_url(models.Round, "change", round_.pk)
    page = admin_client.get(url)
    assert "Quotes and the facts they state" in page.content.decode()
    data = change_form_data(page)
    week_of_the_21st(data, quote)

    response = admin_client.post(url, data)

    assert response.status_code == 302, errors(response)
    assert links(round_) == [
        (
            quote.slug,
            ["date"],
            {
                "date": {
                    "start_date": "2025-04-21",
                    "end_date": "2025-04-27",
                    "date_precision": "week",
                    "date_as_reported": "the last week of April",
                }
            },
            False,
        )
    ]
    # The panel shows the value as that source gave it, with its quote.
    html = admin_client.get(url).content.decode()
    panel = html[html.index('class="provenance"') :]
    assert "Start date: 2025-04-21; End date: 2025-04-27; Date precision: Week" in panel
    assert "Early Wire</a>, 2025-04-20" in panel


def test_a_value_for_a_facet_the_quote_does_not_state_is_refused(admin_client, round_, quote):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(admin_client.get(url))
    data["title"] = "Not saved either"
    add_link(data, quote, states=["date"], **{"differs__place": "on", "place__city": "Seoul"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A value for \u201cplace\u201d, which this link does not state." in errors(response)
    round_.refresh_from_db()
    assert (round_.title, links(round_)) == ("Round 1", [])


def test_an_unknown_facet_is_refused_naming_the_field(admin_client, round_, quote):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(admin_client.get(url))
    add_link(data, quote, states=["weather"])

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "states" in response.context["inline_admin_formsets"][-1].formset.errors[0]
    assert links(round_) == []


def test_a_viewer_writes_nothing(staff_with, round_, quote):
    viewer = staff_with()
    url = admin_url(models.Round, "change", round_.pk)
    page = viewer.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    data.setdefault(f"{LINKS}-TOTAL_FORMS", "0")
    data.setdefault(f"{LINKS}-INITIAL_FORMS", "0")
    week_of_the_21st(data, quote)

    assert viewer.post(url, data).status_code == 403
    assert links(round_) == []


def test_an_editor_of_rounds_attaches_a_quote(staff_with, round_, quote):
    """The links are part of the round: changing the round is the permission they need."""
    editor = staff_with("change_round")
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(editor.get(url))
    week_of_the_21st(data, quote)

    response = editor.post(url, data)

    assert response.status_code == 302, errors(response)
    assert [slug for slug, *_ in links(round_)] == [quote.slug]


def test_a_viewer_sees_what_each_quote_states(staff_with, round_, quote):
    writes.set_citation_links(
        record=round_,
        links=[
            CitationLinkSpec(quote, facets=("date",), values={"date": {"date_precision": "week"}})
        ],
    )
    html = staff_with().get(admin_url(models.Round, "change", round_.pk)).content.decode()
    assert "Talks are expected in the last week of April." in html
    assert "date: Date precision: Week" in html


def test_a_row_left_as_it_was_keeps_what_the_rounds_own_change_froze(admin_client, round_, quote):
    """The editor moves the round's date and leaves the quote's row alone: that source said
    the old date, which its link now keeps (the write rule), not the form's empty value."""
    writes.set_citation_links(record=round_, links=[CitationLinkSpec(quote, facets=("date",))])
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(admin_client.get(url))
    data["start_date"] = "2025-05-02"

    response = admin_client.post(url, data)

    assert response.status_code == 302, errors(response)
    [(_, _, values, _)] = links(round_)
    assert values["date"]["start_date"] == "2025-04-24"


def test_removing_a_row_unlinks_the_quote(admin_client, round_, quote):
    other = factories.citation(quote="Another quote.")
    writes.set_citation_links(
        record=round_, links=[CitationLinkSpec(quote, facets=("date",)), other]
    )
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(admin_client.get(url))
    row = next(i for i in range(2) if data[f"{LINKS}-{i}-citation"] == str(other.pk))
    data[f"{LINKS}-{row}-DELETE"] = "on"

    assert admin_client.post(url, data).status_code == 302
    assert links(round_) == [(quote.slug, ["date"], {}, False)]


def test_a_participants_party_as_a_source_gives_it_is_a_choice_by_slug(admin_client, round_, quote):
    korea, us = factories.party(), factories.party()
    participant = models.Participant.objects.create(
        round=round_, party=korea, name_as_reported="Ahn Duk-geun"
    )
    url = admin_url(models.Participant, "change", participant.pk)
    data = change_form_data(admin_client.get(url))
    add_link(
        data,
        quote,
        states=["party", "name"],
        reports_change="on",
        **{"differs__party": "on", "party__party": us.slug},
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, errors(response)
    assert links(participant) == [
        (quote.slug, ["name", "party"], {"party": {"party": us.slug}}, True)
    ]
