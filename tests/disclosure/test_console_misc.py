"""Console catalogue/guide editing and navigation entries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from yangguang.disclosure.models import CatalogueNode, Guide

pytestmark = pytest.mark.django_db


def test_catalogue_and_guide_editing(world: World) -> None:
    c = Client()
    c.force_login(world.editor_a)
    r = c.get(reverse("console:disclosure_catalogue"))
    assert r.status_code == 200 and "政策文件" in r.content.decode()
    root = CatalogueNode.objects.get(body=world.body_a, name="重点领域", parent=None)
    c.post(reverse("console:disclosure_catalogue"), {"parent": root.pk, "name": "乡村振兴"})
    assert CatalogueNode.objects.filter(body=world.body_a, parent=root, name="乡村振兴").exists()
    r = c.post(
        reverse("console:disclosure_catalogue"),
        {"parent": root.pk, "name": "乡村振兴"},
        follow=True,
    )
    assert "同名目录" in r.content.decode()
    c.post(
        reverse("console:disclosure_catalogue"),
        {"guide": "<h2>一、主动公开</h2><script>x()</script>"},
    )
    guide = Guide.objects.get(body=world.body_a)
    assert "<script" not in guide.html and "主动公开" in guide.html
    page = Client().get(reverse("portal:disclosure_guide", args=[world.body_a.credit_code]))
    assert "一、主动公开" in page.content.decode()


def test_catalogue_page_cannot_be_used_by_other_roles(world: World) -> None:
    c = Client()
    c.force_login(world.handler_b)
    assert c.get(reverse("console:disclosure_catalogue")).status_code == 404
    assert Client().get(reverse("console:disclosure_catalogue")).status_code == 302


def test_console_nav_shows_disclosure_entries_by_role(world: World) -> None:
    c = Client()
    c.force_login(world.reviewer_a)
    html = c.get(reverse("console:home")).content.decode()
    assert "审核队列" in html and "信息发布" in html
    c.force_login(world.handler_b)
    html = c.get(reverse("console:home")).content.decode()
    assert "审核队列" not in html
