"""gunicorn.conf.py under a real gunicorn: search URLs up to gunicorn's largest bounded request
line reach the application, longer ones get a Chinese 414 page, not gunicorn's English one
(issue #4, bad input: a 10,000-character query gets a clear message)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

APP = """
def application(environ, start_response):
    body = str(len(environ.get("QUERY_STRING", ""))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(config: str, tmp_path: Path, query: str) -> tuple[int, str]:
    """Status and body of GET /?q=<query> from gunicorn started with `config` (a tiny WSGI
    application that answers the query string's length)."""
    (tmp_path / "echo_app.py").write_text(APP)
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [
            str(GUNICORN),
            "-c",
            config,
            "--chdir",
            str(tmp_path),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
            "echo_app:application",
        ],
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}/?q={quote(query)}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 — local
                    return reply.status, reply.read().decode()
            except urllib.error.HTTPError as refused:
                return refused.code, refused.read().decode(errors="replace")
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed beside Python")
@pytest.mark.parametrize(
    ("config", "chars", "status", "says"),
    [
        # The project's settings: what is searched (100 characters) and far more get through…
        ("gunicorn.conf.py", 100, 200, ""),
        ("gunicorn.conf.py", 900, 200, ""),  # 8,100 bytes URL-encoded
        # …a 10,000-character query (~90 KB) is refused in Chinese, not read on for seconds.
        ("gunicorn.conf.py", 10_000, 414, "检索词最多使用前 100 个字"),
        # gunicorn's defaults (an empty settings file): 4 KB and an English page.
        ("/dev/null", 100, 200, ""),
        ("/dev/null", 900, 414, "URI Too Long"),
        ("/dev/null", 10_000, 414, "URI Too Long"),
    ],
)
def test_long_query_urls(config: str, chars: int, status: int, says: str, tmp_path: Path) -> None:
    query = "低" * chars
    code, body = _status(config, tmp_path, query)
    assert code == status
    if status == 200:
        assert body == str(len("q=" + quote(query)))
    else:
        assert says in body
