"""Publications reach the index through the outbox, after commit; withdrawn ones leave it and
are never shown even while the index lags (issue 4, point 3)."""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import signal

import pytest
from django.core.management import call_command

from tests.disclosure.conftest import make_pub, publish
from tests.search.conftest import MemorySource, index_all
from yangguang.core.models import OutboxMessage
from yangguang.search.backends.base import SearchBackend, not_waiting
from yangguang.search.backends.tantivy_backend import TantivyBackend
from yangguang.search.indexing import process_outbox
from yangguang.search.service import run_search


def ids(outcome) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.id for h in outcome.hits]


def test_publish_is_indexed_right_after_commit(
    engine: SearchBackend, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        pub = publish(world, make_pub(world, title="关于发放高龄津贴的通知", keywords="高龄津贴"))
    msg = OutboxMessage.objects.filter(topic="search.reindex", payload__id=pub.pk).latest("id")
    assert msg.processed_at is not None and msg.error == ""
    out = run_search("高龄津贴")
    assert ids(out) == [pub.pk]
    hit = out.hits[0]
    assert hit.source == "publication" and hit.body_name == world.body_a.name
    assert hit.doc_number == pub.doc_number


def test_draft_is_not_indexed(
    engine: SearchBackend, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        make_pub(world, title="尚未发布的高龄津贴草稿")
    process_outbox()
    assert run_search("高龄津贴").total == 0


def test_withdrawn_leaves_the_index_and_is_hidden_while_it_lags(
    engine: SearchBackend, world
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.disclosure import services

    pub = publish(world, make_pub(world, title="关于发放高龄津贴的通知"))
    assert process_outbox() >= 1
    assert ids(run_search("高龄津贴")) == [pub.pk]
    services.publication_withdraw(actor=world.reviewer_a, publication=pub, reason="内容有误")
    # The outbox has not been processed: the index still holds it, the page must not show it
    # (its pending message has the engine leave it out).
    out = run_search("高龄津贴")
    assert out.hits == [] and out.total == 0 and out.hidden == 0
    # Without a message (lost, or the index out of step otherwise), the re-check hides it and
    # asks for its re-indexing.
    OutboxMessage.objects.filter(processed_at__isnull=True).delete()
    out = run_search("高龄津贴")
    assert out.hits == [] and out.hidden == 1
    assert OutboxMessage.objects.filter(processed_at__isnull=True, payload__id=pub.pk).exists()
    process_outbox()
    assert engine.count() == 0


def test_validity_change_is_reindexed(engine: SearchBackend, world) -> None:  # type: ignore[no-untyped-def]
    from yangguang.disclosure import services

    pub = publish(world, make_pub(world, title="关于发放高龄津贴的通知"))
    process_outbox()
    services.publication_set_validity(actor=world.reviewer_a, publication=pub, validity="repealed")
    process_outbox()
    hit = run_search("高龄津贴").hits[0]
    assert hit.repealed and hit.validity == "repealed"


def test_interpretation_is_found_by_its_policys_number_and_follows_its_edits(
    engine: SearchBackend, world
) -> None:  # type: ignore[no-untyped-def]
    """A 政策解读 cites the policies it interprets (title and 发文字号) in its indexed text, so
    citizens find it from the policy's number, right after the policy itself; correcting the
    policy's number re-indexes the 解读 too."""
    from yangguang.disclosure import services

    policy = publish(world, make_pub(world, doc_number="示人社发〔2026〕3号"))
    reading = make_pub(world, title="《就业补助资金管理办法》政策解读", doc_number="")
    services.publication_update(
        actor=world.editor_a, publication=reading, data={}, interprets=[policy]
    )
    reading = publish(world, reading)
    other = publish(
        world, make_pub(world, title="关于高龄津贴的通知", doc_number="示人社发〔2026〕4号")
    )
    process_outbox()
    assert ids(run_search("示人社发[2026]3号")) == [policy.pk, reading.pk]
    services.publication_update(
        actor=world.reviewer_a, publication=policy, data={"doc_number": "示人社发〔2026〕5号"}
    )
    process_outbox()
    assert ids(run_search("示人社发〔2026〕5号"))[:2] == [policy.pk, reading.pk]
    # The old number is in no document any more: said so, not an OR over its characters.
    gone = run_search("示人社发〔2026〕3号")
    assert gone.total == 0 and gone.mode == "and"
    assert any("没有找到文号或索引号为“示人社发〔2026〕3号”" in n for n in gone.notices)
    assert other.pk in ids(run_search("示人社发〔2026〕4号"))


@pytest.mark.parametrize("renamed", ["body", "county"])
def test_renamed_body_or_region_is_reindexed(engine: SearchBackend, world, renamed: str) -> None:  # type: ignore[no-untyped-def]
    """The indexed text names the issuing body and its places (城关镇 公务员 finds a notice whose
    title names neither): renaming either re-indexes the body's publications."""
    from yangguang.orgs import services as orgs

    pub = publish(world, make_pub(world, title="关于发放高龄津贴的通知"))
    draft = make_pub(world, title="高龄津贴草稿")
    process_outbox()
    if renamed == "body":
        orgs.body_update(actor=world.admin, body=world.body_a, name="示范县老龄工作委员会")
        new = "老龄工作委员会"
    else:
        orgs.region_update(actor=world.admin, region=world.county, name="新安县")
        new = "新安县"
    # The index still has the old names: only the OR fallback finds the notice.
    assert run_search(f"{new} 高龄津贴").mode == "or"
    pending = OutboxMessage.objects.filter(topic="search.reindex", processed_at__isnull=True)
    assert [m.payload["id"] for m in pending] == [pub.pk]  # public ones only: not the draft
    assert draft.pk != pub.pk
    process_outbox()
    found = run_search(f"{new} 高龄津贴")
    assert found.mode == "and" and ids(found) == [pub.pk]


def test_bad_outbox_messages_are_parked_with_an_error(engine: SearchBackend, db) -> None:  # type: ignore[no-untyped-def]
    bad = [
        OutboxMessage.objects.create(topic="search.reindex", payload={"source": "nope", "id": 1}),
        OutboxMessage.objects.create(topic="search.reindex", payload={"id": 1}),
        OutboxMessage.objects.create(
            topic="search.reindex", payload={"source": "publication", "id": "x"}
        ),
    ]
    other = OutboxMessage.objects.create(topic="mail.send", payload={})
    process_outbox()
    for m in bad:
        m.refresh_from_db()
        assert m.processed_at is None and m.error and m.attempts >= 10
    other.refresh_from_db()
    assert other.processed_at is None and other.attempts == 0


def test_commands_process_outbox_and_rebuild(engine: SearchBackend, memo: MemorySource, db) -> None:  # type: ignore[no-untyped-def]
    memo.add(1, "关于开展森林防火检查的通知")
    memo.add(2, "森林防火责任制")
    OutboxMessage.objects.create(topic="search.reindex", payload={"source": "memo", "id": 1})
    out = io.StringIO()
    call_command("process_search_outbox", stdout=out)
    assert "已处理 1 条" in out.getvalue()
    assert ids(run_search("森林防火")) == [1]
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    text = out.getvalue()
    assert "完成" in text and "2/2" in text
    assert set(ids(run_search("森林防火"))) == {1, 2}


def test_rebuild_marks_pending_messages_done(engine: SearchBackend, memo: MemorySource, db) -> None:  # type: ignore[no-untyped-def]
    memo.add(1, "森林防火")
    msg = OutboxMessage.objects.create(topic="search.reindex", payload={"source": "memo", "id": 1})
    call_command("rebuild_search_index", stdout=io.StringIO())
    msg.refresh_from_db()
    assert msg.processed_at is not None


@pytest.mark.parametrize("who", ["anonymous"])
def test_failure_during_immediate_delivery_leaves_message_pending(
    engine: SearchBackend,
    memo: MemorySource,
    db,
    monkeypatch,
    django_capture_on_commit_callbacks,
    who: str,
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import indexing

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "apply", boom)
    memo.add(1, "森林防火")
    with django_capture_on_commit_callbacks(execute=True):
        msg = OutboxMessage.objects.create(
            topic="search.reindex", payload={"source": "memo", "id": 1}
        )
    msg.refresh_from_db()
    assert msg.processed_at is None and "disk full" in msg.error and msg.attempts == 1


def test_immediate_delivery_does_not_wait_for_a_busy_writer(
    engine: SearchBackend, memo: MemorySource, db, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A rebuild holds the tantivy writer for minutes: a publish or withdrawal saved meanwhile
    must not hang its web request (it did, until gunicorn killed the worker: an English 500
    after 30 s, the change saved). The message stays pending, not counted as a failure."""
    if not isinstance(engine, TantivyBackend):
        pytest.skip("only the tantivy engine has a writer lock")

    def too_long(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError("the delivery waited for the writer")

    memo.add(1, "森林防火")
    with open(engine.path / "writer.lock", "a+") as held:  # what a rebuild holds
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        previous = signal.signal(signal.SIGALRM, too_long)
        signal.alarm(5)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                msg = OutboxMessage.objects.create(
                    topic="search.reindex", payload={"source": "memo", "id": 1}
                )
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    msg.refresh_from_db()
    assert (msg.processed_at, msg.attempts, msg.error) == (None, 0, "")
    assert engine.count() == 0
    assert process_outbox() == 1  # the processor (or the rebuild) delivers it
    assert ids(run_search("森林防火")) == [1]


def test_rebuild_delivers_changes_made_while_it_ran(
    engine: SearchBackend, memo: MemorySource, db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A document withdrawn while a rebuild runs — after the rebuild read it — leaves the new
    index too: its message, delivered (PostgreSQL: into the table being replaced) or left
    pending (tantivy: the writer is busy), is delivered again when the rebuild ends."""
    memo.add(1, "森林防火检查")
    memo.add(2, "森林防火责任制")
    read_all = memo.documents

    def documents_then_withdraw(ids=None):  # type: ignore[no-untyped-def]
        yield from read_all(ids)
        if ids is None:  # the rebuild's read: withdraw 2 as a web request would
            memo.public.discard(2)
            m = OutboxMessage.objects.create(
                topic="search.reindex", payload={"source": "memo", "id": 2}
            )
            with not_waiting():
                process_outbox(ids=[m.pk])

    monkeypatch.setattr(memo, "documents", documents_then_withdraw)
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert engine.count() == 1
    assert ids(run_search("森林防火")) == [1] and run_search("森林防火").hidden == 0
    assert not OutboxMessage.objects.filter(processed_at__isnull=True).exists()


def test_rebuild_delivers_a_change_inserted_before_it_began_and_committed_after(
    engine: SearchBackend, memo: MemorySource, db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A message's created_at is when it was inserted, not committed: a withdrawal whose
    transaction was open when the rebuild began, and committed after the rebuild read the
    document, looks older than the rebuild. It was marked done, and the new index kept the
    withdrawn document until its next change."""
    from django.utils import timezone

    memo.add(1, "森林防火检查")
    memo.add(2, "森林防火责任制")
    read_all = memo.documents

    def documents_then_commit_a_withdrawal(ids=None):  # type: ignore[no-untyped-def]
        yield from read_all(ids)
        if ids is None:  # the rebuild's read, then the transaction's commit
            memo.public.discard(2)
            m = OutboxMessage.objects.create(
                topic="search.reindex", payload={"source": "memo", "id": 2}
            )
            inserted = timezone.now() - dt.timedelta(seconds=30)  # before the rebuild began
            OutboxMessage.objects.filter(pk=m.pk).update(created_at=inserted)

    monkeypatch.setattr(memo, "documents", documents_then_commit_a_withdrawal)
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert engine.count() == 1
    assert ids(run_search("森林防火")) == [1] and run_search("森林防火").hidden == 0
    assert not OutboxMessage.objects.filter(processed_at__isnull=True).exists()


def test_rebuild_runs_at_most_one_process_per_core(
    engine: SearchBackend, memo: MemorySource, db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search.management.commands import rebuild_search_index

    asked: list[int] = []
    monkeypatch.setattr(
        rebuild_search_index, "rebuild", lambda *, workers, **kw: asked.append(workers) or 0
    )
    monkeypatch.setattr(rebuild_search_index.os, "cpu_count", lambda: 2)
    out = io.StringIO()
    call_command("rebuild_search_index", "--workers", "64", stdout=out)
    assert asked == [2] and "本机只有 2 个 CPU 核，分词进程数按 2 个执行" in out.getvalue()


def test_counts_and_facets_leave_out_what_the_index_still_holds_but_was_withdrawn(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    """条例 Art. 20/21 (only public information is shown): while the index lags behind a
    withdrawal, the page hid the hit but still counted it — 发布机构 示范县… (1), 2026年 (1) named
    the body and year of what was withdrawn, and its filter led to zero results."""
    from yangguang.search.backends.base import Filters

    memo.add(1, "森林防火检查通知", body_id=world.body_a.pk, category="政策文件")
    memo.add(2, "森林防火责任制", body_id=world.body_b.pk, category="工作动态")
    index_all(engine, memo)
    assert run_search("森林防火").total == 2
    memo.public.discard(2)  # withdrawn; its message waits (the writer was busy)
    OutboxMessage.objects.create(topic="search.reindex", payload={"source": "memo", "id": 2})
    out = run_search("森林防火")
    assert ids(out) == [1] and out.total == 1 and out.hidden == 0
    assert {v.value for v in out.facets["body"]} == {str(world.body_a.pk)}
    assert {v.value: v.count for v in out.facets["category"]} == {"政策文件": 1}
    narrowed = run_search("森林防火", filters=Filters(body_ids=[world.body_b.pk]))
    assert narrowed.total == 0 and narrowed.unfiltered_total == 1
    assert run_search("", filters=Filters(body_ids=[world.body_b.pk])).total == 0  # browsing
    process_outbox()
    assert run_search("森林防火").total == 1 and engine.count() == 1


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        # --limit 0 spun forever on the database (a batch of 0 is never "the last one").
        ("process_search_outbox", ["--limit", "0"], "--limit 须为正整数"),
        ("process_search_outbox", ["--limit", "-5"], "--limit 须为正整数"),
        ("process_search_outbox", ["--loop", "--interval", "-1"], "--interval 须为不小于 0"),
        # Taken as 1 without a word.
        ("rebuild_search_index", ["--workers", "0"], "--workers 须为正整数"),
        ("rebuild_search_index", ["--workers", "-2"], "--workers 须为正整数"),
    ],
)
def test_bad_command_arguments_are_refused_in_chinese(
    db, monkeypatch, command: str, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    """DESIGN.md: operators' messages in Chinese; a bad argument stops the command (exit code
    1) before it touches the outbox or the index."""
    from django.core.management import CommandError

    from yangguang.search.management.commands import process_search_outbox, rebuild_search_index

    def not_reached(**kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{command} ran with {args}")

    monkeypatch.setattr(process_search_outbox, "process_outbox", not_reached)
    monkeypatch.setattr(rebuild_search_index, "rebuild", not_reached)
    with pytest.raises(CommandError, match=message) as raised:
        call_command(command, *args, stdout=io.StringIO())
    assert raised.value.returncode == 1


@pytest.mark.parametrize(
    ("interrupted_in", "message", "found"),
    [
        # Reading the documents: the index is the old one, untouched.
        ("documents", "已中断：索引未重建，检索仍使用原有索引", {1}),
        # Re-delivering what was written meanwhile: the new index is in place, the message waits.
        ("process_outbox", "已中断：新索引已经启用", {1, 2}),
    ],
)
def test_ctrl_c_during_a_rebuild_says_what_it_left_behind(  # type: ignore[no-untyped-def]
    engine: SearchBackend, memo: MemorySource, monkeypatch, interrupted_in, message, found
) -> None:
    """Ctrl-C printed a Python traceback (one more per indexing process) and left the operator
    to guess whether search still worked; now a Chinese message and exit code 130 (128 +
    SIGINT), and the index that serves is whole: the old one or the new one."""
    from django.core.management import CommandError

    from yangguang.search import indexing

    memo.add(1, "森林防火检查")
    index_all(engine, memo)
    memo.add(2, "森林防火责任制")
    read_all = memo.documents

    def documents(ids=None):  # type: ignore[no-untyped-def]
        yield from read_all(ids)
        if ids is None and interrupted_in == "documents":
            raise KeyboardInterrupt
        if ids is None:  # the rebuild's read; a change saved meanwhile, to deliver again
            OutboxMessage.objects.create(
                topic="search.reindex", payload={"source": "memo", "id": 2}
            )

    def interrupted(**kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(memo, "documents", documents)
    if interrupted_in == "process_outbox":
        monkeypatch.setattr(indexing, "process_outbox", interrupted)
    with pytest.raises(CommandError, match=message) as raised:
        call_command("rebuild_search_index", "--workers", "1", stdout=io.StringIO())
    assert raised.value.returncode == 130
    assert set(ids(run_search("森林防火"))) == found
    if interrupted_in == "process_outbox":  # what it did not deliver waits for the processor
        assert OutboxMessage.objects.filter(processed_at__isnull=True, payload__id=2).exists()


def test_a_rebuild_waiting_for_another_writer_says_so(  # type: ignore[no-untyped-def]
    engine: SearchBackend, memo: MemorySource
) -> None:
    """A second rebuild (or one started while the processor writes) waited silently — minutes
    behind another rebuild — or, on PostgreSQL, collided with it (both wrote the table
    search_pg_entry_new: an IntegrityError on pg_type, or the other's table dropped under it).
    Now it says what it waits for, waits, and then rebuilds."""
    import threading

    from django.db import connection

    from yangguang.search.backends import postgres_backend

    memo.add(1, "森林防火检查")
    if isinstance(engine, TantivyBackend):
        held = open(engine.path / "writer.lock", "a+")  # noqa: SIM115 — released by the timer
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)

        def release() -> None:
            fcntl.flock(held.fileno(), fcntl.LOCK_UN)
            held.close()
    else:
        other = connection.get_new_connection(connection.get_connection_params())
        other.autocommit = True
        other.execute("SELECT pg_advisory_lock(%s)", [postgres_backend.REBUILD_LOCK])

        def release() -> None:
            other.execute("SELECT pg_advisory_unlock(%s)", [postgres_backend.REBUILD_LOCK])
            other.close()

    timer = threading.Timer(1.0, release)
    timer.start()
    out = io.StringIO()
    try:
        call_command("rebuild_search_index", "--workers", "1", stdout=out)
    finally:
        timer.join()
    assert "另一个进程正在写入检索索引（可能是另一次重建），等待其结束后开始重建" in out.getvalue()
    assert "完成：已索引 1 条" in out.getvalue()
    assert ids(run_search("森林防火")) == [1]
