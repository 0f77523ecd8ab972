"""Fixtures for 主动公开: a second editor/reviewer, a body B editor, and helpers that build
publications in a given state through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import World
from tests.factories import UserFactory, grant
from yangguang.disclosure import services
from yangguang.disclosure.models import Publication
from yangguang.orgs.models import Role, User


@pytest.fixture
def editor_b(world: World) -> User:
    return grant(
        UserFactory(username="editor_b", full_name="吴发布"), Role.EDITOR, body=world.body_b
    )


@pytest.fixture
def reviewer_b(world: World) -> User:
    return grant(
        UserFactory(username="reviewer_b", full_name="郑审核"), Role.REVIEWER, body=world.body_b
    )


@pytest.fixture
def editor_reviewer_a(world: World) -> User:
    """One person holding both roles in body A (must still not approve their own draft)."""
    user = grant(UserFactory(username="both_a", full_name="冯双岗"), Role.EDITOR, body=world.body_a)
    return grant(user, Role.REVIEWER, body=world.body_a)


def make_pub(
    world: World, *, actor: User | None = None, body: Any = None, **data: Any
) -> Publication:
    body = body or world.body_a
    fields: dict[str, Any] = {
        "title": "关于印发《示范县就业补助资金管理办法》的通知",
        "written_on": dt.date(2026, 3, 2),
        "doc_number": "示人社发〔2026〕3号",
        "body_html": "<p>各乡镇人民政府，县直各部门：现将办法印发给你们，请认真贯彻执行。</p>",
    }
    fields.update(data)
    return services.publication_create(
        actor=actor or world.editor_a, body=body, data=fields
    ).publication


def publish(world: World, pub: Publication) -> Publication:
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    pub = services.publication_approve(actor=world.reviewer_a, publication=pub)
    return services.publication_publish(actor=world.reviewer_a, publication=pub)


@pytest.fixture
def published(world: World) -> Publication:
    return publish(world, make_pub(world))


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer is `text` (ASCII), written by hand: pypdf reads it back,
    so the privacy check finds what it holds."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
