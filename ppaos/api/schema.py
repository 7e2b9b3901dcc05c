"""The project's OpenAPI schema class: every operation documents its error answers.

drf-spectacular documents only the success answer of an operation. The API also answers, for
every operation, 401/403 (not signed in; the role does not allow it) and, depending on the
operation, 400 (invalid body or filter), 404 (a record outside the caller's areas, named in the
path or the body, or a page past the end) and 409 (a state transition that no longer applies).
They are added here, once, so clients and schemathesis see every answer the API gives.
Settings: `DEFAULT_SCHEMA_CLASS`; the two error bodies are components in `error_components.py`
(`APPEND_COMPONENTS`).
"""

from drf_spectacular.openapi import AutoSchema

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


class PPAOSAutoSchema(AutoSchema):
    """AutoSchema that adds the error answers each operation can give (see the module doc).

    A view whose writes can be refused because the record's state changed (409) sets
    `answers_conflicts = True`.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "401": ("Error", "Not signed in."),
            "403": ("Error", "The role does not allow this, or the CSRF check failed."),
        }
        if self.method in _WRITE_METHODS or self._has_query_parameters():
            errors["400"] = ("ValidationError", "Invalid request body or filter value.")
        if "{" in self.path or self._is_paginated_list() or self.method in _WRITE_METHODS:
            # A write may name a record in its body too (the household of a new referral).
            errors["404"] = ("Error", "No such record in the caller's areas, or no such page.")
        if self.method in _WRITE_METHODS and getattr(self.view, "answers_conflicts", False):
            errors["409"] = ("Error", "The record's state no longer allows this step.")
        for code, (component, description) in errors.items():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": _ref(component)}},
                    "description": description,
                },
            )
        return responses

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
