"""The token that authenticates a request: what it is, and its revocation by its owner."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from negotiations.api.http import MethodFirstMixin, StrictFormatMixin
from negotiations.api.query import refuse_unknown_params
from negotiations.api.tokens import TokenAuthentication, shown_prefix
from negotiations.api.views.base import JSON_ONLY

CurrentToken = inline_serializer(
    "CurrentToken",
    {
        "prefix": serializers.CharField(help_text="The key's first characters, then “…”."),
        "user": serializers.CharField(help_text="The owner's user name."),
        "created": serializers.DateTimeField(),
        "expiry": serializers.DateTimeField(
            allow_null=True, help_text="When the token stops working; null: never."
        ),
    },
)


class CurrentTokenView(MethodFirstMixin, StrictFormatMixin, generics.GenericAPIView):
    """Only a token authenticates here (a session has no token to show or revoke)."""

    renderer_classes = JSON_ONLY
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "head", "delete", "options"]

    @extend_schema(
        summary="The token of this request: its prefix, owner and expiry",
        description="The key itself is never shown again after it was issued: only its "
        "first characters.",
        responses=CurrentToken,
    )
    def get(self, request):
        refuse_unknown_params(request, {"format"})
        token = request.auth
        return Response(
            {
                "prefix": shown_prefix(token),
                "user": request.user.get_username(),
                "created": serializers.DateTimeField().to_representation(token.created),
                "expiry": serializers.DateTimeField().to_representation(token.expiry)
                if token.expiry
                else None,
            }
        )

    @extend_schema(
        summary="Revoke the token of this request",
        description="The token stops working at once; the owner's other tokens are kept.",
        responses={204: None},
    )
    def delete(self, request):
        refuse_unknown_params(request, {"format"})
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
