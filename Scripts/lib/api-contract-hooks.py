"""Schemathesis hooks for Scripts/lib/api-contract.py.

A client makes a new Idempotency-Key for every operation it means to run once; Schemathesis would
send one generated key with many different bodies, which the server rightly answers with 422 (the
same key for another request). So every well-formed key is made unique; a malformed one is left as
generated, for the negative tests. Reusing a key is covered by IdempotencyTests."""
import re
import uuid

import schemathesis

WELL_FORMED = re.compile(r"[!-~]{1,255}")


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and WELL_FORMED.fullmatch(key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
