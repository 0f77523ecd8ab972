"""xlsx import/export of the whole tree (issue 2, point 3): export → import round trip, a
row-by-row error report with sheet/row/column, nothing half-imported, malformed files refused
with a clear message, one audit event with counts."""

import io
import zipfile

import pytest
from django.http import Http404
from openpyxl import Workbook, load_workbook

from tests.factories import UserFactory, WindowFactory, grant, make_credit_code
from yangguang.core.models import AuditEvent
from yangguang.orgs import demo
from yangguang.orgs.importexport import (
    BODY_HEADERS,
    REGION_HEADERS,
    WINDOW_HEADERS,
    ImportFormatError,
    export_tree,
    import_tree,
    read_workbook,
)
from yangguang.orgs.models import Body, Region, Role, Window

pytestmark = pytest.mark.usefixtures("fast_hasher")


def make_xlsx(regions=(), bodies=(), windows=(), *, headers=None, sheets=None) -> bytes:
    headers = headers or {"区划": REGION_HEADERS, "机构": BODY_HEADERS, "窗口": WINDOW_HEADERS}
    rows = {"区划": regions, "机构": bodies, "窗口": windows}
    wb = Workbook()
    wb.remove(wb.active)
    for name in sheets or ["区划", "机构", "窗口"]:
        ws = wb.create_sheet(name)
        ws.append(list(headers[name]))
        for row in rows[name]:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def state() -> tuple:
    return (
        sorted(Region.objects.values_list("code", "name", "level", "path")),
        sorted(
            Body.objects.values_list(
                "credit_code",
                "name",
                "short_name",
                "kind",
                "region__code",
                "parent__credit_code",
                "address",
                "phone",
                "office_hours",
                "is_active",
            )
        ),
        sorted(
            Window.objects.values_list(
                "body__credit_code", "code", "name", "hall", "location", "phone", "is_active"
            )
        ),
    )


def test_export_has_three_sheets_with_headers(world) -> None:
    WindowFactory(body=world.body_a, code="A01", name="社保窗口", hall="县政务服务大厅")
    wb = load_workbook(io.BytesIO(export_tree(actor=world.admin)))
    assert wb.sheetnames == ["区划", "机构", "窗口"]
    regions = list(wb["区划"].values)
    assert list(regions[0]) == REGION_HEADERS
    assert ("370921", "示范县", "县/区", "370900") in regions
    bodies = list(wb["机构"].values)
    assert list(bodies[0][: len(BODY_HEADERS)]) == BODY_HEADERS
    row = next(r for r in bodies if r[0] == world.body_a.credit_code)
    assert row[1:5] == ("示范县人力资源和社会保障局", None, "政府工作部门", "370921")
    windows = list(wb["窗口"].values)
    assert list(windows[0][: len(WINDOW_HEADERS)]) == WINDOW_HEADERS
    assert windows[1][:4] == (world.body_a.credit_code, "A01", "社保窗口", "县政务服务大厅")


def test_export_is_scoped_to_the_supervised_subtree(world) -> None:
    wb = load_workbook(io.BytesIO(export_tree(actor=world.county_supervisor)))
    codes = [r[0] for r in list(wb["区划"].values)[1:]]
    assert codes == ["370921", "370921100", "370921100201"]
    bodies = [r[0] for r in list(wb["机构"].values)[1:]]
    assert world.body_b.credit_code not in bodies
    assert world.body_a.credit_code in bodies


def test_round_trip_export_then_import_changes_nothing(world) -> None:
    WindowFactory(body=world.body_a, code="A01", name="社保窗口")
    before = state()
    report = import_tree(
        actor=world.admin, source=export_tree(actor=world.admin), filename="a.xlsx"
    )
    assert report.ok, report.errors
    assert report.counts["区划"] == {"unchanged": 5}
    assert report.counts["机构"] == {"unchanged": 3}
    assert report.counts["窗口"] == {"unchanged": 1}
    assert state() == before
    event = AuditEvent.objects.get(action="orgs.import")
    assert event.changes["counts"]["机构"] == {"unchanged": 3}
    assert event.changes["file"] == "a.xlsx"


def _demo_workbook() -> bytes:
    regions = [(c, n, lvl, p) for c, n, lvl, p in demo.REGIONS]
    labels = {
        "government": "人民政府",
        "department": "政府工作部门",
        "township": "乡镇人民政府/街道办事处",
        "village": "村(居)民委员会",
        "institution": "事业单位",
        "enterprise": "国有企业",
    }
    by_name = {b.name: b for b in demo.BODIES}
    bodies = [
        (
            b.credit_code,
            b.name,
            b.short_name,
            labels[b.kind],
            b.region,
            by_name[b.parent].credit_code if b.parent else "",
            b.address,
            b.phone,
            b.office_hours,
        )
        for b in reversed(demo.BODIES)  # parents after children: order must not matter
    ]
    windows = [
        (by_name[w.body].credit_code, w.code, w.name, w.hall, w.location, w.phone)
        for w in demo.WINDOWS
    ]
    return make_xlsx(reversed(regions), bodies, windows)


