"""Build the hostile-input corpus: malformed workbooks, report JSONs and published reports.

Nothing here is committed as a blob: every input is generated at test time
(``tests/test_hostile.py`` calls ``build(name, directory)``), so the corpus
stays small in the repository and in step with the template. Run it by hand
to look at the files:

    .venv/bin/python tests/hostile/make_corpus.py /tmp/corpus        # every case
    .venv/bin/python tests/hostile/make_corpus.py /tmp/corpus zip_bomb_total

Each builder writes one input (and nothing else) into an empty directory and
returns its path. The good base report is ``tests/synth.py``'s ``consistent_report``
(every sum holds), filled into the blank template through the defined names
with openpyxl — as a clerk's program would — so that a case differs from a
clean sheet only by its hostile part.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from synth import consistent_report

from compiler.model import Report
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref
from compiler.template.writer import template_bytes

SCHEMA = get_schema()
TOTALS = frozenset(r.anchor for r in SCHEMA.formula_rules())
MB = 1024 * 1024

#: The count cell the number cases write into: 行政许可 (table 2), in no sum rule.
NUMBER_KEY = "t2_r03_c1"
#: A table-3 input (本年新收, 自然人): a hostile value here makes sums uncheckable.
T3_KEY = "t3_r01_c1"

Builder = Callable[[Path], Path]
BUILDERS: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return register


def build(name: str, directory: Path) -> Path:
    """Write case ``name`` into ``directory`` (created); returns the input's path."""
    directory.mkdir(parents=True, exist_ok=True)
    return BUILDERS[name](directory)


# ----------------------------------------------------------------------------- base material
class Text(str):
    """A string stored as a text cell even when it starts with ``=`` (as Excel does with a leading ')."""


@cache
def base_report() -> Report:
    """A fully consistent report: the checker finds nothing in it."""
    return consistent_report(random.Random(2024))


def report_copy() -> Report:
    return Report.from_json(json.loads(base_report().dumps()))


@cache
def _blank_template() -> bytes:
    return template_bytes()


def _load(data: bytes) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data))


def named_cell(wb: Any, key: str) -> Any:
    sheet, coord = next(iter(wb.defined_names[key].destinations))
    return wb[sheet][coord.replace("$", "")]


