"""The ranking of closest areas (negotiations.domain.labels.similarity), on the seed's
vocabulary of areas and aliases built here: whole words and tokens first, shared prefixes
and substrings not rewarded (issue 20: "non-tariff barriers" put three unrelated areas at 86
above "Non-tariff measures")."""

import pytest

from negotiations import models
from negotiations.domain.labels import AreaIndex, similarity
from tests import factories

pytestmark = pytest.mark.django_db

# The seed's areas and their aliases (fixtures/korea_us_2025.json), less the aliases that
# would answer the labels below outright.
VOCABULARY = {
    "Tariffs and balanced trade": ["tariffs", "tariff measures", "balanced trade"],
    "Non-tariff measures": ["non-tariffs", "nontariff measures"],
    "Economic security": [],
    "Investment cooperation": [],
    "Currency policy": ["monetary policy", "currency policies"],
    "Digital trade": [],
    "Rules of origin": ["country of origin"],
    "Commercial considerations": ["other commercial issues"],
    "Defence cost-sharing": ["defense costs", "defence costs"],
    "Shipbuilding cooperation": ["shipbuilding"],
    "Energy cooperation": ["LNG cooperation", "energy projects", "Alaska LNG Project"],
    "Trade imbalance": ["trade imbalances", "trade balance"],
    "Curbs on trade with China": ["US-led efforts to curb trade with China"],
}


@pytest.fixture
def index():
    for name, aliases in VOCABULARY.items():
        area = models.AgendaArea.objects.filter(name=name).first() or factories.area(name=name)
        for alias in aliases:
            models.AgendaAreaAlias.objects.get_or_create(area=area, name=alias)
    return AreaIndex()


@pytest.mark.parametrize(
    ("label", "first"),
    [
        ("non-tariff barriers", "Non-tariff measures"),
        ("monetary policies", "Currency policy"),
        ("digital trade rules", "Digital trade"),
        ("shipbuilding industry", "Shipbuilding cooperation"),
        ("defense cost sharing", "Defence cost-sharing"),
        ("currency", "Currency policy"),
        ("LNG", "Energy cooperation"),
    ],
)
def test_the_fitting_area_ranks_first_well_above_the_next(index, label, first):
    ranked = index.suggest(label)
    assert ranked[0].name == first
    assert all(other.score <= ranked[0].score - 10 for other in ranked[1:]), [
        (s.name, s.score) for s in ranked
    ]


def test_non_tariff_barriers_names_no_unrelated_area_near_the_top(index):
    ranked = {s.name: s.score for s in index.suggest("non-tariff barriers")}
    assert max(ranked, key=ranked.get) == "Non-tariff measures"
    unrelated = {n: s for n, s in ranked.items() if "ariff" not in n}
    assert all(score < 60 for score in unrelated.values()), unrelated


def test_a_shared_prefix_or_a_word_inside_another_is_not_a_match():
    # WRatio scored these 86 and more (a partial match of a word inside the other label).
    assert similarity("non-tariff barriers", "tariffs") < 75
    assert similarity("digital trade rules", "US-led efforts to curb trade with China") < 65
    # Whole words in another order, or spelling variants of whole words, are.
    assert similarity("trade, digital", "digital trade") >= 90
    assert similarity("defense cost sharing", "Defence cost-sharing") >= 90
    assert similarity("Non-tariff measures", "non–tariff  measures") == 100
