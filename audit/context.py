"""Per-request context shared by the audit log (request id)."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
