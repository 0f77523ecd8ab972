"""主动公开 performance (issue 3 "Performance"): with N publications in the database,

1. detail page and list pages p95 in-process (Django test client, no network; target ≤ 50 ms);
2. publishing one document whose 20-page attachment goes through the privacy check (≤ 1 s);
3. detail page requests/s under gunicorn (2 workers) with load from a second process (≥ 300):
   wrk when installed (apt-get install wrk), otherwise Python threads (which steal CPU).

`run()` (bench/run.py contract) measures in a subprocess against its own database:
`BENCH_DISCLOSURE_DATABASE_URL` when set (a database already filled with
`generate_publications`), otherwise a temporary SQLite file filled with
int(1,000,000 × BENCH_SCALE) generated publications (≈ 10 minutes at scale 1 on 2 cores).

By hand, against a prepared database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/bench_disclosure.py \
        --setup 1000000 [--requests 300] [--gunicorn 10]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


CPU: dict[str, list[float]] = {}


def timed(client: object, url: str, n: int, key: str = "") -> list[float]:
    """Wall ms per request; this process's CPU ms go to CPU[key] (the machine is shared)."""
    out = []
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        r = client.get(url)  # type: ignore[attr-defined]
        out.append((time.perf_counter() - t0) * 1000)
        CPU.setdefault(key or url, []).append((time.process_time() - c0) * 1000)
        assert r.status_code == 200, (url, r.status_code)  # noqa: S101
    return out


def docx_20_pages() -> bytes:
    import docx

    from tests.disclosure.privacy_corpus import corpus

    d = docx.Document()
    text = "".join(t for t, _ in corpus(400))[:30000]  # ≈ 20 pages of 1,500 characters
    for i in range(0, len(text), 500):
        d.add_paragraph(text[i : i + 500])
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def bench_publish() -> float:

    from django.db import transaction
    from django.utils import timezone

    from yangguang.disclosure import services
    from yangguang.disclosure.files import check_upload
    from yangguang.disclosure.models import FindingStatus, Publication
    from yangguang.orgs.models import Role, RoleAssignment

    editor_ra = RoleAssignment.objects.filter(role=Role.EDITOR).select_related("body").first()
    assert editor_ra is not None and editor_ra.body is not None  # noqa: S101
    body = editor_ra.body
    reviewer_ra = (
        RoleAssignment.objects.filter(role=Role.REVIEWER, body=body)
        .exclude(user=editor_ra.user)
        .first()
    )
    assert reviewer_ra is not None  # noqa: S101
    data = docx_20_pages()
    t0 = time.perf_counter()
    f = check_upload("附件.docx", data, max_bytes=50 * 1024 * 1024)
    pub = services.publication_create(
        actor=editor_ra.user,
        body=body,
        data={"title": "性能测试：带20页附件的公开信息", "written_on": timezone.localdate()},
        attachments=[f],
    ).publication
    pub = services.publication_submit(actor=editor_ra.user, publication=pub)
    findings = pub.findings.count()
    with transaction.atomic():  # the reviewer keeps every planted finding in one go
        pub.findings.update(status=FindingStatus.KEPT, reason="基准测试")
    pub = services.publication_approve(actor=reviewer_ra.user, publication=pub)
    pub = services.publication_publish(actor=reviewer_ra.user, publication=pub)
    elapsed = time.perf_counter() - t0
    print(f"publish with 20-page attachment: {elapsed * 1000:.0f} ms ({findings} findings)")
    Publication.objects.filter(pk=pub.pk).update(state="withdrawn")
    return elapsed


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WRK_SCRIPT = """
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i])
end
"""


def wrk_rps(port: int, urls: list[str], seconds: int) -> float:
    """Requests/s measured by wrk (Debian package `wrk`, C): a load generator light enough not
    to steal the two cores from the server it measures, unlike Python threads."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url_file, lua = Path(tmp, "urls.txt"), Path(tmp, "urls.lua")
        url_file.write_text("\n".join(urls) + "\n")
        lua.write_text(WRK_SCRIPT)
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, BENCH_URLS=str(url_file))
        warm = ["wrk", "-t1", "-c8", "-d2s", "-s", str(lua), base]
        subprocess.run(warm, env=env, capture_output=True, check=True)
        cmd = ["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", str(lua), base]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw error responses:\n{out}")
    line = next(x for x in out.splitlines() if x.startswith("Requests/sec:"))
    return float(line.split(":")[1])


def gunicorn_rps(
    urls: list[str], seconds: int, workers: int = 2, app: str = "yangguang.config.wsgi:application"
) -> float:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH") or str(ROOT / "src"))
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{urls[0]}", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        if shutil.which("wrk"):
            return wrk_rps(port, urls, seconds)
        # The load generator runs in a second process (this script's child).
        code = f"""
import http.client, threading, time, random
urls = {urls!r}
stop = time.time() + {seconds}
count = [0]
lock = threading.Lock()
def worker():
    c = http.client.HTTPConnection("127.0.0.1", {port})
    n = 0
    while time.time() < stop:
        c.request("GET", random.choice(urls))
        r = c.getresponse(); r.read()
        if r.status == 200: n += 1
    with lock: count[0] += n
