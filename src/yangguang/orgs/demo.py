"""The demo region 示范市 (issue 2, point 10): a four-level tree, realistic bodies with valid
统一社会信用代码, service-hall windows, and one member of staff per role.

Loading is idempotent — every row is found by its natural key (division code, credit code,
username, window number) and only created when missing — so `make run` can call it every time.

Other apps extend the demo without touching this file: put a `demo.py` module in the app and
register a loader there with `@orgs.demo.extend`; it runs after the organisation tree exists
and returns the number of rows it created. Extra demo logins go to `STAFF` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from yangguang.core.audit import record
from yangguang.orgs.models import (
    Body,
    BodyKind,
    Region,
    RegionLevel,
    Role,
    RoleAssignment,
    User,
    Window,
)
from yangguang.orgs.validators import CREDIT_CHARSET, credit_check_char

CITY = "370900"
CITY_NAME = "示范市"


def org_code(serial: int) -> str:
    """A 9-character 组织机构代码 (GB 11714): 8 digits and its check character."""
    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def demo_credit_code(kind: str, division: str, serial: int) -> str:
    """A valid 统一社会信用代码: registration authority + organisation category (11 = 机构编制/
    机关, 12 = 机构编制/事业单位, 54 = 民政/基层群众性自治组织, 91 = 市场监管/企业), the
    6-digit division code, the organisation code and the GB 32100 check character."""
    prefix = {
        BodyKind.GOVERNMENT: "11",
        BodyKind.DEPARTMENT: "11",
        BodyKind.TOWNSHIP: "11",
        BodyKind.VILLAGE: "54",
        BodyKind.INSTITUTION: "12",
        BodyKind.ENTERPRISE: "91",
    }[BodyKind(kind)]
    first17 = prefix + division[:6] + org_code(serial)
    assert all(c in CREDIT_CHARSET for c in first17)  # noqa: S101 — demo data is static
    return first17 + credit_check_char(first17)


# --- regions: 1 city, 2 counties, 6 townships, 12 villages -----------------------------------

REGIONS: list[tuple[str, str, str, str]] = [
    # (code, name, level, parent code)
    (CITY, CITY_NAME, RegionLevel.CITY, ""),
    ("370902", "东城区", RegionLevel.COUNTY, CITY),
    ("370921", "示范县", RegionLevel.COUNTY, CITY),
    ("370902001", "东城街道", RegionLevel.TOWNSHIP, "370902"),
    ("370902002", "西关街道", RegionLevel.TOWNSHIP, "370902"),
    ("370902101", "河口镇", RegionLevel.TOWNSHIP, "370902"),
    ("370921100", "城关镇", RegionLevel.TOWNSHIP, "370921"),
    ("370921101", "柳林镇", RegionLevel.TOWNSHIP, "370921"),
    ("370921200", "石桥乡", RegionLevel.TOWNSHIP, "370921"),
    ("370902001001", "东门社区", RegionLevel.VILLAGE, "370902001"),
    ("370902001002", "南关社区", RegionLevel.VILLAGE, "370902001"),
    ("370902002001", "西关社区", RegionLevel.VILLAGE, "370902002"),
    ("370902002002", "北园社区", RegionLevel.VILLAGE, "370902002"),
    ("370902101201", "河口村", RegionLevel.VILLAGE, "370902101"),
    ("370902101202", "王家庄村", RegionLevel.VILLAGE, "370902101"),
    ("370921100201", "东关村", RegionLevel.VILLAGE, "370921100"),
    ("370921100202", "西街村", RegionLevel.VILLAGE, "370921100"),
    ("370921101201", "柳林村", RegionLevel.VILLAGE, "370921101"),
    ("370921101202", "张家湾村", RegionLevel.VILLAGE, "370921101"),
    ("370921200201", "石桥村", RegionLevel.VILLAGE, "370921200"),
    ("370921200202", "李家寨村", RegionLevel.VILLAGE, "370921200"),
]

OFFICE_HOURS = "周一至周五 上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）"
HALL_HOURS = "周一至周五 8:30—17:30（中午不休息）；周六上午 9:00—12:00 提供预约服务"
VILLAGE_HOURS = "周一至周五 8:30—11:30，14:00—17:00；村（社区）便民服务站每日有人值守"


@dataclass(frozen=True)
class DemoBody:
    name: str
    kind: str
    region: str  # division code
    serial: int  # makes the organisation code; unique across the demo
    short_name: str = ""
    parent: str = ""  # name of the superior body
    address: str = ""
    phone: str = ""
    office_hours: str = OFFICE_HOURS

    @property
    def credit_code(self) -> str:
        return demo_credit_code(self.kind, self.region, self.serial)


def _dept(name: str, serial: int, street: str, phone: str, short: str = "") -> DemoBody:
    return DemoBody(
        name=f"{CITY_NAME}{name}",
        kind=BodyKind.DEPARTMENT,
        region=CITY,
        serial=serial,
        short_name=short or name,
        parent=f"{CITY_NAME}人民政府",
        address=f"{CITY_NAME}东城区{street}",
        phone=phone,
    )


BODIES: list[DemoBody] = [
    # City level.
    DemoBody(
        f"{CITY_NAME}人民政府",
        BodyKind.GOVERNMENT,
        CITY,
        41_000_001,
        short_name="市政府",
        address=f"{CITY_NAME}东城区人民路 1 号",
        phone="0538-9912345",
    ),
    _dept("人民政府办公室", 41_000_002, "人民路 1 号", "0538-9912001", "市政府办公室"),
    _dept("发展和改革委员会", 41_000_003, "人民路 3 号", "0538-9912003", "市发展改革委"),
    _dept("教育局", 41_000_004, "文化路 12 号", "0538-9912004", "市教育局"),
    _dept("公安局", 41_000_005, "泰山大街 88 号", "0538-9912110", "市公安局"),
    _dept("民政局", 41_000_006, "和平路 20 号", "0538-9912006", "市民政局"),
    _dept("司法局", 41_000_007, "和平路 22 号", "0538-9912007", "市司法局"),
    _dept("财政局", 41_000_008, "人民路 5 号", "0538-9912008", "市财政局"),
    _dept("人力资源和社会保障局", 41_000_009, "建设路 16 号", "0538-9912009", "市人社局"),
    _dept("自然资源和规划局", 41_000_010, "建设路 18 号", "0538-9912010", "市自然资源规划局"),
    _dept("住房和城乡建设局", 41_000_011, "建设路 20 号", "0538-9912011", "市住建局"),
    _dept("交通运输局", 41_000_012, "通达路 6 号", "0538-9912012", "市交通运输局"),
    _dept("农业农村局", 41_000_013, "丰收路 9 号", "0538-9912013", "市农业农村局"),
    _dept("卫生健康委员会", 41_000_014, "健康路 2 号", "0538-9912014", "市卫生健康委"),
    _dept("市场监督管理局", 41_000_015, "泰山大街 60 号", "0538-9912015", "市市场监管局"),
    _dept("行政审批服务局", 41_000_016, "政务服务中心 3 楼", "0538-9912016", "市行政审批局"),
    DemoBody(
        f"{CITY_NAME}政务服务中心",
        BodyKind.INSTITUTION,
        CITY,
        41_000_017,
        short_name="市政务服务中心",
        parent=f"{CITY_NAME}行政审批服务局",
        address=f"{CITY_NAME}东城区泰山大街 100 号",
        phone="0538-9912345",
        office_hours=HALL_HOURS,
    ),
    DemoBody(
        f"{CITY_NAME}人民医院",
        BodyKind.INSTITUTION,
        CITY,
        41_000_018,
        short_name="市人民医院",
        parent=f"{CITY_NAME}卫生健康委员会",
        address=f"{CITY_NAME}东城区健康路 29 号",
        phone="0538-9912120",
        office_hours="门诊：每日 8:00—17:30；急诊 24 小时",
    ),
    DemoBody(
        f"{CITY_NAME}自来水有限公司",
        BodyKind.ENTERPRISE,
        CITY,
        41_000_019,
        short_name="市自来水公司",
        address=f"{CITY_NAME}东城区清泉路 8 号",
        phone="0538-9912096",
        office_hours="营业厅 周一至周日 8:30—17:30；抢修 24 小时",
    ),
    # 东城区.
    DemoBody(
        "东城区人民政府",
        BodyKind.GOVERNMENT,
        "370902",
        41_000_101,
        short_name="东城区政府",
        address=f"{CITY_NAME}东城区东岳大街 66 号",
        phone="0538-9922001",
    ),
    DemoBody(
        "东城区民政局",
        BodyKind.DEPARTMENT,
        "370902",
        41_000_102,
        short_name="区民政局",
        parent="东城区人民政府",
        address=f"{CITY_NAME}东城区东岳大街 70 号",
        phone="0538-9922006",
    ),
    DemoBody(
        "东城区政务服务中心",
        BodyKind.INSTITUTION,
        "370902",
        41_000_103,
        short_name="区政务服务中心",
        parent="东城区人民政府",
        address=f"{CITY_NAME}东城区迎春路 18 号",
        phone="0538-9922345",
        office_hours=HALL_HOURS,
    ),
    # 示范县.
    DemoBody(
        "示范县人民政府",
        BodyKind.GOVERNMENT,
        "370921",
        41_000_201,
        short_name="县政府",
        address="示范县城关镇府前街 1 号",
        phone="0538-9932001",
    ),
    DemoBody(
        "示范县人民政府办公室",
        BodyKind.DEPARTMENT,
        "370921",
        41_000_202,
        short_name="县政府办公室",
        parent="示范县人民政府",
        address="示范县城关镇府前街 1 号",
        phone="0538-9932002",
    ),
    DemoBody(
        "示范县发展和改革局",
        BodyKind.DEPARTMENT,
        "370921",
        41_000_203,
        short_name="县发展改革局",
        parent="示范县人民政府",
        address="示范县城关镇府前街 5 号",
        phone="0538-9932003",
    ),
    DemoBody(
        "示范县教育局",
        BodyKind.DEPARTMENT,
        "370921",
        41_000_204,
        short_name="县教育局",
        parent="示范县人民政府",
        address="示范县城关镇文昌路 9 号",
        phone="0538-9932004",
    ),
    DemoBody(
        "示范县行政审批服务局",
        BodyKind.DEPARTMENT,
        "370921",
        41_000_205,
        short_name="县行政审批局",
        parent="示范县人民政府",
        address="示范县城关镇迎宾大道 18 号",
        phone="0538-9932016",
    ),
    DemoBody(
        "示范县政务服务中心",
        BodyKind.INSTITUTION,
        "370921",
        41_000_206,
        short_name="县政务服务中心",
        parent="示范县行政审批服务局",
        address="示范县城关镇迎宾大道 18 号",
        phone="0538-9932345",
        office_hours=HALL_HOURS,
    ),
    DemoBody(
        "示范县人民医院",
        BodyKind.INSTITUTION,
        "370921",
        41_000_207,
        short_name="县人民医院",
        address="示范县城关镇健康街 3 号",
        phone="0538-9932120",
        office_hours="门诊：每日 8:00—17:30；急诊 24 小时",
    ),
]

_TOWNSHIPS = [r for r in REGIONS if r[2] == RegionLevel.TOWNSHIP]
_VILLAGES = [r for r in REGIONS if r[2] == RegionLevel.VILLAGE]
_COUNTY_GOV = {"370902": "东城区人民政府", "370921": "示范县人民政府"}
_COUNTY_PLACE = {"370902": f"{CITY_NAME}东城区", "370921": "示范县"}
_TOWNSHIP_NAME = {code: name for code, name, _level, _parent in _TOWNSHIPS}
_TOWNSHIP_PARENT = {code: parent for code, _name, _level, parent in _TOWNSHIPS}


def _township_body_name(code: str) -> str:
    name = _TOWNSHIP_NAME[code]
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


for _i, (_code, _name, _level, _parent) in enumerate(_TOWNSHIPS):
    BODIES.append(
        DemoBody(
            _township_body_name(_code),
            BodyKind.TOWNSHIP,
            _code,
            41_000_301 + _i,
            short_name=_name,
            parent=_COUNTY_GOV[_parent],
            address=f"{_COUNTY_PLACE[_parent]}{_name}政府路 {_i + 1} 号（便民服务中心一楼）",
            phone=f"0538-99{42001 + _i}",
        )
    )

for _i, (_code, _name, _level, _parent) in enumerate(_VILLAGES):
    _committee = "居民委员会" if _name.endswith("社区") else "村民委员会"
    _county = _TOWNSHIP_PARENT[_parent]
    BODIES.append(
        DemoBody(
            f"{_TOWNSHIP_NAME[_parent]}{_name}{_committee}",
            BodyKind.VILLAGE,
            _code,
            41_000_401 + _i,
            short_name=f"{_name}{'居委会' if _committee == '居民委员会' else '村委会'}",
            parent=_township_body_name(_parent),
            address=f"{_COUNTY_PLACE[_county]}{_TOWNSHIP_NAME[_parent]}{_name}便民服务站",
            phone=f"0538-99{52001 + _i}",
            office_hours=VILLAGE_HOURS,
        )
    )


@dataclass(frozen=True)
class DemoWindow:
    body: str  # body name
    code: str
    name: str
    hall: str
    location: str
    phone: str = ""


_CITY_HALL = f"{CITY_NAME}政务服务中心"
WINDOWS: list[DemoWindow] = [
    DemoWindow(_CITY_HALL, "A01", "综合受理窗口", f"{_CITY_HALL}大厅", "一楼 A 区", "0538-9912301"),
    DemoWindow(_CITY_HALL, "A02", "企业开办窗口", f"{_CITY_HALL}大厅", "一楼 A 区", "0538-9912302"),
    DemoWindow(
        _CITY_HALL, "A03", "不动产登记窗口", f"{_CITY_HALL}大厅", "一楼 A 区", "0538-9912303"
    ),
    DemoWindow(_CITY_HALL, "B01", "社保医保窗口", f"{_CITY_HALL}大厅", "一楼 B 区", "0538-9912311"),
    DemoWindow(
        _CITY_HALL,
        "B02",
        "政府信息公开申请受理窗口",
        f"{_CITY_HALL}大厅",
        "一楼 B 区",
        "0538-9912312",
    ),
    DemoWindow(_CITY_HALL, "C01", "综合出件窗口", f"{_CITY_HALL}大厅", "一楼 C 区", "0538-9912321"),
    DemoWindow(
        _CITY_HALL, "C02", "“办不成事”反映窗口", f"{_CITY_HALL}大厅", "一楼 C 区", "0538-9912322"
    ),
    DemoWindow(
        f"{CITY_NAME}行政审批服务局",
        "D01",
        "工程建设项目审批窗口",
        f"{_CITY_HALL}大厅",
        "二楼 D 区",
    ),
    DemoWindow(
        f"{CITY_NAME}行政审批服务局", "D02", "社会事务审批窗口", f"{_CITY_HALL}大厅", "二楼 D 区"
    ),
    DemoWindow(
        "东城区政务服务中心", "A01", "综合受理窗口", "东城区政务服务大厅", "一楼", "0538-9922301"
    ),
    DemoWindow(
        "东城区政务服务中心", "A02", "综合出件窗口", "东城区政务服务大厅", "一楼", "0538-9922302"
    ),
    DemoWindow(
        "示范县政务服务中心", "A01", "综合受理窗口", "示范县政务服务大厅", "一楼", "0538-9932301"
    ),
    DemoWindow(
        "示范县政务服务中心", "A02", "综合出件窗口", "示范县政务服务大厅", "一楼", "0538-9932302"
    ),
]
for _i, (_code, _name, _level, _parent) in enumerate(_TOWNSHIPS):
    WINDOWS.append(
        DemoWindow(
            _township_body_name(_code), "01", "便民服务综合窗口", f"{_name}便民服务中心", "一楼"
        )
    )


@dataclass(frozen=True)
class DemoStaff:
    username: str
    password: str
    full_name: str
    role: str
    body: str = ""  # body name for body roles
    region: str = ""  # division code for supervisors/regional admins ("" admin = everywhere)
    window: str = ""  # window code (window staff)


_OFFICE = f"{CITY_NAME}人民政府办公室"
STAFF: list[DemoStaff] = [
    DemoStaff("demo_editor", "Fabu2026ygzw", "赵发布", Role.EDITOR, body=_OFFICE),
    DemoStaff("demo_reviewer", "Shenhe2026ygzw", "钱审核", Role.REVIEWER, body=_OFFICE),
    DemoStaff("demo_intake", "Shouli2026ygzw", "孙受理", Role.INTAKE, body=_OFFICE),
    DemoStaff("demo_handler", "Chengban2026yg", "李承办", Role.HANDLER, body=_OFFICE),
    DemoStaff("demo_head", "Fuze2026ygzw", "周负责", Role.HEAD, body=_OFFICE),
    DemoStaff(
        "demo_window", "Chuangkou2026yg", "吴窗口", Role.WINDOW, body=_CITY_HALL, window="A01"
    ),
    DemoStaff("demo_supervisor", "Jiandu2026ygzw", "郑监督", Role.SUPERVISOR, region=CITY),
    DemoStaff("demo_admin", "Guanli2026ygzw", "王管理", Role.ADMIN),
]

Loader = Callable[[], int]
EXTENSIONS: list[tuple[str, Loader]] = []


def extend(loader: Loader) -> Loader:
    """Register another app's demo loader (runs after the organisation tree, in order)."""
    name = f"{loader.__module__}.{loader.__qualname__}"
    if all(existing != name for existing, _ in EXTENSIONS):
        EXTENSIONS.append((name, loader))
    return loader


