"""主动公开 performance (issue 3 "Performance"): with N publications in the database,

1. detail page and list pages p95 in-process (Django test client, no network);
2. publishing one document whose 20-page attachment goes through the privacy check;
3. detail page requests/s under gunicorn (2 workers) with load from a second process.

Use a separate database, e.g.

    DATABASE_URL=sqlite:////work/main/var/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py load_demo
    DATABASE_URL=... .venv/bin/python manage.py generate_publications --count 1000000
    DATABASE_URL=... .venv/bin/python bench/bench_disclosure.py [--requests 300] [--gunicorn 10]
"""

from __future__ import annotations

import argparse
import io
import os
import random
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


def timed(client: object, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(url)  # type: ignore[attr-defined]
        out.append((time.perf_counter() - t0) * 1000)
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


def gunicorn_rps(urls: list[str], seconds: int) -> float:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "yangguang.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
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


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from yangguang.disclosure.models import CatalogueNode, Publication
    from yangguang.disclosure.selectors import publications_public

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--gunicorn", type=int, default=10, help="seconds of load (0 = skip)")
    args = parser.parse_args()
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
        detail.extend(timed(client, url, 1))
    print(
        f"detail page: n={len(detail)} p50={statistics.median(detail):.1f} ms "
        f"p95={pct(detail, 95):.1f} ms"
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
        values = timed(client, url, n_list)
        print(
            f"{label}: n={n_list} p50={statistics.median(values):.1f} ms p95={pct(values, 95):.1f} ms"
        )
    bench_publish()
    if args.gunicorn:
        rps = gunicorn_rps(detail_urls[:200], args.gunicorn)
        print(f"gunicorn 2 workers, detail page: {rps:.0f} requests/s (8 connections, loopback)")


if __name__ == "__main__":
    main()
