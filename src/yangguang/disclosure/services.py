"""Every write of 主动公开 (DESIGN.md: keyword-only `<entity>_<verb>(*, actor, ...)`, one
transaction, transition + permission checked, one audit row).

Workflow (DOMAIN.md §2, "谁发布谁审查、谁审查谁负责"):
draft → submitted → returned (reason) / approved → published (now) or scheduled → withdrawn
(reason; the 索引号 stays reserved). The reviewer must be another person than the drafter and
is recorded on the publication. Publishing, correcting a published document, withdrawing and
changing validity write a `search.reindex` outbox message in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.calendar import current_calendar
from yangguang.core.models import OutboxMessage
from yangguang.core.rules import define, get_rule
from yangguang.core.text import tidy_number
from yangguang.disclosure import privacy
from yangguang.disclosure.files import MASKABLE_KINDS, CheckedFile, extract_text, mask_in_file
from yangguang.disclosure.models import (
    PUBLIC_Q,
    SCANNED_FIELDS,
    Attachment,
    CatalogueNode,
    FindingStatus,
    FiscalKind,
    FiscalTable,
    Guide,
    IndexSequence,
    Mode,
    PrivacyFinding,
    Publication,
    State,
    Theme,
    Validity,
)
from yangguang.disclosure.selectors import interprets_not_found
from yangguang.disclosure.taxonomy import DEFAULT_CATALOGUE, DEFAULT_GUIDE_HTML
from yangguang.orgs.access import require
from yangguang.orgs.models import Body, User

INDEX_PATTERN = define(
    "disclosure.index_pattern",
    "{credit_code}/{year}-{serial:05d}",
    "索引号格式",
    "占位符：{credit_code} 统一社会信用代码，{year} 年，{month:02d} 月，{serial:05d} 流水号"
    "（《政府信息公开目录系统实施指引》：前段码/后段码）",
)
ATTACHMENT_MAX_MB = define("disclosure.attachment_max_mb", 20, "单个附件大小上限（MB）")
# 条例 Art. 26: published within 20 working days of being created or changed (statutory).
TIMELY_WORKDAYS = 20

EDITABLE_STATES = {State.DRAFT, State.RETURNED}


class DisclosureError(Exception):
    """A refused write; `errors` maps form fields ('' for the whole form) to Chinese messages."""

    def __init__(self, message: str | dict[str, list[str]], field: str = "") -> None:
        self.errors: dict[str, list[str]] = (
            message if isinstance(message, dict) else {field: [message]}
        )
        super().__init__("；".join(m for msgs in self.errors.values() for m in msgs))


@dataclass
class Result:
    publication: Publication
    warnings: list[str] = field(default_factory=list)


# -- helpers ----------------------------------------------------------------------------------


_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def plain_text_to_html(value: str) -> str:
    """Text typed without any HTML (an office pastes or types its document) as paragraphs, one
    per line, escaped: HTML would run its lines together into one paragraph."""
    if not value or _TAG_RE.search(value):
        return value
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n")]
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def sanitize_html(value: str) -> tuple[str, bool]:
    """(clean html, whether anything unsafe was removed) — nh3 keeps ordinary formatting and
    drops scripts, event handlers and javascript: links. Plain text becomes paragraphs."""
    clean = nh3.clean(plain_text_to_html(value or ""), link_rel="noopener noreferrer")
    removed = bool(
        re.search(
            r"<\s*(script|iframe|object|embed|style)|\son\w+\s*=|javascript:", value or "", re.I
        )
    )
    return clean, removed


_BLOCK_RE = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/table)\b[^>]*>", re.I)


def html_to_text(value: str) -> str:
    text = _BLOCK_RE.sub("\n", value or "")
    text = nh3.clean(text, tags=set())
    return html.unescape(text).strip()


def _outbox_reindex(pub: Publication) -> None:
    """Re-index `pub` — and its 政策解读, whose indexed text cites its title and 发文字号."""
    for pk in [pub.pk, *pub.interpretations.values_list("pk", flat=True)]:
        OutboxMessage.objects.create(
            topic="search.reindex", payload={"source": "publication", "id": pk}
        )


def format_index_number(
    pattern: str, *, credit_code: str, year: int, month: int, serial: int
) -> str:
    try:
        return pattern.format(credit_code=credit_code, year=year, month=month, serial=serial)
    except (KeyError, IndexError, ValueError):
        return f"{credit_code}/{year}-{serial:05d}"


def next_index_number(body: Body, day: dt.date) -> str:
    """Issue the next 索引号 for `body` in `day.year` (Implementation Guide: 前段码 = credit code,
    后段码 = year-serial; pattern configurable per region). Safe under concurrency like
    core.tracking.next_number: UPDATE takes the row lock before reading the new value."""
    year = day.year
    with transaction.atomic():
        updated = IndexSequence.objects.filter(body=body, year=year).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    IndexSequence.objects.create(body=body, year=year, last=1)
            except IntegrityError:
                IndexSequence.objects.filter(body=body, year=year).update(last=F("last") + 1)
        serial = IndexSequence.objects.values_list("last", flat=True).get(body=body, year=year)
    pattern = str(get_rule(INDEX_PATTERN.key, body.region.path))
    return format_index_number(
        pattern, credit_code=body.credit_code, year=year, month=day.month, serial=serial
    )


def catalogue_ensure(body: Body) -> list[CatalogueNode]:
    """The body's catalogue roots, creating the default tree on first use (idempotent)."""
    roots = list(CatalogueNode.objects.filter(body=body, parent=None))
    if roots:
        return roots
    with transaction.atomic():
        for i, (name, children) in enumerate(DEFAULT_CATALOGUE, start=1):
            node, _ = CatalogueNode.objects.get_or_create(
                body=body, parent=None, name=name, defaults={"sort": i}
            )
            for j, child in enumerate(children, start=1):
                CatalogueNode.objects.get_or_create(
                    body=body, parent=node, name=child, defaults={"sort": j}
                )
    return list(CatalogueNode.objects.filter(body=body, parent=None))


