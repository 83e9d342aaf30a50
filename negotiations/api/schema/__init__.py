"""OpenAPI: the schema is a complete contract that typed clients are generated from as it is
(openapi-python-client and openapi-typescript with openapi-fetch in CI, .ci/client.sh) and
that every answer is checked against (tests/contract.py; Schemathesis in CI).

- ``components``: what answers are made of (error envelope, headers, shared answers);
- ``auto``: each operation as drf-spectacular builds it from its view (TrackerAutoSchema);
- ``hooks``: what only the whole schema can state (``contract_hook``, run after
  drf-spectacular's enum hook).

OpenAPI 3.1: a nullable reference is ``oneOf: [$ref, {type: null}]``, which strict validators
accept on real answers (3.0's ``nullable`` beside ``allOf`` is ignored by them).
"""

from negotiations.api.schema.auto import RefFieldExtension, TrackerAutoSchema
from negotiations.api.schema.components import SLUG_PATTERN, TEXT_PATTERN
from negotiations.api.schema.hooks import contract_hook

__all__ = [
    "SLUG_PATTERN",
    "TEXT_PATTERN",
    "RefFieldExtension",
    "TrackerAutoSchema",
    "contract_hook",
]