def set_cell(cell: Any, value: Any) -> None:
    """Store ``value``; a ``Text`` or any string starting with ``=`` stays a text cell."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def input_values(report: Report) -> dict[str, Any]:
    """Every input of ``report`` by defined name (totals are left to the template's formulas)."""
    values: dict[str, Any] = {f.key: report.info(f.key) for f in SCHEMA.info}
    values |= {p.key: report.narrative.get(p.key) or None for p in SCHEMA.narrative}
    values |= {f.key: report.value(f.key) for f in SCHEMA.figures() if f.key not in TOTALS}
    return values


@cache
def _filled_base() -> bytes:
    wb = _load(_blank_template())
    for key, value in input_values(base_report()).items():
        set_cell(named_cell(wb, key), value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _filled_workbook_bytes(overrides: dict[str, Any] | None = None, edit: Callable[[Any], None] | None = None) -> bytes:
    wb = _load(_filled_base())
    for key, value in (overrides or {}).items():
        set_cell(named_cell(wb, key), value)
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filled_workbook(
    path: Path, overrides: dict[str, Any] | None = None, edit: Callable[[Any], None] | None = None
) -> Path:
    """The clean base sheet with ``overrides`` typed into named cells and ``edit`` applied, saved as ``path``."""
    path.write_bytes(_filled_workbook_bytes(overrides, edit))
    return path


def base_workbook(path: Path) -> Path:
    path.write_bytes(_filled_base())
    return path


def report_json(path: Path, edit: Callable[[dict[str, Any]], None] | None = None, raw: str | None = None) -> Path:
    """The base report as JSON, with ``edit`` applied to the parsed document (or ``raw`` text)."""
    if raw is None:
        doc = json.loads(base_report().dumps())
        if edit is not None:
            edit(doc)
        raw = json.dumps(doc, ensure_ascii=False, indent=2)
    path.write_text(raw, encoding="utf-8")
    return path


def json_with(path: Path, key: str, value: Any) -> Path:
    """The base report JSON with one figure, info field or narrative part replaced (``value`` as JSON)."""
    report = report_copy()
    if key.startswith("info_"):
        report.set_info(key, value)
    elif key.startswith("narr_"):
        report.narrative[key] = value
    else:
        report.set_value(key, value)
    doc = report.to_json()
    path.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    return path


def rewrite_member(src: bytes, member: str, transform: Callable[[bytes], bytes]) -> bytes:
    """The zip ``src`` with one member's bytes transformed (every other member copied)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, transform(data) if info.filename == member else data)
    return out.getvalue()


def add_members(src: bytes, members: dict[str, bytes | str], transform: dict[str, Callable[[bytes], bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in transform:
                data = transform[info.filename](data)
            zout.writestr(info.filename, data)
        for name, data in members.items():
            zout.writestr(name, data)
    return out.getvalue()


def sheet_member(wb_bytes: bytes, sheet: str) -> str:
    """The zip member holding worksheet ``sheet`` (via workbook.xml and its rels)."""
    with zipfile.ZipFile(io.BytesIO(wb_bytes)) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, sheet
    target = re.search(rf'<Relationship[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else "xl/" + name


def set_raw_cell(sheet_xml: bytes, a1: str, cell_xml: str) -> bytes:
    """Replace cell ``a1`` in a worksheet's XML by ``cell_xml`` (the cell must exist)."""
    text = sheet_xml.decode("utf-8")
    pattern = re.compile(rf'<c r="{a1}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    assert pattern.search(text), a1
    return pattern.sub(cell_xml, text, count=1).encode("utf-8")


# ----------------------------------------------------------------------------- OLE2 / CFB
def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid Compound File (v3, 512-byte sectors) holding ``streams`` in the root.

    Streams are padded to 4096 bytes so that they live in ordinary sectors
    (no mini stream); enough for a reader to recognise what the file is.
    """
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    padded = [streams[n].ljust(4096, b"\x00") for n in names]
    padded = [p + b"\x00" * (-len(p) % 512) for p in padded]
    dir_sectors = (len(names) + 1 + 3) // 4
    fat: list[int] = [fat_sect]  # sector 0: the FAT itself
    fat += [i + 2 for i in range(dir_sectors - 1)] + [end]  # directory chain from sector 1
    starts = []
    for p in padded:
        start, count = len(fat), len(p) // 512
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    assert len(fat) <= 128, "one FAT sector is enough for the corpus"
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", nostream, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else nostream, nostream, end, 0)]
    for i, name in enumerate(names):  # a right-leaning chain; names sorted as CFB compares them
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, starts[i], len(streams[name])))
    empty = (
        b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", nostream, nostream, nostream) + b"\x00" * 52
    )
    directory = b"".join(entries) + empty * (dir_sectors * 4 - len(entries))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    return header + fat_bytes + directory + b"".join(padded)


def _cfb_sorted(streams: dict[str, bytes]) -> dict[str, bytes]:
    return dict(sorted(streams.items(), key=lambda kv: (len(kv[0]), kv[0].upper())))


# ----------------------------------------------------------------------------- XML bombs
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def _with_dtd(xml: bytes, dtd: str, reference: str) -> bytes:
    """``xml`` with ``dtd`` after its declaration and ``reference`` inside the root element."""
    text = xml.decode("utf-8")
    decl_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
    body = text[decl_end:]
    root_end = body.index(">") + 1
    return (text[:decl_end] + dtd + body[:root_end] + reference + body[root_end:]).encode("utf-8")


# ============================================================================= cases
# ---- not a workbook at all, or damaged --------------------------------------
@case("zero_byte_xlsx")
def _(d: Path) -> Path:
    p = d / "空文件.xlsx"
    p.write_bytes(b"")
    return p


@case("zero_byte_json")
def _(d: Path) -> Path:
    p = d / "空文件.json"
    p.write_bytes(b"")
    return p


@case("whitespace_json")
def _(d: Path) -> Path:
    p = d / "空白.json"
    p.write_text("  \n\t\n", encoding="utf-8")
    return p


@case("random_bytes_xlsx")
def _(d: Path) -> Path:
    p = d / "乱码.xlsx"
    p.write_bytes(b"\x01\x00" + random.Random(1).randbytes(20_000))
    return p


@case("random_bytes_zip_magic")
def _(d: Path) -> Path:
    """Starts like a zip, then noise."""
    p = d / "假zip.xlsx"
    p.write_bytes(b"PK\x03\x04" + random.Random(2).randbytes(20_000))
    return p


@case("truncated_zip")
def _(d: Path) -> Path:
    data = _filled_base()
    p = d / "截断.xlsx"
    p.write_bytes(data[: len(data) // 2])
    return p


@case("truncated_zip_tail")
def _(d: Path) -> Path:
    """Only the last bytes (part of the central directory) are lost."""
    data = _filled_base()
    p = d / "截尾.xlsx"
    p.write_bytes(data[:-30])
    return p


@case("corrupt_member")
def _(d: Path) -> Path:
    """A valid directory, but one worksheet's compressed data overwritten with noise."""
    data = bytearray(_filled_base())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(sheet_member(bytes(data), SCHEMA.table("t3").sheet))
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    noise = random.Random(3).randbytes(min(info.compress_size, 400))
    data[start + 10 : start + 10 + len(noise) - 10] = noise[10:]
    p = d / "损坏部件.xlsx"
    p.write_bytes(bytes(data))
    return p


@case("html_as_xlsx")
def _(d: Path) -> Path:
    p = d / "网页导出.xlsx"
    p.write_text("<html><body><table><tr><td>本年新收</td><td>12</td></tr></table></body></html>", encoding="utf-8")
    return p


@case("csv_as_xlsx")
def _(d: Path) -> Path:
    p = d / "文本.xlsx"
    p.write_text("单位名称,本年新收\n某局,12\n", encoding="gbk")
    return p


@case("docx_as_xlsx")
def _(d: Path) -> Path:
    from docx import Document

    p = d / "其实是Word.xlsx"
    doc = Document()
    doc.add_paragraph("这是一份 Word 文档")
    doc.save(str(p))
    return p


@case("ods_as_xlsx")
def _(d: Path) -> Path:
    p = d / "其实是ods.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return p


@case("legacy_xls_as_xlsx")
def _(d: Path) -> Path:
    p = d / "旧格式.xlsx"
    p.write_bytes(cfb(_cfb_sorted({"Workbook": b"\x09\x08" + b"\x00" * 200})))
    return p


@case("xls_suffix")
def _(d: Path) -> Path:
    p = d / "旧格式.xls"
    p.write_bytes(cfb(_cfb_sorted({"Workbook": b"\x09\x08" + b"\x00" * 200})))
    return p


@case("password_protected")
def _(d: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE2 file holding the encrypted package."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header
    package = struct.pack("<Q", 8000) + random.Random(4).randbytes(8000)
    p = d / "有密码.xlsx"
    p.write_bytes(cfb(_cfb_sorted({"EncryptionInfo": info, "EncryptedPackage": package})))
    return p


@case("zip_bomb_total")
def _(d: Path) -> Path:
    """~250 MB of zeros deflated into a few hundred KB: refused by the directory's sizes."""
    p = d / "压缩炸弹.xlsx"
    chunk = b"\x00" * MB
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(5):
            with zf.open(f"xl/worksheets/sheet{n + 1}.xml", "w") as member:
                for _ in range(50):
                    member.write(chunk)
    return p


@case("zip_bomb_ratio")
def _(d: Path) -> Path:
    """One member inflating 60 MB at a ratio above 1000:1."""
    p = d / "高压缩比.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", b" " * (60 * MB))
    return p


@case("zip_bomb_members")
def _(d: Path) -> Path:
    p = d / "部件过多.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for n in range(10_001):
            zf.writestr(f"xl/media/x{n}.bin", b"")
    return p


@case("zip_bomb_lying_size")
def _(d: Path) -> Path:
    """The directory claims a small worksheet whose data inflates to 120 MB."""
    data = _filled_base()
    member = sheet_member(data, SCHEMA.table("t3").sheet)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    original = zipfile.ZipFile(io.BytesIO(data)).read(member)
    stream = comp.compress(original) + b"".join(comp.compress(b" " * MB) for _ in range(120)) + comp.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, zin.read(info.filename))
    body = out.getvalue()
    # Append the lying member by hand: local header + stream + rebuilt central directory.
    infos = zipfile.ZipFile(io.BytesIO(body)).infolist()
    eocd = body.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack("<I", body[eocd + 16 : eocd + 20])[0]
    locals_part, central = body[:cd_offset], body[cd_offset:eocd]
    name = member.encode()
    crc, size = zlib.crc32(original), len(original)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0) + name
    offset = len(locals_part)
    cd_entry = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(stream),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )
    new_locals = locals_part + local + stream
    new_central = central + cd_entry
    count = len(infos) + 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(new_central), len(new_locals), 0)
    p = d / "谎报大小.xlsx"
    p.write_bytes(new_locals + new_central + end)
    return p


