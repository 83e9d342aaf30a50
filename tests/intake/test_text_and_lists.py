"""Sentences are verbatim slices of the text; the seed's agenda lists split and map."""

import pytest

from negotiations.intake.agenda import find_count_references, find_lists, resolve_label, split_list
from negotiations.intake.text import sentences
from tests import factories


def test_sentences_are_verbatim_slices_and_keep_abbreviations():
    text = (
        "Minister Ahn met U.S. Trade Representative Greer in Washington, D.C. on Friday. "
        "“We agreed,” Ahn said. “A delegation will visit.”\n![a photo](x.jpg)\nLast line"
    )
    found = sentences(text)
    assert [s.text for s in found] == [
        "Minister Ahn met U.S. Trade Representative Greer in Washington, D.C. on Friday.",
        "“We agreed,” Ahn said.",
        "“A delegation will visit.”",
        "Last line",
    ]
    assert all(text[s.start : s.end] == s.text for s in found)


@pytest.mark.parametrize(
    ("text", "count", "items"),
    [
        ("tariffs, non-tariffs, economic security and investment cooperation", 4,
         ["tariffs", "non-tariffs", "economic security", "investment cooperation"]),
        ("tariff and nontariff measures, economic security, investment cooperation and currency "
         "policy", 4, ["tariff and nontariff measures", "economic security",
                       "investment cooperation", "currency policy"]),
        ("tariff- and non-tariff measures, economic security, investment cooperation and currency "
         "policies", 4, ["tariff- and non-tariff measures", "economic security",
                         "investment cooperation", "currency policies"]),
        ("major and non-tariff measures, economic security, investment cooperation and monetary "
         "policy", 4, ["major and non-tariff measures", "economic security",
                       "investment cooperation", "monetary policy"]),
        ("balanced trade, nontariff measures, economic security, digital trade, country of origin "
         "and commercial considerations", 6, ["balanced trade", "nontariff measures",
                                             "economic security", "digital trade",
                                             "country of origin", "commercial considerations"]),
        ("shipbuilding, energy, as well as trade imbalances", None,
         ["shipbuilding", "energy", "trade imbalances"]),
    ],
)  # fmt: skip
def test_the_seeds_lists_split_into_their_items(text, count, items):
    assert split_list(text, count) == items


@pytest.fixture
def taxonomy(db):
    """Areas with words no seed area has."""
    widgets = factories.area(name="Widget quotas")
    widgets.aliases.create(name="widget measures")
    gadgets = factories.area(name="Gadget rules")
    gadgets.aliases.create(name="nongadget measures")
    return widgets, gadgets


def test_a_shared_head_noun_maps_to_both_areas(taxonomy):
    from negotiations.domain.labels import AreaIndex

    widgets, gadgets = taxonomy
    label = resolve_label("widget- and nongadget measures", AreaIndex())
    assert label.areas == [widgets.slug, gadgets.slug]
    assert label.how == "shared noun"


def test_an_unknown_label_is_unmapped_with_the_closest_areas(taxonomy):
    from negotiations.domain.labels import AreaIndex

    label = resolve_label("widget quotation", AreaIndex())
    assert label.areas == []
    assert label.suggestions[0]["slug"] == taxonomy[0].slug


def test_a_counted_list_and_a_reference_to_it_by_its_count(taxonomy):
    from negotiations.domain.labels import AreaIndex

    widgets, gadgets = taxonomy
    text = (
        "They agreed on two areas: widget quotas and gadget rules. "
        "A delegation will negotiate in two key areas."
    )
    found = sentences(text)
    (agenda_list,) = find_lists(found, AreaIndex())
    assert [label.areas for label in agenda_list.labels] == [[widgets.slug], [gadgets.slug]]
    assert agenda_list.basis == "agreed_scope"
    ((_sentence, label, _),) = find_count_references(found, [agenda_list])
    assert label.label == "two key areas"
    assert label.areas == [widgets.slug, gadgets.slug]
