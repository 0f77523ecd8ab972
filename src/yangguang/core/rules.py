"""Configurable rules (DOMAIN.md: "configurable — ship the default, let an administrator change
it per region without a code change"). Defaults live in code; overrides in `RuleSetting`, per
region subtree (the most specific region path wins) or installation-wide (empty path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yangguang.core.models import RuleSetting


@dataclass(frozen=True)
class RuleDef:
    key: str
    default: Any
    label: str
    help: str = ""


REGISTRY: dict[str, RuleDef] = {}


def define(key: str, default: Any, label: str, help: str = "") -> RuleDef:  # noqa: A002
    rule = RuleDef(key, default, label, help)
    REGISTRY[key] = rule
    return rule


def _ancestors(path: str) -> list[str]:
    """'/370900/370902/' → ['', '/370900/', '/370900/370902/']."""
    parts = [p for p in path.split("/") if p]
    return [""] + ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def get_rule(key: str, region_path: str = "") -> Any:
    if key not in REGISTRY:
        raise KeyError(f"unknown rule {key!r}")
    scopes = _ancestors(region_path)
    rows = dict(
        RuleSetting.objects.filter(key=key, scope_path__in=scopes).values_list(
            "scope_path", "value"
        )
    )
    for scope in reversed(scopes):
        if scope in rows:
            return rows[scope]
    return REGISTRY[key].default


CLOCK_YELLOW_LEFT = define("clock.yellow_left", 5, "黄灯阈值（剩余工作日）")
CLOCK_RED_LEFT = define("clock.red_left", 1, "红灯阈值（剩余工作日）")
