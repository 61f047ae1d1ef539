"""The finding catalogue: every code nianbao can emit, its severity, meaning and origin.

Every finding is built from an entry (``CATALOG[code].at(message, sheet=…,
cell=…, key=…, expected=…, actual=…)`` or ``make_finding(code, message, …)``),
so a severity is never typed at a raise site and an uncatalogued code fails at
once. Plain data, so the README tables, ``--help`` texts and the tests iterate
it instead of repeating codes. The sum-rule codes are the ``Rule.code`` values
of the schema (``schema.rules``); a test asserts each one is listed here.

A code has exactly one severity: when the same problem weighs differently by
case, the cases get their own codes (a missing table ``IMPORT_TABLE_MISSING``,
a missing row ``IMPORT_MISSING``, a missing narrative part
``IMPORT_SECTION_MISSING``).

Severity policy:

* ``error`` — the figure is impossible or the report cannot be compiled as is
  (a sum that does not add up, text in a number cell, missing agency or year,
  an empty required section). ``nianbao compile`` refuses without ``--force``.
* ``warning`` — implausible, but a legitimate report can look like this
  (the seed's 规章 row, a narrative figure that disagrees with a table).
* ``notice`` — information only. ``SUM_UNCHECKABLE`` is a notice on purpose:
  the cell that makes the sum uncheckable is already reported on its own
  (``NOT_A_NUMBER``/``NOT_FINITE`` or the reader's finding), so the sum only
  says it *cannot be checked* — it is never counted as a wrong total.

Our own failures have codes of their own (``CHECK_FAILED``,
``READER_INTERNAL_ERROR``, ``INTERNAL_ERROR``, ``RENDER_FAILED``): the clerk is
never told to fix a file that is fine.
"""

from __future__ import annotations

from typing import Any

from .findings import RAISED_BY, SEVERITY_LABEL, CatalogEntry, Finding

__all__ = ["CATALOG", "Catalog", "CatalogEntry", "make_finding", "markdown_table", "template_only_codes"]

