"""A document written from figures with errors says 草稿 on every page: Word, HTML and PDF."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import require_tool

from compiler.inputs import load_report
from compiler.render.docx import docx_bytes
from compiler.render.draft import DRAFT_MARK, DRAFT_NOTE
from compiler.render.html import render_html

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "quzhou-jgsw-2022.xlsx"


@pytest.fixture(scope="module")
def broken_json(tmp_path_factory) -> Path:
    """The sample with one figure of table 3 made inconsistent (a check error)."""
    data = json.loads(load_report(SAMPLE).dumps())
    data["tables"]["t3"][0][0] = 999
    path = tmp_path_factory.mktemp("draft") / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _compile(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compiler.cli", "compile", *args], capture_output=True, text=True)


def _headers(docx: Path) -> tuple[str, list[str]]:
    with zipfile.ZipFile(docx) as zf:
        document = zf.read("word/document.xml").decode()
        headers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/header")]
    return document, headers


def test_docx_of_a_clean_report_has_no_draft_mark():
    report = load_report(SAMPLE)
    data = docx_bytes(report)
    assert DRAFT_MARK.encode() not in data  # also no header part at all
    assert "草稿" not in render_html(report)


def test_force_compile_marks_every_page_of_docx_and_html(broken_json, tmp_path):
    result = _compile(str(broken_json), "-o", str(tmp_path / "r.docx"), "--format", "docx,html", "--force")
    assert result.returncode == 0, result.stderr
    document, headers = _headers(tmp_path / "r.docx")
    # odd and even pages (the document uses different odd/even headers) both reference a draft header
    assert 'w:headerReference w:type="default"' in document and 'w:headerReference w:type="even"' in document
    assert len(headers) == 2
    for header in headers:
        assert DRAFT_NOTE in header and f'string="{DRAFT_MARK}"' in header
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="draft-banner"' in page and DRAFT_NOTE in page
    assert f'@top-center {{ content: "{DRAFT_NOTE}"' in page  # in the margin of every printed page


@pytest.mark.slow
@pytest.mark.office
def test_force_compile_pdf_says_draft_on_every_page(broken_json, tmp_path, soffice):
    pdftotext = require_tool("pdftotext")
    result = _compile(str(broken_json), "-o", str(tmp_path / "r.docx"), "--format", "pdf", "--force")
    assert result.returncode == 0, result.stderr
    text = subprocess.run([pdftotext, str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert "草稿" in page, f"page {n} has no draft mark"
