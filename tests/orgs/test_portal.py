"""The public 四级 directory (issue 2, point 8): home → county → township → village pages, each
body's own page with contact details and windows; anonymous users see it all, inactive bodies
are gone, and pages run a bounded number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import BodyFactory, RegionFactory, WindowFactory, make_credit_code
from yangguang.orgs.models import BodyKind, RegionLevel

pytestmark = pytest.mark.usefixtures("fast_hasher")


def test_url_names() -> None:
    assert reverse("portal:home") == "/"
    assert reverse("portal:region_detail", args=["370921"]) == "/regions/370921/"
    code = make_credit_code("370921", 1)
    assert reverse("portal:body_detail", args=[code]) == f"/bodies/{code}/"


def test_home_shows_city_counties_and_townships(world, client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'lang="zh-CN"' in html
    assert 'name="viewport"' in html
    assert "示范市" in html
    assert 'href="/regions/370921/"' in html and "示范县" in html
    assert 'href="/regions/370902/"' in html and "东区" in html
    assert 'href="/regions/370921100/"' in html and "城关镇" in html  # third level on the home


def test_region_pages_go_down_to_villages(world, client: Client) -> None:
    html = client.get("/regions/370921/").content.decode()
    assert "<h1>示范县</h1>" in html
    assert 'aria-label="当前位置"' in html and 'href="/regions/370900/"' in html
    assert 'href="/regions/370921100/"' in html
    assert 'href="/regions/370921100201/"' in html  # villages listed under their township
    assert f'href="/bodies/{world.body_a.credit_code}/"' in html
    assert world.body_b.name not in html  # a body of another county

    village = client.get("/regions/370921100201/").content.decode()
    assert "东关村" in village
    for code in ("370900", "370921", "370921100"):
        assert f'href="/regions/{code}/"' in village


def test_unknown_region_and_body_are_404(world, client: Client) -> None:
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/bodies/91350100M000100Y43/").status_code == 404
    assert client.get("/bodies/<script>/").status_code == 404


def test_body_page_has_contact_details_and_windows(world, client: Client) -> None:
    body = world.body_a
    body.address = "示范县府前街 9 号"
    body.phone = "0538-9932009"
    body.office_hours = "工作日 8:30—17:30"
    body.parent = world.township_body  # not a real hierarchy, only to show the link
    body.save()
    WindowFactory(body=body, code="A01", name="社保窗口", hall="县政务服务大厅", location="一楼")
    WindowFactory(body=body, code="A02", name="停用窗口", is_active=False)
    html = client.get(f"/bodies/{body.credit_code.lower()}/").content.decode()
    for text in (
        "示范县府前街 9 号",
        'href="tel:0538-9932009"',
        "工作日 8:30—17:30",
        "社保窗口",
        "县政务服务大厅",
        "政府工作部门",
        body.credit_code,
        "城关镇人民政府",
    ):
        assert text in html
    assert "停用窗口" not in html
    assert 'href="/regions/370921/"' in html  # breadcrumb


def test_inactive_body_disappears(world, client: Client) -> None:
    world.body_a.is_active = False
    world.body_a.save()
    assert client.get(f"/bodies/{world.body_a.credit_code}/").status_code == 404
    assert world.body_a.name not in client.get("/regions/370921/").content.decode()


def test_pages_run_bounded_queries(world, client: Client, django_assert_max_num_queries) -> None:
    for i in range(10):
        county = RegionFactory(
            code=f"3709{30 + i}", name=f"县{i}", level=RegionLevel.COUNTY, parent=world.city
        )
        for j in range(5):
            RegionFactory(
                code=f"{county.code}10{j}",
                name=f"镇{i}{j}",
                level=RegionLevel.TOWNSHIP,
                parent=county,
            )
        for _ in range(3):
            BodyFactory(region=county, kind=BodyKind.DEPARTMENT)
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/regions/370900/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/bodies/{world.body_a.credit_code}/").status_code == 200


def test_body_page_links_to_the_body_pages_of_other_apps(world, client: Client) -> None:
    from yangguang.orgs import views

    saved = list(views.BODY_LINKS)
    views.body_link("演示栏目", "portal:region_detail", 5)  # any name taking one argument
    views.body_link("不存在的栏目", "portal:no_such_page", 6)
    try:
        html = client.get(f"/bodies/{world.body_a.credit_code}/").content.decode()
    finally:
        views.BODY_LINKS[:] = saved
    assert f'href="/regions/{world.body_a.credit_code}/">演示栏目' in html
    assert "不存在的栏目" not in html


def test_body_directory_search(world, client: Client) -> None:
    html = client.get("/bodies/").content.decode()
    assert world.body_a.name in html and world.body_b.name in html
    assert 'href="/bodies/"' in html  # portal nav entry 机构名录
    html = client.get("/bodies/", {"q": "东区"}).content.decode()
    assert world.body_b.name in html and world.body_a.name not in html
    html = client.get("/bodies/", {"kind": "township"}).content.decode()
    assert world.township_body.name in html and world.body_a.name not in html
    html = client.get("/bodies/", {"region": "370921"}).content.decode()
    assert world.body_a.name in html and world.township_body.name in html
    assert world.body_b.name not in html
    html = client.get("/bodies/", {"kind": "<x>", "region": "nope", "page": "z"}).content.decode()
    assert world.body_a.name in html
    world.body_b.is_active = False
    world.body_b.save()
    assert world.body_b.name not in client.get("/bodies/").content.decode()


@pytest.mark.parametrize(
    ("search", "first", "after"),
    [
        # 民政 is a word of 民政局 but straddles 人民 | 政府 in 人民政府: listed after it.
        ("民政", ["示范县民政局"], ["示范县人民政府"]),
        # A substring that is not a word still finds (政府办 = 政府办公室).
        ("政府办", ["示范县人民政府办公室"], []),
    ],
)
def test_directory_lists_word_matches_first(  # type: ignore[no-untyped-def]
    world, client: Client, search: str, first: list[str], after: list[str]
) -> None:
    for name in ["示范县人民政府", "示范县人民政府办公室", "示范县民政局"]:
        BodyFactory(name=name, region=world.county, kind=BodyKind.DEPARTMENT)
    names = [b.name for b in client.get("/bodies/", {"q": search}).context["page_obj"]]
    assert names[: len(first)] == first
    assert set(after) <= set(names[len(first) :])  # still found, after the word matches
