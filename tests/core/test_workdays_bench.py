"""bench/run.py and bench/bench_workdays.py work (tiny scale; the real run is `make bench`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench import run as bench_run


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_SCALE", "0.0005")


def test_bench_workdays_rows_follow_the_contract(tiny: None) -> None:
    from bench import bench_workdays

    rows = bench_workdays.run()
    names = [r["name"] for r in rows]
    assert "add_workdays" in names and "due_date (3 pauses + extension)" in names
    for r in rows:
        assert {"name", "value", "unit"} <= set(r)
        assert r["value"] > 0 and r["cpu"] >= 0
    assert {r["name"]: r.get("target") for r in rows}["add_workdays"] == 5.0


def test_run_discovers_runs_and_writes_a_results_file(tiny: None, tmp_path: Path) -> None:
    scripts = bench_run.discover(["workdays"])
    assert [s.name for s in scripts] == ["bench_workdays.py"]
    rows, problems = bench_run.run_all(scripts)
    assert rows and not problems
    assert all(r["bench"] == "workdays" for r in rows)
    info = bench_run.machine_info()
    assert {"platform", "cpu", "nproc", "python", "commit"} <= set(info)
    at = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)
    text = bench_run.report(rows, info, problems, at)
    assert "| workdays | add_workdays" in text and "## Machine" in text
    path = bench_run.write(text, at, tmp_path)
    assert path.name.startswith("20261121T060000Z-") and path.read_text() == text


def test_status_and_broken_scripts(tmp_path: Path) -> None:
    assert bench_run.status({"value": 4.0, "target": 5.0}) == "ok"
    assert bench_run.status({"value": 6.0, "target": 5.0}) == "MISSED"
    assert bench_run.status({"value": 0.9, "target": 0.95, "better": "higher"}) == "MISSED"
    assert bench_run.status({"value": 1.0}) == ""
    broken = tmp_path / "bench_broken.py"
    broken.write_text("def run():\n    raise RuntimeError('boom')\n")
    bad_row = tmp_path / "bench_badrow.py"
    bad_row.write_text("def run():\n    return [{'name': 'x'}]\n")
    no_run = tmp_path / "bench_norun.py"
    no_run.write_text("X = 1\n")
    rows, problems = bench_run.run_all([broken, bad_row, no_run])
    assert rows == []
    assert any("bench_broken.py: FAILED" in p for p in problems)
    assert any("row without" in p for p in problems)
    assert any("skipped (no run())" in p for p in problems)