@case("xml_bomb_sheet")
def _(d: Path) -> Path:
    data = _filled_base()
    member = sheet_member(data, SCHEMA.table("t3").sheet)
    p = d / "XML炸弹.xlsx"
    p.write_bytes(rewrite_member(data, member, lambda x: _with_dtd(x, BILLION_LAUGHS, "&lol9;")))
    return p


@case("xml_bomb_shared_strings")
def _(d: Path) -> Path:
    data = template_bytes(base_report())  # xlsxwriter keeps text in the shared strings
    p = d / "XML炸弹2.xlsx"
    p.write_bytes(rewrite_member(data, "xl/sharedStrings.xml", lambda x: _with_dtd(x, BILLION_LAUGHS, "")))
    return p


@case("xxe_external_entity")
def _(d: Path) -> Path:
    data = _filled_base()
    dtd = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "http://127.0.0.1:9/x">]>'
    p = d / "外部实体.xlsx"
    p.write_bytes(rewrite_member(data, "xl/workbook.xml", lambda x: _with_dtd(x, dtd, "")))
    return p


@case("deep_json")
def _(d: Path) -> Path:
    return report_json(d / "嵌套过深.json", raw='{"agency": ' + "[" * 200_000 + "]" * 200_000 + "}")


@case("json_wrong_shape")
def _(d: Path) -> Path:
    return report_json(d / "结构错误.json", raw=json.dumps({"agency": "某局", "year": 2024, "tables": "全是零"}))


@case("json_not_utf8")
def _(d: Path) -> Path:
    p = d / "GBK编码.json"
    p.write_bytes(base_report().dumps().encode("gb18030"))
    return p


@case("json_lone_surrogate")
def _(d: Path) -> Path:
    """``"\\ud800"`` escapes: valid JSON, but no UTF-8 file can hold the character."""

    def edit(doc: dict[str, Any]) -> None:
        doc["agency"] = "某局\ud800"
        doc["narrative"]["s5"] = "第五部分\udfff。"

    p = d / "代理项.json"
    doc = json.loads(base_report().dumps())
    edit(doc)
    p.write_text(json.dumps(doc, ensure_ascii=True), encoding="ascii")
    return p


@case("json_array")
def _(d: Path) -> Path:
    return report_json(d / "数组.json", raw="[1, 2, 3]")


@case("huge_sparse_xlsx")
def _(d: Path) -> Path:
    """101 MB (a sparse file: no disk used) named .xlsx: refused by size before anything is read."""
    p = d / "超大.xlsx"
    with p.open("wb") as fh:
        fh.truncate(101 * MB)
    return p


@case("huge_sparse_json")
def _(d: Path) -> Path:
    """101 MB named .json: refused by size before it is read (JSON is never read whole past the limit)."""
    p = d / "超大.json"
    with p.open("wb") as fh:
        fh.truncate(101 * MB)
    return p


def _fifo(path: Path) -> Path:
    os.mkfifo(path)  # nobody ever writes: opening it for reading the usual way blocks forever
    return path


@case("fifo_xlsx")
def _(d: Path) -> Path:
    return _fifo(d / "管道.xlsx")


@case("fifo_json")
def _(d: Path) -> Path:
    return _fifo(d / "管道.json")


