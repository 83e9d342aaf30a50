"""The benchmark's URLconf: the project's URLs plus the naive implementation under /bench/naive/.

Used only by bench/run.py (override_settings(ROOT_URLCONF="bench.urls")); the project never
mounts these views.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench import naive
from tracker.urls import urlpatterns as project_urlpatterns

router = SimpleRouter()
router.register("rounds", naive.RoundViewSet, basename="naive-round")
router.register("deadlines", naive.DeadlineViewSet, basename="naive-deadline")
router.register("people", naive.PersonViewSet, basename="naive-person")

urlpatterns = [
    *project_urlpatterns,
    # The fixed cost of the request stack: middleware, URL resolution, DRF's content
    # negotiation, authentication, permissions and rendering, with nothing to compute.
    path("bench/noop/django/", naive.noop_django),
    path("bench/noop/drf/", naive.NoopView.as_view()),
    path("bench/naive/rounds/<slug:slug>/agenda-changes/", naive.round_agenda_changes),
    path("bench/naive/negotiations/<slug:slug>/agenda-changes/", naive.negotiation_agenda_changes),
    path("bench/naive/negotiations/<slug:slug>/agenda-matrix/", naive.agenda_matrix),
    path("bench/naive/agenda-areas/<slug:slug>/history/", naive.area_history),
    path("bench/naive/", include(router.urls)),
]
