"""A small same-host crawler for QA: follows links from a start page, requests every discovered
URL again with malformed query parameters, and (optionally) posts empty and garbage forms.

It speaks to an `Agent` — a thin adapter over Django's test Client (tests/qa/test_crawl.py) or
over `requests` against a live server (scripts/qa_live_crawl.py) — so the same rules protect the
test suite and the QA runs against gunicorn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit


@dataclass
class Reply:
    status: int
    content_type: str
    text: str


class Agent(Protocol):
    def get(self, url: str) -> Reply: ...

    def post(
        self, url: str, data: dict[str, str | list[str]], files: dict[str, bytes]
    ) -> Reply: ...


# URLs never followed: they change the session or are not pages.
SKIP = re.compile(
    r"/logout/|/deactivate/|/activate/|^/static/|^/media/|^/admin/|\.(css|js|png|jpg|svg|ico|woff2?)$"
)
# Forms never posted (they would end the session or make the crawl order-dependent).
SKIP_POST = re.compile(r"/logout/|/deactivate/|/activate/|/password/|/login/")

LONG_Q = "政" * 10_000
# Malformed values for whatever query parameters a page takes, plus the usual list parameters.
BAD_VALUES = [
    "abc",
    "-1",
    "0",
    "99999",
    "9" * 5000,  # beyond int()'s 4300-digit limit
    "²",  # str.isdigit() is True, int() raises
    "１２",  # full-width digits
    "2026-13-45",
    "'\" * : ( ) AND NEAR",
    "\x00",
    "%",
]
EXTRA_PARAMS = {
    "page": ["abc", "-1", "99999", "9" * 5000, "²"],
    "year": ["abcd", "²⁰²⁶", "99999", "9999", "12"],
    "body": ["unknown", "²", "-1"],
    "q": [LONG_Q, "'\" * : ( ) AND NEAR", "\x00"],
    "from": ["2026-13-45"],
    "to": ["2026-13-45"],
    "date": ["2026-13-45"],
    "start": ["2026-13-45"],
    "month": ["2026-13"],
    "sort": ["nonsense"],
    "state": ["nonsense"],
}


# What every field of a posted form gets, one submission per value.
JUNK = ["", "abc", "-1", "2026-13-45", "1" + "0" * 24, "9" * 5000, "²", "'\"<script>", "x" * 10_000]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, object]] = []
        self._form: dict[str, object] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "enctype": a.get("enctype", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if name:
                kind = a.get("type", "text").lower() if tag == "input" else tag
                fields = self._form["fields"]
                assert isinstance(fields, list)
                fields.append((name, kind, a.get("value", "")))
                if tag == "select":
                    self._select = name
        elif tag == "option" and self._select and self._form is not None:
            fields = self._form["fields"]
            assert isinstance(fields, list)
            fields.append((self._select, "option", a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def shape(path: str) -> str:
    """A URL's shape: numbers and codes replaced, so 2,000 documents count as one page kind."""
    return re.sub(r"\d+", "N", path)


@dataclass
class Failure:
    method: str
    url: str
    status: int
    note: str = ""