_ENTRIES = (
    # ---- errors: sums (codes come from schema.rules)
    CatalogEntry("T3_BALANCE", "error", "表三各列勾稽关系：一 + 二 = 三（七）总计 + 四"),
    CatalogEntry("T3_RESULT_TOTAL", "error", "表三（七）总计等于 21 项办理结果之和（每列）"),
    CatalogEntry("T3_ROW_TOTAL", "error", "表三每行总计等于六类申请人之和"),
    CatalogEntry("T4_GROUP_TOTAL", "error", "表四每组总计等于结果维持、结果纠正、其他结果、尚未审结之和"),
    CatalogEntry("TOTAL_OVERRIDDEN", "error", "合计单元格的公式被手工数字覆盖，且与重新计算的合计不符"),
    # ---- errors: types
    CatalogEntry("NOT_A_NUMBER", "error", "数字单元格中填了文字"),
    CatalogEntry("NOT_FINITE", "error", "数字单元格中是无穷大或非数（NaN）"),
    CatalogEntry("NEGATIVE", "error", "数字为负数"),
    CatalogEntry("NOT_WHOLE", "error", "件数不是整数"),
    CatalogEntry("FEE_DECIMALS", "error", "收费金额（万元）超过 4 位小数"),
    # ---- errors: basic information and narrative
    CatalogEntry("TABLE_MISSING", "error", "报告中缺少整张表（表二、表三或表四）"),
    CatalogEntry("INFO_MISSING", "error", "单位名称或报告年度未填写或无效"),
    CatalogEntry("NARRATIVE_EMPTY", "error", "必填的文字部分为空"),
    CatalogEntry("NARRATIVE_PLACEHOLDER", "error", "文字部分仍是模板的提示文字", template_only=True),
    CatalogEntry("PLACEHOLDER_UNKNOWN", "error", "文字中有不认识的 {占位符}", template_only=True),
    CatalogEntry("UNREADABLE", "error", "文件无法读取"),
    CatalogEntry("CHECK_FAILED", "error", "核查程序内部错误（请把文件发给维护人员）"),
    # ---- warnings: table 2
    CatalogEntry("T2_VALID_ZERO", "warning", "表二本年有制发、现行有效件数却为 0"),
    CatalogEntry("T2_VALID_LOW", "warning", "表二现行有效件数小于本年制发减本年废止"),
    CatalogEntry("FEE_IN_YUAN", "warning", "收费金额疑似按“元”填写（表中单位为万元；按单位层级判断）"),
    CatalogEntry("MANY_BLANKS", "warning", "一张表中有多个空白的数字单元格（没有的应填 0）"),
    # ---- warnings: dates and stamp
    CatalogEntry("DATE_MISSING", "warning", "成文日期未填写"),
    CatalogEntry("DATE_INVALID", "warning", "成文日期不是有效日期"),
    CatalogEntry(
        "DATE_OUT_OF_RANGE",
        "warning",
        "成文日期不在报告年度 12 月 31 日之后、次年 1 月 31 日（部门）或 3 月 31 日（本级人民政府）之前（含）",
    ),
    CatalogEntry("WRONG_YEAR", "warning", "文字中的统计期限、报告名称或本年工作写的是另一个年度"),
    CatalogEntry("YEAR_STAMP_MISMATCH", "warning", "报告年度与模板下发时的年度不一致", template_only=True),
    CatalogEntry("AGENCY_STAMP_MISMATCH", "warning", "单位名称与模板下发时的单位不一致", template_only=True),
    # ---- warnings: narrative vs tables
    CatalogEntry("NARR_APPLICATIONS", "warning", "文字中“收到/新收申请 N 件”与表三一、本年新收总计不符"),
    CatalogEntry("NARR_DISCLOSED", "warning", "文字中“予以公开 N 件”与表三（一）予以公开总计不符"),
    CatalogEntry("NARR_REVIEWS", "warning", "文字中“行政复议 N 件”与表四行政复议总计不符"),
    CatalogEntry("NARR_LAWSUITS", "warning", "文字中“行政诉讼 N 件”与表四行政诉讼总计不符"),
    CatalogEntry("NARR_CARRY_OVER", "warning", "文字中“上年结转 / 结转下年度 N 件”与表三二、四总计不符"),
    CatalogEntry("NARR_RESULTS", "warning", "文字中办结（答复）总数或某类办理结果的件数与表三不符"),
    CatalogEntry("NARR_APPLICANTS", "warning", "文字中自然人、法人或其他组织申请件数与表三一、本年新收各列不符"),
    CatalogEntry("NARR_TABLE2", "warning", "文字中规章、规范性文件件数，许可、处罚、强制决定数或收费金额与表二不符"),
    CatalogEntry("S5_PERFUNCTORY", "warning", "第五部分敷衍：只写“无”、只有一两句，或没有具体问题和改进措施"),
    CatalogEntry("NARR_NO_APPLICATIONS", "warning", "文字称未收到申请，表三却有本年新收申请"),
    CatalogEntry(
        "NARR_FEE_CHARGED", "warning", "表三有逾期未缴费的申请（发出过收费通知），文字却称未发出收费通知或不涉及收费"
    ),
    CatalogEntry("FEE_NOT_MENTIONED", "warning", "第六部分没有说明信息处理费收取情况"),
    # ---- warnings: across years
    CatalogEntry("CARRY_OVER_MISMATCH", "warning", "本年上年结转与上年结转下年度不符", needs_previous=True),
    CatalogEntry("T2_CONTINUITY", "warning", "现行有效件数 ≠ 上年现行有效 + 本年制发 − 本年废止", needs_previous=True),
    CatalogEntry("COPIED_TEXT", "warning", "某部分文字与上年报告几乎相同（内容雷同）", needs_previous=True),
    CatalogEntry(
        "COPIED_TABLES", "warning", "表中数字与上年报告几乎完全相同（结转、现行有效除外）", needs_previous=True
    ),
    CatalogEntry("S5_NO_FOLLOW_UP", "warning", "第五部分没有说明上年度问题的整改情况", needs_previous=True),
    CatalogEntry("PREVIOUS_UNREADABLE", "warning", "所给上年报告无法读取，跨年核对未进行", needs_previous=True),
    CatalogEntry("PREVIOUS_YEAR_MISMATCH", "warning", "所给上年报告的年度不是本报告的上一年", needs_previous=True),
    # ---- reader: returned workbooks (raised by compiler.read, listed here so every code is documented)
    CatalogEntry(
        "READER_INTERNAL_ERROR",
        "error",
        "读取程序内部错误，不是文件的问题（请把文件发给维护人员）",
        raised_by="read",
    ),
    CatalogEntry("NOT_TEMPLATE", "error", "不是 nianbao 标准填报模板，无法确定数据位置", raised_by="read"),
    CatalogEntry("TEMPLATE_FORMAT_UNKNOWN", "error", "模板标记的报表格式本版本不支持", raised_by="read"),
    CatalogEntry("SHEET_MISSING", "error", "模板中需要的工作表被删除", raised_by="read"),
    CatalogEntry("FORMULA_IN_INPUT", "error", "填报单元格中有公式（请直接填写数字）", raised_by="read"),
    CatalogEntry("TEMPLATE_VERSION_OLD", "warning", "模板版本较旧", raised_by="read"),
    CatalogEntry("TEMPLATE_VERSION_NEW", "warning", "模板版本比本程序新", raised_by="read"),
    CatalogEntry("TEMPLATE_VERSION_UNKNOWN", "warning", "模板版本无法识别", raised_by="read"),
    CatalogEntry("STAMP_MISSING", "warning", "模板标记缺失，按模板位置读取", raised_by="read"),
    CatalogEntry("NAMES_MISSING", "warning", "部分单元格名称缺失，按模板位置读取", raised_by="read"),
    CatalogEntry(
        "NUMBER_AS_TEXT",
        "error",
        "数字以文字形式填写（全角数字或文本格式），工作表的合计不计入",
        raised_by="read",
    ),
    CatalogEntry(
        "FORMULA_EVALUATED",
        "notice",
        "填报单元格中的常数算式（如 =3+4）已按结果读取",
        raised_by="read",
    ),
    CatalogEntry("MACROS_IGNORED", "notice", "工作簿含宏：只读取数值，宏未执行", raised_by="read"),
    CatalogEntry("EXTERNAL_LINKS_IGNORED", "notice", "工作簿含外部链接：未打开、未使用", raised_by="read"),
    # ---- importer: published reports (raised by compiler.imports)
    CatalogEntry("IMPORT_UNREADABLE", "error", "已发布报告中某个数字无法读取，已留空", raised_by="import"),
    CatalogEntry("IMPORT_TABLE_MISSING", "error", "已发布报告中找不到某张表，其全部数字已留空", raised_by="import"),
    CatalogEntry(
        "IMPORT_TABLE_UNREADABLE",
        "error",
        "已发布报告中有某张表的标题，但读不出其中任何一行，其全部数字已留空",
        raised_by="import",
    ),
    CatalogEntry("IMPORT_MISSING", "error", "已发布报告中找不到某行或某个数字，已留空", raised_by="import"),
    CatalogEntry(
        "IMPORT_SECTION_MISSING", "warning", "已发布报告中找不到某部分的标题，该部分文字为空", raised_by="import"
    ),
    CatalogEntry("IMPORT_DUPLICATE", "warning", "已发布报告中同一行出现两次，取第一次", raised_by="import"),
    CatalogEntry(
        "TRIAL_FORMAT_2019", "warning", "表格为 2019 年试行格式，只读取与 2021 年格式对应的部分", raised_by="import"
    ),
    CatalogEntry("IMPORT_EXTRA_ROW", "notice", "已发布报告中有格式之外的行，已忽略", raised_by="import"),
    CatalogEntry("IMPORT_NARRATIVE_MERGED", "notice", "总体情况中不属于五个小节的段落并入前一小节", raised_by="import"),
    CatalogEntry("IMPORT_NOT_APPLICABLE", "notice", "单元格填“/”（不适用），按空白处理", raised_by="import"),
    CatalogEntry("IMPORT_UNIT_CONVERTED", "notice", "金额带单位“元”，已换算为万元", raised_by="import"),
    CatalogEntry(
        "IMPORT_AGENCY_EXPANDED",
        "notice",
        "标题中的单位名称为惯用简称（如“市科委”），已按全称读取",
        raised_by="import",
    ),
    CatalogEntry(
        "IMPORT_ROWS_BY_ORDER",
        "notice",
        "已发布报告中行标签与数字错位，按格式行序放置并经勾稽关系核对",
        raised_by="import",
    ),
    # ---- batch (raised by compiler.batch across files)
    CatalogEntry(
        "DUPLICATE_AGENCY",
        "warning",
        "同一单位同一年度有两份填报表（保留成文日期较晚、其次文件时间较晚的一份计入汇总）",
        raised_by="batch",
    ),
    CatalogEntry("TIMEOUT", "error", "处理单个文件超时，已停止处理该文件", raised_by="batch"),
    CatalogEntry("MEMORY_LIMIT", "error", "处理单个文件超出内存上限，已停止处理该文件", raised_by="batch"),
    CatalogEntry("WORKER_CRASH", "error", "处理该文件的子进程意外退出", raised_by="batch"),
    CatalogEntry(
        "INTERNAL_ERROR", "error", "处理时发生内部错误，不是文件的问题（请把文件发给维护人员）", raised_by="batch"
    ),
    CatalogEntry("RENDER_FAILED", "error", "生成报告文件（Word/网页/PDF）失败", raised_by="batch"),
    CatalogEntry("INPUT_CHANGED", "error", "读取期间文件被修改或替换，结果未保存，下次运行重新处理", raised_by="batch"),
    CatalogEntry(
        "RESOURCE_FAILURE", "error", "内存不足或磁盘读取出错，结果未保存，下次运行重新处理", raised_by="batch"
    ),
    CatalogEntry(
        "OUTPUT_EDITED", "warning", "上次生成的报告在生成后被修改过（如盖章），未覆盖，新报告未写出", raised_by="batch"
    ),
    # ---- serve (raised by compiler.serve for an upload through an agency's link)
    CatalogEntry(
        "UPLOAD_OTHER_AGENCY",
        "error",
        "上传的是名单中另一个单位的填报表（单位名称与专用链接所属的单位不符）",
        raised_by="serve",
    ),
    # ---- notices
    CatalogEntry("YOY_JUMP", "notice", "主要数字比上年增减 5 倍以上", needs_previous=True),
    CatalogEntry("LARGE_CARRY_OVER", "notice", "结转下年度超过（一 + 二）的 30%"),
    CatalogEntry("NARRATIVE_PART_MISSING", "notice", "已发布报告的某部分缺少格式规定的小节（该部分其余文字已写）"),
    CatalogEntry("BLANK_AS_ZERO", "notice", "空白数字单元格按 0 计算（每张表一条）"),
    CatalogEntry("SUM_UNCHECKABLE", "notice", "求和的单元格中有文字或无法读取的值，该合计无法核对"),
)