def guide_for(body: Body) -> Guide:
    guide = Guide.objects.filter(body=body).first()
    return guide or Guide(body=body, html=DEFAULT_GUIDE_HTML)


def guide_update(*, actor: User, body: Body, html_text: str) -> Guide:
    require(actor, "catalogue.change", body)
    clean, _ = sanitize_html(html_text)
    with transaction.atomic():
        guide, _ = Guide.objects.get_or_create(body=body)
        guide.html = clean
        guide.updated_by = actor
        guide.save()
        audit.record(actor=actor, action="disclosure.guide_update", obj=guide, body=body)
    return guide


def catalogue_add(
    *, actor: User, body: Body, name: str, parent: CatalogueNode | None
) -> CatalogueNode:
    require(actor, "catalogue.change", body)
    name = name.strip()
    if not name:
        raise DisclosureError("请填写目录名称。", "name")
    if parent is not None and parent.body_id != body.pk:
        raise DisclosureError("上级目录不属于本机构。", "parent")
    with transaction.atomic():
        if CatalogueNode.objects.filter(body=body, parent=parent, name=name).exists():
            raise DisclosureError("同一级下已有同名目录。", "name")
        node = CatalogueNode.objects.create(body=body, parent=parent, name=name, sort=999)
        audit.record(actor=actor, action="disclosure.catalogue_add", obj=node, body=body)
    return node


# -- validation of the editable fields ----------------------------------------------------------

FIELDS = (
    "title",
    "doc_number",
    "written_on",
    "changed_on",
    "theme",
    "category",
    "keywords",
    "summary",
    "mode",
    "body_html",
)


def _check_fields(
    *, body: Body, data: dict[str, Any], today: dt.date, exclude_pk: int | None
) -> list[str]:
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []

    def err(name: str, msg: str) -> None:
        errors.setdefault(name, []).append(msg)

    title = str(data.get("title") or "").strip()
    data["title"] = title
    if not title:
        err("title", "请填写标题。")
    elif len(title) > 300:
        err("title", "标题不能超过300个字。")
    written_on = data.get("written_on")
    if not isinstance(written_on, dt.date):
        err("written_on", "请填写成文日期。")
    elif written_on > today:
        err("written_on", f"成文日期不能晚于今天（{today:%Y-%m-%d}）。")
    elif written_on.year < 1949:
        err("written_on", "成文日期有误。")
    changed_on = data.get("changed_on")
    if changed_on is not None:
        if not isinstance(changed_on, dt.date):
            err("changed_on", "变更日期有误。")
        elif changed_on > today:
            err("changed_on", f"变更日期不能晚于今天（{today:%Y-%m-%d}）。")
        elif isinstance(written_on, dt.date) and changed_on < written_on:
            err("changed_on", "变更日期不能早于成文日期。")
    category = data.get("category")
    if category is not None and (
        not isinstance(category, CatalogueNode) or category.body_id != body.pk
    ):
        err("category", "未知的公开目录：请从本机构的公开目录中选择。")
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, Theme) or not theme.is_active):
        err("theme", "未知的主题分类。")
    mode = data.get("mode") or Mode.PROACTIVE
    if mode not in Mode.values:
        err("mode", "公开方式有误。")
    data["mode"] = mode
    # Stored as GB/T 9704 writes it (示政办发[2026]13号 → 示政办发〔2026〕13号): public pages,
    # feeds, exports and search results show what is stored, and the duplicate check below
    # then sees [2026] and 〔2026〕 as the same number.
    doc_number = tidy_number(str(data.get("doc_number") or "").strip())
    data["doc_number"] = doc_number
    if len(doc_number) > 80:
        err("doc_number", "发文字号过长。")
    elif doc_number:
        dup = Publication.objects.filter(body=body, doc_number=doc_number)
        if exclude_pk is not None:
            dup = dup.exclude(pk=exclude_pk)
        first = dup.only("index_number").first()
        if first is not None:
            warnings.append(
                f"注意：本机构已有发文字号为“{doc_number}”的信息（索引号 {first.index_number}），请核对是否重复。"
            )
    keywords = str(data.get("keywords") or "").strip()
    if len(keywords) > 200:
        err("keywords", "主题词不能超过200个字。")
    data["keywords"] = keywords
    data["summary"] = str(data.get("summary") or "").strip()
    clean, removed = sanitize_html(str(data.get("body_html") or ""))
    data["body_html"] = clean
    if removed:
        warnings.append("正文中的脚本等不安全内容已被自动移除。")
    if errors:
        raise DisclosureError(errors)
    return warnings


