"""Signals that are bookkeeping, not business logic.

* Every save, delete and many-to-many change of the record (fixture loads included) moves
  the data version, so conditional GETs never serve a stale answer.
* Fixture loads save "raw", without validation: each record is validated as the admin
  would (negotiations.domain.fixtures) before it is saved.
* Raw saves are not recorded by django-simple-history; the audit history must show them
  too, so raw saves are recorded here unless they changed nothing.
* A change to a record embedded in resources (an agenda item in its round, an alias or a
  role in its person, a citation in every fact citing it, a fact's list of citations...)
  touches those resources (negotiations.domain.services.touch): their ``updated`` moves and
  their history gets a "~" row, so ``?updated_since=`` and the changes feed report them.
  Fixture loads are the exception: they record each loaded record's own history only.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from negotiations.domain import audit
from negotiations.domain.fixtures import validate_fixture_record
from negotiations.domain.services import TOUCHING, touch, touch_keys
from negotiations.domain.versioning import bump_data_version
from negotiations.models import DATA_MODELS, Citation, Source
from negotiations.models.base import AUDIT_HISTORY

FIXTURE_LOAD = "Loaded from a fixture"

# Set on an instance saved raw (a fixture load): its many-to-many changes, which loaddata
# makes right after, do not touch anything either.
LOADED_RAW = "_loaded_raw"
# The stored values, before a save, of the fields whose change touches other records.
STORED = "_stored_before_save"
# Set on the origin of a deletion (the instance or queryset whose delete() started it).
DELETION = "_embedded_deletion"
# Set on a citation about to be deleted: the resources showing it.
CITERS = "_citing_records"
# Set on a record whose reverse many-to-many links are about to be cleared: their ids.
CLEARED = "_m2m_cleared"

# The fields whose change changes what other records show, besides the foreign keys of
# embedded records (a change of those also touches the records they embedded before).
EMBEDDED_FIELDS = {Citation: ("quote", "source_id"), Source: ("publisher",)}


def on_change(sender, instance=None, **kwargs):
    if getattr(instance, TOUCHING, False):
        return  # a touch follows a write that moved the version already
    if kwargs.get("action", "post_").startswith("post_"):
        bump_data_version()


def validate_loaded_record(sender, instance, raw=False, using=None, **kwargs):
    """A fixture load saves raw, without validation: validate as the admin would."""
    if raw:
        validate_fixture_record(instance, using)


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


# --- Touching the resources that embed a changed record ------------------------------------


def watched_fields(model) -> list[str]:
    return [
        *(field.attname for field in audit.embedding_fields(model)),
        *EMBEDDED_FIELDS.get(model, ()),
    ]


def reason(instance, action: str) -> str:
    """The history reason of a touch: what changed, e.g. "Agenda item changed: tariffs"."""
    text = f"{instance._meta.verbose_name} {action}"
    slug = getattr(instance, "slug", None)
    return text[0].upper() + text[1:] + (f": {slug}" if slug else "")


def remember_stored(sender, instance, raw=False, using=None, **kwargs):
    """Before an update, read the stored values of the fields whose change touches others."""
    if raw or instance._state.adding or instance.pk is None or getattr(instance, TOUCHING, False):
        return
    rows = sender._default_manager.using(using).filter(pk=instance.pk).order_by()
    stored = list(rows.values(*watched_fields(sender))[:1])
    setattr(instance, STORED, stored[0] if stored else None)


def mark_raw_save(sender, instance, raw=False, **kwargs):
    if raw:
        setattr(instance, LOADED_RAW, True)


def touch_on_save(sender, instance, created, raw=False, **kwargs):
    if raw or getattr(instance, TOUCHING, False):
        return  # a touch touches nothing else: no recursion
    stored = instance.__dict__.pop(STORED, None) or {}
    keys = audit.embedding_records(sender, instance.__dict__)
    keys |= audit.embedding_records(sender, stored)  # it moved: its old parent changed too
    fields = EMBEDDED_FIELDS.get(sender, ())
    if stored and any(stored[name] != getattr(instance, name) for name in fields):
        if sender is Source:
            citations = list(instance.citations.values_list("pk", flat=True))
            keys |= {(Citation, pk) for pk in citations} | audit.citing_records(citations)
        else:
            keys |= audit.citing_records([instance.pk])
    touch_keys(keys, reason=reason(instance, "added" if created else "changed"))


class Deletion:
    """One delete() (a record or a queryset, with its cascade): what it deletes, which
    are not touched, and the touches it asks for, made once each when its last record
    is deleted (pre_delete comes for every record before the first post_delete)."""

    def __init__(self):
        self.deleting: set[audit.Key] = set()
        self.remaining = 0
        self.touches: dict[audit.Key, str] = {}


def mark_deleting(sender, instance, origin=None, **kwargs):
    if sender is Citation:  # its links go without m2m signals: read who shows it now
        setattr(instance, CITERS, audit.citing_records([instance.pk]))
    if origin is not None:
        deletion = origin.__dict__.setdefault(DELETION, Deletion())
        deletion.deleting.add((sender, instance.pk))
        deletion.remaining += 1


def touch_on_delete(sender, instance, origin=None, **kwargs):
    keys = audit.embedding_records(sender, instance.__dict__)
    keys |= instance.__dict__.pop(CITERS, set())
    what = reason(instance, "deleted")
    deletion = getattr(origin, "__dict__", {}).get(DELETION)
    if deletion is None:
        touch_keys(keys, reason=what)
        return
    deletion.touches.update(dict.fromkeys(keys, what))  # the last reason: the cascade's top
    deletion.remaining -= 1
    if deletion.remaining > 0:
        return
    del origin.__dict__[DELETION]
    by_reason: dict[str, set[audit.Key]] = {}
    for key, text in deletion.touches.items():
        if key not in deletion.deleting:  # deleted together: nothing to touch
            by_reason.setdefault(text, set()).add(key)
    for text, keys in by_reason.items():
        touch_keys(keys, reason=text)


def touch_on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A record's many-to-many links (its citations, mostly) are part of what it shows."""
    if getattr(instance, LOADED_RAW, False):
        return  # loaddata sets the links of the records it loads
    if action == "pre_clear" and reverse:
        setattr(instance, CLEARED, set(linked_ids(sender, instance, model)))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop(CLEARED, set()) if reverse else None
    elif not pk_set:
        return  # nothing was added or removed
    if reverse:
        # instance is the linked record (a citation): the records whose list changed are
        # of ``model``, none of them saved
        field = m2m_field(model, sender)
        touch_keys(
            audit.affected_records(model, pk_set),
            reason=f"{model._meta.verbose_name} {field.name} changed".capitalize(),
        )
        return
    own = type(instance)
    field = m2m_field(own, sender)
    what = f"{own._meta.verbose_name} {field.name} changed".capitalize()
    if own in audit.RESOURCE_MODELS and field.name not in getattr(own, "_history_m2m_fields", ()):
        touch(instance, reason=what)  # an untracked field: the history needs a row
    else:
        # django-simple-history recorded the change (or the record is no resource): only
        # ``updated`` has to move, here and in memory (an ETag may be built from it)
        instance.updated = timezone.now()
        own._default_manager.filter(pk=instance.pk).update(updated=instance.updated)
    touch_keys(audit.embedding_records(own, instance.__dict__), reason=what)