def test_import_into_empty_tree_then_export_gives_the_same_rows(db) -> None:
    admin = grant(UserFactory(username="root_admin"), Role.ADMIN)
    report = import_tree(actor=admin, source=_demo_workbook())
    assert report.ok, report.errors[:5]
    assert report.counts["区划"] == {"created": len(demo.REGIONS)}
    assert report.counts["机构"] == {"created": len(demo.BODIES)}
    assert report.counts["窗口"] == {"created": len(demo.WINDOWS)}
    assert Region.objects.get(code="370921200202").path == "/370900/370921/370921200/370921200202/"
    office = Body.objects.get(name="示范市人民政府办公室")
    assert office.parent.name == "示范市人民政府"
    assert AuditEvent.objects.filter(action="orgs.import").count() == 1

    first = state()
    again = import_tree(actor=admin, source=export_tree(actor=admin))
    assert again.ok
    assert set(again.counts["机构"]) == {"unchanged"}
    assert state() == first


def test_import_updates_and_creates(world) -> None:
    wb = load_workbook(io.BytesIO(export_tree(actor=world.admin)))
    ws = wb["机构"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == world.body_a.credit_code:
            row[7].value = "0538-7654321"
    new_code = make_credit_code("370921", 777)
    ws.append([new_code, "示范县卫生健康局", "县卫健局", "政府工作部门", 370921, "", "", "", ""])
    wb["区划"].append([370921101, "柳林镇", "镇", 370921])  # numeric cells, short level form
    wb["窗口"].append([new_code, "a01", "卫健窗口", "县政务服务大厅", "二楼", ""])
    out = io.BytesIO()
    wb.save(out)
    report = import_tree(actor=world.admin, source=out.getvalue())
    assert report.ok, report.errors
    assert report.counts["机构"] == {"updated": 1, "unchanged": 2, "created": 1}
    assert report.counts["区划"]["created"] == 1
    world.body_a.refresh_from_db()
    assert world.body_a.phone == "0538-7654321"
    assert Region.objects.get(code="370921101").level == "township"
    assert Window.objects.get(body__credit_code=new_code).code == "A01"


def test_bad_rows_are_reported_row_by_row_and_nothing_is_written(world) -> None:
    good = make_credit_code("370921", 801)
    data = make_xlsx(
        regions=[
            ("370921101", "柳林镇", "乡镇/街道", "370921"),  # row 2: fine
            ("370902101", "河口镇", "乡镇/街道", "370921"),  # row 3: prefix of another county
            ("370921101", "柳林镇", "乡镇/街道", "370921"),  # row 4: duplicate of row 2
            ("370921102", "", "省", "370921"),  # row 5: no name, bad level
        ],
        bodies=[
            (good, "示范县卫生健康局", "", "政府工作部门", "370921", "", "", "", ""),  # row 2 fine
            ("91350100M000100Y44", "某公司", "", "国有企业", "370921", "", "", "", ""),  # row 3
            (
                make_credit_code("370921", 802),
                "某局",
                "",
                "协会",
                "379999",
                "",
                "",
                "电话",
                "",
            ),  # 4
            (good, "重复", "", "政府工作部门", "370921", "", "", "", ""),  # row 5 duplicate
        ],
        windows=[
            ("91350100M000100Y43", "A01", "窗口", "", "", ""),  # row 2: unknown body
            (good, "A 1", "", "", "", ""),  # row 3: bad number, no name
        ],
    )
    before = state()
    report = import_tree(actor=world.admin, source=data)
    assert not report.ok
    got = {(e.sheet, e.row, e.column) for e in report.errors}
    assert got == {
        ("区划", 3, "代码"),
        ("区划", 4, "代码"),
        ("区划", 5, "层级"),
        ("区划", 5, "名称"),
        ("机构", 3, "统一社会信用代码"),
        ("机构", 4, "类型"),
        ("机构", 4, "所属区划代码"),
        ("机构", 4, "电话"),
        ("机构", 5, "统一社会信用代码"),
        ("窗口", 2, "机构信用代码"),
        ("窗口", 3, "窗口编号"),
        ("窗口", 3, "名称"),
    }
    messages = {(e.sheet, e.row, e.column): e.message for e in report.errors}
    assert "校验位错误" in messages[("机构", 3, "统一社会信用代码")]
    assert "与第 2 行重复" in messages[("机构", 5, "统一社会信用代码")]
    assert "370921 开头" in messages[("区划", 3, "代码")]
    assert [e.sheet for e in report.errors][:3] == ["区划"] * 3  # ordered by sheet, then row
    assert state() == before
    assert not AuditEvent.objects.filter(action="orgs.import").exists()


def test_existing_region_level_or_parent_cannot_change(world) -> None:
    data = make_xlsx(regions=[("370921100", "城关镇", "乡镇/街道", "370902")])
    report = import_tree(actor=world.admin, source=data)
    assert [(e.row, e.column) for e in report.errors] == [(2, "代码")]  # prefix check first
    data = make_xlsx(regions=[("370921", "示范县", "市", "")])
    report = import_tree(actor=world.admin, source=data)
    assert {e.column for e in report.errors} == {"代码"}


def test_body_parent_cycle_and_unknown_parent(world) -> None:
    a, b = make_credit_code("370921", 901), make_credit_code("370921", 902)
    data = make_xlsx(
        bodies=[
            (a, "甲", "", "事业单位", "370921", b, "", "", ""),
            (b, "乙", "", "事业单位", "370921", a, "", "", ""),
            (
                make_credit_code("370921", 903),
                "丙",
                "",
                "事业单位",
                "370921",
                "91350100M000100Y43",
                "",
                "",
                "",
            ),
            (
                make_credit_code("370921", 904),
                "丁",
                "",
                "事业单位",
                "370921",
                world.body_b.credit_code,
                "",
                "",
                "",
            ),
        ]
    )
    report = import_tree(actor=world.admin, source=data)
    messages = {e.row: e.message for e in report.errors}
    assert "循环" in messages[2] and "循环" in messages[3]
    assert "不存在" in messages[4]
    assert "上级机构应位于" in messages[5]
    assert not Body.objects.filter(name__in=["甲", "乙"]).exists()


def test_out_of_scope_rows_roll_back_everything(world) -> None:
    county_admin = grant(UserFactory(username="county_admin"), Role.ADMIN, region=world.county)
    data = make_xlsx(
        regions=[("370921101", "柳林镇", "乡镇/街道", "370921")],  # allowed
        bodies=[
            (
                make_credit_code("370902", 950),
                "东区某局",
                "",
                "政府工作部门",
                "370902",
                "",
                "",
                "",
                "",
            )
        ],
    )
    report = import_tree(actor=county_admin, source=data)
    assert [(e.sheet, e.row) for e in report.errors] == [("机构", 2)]
    assert "无权" in report.errors[0].message
    assert not Region.objects.filter(code="370921101").exists()  # rolled back
    assert not AuditEvent.objects.filter(action="orgs.import").exists()


@pytest.mark.parametrize("who", ["handler_a", "head_a", "county_supervisor", "anonymous"])
def test_import_forbidden_is_404(world, who) -> None:
    with pytest.raises(Http404):
        import_tree(actor=getattr(world, who), source=make_xlsx())


def _zip_with_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "空的"),
        (b"id,name\n1,2\n", "不是有效的 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不是有效的 Excel 工作簿"),  # old .xls
        ("zip", "无法读取该 Excel 文件"),
        ("truncated", "不是有效的 Excel 工作簿"),
        (make_xlsx(sheets=["区划", "机构"]), "缺少工作表：“窗口”"),
        (
            make_xlsx(
                headers={"区划": ["代码", "名称"], "机构": BODY_HEADERS, "窗口": WINDOW_HEADERS}
            ),
            "工作表“区划”第 1 行缺少列：层级、上级代码",
        ),
    ],
)
def test_malformed_files_get_a_clear_message(data, fragment) -> None:
    if data == "zip":
        data = _zip_with_text()
    elif data == "truncated":
        data = make_xlsx()[:300]
    with pytest.raises(ImportFormatError) as exc:
        read_workbook(data)
    assert fragment in exc.value.message