def _set_links(
    pub: Publication,
    *,
    issuers: Iterable[Body] | None,
    interprets: Iterable[Publication] | None,
) -> None:
    if issuers is not None:
        ids = {b.pk for b in issuers} | {pub.body_id}
        pub.issuers.set(ids)
        pub.has_issuers = len(ids) > 1
        Publication.objects.filter(pk=pub.pk).update(has_issuers=pub.has_issuers)
    if interprets is not None:
        items = [p for p in interprets if p.pk != pub.pk]
        for p in items:
            if (
                p.body_id != pub.body_id
                and not Publication.objects.filter(PUBLIC_Q, pk=p.pk).exists()
            ):
                # The callers look numbers up with selectors.interpretable_by_number; should
                # one pass another body's draft, answer as for a missing number (no leak).
                raise DisclosureError(interprets_not_found([p.index_number]), "interprets")
        pub.interprets.set(items)
        if items:
            pub.has_links = True
            Publication.objects.filter(pk__in=[pub.pk, *(p.pk for p in items)]).update(
                has_links=True
            )


def _add_attachments(pub: Publication, files: Sequence[CheckedFile]) -> None:
    start = pub.attachments.count()
    for i, f in enumerate(files):
        att = Attachment(
            publication=pub,
            original_name=f.name[:200],
            kind=f.kind,
            size=f.size,
            sha256=f.sha256,
            text=extract_text(f.kind, f.data),
            sort=start + i,
        )
        att.file.save(f.name, ContentFile(f.data), save=False)
        att.save()
    if files:
        pub.has_attachments = True
        Publication.objects.filter(pk=pub.pk).update(has_attachments=True)


# -- publications -----------------------------------------------------------------------------


def publication_create(
    *,
    actor: User,
    body: Body,
    data: dict[str, Any],
    issuers: Iterable[Body] | None = None,
    interprets: Iterable[Publication] | None = None,
    attachments: Sequence[CheckedFile] = (),
) -> Result:
    """A new draft with its 索引号 issued now (reserved for ever, even if withdrawn)."""
    require(actor, "publication.create", body)
    data = {k: data.get(k) for k in FIELDS}
    warnings = _check_fields(body=body, data=data, today=timezone.localdate(), exclude_pk=None)
    with transaction.atomic():
        written_on: dt.date = data["written_on"]
        pub = Publication(body=body, drafter=actor, state=State.DRAFT, **data)
        pub.index_number = next_index_number(body, written_on)
        pub.body_text = html_to_text(pub.body_html)
        pub.save()
        _set_links(pub, issuers=issuers if issuers is not None else [], interprets=interprets)
        _add_attachments(pub, attachments)
        audit.record(
            actor=actor,
            action="publication.create",
            obj=pub,
            body=body,
            changes={"index_number": [None, pub.index_number]},
        )
    return Result(pub, warnings)


def publication_update(
    *,
    actor: User,
    publication: Publication,
    data: dict[str, Any],
    issuers: Iterable[Body] | None = None,
    interprets: Iterable[Publication] | None = None,
    attachments: Sequence[CheckedFile] = (),
    remove_attachments: Iterable[int] = (),
) -> Result:
    """Edit a draft or returned publication (editor), or correct a published one (reviewer:
    the corrected text is checked again and must be free of findings)."""
    pub = publication
    if pub.state in EDITABLE_STATES:
        require(actor, "publication.change", pub)
    elif pub.state == State.PUBLISHED:
        require(actor, "publication.publish", pub)
    else:
        require(actor, "publication.view", pub)
        raise DisclosureError(f"“{pub.get_state_display()}”状态的信息不能修改。")
    merged = {k: data.get(k, getattr(pub, k)) for k in FIELDS}
    warnings = _check_fields(
        body=pub.body, data=merged, today=timezone.localdate(), exclude_pk=pub.pk
    )
    try:
        _apply_update(
            actor=actor,
            pub=pub,
            merged=merged,
            issuers=issuers,
            interprets=interprets,
            attachments=attachments,
            remove_attachments=remove_attachments,
        )
    except DisclosureError:
        # The transaction rolled the row back, but `pub` still holds the refused values; the
        # caller shows it again (the edit page's heading, the API's answer), so it must show
        # what is saved — not the new title the privacy check has just refused.
        pub.refresh_from_db()
        raise
    return Result(pub, warnings)


