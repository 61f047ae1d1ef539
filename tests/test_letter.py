"""The feedback letter: what to change cell by cell, the deadline, and one page however many problems there are."""

from __future__ import annotations

import subprocess

import pytest
from conftest import require_tool
from docx import Document

from compiler.render.letter import MAX_ITEMS, Letter, letter_lines, write_letter


def _findings(n: int) -> list[dict]:
    return [
        {
            "code": "T3_BALANCE",
            "severity": "error" if i % 3 else "warning",
            "sheet": "表三",
            "cell": f"D{6 + i % 25}",
            "message": "表三“自然人”列勾稽关系（一+二=三（七）总计+四）不成立：一（8） + 二（0） = 8，而 （七）总计（8） + 四（1） = 9"
            "（相差 +1）。若其他数字无误，表三“四、结转下年度继续办理·自然人”应为 0。" * 2,
        }
        for i in range(n)
    ]


def test_letter_lists_errors_first_with_cells_and_says_where_the_rest_are():
    letter = Letter("乙局", "乙.xlsx", _findings(30), year=2025, deadline="2026-01-20", return_to="gk@example.gov.cn",
                    annotated="乙.核查.xlsx")  # fmt: skip
    title, opening, items, closing = letter_lines(letter)
    assert "2025年政府信息公开工作年度报告" in title and opening[0] == "乙局："
    assert 1 <= len(items) <= MAX_ITEMS and all(item.startswith("【错误】表三!D") for item in items)
    text = "".join(closing)
    assert f"另有 {30 - len(items)} 处" in text and "乙.核查.xlsx" in text
    short = letter_lines(Letter("乙局", "乙.xlsx", [dict(f, message="请改为 0。") for f in _findings(30)]))[2]
    assert len(short) == MAX_ITEMS  # short messages: as many as the list allows
    assert "2026-01-20" in text and "gk@example.gov.cn" in text


def test_opening_sentence_ends_properly_and_no_attachment_is_promised_without_one():
    only_errors = [dict(f, severity="error") for f in _findings(2)]
    _, opening, _, closing = letter_lines(Letter("乙局", "乙.xls", only_errors))
    assert opening[1].endswith("“错误”必须修改。")  # not a dangling "；"
    assert not any("附件" in line for line in closing)  # an unreadable file has no annotated workbook
    both = letter_lines(Letter("乙局", "乙.xlsx", _findings(3), annotated="乙.核查.xlsx"))
    assert both[1][1].endswith("“错误”必须修改；“需核实”请确认数字无误或予以修改。")
    assert "附件《乙.核查.xlsx》中已用颜色" in "".join(both[3])


@pytest.mark.slow
@pytest.mark.office
def test_letter_is_one_page(soffice, tmp_path):
    pdfinfo = require_tool("pdfinfo")
    path = write_letter(Letter("乙局", "乙.xlsx", _findings(60), year=2025, deadline="2026-01-20"), tmp_path / "l.docx")
    assert "【错误】" in "\n".join(p.text for p in Document(str(path)).paragraphs)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    info = subprocess.run([pdfinfo, str(tmp_path / "l.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
