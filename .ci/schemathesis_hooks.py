"""Loaded by .ci/schemathesis.sh (SCHEMATHESIS_HOOKS). No hook here changes generated data or
checks: it only works around a CPython 3.11 race. Two threads turning source into Python AST
objects at once (Hypothesis describes its lambda filters with ast.parse) can fail with
"SystemError: AST constructor recursion depth mismatch", which aborts a Schemathesis run with
several workers. ast.parse is serialised behind a lock; everything else runs concurrently."""

import ast
import sys
import threading

if sys.version_info < (3, 12):
    _lock = threading.Lock()
    _parse = ast.parse

    def _serialised_parse(*args, **kwargs):
        with _lock:
            return _parse(*args, **kwargs)

    ast.parse = _serialised_parse
