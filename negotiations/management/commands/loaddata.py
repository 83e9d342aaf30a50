"""loaddata, with the rules every other write path applies (the API's and the admin's):

* a slugged record the fixture gives no slug gets the domain's slug (``<round>--<label>`` for
  an agenda item); loading the same fixture again finds the same record by that slug;
* an agenda item with no areas and not marked unmapped is mapped from its label
  (negotiations.domain.labels); a label that names no area fails the whole load, with the
  item named, as the API and the admin refuse it.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from negotiations.domain.services import map_items_from_labels
from negotiations.domain.slugs import fixture_slug
from negotiations.models import AgendaItem
from negotiations.models.base import SluggedModel


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        self.loaded_items = []
        super().loaddata(fixture_labels)
        try:
            map_items_from_labels(self.loaded_items)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def save_obj(self, obj):
        record = obj.object
        if isinstance(record, SluggedModel) and not record.slug:
            fixture_slug(record)
        saved = super().save_obj(obj)
        if saved and isinstance(record, AgendaItem):
            self.loaded_items.append(record.pk)
        return saved
