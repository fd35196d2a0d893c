"""The OpenAPI schema's settings (drf-spectacular): what the API documentation says of itself.

Nothing here reads the environment; ``config.settings`` hands it to drf-spectacular as
``SPECTACULAR_SETTINGS``.
"""

API_SCHEMA = {
    "TITLE": "Debatemap API",
    "DESCRIPTION": (
        "Annotate news articles as positions in a debate, adjudicate them into a gold layer "
        "and export annotations and argument maps. Authenticate with "
        "`Authorization: Token <key>` (POST /api/v1/auth/token/) or a browser session "
        "(unsafe methods then need the `X-CSRFToken` header).\n\n"
        "**Walk it with curl**\n\n"
        "```\n"
        "curl -X POST -H 'Content-Type: application/json' "
        '-d \'{"username": "me", "password": "..."}\' $HOST/api/v1/auth/token/\n'
        "curl -H 'Authorization: Token <token>' $HOST/api/v1/debates/\n"
        "curl -H 'Authorization: Token <token>' $HOST/api/v1/debates/<slug>/documents/\n"
        "curl -H 'Authorization: Token <token>' -F file=@articles.jsonl "
        "$HOST/api/v1/debates/<slug>/documents/import/\n"
        "curl -H 'Authorization: Token <token>' $HOST/api/v1/documents/<id>/\n"
        "curl -H 'Authorization: Token <token>' "
        '"$HOST/api/v1/documents/<id>/?include=spans,relations&layer=all"\n'
        "curl -H 'Authorization: Token <token>' \"$HOST/api/v1/documents/<id>/spans/?layer=all\"\n"
        "```\n\n"
        "**Conventions.** Lists are cursor-paginated: follow `next` until it is null. Span "
        "offsets are Unicode code points into the document's `text`, half-open `[start, end)`, "
        "and `quote` is exactly `text[start:end]`. A layer is `gold` or an annotator's "
        "username. Changing a span needs the `ETag` you read in `If-Match` (or the `version` "
        "you read); a stale one gets 412 and changes nothing. A POST with an "
        '`Idempotency-Key` can be retried safely. Errors are `{"detail": "..."}`, or '
        '`{"field": ["reason"]}` for invalid input. Unknown query parameters and fields '
        "are refused with 400. Objects of a debate you are not a member of answer 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links make each operation's path a link inside its expand button, which a keyboard
    # or screen reader user cannot tell apart (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.postprocess_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "debate.models.Role",
        "DocumentStatusEnum": "debate.models.DocumentStatus",
        "AssignmentStatusEnum": "annotations.models.AssignmentStatus",
        "ChangeActionEnum": "annotations.models.SpanEventAction",
        "ReviewActionEnum": "annotations.models.ReviewAction",
        "KindEnum": "debate.models.ActorKind",  # its name before the maps' argument kind came
        "ArgumentKindEnum": "maps.serializers.ARGUMENT_KINDS",
        "ActorPositionEnum": "maps.serializers.POSITION_CHOICES",
        "MergeDecisionKindEnum": "maps.models.MergeDecisionKind",
        "SuggestionModeEnum": "debate.models.SuggestionMode",
        "SuggestionActionEnum": "suggestions.models.DecisionAction",
    },
}
