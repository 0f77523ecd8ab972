"""Console pages for regions, bodies, windows and import/export: staff only, the same 404 for
"not yours" as for "missing", forms redisplayed with what was typed and Chinese errors."""

import io

import pytest
from django.test import Client

from tests.factories import WindowFactory, make_credit_code
from tests.orgs.test_importexport import make_xlsx
from yangguang.core.models import AuditEvent
from yangguang.orgs.models import Body, Region, Window

pytestmark = pytest.mark.usefixtures("fast_hasher")


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def urls(world) -> list[tuple[str, str]]:
    window = WindowFactory(body=world.body_a, code="A01")
    a = world.body_a.pk
    return [
        ("get", "/console/orgs/regions/"),
        ("get", "/console/orgs/regions/new/"),
        ("get", "/console/orgs/regions/370921/edit/"),
        ("get", "/console/orgs/bodies/new/"),
        ("get", f"/console/orgs/bodies/{a}/"),
        ("get", f"/console/orgs/bodies/{a}/edit/"),
        ("post", f"/console/orgs/bodies/{a}/deactivate/"),
        ("post", f"/console/orgs/bodies/{a}/activate/"),
        ("get", f"/console/orgs/bodies/{a}/windows/new/"),
        ("get", f"/console/orgs/windows/{window.pk}/edit/"),
        ("get", "/console/orgs/import/"),
        ("get", "/console/orgs/export/"),
    ]


