"""Pick the engine from settings.YANGGUANG["SEARCH_BACKEND"] (env SEARCH_BACKEND):
"tantivy" (default, one machine) or "postgres" (several app servers sharing PostgreSQL)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from yangguang.search.backends.base import SearchBackend

_lock = threading.Lock()
_backends: dict[tuple[str, str], SearchBackend] = {}


def backend_name() -> str:
    name = (getattr(settings, "YANGGUANG", {}).get("SEARCH_BACKEND") or "tantivy").lower()
    if name in ("postgres", "postgresql", "pg"):
        return "postgres"
    if name == "tantivy":
        return "tantivy"
    raise ImproperlyConfigured(f"SEARCH_BACKEND 的值“{name}”无效：应为 tantivy 或 postgres。")


def get_backend() -> SearchBackend:
    name = backend_name()
    if name == "postgres":
        from django.db import connection

        key = (name, connection.alias)
        with _lock:
            if key not in _backends:
                from yangguang.search.backends.postgres_backend import PostgresBackend

                _backends[key] = PostgresBackend()
            return _backends[key]
    from yangguang.search.backends.tantivy_backend import TantivyBackend, default_path

    path = default_path()
    key = (name, str(path))
    with _lock:
        if key not in _backends:
            _backends[key] = TantivyBackend(path)
        return _backends[key]


def reset_backends() -> None:
    with _lock:
        for b in _backends.values():
            b.close()
        _backends.clear()