def test_headers_in_any_order_and_blank_rows_skipped() -> None:
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("区划")
    ws.append(["上级代码", "名称", "层级", "代码", "备注"])
    ws.append([None, "示范市", "市", 370900, "x"])
    ws.append([None, None, None, None, None])
    ws.append([370900, "示范县", "县", 370921.0, None])
    wb.create_sheet("机构").append(BODY_HEADERS)
    wb.create_sheet("窗口").append(WINDOW_HEADERS)
    out = io.BytesIO()
    wb.save(out)
    sheets = read_workbook(out.getvalue())
    assert sheets["区划"] == [
        (2, {"代码": "370900", "名称": "示范市", "层级": "市", "上级代码": ""}),
        (4, {"代码": "370921", "名称": "示范县", "层级": "县", "上级代码": "370900"}),
    ]


def test_absent_optional_columns_keep_stored_values(world) -> None:
    Body.objects.filter(pk=world.body_a.pk).update(email="rsj@example.gov.cn", is_active=False)
    row = (world.body_a.credit_code, "示范县人社局", "", "政府工作部门", "370921", "", "", "", "")
    report = import_tree(actor=world.admin, source=make_xlsx(bodies=[row]))
    assert report.ok and report.counts["机构"] == {"updated": 1}
    world.body_a.refresh_from_db()
    assert world.body_a.name == "示范县人社局"
    assert world.body_a.email == "rsj@example.gov.cn"
    assert world.body_a.is_active is False


def test_zip_bomb_refused(monkeypatch) -> None:
    from yangguang.orgs import importexport

    monkeypatch.setattr(importexport, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ImportFormatError, match="文件内容过大"):
        read_workbook(make_xlsx())