@case("dev_zero_link_xlsx")
def _(d: Path) -> Path:
    """A link to /dev/zero: endless bytes, a size of 0."""
    p = d / "无底.xlsx"
    p.symlink_to("/dev/zero")
    return p


@case("dev_zero_link_json")
def _(d: Path) -> Path:
    p = d / "无底.json"
    p.symlink_to("/dev/zero")
    return p


@case("symlink_loop_xlsx")
def _(d: Path) -> Path:
    p = d / "循环.xlsx"
    p.symlink_to(p.name)
    return p


@case("missing_file")
def _(d: Path) -> Path:
    return d / "不存在.xlsx"


@case("directory_as_xlsx")
def _(d: Path) -> Path:
    p = d / "文件夹.xlsx"
    p.mkdir()
    return p


# ---- workbook features --------------------------------------------------------
def _content_types(extra: str) -> Callable[[bytes], bytes]:
    return lambda x: x.replace(b"</Types>", extra.encode() + b"</Types>")


@case("xlsm_macros")
def _(d: Path) -> Path:
    """A macro-enabled workbook with a VBA project that would write a file if it ever ran."""
    data = _filled_base()
    vba = cfb(_cfb_sorted({"dir": b'Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "touch pwned"\nEnd Sub\n'}))
    ct = (
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    )
    rel = (
        b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        b' Target="vbaProject.bin"/></Relationships>'
    )

    def macro_workbook(x: bytes) -> bytes:
        return x.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )

    data = add_members(
        data,
        {"xl/vbaProject.bin": vba},
        {
            "[Content_Types].xml": lambda x: macro_workbook(_content_types(ct)(x)),
            "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        },
    )
    p = d / "带宏.xlsm"
    p.write_bytes(data)
    return p


@case("vba_in_xlsx")
def _(d: Path) -> Path:
    p = d / "藏宏.xlsx"
    p.write_bytes(
        add_members(_filled_base(), {"xl/vbaProject.bin": cfb(_cfb_sorted({"dir": b"Sub X()\nEnd Sub"}))}, {})
    )
    return p


#: Where the external-link case points: a file server that must never be contacted.
EXTERNAL_TARGET = "http://127.0.0.1:9/外部数据.xlsx"


def _external_link(data: bytes, formula_in: str | None) -> bytes:
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>999</v></cell></row></sheetData>'
        "</sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"'
        f' Target="{EXTERNAL_TARGET}" TargetMode="External"/></Relationships>'
    )
    ct = (
        '<Override PartName="/xl/externalLinks/externalLink1.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
    )
    rel = (
        b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"'
        b' Target="externalLinks/externalLink1.xml"/></Relationships>'
    )

    def workbook(x: bytes) -> bytes:
        refs = (
            b'<externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships" r:id="rIdExt1"/></externalReferences>'
        )
        if b"<definedNames>" in x:
            return x.replace(b"<definedNames>", refs + b"<definedNames>", 1)
        return x.replace(b"<calcPr", refs + b"<calcPr", 1)

    transforms: dict[str, Callable[[bytes], bytes]] = {
        "[Content_Types].xml": _content_types(ct),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        "xl/workbook.xml": workbook,
    }
    if formula_in is not None:
        ref = cell_ref(SCHEMA, formula_in)
        member = sheet_member(data, ref.sheet)
        transforms[member] = lambda x: set_raw_cell(x, ref.a1, f'<c r="{ref.a1}"><f>[1]Sheet1!$A$1</f><v>999</v></c>')
    return add_members(
        data,
        {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels},
        transforms,
    )


@case("external_link")
def _(d: Path) -> Path:
    p = d / "外部链接.xlsx"
    p.write_bytes(_external_link(_filled_base(), None))
    return p


@case("external_link_formula")
def _(d: Path) -> Path:
    """An input cell whose value comes from the linked file (cached 999): never used."""
    p = d / "外部链接公式.xlsx"
    p.write_bytes(_external_link(_filled_base(), NUMBER_KEY))
    return p


def _retarget_names(wb: Any, sheet: str, new_sheet: str | None = None, from_row: int = 0, shift: int = 0) -> None:
    """Move the defined names pointing into ``sheet`` as Excel does on rename / row insertion."""
    for dn in list(wb.defined_names.values()):
        dest = list(dn.destinations)
        if not dest or dest[0][0] != sheet:
            continue
        col, row = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", dest[0][1]).groups()
        row_n = int(row) + (shift if int(row) >= from_row else 0)
        dn.attr_text = f"'{new_sheet or sheet}'!${col}${row_n}"


@case("sheet_renamed")
def _(d: Path) -> Path:
    """表三 renamed in Excel: the defined names follow the sheet."""
    sheet = SCHEMA.table("t3").sheet

    def edit(wb: Any) -> None:
        wb[sheet].title = "表3(改名)"
        _retarget_names(wb, sheet, "表3(改名)")

    return filled_workbook(d / "改名.xlsx", edit=edit)


@case("sheet_renamed_names_stale")
def _(d: Path) -> Path:
    """表三 renamed by a tool that left the names pointing at the old sheet name."""
    sheet = SCHEMA.table("t3").sheet

    def edit(wb: Any) -> None:
        wb[sheet].title = "Sheet3"

    return filled_workbook(d / "改名未更新.xlsx", edit=edit)


@case("sheet_deleted")
def _(d: Path) -> Path:
    sheet = SCHEMA.table("t4").sheet

    def edit(wb: Any) -> None:
        wb.remove(wb[sheet])
        for name in [n for n, dn in wb.defined_names.items() if sheet in str(dn.attr_text)]:
            wb.defined_names[name].attr_text = "#REF!"

    return filled_workbook(d / "删表.xlsx", edit=edit)


