"""Reading a returned workbook (our template, filled in by a clerk) into a ``Report``.

The input is read into memory once and never written. Before openpyxl sees
it, the container is sniffed (empty, legacy/encrypted OLE2, HTML or text
disguised as .xlsx, truncated zip, OpenDocument/Word inside a zip) and
guarded against zip bombs by the sizes in the zip directory; an XML part
declaring a DTD (entity expansion, external entities) is refused. openpyxl then
parses it in normal mode, binding cell contents only: worksheets through
defusedxml (entities forbidden), the other parts through lxml's parser that
never resolves entities (openpyxl's choice when lxml is installed), shared
strings through ``plain_string_table`` (DTDs refused). Any exception from
that parse becomes ``UnreadableInput``; only our own bugs can propagate.

Cells are located by the workbook's defined names first (they follow rows
inserted and sheets renamed in Excel, WPS or LibreOffice), else at the
template position from ``compiler.schema.workbook``. Cached formula values are
never used: totals are recomputed from the inputs; a total typed over its
formula is kept as typed and its formula value recorded in
``origin.overridden``.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..catalog import CATALOG
from ..compute import recompute_totals, sum_values
from ..findings import Finding
from ..model import Origin, Report, Value
from ..schema import DEFAULT_FORMAT, Schema, get_schema
from ..schema.workbook import SHEET_INSTRUCTIONS, SHEET_STAMP, STAMP_FIELDS, TEMPLATE_VERSION, cell_map, stamp_property
from . import UnreadableInput, os_error_message
from .values import (
    constant_arithmetic,
    date_value,
    figure_value,
    info_text,
    is_typed_as_text,
    narrative_text,
    year_value,
)

# --------------------------------------------------------------------------
# Limits (documented: a filled template is ~50 KB, ~1 MB inflated)
# --------------------------------------------------------------------------
#: Largest file we read into memory at all.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Refuse a workbook whose members inflate to more than this in total (zip-bomb guard).
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
#: A member inflating more than this many times its compressed size …
MAX_COMPRESSION_RATIO = 200
#: … is refused when it also inflates to more than this (small members compress well legitimately).
RATIO_CHECK_MIN_SIZE = 50 * 1024 * 1024
#: Refuse a zip with more members than this (a template has ~20).
MAX_MEMBERS = 10_000
# Python's zipfile stops inflating a member at its declared size (and then
# fails its CRC check), so a directory that lies about sizes cannot inflate
# more than these limits allow.

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

_MB = 1024 * 1024
_SAVE_AS = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）格式，再重新提交。"
_COORD = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
#: A defined name's target: ``'表三'!$D$6`` or ``Sheet1!$B$2:$C$3`` (top-left cell taken).
_NAME_TARGET = re.compile(
    r"=?(?:'((?:[^']|'')+)'|([^'!\[\]:\s]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?"
)


# --------------------------------------------------------------------------
# Container checks: before openpyxl touches anything
# --------------------------------------------------------------------------
@dataclass
class Container:
    """What the zip directory told us about the workbook."""

    data: bytes
    names: frozenset[str]

    @property
    def has_macros(self) -> bool:
        return any(n.lower().endswith("vbaproject.bin") for n in self.names)

    @property
    def has_external_links(self) -> bool:
        return any(n.startswith("xl/externalLinks/") for n in self.names)


def read_bytes(path: Path) -> bytes:
    """The whole file, refusing directories, missing files and absurd sizes."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(path))
        if size > MAX_FILE_BYTES:
            raise UnreadableInput(
                f"无法读取“{path.name}”：文件过大（{size / _MB:.0f} MB，上限 {MAX_FILE_BYTES // _MB} MB），"
                "不像是一份填报表。请检查是否选错了文件。"
            )
        with path.open("rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UnreadableInput(os_error_message(path, exc)) from exc


def sniff(data: bytes, name: str) -> Container:
    """Check that ``data`` is an OOXML workbook zip we may safely inflate; else ``UnreadableInput``."""
    if not data:
        raise UnreadableInput(f"无法读取“{name}”：文件是空的（0 字节）。请重新获取或重新保存填报表后再提交。")
    if data.startswith(OLE2_MAGIC):
        raise UnreadableInput(_ole2_message(data, name))
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableInput(_not_zip_message(data, name))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableInput(
            f"无法读取“{name}”：文件已损坏或不完整（可能在传输或拷贝中被截断），无法作为 .xlsx 打开"
            f"（{type(exc).__name__}）。请重新获取原文件；如能用 Excel/WPS 打开，请另存为 .xlsx 后重新提交。"
        ) from exc
    guard_bomb(infos, name)
    names = frozenset(i.filename for i in infos)
    if any(i.flag_bits & 0x1 for i in infos):
        raise UnreadableInput(f"无法读取“{name}”：文件内容被压缩密码加密。请取消密码保护后另存为 .xlsx 再提交。")
    _refuse_dtds(zf, infos, name)
    if "mimetype" in names:
        mime = zf.read("mimetype")[:100].decode("ascii", "replace")
        if "opendocument.spreadsheet" in mime:
            raise UnreadableInput(f"无法读取“{name}”：这其实是 OpenDocument 电子表格（.ods）。{_SAVE_AS}")
        if "opendocument" in mime:
            raise UnreadableInput(f"无法读取“{name}”：这是 OpenDocument 文档，不是 Excel 工作簿。{_SAVE_AS}")
    if "word/document.xml" in names:
        raise UnreadableInput(f"无法读取“{name}”：这是 Word 文档（.docx），不是 Excel 工作簿。请提交填报表（.xlsx）。")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UnreadableInput(
            f"无法读取“{name}”：这是一个 zip 压缩包，但不是 Excel 工作簿。请提交填报表（.xlsx）本身。"
        )
    if "xl/workbook.xml" in names and b"purl.oclc.org/ooxml/spreadsheetml" in zf.read("xl/workbook.xml")[:4096]:
        raise UnreadableInput(
            f"无法读取“{name}”：工作簿保存为“Strict Open XML 电子表格”格式。"
            "请在 Excel 中“另存为”普通的“Excel 工作簿（.xlsx）”后重新提交。"
        )
    return Container(data, names)


def guard_bomb(infos: list[zipfile.ZipInfo], name: str, what: str = "填报表") -> None:
    """Refuse a zip whose directory promises too many members or too many inflated bytes (also used for .docx)."""
    refuse = (
        f"无法读取“{name}”：文件解压后异常巨大（{{detail}}），疑似“压缩炸弹”，已拒绝读取。"
        f"正常的{what}解压后不过几 MB；请检查文件来源，重新获取{what}。"
    )
    if len(infos) > MAX_MEMBERS:
        raise UnreadableInput(refuse.format(detail=f"含 {len(infos)} 个部件，上限 {MAX_MEMBERS}"))
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        detail = f"共 {total / _MB:.0f} MB，上限 {MAX_TOTAL_UNCOMPRESSED // _MB} MB"
        raise UnreadableInput(refuse.format(detail=detail))
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > RATIO_CHECK_MIN_SIZE and ratio > MAX_COMPRESSION_RATIO:
            detail = f"部件 {i.filename[:80]} 解压为 {i.file_size / _MB:.1f} MB，压缩比 {ratio:.0f}:1"
            raise UnreadableInput(refuse.format(detail=detail))


#: A DTD (the vehicle of entity expansion and external entities) has no place in OOXML.
_DTD_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be"))
#: How much of each XML part's start is searched for a DTD (it must precede the root element).
DTD_SCAN_BYTES = 64 * 1024


def _refuse_dtds(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse any XML part declaring a DTD, before any parser sees it."""
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(info) as member:
                head = member.read(DTD_SCAN_BYTES)
        except Exception as exc:  # corrupt member: zlib.error, unsupported method, …
            raise UnreadableInput(
                f"无法读取“{name}”：文件已损坏，部件 {info.filename[:80]} 无法解压（{type(exc).__name__}）。"
                "请重新获取原文件；如能用 Excel/WPS 打开，请另存为 .xlsx 后重新提交。"
            ) from exc
        if any(mark in head for mark in _DTD_MARKS):
            raise UnreadableInput(
                f"无法读取“{name}”：工作簿中含有不安全的 XML 内容（部件 {info.filename[:80]} 声明了 DTD/实体，"
                "如实体扩展“XML 炸弹”或外部实体），已拒绝读取。请检查文件来源，重新获取填报表。"
            )


def _ole2_message(data: bytes, name: str) -> str:
    """An OLE2/CFB file: an encrypted (password-protected) OOXML workbook, or a legacy binary file."""
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return (
            f"无法读取“{name}”：工作簿设置了打开密码（已加密）。"
            "请在 Excel/WPS 中取消密码保护（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx 再提交。"
        )
    if "WordDocument".encode("utf-16-le") in data:
        return f"无法读取“{name}”：这是旧版 Word 文档（.doc），不是 Excel 工作簿。请提交填报表（.xlsx）。"
    return f"无法读取“{name}”：这是旧版 Excel 97-2003 工作簿（.xls）或 WPS 表格（.et），扩展名与内容不符。{_SAVE_AS}"


def _not_zip_message(data: bytes, name: str) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        return (
            f"无法读取“{name}”：文件内容是网页或 XML 文本，不是真正的 Excel 工作簿"
            f"（有些系统导出的“Excel”其实是网页）。{_SAVE_AS}"
        )
    if head.startswith(b"%pdf"):
        return f"无法读取“{name}”：这是 PDF 文件，不是 Excel 工作簿。请提交填报表（.xlsx）。"
    if head.startswith((b"{", b"[")):
        return f"无法读取“{name}”：文件内容是 JSON 文本，不是 Excel 工作簿。报告 JSON 请使用 .json 扩展名。"
    if b"\x00" not in data[:4096] and _decodes(data[:4096]):
        return f"无法读取“{name}”：文件内容是纯文本（如 CSV），不是 Excel 工作簿。{_SAVE_AS}"
    return f"无法读取“{name}”：文件内容不是 Excel 工作簿（可能已损坏，或扩展名有误）。{_SAVE_AS}"


def _decodes(chunk: bytes) -> bool:
    for enc in ("utf-8", "gb18030"):
        try:
            chunk.decode(enc)
            return True
        except UnicodeDecodeError:
            # a multi-byte character may be cut at the chunk's end
            try:
                chunk[:-3].decode(enc)
                return True
            except UnicodeDecodeError:
                continue
    return False


# --------------------------------------------------------------------------
# openpyxl parse
# --------------------------------------------------------------------------
def load_openpyxl(container: Container, name: str) -> Any:
    """Parse with openpyxl in normal mode (formulas as text, no VBA, no external links).

    Only cell contents are bound (see ``_cells_only_reader``): a value reader
    never uses merged-cell borders, conditional formats, validations, images
    or charts, and binding them took most of the time.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _cells_only_reader()(
                io.BytesIO(container.data), read_only=False, keep_vba=False, data_only=False, keep_links=False
            )
            reader.read()
            return reader.wb
    except Exception as exc:  # anything from parsing a user's file: never a traceback
        raise UnreadableInput(_parse_error_message(exc, name)) from exc


@cache
def _cells_only_reader() -> type:
    """openpyxl's ``ExcelReader`` binding only each worksheet's cells.

    Same parser, same normal (not read-only) mode and cell types, but
    ``bind_all`` is replaced by ``bind_cells``: merged ranges (whose border
    formatting cost ~60 % of the load), conditional formats, hyperlinks,
    dimensions, comments, tables, drawings, images and pivots are skipped.
    Shared strings are read as plain text (``plain_string_table``): LibreOffice
    saves every string as rich text, and building openpyxl's font objects for
    each run took ~80 % of reading such a file. The instructions sheet (the largest, and holding no input) is not parsed
    unless a defined name points into it. Skipped sheets and chart sheets get
    an empty placeholder so sheet indices (for sheet-scoped names) stay right.
    """
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._reader import WorksheetReader

    class CellsOnlyReader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as src:
                    self.shared_strings = plain_string_table(src)

        def read_worksheets(self) -> None:
            named = " ".join(
                str(d.value) for d in self.parser.defined_names.definedName if not str(d.name).startswith("_xlnm.")
            )
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                ws = self.wb.create_sheet(sheet.name)
                skip = sheet.name == SHEET_INSTRUCTIONS and SHEET_INSTRUCTIONS not in named
                if "chartsheet" not in rel.Type and not skip:
                    with self.archive.open(rel.target) as fh:
                        WorksheetReader(ws, fh, self.shared_strings, self.data_only, self.rich_text).bind_cells()
                ws.sheet_state = sheet.state

    return CellsOnlyReader


_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_xstring(text: str) -> str:
    """OOXML text escapes: ``_xHHHH_`` is U+HHHH (``_x000D_`` a carriage return, ``_x005F_`` a literal ``_``).

    Excel, WPS and xlsxwriter store control characters this way; openpyxl leaves
    them as typed, so a ``\\r`` written by our template came back as ``_x000D_``.
    A surrogate code (no file can hold it) becomes U+FFFD.
    """
    if "_x" not in text:
        return text

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1), 16)
        return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)

    return _XSTRING_ESCAPE.sub(char, text)


