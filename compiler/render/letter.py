"""The one-page feedback letter to an agency whose returned sheet has problems (Word).

Plain Chinese for the clerk: which file, what to change, cell by cell, by
when and where to send it back. At most ``MAX_ITEMS`` problems are listed so
the letter stays one page; the rest are in the annotated workbook sent with
it (its first sheet 核查结果 lists every one with a link to the cell).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import SEVERITY_LABEL
from ..util.files import write_atomic
from .style import Style, load_style

#: Problems listed in the letter itself at most (errors first); the annotated workbook has them all.
MAX_ITEMS = 12
#: Longest message shown per problem (a long one is cut; the workbook holds it whole).
MAX_MESSAGE = 160
#: Printed lines the problem list may take so the letter stays one page (items at 11.5 pt, 38 characters a line).
ITEM_LINES = 18
_LINE_WIDTH = 76  # half-width columns per line (a Chinese character counts two)


@dataclass(frozen=True)
class Letter:
    """What the letter says: to whom, about which file, what to change, by when and where to."""

    agency: str
    file: str
    findings: Sequence[Mapping[str, Any]]
    year: int | None = None
    deadline: str | None = None
    return_to: str | None = None
    sender: str | None = None
    date: str | None = None
    annotated: str | None = None


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def letter_lines(letter: Letter) -> tuple[str, list[str], list[str], list[str]]:
    """Title, opening paragraphs, numbered problem lines and closing paragraphs (shared by tests and Word)."""
    what = f"{letter.year}年政府信息公开工作年度报告" if letter.year else "政府信息公开工作年度报告"
    title = f"关于{what}填报表的核查意见"
    ordered = sorted(letter.findings, key=lambda f: {"error": 0, "warning": 1}.get(str(f.get("severity")), 2))
    errors = sum(f.get("severity") == "error" for f in ordered)
    warnings = sum(f.get("severity") == "warning" for f in ordered)
    counts = "、".join(
        p for p in (f"错误 {errors} 处" if errors else "", f"需核实 {warnings} 处" if warnings else "") if p
    )
    asks = "；".join(
        p for p in ("“错误”必须修改" if errors else "", "“需核实”请确认数字无误或予以修改" if warnings else "") if p
    )
    opening = [
        f"{letter.agency or '贵单位'}：",
        f"经核查，贵单位报送的《{what}》填报表（文件：{letter.file}）有以下问题（{counts or '详见附件'}）。"
        + (f"{asks}。" if asks else ""),
    ]
    items: list[str] = []
    budget = ITEM_LINES
    for f in ordered[:MAX_ITEMS]:
        where = f"{f['sheet']}!{f['cell']}" if f.get("sheet") and f.get("cell") else (f.get("sheet") or "")
        label = (
            "错误"
            if f.get("severity") == "error"
            else "需核实"
            if f.get("severity") == "warning"
            else (SEVERITY_LABEL.get(str(f.get("severity")), "提示"))
        )
        item = f"【{label}】{where + '：' if where else ''}{_cut(str(f.get('message') or ''), MAX_MESSAGE)}"
        lines = -(-(_width(item) + 8) // _LINE_WIDTH)  # the number and indent take about four characters
        if items and lines > budget:
            break  # one page: the rest are in the annotated workbook
        items.append(item)
        budget -= lines
    closing = []
    rest = len(ordered) - len(items)
    attached = f"附件《{letter.annotated}》" if letter.annotated else ""
    if rest > 0 and attached:
        closing.append(f"另有 {rest} 处问题未在此列出，见{attached}的“核查结果”工作表（点击位置可跳到对应单元格）。")
    elif rest > 0:  # no annotated workbook goes with it (the file could not be read): say so, promise no attachment
        closing.append(f"另有 {rest} 处问题未在此列出，请修改上述问题后重新报送，届时一并核查。")
    elif attached:
        closing.append(f"{attached}中已用颜色和批注标出每个问题所在的单元格。")
    when = f"请于 {letter.deadline} 前" if letter.deadline else "请尽快"
    where = f"报送至：{letter.return_to}" if letter.return_to else "重新报送"
    closing.append(f"{when}在原填报表中修改后，{where}。请勿改动表格结构和工作表名称。")
    return title, opening, items, closing


def letter_docx(letter: Letter, style: Style | None = None) -> bytes:
    """The letter as a one-page ``.docx`` in the report's fonts (A4, official margins)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    style = style or load_style(None)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(style.page.width_mm), Mm(style.page.height_mm)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(style.page.left_mm), Mm(style.page.right_mm)

    def para(text: str, font: str, size: float, *, align: Any = None, indent: bool = False, bold: bool = False) -> Any:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(size * 1.55)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = font
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font)
        return p

    title, opening, items, closing = letter_lines(letter)
    body = style.body.font
    para(title, style.title.font, 18, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("", body, 10)
    para(opening[0], body, 14)
    for text in opening[1:]:
        para(text, body, 14, indent=True)
    for n, text in enumerate(items, 1):
        para(f"{n}. {text}", body, 11.5, indent=True)
    for text in closing:
        para(text, body, 14, indent=True)
    para("", body, 10)
    if letter.sender:
        para(letter.sender, body, 14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if letter.date:
        para(letter.date, body, 14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.core_properties.author = "nianbao"
    doc.core_properties.title = title
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_letter(letter: Letter, path: str | Path, style: Style | None = None) -> Path:
    """Write the letter atomically."""
    return write_atomic(path, letter_docx(letter, style))
