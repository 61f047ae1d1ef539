"""What the report says, in order: shared by the Word and HTML writers.

Everything worded here (title, opening paragraph, headings, narrative,
signature and date, table cell texts and merges) is produced once; the
writers only lay it out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ..model import Report
from ..placeholders import format_number, substitute
from ..schema import GridCell, Table
from .style import Style, load_style

BlockKind = Literal["title", "para", "h1", "h2", "table", "blank", "signature"]

LEGAL_BASIS = "《中华人民共和国政府信息公开条例》"
MISSING_AGENCY = "【单位名称】"
MISSING_YEAR = "【年度】"

# Characters XML 1.0 forbids (and that make no sense in a web page either).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Block:
    """One paragraph-level element of the report."""

    kind: BlockKind
    text: str = ""
    table: Table | None = None
    #: For ``signature``: the date line (may be empty) and both right indents in characters.
    date: str = ""
    name_right_chars: float = 0.0
    date_right_chars: float = 0.0


@dataclass(frozen=True)
class Slot:
    """One ``<w:tc>``/``<td>`` position of a printed row.

    ``covered`` marks the continuation of a cell merged from the row above:
    Word needs an empty ``vMerge`` cell there, HTML writes nothing.
    """

    cell: GridCell
    covered: bool = False


def clean(text: object) -> str:
    """Text safe for XML and HTML: characters XML forbids are dropped, tabs become spaces."""
    s = "" if text is None else str(text)
    return _ILLEGAL.sub("", s).replace("\t", " ")


def agency_name(report: Report) -> str:
    return clean(report.agency).strip() or MISSING_AGENCY


def year_text(report: Report) -> str:
    return clean(report.year).strip() or MISSING_YEAR


def title_text(report: Report) -> str:
    return report.schema.title.format(agency=agency_name(report), year=year_text(report))


def title_lines(report: Report, chars_per_line: float, title: str | None = None) -> list[str]:
    """The title broken where GB/T 9704 wants it: whole words, agency on its own line when it is too long.

    A title that fits stays one line; otherwise it breaks after the agency name
    (so neither the name nor 政府信息公开 is cut), when both halves fit.
    """
    title = title if title is not None else title_text(report)
    agency = agency_name(report)
    if text_width(title) <= chars_per_line or not title.startswith(agency):
        return [title]
    rest = title[len(agency) :]
    if rest and text_width(agency) <= chars_per_line and text_width(rest) <= chars_per_line:
        return [agency, rest]
    return [title]


def date_text(date: dt.date | str | None) -> str:
    """成文日期 as GB/T 9704 §7.3.5.4 writes it: ``2023年1月28日``, no zero padding."""
    if isinstance(date, dt.date):
        return f"{date.year}年{date.month}月{date.day}日"
    return clean(date).strip()


def paragraphs(text: str) -> list[str]:
    """Narrative text split on line breaks; blank lines and leading indents dropped."""
    return [line.strip() for line in clean(text).splitlines() if line.strip()]


def _heading_body(heading: str) -> str:
    """``一、总体情况`` → ``总体情况``."""
    return heading.split("、", 1)[1] if "、" in heading else heading


def opening_text(report: Report) -> str:
    """The opening paragraph: legal basis, the six parts, statistics period, where published, contact."""
    schema = report.schema
    agency = agency_name(report)
    year = year_text(report)
    parts = "".join(f"“{_heading_body(s.heading)}”" for s in schema.sections)
    count = schema.sections[-1].heading.split("、", 1)[0]
    text = (
        f"本报告根据{LEGAL_BASIS}（以下简称《条例》）和国家政府信息公开工作年度报告格式要求编制，"
        f"由{parts}{count}部分组成。"
        f"本报告中所列数据统计期限为{year}年1月1日至12月31日。"
    )
    website = clean(report.website).strip() if isinstance(report.website, str) else ""
    if website:  # an office without a portal says nothing rather than name one it does not have
        text += f"本报告电子版可在{website}查阅或下载。"
    contact = [
        f"{field.label}：{clean(value).strip()}"
        for field in schema.info
        if field.json_path[0] == "contact" and (value := report.info(field.key)) and clean(value).strip()
    ]
    if contact:
        text += f"如对本报告有疑问，请与{agency}联系（{'；'.join(contact)}）。"
    return text


def _narrative(report: Report, key: str) -> list[str]:
    """The agency's paragraphs with placeholders filled; an empty required part shows its hint."""
    part = next(p for p in report.schema.narrative if p.key == key)
    text = report.narrative.get(key) or ""
    if "{" in text or "｛" in text:  # substitution builds the vocabulary: skip it when there is nothing to fill
        text = substitute(text, report)
    paras = paragraphs(text)
    if not paras and part.required:
        paras = [part.hint]
    return paras