class UnsafeXml(ValueError):
    """A part declaring a DTD or entities: never needed in OOXML, the vehicle of XML bombs."""


def plain_string_table(src: Any) -> list[str]:
    """The shared strings as plain text, exactly as openpyxl's ``read_string_table`` gives them.

    Each ``<si>``: its ``<t>`` text, then the ``<t>`` of each rich-text run
    ``<r>``, phonetic runs left out, ``_xHHHH_`` escapes decoded. A part with a
    DTD or entity declaration is refused; parsed with lxml (C speed; entities
    never resolved, no network), else openpyxl's defusedxml ``iterparse``.
    """
    from openpyxl.xml.constants import SHEET_MAIN_NS

    data = src.read()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXml("sharedStrings.xml declares a DTD or entities (entity expansion refused)")
    si, t, r = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        from openpyxl.xml.functions import iterparse

        events: Any = ((e, n) for e, n in iterparse(io.BytesIO(data)) if n.tag == si)
    else:
        events = etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=si,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,  # long narrative cells; entities are refused above and never resolved
        )
    strings: list[str] = []
    for _, node in events:
        parts = []
        for child in node:
            if child.tag == t:
                parts.append(child.text or "")
            elif child.tag == r:
                run = child.find(t)
                if run is not None:
                    parts.append(run.text or "")
        strings.append(unescape_xstring("".join(parts)))
        node.clear()
    return strings


