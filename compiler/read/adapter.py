"""The openpyxl adapter: a returned workbook's cells through openpyxl's public read-only mode.

openpyxl parses the workbook as ``load_workbook(read_only=True, data_only=False,
keep_vba=False, keep_links=False)`` does, with ONE private hook: its
``ExcelReader.read_strings`` step is overridden to read the shared strings as
plain text, lazily (``SharedStrings``). LibreOffice saves every string as rich
text, and building openpyxl's font objects for each run took most of reading
such a file; lazily, strings after the last one a read cell uses are never
parsed. Should a future openpyxl stop calling that step, the override is
simply not called and openpyxl reads the strings itself: slower, same values.

Read-only sheets are lazy: a sheet is parsed only when ``Book.cells`` asks for
it, and only up to the last row and column asked for. Sheets the caller does
not keep (``keep``) are replaced by an empty sheet before openpyxl sees the
package, so a junk sheet of tens of MB next to the template costs nothing.

Worksheets are parsed through defusedxml (entities forbidden), the other parts
through lxml's parser that never resolves entities; the container
(``container.sniff``) has already refused any part declaring a DTD.

Failures: an exception while parsing means a file openpyxl cannot read
(``UnreadableInput`` saying so) — unless this adapter also fails on a
known-good workbook written by openpyxl itself (``adapter_works``): then the
fault is ours (a bug, or a changed openpyxl) and the ``UnreadableInput`` carries
``READER_INTERNAL_ERROR``; the clerk is never told to fix a file that is fine.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import SAVE_AS, UnreadableInput, internal_read_message
from .container import Container

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: What a sheet that is not kept becomes: valid, sized, empty.
_EMPTY_SHEET = f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1"/><sheetData/></worksheet>'.encode()


@dataclass(frozen=True)
class CellContent:
    """One cell as typed: its value, or for a formula cell no value and the formula text."""

    value: Any
    formula: str | None


@dataclass(frozen=True)
class Package:
    """What the workbook part says before openpyxl parses anything: sheet titles and defined names."""

    #: Worksheet titles in workbook order → their part inside the zip.
    sheets: dict[str, str]
    #: Defined names (workbook- and sheet-level) and their text (``'表三'!$D$6``).
    names: tuple[tuple[str, str], ...]


#: Chooses the sheet titles to parse from what the package holds.
Keep = Callable[[Package], set[str]]


class Book:
    """A parsed workbook, as the reader needs it: sheets by title, defined names, properties."""

    def __init__(self, wb: Any, name: str) -> None:
        from openpyxl.utils.datetime import MAC_EPOCH

        self._wb = wb
        self._name = name
        self._sheets = {ws.title: ws for ws in wb.worksheets}
        self._cells: dict[tuple[str, int, int], dict[tuple[int, int], CellContent]] = {}
        #: Worksheet titles in workbook order (chart sheets left out).
        self.titles: list[str] = list(self._sheets)
        #: Defined names → their text: workbook-level first, then sheet-level (first wins).
        self.names: dict[str, str] = {}
        for scope in [wb.defined_names, *(ws.defined_names for ws in wb.worksheets)]:
            for key, dn in scope.items():
                if isinstance(dn.value, str):
                    self.names.setdefault(key, dn.value)
        #: Custom document properties: name → value.
        self.properties: dict[str, Any] = {
            str(p.name): p.value for p in (getattr(wb.custom_doc_props, "props", None) or ())
        }
        #: Dates stored from 1904 (old Mac Excel), not 1900.
        self.epoch_1904 = wb.epoch == MAC_EPOCH

    def cells(self, title: str, max_row: int, max_col: int) -> dict[tuple[int, int], CellContent]:
        """The non-empty cells of sheet ``title`` within A1:(max_row, max_col), by (row, column)."""
        key = (title, max_row, max_col)
        if key not in self._cells:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # openpyxl warns about odd cells; we report what matters
                    self._cells[key] = dict(self._read(self._sheets[title], max_row, max_col))
            except Exception as exc:
                raise failure(exc, self._name) from exc
        return self._cells[key]

    @staticmethod
    def _read(ws: Any, max_row: int, max_col: int) -> Iterator[tuple[tuple[int, int], CellContent]]:
        for row in ws.iter_rows(min_row=1, max_row=max_row, min_col=1, max_col=max_col):
            for cell in row:
                if cell.value is None:
                    continue
                formula = formula_text(cell.value, cell.data_type)
                yield (cell.row, cell.column), CellContent(None if formula else cell.value, formula)


def formula_text(value: Any, data_type: str) -> str | None:
    """The formula of a formula cell (``=SUM(…)``), else ``None``; text starting with ``=`` is text."""
    if data_type == "f" and isinstance(value, str):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text
    if type(value).__name__ == "DataTableFormula":
        return "=TABLE()"
    return None


def open_book(container: Container, name: str, keep: Keep | None = None) -> Book:
    """Parse the workbook (lazily, read-only); ``UnreadableInput`` if openpyxl cannot."""
    try:
        data = container.data if keep is None else _keeping(container.data, keep)
        return Book(_load(data), name)
    except Exception as exc:  # anything from parsing a user's file: never a traceback
        raise failure(exc, name) from exc


def _load(data: bytes) -> Any:
    """``load_workbook(read_only=True)`` with the shared strings read by ``SharedStrings``."""
    from openpyxl.reader.excel import ExcelReader  # the one private point: its read_strings step

    class PlainStringsReader(ExcelReader):
        def read_strings(self) -> None:
            self.shared_strings = SharedStrings(zipfile.ZipFile(io.BytesIO(data)))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PlainStringsReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False, keep_links=False)
        reader.read()
    return reader.wb


# --------------------------------------------------------------------------
# The package before openpyxl: sheet titles and names, junk sheets blanked
# --------------------------------------------------------------------------
def _xml(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def _keeping(data: bytes, keep: Keep) -> bytes:
    """``data`` with the sheets ``keep`` does not choose blanked; unchanged if the package is unusual."""
    try:
        package = read_package(data)
    except Exception:  # openpyxl finds the parts its own way and will say what is wrong
        return data
    kept = keep(package)
    junk = {part for title, part in package.sheets.items() if title not in kept}
    return _without(data, junk) if junk else data


def read_package(data: bytes) -> Package:
    """Sheet titles, their parts and the workbook-level defined names, from the workbook part itself."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    workbook = "xl/workbook.xml"
    for rel in _xml(zf.read("_rels/.rels")).iter(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook = rel.get("Target", workbook).lstrip("/")
    folder = workbook.rpartition("/")[0]
    rels_part = f"{folder}/_rels/{workbook.rpartition('/')[2]}.rels"
    targets = {}
    if rels_part in zf.namelist():
        for rel in _xml(zf.read(rels_part)).iter(f"{{{_PKG_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    root = _xml(zf.read(workbook))
    sheets = {}
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        part = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if part and sheet.get("name") is not None:
            sheets[sheet.get("name")] = part
    names = tuple((dn.get("name"), dn.text or "") for dn in root.iter(f"{{{MAIN_NS}}}definedName") if dn.get("name"))
    return Package(sheets, names)


def _without(data: bytes, parts: set[str]) -> bytes:
    """The same package with ``parts`` (worksheets) replaced by an empty sheet; stored, not recompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, _EMPTY_SHEET if info.filename in parts else src.read(info))
    return out.getvalue()


# --------------------------------------------------------------------------
# Shared strings
# --------------------------------------------------------------------------
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


def shared_strings_part(zf: zipfile.ZipFile) -> str | None:
    """The shared-strings part named by ``[Content_Types].xml``, if any."""
    for override in _xml(zf.read("[Content_Types].xml")).iter(f"{{{_CT_NS}}}Override"):
        if override.get("ContentType") == SHARED_STRINGS_TYPE:
            part = override.get("PartName", "").lstrip("/")
            return part if part in zf.namelist() else None
    return None


_T, _R = f"{{{MAIN_NS}}}t", f"{{{MAIN_NS}}}r"


class SharedStrings:
    """The shared strings as plain text, parsed only as far as the highest index asked for.

    Each ``<si>``: its ``<t>`` text, then the ``<t>`` of each rich-text run
    ``<r>``, phonetic runs left out, ``_xHHHH_`` escapes decoded — what
    openpyxl's ``read_string_table`` gives, escapes aside. Parsed with lxml
    (entities never resolved, no network; DTDs were refused by the container).
    """

    def __init__(self, zf: zipfile.ZipFile) -> None:
        from lxml import etree

        self._strings: list[str] = []
        part = shared_strings_part(zf)
        self._events: Iterator[Any] = iter(())
        if part is not None:
            self._events = etree.iterparse(
                zf.open(part),  # streamed: strings after the last one needed are never inflated
                events=("end",),
                tag=f"{{{MAIN_NS}}}si",
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,  # long narrative cells; entities are never resolved
            )

    def __getitem__(self, index: int) -> str:
        if index >= len(self._strings):
            self._parse(index)
        return self._strings[index]

    def __len__(self) -> int:
        self._parse(None)
        return len(self._strings)

    def _parse(self, index: int | None) -> None:
        """Parse on until string ``index`` is read (``None``: to the end)."""
        t, r = _T, _R
        strings = self._strings
        for _, node in self._events:
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
            if index is not None and len(strings) > index:
                return


# --------------------------------------------------------------------------
# Failures: the file's, or ours
# --------------------------------------------------------------------------
def failure(exc: BaseException, name: str) -> UnreadableInput:
    """The ``UnreadableInput`` for an exception raised while parsing: the file's fault, or ours."""
    if isinstance(exc, UnreadableInput):
        return exc
    chain = _chain(exc)
    message = _plain_cause(chain, name)
    if message is None and not adapter_works():
        return UnreadableInput(internal_read_message(name, exc), code="READER_INTERNAL_ERROR")
    return UnreadableInput(
        message
        or f"无法读取“{name}”：工作簿内容无法解析（{type(chain[-1]).__name__}），"
        f"文件可能已损坏或由不兼容的软件生成。{SAVE_AS}"
    )


def adapter_works() -> bool:
    """Does this adapter read a known-good workbook, written by openpyxl itself? (Asked only after a failure.)"""
    try:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "表三"
        ws["B2"], ws["C3"] = "文字", "=1+1"
        out = io.BytesIO()
        wb.save(out)
        book = Book(_load(out.getvalue()), "self-test")
        cells = dict(book._read(book._sheets["表三"], 3, 3))
        return cells.get((2, 2)) == CellContent("文字", None) and cells.get((3, 3)) == CellContent(None, "=1+1")
    except Exception:
        return False


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost first."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    return chain


def _plain_cause(chain: list[BaseException], name: str) -> str | None:
    """A message for the failures whose cause is plain (unsafe XML, memory); ``None`` otherwise."""
    classes = [type(x).__name__ for x in chain]
    modules = [type(x).__module__ or "" for x in chain]
    # defusedxml (ElementTree parts) forbids entities; lxml stops on amplification
    if any(m.startswith("defusedxml") for m in modules) or any("entit" in str(x).lower() for x in chain):
        return (
            f"无法读取“{name}”：工作簿中含有不安全的 XML 内容（{classes[-1]}，如实体扩展“XML 炸弹”），已拒绝读取。"
            "请检查文件来源，重新获取填报表。"
        )
    if any(isinstance(x, MemoryError) for x in chain):
        return f"无法读取“{name}”：工作簿内容过大，内存不足以读取（MemoryError）。请检查文件是否正确。"
    return None
