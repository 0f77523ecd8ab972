"""Exit 0 when the PostgreSQL used by `make test` answers, 1 otherwise."""

import os
import sys

import psycopg

url = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
try:
    psycopg.connect(url, connect_timeout=2).close()
except psycopg.Error:
    sys.exit(1)
sys.exit(0)