def _parse_error_message(exc: BaseException, name: str) -> str:
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    classes = [type(x).__name__ for x in chain]
    modules = [type(x).__module__ or "" for x in chain]
    # defusedxml (ElementTree parts) forbids entities; lxml (used by openpyxl when installed) stops on amplification
    if any(m.startswith("defusedxml") for m in modules) or any("entit" in str(x).lower() for x in chain):
        return (
            f"无法读取“{name}”：工作簿中含有不安全的 XML 内容（{classes[-1]}，如实体扩展“XML 炸弹”），已拒绝读取。"
            "请检查文件来源，重新获取填报表。"
        )
    if any(isinstance(x, MemoryError) for x in chain):
        return f"无法读取“{name}”：工作簿内容过大，内存不足以读取（MemoryError）。请检查文件是否正确。"
    return f"无法读取“{name}”：工作簿内容无法解析（{classes[-1]}），文件可能已损坏或由不兼容的软件生成。{_SAVE_AS}"


# --------------------------------------------------------------------------
# Locating cells
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Located:
    """A cell's content as found in the workbook."""

    sheet: str
    a1: str
    value: Any
    formula: str | None


def _defined_names(wb: Any) -> dict[str, tuple[str, str]]:
    """Workbook-level (then sheet-level) defined names → (sheet title, top-left A1).

    Parsed with one regex instead of openpyxl's formula tokenizer (10× faster);
    names over ``#REF!``, external workbooks or formulas do not match and are
    ignored (the cell is then looked up at its template position).
    """
    found: dict[str, tuple[str, str]] = {}
    scopes = [wb.defined_names] + [ws.defined_names for ws in wb.worksheets if hasattr(ws, "defined_names")]
    for scope in scopes:
        for name, dn in scope.items():
            if name in found or not isinstance(dn.value, str):
                continue
            m = _NAME_TARGET.fullmatch(dn.value.strip())
            if m:
                sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
                found[name] = (sheet, f"{m.group(3).upper()}{int(m.group(4))}")
    return found


