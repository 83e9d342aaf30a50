"""Writes that keep the record consistent, shared by the API and the admin."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from negotiations.domain.versioning import bump_data_version
from negotiations.models import AgendaArea, AgendaItem, AgendaItemArea, Round


def resolve_agenda_area(label: str) -> AgendaArea | None:
    """The canonical area a reported label names, by slug, name or alias (any case)."""
    text = label.strip()
    return (
        AgendaArea.objects.filter(
            Q(slug__iexact=text) | Q(name__iexact=text) | Q(aliases__name__iexact=text)
        )
        .distinct()
        .order_by("pk")
        .first()
    )


@transaction.atomic
def set_round_agenda_areas(
    *, round: Round, areas_by_item: Mapping[AgendaItem, Iterable[AgendaArea]]
) -> None:
    """Replace the canonical areas of some agenda items of one round, all at once.

    An area may appear only once on a round's agenda. A clash, within the new mapping or
    with another item of the round, raises ValidationError naming both items, and nothing
    is changed. Removals happen before additions, so an area can move between items.
    """
    wanted = {item: list(dict.fromkeys(areas)) for item, areas in areas_by_item.items()}
    for item in wanted:
        if item.round_id != round.pk:
            raise ValidationError({"round": f"\u201c{item.label}\u201d belongs to another round."})
    owner: dict[int, tuple[AgendaArea, str]] = {}
    kept_links = (
        AgendaItemArea.objects.filter(round=round)
        .exclude(item__in=[item.pk for item in wanted])
        .select_related("area", "item")
    )
    for link in kept_links:
        owner[link.area_id] = (link.area, link.item.label)
    errors = []
    for item, areas in wanted.items():
        for area in areas:
            if area.pk in owner:
                errors.append(
                    f"{area.name} is already on this round's agenda as "
                    f"\u201c{owner[area.pk][1]}\u201d; an area may appear once per round."
                )
            owner[area.pk] = (area, item.label)
    if errors:
        raise ValidationError({"areas": errors})
    for item, areas in wanted.items():
        AgendaItemArea.objects.filter(item=item).exclude(area__in=areas).delete()
    existing = set(
        AgendaItemArea.objects.filter(item__in=list(wanted)).values_list("item_id", "area_id")
    )
    AgendaItemArea.objects.bulk_create(
        AgendaItemArea(item=item, area=area, round_id=round.pk)
        for item, areas in wanted.items()
        for area in areas
        if (item.pk, area.pk) not in existing
    )
    # The items and the round embed their areas: dashboards syncing by "updated" must see it.
    now = timezone.now()
    AgendaItem.objects.filter(pk__in=[item.pk for item in wanted]).update(updated=now)
    Round.objects.filter(pk=round.pk).update(updated=now)
    bump_data_version()


def set_agenda_item_areas(*, item: AgendaItem, areas: Iterable[AgendaArea]) -> None:
    """Replace the canonical areas one agenda item maps to (see set_round_agenda_areas)."""
    set_round_agenda_areas(round=item.round, areas_by_item={item: areas})