def test_anonymous_is_sent_to_login(world, client: Client) -> None:
    for method, url in [*urls(world), ("get", "/console/orgs/bodies/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/console/login/"), url
    world.body_a.refresh_from_db()
    assert world.body_a.is_active


def test_handler_of_another_body_cannot_see_it(world, client: Client) -> None:
    login(client, world.handler_b)
    for method, url in urls(world):
        assert getattr(client, method)(url).status_code == 404, url
    world.body_a.refresh_from_db()
    assert world.body_a.is_active
    missing = client.get("/console/orgs/bodies/999999/")
    assert missing.status_code == 404  # same answer as "not yours"
    listing = client.get("/console/orgs/bodies/").content.decode()
    assert world.body_b.name in listing
    assert world.body_a.name not in listing


def test_own_staff_see_but_do_not_change(world, client: Client) -> None:
    login(client, world.handler_a)
    assert client.get(f"/console/orgs/bodies/{world.body_a.pk}/").status_code == 200
    assert client.get(f"/console/orgs/bodies/{world.body_a.pk}/edit/").status_code == 404
    assert client.get(f"/console/orgs/bodies/{world.body_a.pk}/windows/new/").status_code == 404
    assert client.get("/console/orgs/regions/").status_code == 404


def test_supervisor_reads_subtree_changes_nothing(world, client: Client) -> None:
    login(client, world.county_supervisor)
    listing = client.get("/console/orgs/bodies/").content.decode()
    assert world.body_a.name in listing and world.township_body.name in listing
    assert world.body_b.name not in listing
    regions = client.get("/console/orgs/regions/").content.decode()
    assert "城关镇" in regions and "东区" not in regions
    assert client.get(f"/console/orgs/bodies/{world.body_a.pk}/edit/").status_code == 404
    assert client.post(f"/console/orgs/bodies/{world.body_a.pk}/deactivate/").status_code == 404
    assert client.get("/console/orgs/import/").status_code == 404


def test_console_nav_entries(world, client: Client) -> None:
    login(client, world.admin)
    html = client.get("/console/").content.decode()
    for href in ("/console/orgs/regions/", "/console/orgs/bodies/", "/console/orgs/import/"):
        assert f'href="{href}"' in html
    login(client, world.handler_a)
    html = client.get("/console/").content.decode()
    assert 'href="/console/orgs/bodies/"' in html
    assert 'href="/console/orgs/import/"' not in html


def test_body_list_filters_and_paginates(world, client: Client) -> None:
    login(client, world.admin)
    html = client.get("/console/orgs/bodies/", {"region": "370921"}).content.decode()
    assert world.body_a.name in html and world.township_body.name in html
    assert world.body_b.name not in html
    html = client.get("/console/orgs/bodies/", {"kind": "township"}).content.decode()
    assert world.township_body.name in html and world.body_a.name not in html
    html = client.get("/console/orgs/bodies/", {"q": "东区"}).content.decode()
    assert world.body_b.name in html and world.body_a.name not in html
    html = client.get(
        "/console/orgs/bodies/", {"q": world.body_a.credit_code.lower()}
    ).content.decode()
    assert world.body_a.name in html


def _body_post(**overrides) -> dict:
    data = {
        "name": "示范县民政局",
        "short_name": "县民政局",
        "kind": "department",
        "credit_code": make_credit_code("370921", 501),
        "region": "",
        "parent_code": "",
        "address": "示范县府前街 9 号",
        "phone": "0538-9932006",
        "office_hours": "工作日",
        "email": "",
        "sort": "0",
    }
    data.update(overrides)
    return data


def test_create_body_and_errors_redisplay_input(world, client: Client) -> None:
    login(client, world.admin)
    bad = _body_post(
        region=world.county.pk, credit_code="91350100M000100Y44", address="我输入的地址"
    )
    response = client.post("/console/orgs/bodies/new/", bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验位错误" in html
    assert 'value="91350100M000100Y44"' in html and 'value="我输入的地址"' in html
    assert not Body.objects.filter(name="示范县民政局").exists()

    response = client.post(
        "/console/orgs/bodies/new/", _body_post(region=world.county.pk, parent_code="NOPE")
    )
    assert "没有统一社会信用代码为 NOPE 的机构" in response.content.decode()

    response = client.post(
        "/console/orgs/bodies/new/",
        _body_post(region=world.county.pk, parent_code=world.body_b.credit_code),
    )
    assert "上级机构应位于" in response.content.decode()

    response = client.post("/console/orgs/bodies/new/", _body_post(region=world.county.pk))
    body = Body.objects.get(name="示范县民政局")
    assert (
        response.status_code == 302 and response["Location"] == f"/console/orgs/bodies/{body.pk}/"
    )
    assert AuditEvent.objects.filter(action="body.create", object_id=str(body.pk)).exists()


def test_edit_body(world, client: Client) -> None:
    login(client, world.admin)
    page = client.get(f"/console/orgs/bodies/{world.body_a.pk}/edit/").content.decode()
    assert f'value="{world.body_a.credit_code}"' in page
    data = _body_post(
        region=world.county.pk, credit_code=world.body_a.credit_code, name="示范县人社局"
    )
    response = client.post(f"/console/orgs/bodies/{world.body_a.pk}/edit/", data)
    assert response.status_code == 302
    world.body_a.refresh_from_db()
    assert world.body_a.name == "示范县人社局"
    data["credit_code"] = world.body_b.credit_code
    html = client.post(f"/console/orgs/bodies/{world.body_a.pk}/edit/", data).content.decode()
    assert "已被“东区人力资源和社会保障局”使用" in html


def test_deactivate_and_reactivate(world, client: Client) -> None:
    login(client, world.admin)
    response = client.post(
        f"/console/orgs/bodies/{world.body_a.pk}/deactivate/", {"reason": "撤并"}
    )
    assert response.status_code == 302
    world.body_a.refresh_from_db()
    assert not world.body_a.is_active
    assert client.get(f"/bodies/{world.body_a.credit_code}/").status_code == 404
    opened = client.get(f"/console/orgs/bodies/{world.body_a.pk}/deactivate/")
    # An action URL opened in the browser: a page that says so, not a blank one.
    assert opened.status_code == 405 and opened["Allow"] == "POST"
    assert "此地址不能直接打开" in opened.content.decode()
    client.post(f"/console/orgs/bodies/{world.body_a.pk}/activate/")
    world.body_a.refresh_from_db()
    assert world.body_a.is_active


def test_head_manages_windows_of_own_body(world, client: Client) -> None:
    login(client, world.head_a)
    url = f"/console/orgs/bodies/{world.body_a.pk}/windows/new/"
    html = client.post(url, {"code": "A 1", "name": ""}).content.decode()
    assert "只能由字母、数字" in html and "请填写此项" in html
    response = client.post(url, {"code": "a01", "name": "社保窗口", "hall": "县政务服务大厅"})
    assert response.status_code == 302
    window = Window.objects.get(body=world.body_a)
    assert window.code == "A01"
    response = client.post(
        f"/console/orgs/windows/{window.pk}/edit/",
        {"code": "A01", "name": "社保医保窗口", "hall": "县政务服务大厅", "is_active": "on"},
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.name == "社保医保窗口" and window.is_active
    other = WindowFactory(body=world.body_b, code="B01")
    assert client.get(f"/console/orgs/windows/{other.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/console/orgs/bodies/{world.body_b.pk}/windows/new/", {"code": "X1", "name": "x"}
        ).status_code
        == 404
    )


def test_region_pages(world, client: Client) -> None:
    login(client, world.admin)
    html = client.get("/console/orgs/regions/").content.decode()
    assert "城关镇" in html and "370921100201" in html
    found = client.get("/console/orgs/regions/", {"q": "3709211"}).content.decode()
    assert "城关镇" in found and "东区" not in found
    form = client.get("/console/orgs/regions/new/?parent=370921").content.decode()
    assert 'value="370921"' in form
    html = client.post(
        "/console/orgs/regions/new/",
        {"parent": world.county.pk, "level": "township", "code": "370902101", "name": "柳林镇"},
    ).content.decode()
    assert "应以上级区划代码 370921 开头" in html and 'value="柳林镇"' in html
    response = client.post(
        "/console/orgs/regions/new/",
        {"parent": world.county.pk, "level": "township", "code": "370921101", "name": "柳林镇"},
    )
    assert response.status_code == 302
    assert Region.objects.get(code="370921101").parent == world.county
    response = client.post(
        "/console/orgs/regions/370921101/edit/", {"name": "柳林街道", "sort": "2"}
    )
    assert response.status_code == 302
    assert Region.objects.get(code="370921101").name == "柳林街道"


def test_import_page_reports_rows_and_export_downloads(world, client: Client) -> None:
    login(client, world.admin)
    export = client.get("/console/orgs/export/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in export["Content-Disposition"]

    upload = io.BytesIO(export.content)
    upload.name = "tree.xlsx"
    html = client.post("/console/orgs/import/", {"file": upload}).content.decode()
    assert "导入成功" in html

    bad = io.BytesIO(make_xlsx(regions=[("370902101", "河口镇", "乡镇/街道", "370921")]))
    bad.name = "bad.xlsx"
    html = client.post("/console/orgs/import/", {"file": bad}).content.decode()
    assert "未导入任何数据" in html and "<td>区划</td><td>2</td><td>代码</td>" in html

    junk = io.BytesIO(b"this is not excel")
    junk.name = "junk.xlsx"
    response = client.post("/console/orgs/import/", {"file": junk})
    assert response.status_code == 200
    assert "不是有效的 Excel 工作簿" in response.content.decode()

    html = client.post("/console/orgs/import/", {}).content.decode()
    assert "请选择要上传的文件" in html