class _Locator:
    """Finds each key's cell: defined name first, else the template position."""

    def __init__(self, wb: Any, schema: Schema) -> None:
        self.wb = wb
        self.sheets = {ws.title: ws for ws in wb.worksheets}
        self.names = _defined_names(wb)
        self.positions = cell_map(schema)
        self.by_name = 0
        self.by_position = 0
        #: Every key looked up → where it was found (for findings that name a cell).
        self.found: dict[str, Located] = {}
        #: Keys found away from their template position → (sheet, A1), for findings.
        self.moved: dict[str, tuple[str, str]] = {}
        self.missing_sheets: set[str] = set()

    def find(self, key: str) -> Located | None:
        if key in self.found:
            return self.found[key]
        located = self._find(key)
        if located is not None:
            self.found[key] = located
            home = self.positions.get(key)
            if home is not None and (located.sheet, located.a1) != (home.sheet, home.a1):
                self.moved[key] = (located.sheet, located.a1)
        return located

    def _find(self, key: str) -> Located | None:
        target = self.names.get(key)
        if target and target[0] in self.sheets:
            self.by_name += 1
            return self._content(self.sheets[target[0]], target[1])
        ref = self.positions.get(key)
        if ref is None:
            return None
        ws = self.sheets.get(ref.sheet)
        if ws is None:
            self.missing_sheets.add(ref.sheet)
            return None
        self.by_position += 1
        return self._content(ws, ref.a1)

    @staticmethod
    def _content(ws: Any, a1: str) -> Located:
        m = _COORD.fullmatch(a1)
        assert m  # built by us above
        from openpyxl.utils.cell import column_index_from_string

        row, col = int(m.group(2)), column_index_from_string(m.group(1))
        if not (1 <= row <= 1_048_576 and 1 <= col <= 16_384):
            return Located(ws.title, a1, None, None)
        cell = ws._cells.get((row, col))  # never create cells: we only read
        if cell is None:
            return Located(ws.title, a1, None, None)
        value = cell.value
        formula = _formula_text(cell)
        return Located(ws.title, a1, None if formula else value, formula)


