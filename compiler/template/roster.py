"""Distribute the template: one personalised workbook per agency of a roster.

The roster is a .xlsx (first sheet) or .csv (UTF-8 with or without BOM, or
GBK) with a header row holding ``单位名称`` and optionally ``联系电话``,
``电子邮箱``, ``地址``. Problems with single rows (blank, duplicate) are
reported and skipped; a roster that cannot be used raises ``RosterError``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Report
from ..schema import Schema, get_schema
from ..util.files import (
    NotRegularFileError,
    TooLargeError,
    is_reserved_name,
    os_reason,
    read_regular,
    safe_filename,
    write_atomic,
)

#: Column that must be present in the header row.
AGENCY_COLUMN = "单位名称"
#: Extra header spellings accepted for basic-information columns (label → info key comes from the schema).
COLUMN_ALIASES = {"地址": "info_address", "电话": "info_phone", "邮箱": "info_email", "电子邮件": "info_email"}
#: Only these basic-information fields come from a roster (agency and contact).
ROSTER_FIELDS = ("info_agency", "info_phone", "info_email", "info_address")
#: Header spellings of the contact person column (not a template field: the officer's own record).
PERSON_COLUMNS = ("联系人", "联系人姓名", "填报人", "经办人")
INDEX_NAME = "目录.csv"
#: A roster of a few thousand agencies is well under a megabyte; anything near this is the wrong file.
MAX_ROSTER_BYTES = 20 * 1024 * 1024
#: Rows searched for the header (a roster may start with a title row or two).
HEADER_SEARCH_ROWS = 20

_SPACES = re.compile(r"\s+")


class RosterError(Exception):
    """A roster that cannot be used at all; the message is Chinese and says what to do."""


@dataclass
class RosterEntry:
    """One agency of the roster, with the 1-based row number it came from."""

    line: int
    agency: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    person: str | None = None


@dataclass
class Roster:
    entries: list[RosterEntry] = field(default_factory=list)
    #: Chinese messages about skipped rows (blank, missing name, duplicate).
    problems: list[str] = field(default_factory=list)


@dataclass
class Distribution:
    """What ``write_roster_templates`` wrote: (agency, file) pairs, the files it left alone, and the index."""

    written: list[tuple[str, Path]]
    index: Path
    #: Files that already existed and were kept (no ``overwrite``): a filled sheet may have come back under its name.
    kept: list[tuple[str, Path]] = field(default_factory=list)


# --------------------------------------------------------------------------- reading
def _cell_text(value: object) -> str:
    """A roster cell as trimmed text; whole floats (a phone typed as a number) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _norm_header(text: str) -> str:
    return _SPACES.sub("", text).strip("*＊:：")


def _columns(schema: Schema) -> dict[str, str]:
    """Header text → info key, from the schema's labels plus the accepted aliases."""
    cols = {f.label: f.key for f in schema.info if f.key in ROSTER_FIELDS}
    cols.update(COLUMN_ALIASES)
    cols.update(dict.fromkeys(PERSON_COLUMNS, "person"))
    return cols


def _read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ods", ".xlsm", ".wps"):
        raise RosterError(
            f"名单文件 {path.name} 是 {suffix} 格式，无法读取；请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后重试。"
        )
    if suffix not in (".csv", ".xlsx"):
        raise RosterError(
            f"名单文件 {path.name} 不是 .xlsx 或 .csv 文件；请提供含“{AGENCY_COLUMN}”列的 .xlsx 或 .csv 名单。"
        )
    data = _read_bytes(path)
    return _read_csv(data, path.name) if suffix == ".csv" else _read_xlsx(data, path.name)


