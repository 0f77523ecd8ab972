"""gunicorn's sync worker, answering a request line that is too long in Chinese.

A search link carries the query in its URL; one longer than gunicorn's largest bounded limit
(8,190 bytes, about 900 Chinese characters URL-encoded) got gunicorn's English "URI Too Long"
page. Unbounded request lines are no answer: gunicorn's Python parser copies the line again for
every chunk it reads, so a 9 MB URL held a worker for 5–8 seconds (issue #4, bad input: a
10,000-character query gets a clear message, never a 500)."""

from __future__ import annotations

from typing import Any

from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.sync import SyncWorker

TOO_LONG_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>网址过长</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>网址过长（414）</h1>
<p>网址太长，无法处理。检索词最多使用前 100 个字，请缩短后重新检索。</p>
<p><a href="/search/">返回全文检索</a> · <a href="/">返回门户首页</a></p>
</body></html>
"""


class ChineseErrorsWorker(SyncWorker):  # type: ignore[misc]
    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, LimitRequestLine):
            super().handle_error(req, client, addr, exc)
            return
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = TOO_LONG_PAGE.encode("utf-8")
        head = (
            "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
            f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("ascii") + body)
        except Exception:  # noqa: BLE001 — the client may be gone, as gunicorn's own handler says
            self.log.debug("Failed to send error message.")
