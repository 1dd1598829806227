"""`intake-bot export ID --format pdf|html [--minimal] -o FILE` writes the report as a file."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from bot.terminal import export_cli
from bot.terminal.cli import _parser, main
from tests.test_data_protection import cli_env, events, fill, service_for  # noqa: F401

NAME = "ZZCANARY-NAME-7f3a"
CONDITION = "ZZCANARY-MED-91c2"  # the answer to a sensitive question


def export(engine: Engine, *argv: str) -> tuple[int, str]:
    args = _parser().parse_args(["export", *argv])
    err = io.StringIO()
    code = export_cli.run(
        args, service_for(engine), actor="console:ana", out=io.StringIO(), err=err
    )
    return code, err.getvalue()


def test_a_pdf_export_is_the_full_report_readable_by_its_owner_only(
    engine: Engine, tmp_path: Path
) -> None:
    report_id = fill(service_for(engine))
    path = tmp_path / "report.pdf"
    code, err = export(engine, str(report_id), "--format", "pdf", "-o", str(path))
    assert code == 0 and f"Wrote report #{report_id} (pdf)" in err
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert NAME in text and CONDITION in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ("report.exported", str(report_id), "pdf") in events(engine)


def test_a_minimal_pdf_leaves_the_sensitive_answers_out(engine: Engine, tmp_path: Path) -> None:
    report_id = fill(service_for(engine))
    path = tmp_path / "minimal.pdf"
    assert export(engine, str(report_id), "--format", "pdf", "--minimal", "-o", str(path))[0] == 0
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert NAME in text and CONDITION not in text
    assert ("report.exported", str(report_id), "pdf:minimal") in events(engine)


def test_an_html_export_is_a_whole_page_and_minimal_leaves_sensitive_answers_out(
    engine: Engine, tmp_path: Path
) -> None:
    report_id = fill(service_for(engine))
    full, minimal = tmp_path / "full.html", tmp_path / "minimal.html"
    assert export(engine, str(report_id), "--format", "html", "-o", str(full))[0] == 0
    assert (
        export(engine, str(report_id), "--format", "html", "--minimal", "-o", str(minimal))[0] == 0
    )
    page = full.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert f"<title>Missing child report #{report_id} — {NAME}</title>" in page
    assert NAME in page and CONDITION in page
    short = minimal.read_text(encoding="utf-8")
    assert NAME in short and CONDITION not in short


def test_a_pdf_without_a_file_or_an_unknown_report_is_refused_with_one_line(
    cli_env: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    assert main(["export", "1", "--format", "pdf"]) == 2
    assert capsys.readouterr().err == "--format pdf writes a file: add -o FILE.\n"
    assert main(["export", "99", "--format", "html", "-o", str(tmp_path / "x.html")]) == 1
    assert capsys.readouterr().err.endswith("No report #99.\n")
    assert not (tmp_path / "x.html").exists()


def test_text_and_json_still_go_to_the_terminal_or_to_a_file(
    engine: Engine, tmp_path: Path
) -> None:
    report_id = fill(service_for(engine))
    args = _parser().parse_args(["export", str(report_id), "--format", "json"])
    out = io.StringIO()
    assert export_cli.run(args, service_for(engine), actor="a", out=out, err=io.StringIO()) == 0
    assert f'"report_id": {report_id}' in out.getvalue()
    path = tmp_path / "report.txt"
    assert export(engine, str(report_id), "-o", str(path))[0] == 0
    assert NAME in path.read_text(encoding="utf-8")