def _read_bytes(path: Path) -> bytes:
    """The roster's bytes, read once; a FIFO or device is named as such (opening it could hang)."""
    from ..read import too_large_message

    try:
        return read_regular(path, MAX_ROSTER_BYTES)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise RosterError(f"找不到名单文件：{path}") from exc
    except NotRegularFileError as exc:
        raise RosterError(
            f"名单文件 {path.name} 是{exc.kind}，不是普通文件；请给出 .xlsx 或 .csv 名单文件本身。"
        ) from exc
    except TooLargeError as exc:
        raise RosterError(too_large_message(path, exc.size, "单位名单", exc.limit)) from exc
    except OSError as exc:
        raise RosterError(f"名单文件 {path.name} 无法读取：{os_reason(exc)}。") from exc


def _read_csv(data: bytes, name: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"名单文件 {name} 的编码无法识别；请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx。")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise RosterError(
            f"名单文件 {name} 不是有效的 CSV（引号或分隔符不成对），请用 Excel 另存为 .xlsx 后重试。"
        ) from exc


def _guard_zip(data: bytes, name: str) -> None:
    """The reader's zip-bomb limits, before openpyxl inflates anything."""
    import zipfile

    from ..read import UnreadableInput
    from ..read.container import guard_bomb

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # openpyxl's failure below says "cannot open"
    try:
        guard_bomb(infos, name, what="名单文件")
    except UnreadableInput as exc:
        raise RosterError(exc.message) from exc


