"""The console home's tiles: what waits for the user, counted by each app (registered in its
`AppConfig.ready()`, like the navigation), each linking to the list that holds it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tile:
    label: str
    count: int
    url: str
    urgent: bool = False  # shown as a warning when count > 0 (overdue)


Provider = Callable[[Any, dt.date], list[Tile]]
PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def tiles_for(user: Any, today: dt.date) -> list[Tile]:
    return [tile for fn in PROVIDERS for tile in fn(user, today)]
