"""The URLconf of bench/readers_vs_serializers.py: the project's URLs plus the serializer
read path of rounds, deadlines and people, plain under /bench/serializer/ and improved under
/bench/improved/ (bench/serializer_path.py). The project never mounts these views."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench import serializer_path as paths
from negotiations.api.representations import representation_urls
from tracker.urls import urlpatterns as project_urlpatterns

router = SimpleRouter()
router.register("serializer/rounds", paths.PlainRoundViewSet, basename="plain-round")
router.register("serializer/deadlines", paths.PlainDeadlineViewSet, basename="plain-deadline")
router.register("serializer/people", paths.PlainPersonViewSet, basename="plain-person")
router.register("improved/rounds", paths.ImprovedRoundViewSet, basename="improved-round")
router.register("improved/deadlines", paths.ImprovedDeadlineViewSet, basename="improved-deadline")
router.register("improved/people", paths.ImprovedPersonViewSet, basename="improved-person")

# Sparse requests (?fields=) have their own URLs, as in the API: /bench/sparse/serializer/...
bench_urls = [*router.urls, *representation_urls(router)]
urlpatterns = [*project_urlpatterns, path("bench/", include(bench_urls))]