def _apply_update(
    *,
    actor: User,
    pub: Publication,
    merged: dict[str, Any],
    issuers: Iterable[Body] | None,
    interprets: Iterable[Publication] | None,
    attachments: Sequence[CheckedFile],
    remove_attachments: Iterable[int],
) -> None:
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=pub.pk)
        if locked.state != pub.state:
            raise DisclosureError("该信息的状态已被他人改变，请刷新后重试。")
        before = audit.snapshot(pub)
        changed_before = pub.changed_on
        for k, v in merged.items():
            setattr(pub, k, v)
        if pub.state == State.PUBLISHED and pub.changed_on and pub.changed_on != changed_before:
            # The changed information goes out today: its timeliness counts from the change.
            pub.delay_workdays, pub.is_late = timeliness(pub, timezone.localdate())
        pub.body_text = html_to_text(pub.body_html)
        pub.save()
        _set_links(pub, issuers=issuers, interprets=interprets)
        removed = list(remove_attachments)
        if removed:
            pub.attachments.filter(pk__in=removed).delete()
        _add_attachments(pub, attachments)
        if pub.state == State.PUBLISHED:
            hits = privacy.scan_fields(scan_texts(pub))
            if hits:
                kinds = "、".join(sorted({privacy_label(f.kind) for _, f in hits}))
                raise DisclosureError(
                    f"修改后的内容含有{kinds}，已发布信息不能直接保存：请撤回后重新提交审核。"
                )
            _outbox_reindex(pub)
        audit.record(
            actor=actor,
            action="publication.update",
            obj=pub,
            body=pub.body,
            changes=audit.diff(before, audit.snapshot(pub)),
        )


def privacy_label(kind: str) -> str:
    from yangguang.disclosure.models import FindingKind

    return str(FindingKind(kind).label)


def scan_texts(pub: Publication) -> dict[str, str]:
    """Every text the public would see (SCANNED_FIELDS), by field name."""
    texts = {f: pub.body_text if f == "body" else getattr(pub, f) for f in SCANNED_FIELDS}
    for att in pub.attachments.all():
        texts[f"attachment:{att.pk}"] = att.text
    return texts


def _transition(pub: Publication, allowed: set[State], verb: str) -> Publication:
    locked = Publication.objects.select_for_update().select_related("body__region").get(pk=pub.pk)
    if locked.state not in allowed:
        raise DisclosureError(f"“{locked.get_state_display()}”状态的信息不能{verb}。")
    return locked


def publication_submit(*, actor: User, publication: Publication) -> Publication:
    """Submit for 保密审查; runs the privacy and secrecy pre-check and stores its findings."""
    require(actor, "publication.submit", publication)
    with transaction.atomic():
        pub = _transition(publication, EDITABLE_STATES, "提交审核")
        pub.state = State.SUBMITTED
        pub.submission_count += 1
        pub.submitted_at = timezone.now()
        pub.return_reason = ""
        pub.save()
        hits = privacy.scan_fields(scan_texts(pub))
        PrivacyFinding.objects.bulk_create(
            PrivacyFinding(
                publication=pub,
                submission=pub.submission_count,
                kind=f.kind,
                field=name,
                text=f.text[:200],
                masked=f.masked[:200],
                context=f.context[:400],
            )
            for name, f in hits
        )
        audit.record(
            actor=actor,
            action="publication.submit",
            obj=pub,
            body=pub.body,
            changes={"state": [publication.state, pub.state], "findings": len(hits)},
        )
    return pub


def open_findings(pub: Publication) -> list[PrivacyFinding]:
    return list(pub.findings.filter(submission=pub.submission_count, status=FindingStatus.OPEN))


ATTACHMENT_NOT_MASKABLE = "附件中的内容无法在线遮盖：请退回发布员替换附件，或填写理由后保留。"
ATTACHMENT_MASK_FAILED = (
    "未能在附件“{name}”中自动遮盖该内容（它可能由公式计算得出、位于图表或脚注中，"
    "或被拆分在不同单元格里），附件未作任何改动：请退回发布员修改后重新上传附件，"
    "或填写理由后保留。"
)


