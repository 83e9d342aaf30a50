"""On the seed: for every day from the first source's to the last's, every answer that takes
known_as_of shows nothing that only a later article gave (tests/known_as_of_property.py
states the property and checks it independently of the rules that build the answers)."""

import pytest
from django.db.models import Max, Min

from negotiations import models
from tests.known_as_of_property import answers_to_check, check_days, days_that_differ

pytestmark = pytest.mark.django_db


def test_no_answer_shows_on_a_day_what_only_a_later_article_said():
    span = models.Source.objects.aggregate(first=Min("published_on"), last=Max("published_on"))
    urls = answers_to_check(
        models.Negotiation.objects.values_list("slug", flat=True),
        [],  # every round is in the rounds list and in its negotiation's answers
        models.AgendaArea.objects.values_list("slug", flat=True),
    )
    assert check_days(days_that_differ(span["first"], span["last"]), urls) == []
