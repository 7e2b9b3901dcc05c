"""The two error bodies the API answers with, as OpenAPI components (no Django import: the
settings module reads them into SPECTACULAR_SETTINGS["APPEND_COMPONENTS"])."""

ERROR_COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "An error about the whole request: 401, 403, 404, 409.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "Why a state transition was refused"},
        },
        "required": ["detail"],
    },
    "ValidationError": {
        "description": (
            "400: messages per field name (`non_field_errors` for the whole body), a `detail` "
            "for an unreadable body, or a list of messages."
        ),
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}
