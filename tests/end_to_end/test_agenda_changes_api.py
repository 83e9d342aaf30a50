"""The agenda-change endpoints on the seed story."""

import pytest

from negotiations.domain.agenda import round_agenda_changes
from negotiations.models import Round
from tests.contract import error_messages

pytestmark = pytest.mark.django_db

WASHINGTON = "washington-2plus2-2025-04-24"
TECHNICAL_1 = "washington-technical-1-2025-05-01"
TECHNICAL_2 = "technical-2-week-of-2025-05-19"
JEJU = "jeju-ministerial-2025-05-16"
TALKS = "kr-us-tariff-talks-2025"


def area_slugs(entries):
    return {entry["slug"] for entry in entries}


def test_round_agenda_changes(api):
    body = api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()

    assert set(body) >= {"round", "compared_to", "added", "dropped", "retained", "annotations"}
    assert body["round"]["slug"] == JEJU
    assert body["compared_to"]["slug"] == WASHINGTON
    assert area_slugs(body["dropped"]) == {"currency-policy", "investment-cooperation"}
    assert area_slugs(body["added"]) == {
        "digital-trade",
        "rules-of-origin",
        "commercial-considerations",
    }
    assert {"economic-security", "non-tariff-measures"} <= area_slugs(body["retained"])
    assert [s["round"]["slug"] for s in body["skipped"]] == [TECHNICAL_1]
    currency = next(e for e in body["dropped"] if e["slug"] == "currency-policy")
    assert currency["name"] == "Currency policy"
    assert currency["before"]["label"] and currency["before"]["citations"]
    assert any(note["area"] == "currency-policy" for note in body["annotations"])


def test_round_with_unknown_agenda(api):
    body = api.get(f"/api/v1/rounds/{TECHNICAL_1}/agenda-changes/").json()
    assert body["comparable"] is False
    assert body["added"] == body["dropped"] == body["retained"] == []


def test_negotiation_agenda_changes_in_one_response(api):
    body = api.get(f"/api/v1/negotiations/{TALKS}/agenda-changes/").json()
    assert body["negotiation"]["slug"] == TALKS
    sequence = [entry["round"]["slug"] for entry in body["changes"]]
    assert sequence[:3] == [WASHINGTON, TECHNICAL_1, JEJU]
    jeju = body["changes"][2]
    assert jeju == api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()


def test_agenda_matrix(api):
    body = api.get(f"/api/v1/negotiations/{TALKS}/agenda-matrix/").json()
    rounds = [r["slug"] for r in body["rounds"]]
    currency = next(a for a in body["areas"] if a["slug"] == "currency-policy")
    states = dict(zip(rounds, [(c["state"], c["change"]) for c in currency["cells"]], strict=True))
    assert states[WASHINGTON] == ("present", "first_reported")
    assert states[TECHNICAL_1] == ("unknown", None)
    assert states[JEJU] == ("absent", "dropped")
    cell = currency["cells"][rounds.index(WASHINGTON)]
    assert cell["label"] == "currency policy" and cell["citations"]


def test_area_history(api):
    body = api.get("/api/v1/agenda-areas/currency-policy/history/").json()
    assert body["area"] == {"slug": "currency-policy", "name": "Currency policy"}
    talks = next(n for n in body["negotiations"] if n["negotiation"]["slug"] == TALKS)
    assert talks["events"] == [
        {"round": WASHINGTON, "change": "first_reported"},
        {"round": JEJU, "change": "dropped"},
    ]
    assert body["count"] == 1 and body["next"] is None


def test_compare_any_two_rounds(api):
    body = api.get("/api/v1/rounds/compare/", {"from": WASHINGTON, "to": JEJU}).json()
    assert body == round_agenda_changes(Round.objects.get(slug=JEJU)) | {
        "skipped": [],
    }


def test_compare_annotations_agree_with_the_result(api):
    """An annotation is returned only for an area listed under its own kind of change."""
    for query in ({"from": WASHINGTON, "to": JEJU}, {"from": TECHNICAL_2, "to": JEJU}):
        body = api.get("/api/v1/rounds/compare/", query).json()
        for note in body["annotations"]:
            assert note["area"] in area_slugs(body[note["change"]]), (query, note)
    washington = api.get("/api/v1/rounds/compare/", {"from": WASHINGTON, "to": JEJU}).json()
    assert {
        (note["area"], note["change"], note["basis"]) for note in washington["annotations"]
    } == {
        ("currency-policy", "dropped", "stated"),
        ("currency-policy", "dropped", "editors_reading"),
        ("digital-trade", "added", "editors_reading"),
        ("rules-of-origin", "added", "editors_reading"),
        ("commercial-considerations", "added", "editors_reading"),
        ("tariffs", "retained", "editors_reading"),
    }


def test_compare_with_an_unknown_agenda_has_no_annotations(api):
    body = api.get("/api/v1/rounds/compare/", {"from": TECHNICAL_1, "to": JEJU}).json()
    assert body["comparable"] is False
    assert body["added"] == body["dropped"] == body["retained"] == []
    assert body["annotations"] == []


def test_first_reported_agenda_is_first_reported_not_added(api):
    """The first known agenda has nothing to compare with: nothing was added."""
    body = api.get(f"/api/v1/rounds/{WASHINGTON}/agenda-changes/").json()
    assert body["compared_to"] is None and body["comparable"] is False
    assert "currency-policy" in area_slugs(body["first_reported"])
    assert body["added"] == body["dropped"] == body["retained"] == []


def test_compare_across_negotiations(api):
    response = api.get(
        "/api/v1/rounds/compare/", {"from": "alaska-lng-summit-2025-summer", "to": JEJU}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["compared_to"]["negotiation"] != body["round"]["negotiation"]
    assert "energy-cooperation" in area_slugs(body["dropped"])


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"to": JEJU}, "from"), ({"from": "nope", "to": JEJU}, "from"), ({"from": JEJU}, "to")],
)
def test_compare_needs_two_known_rounds(api, query, parameter):
    response = api.get("/api/v1/rounds/compare/", query)
    assert response.status_code == 400
    assert parameter in error_messages(response)


def test_computed_endpoints_404_for_unknown_slugs(api):
    assert api.get("/api/v1/rounds/nope/agenda-changes/").status_code == 404
    assert api.get("/api/v1/negotiations/nope/agenda-matrix/").status_code == 404
    assert api.get("/api/v1/agenda-areas/nope/history/").status_code == 404
