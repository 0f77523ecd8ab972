"""Public directory API (regions, bodies), health check, and the token holder's own identity.

GET /api/v1/health · /api/v1/regions · /api/v1/bodies are public; GET /api/v1/me needs
`Authorization: Bearer <token>` (`manage.py issue_api_token`). Errors: 4xx JSON with a Chinese
`detail`, never a 500 for bad input.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from django.db import connection
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from yangguang.core.text import strip_control
from yangguang.orgs.models import Body, BodyKind, Region, RegionLevel, Role, RoleAssignment, User
from yangguang.orgs.selectors import public_bodies, public_regions
from yangguang.orgs.tokens import bearer_auth

router = Router(tags=["区划与机构"])

MAX_LIMIT = 200
# Far beyond any directory; a bigger offset overflowed the database's 64-bit integer (a 500).
MAX_OFFSET = 1_000_000_000

LevelName = Literal["city", "county", "township", "village"]
KindName = Literal["government", "department", "township", "village", "institution", "enterprise"]
LEVELS = [level.value for level in RegionLevel]


class Pagination(LimitOffsetPagination):
    """limit (1–200, default 50) and offset (0–10⁹); out-of-range values are a 422, not a clamp."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数（1–200）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="偏移量")


def _app_version() -> str:
    try:
        return version("yangguang")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"


class HealthOut(Schema):
    status: str
    database: str
    version: str


@router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="健康检查")
def health(request: HttpRequest) -> Status[dict[str, str]]:
    """Database reachable? Used by load balancers; no authentication."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return Status(503, {"status": "error", "database": "不可用", "version": _app_version()})
    return Status(200, {"status": "ok", "database": "ok", "version": _app_version()})


class RegionOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    children: list["RegionOut"] | None = None


RegionOut.model_rebuild()


def _region_dict(region: Region, parent_code: str | None) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "level_label": RegionLevel(region.level).label,
        "parent_code": parent_code,
    }


def _region_or_404(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        # The code is the caller's input: no control characters (terminal escapes) echoed.
        raise HttpError(404, f"区划代码“{strip_control(code)}”不存在。")
    return region


def _parent_code(region: Region) -> str | None:
    parts = [p for p in region.path.split("/") if p]
    return parts[-2] if len(parts) > 1 else None


class _Mapped:
    """A queryset seen through a function: the paginator slices it (one bounded query) and
    counts it (one COUNT) without loading every row."""

    def __init__(self, qs: Any, fn: Any) -> None:
        self.qs, self.fn = qs, fn

    def __getitem__(self, key: slice) -> list[Any]:
        return [self.fn(row) for row in self.qs[key]]

    def __len__(self) -> int:
        return int(self.qs.count())


class RegionFilters(Schema):
    format: Literal["flat", "tree"] = Field("flat", description="flat 平铺；tree 树形")
    level: LevelName | None = Field(None, description="平铺：只返回该层级；树形：展开到该层级为止")
    within: str | None = Field(None, max_length=12, description="只返回该区划代码及其下级区划")


@router.get("/regions", response=list[RegionOut], summary="行政区划（平铺或树形）")
@paginate(Pagination)
def regions(request: HttpRequest, filters: Query[RegionFilters]) -> Any:
    """Regions ordered by their tree position. `flat` gives one row per region with its
    parent's code; `tree` paginates over the top-level nodes and nests their children."""
    format, level, within = filters.format, filters.level, filters.within
    qs = public_regions().order_by("path")
    root = _region_or_404(within) if within else None
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    if format == "flat":
        if level:
            qs = qs.filter(level=level)
        return _Mapped(qs, lambda r: _region_dict(r, _parent_code(r)))
    if level:
        qs = qs.filter(level__in=LEVELS[: LEVELS.index(level) + 1])
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for region in qs:  # ordered by path: parents come before their children
        parent_code = _parent_code(region)
        node = {**_region_dict(region, parent_code), "children": []}
        nodes[region.code] = node
        parent = nodes.get(parent_code) if parent_code else None
        if parent is not None:
            parent["children"].append(node)
        else:
            roots.append(node)
    return roots


class BodyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    credit_code: str
    region_code: str
    region_name: str
    parent_id: int | None
    address: str
    phone: str
    office_hours: str
    email: str

    @staticmethod
    def resolve_kind_label(obj: Body) -> str:
        return BodyKind(obj.kind).label

    @staticmethod
    def resolve_region_code(obj: Body) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Body) -> str:
        return obj.region.name


class BodyFilters(Schema):
    region: str | None = Field(
        None, max_length=12, description="区划代码；包含其全部下级区划的机构"
    )
    kind: KindName | None = Field(None, description="机构类型")
    q: str | None = Field(None, max_length=50, description="按名称检索")


@router.get("/bodies", response=list[BodyOut], summary="机构名录（分页）")
@paginate(Pagination)
def bodies(request: HttpRequest, filters: Query[BodyFilters]) -> Any:
    """Active bodies (public directory), optionally within a region subtree."""
    region, kind, q = filters.region, filters.kind, filters.q
    qs = public_bodies().order_by("region__path", "sort", "id")
    if region:
        qs = qs.filter(region__path__startswith=_region_or_404(region).path)
    if kind:
        qs = qs.filter(kind=kind)
    if q and q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return qs


class RoleOut(Schema):
    role: str
    role_label: str
    body_id: int | None
    body_name: str | None
    region_code: str | None
    region_name: str | None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut, auth=bearer_auth, summary="当前令牌对应的工作人员")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    rows = RoleAssignment.objects.filter(user=user).select_related("body", "region")
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "roles": [
            {
                "role": ra.role,
                "role_label": Role(ra.role).label,
                "body_id": ra.body_id,
                "body_name": ra.body.name if ra.body else None,
                "region_code": ra.region.code if ra.region else None,
                "region_name": ra.region.name if ra.region else None,
            }
            for ra in rows.order_by("id")
        ],
    }


routers = [("", router)]
