"""The README's claims about the API and the seed data hold."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

README = (Path(settings.BASE_DIR) / "README.md").read_text()
# GET examples: curl -s 'http://127.0.0.1:8000/api/v1/...' (quoted or not); writes are
# shown with -X and need a token, so they are left to the API tests.
EXAMPLES = sorted(
    {
        match.group(1)
        for line in README.splitlines()
        if line.startswith("curl -s") and " -X " not in line
        for match in [re.search(r"http://127\.0\.0\.1:8000(/api/v1/[^'\s]*)", line)]
        if match
    }
)


def example(url: str):
    return url


def test_the_readme_shows_api_examples():
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("url", [example(url) for url in EXAMPLES])
def test_every_api_example_of_the_readme_answers(api, url):
    response = api.get(url)
    assert response.status_code == 200, (url, response.content[:300])


def test_the_seed_counts_in_the_readme_are_the_fixtures():
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "korea_us_2025.json").read_text())
    counts = Counter(item["model"].split(".")[1] for item in fixture)
    sentence = " ".join(README.split("## Seed data and fixtures")[1].split("\n\n")[1].split())
    for model, words in [
        ("source", "sources"),
        ("citation", "citations"),
        ("round", "rounds"),
        ("agendaitem", "agenda items"),
        ("position", "positions"),
        ("deadline", "deadlines"),
        ("measure", "measures"),
        ("disagreement", "disagreements"),
        ("agendaexclusion", "agenda exclusions"),
    ]:
        assert f"{counts[model]} {words}" in sentence, (model, sentence)
    links = sum(count for model, count in counts.items() if model.endswith("_citations"))
    assert f"{links} citation links" in sentence
    assert f"({len(fixture)} objects)" in sentence


def test_the_jeju_answer_in_the_readme_is_the_apis(api):
    body = api.get("/api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/").json()
    shown = README.split("GET /api/v1/rounds/jeju-ministerial-2025-05-16/agenda-changes/")[1]
    shown = shown.split("```")[0]
    assert body["compared_to"]["slug"] == "washington-technical-1-2025-05-01"
    assert "compared_to: 1 May, agenda_basis announced" in shown
    dropped = {entry["name"].lower(): entry for entry in body["dropped"]}
    assert dropped["currency policy"]["basis"] == "stated"
    assert dropped["currency policy"]["before"]["label"] == "currency policies"
    assert 'currency policy          basis stated     ("currency policies" on 1 May)' in shown
    assert dropped["investment cooperation"]["basis"] == "inferred"
    assert "investment cooperation   basis inferred" in shown
    assert not any(
        entry["disputes"] for kind in ("added", "dropped", "retained") for entry in body[kind]
    )
    assert body["contested"] is False and "contested: false" in shown
    excluded = {entry["slug"] for entry in body["excluded"]}
    assert excluded == {"currency-policy", "defence-cost-sharing"} and "excluded:" in shown
    assert (body["round"]["agenda_basis"], body["compared_to"]["agenda_basis"]) == (
        "agreed_scope",
        "announced",
    )


def test_the_readme_lists_every_error_code():
    """The README's tables are the schema's enums, rendered from the same lists. To update
    them: `python manage.py shell -c "from negotiations.api.errors import markdown_tables;
    print(markdown_tables())"`."""
    from negotiations.api.errors import markdown_tables

    section = README.split("### Errors")[1].split("### Headers")[0]
    assert markdown_tables() in section, markdown_tables()


def test_every_file_the_docs_name_exists():
    """The README, the benchmark's and the load test's pages name the files that prove their
    claims (tests, scripts, modules): each must still be there after a move."""
    root = settings.BASE_DIR
    named = set()
    for page in ("README.md", "bench/README.md", "reliability/REPORT.md"):
        text = (root / page).read_text()
        named |= set(
            re.findall(r"`((?:tests|negotiations|tracker|bench|reliability|\.ci)/[\w./-]+)`", text)
        )
    assert len(named) > 40
    # bench/.data/ holds what a benchmark run writes (gitignored).
    missing = sorted(path for path in named if not (root / path).exists() and "/.data/" not in path)
    assert not missing, missing
