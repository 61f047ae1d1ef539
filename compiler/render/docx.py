"""The official Word document: national content order, GB/T 9704 layout, byte-identical output.

python-docx supplies the package (parts, relationships, content types). The
styles, body, tables and footers are written as WordprocessingML text and
parsed once: ``table.cell(r, c)`` is quadratic, and the bundled template's
styles carry theme fonts and a Japanese East Asian language that Word would
honour. Every piece of text is XML-escaped on the way in.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.package import Package
from docx.parts.styles import StylesPart
from lxml import etree

from ..model import Report
from ..util.files import write_atomic
from .draft import header_xml
from .style import Style, load_style
from .text import Block, blocks, cell_text, column_widths, layout, text_width, title_lines, title_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = f'xmlns:w="{W}" xmlns:r="{R}"'

#: Every zip entry gets this timestamp (the earliest a zip can hold), so output is byte-identical.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Core-properties date when the report has no valid 成文日期.
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: Package parts of python-docx's template that the report does not need.
_DROP_RELS = (
    RT.CUSTOM_XML,
    RT.NUMBERING,
    RT.THUMBNAIL,
    RT.EXTENDED_PROPERTIES,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)

TABLE_STYLE_ID = "NianbaoTable"
#: A cell at least this many characters wide justifies a label that wraps; narrower ones centre it.
_WIDE_CELL_CHARS = 8
#: Body rows kept on the page of a table's heading and header rows (the rest may flow on; headers repeat).
_KEEP_WITH_HEADER_ROWS = 2


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _attrs(**attrs: object) -> str:
    return "".join(f" w:{key}={quoteattr(str(value))}" for key, value in attrs.items())


def _chars_ind(side: str, chars: float, size_pt: float) -> dict[str, int]:
    """An indent in character units (Word honours ``*Chars``) plus its twips for other readers."""
    return {f"{side}Chars": round(chars * 100), side: round(chars * size_pt * 20)}


# ------------------------------------------------------------------ runs and paragraphs
def rpr_xml(font: str, size_pt: float, bold: bool = False) -> str:
    """Run properties naming every font slot, so Word never falls back to a theme (Japanese) font."""
    f = quoteattr(font)
    hp = _half_points(size_pt)
    b = "<w:b/><w:bCs/>" if bold else ""
    return (
        f'<w:rPr><w:rFonts w:ascii={f} w:hAnsi={f} w:eastAsia={f} w:cs={f} w:hint="eastAsia"/>{b}'
        f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
    )


def run_xml(text: str, rpr: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return f"<w:r>{rpr}<w:t{space}>{escape(text)}</w:t></w:r>"


def ppr_xml(
    style_id: str | None = None,
    *,
    keep_next: bool = False,
    spacing: str = "",
    ind: Mapping[str, object] | None = None,
    jc: str | None = None,
    outline: int | None = None,
) -> str:
    """Paragraph properties in schema order."""
    parts = []
    if style_id:
        parts.append(f"<w:pStyle{_attrs(val=style_id)}/>")
    if keep_next:
        parts.append("<w:keepNext/>")
    parts.append(spacing)
    if ind:
        parts.append(f"<w:ind{_attrs(**ind)}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    inner = "".join(parts)
    return f"<w:pPr>{inner}</w:pPr>" if inner else ""


def para_xml(text: str, rpr: str, ppr: str = "") -> str:
    return f"<w:p>{ppr}{run_xml(text, rpr) if text else ''}</w:p>"


# ------------------------------------------------------------------ styles
def _spacing(line_pt: float, *, after_twips: int = 0) -> str:
    if line_pt > 0:
        return f'<w:spacing w:before="0" w:after="{after_twips}" w:line="{round(line_pt * 20)}" w:lineRule="exact"/>'
    return f'<w:spacing w:before="0" w:after="{after_twips}" w:line="240" w:lineRule="auto"/>'


_SIDES = ("top", "left", "bottom", "right")
_NO_INDENT = {"left": 0, "leftChars": 0, "right": 0, "rightChars": 0, "firstLine": 0, "firstLineChars": 0}


def _style(kind: str, style_id: str, name: str, body: str, *, default: bool = False, head: str = "") -> str:
    flag = ' w:default="1"' if default else ""
    return (
        f'<w:style w:type="{kind}"{flag} w:styleId="{style_id}"><w:name w:val="{name}"/>{head}<w:qFormat/>'
        f"{body}</w:style>"
    )


def styles_xml(style: Style) -> str:
    """A complete ``styles.xml``: explicit fonts everywhere, no theme fonts, East Asian language zh-CN."""
    body, title, table, pn = style.body, style.title, style.table, style.page_number
    first_line = _chars_ind("firstLine", body.first_line_chars, body.size_pt)
    title_after = round(title.space_after_lines * body.line_spacing_pt * 20)
    headings = "".join(
        _style(
            "paragraph",
            f"Heading{level}",
            f"heading {level}",
            ppr_xml(keep_next=True, outline=level - 1) + rpr_xml(hs.font, hs.size_pt, hs.bold),
            head='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/>',
        )
        for level, hs in ((1, style.heading1), (2, style.heading2))
    )
    cell_mar = "".join(f'<w:{side} w:w="{0 if side in ("top", "bottom") else 108}" w:type="dxa"/>' for side in _SIDES)
    return (
        f"<w:styles {_NS}><w:docDefaults><w:rPrDefault>{rpr_xml(body.font, body.size_pt)}</w:rPrDefault>"
        "<w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>"
        + _style(
            "paragraph",
            "Normal",
            "Normal",
            ppr_xml(spacing=_spacing(body.line_spacing_pt), ind=first_line, jc="both")
            + rpr_xml(body.font, body.size_pt, body.bold),
            default=True,
            head='<w:uiPriority w:val="0"/>',
        )
        + '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>{cell_mar}</w:tblCellMar></w:tblPr></w:style>'
        + _style(
            "paragraph",
            "Title",
            "Title",
            ppr_xml(spacing=_spacing(title.line_spacing_pt, after_twips=title_after), ind=_NO_INDENT, jc="center")
            + rpr_xml(title.font, title.size_pt, title.bold),
            head='<w:next w:val="Normal"/><w:uiPriority w:val="10"/>',
        )
        + headings
        + _style(
            "paragraph",
            TABLE_STYLE_ID,
            "Table Text",
            ppr_xml(spacing=_spacing(table.line_spacing_pt), ind=_NO_INDENT, jc="center")
            + rpr_xml(table.font, table.size_pt),
            head='<w:uiPriority w:val="99"/>',
        )
        + _style(
            "paragraph",
            "Footer",
            "footer",
            ppr_xml(spacing=_spacing(0), ind=_NO_INDENT) + rpr_xml(pn.font, pn.size_pt),
            head='<w:uiPriority w:val="99"/>',
        )
        + "</w:styles>"
    )


def font_table_xml(style: Style) -> str:
    """Declare the fonts with a Chinese charset and a substitute (altName) Word can use when missing."""
    fonts = []
    for font in style.fonts():
        alt = style.alt_name(font)
        alt_xml = f"<w:altName{_attrs(val=alt)}/>" if alt else ""
        fonts.append(
            f"<w:font{_attrs(name=font)}>{alt_xml}"
            '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return f"<w:fonts {_NS}>{''.join(fonts)}</w:fonts>"


# ------------------------------------------------------------------ tables
def table_xml(report: Report, block: Block, style: Style, width: int) -> str:
    """A table built row by row from the schema grid: gridSpan for columns, vMerge for rows."""
    table = block.table
    assert table is not None
    ts = style.table
    cols = column_widths(table, width)
    margin = twips(ts.cell_margin_mm)
    plain = rpr_xml(ts.font, ts.size_pt)
    bold = rpr_xml(ts.font, ts.size_pt, True) if ts.header_bold else plain
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for side in (*_SIDES, "insideH", "insideV")
    )
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in cols),
        "</w:tblGrid>",
    ]
    rows = layout(table)
    # A table starts right after its heading: only the header rows and the first body rows hold together
    # (keep-with-next); the rest flows onto the next page under the repeated header rows.
    keep_until = min(len(rows) - 1, table.header_rows + _KEEP_WITH_HEADER_ROWS - 1)
    height = twips(ts.min_row_height_mm)
    height_xml = f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else ""
    per_char = ts.size_pt * 20
    for r, slots in enumerate(rows):
        header = "<w:tblHeader/>" if r < table.header_rows else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{height_xml}{header}</w:trPr>")
        keep = "<w:keepNext/>" if r < keep_until else ""
        for slot in slots:
            cell = slot.cell
            cell_width = sum(cols[cell.col : cell.col + cell.colspan])
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            merge = ""
            if cell.rowspan > 1:
                merge = "<w:vMerge/>" if slot.covered else '<w:vMerge w:val="restart"/>'
            text = "" if slot.covered else cell_text(report, cell)
            room = cell_width - 2 * margin
            wraps = text_width(text) * per_char > room and room >= _WIDE_CELL_CHARS * per_char
            # Long labels and the note in wide cells read better justified; everything else is centred.
            jc = "both" if cell.role in ("label", "note") and wraps else "center"
            rpr = bold if cell.role in ("header", "caption") else plain
            run = run_xml(text, rpr) if text else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/>'
                f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/>{keep}<w:jc w:val="{jc}"/></w:pPr>'
                f"{run}</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# ------------------------------------------------------------------ document
def footer_xml(style: Style, *, even: bool) -> str:
    """``— n —`` with a PAGE field: odd pages right, even pages left, one character in."""
    pn = style.page_number
    side = "left" if even else "right"
    rpr = rpr_xml(pn.font, pn.size_pt)

    def field(inner: str) -> str:
        return f"<w:r>{rpr}{inner}</w:r>"

    ppr = ppr_xml("Footer", ind=_chars_ind(side, pn.indent_chars, pn.size_pt), jc=side)
    return (
        f"<w:p {_NS}>{ppr}{run_xml('— ', rpr)}"
        + field('<w:fldChar w:fldCharType="begin"/>')
        + field('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
        + field('<w:fldChar w:fldCharType="separate"/>')
        + run_xml("1", rpr)
        + field('<w:fldChar w:fldCharType="end"/>')
        + run_xml(" —", rpr)
        + "</w:p>"
    )


def body_xml(report: Report, style: Style, width: int, title: str | None = None) -> list[str]:
    """The body paragraphs and tables, in the order ``text.blocks`` gives."""
    b, t, h1, h2 = style.body, style.title, style.heading1, style.heading2
    rpr_body = rpr_xml(b.font, b.size_pt, b.bold)
    rpr_title = rpr_xml(t.font, t.size_pt, t.bold)
    rpr_h1 = rpr_xml(h1.font, h1.size_pt, h1.bold)
    rpr_h2 = rpr_xml(h2.font, h2.size_pt, h2.bold)
    items = blocks(report, style, title=title)
    out: list[str] = []
    for i, block in enumerate(items):
        # The signature never stands alone on a page: the last lines of text go with it.
        before_signature = i + 1 < len(items) and items[i + 1].kind == "signature"
        if block.kind == "title":
            lines = title_lines(report, width / (t.size_pt * 20), block.text)
            br = f"<w:r>{rpr_title}<w:br/></w:r>"
            out.append(f"<w:p>{ppr_xml('Title')}{br.join(run_xml(x, rpr_title) for x in lines)}</w:p>")
        elif block.kind == "h1":
            out.append(para_xml(block.text, rpr_h1, ppr_xml("Heading1")))
        elif block.kind == "h2":
            out.append(para_xml(block.text, rpr_h2, ppr_xml("Heading2")))
        elif block.kind == "para":
            out.append(para_xml(block.text, rpr_body, ppr_xml(keep_next=before_signature)))
        elif block.kind == "table":
            out.append(table_xml(report, block, style, width))
        elif block.kind == "signature":
            out.extend(_signature(block, style, rpr_body, width))
    return out


def _signature(block: Block, style: Style, rpr: str, width: int) -> Sequence[str]:
    """Unstamped signature (GB/T 9704 §7.3.5.2): blank line(s), the name 右空二字, the date below it.

    The date is placed by its first character (left indent), two characters right
    of the name's first character, so the rule holds whatever width the digits
    of the installed font have.
    """
    size = style.body.size_pt
    no_first = {"firstLine": 0, "firstLineChars": 0}
    out = [para_xml("", rpr, ppr_xml(keep_next=True)) for _ in range(round(style.signature.blank_lines))]
    name_ind = {**_chars_ind("right", block.name_right_chars, size), **no_first}
    out.append(para_xml(block.text, rpr, ppr_xml(keep_next=bool(block.date), ind=name_ind, jc="right")))
    if block.date:
        line_chars = width / (size * 20)
        date_left = line_chars - block.name_right_chars - text_width(block.text) + style.signature.date_offset_chars
        date_ind = {**_chars_ind("left", max(date_left, 0), size), **no_first}
        out.append(para_xml(block.date, rpr, ppr_xml(ind=date_ind, jc="left")))
    return out


def section_xml(style: Style, footer_ids: Sequence[str], header_ids: Sequence[str] = ()) -> str:
    page = style.page
    refs = "".join(
        f'<w:headerReference w:type="{kind}" r:id="{rid}"/>'
        for kind, rid in zip(("default", "even"), header_ids, strict=False)
    ) + "".join(
        f'<w:footerReference w:type="{kind}" r:id="{rid}"/>'
        for kind, rid in zip(("default", "even"), footer_ids, strict=True)
    )
    margins = _attrs(
        top=twips(page.top_mm),
        right=twips(page.right_mm),
        bottom=twips(page.bottom_mm),
        left=twips(page.left_mm),
        header=twips(page.header_mm),
        footer=twips(page.footer_mm),
        gutter=0,
    )
    return (
        f'<w:sectPr>{refs}<w:pgSz w:w="{twips(page.width_mm)}" w:h="{twips(page.height_mm)}"/>'
        f'<w:pgMar{margins}/><w:cols w:space="425"/>'
        f'<w:docGrid w:linePitch="{round(style.body.line_spacing_pt * 20)}"/></w:sectPr>'
    )


def _replace_part(source: Part, reltype: str, make: Callable[[PackURI, str, Package], Part]) -> None:
    """Swap the template's part of ``reltype`` for a new one with the same name and content type."""
    for rid, rel in list(source.rels.items()):
        if rel.reltype == reltype and not rel.is_external:
            old = rel.target_part
            source.rels.pop(rid)
            source.relate_to(make(old.partname, old.content_type, cast(Package, source.package)), reltype)