def finding_resolve(
    *, actor: User, finding: PrivacyFinding, action: str, reason: str = ""
) -> PrivacyFinding:
    """Mask a finding (replace it in the publication with its masked form) or keep it with a
    reason. Only while the publication is waiting for review, by a reviewer of its body.

    A finding in a docx/xlsx attachment is masked in the file itself (DOMAIN.md §2: personal
    information must not leak into what is published — a 补贴 recipient list is the classic
    case): see `_masked_attachment` and `_replace_attachment`."""
    require(actor, "publication.review", finding)
    prepared: _MaskedFile | None = None
    if (
        action == "mask"
        and finding.attachment_id is not None
        and finding.status == FindingStatus.OPEN
        and finding.publication.state == State.SUBMITTED
    ):
        # Rewriting a large workbook takes seconds: done before the transaction, which on
        # SQLite holds the one write lock of the whole database. Checked again under the lock.
        prepared = _masked_attachment(finding)
    written: list[tuple[Storage, str]] = []  # files this call stored: removed if it rolls back
    try:
        with transaction.atomic():
            pub = _transition(finding.publication, {State.SUBMITTED}, "处理检查结果")
            f = PrivacyFinding.objects.select_for_update().get(pk=finding.pk)
            if f.status != FindingStatus.OPEN:
                raise DisclosureError("该项已处理。")
            now = timezone.now()
            changes: dict[str, Any] = {"finding": f.pk, "kind": f.kind, "field": f.field}
            if action == "mask":
                if f.field.startswith("attachment:"):
                    prepared = prepared or _masked_attachment(f)
                    changes.update(
                        _replace_attachment(pub, f, prepared, actor=actor, now=now, written=written)
                    )
                elif f.field in SCANNED_FIELDS and f.field != "body":
                    setattr(pub, f.field, getattr(pub, f.field).replace(f.text, f.masked))
                    pub.save()
                else:
                    pub.body_html = pub.body_html.replace(f.text, f.masked)
                    pub.body_text = html_to_text(pub.body_html)
                    pub.save()
                f.status = FindingStatus.MASKED
            elif action == "keep":
                reason = reason.strip()
                if not reason:
                    raise DisclosureError("保留须填写理由。", "reason")
                f.status = FindingStatus.KEPT
                f.reason = reason
            else:
                raise DisclosureError("未知的处理方式。")
            f.resolved_by = actor
            f.resolved_at = now
            f.save()
            audit.record(
                actor=actor,
                action=f"publication.finding_{action}",
                obj=pub,
                body=pub.body,
                changes=changes,
                reason=reason,
            )
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return f


@dataclass(frozen=True)
class _MaskedFile:
    """An attachment's new content with a finding masked, and the content it was made from."""

    attachment_id: int
    old_sha256: str
    data: bytes
    text: str


def _masked_attachment(f: PrivacyFinding) -> _MaskedFile:
    """The finding's attachment with every occurrence of its text masked (reads, writes nothing).
    Raises DisclosureError for kinds we cannot rewrite, and when the file cannot be masked
    completely — the reviewer then returns the draft or keeps the finding with a reason."""
    att = Attachment.objects.filter(
        pk=f.attachment_id or 0, publication_id=f.publication_id
    ).first()
    if att is None or att.kind not in MASKABLE_KINDS:
        raise DisclosureError(ATTACHMENT_NOT_MASKABLE)
    failed = DisclosureError(ATTACHMENT_MASK_FAILED.format(name=att.original_name))
    try:
        with att.file.open("rb") as fh:
            data = fh.read()
    except OSError:
        raise DisclosureError(
            f"附件“{att.original_name}”的文件缺失，无法遮盖：请退回发布员重新上传附件。"
        ) from None
    new_data = mask_in_file(att.kind, data, f.text, f.masked)
    if new_data is None:
        raise failed
    text = extract_text(att.kind, new_data)
    # The reviewer's promise is about what the check reads: the text must have left it; an
    # empty text means the new file could not be read back.
    if not text.strip() or privacy.occurrence_re(f.text).search(text):
        raise failed
    return _MaskedFile(att.pk, att.sha256, new_data, text)


def _replace_attachment(
    pub: Publication,
    f: PrivacyFinding,
    new: _MaskedFile,
    *,
    actor: User,
    now: dt.datetime,
    written: list[tuple[Storage, str]],
) -> dict[str, Any]:
    """Store the masked file as the attachment's file (new sha256, size, path and extracted
    text). Other open findings of the same attachment whose text is gone from the new file are
    marked masked too — the data they point at no longer exists, and a second "mask" could not
    find it. The old file, which holds the personal data, is deleted once the transaction
    commits. Returns the audit changes."""
    att = Attachment.objects.select_for_update().get(pk=new.attachment_id, publication=pub)
    if att.sha256 != new.old_sha256:
        raise DisclosureError("附件已被他人修改，请刷新后重试。")
    att.publication = pub  # attachment_path reads the body from it
    old_name, old_size = att.file.name, att.size
    att.sha256 = hashlib.sha256(new.data).hexdigest()
    att.size = len(new.data)
    att.text = new.text
    att.file.save(att.original_name, ContentFile(new.data), save=False)
    written.append((att.file.storage, att.file.name or ""))
    att.save(update_fields=["file", "sha256", "size", "text"])

    others = [
        o
        for o in PrivacyFinding.objects.select_for_update()
        .filter(publication=pub, submission=f.submission, field=f.field, status=FindingStatus.OPEN)
        .exclude(pk=f.pk)
        if not privacy.occurrence_re(o.text).search(new.text)
    ]
    for o in others:
        o.status = FindingStatus.MASKED
        o.resolved_by = actor
        o.resolved_at = now
        o.save(update_fields=["status", "resolved_by", "resolved_at"])

    storage = att.file.storage
    if old_name and old_name != att.file.name:

        def drop_old_file() -> None:
            # Another attachment row may share the stored file (copied publications).
            if not Attachment.objects.filter(file=old_name).exists():
                storage.delete(old_name)

        transaction.on_commit(drop_old_file)
    return {
        "attachment": att.pk,
        "sha256": [new.old_sha256, att.sha256],
        "size": [old_size, att.size],
        "also_masked": [o.pk for o in others],
    }


