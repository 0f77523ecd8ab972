"""Configurable rules (DOMAIN.md: "configurable — ship the default, let an administrator change
it per region without a code change"). Defaults live in code; overrides in `RuleSetting`, per
region subtree (the most specific region path wins) or installation-wide (empty path)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from yangguang.core.models import RuleSetting
from yangguang.core.workdays import Thresholds

logger = logging.getLogger(__name__)


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


# DOMAIN.md §4 (办理情况即时公开): yellow light when close to the limit, red when at it —
# thresholds configurable. Counted in working days left on the clock (core.workdays).
CLOCK_YELLOW_LEFT = define(
    "clock.yellow_left", 5, "黄灯阈值（剩余工作日）", "剩余工作日不超过此数时亮黄灯。"
)
CLOCK_RED_LEFT = define(
    "clock.red_left", 1, "红灯阈值（剩余工作日）", "剩余工作日不超过此数时亮红灯；超过期限为超期。"
)


def clock_thresholds(region_path: str = "") -> Thresholds:
    """The light thresholds for a region (rules `clock.yellow_left` / `clock.red_left`).

    A stored value that is not a sensible pair of non-negative integers (yellow ≥ red) falls
    back to the defaults rather than breaking every board that shows a light.
    """
    yellow = get_rule(CLOCK_YELLOW_LEFT.key, region_path)
    red = get_rule(CLOCK_RED_LEFT.key, region_path)
    try:
        return Thresholds(int(yellow), int(red))
    except (TypeError, ValueError):
        logger.warning("invalid clock thresholds %r/%r for %r", yellow, red, region_path)
        return Thresholds(CLOCK_YELLOW_LEFT.default, CLOCK_RED_LEFT.default)
