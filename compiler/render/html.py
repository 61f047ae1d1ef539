"""One self-contained HTML5 page for the agency's website: same content and tables as the Word file.

Every piece of agency text goes through ``html.escape``; the page loads
nothing from outside (inline CSS, no scripts, no fonts to download).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..model import Report
from ..util.files import write_atomic
from .draft import BANNER_CSS, banner_html
from .style import Style, load_style
from .text import Block, blocks, cell_text, layout, title_lines, title_text

#: Characters that could end a CSS string or the ``<style>`` element (font names come from a style file).
_CSS_UNSAFE = re.compile(r"[\\\"'<>{};\r\n]")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _family(style: Style, font: str) -> str:
    names = []
    for name in style.font_family(font):
        generic = name in ("serif", "sans-serif", "monospace")
        names.append(name if generic else '"' + _CSS_UNSAFE.sub("", name) + '"')
    return ", ".join(names)


def _css(style: Style) -> str:
    page, body, title, h1, h2, table = style.page, style.body, style.title, style.heading1, style.heading2, style.table
    line = body.line_spacing_pt / body.size_pt if body.line_spacing_pt else 1.8
    weight = {True: "bold", False: "normal"}
    return f"""
:root {{ color-scheme: light; }}
body {{ margin: 0; background: #f4f4f4; color: #000; }}
main {{ box-sizing: border-box; max-width: 52em; margin: 0 auto; padding: 2em 1.5em 3em; background: #fff;
  font-family: {_family(style, body.font)}; font-size: 1.125rem; line-height: {line:.3f};
  font-weight: {weight[body.bold]}; }}
h1.title {{ font-family: {_family(style, title.font)}; font-size: {title.size_pt / body.size_pt:.4g}em;
  font-weight: {weight[title.bold]}; line-height: 1.5; text-align: center; margin: 0 0 1em; }}
h1.title span {{ display: inline-block; }}
p {{ margin: 0; text-indent: {body.first_line_chars:g}em; text-align: justify; }}
h2, h3 {{ font-size: 1em; margin: 0; text-indent: {body.first_line_chars:g}em; line-height: inherit; }}
h2 {{ font-family: {_family(style, h1.font)}; font-weight: {weight[h1.bold]}; }}
h3 {{ font-family: {_family(style, h2.font)}; font-weight: {weight[h2.bold]}; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5em 0 1em; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed;
  font-family: {_family(style, table.font)}; font-size: 0.875em; line-height: 1.4; }}
th, td {{ border: 1px solid #000; padding: 0.25em 0.3em; vertical-align: middle; text-align: center;
  font-weight: {weight[table.header_bold]}; overflow-wrap: anywhere; }}
th.label {{ font-weight: normal; }}
th.note {{ font-weight: normal; text-align: justify; }}
td.num {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.signature {{ margin-top: {style.signature.blank_lines * line:.3f}em; }}
.signature p {{ text-indent: 0; text-align: right; }}
@media (max-width: 40em) {{
  main {{ padding: 1em 0.75em 2em; font-size: 1rem; }}
  table {{ font-size: 0.8em; }}
}}
@page {{ size: {page.width_mm:g}mm {page.height_mm:g}mm;
  margin: {page.top_mm:g}mm {page.right_mm:g}mm {page.bottom_mm:g}mm {page.left_mm:g}mm; }}
@media print {{
  body {{ background: none; }}
  main {{ max-width: none; margin: 0; padding: 0; font-size: {body.size_pt:g}pt;
    line-height: {body.line_spacing_pt or body.size_pt * 1.5:g}pt; }}
  .table-wrap {{ overflow: visible; }}
  table {{ min-width: 0 !important; font-size: {table.size_pt:g}pt; line-height: 1.3; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; page-break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
}}
""".strip()


def _table(report: Report, block: Block) -> str:
    table = block.table
    assert table is not None
    total = sum(table.col_widths)
    out = [
        f'<div class="table-wrap"><table id="{table.id}" style="min-width: {table.grid_cols * 3.2:g}em">',
        "<colgroup>",
        *(f'<col style="width: {100 * w / total:.3f}%">' for w in table.col_widths),
        "</colgroup>",
    ]
    rows = layout(table)
    sections = (("thead", rows[: table.header_rows]), ("tbody", rows[table.header_rows :]))
    for tag, group in sections:
        if not group:
            continue
        out.append(f"<{tag}>")
        for slots in group:
            cells = []
            for slot in slots:
                if slot.covered:
                    continue
                cell = slot.cell
                spans = "".join(
                    f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1
                )
                text = _esc(cell_text(report, cell))
                if cell.role == "figure":
                    cells.append(f'<td class="num" data-key="{cell.key}"{spans}>{text}</td>')
                else:
                    scope = ' scope="row"' if cell.role == "label" else ""
                    cells.append(f'<th class="{cell.role}"{scope}{spans}>{text}</th>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append(f"</{tag}>")
    out.append("</table></div>")
    return "\n".join(out)


def render_html(
    report: Report, style: Style | str | Path | None = None, *, title: str | None = None, draft: bool = False
) -> str:
    """The report as one self-contained HTML5 document (``title``: a roll-up document; ``draft``: 草稿 banner)."""
    style = style if isinstance(style, Style) else load_style(style)
    per_line = style.page.text_width_mm / (style.title.size_pt * 25.4 / 72)
    parts: list[str] = []
    for block in blocks(report, style, title=title):
        if block.kind == "title":
            lines = title_lines(report, per_line, block.text)
            parts.append('<h1 class="title">' + "".join(f"<span>{_esc(x)}</span>" for x in lines) + "</h1>")
        elif block.kind == "h1":
            parts.append(f"<h2>{_esc(block.text)}</h2>")
        elif block.kind == "h2":
            parts.append(f"<h3>{_esc(block.text)}</h3>")
        elif block.kind == "para":
            parts.append(f"<p>{_esc(block.text)}</p>")
        elif block.kind == "table":
            parts.append(_table(report, block))
        elif block.kind == "signature":
            sig = [f'<p class="agency" style="margin-right: {block.name_right_chars:g}em">{_esc(block.text)}</p>']
            if block.date:
                sig.append(f'<p class="date" style="margin-right: {block.date_right_chars:g}em">{_esc(block.date)}</p>')
            parts.append('<div class="signature">' + "".join(sig) + "</div>")
    body = "\n".join(parts)
    css = _css(style) + ("\n" + BANNER_CSS if draft else "")
    opening = f'<body class="draft">\n{banner_html()}\n' if draft else "<body>\n"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="nianbao">\n'
        f"<title>{_esc(title or title_text(report))}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'{opening}<main class="report">\n{body}\n</main>\n</body>\n</html>\n'
    )


def write_html(
    report: Report,
    path: str | Path,
    style: Style | str | Path | None = None,
    *,
    title: str | None = None,
    draft: bool = False,
) -> Path:
    """Write the report's HTML page atomically to ``path`` (``title``: a roll-up document; ``draft``: 草稿 banner)."""
    return write_atomic(path, render_html(report, style, title=title, draft=draft))