def load_tree() -> dict[str, int]:
    """Regions, bodies, windows and staff; returns how many of each were created."""
    created = {"regions": 0, "bodies": 0, "windows": 0, "staff": 0, "roles": 0}
    regions: dict[str, Region] = {}
    for code, name, level, parent_code in REGIONS:
        region, new = Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": regions.get(parent_code)},
        )
        regions[code] = region
        created["regions"] += int(new)

    bodies: dict[str, Body] = {}
    for spec in BODIES:
        body, new = Body.objects.get_or_create(
            credit_code=spec.credit_code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "region": regions[spec.region],
                "parent": bodies.get(spec.parent) if spec.parent else None,
                "address": spec.address,
                "phone": spec.phone,
                "office_hours": spec.office_hours,
                "sort": BODIES.index(spec),
            },
        )
        bodies[spec.name] = body
        created["bodies"] += int(new)

    windows: dict[tuple[str, str], Window] = {}
    for w in WINDOWS:
        window, new = Window.objects.get_or_create(
            body=bodies[w.body],
            code=w.code,
            defaults={"name": w.name, "hall": w.hall, "location": w.location, "phone": w.phone},
        )
        windows[(w.body, w.code)] = window
        created["windows"] += int(new)

    for s in STAFF:
        user = User.objects.filter(username=s.username).first()
        if user is None:
            user = User(username=s.username, full_name=s.full_name)
            validate_password(s.password, user)
            user.set_password(s.password)
            user.password_changed_at = timezone.now()
            user.save()
            created["staff"] += 1
        _, new = RoleAssignment.objects.get_or_create(
            user=user,
            role=s.role,
            body=bodies[s.body] if s.body else None,
            region=regions[s.region] if s.region else None,
            defaults={"window": windows.get((s.body, s.window)) if s.window else None},
        )
        created["roles"] += int(new)
    return created


def load() -> dict[str, int]:
    """The whole demo in one transaction, plus one audit event when anything was created."""
    with transaction.atomic():
        counts = load_tree()
        for name, loader in EXTENSIONS:
            counts[name] = loader()
        if any(counts.values()):
            record(
                actor=None,
                action="demo.load",
                object_type="orgs.demo",
                object_repr=f"加载演示数据：{CITY_NAME}",
                changes={"created": counts},
                actor_name="系统（演示数据）",
            )
    return counts


LABELS = {
    "regions": "区划",
    "bodies": "机构",
    "windows": "窗口",
    "staff": "演示账号",
    "roles": "角色",
}


def label(key: str) -> str:
    """A readable name for a count key: Chinese for the tree, the app for an extension."""
    return LABELS.get(key) or key.removeprefix("yangguang.").split(".")[0]


def logins() -> list[DemoStaff]:
    return list(STAFF)


def region_name(code: str) -> str:
    return next((name for c, name, _level, _parent in REGIONS if c == code), code)