def m2m_field(model, through):
    return next(f for f in model._meta.many_to_many if f.remote_field.through is through)


def linked_ids(through, instance, model) -> list[int]:
    """The ids of the ``model`` records linked to ``instance`` through ``through``."""
    source = next(f for f in through._meta.fields if f.related_model is type(instance))
    target = next(f for f in through._meta.fields if f.related_model is model)
    rows = through._default_manager.filter(**{source.attname: instance.pk})
    return list(rows.values_list(target.attname, flat=True))


def connect():
    for model in DATA_MODELS:
        label = model._meta.label
        post_save.connect(on_change, sender=model, dispatch_uid=f"version-save-{label}")
        post_delete.connect(on_change, sender=model, dispatch_uid=f"version-delete-{label}")
        post_save.connect(record_raw_save, sender=model, dispatch_uid=f"history-raw-{label}")
        pre_save.connect(
            validate_loaded_record, sender=model, dispatch_uid=f"fixture-valid-{label}"
        )
        post_save.connect(mark_raw_save, sender=model, dispatch_uid=f"touch-raw-{label}")
        pre_delete.connect(mark_deleting, sender=model, dispatch_uid=f"touch-deleting-{label}")
        post_delete.connect(touch_on_delete, sender=model, dispatch_uid=f"touch-delete-{label}")
        if watched_fields(model):
            pre_save.connect(remember_stored, sender=model, dispatch_uid=f"touch-stored-{label}")
            post_save.connect(touch_on_save, sender=model, dispatch_uid=f"touch-save-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                on_change, sender=through, dispatch_uid=f"version-m2m-{label}-{field.name}"
            )
            m2m_changed.connect(
                touch_on_m2m, sender=through, dispatch_uid=f"touch-m2m-{label}-{field.name}"
            )
