"""Fixtures for the orgs tests of regions, bodies, windows, import/export, portal and demo.

`fast_hasher` swaps argon2 for MD5 while the named people are created (argon2 costs ~0.3 s per
user on a busy 2-core machine); modules opt in with `pytestmark`, so tests about password
hashing itself keep the production hasher."""

import pytest


@pytest.fixture
def fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
