"""Word → PDF through LibreOffice: the text of the PDF carries the title, the six headings and the figures."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import require_tool
from test_render_docx import SCHEMA, full_report

from compiler.cli.compile import run
from compiler.placeholders import format_number
from compiler.render import OfficeUnavailable, write_docx, write_pdf


def pdftotext(path) -> str:
    require_tool("pdftotext")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
    return out.stdout.decode("utf-8")


@pytest.mark.slow
@pytest.mark.office
def test_docx_converts_to_pdf_with_title_headings_and_figures(soffice, tmp_path):
    report = full_report()
    report.set_value("t3_r01_c7", 4321)  # a figure easy to find in the text
    docx = write_docx(report, tmp_path / "r.docx")
    pdf = write_pdf(docx, tmp_path / "r.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdftotext(pdf)
    flat = re.sub(r"\s+", "", text)
    assert "某市人民政府办公室" in flat and "2024年政府信息公开工作年度报告" in flat
    for section in SCHEMA.sections:
        assert section.heading in flat
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
    assert {"4321", "12.35"} <= numbers
    # every figure of the report is printed somewhere in the PDF
    figures = {format_number(report.value(f.key)) for f in SCHEMA.figures()}
    assert figures <= numbers, sorted(figures - numbers)
    for label in ("申请人情况", "法人或其他组织", "第二十条第（一）项", "未经复议直接起诉"):
        assert label in flat
    assert "—1—" in flat and "—2—" in flat  # page numbers
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


@pytest.mark.slow
@pytest.mark.office
def test_compile_pdf_only_leaves_no_docx(soffice, tmp_path):
    src = tmp_path / "in.json"
    src.write_text(full_report().dumps(), encoding="utf-8")
    assert run(src, output=tmp_path / "out", formats="pdf") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.pdf"]


def test_missing_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    import compiler.util.office

    monkeypatch.setattr(compiler.util.office, "find_soffice", lambda: None)
    docx = write_docx(full_report(), tmp_path / "r.docx")
    with pytest.raises(OfficeUnavailable, match="LibreOffice"):
        write_pdf(docx, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