def _formula_text(cell: Any) -> str | None:
    """The formula of a formula cell (``=SUM(…)``), else ``None``; text starting with ``=`` is text."""
    value = cell.value
    if cell.data_type == "f" and isinstance(value, str):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text
    if type(value).__name__ == "DataTableFormula":
        return "=TABLE()"
    return None


# --------------------------------------------------------------------------
# The stamp
# --------------------------------------------------------------------------
def read_stamp(wb: Any) -> dict[str, str]:
    """The template stamp from the hidden sheet and the custom document properties."""
    stamp: dict[str, str] = {}
    by_name = {stamp_property(f): f for f in STAMP_FIELDS} | {f: f for f in STAMP_FIELDS}
    ws = next((w for w in wb.worksheets if w.title == SHEET_STAMP), None)
    if ws is not None:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 50), max_col=2, values_only=True):
            field = by_name.get(str(row[0]).strip()) if row and row[0] is not None else None
            if field and len(row) > 1 and row[1] is not None:
                stamp[field] = info_text(row[1]) or ""
    props = getattr(wb, "custom_doc_props", None)
    for prop in getattr(props, "props", None) or ():
        field = by_name.get(str(getattr(prop, "name", "")))
        value = getattr(prop, "value", None)
        if field and field not in stamp and value is not None:
            stamp[field] = info_text(value) or ""
    return stamp


def _version_tuple(v: str) -> tuple[int, ...] | None:
    parts = v.strip().split(".")
    if len(v) > 20 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


# --------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------
def read_workbook(path: str | Path) -> Report:
    """Read a returned workbook into a ``Report``; ``UnreadableInput`` if it cannot be opened."""
    path = Path(path)
    container = sniff(read_bytes(path), path.name)
    wb = load_openpyxl(container, path.name)
    return _read(wb, container, path)


