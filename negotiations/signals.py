"""Signals that are bookkeeping, not business logic.

* Every save, delete and many-to-many change of the record (fixture loads included) moves
  the data version, so conditional GETs never serve a stale answer.
* Fixture loads save "raw", which django-simple-history does not record; the audit history
  must show them too, so raw saves are recorded here unless they changed nothing.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from negotiations.domain.versioning import bump_data_version
from negotiations.models import DATA_MODELS
from negotiations.models.base import AUDIT_HISTORY

FIXTURE_LOAD = "Loaded from a fixture"


def on_change(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        bump_data_version()


def check_fixture_references(sender, instance, raw=False, **kwargs):
    """A fixture record whose required reference did not resolve fails with a clear message
    (Django would otherwise report a bare NOT NULL violation)."""
    if not raw:
        return
    for field in sender._meta.concrete_fields:
        if field.is_relation and not field.null and getattr(instance, field.attname) is None:
            name = getattr(instance, "slug", None) or str(instance.natural_key())
            raise ValueError(
                f"Fixture record {sender._meta.label} “{name}”: its {field.name} matches no "
                f"{field.related_model._meta.verbose_name} (unknown natural key?)."
            )


def record_raw_save(sender, instance, created, raw=False, using=None, **kwargs):
    if not raw:
        return
    records = sender._meta.simple_history_manager_attribute
    latest = getattr(instance, records).using(using).order_by("-history_date", "-history_id")
    latest = latest.first()
    if latest is not None and not created:
        fields = [f.attname for f in sender._meta.concrete_fields if f.attname != "updated"]
        if all(getattr(latest, name) == getattr(instance, name) for name in fields):
            return
    instance._change_reason = FIXTURE_LOAD
    AUDIT_HISTORY.create_historical_record(instance, "+" if created else "~", using=using)


def connect():
    for model in DATA_MODELS:
        label = model._meta.label
        post_save.connect(on_change, sender=model, dispatch_uid=f"version-save-{label}")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"version-delete-{label}")
        post_save.connect(record_raw_save, sender=model, dispatch_uid=f"history-raw-{label}")
        pre_save.connect(
            check_fixture_references, sender=model, dispatch_uid=f"fixture-refs-{label}"
        )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                on_change,
                sender=field.remote_field.through,
                dispatch_uid=f"version-m2m-{label}-{field.name}",
            )