def _read_xlsx(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    _guard_zip(data, name)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or disguised file: any library error means "cannot read"
        raise RosterError(
            f"名单文件 {name} 无法作为 .xlsx 打开（文件损坏、加密或并非 Excel 文件）；"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 或 .csv 再试。"
        ) from exc
    try:
        if not wb.worksheets:
            raise RosterError(f"名单文件 {name} 中没有工作表。")
        return [[_cell_text(c) for c in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    except RosterError:
        raise
    except Exception as exc:
        raise RosterError(f"名单文件 {name} 的内容无法读取；请另存为 .xlsx 或 .csv 后重试。") from exc
    finally:
        wb.close()


def _lost_leading_zero(phone: str) -> bool:
    """A phone of 9–11 bare digits with no leading 0 that is no mobile or 400/800 number: an area code lost its 0.

    Excel stores ``05701234567`` typed into a number cell as 5701234567; printed in a report it is a wrong
    number, so it is reported instead of used (never guessed back).
    """
    if not phone.isdigit() or not 9 <= len(phone) <= 11 or phone.startswith("0"):
        return False
    mobile = len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789"
    return not mobile and not phone.startswith(("400", "800"))


def read_roster(path: str | Path, schema: Schema | None = None) -> Roster:
    """Read a roster; rows that are blank, nameless or repeated become problems, not entries."""
    schema = schema or get_schema()
    path = Path(path)
    rows = _read_rows(path)
    known = _columns(schema)
    header_at = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if AGENCY_COLUMN in (_norm_header(c) for c in row):
            header_at = i
            break
    if header_at is None:
        raise RosterError(
            f"名单文件 {path.name} 中没有找到“{AGENCY_COLUMN}”列；"
            f"请在表头行写上“{AGENCY_COLUMN}”（可选“联系人”“联系电话”“电子邮箱”“地址”）。"
        )
    where: dict[str, int] = {}
    for c, text in enumerate(rows[header_at]):
        key = known.get(_norm_header(text))
        if key and key not in where:
            where[key] = c

    roster = Roster()
    seen: dict[str, int] = {}
    body = rows[header_at + 1 :]
    while body and not any(body[-1]):
        body.pop()  # trailing empty rows are formatting, not the clerk's rows
    for offset, row in enumerate(body):
        line = header_at + 2 + offset

        def get(key: str, row: list[str] = row) -> str:
            c = where.get(key)
            return row[c] if c is not None and c < len(row) else ""

        if not any(row):
            roster.problems.append(f"第 {line} 行是空行，已跳过。")
            continue
        agency = _SPACES.sub(" ", get("info_agency"))
        if not agency:
            roster.problems.append(f"第 {line} 行没有填写单位名称，已跳过。")
            continue
        dup = agency.casefold()
        if dup in seen:
            roster.problems.append(f"第 {line} 行的单位“{agency}”与第 {seen[dup]} 行重复，已跳过。")
            continue
        seen[dup] = line
        phone = get("info_phone")
        if _lost_leading_zero(phone):
            roster.problems.append(
                f"第 {line} 行“{agency}”的联系电话 {phone} 像是丢了开头“0”的区号电话（Excel 把它存成了数字）；"
                "未填入模板。请在名单中把该列设为文本，填写完整号码（如 0570-1234567）后重新生成。"
            )
            phone = ""
        roster.entries.append(
            RosterEntry(
                line,
                agency,
                phone or None,
                get("info_email") or None,
                get("info_address") or None,
                get("person") or None,
            )
        )
    if not roster.entries:
        raise RosterError(f"名单文件 {path.name} 中没有任何单位（“{AGENCY_COLUMN}”列为空）。")
    return roster


# --------------------------------------------------------------------------- writing
def template_filename(agency: str, year: int | None) -> str:
    """``<agency><year>年政府信息公开工作年度报告填报表.xlsx``, safe on Windows and Linux."""
    stem = safe_filename(agency, max_bytes=150)
    if is_reserved_name(stem):
        stem = "_" + stem  # ``AUX.x`` is a device name on Windows whatever follows the dot
    return f"{stem}{year or ''}{'年' if year else ''}政府信息公开工作年度报告填报表.xlsx"


def _distinct(name: str, used: set[str]) -> str:
    """``name``, or ``name`` with ``_2``, ``_3`` … when a file of that name (any case) is already planned."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}_{n}{dot}{ext}"
    used.add(candidate.casefold())
    return candidate


def _csv_cell(text: str) -> str:
    """Keep a spreadsheet from running a cell such as ``=1+1`` (an agency name, a file name) as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%", "＝", "＋", "－", "＠") else text


def write_roster_templates(
    roster: Roster,
    out_dir: str | Path,
    year: int | None,
    *,
    overwrite: bool = False,
    deadline: str | None = None,
    return_to: str | None = None,
) -> Distribution:
    """One locked, prefilled template per roster entry, plus ``目录.csv`` listing them.

    A file that already exists under a template's name is left as it is unless
    ``overwrite``: it may be last week's distribution, or a sheet an agency
    filled and sent back under the name we gave it.
    """
    from .writer import write_template

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    used: set[str] = {INDEX_NAME.casefold()}
    written: list[tuple[str, Path]] = []
    kept: list[tuple[str, Path]] = []
    listed: list[tuple[str, Path]] = []
    for entry in roster.entries:
        target = out_dir / _distinct(template_filename(entry.agency, year), used)
        if target.resolve().parent != root:  # safe_filename makes this impossible; keep the guarantee explicit
            raise RosterError(f"单位名称“{entry.agency}”无法生成安全的文件名。")
        report = Report.empty()
        report.agency = entry.agency
        report.year = year
        report.contact.phone, report.contact.email, report.contact.address = entry.phone, entry.email, entry.address
        if not overwrite and (target.exists() or target.is_symlink()):
            kept.append((entry.agency, target))
            listed.append((entry.agency, target))
            continue
        # A name past a cell's limit is cut visibly (it ends with CUT_MARK), never silently.
        path = write_template(target, report, lock_info=True, deadline=deadline, return_to=return_to, cut_overlong=True)
        written.append((entry.agency, path))
        listed.append((entry.agency, path))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["序号", AGENCY_COLUMN, "文件名", "名单行号"])
    for n, ((agency, path), entry) in enumerate(zip(listed, roster.entries, strict=True), start=1):
        w.writerow([n, _csv_cell(agency), _csv_cell(path.name), entry.line])
    index = write_atomic(out_dir / INDEX_NAME, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return Distribution(written, index, kept)
