"""QA: crawl a running instance (e.g. `make run`) as anonymous and each demo role, with malformed
query parameters and empty/junk form posts, and list every 5xx plus any citizen ID number or
mobile number on anonymous pages. The same rules as tests/qa/test_crawl.py, over real HTTP.

    .venv/bin/python scripts/qa_live_crawl.py [--base http://127.0.0.1:8000] [role ...]

Optional: QA_PII_FILE=<json list of strings> — exact personal values that must not appear publicly.
Writes qa_crawl_<roles>.json in the current directory. Match 5xx with the server's error log.
"""

import json
import os
import re
import sys
import time

import requests

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "src"))
from tests.qa.crawler import ID_RE, PHONE_RE, Crawl, Reply  # noqa: E402
from yangguang.disclosure.privacy import is_resident_id  # noqa: E402

BASE = "http://127.0.0.1:8000"
if len(sys.argv) > 2 and sys.argv[1] == "--base":
    BASE = sys.argv[2].rstrip("/")
    del sys.argv[1:3]
ROLES = {
    "anonymous": None,
    "demo_editor": "Fabu2026ygzw",
    "demo_reviewer": "Shenhe2026ygzw",
    "demo_intake": "Shouli2026ygzw",
    "demo_handler": "Chengban2026yg",
    "demo_head": "Fuze2026ygzw",
    "demo_window": "Chuangkou2026yg",
    "demo_supervisor": "Jiandu2026ygzw",
    "demo_admin": "Guanli2026ygzw",
}


class LiveAgent:
    def __init__(self) -> None:
        self.s = requests.Session()

    def _r(self, r: requests.Response) -> Reply:
        ct = r.headers.get("content-type", "")
        text = r.text if ("html" in ct or "json" in ct or "text" in ct or "xml" in ct) else ""
        return Reply(r.status_code, ct, text)

    def get(self, url: str) -> Reply:
        return self._r(self.s.get(BASE + url, allow_redirects=True, timeout=60))

    def post(self, url, data, files):
        data = {**data, "csrfmiddlewaretoken": self.s.cookies.get("csrftoken", "")}
        fs = {k: ("x.xlsx", v) for k, v in files.items()} or None
        return self._r(
            self.s.post(
                BASE + url,
                data=data,
                files=fs,
                headers={"Referer": BASE + url},
                allow_redirects=False,
                timeout=60,
            )
        )

    def login(self, user: str, pw: str) -> None:
        r = self.s.get(BASE + "/console/login/")
        tok = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
        r = self.s.post(
            BASE + "/console/login/",
            data={"username": user, "password": pw, "csrfmiddlewaretoken": tok},
            headers={"Referer": BASE + "/console/login/"},
        )
        if "/console/" not in r.url or "login" in r.url:
            raise SystemExit(f"登录失败：{user} → {r.url}")


def main() -> None:
    roles = sys.argv[1:] or list(ROLES)
    pii_file = os.environ.get("QA_PII_FILE")
    pii: list[str] = []
    if pii_file:
        with open(pii_file) as f:
            pii = json.load(f)
    summary = {}
    for role in roles:
        agent = LiveAgent()
        start = ["/"]
        if ROLES[role]:
            agent.login(role, ROLES[role])
            start = ["/console/", "/"]
        leaks = []

        def check(url: str, reply: Reply, role=role, leaks=leaks) -> None:
            if role != "anonymous":
                return
            for m in [i for i in ID_RE.findall(reply.text) if is_resident_id(i)] + PHONE_RE.findall(
                reply.text
            ):
                leaks.append((url, m))
            for value in pii:
                if value and value in reply.text:
                    leaks.append((url, "PII:" + value))

        t = time.time()
        c = Crawl(agent, start, max_pages=600, per_shape=2, post_forms=True, on_page=check)
        c.run()
        summary[role] = {
            "pages": len(c.seen),
            "requests": c.requests,
            "forms": len(c.forms),
            "failures": [f.__dict__ for f in c.failures],
            "leaks": leaks[:50],
            "seconds": round(time.time() - t, 1),
            "non200": sorted({f"{r.status} {u}" for u, r in c.seen.items() if r.status != 200})[
                :80
            ],
        }
        print(role, len(c.seen), c.requests, len(c.failures), len(leaks), flush=True)
    with open(f"qa_crawl_{'_'.join(roles)[:60]}.json", "w") as out:
        json.dump(summary, out, ensure_ascii=False, indent=1)


main()