ts = [threading.Thread(target=worker) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(count[0] / {seconds})
"""
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        return float(out.stdout.strip())
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def setup_database(count: int) -> None:
    from django.core.management import call_command

    from yangguang.disclosure.models import Publication

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    have = Publication.objects.count()
    if have < count:
        call_command("generate_publications", count=count - have, batch=10000, stdout=io.StringIO())
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


ROWS: list[dict[str, object]] = []


def row(name: str, value: float, unit: str, **extra: object) -> None:
    ROWS.append({"name": name, "value": round(value, 2), "unit": unit, **extra})


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from yangguang.disclosure.models import CatalogueNode, Publication
    from yangguang.disclosure.selectors import publications_public

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--gunicorn", type=int, default=10, help="seconds of load (0 = skip)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--setup", type=int, default=0, help="fill the database to N rows first")
    parser.add_argument("--json", action="store_true", help="print result rows as JSON")
    args = parser.parse_args()
    if args.setup:
        setup_database(args.setup)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # gunicorn serves pages
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    setup_test_environment()
    total = Publication.objects.count()
    print(f"database={connection.vendor} publications={total}")
    rng = random.Random(5)
    max_id = Publication.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, max_id) for _ in range(args.requests * 2)]
    numbers = list(publications_public().filter(id__in=ids).values_list("index_number", flat=True))[
        : args.requests
    ]
    client = Client()
    detail_urls = [f"/disclosure/doc/{quote(n)}" for n in numbers]
    client.get(detail_urls[0])
    detail = []
    for url in detail_urls:
        detail.extend(timed(client, url, 1, "detail"))
    print(
        f"detail page: n={len(detail)} p50={statistics.median(detail):.1f} ms "
        f"p95={pct(detail, 95):.1f} ms (cpu p95 {pct(CPU['detail'], 95):.1f} ms)"
    )
    note = f"{connection.vendor}, {total:,} publications"
    row(
        "detail page p95",
        pct(detail, 95),
        "ms",
        cpu=round(pct(CPU["detail"], 95), 2),
        target=50,
        calls=len(detail),
        note=note,
    )
    pub = Publication.objects.select_related("body").get(index_number=numbers[0])
    node = CatalogueNode.objects.filter(body=pub.body, parent__isnull=True).first()
    assert node is not None  # noqa: S101
    lists = {
        "list all": "/disclosure/list/",
        "list body": f"/disclosure/list/?body={pub.body.credit_code}",
        "list body+category": f"/disclosure/list/?body={pub.body.credit_code}&category={node.pk}",
        "list year+validity": "/disclosure/list/?year=2024&validity=valid",
        "list theme page 50": "/disclosure/list/?theme=15&page=50",
        "list repealed": "/disclosure/list/?validity=repealed",
        "platform page": "/disclosure/",
        "api list body": f"/api/v1/publications?body={pub.body.credit_code}",
    }
    n_list = max(30, args.requests // 5)
    for label, url in lists.items():
        client.get(url)
        values = timed(client, url, n_list, label)
        print(
            f"{label}: n={n_list} p50={statistics.median(values):.1f} ms p95={pct(values, 95):.1f} ms"
            f" (cpu p95 {pct(CPU[label], 95):.1f} ms)"
        )
        row(
            f"{label} p95",
            pct(values, 95),
            "ms",
            cpu=round(pct(CPU[label], 95), 2),
            target=50,
            calls=n_list,
            note=note,
        )
    elapsed = bench_publish()
    row("publish with 20-page attachment", elapsed * 1000, "ms", target=1000, note=note)
    if args.gunicorn:
        rps = gunicorn_rps(detail_urls[:200], args.gunicorn, args.workers)
        print(
            f"gunicorn {args.workers} workers, detail page: {rps:.0f} requests/s "
            "(8 connections, loopback)"
        )
        row(
            f"detail page under gunicorn ({args.workers} workers)",
            rps,
            "req/s",
            target=300,
            better="higher",
            note=note + "; load: 8 keep-alive connections from a second process",
        )
    if args.json:
        import json

        print("JSON:" + json.dumps(ROWS, ensure_ascii=False))


def run() -> list[dict[str, object]]:
    """bench/run.py entry point: measure in a subprocess against the bench's own database."""
    import json
    import shutil
    import tempfile

    from bench.run import scale

    tmp = tempfile.mkdtemp(prefix="bench-disclosure-")
    try:
        url = os.environ.get("BENCH_DISCLOSURE_DATABASE_URL")
        count = 0
        if not url:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            count = max(1000, int(1_000_000 * scale()))
        env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=f"{tmp}/media")
        requests = max(30, int(300 * min(1.0, scale() * 10)))
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__)),
                "--json",
                "--setup",
                str(count),
                "--requests",
                str(requests),
                "--gunicorn",
                "10" if scale() >= 1 else "2",
            ],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=ROOT,
        )
        line = next(x for x in out.stdout.splitlines() if x.startswith("JSON:"))
        return list(json.loads(line[5:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
