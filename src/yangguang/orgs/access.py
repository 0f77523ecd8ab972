"""Who may do what: the one place that decides (`can(user, action, obj)`), and the scoping that
selectors use to return only what a viewer may see.

Actions are "<entity>.<verb>". Each action names the body roles that may perform it on objects
of their own body. Supervisors (监督员) may perform read verbs anywhere in their region subtree and
nothing else; administrators perform the administration actions in their subtree (everywhere
when their assignment has no region) and may read everything there.

Domain apps register their actions with `register()` at import time of their `access` module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q
from django.http import Http404

from yangguang.orgs.models import Body, Region, Role, RoleAssignment, User

READ_VERBS = frozenset({"view", "list", "export", "stats"})


@dataclass(frozen=True)
class ActionDef:
    name: str
    roles: frozenset[Role]  # body roles allowed on their own body's objects
    admin: bool = False  # administrators may perform it within their scope
    # Of `roles`, those allowed only on objects assigned to the user (`handler_id`): a 承办人
    # works on the applications given to them, not on every one of the body (need to know).
    assigned_only: frozenset[Role] = frozenset()


ACTIONS: dict[str, ActionDef] = {}


def register(
    name: str,
    roles: Iterable[Role] = (),
    *,
    admin: bool = False,
    assigned_only: Iterable[Role] = (),
) -> ActionDef:
    action = ActionDef(name, frozenset(roles), admin, frozenset(assigned_only))
    ACTIONS[name] = action
    return action


ALL_BODY_ROLES = (Role.EDITOR, Role.REVIEWER, Role.INTAKE, Role.HANDLER, Role.HEAD, Role.WINDOW)

# Foundation actions.
register("console.view", ALL_BODY_ROLES, admin=True)
register("body.view", ALL_BODY_ROLES, admin=True)
register("body.change", admin=True)
register("body.create", admin=True)
register("region.view", admin=True)
register("region.change", admin=True)
register("region.create", admin=True)
register("window.view", ALL_BODY_ROLES, admin=True)
register("window.change", [Role.HEAD], admin=True)
register("staff.view", [Role.HEAD], admin=True)
register("staff.change", admin=True)
register("calendar.change", admin=True)
register("audit.view", admin=True)
register("audit.export", admin=True)
register("orgs.import", admin=True)
register("orgs.export", admin=True)


@dataclass
class Grants:
    """A user's role assignments, loaded once per request."""

    body_roles: dict[int, set[Role]] = field(default_factory=dict)  # body id → roles
    body_paths: dict[int, str] = field(default_factory=dict)  # body id → region path
    supervisor_paths: list[str] = field(default_factory=list)
    admin_paths: list[str] = field(default_factory=list)  # "/" = whole installation

    @property
    def is_staff_member(self) -> bool:
        return bool(self.body_roles or self.supervisor_paths or self.admin_paths)


def grants(user: Any) -> Grants:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grants()
    cached = getattr(user, "_yg_grants", None)
    if cached is not None:
        return cached
    g = Grants()
    rows = RoleAssignment.objects.filter(user=user).select_related("body__region", "region")
    for ra in rows:
        if ra.body_id is not None and ra.body is not None:
            g.body_roles.setdefault(ra.body_id, set()).add(Role(ra.role))
            g.body_paths[ra.body_id] = ra.body.region.path
        elif ra.role == Role.SUPERVISOR and ra.region is not None:
            g.supervisor_paths.append(ra.region.path)
        elif ra.role == Role.ADMIN:
            g.admin_paths.append(ra.region.path if ra.region is not None else "/")
    if user.is_superuser:
        g.admin_paths.append("/")
    user._yg_grants = g
    return g


def forget_grants(user: User) -> None:
    if hasattr(user, "_yg_grants"):
        del user._yg_grants


def is_global_admin(user: Any) -> bool:
    """An administrator of the whole installation (role without region, or superuser)."""
    return "/" in grants(user).admin_paths