@dataclass
class Crawl:
    agent: Agent
    start: Iterable[str]
    max_pages: int = 400
    per_shape: int = 2
    malformed: bool = True
    post_forms: bool = False
    on_page: Callable[[str, Reply], None] | None = None
    bad_values: list[str] = field(default_factory=lambda: list(BAD_VALUES))
    extra_params: dict[str, list[str]] = field(default_factory=lambda: dict(EXTRA_PARAMS))
    # Only follow URLs under these prefixes (e.g. "/console/" for a staff crawl).
    prefixes: tuple[str, ...] = ("/",)
    # Malformed parameters only for pages seen taking parameters (a link with a query string or
    # a GET form); False tries them on every page.
    only_parametrised: bool = False
    parametrised: set[str] = field(default_factory=set)
    junk_values: list[str] = field(default_factory=lambda: list(JUNK))
    seen: dict[str, Reply] = field(default_factory=dict)
    shapes: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    forms: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def _fetch(self, url: str) -> Reply:
        self.requests += 1
        reply = self.agent.get(url)
        if reply.status >= 500:
            self.failures.append(Failure("GET", url, reply.status))
        return reply

    def run(self) -> Crawl:
        queue = [u for u in self.start]
        while queue and len(self.seen) < self.max_pages:
            url = queue.pop(0)
            if url in self.seen or not url.startswith(self.prefixes):
                continue
            if urlsplit(url).query:
                self.parametrised.add(urlsplit(url).path)
            path = urlsplit(url).path
            key = shape(path) + ("?" if urlsplit(url).query else "")
            if self.shapes.get(key, 0) >= self.per_shape:
                continue
            self.shapes[key] = self.shapes.get(key, 0) + 1
            reply = self._fetch(url)
            self.seen[url] = reply
            if self.on_page:
                self.on_page(url, reply)
            if reply.status != 200 or "html" not in reply.content_type:
                continue
            parser = _Parser()
            parser.feed(reply.text)
            for href in parser.links:
                nxt = self._local(url, href)
                if nxt and nxt not in self.seen:
                    queue.append(nxt)
            for form in parser.forms:
                action = self._local(url, str(form["action"])) or url.split("#")[0]
                self.forms.append((action, form))
                if form["method"] == "get":
                    self.parametrised.add(urlsplit(action).path)
                    if action not in self.seen:
                        queue.append(action)
        if self.malformed:
            self._malformed()
        if self.post_forms:
            self._post_forms()
        return self

    @staticmethod
    def _local(base: str, href: str) -> str | None:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            return None
        full = urljoin(base, href.split("#")[0])
        parts = urlsplit(full)
        if parts.netloc and parts.netloc not in ("testserver", urlsplit(base).netloc):
            return None
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if not local.startswith("/") or SKIP.search(parts.path):
            return None
        return local

    def _malformed(self) -> None:
        done: set[str] = set()
        for url, reply in list(self.seen.items()):
            if "html" not in reply.content_type and "json" not in reply.content_type:
                continue
            parts = urlsplit(url)
            if parts.path in done and not parts.query:
                continue
            if self.only_parametrised and parts.path not in self.parametrised:
                continue
            done.add(parts.path)
            base = dict(parse_qsl(parts.query, keep_blank_values=True))
            variants: list[dict[str, str]] = []
            for name in base:
                variants += [{**base, name: v} for v in self.bad_values]
            for name, values in self.extra_params.items():
                variants += [{**base, name: v} for v in values]
            for params in variants:
                self._fetch(parts.path + "?" + urlencode(params))

    def _post_forms(self) -> None:
        done: set[str] = set()
        for action, form in self.forms:
            fields = form["fields"]
            assert isinstance(fields, list)
            key = shape(action) + "|" + ",".join(sorted({f[0] for f in fields}))
            if form["method"] != "post" or key in done or SKIP_POST.search(action):
                continue
            done.add(key)
            for data, files in self._garbage(fields, self.junk_values):
                self.requests += 1
                reply = self.agent.post(action, data, files)
                if reply.status >= 500:
                    self.failures.append(Failure("POST", action, reply.status, repr(data)[:300]))

    @staticmethod
    def _garbage(
        fields: list[tuple[str, str, str]], junk_values: list[str]
    ) -> list[tuple[dict[str, str | list[str]], dict[str, bytes]]]:
        names = {n for n, k, _ in fields if k not in ("hidden", "submit", "file", "option")}
        hidden = {n: v for n, k, v in fields if k == "hidden" and n != "csrfmiddlewaretoken"}
        files = {n for n, k, _ in fields if k == "file"}
        out: list[tuple[dict[str, str | list[str]], dict[str, bytes]]] = [({}, {})]
        for junk in junk_values:
            data: dict[str, str | list[str]] = {**hidden, **dict.fromkeys(names, junk)}
            out.append((data, {}))
        garbage_hidden: dict[str, str | list[str]] = {n: "abc" for n in hidden}
        out.append((garbage_hidden, {}))
        if files:
            out.append(({**hidden}, dict.fromkeys(files, b"PK\x03\x04 not a real file")))
        return out


ID_RE = re.compile(r"(?<![0-9A-Za-z_-])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<![0-9A-Za-z_-])1[3-9]\d{9}(?![0-9A-Za-z_-])")
