"""One rule for every date of the record: within 1900-2100 (negotiations.models.base), applied
by the model's validation wherever a record is written (the API, the admin, fixture loads),
naming the field, and by the database for writes that skip validation."""

import datetime
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, models, transaction

from negotiations import models as m
from negotiations.models.base import (
    EARLIEST_DATE,
    LATEST_DATE,
    DatesInRange,
    date_in_range,
)
from tests import factories
from tests.helpers import admin_url, change_form_data, row_counts

pytestmark = pytest.mark.django_db

# Dates the code sets itself (when a record was written, renamed, or the data moved).
SET_BY_THE_CODE = {"created", "updated", "changed_at", "renamed_at"}


def record_dates() -> list[tuple[type[models.Model], models.Field]]:
    """Every date field of the app's models that holds a fact (not the audit copies)."""
    found = []
    for model in apps.get_app_config("negotiations").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and field.name not in SET_BY_THE_CODE:
                found.append((model, field))
    return found


def test_there_are_dates_to_bound():
    names = {f"{model.__name__}.{field.name}" for model, field in record_dates()}
    assert {"Round.start_date", "Deadline.date", "Source.published_on", "Role.end_date"} <= names
    assert len(names) == 14


@pytest.mark.parametrize(
    ("model", "field"), record_dates(), ids=lambda value: getattr(value, "name", "")
)
def test_every_date_of_the_record_is_bounded_by_the_model_and_the_database(model, field):
    assert date_in_range in field.validators, f"{model.__name__}.{field.name}"
    bounded = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, DatesInRange)
        for name in constraint.condition.referenced_base_fields
    }
    assert field.name in bounded, f"{model.__name__}.{field.name} has no database constraint"


@pytest.mark.parametrize(
    "day",
    [datetime.date(1, 1, 1), datetime.date(1899, 12, 31), datetime.date(2101, 1, 1)],
)
def test_validation_names_the_field(day):
    deadline = factories.deadline()
    deadline.date = day
    with pytest.raises(ValidationError) as refused:
        deadline.full_clean()
    assert list(refused.value.message_dict) == ["date"]
    assert "1900" in refused.value.message_dict["date"][0]


def test_the_first_and_last_days_are_allowed():
    for day in (EARLIEST_DATE, LATEST_DATE):
        date_in_range(day)
        date_in_range(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))
    with pytest.raises(ValidationError):
        date_in_range(datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError):  # 2100-12-31 23:00 in New York is 2101 in UTC
        date_in_range(datetime.datetime(2101, 1, 1, 4, tzinfo=datetime.UTC))


@pytest.mark.parametrize(
    ("build", "field", "far"),
    [
        (lambda: factories.deadline(), "date", datetime.date(9999, 12, 31)),
        (lambda: factories.round(factories.negotiation(), 1), "start_date", datetime.date(1, 1, 1)),
        (lambda: factories.measure(), "announced_on", datetime.date(2200, 1, 1)),
        (lambda: factories.source(), "published_on", datetime.date(1800, 1, 1)),
        (
            lambda: factories.source(),
            "published_at",
            datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
        ),
    ],
)
def test_the_database_refuses_what_skips_validation(build, field, far):
    record = build()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: far})


def test_a_fixture_with_a_far_date_stops_the_load_naming_it(tmp_path):
    deadline = {
        "model": "negotiations.deadline",
        "fields": {
            "slug": "the-end-of-time",
            "title": "The end of time",
            "kind": "other",
            "date": "9999-12-31",
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        },
    }
    path = tmp_path / "far.json"
    path.write_text(json.dumps([deadline]))
    before = row_counts()
    with pytest.raises(Exception, match="Deadline “the-end-of-time”: date: Enter a date from 1"):
        call_command("loaddata", str(path), verbosity=0)
    assert row_counts() == before


def test_the_admin_says_which_date_is_wrong(staff_client):
    deadline = factories.deadline()
    url = admin_url(m.Deadline, "change", deadline.pk)
    data = change_form_data(staff_client.get(url))
    response = staff_client.post(url, {**data, "date": "9999-12-31"})
    assert response.status_code == 200  # the form again, with the error at the field
    errors = response.context["adminform"].form.errors
    assert "1900" in errors["date"][0]
    deadline.refresh_from_db()
    assert deadline.date == datetime.date(2025, 7, 1)
