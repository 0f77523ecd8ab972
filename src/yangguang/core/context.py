"""The current request's actor IP, available to services without passing the request."""

from __future__ import annotations

import contextvars

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)
