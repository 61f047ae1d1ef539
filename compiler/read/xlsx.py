"""Reading a returned workbook (our template, filled in by a clerk) into a ``Report``.

The pipeline, one module per step: ``container`` (read the bytes once, sniff
and guard the zip before any parser), ``adapter`` (openpyxl's read-only mode,
one private hook, our failures told apart from the file's), ``stamp`` (format
and template version), ``locate`` (each key's cell by defined name, else its
template position) and this module, which assembles the ``Report`` and the
reader's findings. Cached formula values are never used: totals are
recomputed from the inputs; a total typed over its formula is kept as typed
and its formula value recorded in ``origin.overridden``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..catalog import CATALOG
from ..compute import recompute_totals, sum_values
from ..findings import Finding
from ..model import Origin, Report, Value
from ..schema import DEFAULT_FORMAT, Schema, all_schemas, get_schema
from ..schema.workbook import SHEET_STAMP
from .adapter import Book, open_book
from .container import Container, read_bytes, sniff
from .locate import Located, Locator, sheets_to_read
from .stamp import clip, read_stamp, version_findings
from .values import (
    constant_arithmetic,
    date_value,
    figure_value,
    info_text,
    is_typed_as_text,
    narrative_text,
    year_value,
)


def read_workbook(path: str | Path) -> Report:
    """Read a returned workbook into a ``Report``; ``UnreadableInput`` if it cannot be opened."""
    path = Path(path)
    container = sniff(read_bytes(path), path.name)
    book = open_book(container, path.name, keep=sheets_to_read(all_schemas(), extra=(SHEET_STAMP,)))
    return _read(book, container, path)


def _read(book: Book, container: Container, path: Path) -> Report:
    findings: list[Finding] = []
    stamp = read_stamp(book)
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
    loc = Locator(book, schema)
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
    findings += version_findings(stamp)

    _read_info(report, loc, schema, findings, book)
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


def _formula_finding(found: Located, key: str, label: str) -> Finding:
    return CATALOG["FORMULA_IN_INPUT"].at(
        f"“{label}”单元格含有{_formula_shown(found.formula)}，请直接填写数字或文字，不要使用公式。",
        sheet=found.sheet,
        cell=found.a1,
        key=key,
        actual=found.formula,
    )


def _formula_shown(formula: str | None) -> str:
    """How a formula is named in a message: its text, or "an empty formula" when there is nothing after ``=``."""
    body = (formula or "").strip().lstrip("=").strip()
    return f"公式 {clip((formula or '').strip(), 100)}" if body else "一个空公式（只有“=”）"


def _read_info(report: Report, loc: Locator, schema: Schema, findings: list[Finding], book: Book) -> None:
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
            value = date_value(raw, epoch_1904=book.epoch_1904)
        else:
            value = info_text(raw)
        report.set_info(field.key, value)


def _read_narrative(report: Report, loc: Locator, schema: Schema, findings: list[Finding]) -> None:
    for part in schema.narrative:
        found = loc.find(part.key)
        if found is None:
            continue
        if found.formula:
            findings.append(_formula_finding(found, part.key, part.title))
            report.narrative[part.key] = found.formula
            continue
        report.narrative[part.key] = narrative_text(found.value)


def _read_figures(report: Report, loc: Locator, schema: Schema, findings: list[Finding]) -> set[str]:
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


__all__ = ["read_workbook"]