@case("sheets_reordered")
def _(d: Path) -> Path:
    def edit(wb: Any) -> None:
        wb._sheets.reverse()
        wb.active = 0

    return filled_workbook(d / "调序.xlsx", edit=edit)


def _insert_rows(wb: Any, sheet: str, row: int, amount: int) -> None:
    wb[sheet].insert_rows(row, amount)
    _retarget_names(wb, sheet, from_row=row, shift=amount)


#: Row (1-based, sheet) above which rows are inserted in table 3: inside the result lines.
T3_INSERT_AT = cell_ref(SCHEMA, "t3_r05_c1").row + 1


@case("rows_inserted")
def _(d: Path) -> Path:
    """Three rows inserted inside table 3 (as Excel does: the names move with their cells)."""
    sheet = SCHEMA.table("t3").sheet
    return filled_workbook(d / "插行.xlsx", edit=lambda wb: _insert_rows(wb, sheet, T3_INSERT_AT, 3))


@case("rows_inserted_names_deleted")
def _(d: Path) -> Path:
    """Rows inserted and every defined name deleted: positions are all the reader has left."""
    sheet = SCHEMA.table("t3").sheet

    def edit(wb: Any) -> None:
        _insert_rows(wb, sheet, T3_INSERT_AT, 3)
        for name in list(wb.defined_names):
            del wb.defined_names[name]

    return filled_workbook(d / "插行删名.xlsx", edit=edit)


@case("names_deleted")
def _(d: Path) -> Path:
    def edit(wb: Any) -> None:
        for name in list(wb.defined_names):
            del wb.defined_names[name]

    return filled_workbook(d / "删名.xlsx", edit=edit)