def docx_bytes(
    report: Report, style: Style | str | Path | None = None, *, title: str | None = None, draft: bool = False
) -> bytes:
    """The report as a ``.docx``; the same report and style always give the same bytes.

    ``title`` makes it a roll-up document (see ``text.blocks``); ``draft`` puts
    the 草稿 mark on every page (see ``draft``): the caller sets it whenever the
    figures have errors. Everything that
    depends only on the style (styles, fonts, settings, footers, the package
    around the body) is built once per style by python-docx (``_skeleton``);
    a report adds its body and document properties and is zipped directly.
    """
    style = style if isinstance(style, Style) else load_style(style)
    skeleton = _skeleton(style, draft)
    page = style.page
    width = twips(page.width_mm) - twips(page.left_mm) - twips(page.right_mm)
    # The body is parsed in place of the empty one (the parse also proves it well-formed XML).
    content = "".join(body_xml(report, style, width, title))
    document = parse_xml(skeleton.document.replace(_BODY_MARK, content, 1))
    core = copy.deepcopy(skeleton.core)
    _core_properties(CoreProperties(core), report, title)
    parts = dict(skeleton.parts)
    parts[skeleton.document_name] = serialize_part_xml(document)
    parts[skeleton.core_name] = serialize_part_xml(core)
    return _zip(parts)


