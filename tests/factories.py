"""factory_boy factories for the foundation: regions, bodies, windows, staff with roles."""

from __future__ import annotations

import factory

from yangguang.orgs.models import (
    Body,
    BodyKind,
    Region,
    RegionLevel,
    Role,
    RoleAssignment,
    User,
    Window,
)
from yangguang.orgs.validators import CREDIT_CHARSET, credit_check_char


def make_credit_code(division: str, serial: int, kind_prefix: str = "11") -> str:
    """A valid 统一社会信用代码: 2-char registration kind, 6-digit division, 9-char org code."""
    org = ""
    n = serial
    for _ in range(9):
        org = CREDIT_CHARSET[n % 31] + org
        n //= 31
    first17 = f"{kind_prefix}{division[:6]}{org}"
    return first17 + credit_check_char(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370900"
    name = "示范市"
    level = RegionLevel.CITY
    parent = None


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = BodyKind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)
    credit_code = factory.Sequence(lambda n: make_credit_code("370900", 1000 + n))


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"A{n:02d}")
    name = "综合受理窗口"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password("Yangguang2026")


def grant(
    user: User, role: Role, *, body: Body | None = None, region: Region | None = None
) -> User:
    RoleAssignment.objects.create(user=user, role=role, body=body, region=region)
    if hasattr(user, "_yg_grants"):
        del user._yg_grants
    return user
