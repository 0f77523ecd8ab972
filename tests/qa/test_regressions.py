"""Regressions found by the QA fuzzing run (schemathesis + crawler) in orgs/core/api/config.

Each case is input that used to answer a 500; the rule is a 4xx with a Chinese `detail`."""

from __future__ import annotations

import datetime as dt
import re
import typing
import uuid
from typing import Annotated, Literal

import pytest
from annotated_types import Len
from django.test import Client
from pydantic_core.core_schema import ErrorType

from yangguang.api import _error_text


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        # schemathesis: offset beyond SQLite's 64-bit integer → IntegrityError "datatype mismatch"
        ("/api/v1/bodies?offset=69609026640069492736&limit=55", "offset：不能大于"),
        ("/api/v1/regions?offset=69609026640069492736", "offset：不能大于"),
        ("/api/v1/bodies?offset=" + "9" * 30, "offset：不能大于"),
    ],
)
def test_huge_offset_is_a_422_not_a_500(db, client: Client, url: str, detail: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_largest_allowed_offset_is_an_empty_page(db, client: Client) -> None:
    response = client.get("/api/v1/bodies?offset=1000000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [b"{", b"\xff\xfe", b'{"applicant_kind": '],
)
def test_unparseable_json_body_is_a_400_in_chinese(db, client: Client, body: bytes) -> None:
    # was: 400 {"detail": "Cannot parse request body"} (django-ninja's English text)
    response = client.post("/api/v1/foi/applications", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求内容无法解析")


def test_form_encoded_body_to_a_json_endpoint_is_a_400_in_chinese(db, client: Client) -> None:
    response = client.post(
        "/api/v1/foi/applications", "a=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_unknown_api_path_is_a_json_404(db, client: Client) -> None:
    # was: the portal's HTML 404 page
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。"}


def test_wrong_method_on_an_api_path_is_a_json_405(db, client: Client) -> None:
    # was: 405 text/html "Method not allowed"
    response = client.delete("/api/v1/regions")
    assert response.status_code == 405
    assert response.json()["detail"] == "不支持 DELETE 请求，可用：GET。"
    assert response["Allow"] == "GET"


def test_portal_404_stays_an_html_page(db, client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_too_big_api_body_is_a_413_not_a_500(db, client: Client, settings) -> None:
    # was: RequestDataTooBig caught by the catch-all handler → 500 "服务器内部错误"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = '{"description": "' + "x" * 4096 + '"}'
    response = client.post("/api/v1/foi/applications", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "请求内容过大：不能超过 2 KB。"


def test_many_form_fields_to_a_json_endpoint_is_a_400(db, client: Client, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"f{i}": "x" for i in range(50)}
    response = client.post("/api/v1/foi/applications", data)
    assert response.status_code == 400
    assert response.json()["detail"]


def _form_values(html: str) -> dict[str, str]:
    from tests.qa.crawler import _Parser

    parser = _Parser()
    parser.feed(html)
    form = next(f for f in parser.forms if f["method"] == "post" and "logout" not in f["action"])
    values: dict[str, str] = {}
    for name, kind, value in form["fields"]:  # type: ignore[attr-defined]
        if kind in ("submit", "file", "checkbox", "radio"):
            continue
        if kind == "option":
            values.setdefault(name, value)
        else:
            values[name] = value
    return values


@pytest.mark.parametrize("which", ["region", "body"])
def test_huge_sort_number_is_a_form_error_not_a_500(world, which: str) -> None:
    # was: OverflowError "Python int too large to convert to SQLite INTEGER" (DataError on PG)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    url = (
        f"/console/orgs/regions/{world.county.code}/edit/"
        if which == "region"
        else f"/console/orgs/bodies/{world.body_a.pk}/edit/"
    )
    data = _form_values(client.get(url).content.decode())
    data["sort"] = "1" + "0" * 24
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    text = response.content.decode()
    assert "排序号太大" in text
    assert "1" + "0" * 24 in text  # what the user typed is kept


@pytest.mark.parametrize(
    ("url", "body", "detail"),
    [
        # was English: "Input should be a valid string" …
        (
            "/api/v1/foi/applications",
            {"applicant_name": 123},
            "applicant_name：应为字符串",
        ),
        (
            "/api/v1/foi/track/withdraw",
            {"number": ["x"]},
            "number：应为字符串",
        ),
    ],
)
def test_body_type_errors_are_chinese(
    db, client: Client, url: str, body: dict, detail: str
) -> None:  # type: ignore[type-arg]
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert detail in response.json()["detail"]
    assert "Input should" not in response.json()["detail"]


def test_literal_choices_are_listed_in_chinese(db, client: Client) -> None:
    # was: 取值无效，可选值：'flat' or 'tree'
    response = client.get("/api/v1/regions", {"format": "x"})
    assert response.status_code == 422
    assert response.json()["detail"] == "参数有误：format：取值无效，可选值：'flat'、'tree'"


def _pydantic_error(annotation: object, value: str) -> dict:  # type: ignore[type-arg]
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(annotation).validate_json(value)
    except ValidationError as exc:
        return dict(exc.errors()[0])
    raise AssertionError("valid input")


@pytest.mark.parametrize(
    ("annotation", "value", "error_type", "text"),
    [
        (str, "1", "string_type", "应为字符串"),
        (list[str], '"x"', "list_type", "应为数组"),
        (dt.datetime, "true", "datetime_type", "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS"),
        (
            dt.datetime,
            '"2026-13-01"',
            "datetime_from_date_parsing",
            "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS",
        ),
        (
            dt.date,
            '"2026-03-01T10:00:00"',
            "date_from_datetime_inexact",
            "应为日期（不含时间），格式 YYYY-MM-DD",
        ),
        (Literal["a", "b", "c"], '"x"', "literal_error", "取值无效，可选值：'a'、'b'、'c'"),
        (dict[str, int], "[]", "dict_type", "应为 JSON 对象"),
        (Annotated[list[int], Len(max_length=2)], "[1,2,3]", "too_long", "项数过多，最多 2 项"),
        (uuid.UUID, '"x"', "uuid_parsing", "UUID 格式不正确"),
    ],
)
def test_pydantic_errors_in_chinese(
    annotation: object, value: str, error_type: str, text: str
) -> None:
    err = _pydantic_error(annotation, value)
    assert err["type"] == error_type
    assert _error_text(err) == text


@pytest.mark.parametrize("error_type", typing.get_args(ErrorType))
def test_every_pydantic_error_type_has_a_chinese_message(error_type: str) -> None:
    # With and without its context (a placeholder then keeps the clause before it).
    for ctx in ({}, {"ge": 1, "le": 2, "gt": 1, "lt": 2, "min_length": 1, "max_length": 2}):
        text = _error_text({"type": error_type, "msg": "English", "ctx": ctx})
        assert re.search(r"[\u4e00-\u9fff]", text), (error_type, text)
        assert "English" not in text


def test_unknown_error_type_falls_back_to_chinese() -> None:
    assert _error_text({"type": "from_a_later_pydantic", "msg": "Some English"}) == "格式错误"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        # was 201 and stored (SQLite), a 500 on PostgreSQL
        ({"applicant_name": "张\u0000三"}, "参数有误：applicant_name：不能包含控制字符"),
        ({"description": "\u001b[31m红字"}, "参数有误：description：不能包含控制字符"),
        ({"applicant_name": "张\u007f三"}, "参数有误：applicant_name：不能包含控制字符"),
        ({"applicant_name": "张\u0085三"}, "参数有误：applicant_name：不能包含控制字符"),
        ({"x": {"y": ["ok", "\u0007"]}}, "参数有误：x.y.1：不能包含控制字符"),
        ({"bad\u0000key": "v"}, "参数有误：不能包含控制字符"),
    ],
)
def test_control_characters_in_a_json_body_are_refused(
    db,
    client: Client,
    body: dict,
    detail: str,  # type: ignore[type-arg]
) -> None:
    from yangguang.foi.models import Application

    response = client.post("/api/v1/foi/applications", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert "\u0000" not in response.content.decode() and "\\u0000" not in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("text", ["第一行\n第二行", "甲\t乙", "甲\r\n乙"])
def test_tab_and_line_breaks_are_text(db, client: Client, text: str) -> None:
    response = client.post(
        "/api/v1/foi/applications", {"description": text}, content_type="application/json"
    )
    # Refused for other reasons (missing fields), not for the characters.
    assert response.status_code == 422
    assert "控制字符" not in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/regions?within=%1b%5b31m", "参数有误：within：不能包含控制字符"),
        ("/api/v1/regions?within=37%00", "参数有误：within：不能包含控制字符"),
        ("/api/v1/publications?q=%00", "参数有误：q：不能包含控制字符"),
        ("/api/v1/regions?%1b=1", "参数有误：不能包含控制字符"),
    ],
)
def test_control_characters_in_a_query_are_refused_not_echoed(
    db, client: Client, url: str, detail: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert "\x1b" not in response.content.decode() and "\\u001b" not in response.content.decode()