def _read(wb: Any, container: Container, path: Path) -> Report:
    findings: list[Finding] = []
    stamp = read_stamp(wb)
    format_id = stamp.get("format") or DEFAULT_FORMAT
    origin = Origin(path=str(path), kind="xlsx", template_version=stamp.get("template_version"), stamp=stamp)
    try:
        schema = get_schema(format_id)
    except KeyError:
        findings.append(
            CATALOG["TEMPLATE_FORMAT_UNKNOWN"].at(
                f"工作簿标记的报表格式“{clip(format_id)}”不是本版本所支持的格式，无法读取其中的数据。"
                "请升级 nianbao，或改用最新的标准填报模板重新填报。",
            )
        )
        origin.unread = {f.key for f in get_schema().figures()}
        return _finish(Report.empty(), origin, findings, container, path)

    report = Report.empty(format_id)
    loc = _Locator(wb, schema)
    origin.cells = loc.moved  # filled as cells are found
    stamped = bool(stamp.get("format"))
    if not stamped and not any(k in loc.names for k in loc.positions):
        table_sheets = {t.sheet for t in schema.tables}
        if not table_sheets <= set(loc.sheets):
            findings.append(
                CATALOG["NOT_TEMPLATE"].at(
                    "这不是 nianbao 标准填报模板：工作簿中没有模板标记、单元格名称和表二至表四工作表，"
                    "无法确定数据位置。请使用标准填报模板（nianbao template 生成）填写后重新提交。",
                )
            )
            origin.unread = {f.key for f in schema.figures()}
            return _finish(report, origin, findings, container, path)
    if not stamped:
        findings.append(
            CATALOG["STAMP_MISSING"].at(
                "工作簿中没有找到模板标记（格式与版本），可能不是用标准模板填写的，已按标准模板的位置读取，请核对数据。",
            )
        )
    _check_version(stamp, findings)

    _read_info(report, loc, schema, findings, wb)
    _read_narrative(report, loc, schema, findings)
    overridden = _read_figures(report, loc, schema, findings)
    origin.unread = {f.key for f in schema.figures() if loc.find(f.key) is None}
    recompute_totals(report, keep=overridden | origin.unread)  # a total we could not see stays unknown
    for rule in schema.formula_rules():
        if rule.anchor in overridden:
            origin.overridden[rule.anchor] = sum_values(report.value(k) for k in rule.right)

    if loc.by_position and (loc.by_name or stamped):
        findings.append(
            CATALOG["NAMES_MISSING"].at(
                f"工作簿中有 {loc.by_position} 个单元格名称缺失或失效，这些单元格已按标准模板的默认位置读取；"
                "如插入、删除过行或列，数据可能错位，请核对。",
            )
        )
    for sheet in sorted(loc.missing_sheets):
        findings.append(
            CATALOG["SHEET_MISSING"].at(
                f"找不到工作表“{sheet}”（可能被删除或改名），其中的数据无法读取。请使用完整的标准模板重新填报。",
                sheet=sheet,
            )
        )
    return _finish(report, origin, findings, container, path)


def _finish(report: Report, origin: Origin, findings: list[Finding], container: Container, path: Path) -> Report:
    if container.has_macros or path.suffix.lower() == ".xlsm":
        findings.append(
            CATALOG["MACROS_IGNORED"].at(
                "工作簿含有宏（或为启用宏的 .xlsm 格式）：只读取了单元格中的数值，宏未被执行。建议另存为 .xlsx 提交。",
            )
        )
    if container.has_external_links:
        findings.append(
            CATALOG["EXTERNAL_LINKS_IGNORED"].at(
                "工作簿含有指向其他文件的外部链接：链接未被打开，也未使用其中的数据；引用外部数据的单元格请直接填写数字。",
            )
        )
    origin.findings = findings
    report.origin = origin
    return report


def _check_version(stamp: dict[str, str], findings: list[Finding]) -> None:
    version = stamp.get("template_version")
    if not version or version == TEMPLATE_VERSION:
        return
    found, ours = _version_tuple(version), _version_tuple(TEMPLATE_VERSION)
    if found is None or ours is None:
        findings.append(
            CATALOG["TEMPLATE_VERSION_UNKNOWN"].at(
                f"无法识别填报模板的版本（{clip(version)}），已按当前模板（第 {TEMPLATE_VERSION} 版）读取，请核对数据。",
                actual=version,
                expected=TEMPLATE_VERSION,
            )
        )
    elif found < ours:
        findings.append(
            CATALOG["TEMPLATE_VERSION_OLD"].at(
                f"这是旧版填报模板（第 {version} 版，当前为第 {TEMPLATE_VERSION} 版）。已尽量读取，"
                "请核对数据；下次请使用最新模板。",
                actual=version,
                expected=TEMPLATE_VERSION,
            )
        )
    else:
        findings.append(
            CATALOG["TEMPLATE_VERSION_NEW"].at(
                f"填报模板的版本（{version}）比本程序支持的版本（{TEMPLATE_VERSION}）新，已尽量读取；请升级 nianbao。",
                actual=version,
                expected=TEMPLATE_VERSION,
            )
        )


