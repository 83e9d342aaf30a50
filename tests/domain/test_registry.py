"""No list of models is kept by hand: what each model is comes from the models, and these
tests fail when a new model fits none of the kinds, or the API and the models disagree."""

from django.apps import apps

from negotiations import registry
from negotiations.api.urls import router
from negotiations.models import Citation
from negotiations.models.base import SluggedModel


def concrete_app_models():
    return [
        model
        for model in apps.get_app_config("negotiations").get_models()
        if not hasattr(model, "instance_type")  # django-simple-history's audit tables
    ]


def test_every_model_is_of_exactly_one_kind():
    for model in concrete_app_models():
        kinds = [
            getattr(model, "bookkeeping", False),
            getattr(model, "is_citation_link", False),
            issubclass(model, SluggedModel),
            bool(getattr(model, "embedded_in", ())) and not issubclass(model, SluggedModel),
        ]
        assert kinds.count(True) == 1, (model, kinds)


def test_embedded_records_name_foreign_keys_to_resources():
    resources = set(registry.resource_models())
    for model, names in registry.embedded_in().items():
        for name in names:
            field = model._meta.get_field(name)
            assert field.many_to_one and field.related_model in resources, (model, name)


def test_the_api_serves_every_resource_and_nothing_else():
    served = {viewset.queryset.model for _, viewset, _ in router.registry}
    assert served == set(registry.resource_models())


def test_cited_models_are_the_models_with_citations():
    cited = set(registry.cited_models().values())
    with_citations = {
        model
        for model in registry.data_models()
        if any(f.related_model is Citation for f in model._meta.many_to_many)
    }
    assert cited == with_citations and len(cited) >= 15


def test_data_models_leave_out_bookkeeping_and_the_audit_tables():
    names = {model.__name__ for model in registry.data_models()}
    assert "DataVersion" not in names and "SlugHistory" not in names
    assert not any(name.startswith("Historical") for name in names)
    assert {"Round", "Participant", "Citation", "Source"} <= names
