"""The feeds across resources: the review queue, audit history, the changes feed."""

from rest_framework import serializers

from negotiations.api.serializers.fields import TitledRefSerializer
from negotiations.api.serializers.shapes import serializer_for
from negotiations.domain import audit
from negotiations.domain.review import KINDS as REVIEW_KINDS
from negotiations.filtersets import with_plus_hint

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


class ReviewItemSerializer(ReviewRecordSerializer):
    round = TitledRefSerializer(help_text="The round of the item.")


class ReviewEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=REVIEW_KINDS)
    key = serializers.CharField(help_text="Identifies the entry (kind:id).")
    record = ReviewRecordSerializer()
    round = TitledRefSerializer(allow_null=True, help_text="The round it belongs to, if any.")
    reason = serializers.CharField()
    items = ReviewItemSerializer(
        many=True,
        help_text="For an unmapped label: every agenda item with that label (case, spacing "
        "and punctuation aside), which one accept maps; empty for other kinds.",
    )
    suggestions = ReviewSuggestionSerializer(
        many=True, help_text="Best first; accepted in the admin's review queue."
    )


# --- Audit history -------------------------------------------------------------------------------


FieldChangeSerializer = serializer_for(audit.FieldChange)
HistoryEntrySerializer = serializer_for(audit.HistoryEntry)
ChangeEventSerializer = serializer_for(audit.ChangeEvent)


class ChangesFeedSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null if none.")
    results = ChangeEventSerializer(many=True)


class QueryDateTimeField(serializers.DateTimeField):
    """A date-time query parameter: a "+" sent unencoded is explained (a space otherwise)."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError as error:
            if {detail.code for detail in error.detail} != {"invalid"}:
                raise
            messages = [str(message) for message in error.detail]
            raise serializers.ValidationError(with_plus_hint(messages, value)) from None


class ChangesQuerySerializer(serializers.Serializer):
    since = QueryDateTimeField(help_text="Changes at or after this ISO 8601 time.")
    after = serializers.RegexField(
        r"^[a-z-]+:\d+$",
        required=False,
        help_text="Resume token from `next` (type:history_id); set by the server.",
    )
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=100)
