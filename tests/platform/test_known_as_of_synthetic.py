"""The known-as-of property (tests/known_as_of_property.py) on the small synthetic data set:
rounds cited before they took place by announcements (a week, planned, a title without the
city), and after by reports of the whole record; sources spread over years. A sample of
the days that can differ (a source's day or a round's date, and the day before), for two
negotiations' agenda answers and the lists that show them."""

import random

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from bench import synthetic
from negotiations import models
from tests.known_as_of_property import answers_to_check, check_days, days_that_differ

pytestmark = pytest.mark.django_db

SAMPLE_DAYS = 10


def test_synthetic_answers_show_nothing_a_later_source_gave():
    call_command("generate_synthetic", "--size", "small", "--seed", "7", verbosity=0)
    negotiations = list(
        models.Negotiation.objects.filter(slug__startswith=synthetic.PREFIX)
        .order_by("slug")
        .values_list("slug", flat=True)[:2]
    )
    rounds = models.Round.objects.filter(negotiation__slug__in=negotiations)
    span = rounds.aggregate(first=Min("start_date"), last=Max("start_date"))
    days = random.Random(7).sample(
        days_that_differ(span["first"], span["last"]),
        SAMPLE_DAYS,
    )
    announced = models.Round.citations.through.objects.filter(
        round__in=rounds, facets__icontains='"status"'
    )
    assert announced.exists()  # the data set has what the property is about
    areas = (
        models.AgendaArea.objects.filter(item_links__round__in=rounds)
        .distinct()
        .values_list("slug", flat=True)[:2]
    )
    urls = [
        url.replace("?page_size=500", f"?page_size=500&negotiation={negotiations[0]}")
        if url.startswith(("/api/v1/rounds/?", "/api/v1/deadlines/?"))
        else url
        for url in answers_to_check(negotiations, [], areas)
    ]
    assert check_days(sorted(days), urls) == []
