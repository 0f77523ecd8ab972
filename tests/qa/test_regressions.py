"""Regressions found by the QA fuzzing run (schemathesis + crawler) in orgs/core/api/config.

Each case is input that used to answer a 500; the rule is a 4xx with a Chinese `detail`."""

from __future__ import annotations

import pytest
from django.test import Client


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
