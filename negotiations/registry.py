"""What each model of the record is, read from the models themselves (Django's app registry).

* The **data models** hold the record: every model of the app but bookkeeping (the data
  version, the slug history) and the audit tables.
* A **resource** has its own URL and its own line in the changes feed: the slugged models.
* An **embedded** record lives inside resources (an agenda item in its round, an alias in
  its person): its model names the foreign keys to them in ``embedded_in``, and a change to
  it is a change to them (negotiations.domain.writes).
* A **cited** model has ``citations``: the facts that sources support, each citation through
  a **link** (negotiations.models.provenance) saying what that quote states of the fact.

tests/test_registry.py fails when a model fits none of these, so no list here is kept by hand.
"""

from functools import cache

from django.apps import apps
from django.db.models import Model

APP = "negotiations"


@cache
def data_models() -> tuple[type[Model], ...]:
    """The models of the record, in the app's declaration order."""
    return tuple(
        model
        for model in apps.get_app_config(APP).get_models()
        if not getattr(model, "bookkeeping", False)
        and not hasattr(model, "instance_type")
        and not getattr(model, "is_citation_link", False)
    )


@cache
def link_models() -> dict[type[Model], type[Model]]:
    """The citation links of each cited model (cited model -> its link model)."""
    return {
        model: model._meta.get_field("citations").remote_field.through
        for model in cited_models().values()
    }


@cache
def resource_models() -> tuple[type[Model], ...]:
    from negotiations.models.base import SluggedModel

    return tuple(model for model in data_models() if issubclass(model, SluggedModel))


@cache
def embedded_in() -> dict[type[Model], tuple[str, ...]]:
    """Embedded models -> the names of their foreign keys to the records embedding them."""
    return {
        model: model.embedded_in for model in data_models() if getattr(model, "embedded_in", ())
    }


@cache
def cited_models() -> dict[str, type[Model]]:
    """The models of the facts that citations support, by the citation's related name."""
    from negotiations.models import Citation

    found = {}
    for model in data_models():
        for field in model._meta.local_many_to_many:
            if field.related_model is Citation:
                found[field.remote_field.related_name] = model
    return found


@cache
def negotiation_paths() -> dict[type[Model], tuple[str, ...]]:
    """Models whose records belong to negotiations -> the lookups from a record to the ids of
    the negotiations it belongs to (a round: ``negotiation_id``; an agenda item:
    ``round__negotiation_id``; an exclusion also to the one that handled its area). A model
    of the record that is not here is the shared vocabulary (parties, people, areas,
    sources, citations): what answers about every negotiation embed. A negotiation belongs
    to itself (``pk``). negotiations.domain.writes moves the versions of what a write
    changed by these (negotiations.models.ScopeVersion)."""
    from negotiations.models import Negotiation

    paths: dict[type[Model], tuple[str, ...]] = {Negotiation: ("pk",)}

    def lookups(model, seen: tuple) -> tuple[str, ...]:
        if model in paths:
            return paths[model]
        found: list[str] = []
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model in seen:
                continue
            if field.related_model is Negotiation:
                found.append(field.attname)
            elif field.related_model in data_models():
                found.extend(
                    f"{field.name}__{lookup}"
                    for lookup in lookups(field.related_model, (*seen, model))
                    if lookup != "pk"
                )
        return tuple(dict.fromkeys(found))

    for model in data_models():
        if model not in paths and (found := lookups(model, ())):
            paths[model] = found
    return paths
