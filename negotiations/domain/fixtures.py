"""Fixture loads (`manage.py seed`, `manage.py loaddata`) accept only what the admin would.

Django saves fixture records "raw": no validation, so a bad choice or a 5,000-character
title reached SQLite (which enforces neither) and the API then served values outside its
own schema. Every record is validated here before it is saved; the first invalid one stops
the load, which loaddata runs in one transaction: nothing of the fixture is kept.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class FixtureRecordError(ValueError):
    """A fixture record the admin would refuse. A ValueError, so that loaddata reports it
    as "Could not load <model>: <this message>" and rolls the whole load back."""


def record_name(instance) -> str:
    """How the error names a record: its model and slug (or natural key, or pk)."""
    name = getattr(instance, "slug", None)
    if not name:
        try:
            name = ", ".join(str(part) for part in instance.natural_key())
        except Exception:  # a natural key through a reference that did not resolve
            name = f"pk={instance.pk}"
    return f"Fixture record {instance._meta.label} \u201c{name}\u201d"


def unresolved_reference(instance) -> str | None:
    """A required reference that matched nothing: said plainly (Django's own message would
    be a bare NOT NULL violation, or "This field cannot be null")."""
    for field in instance._meta.concrete_fields:
        if field.is_relation and not field.null and getattr(instance, field.attname) is None:
            related = field.related_model._meta.verbose_name
            return f"its {field.name} matches no {related} (unknown natural key?)."
    return None


def describe(error: ValidationError) -> str:
    """Every message of a validation error, each after the field it is about."""
    return "; ".join(
        f"{'record' if field == NON_FIELD_ERRORS else field}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()
    )


def validate_fixture_record(instance, using) -> None:
    """Raise FixtureRecordError naming the record and the field unless the admin would save
    it: required references resolved, then the model's full_clean() (fields, choices,
    lengths, clean(), uniqueness and constraints; see full_clean below).

    A record that overwrites a stored row (its natural key matched one) is checked as an
    edit of that row, so that its own unique values do not count as duplicates. Its
    many-to-many links (citations) are set by loaddata after the save, as in the admin."""
    problem = unresolved_reference(instance)
    if problem:
        raise FixtureRecordError(f"{record_name(instance)}: {problem}")
    model = type(instance)
    stored = instance.pk is not None and model._base_manager.using(using).filter(pk=instance.pk)
    adding = instance._state.adding
    instance._state.adding = not (stored and stored.exists())
    try:
        full_clean(instance)
    except ValidationError as error:
        raise FixtureRecordError(f"{record_name(instance)}: {describe(error)}") from error
    finally:
        instance._state.adding = adding


def full_clean(instance) -> None:
    """Model.full_clean(), but for the query that each reference exists: loaddata checks
    every foreign key itself at the end of the load (and refuses the load), and the
    references resolved from natural keys exist by construction. Half the queries of a
    load were that check."""
    errors: dict = {}
    references = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    for step in (lambda: instance.clean_fields(exclude=references), instance.clean):
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    checked = set(errors)  # as full_clean: a field already in error is not checked again
    for step in (instance.validate_unique, instance.validate_constraints):
        try:
            step(exclude=checked)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
