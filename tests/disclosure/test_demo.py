"""Demo content and the scale generator (issue 3 point 10)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import World
from yangguang.disclosure.models import FiscalTable, IndexSequence, Publication, Validity
from yangguang.disclosure.selectors import publications_public

pytestmark = pytest.mark.django_db


def test_load_demo_disclosure_is_idempotent() -> None:
    from django.utils.module_loading import autodiscover_modules

    from yangguang.orgs import demo

    demo.load_tree()
    call_command("load_demo_disclosure")
    n = Publication.objects.count()
    assert n >= 2000
    assert publications_public().count() == n
    assert Publication.objects.filter(validity=Validity.REPEALED).exists()
    assert Publication.objects.filter(validity=Validity.REVISED, replaced_by__isnull=False).exists()
    assert Publication.objects.filter(interprets__isnull=False).exists()
    assert FiscalTable.objects.filter(kind="village").count() >= 12
    assert FiscalTable.objects.filter(kind="three").exists()
    assert len(set(Publication.objects.values_list("index_number", flat=True))) == n
    call_command("load_demo_disclosure")
    assert Publication.objects.count() == n
    autodiscover_modules("demo")
    assert any("disclosure" in name for name, _ in demo.EXTENSIONS)


def test_generate_publications_continues_sequences(world: World) -> None:
    from tests.disclosure.conftest import make_pub

    make_pub(world)
    call_command("generate_publications", "--count", "120", "--batch", "50")
    assert Publication.objects.count() == 121
    numbers = list(Publication.objects.values_list("index_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # the sequence continues after the generated rows
    pub = make_pub(world)
    assert pub.index_number not in numbers[:-1]
    assert IndexSequence.objects.exists()