def publication_return(*, actor: User, publication: Publication, reason: str) -> Publication:
    require(actor, "publication.review", publication)
    reason = reason.strip()
    if not reason:
        raise DisclosureError("退回须填写理由。", "reason")
    with transaction.atomic():
        pub = _transition(publication, {State.SUBMITTED, State.APPROVED}, "退回")
        old = pub.state
        pub.state = State.RETURNED
        pub.return_reason = reason
        pub.save()
        audit.record(
            actor=actor,
            action="publication.return",
            obj=pub,
            body=pub.body,
            changes={"state": [old, pub.state]},
            reason=reason,
        )
    return pub


def publication_approve(*, actor: User, publication: Publication) -> Publication:
    """保密审查 passed: the reviewer (not the drafter) is recorded and answerable."""
    require(actor, "publication.review", publication)
    with transaction.atomic():
        pub = _transition(publication, {State.SUBMITTED}, "审核通过")
        if pub.drafter_id == actor.pk:
            raise DisclosureError("审核人不能是起草人本人（谁审查谁负责）。")
        remaining = len(open_findings(pub))
        if remaining:
            raise DisclosureError(
                f"还有 {remaining} 项隐私/保密检查结果未处理，处理后才能审核通过。"
            )
        pub.state = State.APPROVED
        pub.reviewer = actor
        pub.reviewed_at = timezone.now()
        pub.save()
        audit.record(
            actor=actor,
            action="publication.approve",
            obj=pub,
            body=pub.body,
            changes={"state": [State.SUBMITTED, State.APPROVED]},
        )
    return pub


def timeliness(pub: Publication, published_on: dt.date) -> tuple[int, bool]:
    """(working days to 发布日期, late?) — 条例 Art. 26: within 20 working days of the day the
    information was created (成文日期) or, for changed information, changed (变更日期)."""
    start = pub.changed_on or pub.written_on
    delay = current_calendar().workdays_between(start, published_on)
    return delay, delay > TIMELY_WORKDAYS


def _do_publish(pub: Publication, now: dt.datetime) -> None:
    pub.state = State.PUBLISHED
    pub.published_at = now
    pub.published_on = timezone.localdate(now)
    pub.scheduled_at = None
    pub.delay_workdays, pub.is_late = timeliness(pub, pub.published_on)
    pub.save()
    _outbox_reindex(pub)


# 条例 Art. 26 wants a document public within 20 working days of being made, so a 定时发布
# time more than a year ahead is a typing error (9999 for 2026); near year 9999 it cannot
# even be stored (OverflowError converting to UTC).
SCHEDULE_AHEAD_MAX = dt.timedelta(days=366)


