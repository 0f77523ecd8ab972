"""The docx and xlsx downloads open in LibreOffice (issue 6 "done when"): converted headless to
PDF without errors. Skipped where LibreOffice is not installed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from tests.conftest import World
from tests.reports.conftest import make_app, make_case, written
from yangguang.reports.exports import build_docx, build_region_xlsx, build_xlsx
from yangguang.reports.selectors import report_tables
from yangguang.reports.services import report_create, report_finalise, table2_entries_set

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _convert(path: Path, target: str, outdir: Path) -> Path:
    profile = outdir / "lo-profile"
    subprocess.run(  # noqa: S603
        [
            SOFFICE or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return outdir / (path.stem + "." + target.split(":")[0])


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_docx_and_xlsx_open_in_libreoffice(world: World, tmp_path: Path) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        a = world.body_a
        app = make_app(a, dt.date(2025, 3, 1), outcome="partial", replied_on=dt.date(2025, 3, 9))
        make_app(
            a,
            dt.date(2025, 4, 1),
            kind="org",
            org_kind="legal",
            outcome="other_2",
            replied_on=dt.date(2025, 5, 9),
        )
        make_app(a, dt.date(2025, 12, 30))
        make_case(
            app,
            "reconsideration",
            dt.date(2025, 4, 1),
            result="upheld",
            decided_on=dt.date(2025, 6, 1),
        )
        table2_entries_set(
            actor=world.head_a, body=a, year=2025, values={"licensing": "15", "fees": "2.5"}
        )
        report = report_finalise(
            actor=world.head_a,
            report=written(world.head_a, report_create(actor=world.head_a, body=a, year=2025)),
        )
    tables = report_tables(report)
    docx = tmp_path / "report.docx"
    docx.write_bytes(build_docx(report, tables))
    xlsx = tmp_path / "report.xlsx"
    xlsx.write_bytes(build_xlsx(report, tables))
    pdf = _convert(docx, "pdf", tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 5000
    calc_available = (
        shutil.which("localc") or Path("/usr/lib/libreoffice/program/libsclo.so").exists()
    )
    if calc_available:
        pdf = _convert(xlsx, "pdf", tmp_path)
        assert pdf.exists() and pdf.stat().st_size > 2000
        region_xlsx = tmp_path / "region.xlsx"
        region_xlsx.write_bytes(
            build_region_xlsx(
                "示范县",
                2025,
                [
                    {
                        "body": "甲",
                        "credit_code": "x",
                        "region": "示范县",
                        "status": "草稿",
                        "deadline": "2026-01-31",
                        "published_on": "",
                        "late": True,
                        "consistent": True,
                        "new": 3,
                    }
                ],
                tables,
            )
        )
        assert _convert(region_xlsx, "pdf", tmp_path).stat().st_size > 2000
        # the numbers survive: Calc saves the table-三 sheet as CSV with the same labels
        _convert(
            xlsx,
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3",
            tmp_path,
        )
        csv = tmp_path / "report-表三 依申请公开.csv"
        lines = csv.read_text(encoding="utf-8").splitlines()
        assert "一、本年新收政府信息公开申请数量,2,0,0,0,1,0,3" in lines
        assert "四、结转下年度继续办理,1,0,0,0,0,0,1" in lines
    # Writer reads the docx tables back with the exact labels
    txt = _convert(docx, "txt:Text (encoded):UTF8", tmp_path)
    text = txt.read_text(encoding="utf-8-sig")
    assert "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" in text
    assert "本年收费金额（单位：万元）" in text
