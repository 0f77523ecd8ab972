"""The labelled relevance set over the demo corpus (issue 4): well-formed, and every judged
document still exists in the demo under the same title — so the set fails loudly instead of
rotting silently when the demo changes (then re-judge with bench/relevance_demo_build.py)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from relevance_demo import KINDS, load  # noqa: E402

INDEX_NUMBER = re.compile(r"^[0-9A-Z]{18}/\d{4}-\d{5}$")  # 统一社会信用代码/年-序号


def test_judgement_file_is_well_formed() -> None:
    data, judged = load()
    assert len(judged) >= 100
    assert len({j.query for j in judged}) == len(judged), "duplicate queries"
    kinds = Counter(j.kind for j in judged)
    assert set(kinds) == set(KINDS)
    assert all(n >= 10 for n in kinds.values()), kinds
    assert data["counts"] == dict(kinds)
    for j in judged:
        assert j.query.strip()
        # nDCG and recall need something the query should find.
        assert any(g >= 2 for g in j.grades.values()), j.query
        assert set(j.grades.values()) <= {1, 2, 3}, j.query
        for key in j.grades:
            assert INDEX_NUMBER.match(key), key
            assert key in data["titles"], key
    # Every grade is used, so the set is graded, not binary.
    assert {g for j in judged for g in j.grades.values()} == {1, 2, 3}


@pytest.mark.django_db
def test_every_judged_document_is_in_the_demo_under_the_same_title() -> None:
    from relevance_demo import load_demo

    from yangguang.disclosure.selectors import publications_public

    data, judged = load()
    load_demo()  # what `manage.py load_demo` loads, dated relevance_demo.DEMO_DATE
    public = dict(publications_public().values_list("index_number", "title"))
    expected = data["titles"]
    missing = sorted(k for k in expected if k not in public)
    assert not missing, f"judged documents not in the demo any more: {missing[:5]}"
    changed = sorted(k for k, t in expected.items() if public[k] != t)
    assert not changed, f"judged documents with another title now: {changed[:5]}"
    # A doc_number query names a document by what is typed: its 发文字号 must still be that.
    from yangguang.disclosure.models import Publication

    numbers = dict(Publication.objects.values_list("index_number", "doc_number"))
    for j in judged:
        if j.kind == "doc_number":
            (target,) = [k for k, g in j.grades.items() if g == 3]
            typed = re.sub(r"[\[\]()（）【】［］〔〕\s年]", "", j.query.split()[0]).lower()
            have = {re.sub(r"[〔〕]", "", numbers[target]).lower(), target.lower()}
            assert typed in have, (j.query, numbers[target])