def publication_publish(
    *, actor: User, publication: Publication, at: dt.datetime | None = None
) -> Publication:
    """Publish an approved publication now, or schedule it (`publish_due` publishes it). A time
    already past publishes now (the console says so); one over a year ahead is refused."""
    require(actor, "publication.publish", publication)
    now = timezone.now()
    with transaction.atomic():
        pub = _transition(publication, {State.APPROVED, State.SCHEDULED}, "发布")
        if pub.reviewer_id is None or pub.reviewer_id == pub.drafter_id:
            raise DisclosureError("未经他人审核的信息不能发布。")
        if at is not None and at > now + SCHEDULE_AHEAD_MAX:
            latest = timezone.localtime(now + SCHEDULE_AHEAD_MAX)
            raise DisclosureError(
                f"定时发布时间不能晚于一年以后（{latest:%Y-%m-%d %H:%M}）。", "at"
            )
        old = pub.state
        if at is not None and at > now:
            pub.state = State.SCHEDULED
            pub.scheduled_at = at
            pub.save()
            action = "publication.schedule"
        else:
            _do_publish(pub, now)
            action = "publication.publish"
        audit.record(
            actor=actor,
            action=action,
            obj=pub,
            body=pub.body,
            changes={"state": [old, pub.state], "scheduled_at": [None, _iso(pub.scheduled_at)]},
        )
    return pub


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def publication_publish_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Publish scheduled publications whose time has come (the `publish_due` command)."""
    now = now or timezone.now()
    ids = list(
        Publication.objects.filter(state=State.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            pub = Publication.objects.select_for_update().select_related("body__region").get(pk=pk)
            if pub.state != State.SCHEDULED:
                continue
            _do_publish(pub, now)
            audit.record(
                actor=None,
                action="publication.publish",
                obj=pub,
                body=pub.body,
                changes={"state": [State.SCHEDULED, State.PUBLISHED]},
                reason="定时发布",
            )
            done += 1
    return done


def publication_withdraw(*, actor: User, publication: Publication, reason: str) -> Publication:
    """Withdraw a published or scheduled publication; its 索引号 stays reserved."""
    require(actor, "publication.withdraw", publication)
    reason = reason.strip()
    if not reason:
        raise DisclosureError("撤回须填写理由。", "reason")
    with transaction.atomic():
        pub = _transition(publication, {State.PUBLISHED, State.SCHEDULED}, "撤回")
        old = pub.state
        pub.state = State.WITHDRAWN
        pub.withdrawn_at = timezone.now()
        pub.withdraw_reason = reason
        pub.scheduled_at = None
        pub.save()
        _outbox_reindex(pub)
        audit.record(
            actor=actor,
            action="publication.withdraw",
            obj=pub,
            body=pub.body,
            changes={"state": [old, pub.state]},
            reason=reason,
        )
    return pub


def publication_set_validity(
    *,
    actor: User,
    publication: Publication,
    validity: str,
    on: dt.date | None = None,
    replaced_by: Publication | None = None,
) -> Publication:
    """Mark a document 有效 / 失效 / 废止 / 已修订 (with the date; a revision names the
    replacing document)."""
    require(actor, "publication.validity", publication)
    if validity not in Validity.values:
        raise DisclosureError("有效性取值有误。", "validity")
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise DisclosureError("有效性变更日期不能晚于今天。", "validity_changed_on")
    if validity == Validity.REVISED and replaced_by is None:
        raise DisclosureError("标记为“已修订”时须指定修订后的文件。", "replaced_by")
    if replaced_by is not None:
        if replaced_by.pk == publication.pk:
            raise DisclosureError("替代文件不能是本文件。", "replaced_by")
        if replaced_by.body_id != publication.body_id and not replaced_by.is_public:
            raise DisclosureError("替代文件须为本机构或已公开的文件。", "replaced_by")
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update()
            .select_related("body__region")
            .get(pk=publication.pk)
        )
        before = audit.snapshot(pub, ["validity", "validity_changed_on", "replaced_by"])
        pub.validity = validity
        pub.validity_changed_on = None if validity == Validity.VALID else on
        pub.replaced_by = replaced_by if validity != Validity.VALID else None
        pub.save()
        if pub.state == State.PUBLISHED:
            _outbox_reindex(pub)
        audit.record(
            actor=actor,
            action="publication.set_validity",
            obj=pub,
            body=pub.body,
            changes=audit.diff(
                before, audit.snapshot(pub, ["validity", "validity_changed_on", "replaced_by"])
            ),
        )
    return pub


# -- fiscal tables ----------------------------------------------------------------------------


def fiscal_publish(
    *,
    actor: User,
    body: Body,
    kind: str,
    year: int,
    month: int | None,
    data: bytes,
) -> FiscalTable:
    """Validate an uploaded xlsx against the kind's schema and publish it as an HTML table
    (replacing the same body/kind/year/month). Raises fiscal.FiscalError with a cell report."""
    from yangguang.disclosure import fiscal

    require(actor, "fiscal.change", body)
    if kind not in fiscal.SCHEMAS:
        raise DisclosureError("未知的表格类型。", "kind")
    if kind != "village":
        month = None
    parsed = fiscal.validate(kind, fiscal.read_rows(data), year=year, month=month)
    label = dict(FiscalKind.choices)[kind]
    title = f"{body.name}{year}年" + (f"{month}月" if month else "") + label
    with transaction.atomic():
        table, created = FiscalTable.objects.select_for_update().get_or_create(
            body=body, kind=kind, year=year, month=month, defaults={"title": title}
        )
        table.title = title
        table.columns = parsed.columns
        table.rows = parsed.rows
        table.total = parsed.total
        table.is_published = True
        table.published_at = timezone.now()
        table.created_by = actor
        table.save()
        audit.record(
            actor=actor,
            action="fiscal.publish",
            obj=table,
            body=body,
            changes={"rows": len(parsed.rows), "total": str(parsed.total), "replaced": not created},
        )
    return table


# -- bulk import ------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "标题",
    "发文字号",
    "成文日期",
    "发布日期",
    "公开目录",
    "主题分类",
    "主题词",
    "内容概述",
    "有效性",
    "正文",
]


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)  # index numbers
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace("年", "-").replace("月", "-")
    text = text.replace("日", "")
    if not text:
        return None
    try:
        y, m, d = (int(p) for p in text.split("-")[:3])
        return dt.date(y, m, d)
    except ValueError:
        raise DisclosureError(f"日期“{value}”无法识别（示例：2026-03-02）。") from None


def publications_import(
    *, actor: User, body: Body, data: bytes, as_published: bool = False
) -> ImportReport:
    """Import publications from an xlsx (migration from an old site): every row is validated
    first; if any row is wrong nothing is saved and the report lists each bad row.
    `as_published` (a reviewer migrating already-published documents) keeps their 发布日期."""
    import io

    import openpyxl

    require(actor, "publication.import", body)
    if as_published:
        require(actor, "publication.publish", body)
    report = ImportReport()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    except Exception:
        report.errors.append((0, "无法读取该 Excel 文件（须为 .xlsx 格式）。"))
        return report
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows or [str(v or "").strip() for v in rows[0][: len(IMPORT_COLUMNS)]] != IMPORT_COLUMNS:
        report.errors.append((1, f"表头应为：{'、'.join(IMPORT_COLUMNS)}。"))
        return report
    catalogue_ensure(body)
    nodes = {
        (f"{n.parent.name}/{n.name}" if n.parent_id and n.parent else n.name): n
        for n in CatalogueNode.objects.filter(body=body).select_related("parent")
    }
    themes = {t.name: t for t in Theme.objects.filter(is_active=True)}
    validity_by_label = {str(label): value for value, label in Validity.choices}
    today = timezone.localdate()
    prepared: list[tuple[int, dict[str, Any], dt.date | None, str]] = []
    seen_docnums: set[str] = set()
    for r, raw in enumerate(rows[1:], start=2):
        report.rows += 1
        v = dict(zip(IMPORT_COLUMNS, (list(raw) + [None] * 10)[:10], strict=True))
        try:
            written_on = _as_date(v["成文日期"])
            published_on = _as_date(v["发布日期"])
        except DisclosureError as exc:
            report.errors.append((r, str(exc)))
            continue
        cat_name = str(v["公开目录"] or "").strip()
        theme_name = str(v["主题分类"] or "").strip()
        row = {
            "title": v["标题"],
            "doc_number": v["发文字号"],
            "written_on": written_on,
            "category": nodes.get(cat_name) if cat_name else None,
            "theme": themes.get(theme_name) if theme_name else None,
            "keywords": v["主题词"],
            "summary": v["内容概述"],
            "mode": Mode.PROACTIVE,
            "body_html": str(v["正文"] or ""),
        }
        problems: list[str] = []
        if cat_name and cat_name not in nodes:
            problems.append(f"未知的公开目录“{cat_name}”")
        if theme_name and theme_name not in themes:
            problems.append(f"未知的主题分类“{theme_name}”")
        validity_label = str(v["有效性"] or "有效").strip()
        if validity_label not in validity_by_label:
            problems.append(f"有效性“{validity_label}”有误（有效/失效/废止/已修订）")
        if published_on and written_on and published_on < written_on:
            problems.append("发布日期早于成文日期")
        if published_on and published_on > today:
            problems.append("发布日期不能晚于今天")
        if as_published and not published_on:
            problems.append("迁移已发布信息须填写发布日期")
        try:
            for w in _check_fields(body=body, data=row, today=today, exclude_pk=None):
                report.warnings.append((r, w))
        except DisclosureError as exc:
            problems.extend(m for msgs in exc.errors.values() for m in msgs)
        if row.get("doc_number"):
            if row["doc_number"] in seen_docnums:
                report.warnings.append((r, f"发文字号“{row['doc_number']}”在表内重复。"))
            seen_docnums.add(row["doc_number"])
        if problems:
            report.errors.append((r, "；".join(problems)))
            continue
        prepared.append((r, row, published_on, validity_by_label.get(validity_label, "valid")))
    if report.errors:
        return report
    with transaction.atomic():
        for _r, row, published_on, validity in prepared:
            pub = Publication(body=body, drafter=actor, **row)
            pub.validity = validity
            pub.index_number = next_index_number(body, row["written_on"])
            pub.body_text = html_to_text(pub.body_html)
            if as_published and published_on:
                pub.state = State.PUBLISHED
                pub.reviewer = actor
                pub.published_on = published_on
                pub.published_at = timezone.make_aware(
                    dt.datetime.combine(published_on, dt.time(9))
                )
                pub.delay_workdays, pub.is_late = timeliness(pub, published_on)
            pub.save()
            pub.issuers.set([body])
            if pub.state == State.PUBLISHED:
                _outbox_reindex(pub)
            report.created.append(pub.index_number)
        audit.record(
            actor=actor,
            action="publication.import",
            body=body,
            object_type="disclosure.publication",
            object_repr=f"导入 {len(prepared)} 条",
            changes={"count": len(prepared), "as_published": as_published},
        )
    return report


def catalogue_export(body: Body, rows: Iterable[Publication]) -> bytes:
    """The body's 公开目录 as xlsx (条例 Art. 12: 索引, 名称, 内容概述, 生成日期 …)."""
    import io

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("公开目录")
    ws.append(
        [
            "索引号",
            "标题",
            "发文字号",
            "公开目录",
            "主题分类",
            "成文日期",
            "发布日期",
            "有效性",
            "内容概述",
            "状态",
        ]
    )
    for p in rows:
        ws.append(
            [
                p.index_number,
                p.title,
                p.doc_number,
                str(p.category or ""),
                str(p.theme or ""),
                p.written_on,
                p.published_on,
                p.get_validity_display(),
                p.summary,
                p.get_state_display(),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
