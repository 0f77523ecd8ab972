"""政府信息公开申请答复书: one structured document per outcome (citing the 条例 articles),
rendered as printable HTML (template foi/reply_document.html) and as docx (python-docx)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from yangguang.foi.models import ApplicantKind, Application
from yangguang.foi.outcomes import OUTCOMES
from yangguang.foi.validators import mask_name

LAW = "《中华人民共和国政府信息公开条例》"


@dataclass
class ReplyDocument:
    title: str
    number: str
    addressee: str
    paragraphs: list[str] = field(default_factory=list)
    signature: str = ""
    date: str = ""


def _strip_number(label: str) -> str:
    return label.split(".", 1)[1] if "." in label else label


# A description's own request words: 请公开…, 申请公开…, 请提供贵局…, 我申请获取… (only when it
# starts with one of 请/申请/要求/本人/我: 公开招标文件 is what is asked for).
_ASKING = re.compile(
    r"^(?:请|本人|我单位|我)?(?:申请|请求|要求)?(?:公开|提供|获取|查询)?(?:贵[机关局委办单位]+)?的?"
)
_ASKS = re.compile(r"^(?:请|申请|要求|本人|我)")


def _requested(description: str) -> str:
    """What was asked for, to quote after 申请获取: without the description's own request
    words and final stop — "请公开2025年…清单。" would read 申请获取“请公开2025年…清单。”."""
    text = description.strip()
    if _ASKS.match(text):
        text = _ASKING.sub("", text, count=1)
    return text.rstrip("。.；;，, ") or description.strip()


def reply_document(app: Application, *, masked: bool = False) -> ReplyDocument:
    d = OUTCOMES[app.outcome] if app.outcome else None
    name = mask_name(app.applicant_name) if masked else app.applicant_name
    you = "您单位" if app.applicant_kind == ApplicantKind.ORG else "您"
    doc = ReplyDocument(
        title="政府信息公开申请答复书",
        number=f"（{app.number}）",
        addressee=f"{name}：",
        signature=app.body.name,
        date=f"{app.replied_on:%Y年%m月%d日}" if app.replied_on else "",
    )
    p = doc.paragraphs
    p.append(
        f"本机关于{app.received_on:%Y年%m月%d日}收到{you}提出的政府信息公开申请，申请获取"
        f"“{_requested(app.description)}”"
        + (f"（文号：{app.doc_number}）" if app.doc_number else "")
        + "。经审查，现答复如下："
    )
    reason = app.outcome_reason
    if d is None:
        p.append("本申请尚未办结。")
    elif d.group == "disclose":
        p.append(
            f"{you}申请获取的政府信息属于公开范围，根据{LAW}{d.articles}的规定，本机关予以公开。"
        )
        if app.released:
            p.append(f"提供的信息及获取方式：{app.released}")
        if reason:
            p.append(reason)
    elif d.group == "partial":
        p.append(
            f"{you}申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。"
            f"根据{LAW}{d.articles}的规定，本机关向{you}提供可以公开的部分。"
        )
        if app.released:
            p.append(f"提供的信息及获取方式：{app.released}")
        p.append(f"不予公开的部分及理由：{app.withheld}")
        if reason:
            p.append(f"说明：{reason}")
    elif d.group == "refuse":
        p.append(
            f"{you}申请获取的政府信息{_strip_number(d.item_label)}，根据{LAW}{d.articles}的规定，"
            "本机关决定不予公开。"
        )
        p.append(f"理由：{reason}")
    elif d.group == "unable":
        p.append(
            f"经检索查找，{_strip_number(d.item_label)}，根据{LAW}{d.articles}的规定，本机关无法提供"
            f"{you}申请获取的政府信息。"
        )
        p.append(f"说明：{reason}")
    elif d.group == "reject":
        p.append(
            f"{you}的申请属于“{_strip_number(d.item_label)}”情形，根据{LAW}{d.articles}的规定，"
            "本机关不作为政府信息公开申请处理。"
        )
        p.append(f"说明：{reason}")
    else:
        p.append(reason or f"根据{LAW}{d.articles}的规定，本机关不再处理该申请。")
    names = [f.name for f in app.files.all()] if app.pk else []
    if names:
        p.append("附件：" + "；".join(names))
    if d is not None and d.group != "disclose":
        p.append(
            "如对本答复不服，可以自收到本答复书之日起六十日内依法申请行政复议，"
            "或者自收到本答复书之日起六个月内依法向人民法院提起行政诉讼（条例第五十一条）。"
        )
    return doc


def reply_docx(doc: ReplyDocument) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = Document()
    style = out.styles["Normal"]
    style.font.size = Pt(14)
    heading = out.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(doc.title)
    run.bold = True
    run.font.size = Pt(20)
    number = out.add_paragraph(doc.number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out.add_paragraph(doc.addressee)
    for text in doc.paragraphs:
        para = out.add_paragraph(text)
        para.paragraph_format.first_line_indent = Pt(28)
    for text in (doc.signature, doc.date):
        para = out.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
