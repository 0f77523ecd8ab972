"""What the publication source hands to the index: the issuing body and its places are indexed
with each publication (a notice title names neither), read once per batch (issue 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.disclosure.conftest import make_pub
from tests.factories import UserFactory, grant
from yangguang.disclosure import services
from yangguang.disclosure.models import Publication
from yangguang.orgs.models import Body, Role
from yangguang.search import sources
from yangguang.search.backends.base import CONTEXT_MARK, SearchBackend
from yangguang.search.service import run_search
from yangguang.search.sources import PublicationSource


def publish_in(world: World, body: Body, **data: object) -> Publication:
    """A public publication of `body`, through the services (its own editor and reviewer)."""
    editor = grant(UserFactory(), Role.EDITOR, body=body)
    reviewer = grant(UserFactory(), Role.REVIEWER, body=body)
    pub = make_pub(world, actor=editor, body=body, **data)
    pub = services.publication_submit(actor=editor, publication=pub)
    pub = services.publication_approve(actor=reviewer, publication=pub)
    return services.publication_publish(actor=reviewer, publication=pub)


def last_line(text: str) -> str:
    """The context part (after CONTEXT_MARK) of a publication without interpreted policies."""
    head, context = text.split(CONTEXT_MARK)
    assert CONTEXT_MARK not in head and "\n" not in context
    return context


@pytest.mark.django_db
def test_context_names_the_body_and_its_region_chain(world: World) -> None:
    county = publish_in(world, world.body_a, title="2026年度拟录用公务员名单公示", doc_number="")
    town = publish_in(
        world, world.township_body, title="2026年度拟录用公务员名单公示", doc_number=""
    )
    docs = {d.id: d for d in PublicationSource().documents()}
    assert last_line(docs[county.pk].text) == "示范县人力资源和社会保障局 示范市 示范县"
    assert last_line(docs[town.pk].text) == "城关镇人民政府 示范市 示范县 城关镇"
    # The same line when one publication is indexed on its own (no batch cache).
    single = PublicationSource().document(Publication.objects.get(pk=town.pk))
    assert single.text == docs[town.pk].text


@pytest.mark.django_db
def test_region_names_are_read_once_per_batch(
    world: World, django_assert_max_num_queries, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for body in (world.body_a, world.body_b, world.township_body):
        for n in range(3):
            publish_in(world, body, title=f"通知{n}", doc_number="")
    # One batch: publications (bodies and regions joined), attachments, interpreted policies,
    # region names; then the empty batch that ends the loop. Not one query per publication or
    # per body.
    with django_assert_max_num_queries(5):
        docs = list(PublicationSource().documents())
    assert len(docs) == 9
    # Several batches: region names already read are not read again (nor per publication).
    monkeypatch.setattr(sources, "CHUNK", 2)
    with django_assert_max_num_queries(5 * 4 + 1):
        assert len(list(PublicationSource().documents())) == 9


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, bodies",
    [
        # A notice's title names no place: the body's place finds it.
        ("城关镇 公务员", ["township_body"]),
        # A county finds its own bodies and those of its townships, not another county's.
        ("示范县 公务员", ["body_a", "township_body"]),
        ("东区 公务员", ["body_b"]),
        ("示范市 公务员", ["body_a", "body_b", "township_body"]),
        # The body's own name.
        ("人力资源和社会保障局 公务员", ["body_a", "body_b"]),
    ],
)
def test_place_and_body_names_find_their_publications(
    engine: SearchBackend,
    world: World,
    django_capture_on_commit_callbacks,
    query: str,
    bodies: list[str],
) -> None:  # type: ignore[no-untyped-def]
    made = {}
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("body_a", "body_b", "township_body"):
            made[name] = publish_in(
                world, getattr(world, name), title="2026年度拟录用公务员名单公示", doc_number=""
            )
    out = run_search(query)
    assert out.mode == "and"
    assert {h.id for h in out.hits} == {made[n].pk for n in bodies}
    # The names are there for matching; the snippet is the publication's own text.
    for hit in out.hits:
        assert "示范市" not in hit.snippet_html and hit.body_name not in hit.snippet_html


@pytest.mark.django_db
def test_document_text_holds_every_part_in_order(world: World) -> None:
    """What is indexed for a publication: summary, keywords, text, the attachments' extracted
    text in their order (one without text adds nothing), then, after CONTEXT_MARK, the body
    and its places and each interpreted policy, newest first. The same from a rebuild's batch
    and for one publication."""
    import datetime as dt

    from yangguang.disclosure.models import Attachment

    older = publish_in(
        world, world.body_a, title="养老服务补贴办法", doc_number="示民发〔2024〕2号"
    )
    newer = publish_in(world, world.body_a, title="高龄津贴发放办法", doc_number="")
    Publication.objects.filter(pk=older.pk).update(published_on=dt.date(2024, 1, 5))
    Publication.objects.filter(pk=newer.pk).update(published_on=dt.date(2025, 6, 1))
    reading = publish_in(world, world.body_a, title="政策解读", doc_number="")
    Publication.objects.filter(pk=reading.pk).update(
        summary="摘要", keywords="养老 补贴", body_text="正文"
    )
    reading.interprets.set([older, newer])
    for sort, text in ((2, "附件乙"), (1, "附件甲"), (3, "")):
        Attachment.objects.create(
            publication=reading, file="x.pdf", original_name="x.pdf", kind="pdf", size=1,
            sha256="0" * 64, text=text, sort=sort,
        )  # fmt: skip
    expected = (
        "摘要\n养老 补贴\n正文\n附件甲\n附件乙\n"
        + CONTEXT_MARK
        + "示范县人力资源和社会保障局 示范市 示范县\n"
        + "解读：高龄津贴发放办法\n解读：养老服务补贴办法（示民发〔2024〕2号）"
    )
    batch = {d.id: d for d in PublicationSource().documents()}
    assert batch[reading.pk].text == expected
    assert PublicationSource().document(reading).text == expected
    assert batch[reading.pk].url == reverse("portal:disclosure_detail", args=[reading.index_number])


@pytest.mark.parametrize(
    "value",
    [
        "11370900MB2834567A/2014-00036",
        "示范/2026 年%号",
        "a#b?c=d&e",
        "//evil.example",
        "~:@!$'()*+,;=",
    ],
)
def test_detail_url_is_what_reverse_gives(value: str) -> None:
    assert sources._detail_url()(value) == reverse("portal:disclosure_detail", args=[value])