class Catalog(dict[str, CatalogEntry]):
    """Code → entry. A format's own sum-rule code (a ``Rule.code`` of its schema not listed above) is an
    error titled by its rule, so a new format adds its rules under ``schema/`` alone."""

    def __missing__(self, code: str) -> CatalogEntry:
        from .schema import all_schemas

        for schema in all_schemas():
            for rule in schema.rules:
                if rule.code == code:
                    entry = self[code] = CatalogEntry(code, "error", rule.title or code)
                    return entry
        raise KeyError(code)


CATALOG = Catalog({e.code: e for e in _ENTRIES})


def make_finding(code: str, message: str, **where: Any) -> Finding:
    """``CATALOG[code].at(message, **where)``: the finding of a catalogued code (``KeyError`` if it is not)."""
    return CATALOG[code].at(message, **where)


def template_only_codes() -> frozenset[str]:
    return frozenset(e.code for e in _ENTRIES if e.template_only)


def markdown_table() -> str:
    """The catalogue as a Markdown table (for the README): code, severity, meaning."""
    lines = ["| 代码 Code | 级别 Severity | 含义 |", "|---|---|---|"]
    for e in _ENTRIES:
        notes = [
            n
            for n, on in (
                ("仅模板", e.template_only),
                ("需 --previous", e.needs_previous),
                (RAISED_BY[e.raised_by], e.raised_by != "check"),
            )
            if on
        ]
        suffix = f"（{'，'.join(notes)}）" if notes else ""
        lines.append(f"| `{e.code}` | {SEVERITY_LABEL[e.severity]} {e.severity} | {e.title}{suffix} |")
    return "\n".join(lines) + "\n"
