"""Reading labels: which canonical agenda areas a reported label names."""

from django.db.models import Q

from negotiations.models import AgendaArea


def resolve_agenda_areas(label: str) -> list[AgendaArea]:
    """The canonical areas a reported label names (any case): the area whose slug or name
    it is; else every area it is an alias of ("major and non-tariff measures" covers two)."""
    text = label.strip()
    named = AgendaArea.objects.filter(Q(slug__iexact=text) | Q(name__iexact=text)).first()
    if named is not None:
        return [named]
    return list(AgendaArea.objects.filter(aliases__name__iexact=text).distinct().order_by("name"))
