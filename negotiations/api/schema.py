"""OpenAPI extensions: refs are slugs in requests and small objects in responses."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class RefFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "negotiations.api.serializers.RefField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "Slug of the related record."}
        return auto_schema.resolve_serializer(self.target.ref_serializer, direction).ref
