"""Exit 0 when the PostgreSQL used by `make test` answers, 1 otherwise.

Checks DATABASE_URL when it is set, else the URL given as the first argument (the Makefile's
PG_TEST_URL), connecting to the server's `postgres` database: the test database does not need to
exist yet."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = os.environ.get("DATABASE_URL") or (sys.argv[1] if len(sys.argv) > 1 else "")
url = url or "postgresql://postgres@127.0.0.1:5432/postgres"
parts = urlsplit(url)
if parts.scheme not in {"postgres", "postgresql"}:
    sys.exit(1)
url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.Error as exc:
    print(f"PostgreSQL 不可达 (not reachable): {exc}".strip(), file=sys.stderr)
    sys.exit(1)
sys.exit(0)