def blocks(report: Report, style: Style | None = None, *, title: str | None = None) -> list[Block]:
    """The whole report in the national order (spec §2).

    With ``title`` the document is a roll-up (a jurisdiction's summed tables):
    that title, the lead paragraph of section 一, and sections 二–四 with their
    tables; no narrative sections and no signature, since no agency signs it.
    """
    schema = report.schema
    if title is not None:
        out = [Block("title", clean(title).strip())]
        out += [Block("para", p) for p in paragraphs(report.narrative.get(schema.narrative[0].key) or "")]
        for section in schema.sections:
            if section.table:
                out += [Block("h1", section.heading), Block("table", table=schema.table(section.table))]
        return out
    sig = (style or load_style()).signature
    out = [Block("title", title_text(report)), Block("para", opening_text(report))]
    for section in schema.sections:
        out.append(Block("h1", section.heading))
        parts = [p for p in schema.narrative if p.section == section.number]
        for i, part in enumerate(parts):
            # Section 一 opens with its lead (as in the JSON form); 五 and 六 are their own text.
            lead = section.number == 1 and i == 0
            if not lead and part.title != section.heading:
                out.append(Block("h2", clean(report.title_of(part.key)).strip() or part.title))
            out += [Block("para", p) for p in _narrative(report, part.key)]
        if section.table:
            out.append(Block("table", table=schema.table(section.table)))
    out.append(signature_block(report, right_chars=sig.right_chars, offset_chars=sig.date_offset_chars))
    return out


def signature_block(report: Report, *, right_chars: float = 2.0, offset_chars: float = 2.0) -> Block:
    """Unstamped signature per GB/T 9704 §7.3.5.2, as right indents in characters.

    The name sits ``right_chars`` from the right; the date starts ``offset_chars``
    right of the name's first character. When the date would then come closer
    than ``right_chars`` to the margin, the date takes that indent and the name
    moves left to keep the offset.
    """
    name = agency_name(report)
    date = date_text(report.date)
    n, d = text_width(name), text_width(date)
    if not date:
        return Block("signature", name, name_right_chars=right_chars)
    date_right = max(right_chars + n - offset_chars - d, right_chars)
    name_right = date_right + d + offset_chars - n
    return Block("signature", name, date=date, name_right_chars=name_right, date_right_chars=date_right)


def text_width(text: str) -> float:
    """Width in Chinese characters (字): full-width 1, half-width (digits, Latin) ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# ---------------------------------------------------------------------- tables
def cell_text(report: Report, cell: GridCell) -> str:
    """What a grid cell prints: its label, or the figure (blank as 0, text as typed)."""
    if cell.role != "figure" or not cell.key:
        return cell.text
    try:
        value = report.value(cell.key)
    except (KeyError, IndexError, TypeError):
        value = None
    return clean(format_number(value)).strip()


@cache
def layout(table: Table) -> tuple[tuple[Slot, ...], ...]:
    """The printed rows of a table: cells starting there and continuations of merges from above.

    Grid positions no cell covers get an empty label cell, so every row spans
    the full width.
    """
    owner: dict[tuple[int, int], GridCell] = {}
    for cell in table.grid:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell
    rows: list[tuple[Slot, ...]] = []
    for r in range(table.grid_rows):
        slots: list[Slot] = []
        c = 0
        while c < table.grid_cols:
            owned = owner.get((r, c))
            if owned is None:
                slots.append(Slot(GridCell(r, c, "label")))
                c += 1
                continue
            slots.append(Slot(owned, covered=owned.row != r))
            c = owned.col + owned.colspan
        rows.append(tuple(slots))
    return tuple(rows)


def column_widths(table: Table, total: int) -> tuple[int, ...]:
    """``table.col_widths`` scaled to ``total`` units, rounded so they add up exactly."""
    weights = table.col_widths
    scale = total / sum(weights)
    widths: list[int] = []
    acc = 0.0
    done = 0
    for w in weights:
        acc += w * scale
        widths.append(round(acc) - done)
        done += widths[-1]
    return tuple(widths)
