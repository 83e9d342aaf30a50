"""?known_as_of= and its companions on the API: bad values are 400s naming the parameter,
and an area's history pages by negotiation (what was known when: tests/domain/ on built
talks, tests/end_to_end/test_known_as_of_story.py on the seed's)."""

import pytest

from tests import factories
from tests.contract import json_4xx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "params", "name"),
    [
        ("/api/v1/rounds/", {"known_as_of": "25 April"}, "known_as_of"),
        ("/api/v1/rounds/{round}/", {"known_as_of": "2025-13-01"}, "known_as_of"),
        ("/api/v1/rounds/{round}/agenda-changes/", {"known_as_of": "x"}, "known_as_of"),
        ("/api/v1/rounds/{round}/agenda-changes/", {"include_planned": "yes"}, "include_planned"),
        (
            "/api/v1/negotiations/{talks}/agenda-matrix/",
            {"include_planned": "1"},
            "include_planned",
        ),
        ("/api/v1/agenda-areas/{area}/history/", {"page_size": "101"}, "page_size"),
        ("/api/v1/conflicts/", {"known_as_of": "2025-04-31"}, "known_as_of"),
    ],
)
def test_bad_values_are_400s_naming_the_parameter(api, a_round, url, params, name):
    area = factories.area()
    url = url.format(round=a_round.slug, talks=a_round.negotiation.slug, area=area.slug)
    json_4xx(api.get(url, params), naming=name)


def test_area_history_is_paged_by_negotiation(api):
    energy = factories.area()
    elsewhere = factories.negotiation(title="zz talks without energy")
    factories.round(elsewhere, 1, agenda={"steel": factories.area()})
    for index in range(4):
        other = factories.negotiation(title=f"zz energy talks {index}")
        factories.round(other, 1, agenda={"energy": energy})
    first = api.get(f"/api/v1/agenda-areas/{energy.slug}/history/", {"page_size": 2})
    body = first.json()
    assert body["count"] == 4 and len(body["negotiations"]) == 2 and body["next"]
    second = api.get(body["next"]).json()
    titles = [n["negotiation"]["title"] for n in body["negotiations"] + second["negotiations"]]
    assert titles == sorted(titles) and len(set(titles)) == 4
    assert elsewhere.title not in titles  # only the negotiations with the area on an agenda
