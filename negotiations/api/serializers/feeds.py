"""The feeds across resources: the review queue, audit history, the changes feed."""

from rest_framework import serializers

from negotiations.api.serializers.fields import TitledRefSerializer
from negotiations.domain.review import KINDS as REVIEW_KINDS

# --- Review queue --------------------------------------------------------------------------------


class ReviewRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The kind of record (agendaitem, participant...).")
    id = serializers.IntegerField()
    slug = serializers.SlugField(allow_null=True, help_text="Its slug, if it has one.")
    text = serializers.CharField(help_text="What needs review: the label, name, title or quote.")


class ReviewSuggestionSerializer(serializers.Serializer):
    slug = serializers.SlugField(
        help_text="The suggested area or person (for a quote: the source)."
    )
    name = serializers.CharField(help_text="Its name (for a quote: the closest passage).")
    score = serializers.FloatField(help_text="Similarity, 0 to 100 (100: the same words).")
    matched = serializers.CharField(help_text="The name or alias that scored best.")


class ReviewEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=REVIEW_KINDS)
    key = serializers.CharField(help_text="Identifies the entry (kind:id).")
    record = ReviewRecordSerializer()
    round = TitledRefSerializer(allow_null=True, help_text="The round it belongs to, if any.")
    reason = serializers.CharField()
    suggestions = ReviewSuggestionSerializer(
        many=True, help_text="Best first; accepted in the admin's review queue."
    )


# --- Audit history -------------------------------------------------------------------------------


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["created", "updated", "deleted"])
    user = serializers.CharField(
        allow_null=True, help_text="Who made the change; shown to authenticated clients only."
    )
    reason = serializers.CharField(allow_null=True)
    changes = FieldChangeSerializer(many=True, help_text="Foreign keys and lists as slugs.")


class ChangeEventSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The resource, as in its URL (rounds, people...).")
    id = serializers.IntegerField(help_text="The record's id: it never changes.")
    slug = serializers.SlugField(help_text="The record's slug at that moment.")
    previous_slug = serializers.SlugField(
        allow_null=True, help_text="For a rename: the slug it had before (its old URL redirects)."
    )
    action = serializers.ChoiceField(choices=["created", "updated", "renamed", "deleted"])
    time = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    history_id = serializers.IntegerField()


class ChangesFeedSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null if none.")
    results = ChangeEventSerializer(many=True)


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Changes at or after this ISO 8601 time.")
    after = serializers.RegexField(
        r"^[a-z-]+:\d+$",
        required=False,
        help_text="Resume token from `next` (type:history_id); set by the server.",
    )
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=100)


__all__ = [name for name, value in dict(globals()).items() if isinstance(value, type)]
