"""The API's request parser: JSON bodies and query strings, refusing control characters.

A NUL cannot be stored in a PostgreSQL text column (a 500 there, silently stored on SQLite),
and the other C0 controls, DEL and C1 are never text a person typed: terminal escapes, binary
garbage. Tab, line feed and carriage return are ordinary text. Checked once here, for every
string and key of every body and query, rather than field by field."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import HttpError
from ninja.parser import Parser

from yangguang.core.text import CONTROL_RE

CONTROL_MESSAGE = "不能包含控制字符（如 NUL、ESC），请删除后重试。"
_MAX_LOCATION = 60


class ControlCharacterError(ValueError):
    """A request string holds a control character; `location` names where ("" = the body)."""

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(control_message(location))


def control_message(location: str) -> str:
    return (
        f"参数有误：{location}：{CONTROL_MESSAGE}" if location else "参数有误：" + CONTROL_MESSAGE
    )


def find_control(value: Any) -> str | None:
    """The location ("items.0.name") of the first string or key in a parsed JSON value that
    holds a control character, "" for the value itself, or None when there is none. Walks
    with a stack: a deeply nested body must not exhaust the recursion limit."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if CONTROL_RE.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if CONTROL_RE.search(key):
                    return where  # the key itself is not echoed
                stack.append((child, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            stack.extend(
                (child, f"{where}.{i}" if where else str(i)) for i, child in enumerate(item)
            )
    return None


class CheckedParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        where = find_control(data)
        if where is not None:
            # django-ninja turns any error here into its "Cannot parse request body"; the
            # API's HttpError handler finds this one as the cause and answers with it.
            raise ControlCharacterError(where[:_MAX_LOCATION])
        return data

    def parse_querydict(
        self,
        data: MultiValueDict,
        list_fields: list[str],
        request: HttpRequest,  # type: ignore[type-arg]
    ) -> dict[str, Any]:
        for key, values in data.lists():
            if any(isinstance(v, str) and CONTROL_RE.search(v) for v in [key, *values]):
                location = "" if CONTROL_RE.search(key) else key[:_MAX_LOCATION]
                raise HttpError(400, control_message(location))
        return super().parse_querydict(data, list_fields, request)