def clip(text: str, limit: int = 60) -> str:
    """Text shortened for a message (an agency name may be 100,000 characters)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _formula_finding(found: Located, key: str, label: str) -> Finding:
    return CATALOG["FORMULA_IN_INPUT"].at(
        f"“{label}”单元格含有公式 {found.formula[:100] if found.formula else ''}，请直接填写数字或文字，不要使用公式。",
        sheet=found.sheet,
        cell=found.a1,
        key=key,
        actual=found.formula,
    )


def _read_info(report: Report, loc: _Locator, schema: Schema, findings: list[Finding], wb: Any) -> None:
    from openpyxl.utils.datetime import MAC_EPOCH

    epoch_1904 = getattr(wb, "epoch", None) == MAC_EPOCH
    for field in schema.info:
        found = loc.find(field.key)
        if found is None:
            continue
        if found.formula:
            findings.append(_formula_finding(found, field.key, field.label))
            report.set_info(field.key, found.formula)
            continue
        raw = found.value
        if field.kind == "year":
            value: Any = year_value(raw)
        elif field.kind == "date":
            value = date_value(raw, epoch_1904=epoch_1904)
        else:
            value = info_text(raw)
        report.set_info(field.key, value)


def _read_narrative(report: Report, loc: _Locator, schema: Schema, findings: list[Finding]) -> None:
    for part in schema.narrative:
        found = loc.find(part.key)
        if found is None:
            continue
        if found.formula:
            findings.append(_formula_finding(found, part.key, part.title))
            report.narrative[part.key] = found.formula
            continue
        report.narrative[part.key] = narrative_text(found.value)


def _read_figures(report: Report, loc: _Locator, schema: Schema, findings: list[Finding]) -> set[str]:
    """Read every figure; returns the total cells whose formula was typed over."""
    totals = {r.anchor for r in schema.formula_rules()}
    overridden: set[str] = set()
    for fig in schema.figures():
        found = loc.find(fig.key)
        if found is None:
            continue
        value: Value
        if found.formula:
            constant = constant_arithmetic(found.formula)
            if fig.key in totals:
                if constant is None:
                    continue  # a live formula: recomputed from the inputs
                value = constant  # "=12+3" typed over the total: a hand-typed total
                overridden.add(fig.key)
            elif constant is not None:
                value = constant
                findings.append(
                    CATALOG["FORMULA_EVALUATED"].at(
                        f"“{fig.name}”单元格是算式 {found.formula[:100]}，已按其结果 {constant} 读取；建议直接填写数字。",
                        sheet=found.sheet,
                        cell=found.a1,
                        key=fig.key,
                        actual=constant,
                    )
                )
            else:
                value = found.formula
                findings.append(_formula_finding(found, fig.key, fig.name))
        else:
            value = figure_value(found.value)
            if is_typed_as_text(found.value, value):
                findings.append(_text_number_finding(found, fig.key, fig.name, value))
            if fig.key in totals:
                if value is None:
                    continue  # formula deleted, nothing typed: recomputed like a spreadsheet would show it
                overridden.add(fig.key)
        report.set_value(fig.key, value)
    return overridden


def _text_number_finding(found: Located, key: str, label: str, value: Value) -> Finding:
    typed = clip(str(found.value).strip(), 30)
    return CATALOG["NUMBER_AS_TEXT"].at(
        f"“{label}”单元格中的“{typed}”是以文字形式填写的数字（全角数字或文本格式）：核查已按 {value} 计算，"
        f"但工作表自己的合计公式不计入文字，表中显示的合计会少算这一格。请删除后重新输入半角数字 {value}"
        "（单元格格式为“常规”或“数值”）。",
        sheet=found.sheet,
        cell=found.a1,
        key=key,
        actual=typed,
        expected=value,
    )


__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_TOTAL_UNCOMPRESSED",
    "RATIO_CHECK_MIN_SIZE",
    "Container",
    "guard_bomb",
    "read_bytes",
    "read_stamp",
    "read_workbook",
    "sniff",
]
