from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from negotiations.api import views

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
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Templates whose inline set-up code carries the Content-Security-Policy nonce.
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    *router.urls,
]
