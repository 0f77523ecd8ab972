"""Navigation entries that apps register in `AppConfig.ready()`, so no app edits a shared menu."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    action: str = ""  # console: shown only when can(user, action) holds


PORTAL: list[NavItem] = []
CONSOLE: list[NavItem] = []


def portal(label: str, url_name: str, order: int = 100) -> None:
    PORTAL.append(NavItem(label, url_name, order))
    PORTAL.sort(key=lambda i: i.order)


def console(label: str, url_name: str, action: str, order: int = 100) -> None:
    CONSOLE.append(NavItem(label, url_name, order, action))
    CONSOLE.sort(key=lambda i: i.order)
