"""Container safety: what a returned .xlsx is, checked before any XML parser sees it.

The input is read into memory once and never written. The container is
sniffed (empty, legacy/encrypted OLE2, HTML or text disguised as .xlsx,
truncated zip, OpenDocument/Word inside a zip) and guarded against zip bombs by
the sizes in the zip directory; an XML part declaring a DTD (entity expansion,
external entities) is refused. Everything refused raises ``UnreadableInput``
with a Chinese message saying what the file is and what to do.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import SAVE_AS, UnreadableInput, os_error_message

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
            return fh.read(min(size, MAX_FILE_BYTES) + 1)  # not a 100 MB buffer for a 30 KB file
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
            raise UnreadableInput(f"无法读取“{name}”：这其实是 OpenDocument 电子表格（.ods）。{SAVE_AS}")
        if "opendocument" in mime:
            raise UnreadableInput(f"无法读取“{name}”：这是 OpenDocument 文档，不是 Excel 工作簿。{SAVE_AS}")
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
    return f"无法读取“{name}”：这是旧版 Excel 97-2003 工作簿（.xls）或 WPS 表格（.et），扩展名与内容不符。{SAVE_AS}"


def _not_zip_message(data: bytes, name: str) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        return (
            f"无法读取“{name}”：文件内容是网页或 XML 文本，不是真正的 Excel 工作簿"
            f"（有些系统导出的“Excel”其实是网页）。{SAVE_AS}"
        )
    if head.startswith(b"%pdf"):
        return f"无法读取“{name}”：这是 PDF 文件，不是 Excel 工作簿。请提交填报表（.xlsx）。"
    if head.startswith((b"{", b"[")):
        return f"无法读取“{name}”：文件内容是 JSON 文本，不是 Excel 工作簿。报告 JSON 请使用 .json 扩展名。"
    if b"\x00" not in data[:4096] and _decodes(data[:4096]):
        return f"无法读取“{name}”：文件内容是纯文本（如 CSV），不是 Excel 工作簿。{SAVE_AS}"
    return f"无法读取“{name}”：文件内容不是 Excel 工作簿（可能已损坏，或扩展名有误）。{SAVE_AS}"


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
