"""The OpenAPI schema documents the error answers every operation can give, not only success.

Integrators (and schemathesis in CI) read from the schema which answers to expect: 400 with a
message per field, 401 without credentials, 403 when the role may not do this, 404 when the
caller may not know the object exists, 409 when the state or a race refused, 429 when
throttled.
"""

from __future__ import annotations

from drf_spectacular import openapi

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` (a message or a list of messages), or a list of messages per field.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Bad input: messages per field, nothing saved.",
    "401": "No valid credentials.",
    "403": "Seen, but not allowed for the caller.",
    "404": "Not found, or not for the caller to know of.",
    "429": "Too many requests: wait and retry.",
}
WRITE_ERRORS = {"409": "The state refused this, or another request won a race."}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:  # excluded from the schema
            return None
        errors = dict(ERRORS)
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(WRITE_ERRORS)
        responses = operation.setdefault("responses", {})
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    "description": description,
                },
            )
        return operation