#: Stands for the body's content in the skeleton's document part (never in a real report: control characters).
_BODY_MARK = "\x00nianbao-body\x00"


@dataclass(frozen=True)
class _Skeleton:
    """A style's package: every part's bytes in zip order, plus the document and core parts to fill in."""

    parts: tuple[tuple[str, bytes], ...]
    document_name: str
    #: The document part as text, its body holding ``_BODY_MARK`` then the section properties.
    document: str
    core_name: str
    core: Any


#: Skeletons by style (its ``repr``: a style holds dicts, so it is not hashable) and draft mark.
_SKELETONS: dict[tuple[str, bool], _Skeleton] = {}


def _skeleton(style: Style, draft: bool = False) -> _Skeleton:
    key = (repr(style), draft)
    if key not in _SKELETONS:
        if len(_SKELETONS) >= 8:
            _SKELETONS.clear()
        _SKELETONS[key] = _build_skeleton(style, draft)
    return _SKELETONS[key]


def _build_skeleton(style: Style, draft: bool = False) -> _Skeleton:
    doc = Document()
    part = doc.part
    for rels in (part.package.rels, part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in _DROP_RELS]:
            rels.pop(rid)
    styles = parse_xml(styles_xml(style))
    _replace_part(part, RT.STYLES, lambda name, ct, pkg: StylesPart(name, ct, styles, pkg))
    fonts = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + font_table_xml(style).encode()
    _replace_part(part, RT.FONT_TABLE, lambda name, ct, pkg: Part(name, ct, fonts, pkg))

    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    theme_lang = settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    footer_ids = []
    for even in (False, True):
        footer_part, rid = part.add_footer_part()
        ftr = footer_part.element
        for child in list(ftr):
            ftr.remove(child)
        ftr.append(parse_xml(footer_xml(style, even=even)))
        footer_ids.append(rid)
    header_ids = []
    if draft:  # odd and even pages both carry the 草稿 header and watermark
        for _even in (False, True):
            header_part, rid = part.add_header_part()
            hdr = header_part.element
            for child in list(hdr):
                hdr.remove(child)
            for child in parse_xml(header_xml(style.heading1.font)):
                hdr.append(child)
            header_ids.append(rid)

    body = doc.element.body
    for child in list(body):
        body.remove(child)
    shell = etree.tostring(doc.element, encoding="unicode")
    document = shell.replace(
        "<w:body/>", f"<w:body>{_BODY_MARK}{section_xml(style, footer_ids, header_ids)}</w:body>", 1
    )
    core = copy.deepcopy(doc.core_properties._element)  # (creates the core part if the template had none)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as src:
        names = sorted(src.namelist(), key=lambda n: n != "[Content_Types].xml")
        parts = tuple((name, src.read(name)) for name in names)
    core_name = part.package.part_related_by(RT.CORE_PROPERTIES).partname.membername
    return _Skeleton(parts, part.partname.membername, document, core_name, core)