def _scope(obj: Any) -> tuple[int | None, str]:
    """(body id, region path) that an object belongs to.

    Order: Body, Region, an `access_scope()` method, a `body` foreign key, a `region` foreign
    key, a stored `region_path` (audit events). An object with none of these cannot be checked.
    """
    if obj is None:
        return None, "/"
    if isinstance(obj, Body):
        return obj.pk, obj.region.path
    if isinstance(obj, Region):
        return None, obj.path
    scope = getattr(obj, "access_scope", None)
    if callable(scope):
        return scope()  # type: ignore[no-any-return]
    body = getattr(obj, "body", None)
    if isinstance(body, Body):
        return body.pk, body.region.path
    region = getattr(obj, "region", None)
    if isinstance(region, Region):
        return None, region.path
    region_path = getattr(obj, "region_path", None)
    if isinstance(region_path, str):
        # Outside any region (empty path): the root, seen by installation-wide admins only.
        return None, region_path or "/"
    raise TypeError(f"cannot scope {type(obj).__name__} for access checks")


def _body_id(obj: Any) -> int | None:
    """The body an object belongs to, without loading the body (see `_scope` for the order)."""
    if obj is None or isinstance(obj, Region):
        return None
    if isinstance(obj, Body):
        return obj.pk  # type: ignore[no-any-return]
    if callable(getattr(obj, "access_scope", None)):
        return _scope(obj)[0]
    body_id = getattr(obj, "body_id", None)
    return body_id if isinstance(body_id, int) else None


def _assigned_to(obj: Any, user: Any) -> bool:
    """Is `obj` assigned to `user` (its `handler_id`)?"""
    handler_id = getattr(obj, "handler_id", None)
    return handler_id is not None and handler_id == user.pk


def body_ids_with(user: Any, roles: Iterable[Role]) -> list[int]:
    """The bodies where the user holds one of `roles`."""
    wanted = set(roles)
    return [b for b, held in grants(user).body_roles.items() if held & wanted]


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` perform `action` on `obj` (a Body, Region, or an object with a body)?"""
    definition = ACTIONS.get(action)
    if definition is None:
        raise KeyError(f"unknown action {action!r}")
    g = grants(user)
    if not g.is_staff_member:
        return False
    verb = action.rsplit(".", 1)[-1]
    # Own body first, from the foreign key alone: no query for the common case in lists.
    body_id = _body_id(obj)
    if body_id is not None:
        held = definition.roles & g.body_roles.get(body_id, set())
        if held - definition.assigned_only or (held and _assigned_to(obj, user)):
            return True
    if obj is None:
        # No object: allowed when the user could perform it somewhere.
        if any(definition.roles & roles for roles in g.body_roles.values()):
            return True
        if definition.admin and g.admin_paths:
            return True
        return verb in READ_VERBS and bool(g.supervisor_paths or g.admin_paths)
    if not (definition.admin and g.admin_paths) and not (
        verb in READ_VERBS and (g.supervisor_paths or g.admin_paths)
    ):
        return False
    _, path = _scope(obj)
    if definition.admin and _under(path, g.admin_paths):
        return True
    return verb in READ_VERBS and _under(path, g.supervisor_paths + g.admin_paths)


def require(user: Any, action: str, obj: Any) -> None:
    """Raise the same 404 as for a missing object when `user` may not `action` `obj`."""
    if not can(user, action, obj):
        raise Http404("未找到")


def visible_bodies_q(user: Any, *, prefix: str = "", roles: Iterable[Role] | None = None) -> Q:
    """A Q over a model with a body foreign key reachable as `prefix` ("" for Body itself):
    the bodies where the user holds a role (or one of `roles`), plus supervised and administered
    region subtrees. Matches nothing for anonymous users."""
    g = grants(user)
    # `body__in` (not `body_id__in`) so that prefixes across relations ("case__body") work too.
    pk_field = f"{prefix}__id" if prefix else "id"
    path_field = f"{prefix}{'__' if prefix else ''}region__path__startswith"
    ids = list(g.body_roles) if roles is None else body_ids_with(user, roles)
    q = Q(**{f"{pk_field}__in": ids}) if ids else Q(pk__in=[])
    for root in g.supervisor_paths + g.admin_paths:
        q |= Q(**{path_field: root})
    return q


def visible_region_paths(user: Any) -> list[str]:
    g = grants(user)
    return g.supervisor_paths + g.admin_paths


def get_visible_or_404(queryset: Any, user: Any, action: str, **lookup: Any) -> Model:
    """Fetch one object and check `action` on it; missing and forbidden look the same."""
    obj = queryset.filter(**lookup).first()
    if obj is None or not can(user, action, obj):
        raise Http404("未找到")
    return obj  # type: ignore[no-any-return]