@case("not_our_template")
def _(d: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "某局自制统计表"
    wb.active["B2"] = 12
    p = d / "自制表.xlsx"
    wb.save(p)
    return p


# ---- huge content -------------------------------------------------------------
#: 10 MB of UTF-8 (a Chinese sentence repeated, with paragraph breaks).
BIG_NARRATIVE = ("本机关依法依规做好政府信息公开工作。" * 20 + "\n") * (10 * MB // (3 * 18 * 20 + 1))
HUGE_AGENCY = ("某" * 99_990) + "局（超长名称）"[:10]


def raw_text(path: Path, values: dict[str, str]) -> Path:
    """The clean base sheet with long texts put straight into the XML (openpyxl would cut them at 32,767)."""
    from xml.sax.saxutils import escape

    data = _filled_base()
    for key, text in values.items():
        ref = cell_ref(SCHEMA, key)
        cell = f'<c r="{ref.a1}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
        data = rewrite_member(data, sheet_member(data, ref.sheet), lambda x, a1=ref.a1, c=cell: set_raw_cell(x, a1, c))
    path.write_bytes(data)
    return path


@case("narrative_10mb")
def _(d: Path) -> Path:
    return raw_text(d / "超长文字.xlsx", {"narr_s5": BIG_NARRATIVE})


@case("agency_100k")
def _(d: Path) -> Path:
    return raw_text(d / "超长单位名.xlsx", {"info_agency": HUGE_AGENCY})


@case("agency_100k_json")
def _(d: Path) -> Path:
    return json_with(d / "超长单位名.json", "info_agency", HUGE_AGENCY)


# ---- text that must stay text -------------------------------------------------
CONTROL_AGENCY = "某\x07局\x1b[31m\x00测试\u202e\u200f"
CONTROL_NARRATIVE = "第一段\x0b\x0c含控制字符\x1f\u202e反向\u200f文字\u2066隔离\u2069。\n第二段\u200b零宽。"


@case("control_chars_json")
def _(d: Path) -> Path:
    def edit(doc: dict[str, Any]) -> None:
        doc["agency"] = CONTROL_AGENCY
        doc["narrative"]["s5"] = CONTROL_NARRATIVE

    return report_json(d / "控制字符.json", edit)


@case("control_chars_xlsx")
def _(d: Path) -> Path:
    """Control characters and bidi marks written by our own template writer (xlsxwriter stores ``_x0007_``)."""
    report = report_copy()
    report.agency = CONTROL_AGENCY
    report.narrative["narr_s5"] = CONTROL_NARRATIVE
    p = d / "控制字符.xlsx"
    p.write_bytes(template_bytes(report))
    return p


#: Agency names that are path tricks or reserved names on Windows.
PATH_AGENCIES = {
    "agency_dotdot": "../../etc/x",
    "agency_reserved_chars": 'a/b\\c:d*e?f"g<h>i|j',
    "agency_con": "CON",
    "agency_dots_only": "..",
}


def _agency_case(name: str, agency: str) -> None:
    @case(name)
    def _(d: Path) -> Path:
        return json_with(d / f"{name}.json", "info_agency", agency)


for _name, _agency in PATH_AGENCIES.items():
    _agency_case(_name, _agency)


@case("agency_dotdot_xlsx")
def _(d: Path) -> Path:
    return filled_workbook(d / "路径单位.xlsx", {"info_agency": "../../etc/x"})


@case("input_named_con")
def _(d: Path) -> Path:
    """An input whose own file name is a Windows device name."""
    return base_workbook(d / "CON.xlsx")


@case("input_named_shell")
def _(d: Path) -> Path:
    """An input whose file name holds shell metacharacters (nothing is ever run through a shell)."""
    return base_workbook(d / "$(touch pwned);`touch pwned2`|x&.xlsx")


#: Text a spreadsheet would run as a formula (CSV/formula injection), and the cells they go in.
FORMULA_TEXTS = {
    "info_agency": '=HYPERLINK("http://127.0.0.1:9/","点此")',
    "info_address": "+86 某路1号",
    "info_phone": "-0570-1234567",
    "narr_s5": "@SUM(1+1)*cmd|' /C calc'!A0",
    "narr_s6": "=1+1 本年度未收取信息处理费。",
}


@case("formula_text_xlsx")
def _(d: Path) -> Path:
    return filled_workbook(d / "公式文字.xlsx", {k: Text(v) for k, v in FORMULA_TEXTS.items()})


@case("formula_text_json")
def _(d: Path) -> Path:
    report = report_copy()
    for key, value in FORMULA_TEXTS.items():
        if key.startswith("info_"):
            report.set_info(key, value)
        else:
            report.narrative[key] = value
    p = d / "公式文字.json"
    p.write_text(report.dumps(), encoding="utf-8")
    return p


@case("formula_text_in_number_cell")
def _(d: Path) -> Path:
    return filled_workbook(d / "数字格公式文字.xlsx", {NUMBER_KEY: Text("=1+1")})


@case("at_text_in_number_cell")
def _(d: Path) -> Path:
    return filled_workbook(d / "数字格at.xlsx", {NUMBER_KEY: Text("@SUM(A1)")})


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


@case("script_in_narrative")
def _(d: Path) -> Path:
    return filled_workbook(
        d / "脚本.xlsx", {"narr_s5": SCRIPT + "正文", "info_agency": "某局</title><script>alert(2)</script>"}
    )


@case("script_in_narrative_json")
def _(d: Path) -> Path:
    def edit(doc: dict[str, Any]) -> None:
        doc["narrative"]["s5"] = SCRIPT
        doc["narrative"]["s1"]["sections"][0]["title"] = "<b onmouseover=alert(3)>（一）主动公开</b>"

    return report_json(d / "脚本.json", edit)


# ---- numbers --------------------------------------------------------------------
#: Number-cell contents: case name → (value typed in the xlsx, or the JSON value for *_json cases).
NUMBER_CASES: dict[str, Any] = {
    "num_1e308": 1e308,
    "num_1e308_text": Text("1e308"),
    "num_nan_text": Text("NaN"),
    "num_minus_zero": -0.0,
    "num_minus_zero_text": Text("-0"),
    "num_leading_zeros_text": Text("00012"),
    "num_with_unit": Text("12件"),
    "num_fullwidth": Text("１２"),
    "num_thousands": Text("1,234"),
    "num_negative": -3,
    "num_fraction_count": 2.5,
    "num_bool": True,
    "num_superscript": Text("3²"),
    "num_circled": Text("⑫"),
    "num_math_bold": Text("𝟏𝟐"),
    "num_tiny_negative": -1e-300,
    "num_tiny_fraction": 1e-300,
}
JSON_NUMBER_CASES: dict[str, Any] = {
    "num_1e308_json": 1e308,
    "num_nan_json": float("nan"),
    "num_inf_json": float("inf"),
    "num_minus_zero_json": -0.0,
    "num_leading_zeros_json": "00012",
    "num_with_unit_json": "12件",
    "num_huge_int_json": 10**30,
}


def _number_case(name: str, value: Any) -> None:
    @case(name)
    def _(d: Path) -> Path:
        return filled_workbook(d / f"{name}.xlsx", {NUMBER_KEY: value})


def _json_number_case(name: str, value: Any) -> None:
    @case(name)
    def _(d: Path) -> Path:
        return json_with(d / f"{name}.json", NUMBER_KEY, value)


#: More digits than Python converts (4300) — typed in a number cell or a JSON figure.
DIGITS_5000 = "9" * 5000


@case("num_5000_digits_text")
def _(d: Path) -> Path:
    return filled_workbook(d / "五千位.xlsx", {NUMBER_KEY: Text(DIGITS_5000)})


@case("num_5000_digits_json")
def _(d: Path) -> Path:
    p = json_with(d / "五千位.json", NUMBER_KEY, "__DIGITS__")
    p.write_text(p.read_text(encoding="utf-8").replace('"__DIGITS__"', DIGITS_5000), encoding="utf-8")
    return p


@case("year_5000_digits_json")
def _(d: Path) -> Path:
    p = json_with(d / "年度五千位.json", "info_year", "__DIGITS__")
    p.write_text(p.read_text(encoding="utf-8").replace('"__DIGITS__"', DIGITS_5000), encoding="utf-8")
    return p


@case("num_empty_formula")
def _(d: Path) -> Path:
    """A formula with nothing after ``=`` (``<f></f>``) in a number cell."""
    data = _filled_base()
    ref = cell_ref(SCHEMA, NUMBER_KEY)
    member = sheet_member(data, ref.sheet)
    p = d / "空公式.xlsx"
    p.write_bytes(rewrite_member(data, member, lambda x: set_raw_cell(x, ref.a1, f'<c r="{ref.a1}"><f></f></c>')))
    return p


for _name, _value in NUMBER_CASES.items():
    _number_case(_name, _value)
for _name, _value in JSON_NUMBER_CASES.items():
    _json_number_case(_name, _value)


@case("num_nan_xml")
def _(d: Path) -> Path:
    """``<v>NaN</v>`` in a number cell (no office suite writes it; a hand-made file may)."""
    data = _filled_base()
    ref = cell_ref(SCHEMA, NUMBER_KEY)
    member = sheet_member(data, ref.sheet)
    p = d / "NaN.xlsx"
    p.write_bytes(rewrite_member(data, member, lambda x: set_raw_cell(x, ref.a1, f'<c r="{ref.a1}"><v>NaN</v></c>')))
    return p


@case("num_inf_xml")
def _(d: Path) -> Path:
    data = _filled_base()
    ref = cell_ref(SCHEMA, NUMBER_KEY)
    member = sheet_member(data, ref.sheet)
    p = d / "INF.xlsx"
    p.write_bytes(rewrite_member(data, member, lambda x: set_raw_cell(x, ref.a1, f'<c r="{ref.a1}"><v>1e999</v></c>')))
    return p


#: What a forger puts in a number cell: erase the line, back to its start, print a verdict.
ANSI_FORGERY = "\x1b[2K\r\x1b[32m✓ 通过\x1b[0m\x9b2J"


@case("ansi_in_number_cell")
def _(d: Path) -> Path:
    """ANSI escapes in a number cell, stored as Excel stores them (``_x001B_`` in the shared strings)."""
    report = report_copy()
    report.set_value(NUMBER_KEY, ANSI_FORGERY)
    p = d / "ANSI.xlsx"
    p.write_bytes(template_bytes(report))
    return p


@case("ansi_in_file_name")
def _(d: Path) -> Path:
    """ANSI escapes in the input's own name (shown in every message about it)."""
    p = d / "a\x1b[2K\r✓ 通过.xlsx"
    p.write_bytes(_filled_base())
    return p


@case("num_with_unit_t3")
def _(d: Path) -> Path:
    """Text in a table-3 input: the cell is an error; the other rules are checked with the number it holds."""
    return filled_workbook(d / "表三文字.xlsx", {T3_KEY: Text("12件")})


@case("date_garbage")
def _(d: Path) -> Path:
    return filled_workbook(d / "日期乱填.xlsx", {"info_date": Text("二〇二五年一月三十二日")})


@case("year_garbage")
def _(d: Path) -> Path:
    return filled_workbook(d / "年度乱填.xlsx", {"info_year": Text("去年")})


# ---- published reports (audit / import) ----------------------------------------
@case("published_zero_byte_txt")
def _(d: Path) -> Path:
    p = d / "空报告.txt"
    p.write_bytes(b"")
    return p


@case("published_random_docx")
def _(d: Path) -> Path:
    p = d / "乱码.docx"
    p.write_bytes(random.Random(5).randbytes(5000))
    return p


@case("published_binary_txt")
def _(d: Path) -> Path:
    p = d / "二进制.txt"
    p.write_bytes(bytes(range(256)) * 40)
    return p


@case("published_zip_bomb_docx")
def _(d: Path) -> Path:
    p = d / "压缩炸弹.docx"
    chunk = b" " * MB
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml"'
            ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        with zf.open("word/document.xml", "w") as member:
            member.write(
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            for _ in range(250):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return p


def _published_docx(d: Path, name: str) -> Path:
    from docx import Document

    p = d / name
    doc = Document()
    doc.add_paragraph("某局2024年政府信息公开工作年度报告")
    doc.add_paragraph("一、总体情况")
    doc.save(str(p))
    return p


@case("published_xml_bomb_docx")
def _(d: Path) -> Path:
    src = _published_docx(d, "tmp.docx")
    data = src.read_bytes()
    src.unlink()
    p = d / "XML炸弹.docx"
    p.write_bytes(rewrite_member(data, "word/document.xml", lambda x: _with_dtd(x, BILLION_LAUGHS, "")))
    return p


@case("published_xxe_docx")
def _(d: Path) -> Path:
    src = _published_docx(d, "tmp.docx")
    data = src.read_bytes()
    src.unlink()
    dtd = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'

    def inject(x: bytes) -> bytes:
        x = _with_dtd(x, dtd, "")
        return x.replace("一、总体情况".encode(), "一、总体情况&secret;".encode(), 1)

    p = d / "外部实体.docx"
    p.write_bytes(rewrite_member(data, "word/document.xml", inject))
    return p


@case("published_script_html")
def _(d: Path) -> Path:
    p = d / "脚本.html"
    p.write_text(
        "<html><head><meta charset='utf-8'><script>document.write('x')</script></head><body>"
        "<h1>某局&lt;script&gt;2024年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
        '<p>本年度<script>alert(1)</script>共收到申请<img src="http://127.0.0.1:9/x.png">12件。</p>'
        '<iframe src="http://127.0.0.1:9/"></iframe></body></html>',
        encoding="utf-8",
    )
    return p


@case("published_html_entity_bomb")
def _(d: Path) -> Path:
    p = d / "实体.html"
    p.write_text(
        '<?xml version="1.0"?>' + BILLION_LAUGHS + "<html><body><p>一、总体情况 &lol9;</p></body></html>",
        encoding="utf-8",
    )
    return p


@case("published_huge_sparse_txt")
def _(d: Path) -> Path:
    p = d / "超大.txt"
    with p.open("wb") as fh:
        fh.truncate(101 * MB)
    return p


@case("published_fifo_txt")
def _(d: Path) -> Path:
    return _fifo(d / "管道.txt")


@case("published_dev_zero_docx")
def _(d: Path) -> Path:
    p = d / "无底.docx"
    p.symlink_to("/dev/zero")
    return p


@case("published_deep_html")
def _(d: Path) -> Path:
    p = d / "深层嵌套.html"
    depth = 100_000
    p.write_text(
        "<html><body>" + "<div>" * depth + "一、总体情况" + "</div>" * depth + "</body></html>", encoding="utf-8"
    )
    return p


@case("published_html_span_bomb")
def _(d: Path) -> Path:
    p = d / "合并单元格炸弹.html"
    first = "<tr>" + '<td rowspan="8000">0</td>' * 3000 + "</tr>"
    p.write_text(f"<html><body><table>{first}{'<tr></tr>' * 8000}</table></body></html>", encoding="utf-8")
    return p


# ---- published PDFs ---------------------------------------------------------------
def pdf_bytes(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A PDF whose objects 1..n are ``objects`` (object 1 the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] = (), **kw) -> bytes:
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % resources,
            _stream(content),
            *extra,
        ],
        **kw,
    )


_TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (2024 Annual report, page 1) Tj ET 72 700 m 520 700 l S"
_FONT = b"<< /Font << /F1 5 0 R >> >>"
_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


@case("published_scanned_pdf")
def _(d: Path) -> Path:
    p = d / "扫描件.pdf"
    gray = _stream(
        bytes(range(256)) * 4,
        b" /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray /BitsPerComponent 8",
    )
    p.write_bytes(_one_page_pdf(b"q 500 0 0 700 50 70 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [gray]))
    return p


@case("published_encrypted_pdf")
def _(d: Path) -> Path:
    p = d / "加密.pdf"
    key = bytes(random.Random(7).randbytes(32)).hex().encode()
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -3904 >>" % (key, key[::-1])
    data = _one_page_pdf(
        _TEXT_PAGE, _FONT, [_HELVETICA, encrypt], trailer=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (key[:32], key[:32])
    )
    p.write_bytes(data)
    return p


@case("published_truncated_pdf")
def _(d: Path) -> Path:
    p = d / "下载中断.pdf"
    data = _one_page_pdf(_TEXT_PAGE, _FONT, [_HELVETICA])
    p.write_bytes(data[: len(data) // 2])
    return p


@case("published_not_pdf")
def _(d: Path) -> Path:
    p = d / "假的.pdf"
    p.write_bytes(random.Random(11).randbytes(4000))
    return p


@case("published_pdf_stream_bomb")
def _(d: Path) -> Path:
    p = d / "数据流炸弹.pdf"
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (MB // 14)
    packed = b"".join(compressor.compress(chunk) for _ in range(250)) + compressor.flush()
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    data = pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            bomb,
        ]
    )
    p.write_bytes(data)
    return p


@case("published_pdf_drawing_bomb")
def _(d: Path) -> Path:
    p = d / "三万条线.pdf"
    rng = random.Random(13)
    ops = b"".join(b"%d %d m %d %d l S\n" % tuple(rng.randint(0, 800) for _ in range(4)) for _ in range(30_000))
    p.write_bytes(_one_page_pdf(_TEXT_PAGE + b"\n" + ops, _FONT, [_HELVETICA]))
    return p


@case("published_pdf_text_bomb")
def _(d: Path) -> Path:
    p = d / "四十万字.pdf"
    run = b"(" + b"A" * 30_000 + b") Tj "  # PDFium reads at most 32,767 characters a string
    p.write_bytes(_one_page_pdf(b"BT /F1 1 Tf 10 10 Td " + run * 14 + b"ET", _FONT, [_HELVETICA]))
    return p


@case("published_long_line_txt")
def _(d: Path) -> Path:
    p = d / "一行百万字母.txt"
    p.write_text("政府信息公开工作年度报告\n" + "A" * 1_000_000 + "@\n", encoding="utf-8")
    return p


@case("published_pdf_many_pages")
def _(d: Path) -> Path:
    p = d / "十万页.pdf"
    pages = 20_000
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    p.write_bytes(pdf_bytes(objects))
    return p


# ---- rosters (template --roster) ------------------------------------------------
@case("roster_zip_bomb")
def _(d: Path) -> Path:
    p = d / "名单炸弹.xlsx"
    chunk = b"\x00" * MB
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(250):
                member.write(chunk)
    return p


@case("roster_xml_bomb")
def _(d: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["单位名称"])
    wb.active.append(["某局"])
    buf = io.BytesIO()
    wb.save(buf)
    p = d / "名单XML炸弹.xlsx"
    p.write_bytes(
        rewrite_member(buf.getvalue(), "xl/worksheets/sheet1.xml", lambda x: _with_dtd(x, BILLION_LAUGHS, "&lol9;"))
    )
    return p


@case("roster_random_bytes")
def _(d: Path) -> Path:
    p = d / "名单乱码.xlsx"
    p.write_bytes(random.Random(6).randbytes(3000))
    return p


#: Roster names that are path tricks, device names, formulas and a 100,000-character name.
ROSTER_NAMES = ("../../etc/x", "CON", "AUX.txt", 'a/b\\c:d*e?f"g<h>i|j', "=1+1", "@SUM(A1)", "..", "某" * 100_000)


@case("roster_hostile_names")
def _(d: Path) -> Path:
    import csv

    p = d / "名单.csv"
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位名称", "联系电话"])
        for name in ROSTER_NAMES:
            w.writerow([name, "=cmd|' /C calc'!A0"])
    return p


# ----------------------------------------------------------------------------- command line
def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    names = argv[1:] or list(BUILDERS)
    for name in names:
        path = build(name, out / name)
        size = path.stat().st_size if path.is_file() else 0
        print(f"{name:32} {size:>12,}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
