"""Named people and places every test can use (DESIGN.md: citizen, handler in the right body,
handler in another body, supervisor, anonymous).

The region: 示范市 (370900) → 示范县 (370921) and 东区 (370902); each county has a township and a
village. Body A is a department of 示范县, body B a department of 东区.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import BodyFactory, RegionFactory, UserFactory, grant, make_credit_code
from yangguang.orgs.models import Body, BodyKind, Region, RegionLevel, Role, User

PASSWORD = "Yangguang2026"


@dataclass
class World:
    city: Region
    county: Region
    county2: Region
    township: Region
    village: Region
    body_a: Body  # in 示范县
    body_b: Body  # in 东区
    township_body: Body  # a township government under 示范县
    handler_a: User
    handler_b: User
    head_a: User
    editor_a: User
    reviewer_a: User
    county_supervisor: User  # supervises 示范县's subtree
    admin: User
    anonymous: AnonymousUser


@pytest.fixture
def world(db: None) -> World:
    city = RegionFactory(code="370900", name="示范市", level=RegionLevel.CITY)
    county = RegionFactory(code="370921", name="示范县", level=RegionLevel.COUNTY, parent=city)
    county2 = RegionFactory(code="370902", name="东区", level=RegionLevel.COUNTY, parent=city)
    township = RegionFactory(
        code="370921100", name="城关镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    village = RegionFactory(
        code="370921100201", name="东关村", level=RegionLevel.VILLAGE, parent=township
    )
    body_a = BodyFactory(
        name="示范县人力资源和社会保障局", region=county, credit_code=make_credit_code("370921", 11)
    )
    body_b = BodyFactory(
        name="东区人力资源和社会保障局", region=county2, credit_code=make_credit_code("370902", 12)
    )
    township_body = BodyFactory(
        name="城关镇人民政府",
        kind=BodyKind.TOWNSHIP,
        region=township,
        credit_code=make_credit_code("370921", 13),
    )
    return World(
        city=city,
        county=county,
        county2=county2,
        township=township,
        village=village,
        body_a=body_a,
        body_b=body_b,
        township_body=township_body,
        handler_a=grant(
            UserFactory(username="handler_a", full_name="张承办"), Role.HANDLER, body=body_a
        ),
        handler_b=grant(
            UserFactory(username="handler_b", full_name="李承办"), Role.HANDLER, body=body_b
        ),
        head_a=grant(UserFactory(username="head_a", full_name="王负责"), Role.HEAD, body=body_a),
        editor_a=grant(
            UserFactory(username="editor_a", full_name="赵发布"), Role.EDITOR, body=body_a
        ),
        reviewer_a=grant(
            UserFactory(username="reviewer_a", full_name="钱审核"), Role.REVIEWER, body=body_a
        ),
        county_supervisor=grant(
            UserFactory(username="supervisor", full_name="孙监督"), Role.SUPERVISOR, region=county
        ),
        admin=grant(UserFactory(username="admin", full_name="周管理"), Role.ADMIN),
        anonymous=AnonymousUser(),
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """SQLite's test database is a file (WAL, IMMEDIATE, busy timeout as in production), not
    the in-memory default: tests with threads (parallel tracking numbers) and the browser's live
    server need every connection to see the same database. Keeps pytest-django's per-xdist-worker
    suffix for both databases."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        # A throwaway database needs no fsync (a third faster on a busy disk).
        options = db.setdefault("OPTIONS", {})
        init = str(options.get("init_command", ""))
        options["init_command"] = init.replace("synchronous=NORMAL", "synchronous=OFF")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Argon2 with tiny costs (tests/hashers.py): same hash format, milliseconds per user."""
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_search_memos() -> None:
    """Search remembers engine results and body names per process; each test has its own
    database (the same primary keys, other names)."""
    from yangguang.search.service import reset_memos

    reset_memos()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
