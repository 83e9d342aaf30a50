"""The measurement on the seed (docs/INTAKE.md): each seed article proposed against a
database holding only the vocabulary, compared with the seed fixture. The floors are the
values measured when intake was built; raise them when intake gets better, never lower them
without saying why in docs/INTAKE.md."""

from pathlib import Path

import pytest
from django.conf import settings

from negotiations.intake import measure
from negotiations.models import Citation, Person, Round, Source

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "korea_us_2025.json"
SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"

# kind: (recall, precision), per mode (measure.MODES).
FLOORS = {
    "printed": {
        "rounds": (0.66, 0.71),
        "dates": (0.62, 0.55),
        "participants": (0.61, 0.63),
        "agenda items": (0.62, 0.69),
        "deadlines": (1.00, 0.88),
        "positions": (0.93, 0.68),
    },
    "given": {
        "rounds": (1.00, 1.00),
        "dates": (0.76, 0.51),
        "participants": (0.93, 0.96),
        "agenda items": (0.86, 1.00),
        "deadlines": (0.87, 0.77),
        "positions": (0.93, 0.68),
    },
}


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker):
    """Both modes, measured once, in a transaction that is rolled back."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        measure.strip_to_vocabulary()
        assert not Round.objects.exists() and not Source.objects.exists()
        assert not Citation.objects.exists() and Person.objects.exists()
        found = {mode: measure.measure(FIXTURE, SEEDS, mode) for mode in measure.MODES}
        transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("mode", list(FLOORS))
@pytest.mark.parametrize("kind", measure.KINDS)
def test_intake_holds_its_measured_recall_and_precision(reports, mode, kind):
    score = reports[mode].scores[kind]
    recall, precision = FLOORS[mode][kind]
    assert score.expected > 0
    assert score.recall >= recall, f"{mode} {kind} recall {score.recall:.2f} < {recall}"
    assert score.precision >= precision, f"{mode} {kind} precision {score.precision:.2f}"


def test_the_database_is_whole_again_after_measuring(reports, db):
    assert Round.objects.exists() and Source.objects.exists()


def test_the_fixture_is_read_generically():
    articles = measure.read_fixture(FIXTURE)
    assert len(articles) == len(list(SEEDS.glob("*.txt")))
    assert all(article.rounds or article.positions for article in articles)


def test_docs_show_the_measured_table(reports):
    """docs/INTAKE.md pastes the output of manage.py intake_measure: it must be current."""
    docs = (Path(settings.BASE_DIR) / "docs" / "INTAKE.md").read_text()
    assert measure.table([reports[mode] for mode in measure.MODES]) in docs


def test_the_readme_shows_the_measured_table(reports):
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    rows = measure.table([reports[mode] for mode in measure.MODES]).splitlines()
    table = "\n".join(row for row in rows if row.startswith("|"))
    assert table in readme
