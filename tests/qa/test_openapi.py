"""The OpenAPI document describes every response with its own schema.

QA finding F3: disclosure and foi both had a schema class named `PageOut`; django-ninja names
components by class name, so `GET /api/v1/publications` was documented with the foi page
(items: ApplicationOut) and every client generated from the document was wrong."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator

from yangguang.api import api


def _types(annotation: object) -> Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types(arg)


def _models() -> set[type]:
    found: set[type] = set()

    def walk(model: type) -> None:
        if model in found:
            return
        found.add(model)
        for field in model.model_fields.values():  # type: ignore[attr-defined]
            for t in _types(field.annotation):
                if isinstance(t, type) and hasattr(t, "model_fields"):
                    walk(t)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                candidates = list((operation.response_models or {}).values())
                candidates += list(getattr(operation, "models", None) or [])
                for model in candidates:
                    if isinstance(model, type) and hasattr(model, "model_fields"):
                        walk(model)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    models = _models()
    for model in models:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(models) > 20  # the walk really found the API's schemas
    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, f"rename one of each (OpenAPI keeps only one component per name): {clashes}"


def test_publication_list_is_documented_with_publications(client, db) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json()
    ref = doc["paths"]["/api/v1/publications"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    page = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    item_ref = page["properties"]["items"]["items"]["$ref"]
    assert "Application" not in item_ref


def test_every_operation_documents_its_error_answers(client, db) -> None:  # type: ignore[no-untyped-def]
    """400, 404 and 422 on every operation, 401 where a token is required, all with the Error
    schema — and a real 422 and 404 have that shape (found undocumented by schemathesis)."""
    doc = client.get("/api/v1/openapi.json").json()
    error = doc["components"]["schemas"]["Error"]
    operations = [op for ops in doc["paths"].values() for op in ops.values()]
    assert len(operations) > 30
    for op in operations:
        codes = {"400", "404", "422"} | ({"401"} if op.get("security") else set())
        for code in codes:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
    assert sum(1 for op in operations if "401" in op["responses"]) > 10
    bad = client.get("/api/v1/publications", {"page_size": "x"})
    assert bad.status_code == 422
    assert set(bad.json()) <= set(error["properties"]) and bad.json()["detail"].startswith(
        "参数有误"
    )
    missing = client.get("/api/v1/publications/no-such-number")
    assert missing.status_code == 404 and set(missing.json()) == {"detail"}


def test_operations_document_their_own_error_answers(client, db) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    submit = paths["/api/v1/foi/applications"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(submit)
    for path, method in (("/api/v1/foi/track", "get"), ("/api/v1/foi/track/withdraw", "post")):
        responses = paths[path][method]["responses"]
        assert {"200", "429", "404"} <= set(responses)
        ref = responses["429"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"
