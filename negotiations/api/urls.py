from django.urls import path
from rest_framework.routers import DefaultRouter

from negotiations.api import docs, views
from negotiations.api.representations import representation_urls

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("parties", views.PartyViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("people", views.PersonViewSet)
router.register("negotiations", views.NegotiationViewSet)
router.register("rounds", views.RoundViewSet)
router.register("agenda-areas", views.AgendaAreaViewSet)
router.register("agenda-items", views.AgendaItemViewSet)
router.register("agenda-exclusions", views.AgendaExclusionViewSet)
router.register("deadlines", views.DeadlineViewSet)
router.register("measures", views.MeasureViewSet)
router.register("positions", views.PositionViewSet)
router.register("sources", views.SourceViewSet)
router.register("citations", views.CitationViewSet)
router.register("conflicts", views.DisagreementViewSet, basename="disagreement")

urlpatterns = [
    path("deadlines.ics", views.DeadlineCalendarView.as_view(), name="deadline-calendar"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("intake/", views.IntakeView.as_view(), name="intake"),
    path("intake/<slug:source>/", views.IntakeDetailView.as_view(), name="intake-detail"),
    path("intake/<slug:source>/accept/", views.IntakeAcceptView.as_view(), name="intake-accept"),
    path("auth/token/", views.CurrentTokenView.as_view(), name="current-token"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    # drf-spectacular's pages with templates whose set-up code carries the page's
    # Content-Security-Policy nonce, and ReDoc's bundle without its one CDN reference.
    path(
        "docs/",
        docs.SwaggerView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        docs.RedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("redoc/redoc.standalone.js", docs.redoc_bundle, name="redoc-bundle"),
    *router.urls,
    *representation_urls(router),  # rounds.csv, sparse/rounds/ and the like
]