def _zip(parts: dict[str, bytes]) -> bytes:
    """The package with fixed timestamps and attributes (``[Content_Types].xml`` first): the same bytes every time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, data)
    return out.getvalue()


#: python-docx's (and Word's) limit for a core document property.
CORE_PROPERTY_MAX = 255


def _core_properties(props: CoreProperties, report: Report, title: str | None = None) -> None:
    """Fixed document properties: dated by the 成文日期, never by the clock."""
    when = dt.datetime.combine(report.date, dt.time(tzinfo=dt.UTC)) if isinstance(report.date, dt.date) else FIXED_DATE
    props.author = "nianbao"
    title = title or title_text(
        report
    )  # python-docx refuses a property over 255 characters (a 100,000-character agency)
    props.title = title if len(title) <= CORE_PROPERTY_MAX else title[: CORE_PROPERTY_MAX - 1] + "…"
    props.comments = ""
    props.revision = 1
    props.created = when
    props.modified = when
    element = props._element
    for tag in ("cp:lastModifiedBy", "cp:lastPrinted"):
        for el in element.findall(qn(tag)):
            element.remove(el)


def write_docx(
    report: Report,
    path: str | Path,
    style: Style | str | Path | None = None,
    *,
    title: str | None = None,
    draft: bool = False,
) -> Path:
    """Write the report's ``.docx`` atomically to ``path`` (``title``: a roll-up document; ``draft``: 草稿 mark)."""
    return write_atomic(path, docx_bytes(report, style, title=title, draft=draft))
