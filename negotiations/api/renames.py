"""A renamed record keeps its URL: the slug it had answers 301 (308 for a write) with the
new URL, from SlugHistory (negotiations.domain.writes.remember_slug)."""

from django.http import Http404
from django.urls import reverse

from negotiations.api.exceptions import Moved
from negotiations.models import SlugHistory


def current_slug(model, former: str) -> str | None:
    """The slug of the record that last had ``former`` as its slug, if it still exists."""
    renamed = (
        SlugHistory.objects.filter(model=model._meta.label, slug=former)
        .order_by("-renamed_at", "-pk")
        .values_list("record_id", flat=True)
        .first()
    )
    if renamed is None:
        return None
    return model._base_manager.filter(pk=renamed).values_list("slug", flat=True).first()


class RenamedRecordMixin:
    """A lookup by a slug no record has now redirects to the record that had it."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self.redirect_if_renamed()
            raise

    def redirect_if_renamed(self):
        """A slug a record had before a rename answers with its new URL (301 or 308)."""
        kwarg = self.lookup_url_kwarg or self.lookup_field
        slug = self.kwargs.get(kwarg)
        current = current_slug(self.queryset.model, slug) if slug else None
        if current is None:
            return
        # The same route with the new slug (a detail, its CSV or sparse twin, an action).
        match = self.request.resolver_match
        path = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, kwarg: current})
        query = self.request.META.get("QUERY_STRING")
        location = self.request.build_absolute_uri(f"{path}?{query}" if query else path)
        raise Moved(location, method=self.request.method)
