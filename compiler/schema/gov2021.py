"""The 2021 national format (国办公开办函〔2021〕30号) as data.

Every label here is copied from ``shared/spec/national-format-2021.md``
§2–§5; nothing else in the code types a label or a row list.
"""

from __future__ import annotations

from .build import label_tree_rows, total_rules
from .types import (
    ROLE_CARRIED_IN,
    ROLE_CARRIED_OUT,
    ROLE_DISCLOSED,
    ROLE_DOCUMENTS,
    ROLE_FEE_STATEMENT,
    ROLE_LAWSUITS,
    ROLE_NEW,
    ROLE_RESULT_TOTAL,
    ROLE_RESULTS,
    ROLE_REVIEWS,
    ROLE_UNPAID_FEE,
    Figure,
    FigureKind,
    GridCell,
    InfoField,
    NarrativePart,
    Rule,
    Schema,
    Section,
    Table,
    YearLink,
    figure_key,
)

FORMAT_ID = "gov-2021"

# --------------------------------------------------------------------------
# Sections (spec §2)
# --------------------------------------------------------------------------
SECTIONS = (
    Section(1, "一、总体情况", ("政府信息公开工作基本情况", "基本情况", "总体情况", "概述")),
    Section(2, "二、主动公开政府信息情况", ("主动公开政府信息情况",), table="t2"),
    Section(3, "三、收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请情况",), table="t3"),
    Section(
        4,
        "四、政府信息公开行政复议、行政诉讼情况",
        (
            "政府信息公开行政复议、行政诉讼情况",
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议提起行政诉讼情况",
            "政府信息公开行政复议及行政诉讼情况",
        ),
        table="t4",
    ),
    Section(
        5,
        "五、存在的主要问题及改进情况",
        (
            "存在的主要问题及改进情况",
            "政府信息公开工作存在的主要问题及改进情况",
            "存在问题及改进情况",
            "存在问题及改进措施",
            "存在的主要问题及改进措施",
            "存在的主要问题及整改措施",
            "存在的主要问题及整改情况",
            "存在问题及整改措施",
        ),
    ),
    Section(6, "六、其他需要报告的事项", ("其他需要报告的事项", "其他报告事项")),
)

# --------------------------------------------------------------------------
# Basic information and narrative
# --------------------------------------------------------------------------
INFO = (
    InfoField("info_agency", ("agency",), "单位名称", "text", True, "机关全称，如：XX市XX局"),
    InfoField("info_year", ("year",), "报告年度", "year", True, "统计年度，四位数字，如：2025"),
    InfoField("info_date", ("date",), "成文日期", "date", True, "报告成文日期，如：2026-01-20"),
    InfoField("info_phone", ("contact", "phone"), "联系电话", "phone", False, "如：0570-3012273"),
    InfoField("info_email", ("contact", "email"), "电子邮箱", "email", False, ""),
    InfoField("info_address", ("contact", "address"), "通讯地址", "text", False, ""),
    InfoField(
        "info_website",
        ("website",),
        "发布网站",
        "text",
        False,
        "如：XX市人民政府门户网站",
    ),
)

_HINT = "【请填写：{}】"

NARRATIVE = (
    NarrativePart("narr_s1_0", 1, "（导语）", False, _HINT.format("总体情况的导语段落，可不填")),
    NarrativePart("narr_s1_1", 1, "（一）主动公开", True, _HINT.format("本年度主动公开政府信息的情况")),
    NarrativePart("narr_s1_2", 1, "（二）依申请公开", True, _HINT.format("本年度依申请公开政府信息的情况")),
    NarrativePart("narr_s1_3", 1, "（三）政府信息管理", True, _HINT.format("政府信息管理工作情况")),
    NarrativePart("narr_s1_4", 1, "（四）政府信息公开平台建设", True, _HINT.format("政府信息公开平台建设情况")),
    NarrativePart("narr_s1_5", 1, "（五）监督保障", True, _HINT.format("监督保障工作情况")),
    NarrativePart("narr_s5", 5, "五、存在的主要问题及改进情况", True, _HINT.format("存在的主要问题及改进情况")),
    NarrativePart("narr_s6", 6, "六、其他需要报告的事项", True, _HINT.format("信息处理费收取情况及其他需要报告的事项")),
)

# --------------------------------------------------------------------------
# Table 2 (spec §3): four blocks, 4 grid columns
# --------------------------------------------------------------------------
_T2_INFO = "信息内容"
_T2_BLOCKS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    # (caption, column headers, ((row label, placeholder stem), ...))
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (("规章", "规章"), ("行政规范性文件", "行政规范性文件")),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "行政许可"),)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", "行政处罚"), ("行政强制", "行政强制"))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "行政事业性收费"),)),
)
_T2_NAMES = {
    "本年制发件数": "制发件数",
    "本年废止件数": "废止件数",
    "现行有效件数": "现行有效件数",
    "本年处理决定数量": "决定数",
    "本年收费金额（单位：万元）": "金额",
}


def _table2() -> Table:
    rows: list[tuple[Figure, ...]] = []
    grid: list[GridCell] = []
    r = 0
    for caption, headers, data_rows in _T2_BLOCKS:
        grid.append(GridCell(r, 0, "caption", caption, colspan=4))
        grid.append(GridCell(r + 1, 0, "header", _T2_INFO))
        span = 3 // len(headers)
        for i, h in enumerate(headers):
            grid.append(GridCell(r + 1, 1 + i * span, "header", h, colspan=span))
        r += 2
        for label, stem in data_rows:
            n = len(rows) + 1
            kind: FigureKind = "amount" if headers[0].startswith("本年收费金额") else "count"
            figs = tuple(
                Figure(figure_key("t2", n, c), "t2", n, c, kind, label, h, stem + _T2_NAMES[h])
                for c, h in enumerate(headers, start=1)
            )
            rows.append(figs)
            grid.append(GridCell(r, 0, "label", label))
            for i, f in enumerate(figs):
                grid.append(GridCell(r, 1 + i * span, "figure", key=f.key, colspan=span))
            r += 1
    return Table(
        id="t2",
        section=2,
        sheet="表二",
        title=SECTIONS[1].heading,
        rows=tuple(rows),
        grid=tuple(grid),
        grid_rows=r,
        grid_cols=4,
        header_rows=0,
        col_widths=(3.0, 2.0, 2.0, 2.0),
        aliases={
            "本年制发件数": ("本年新发件数", "本年制发", "制发件数", "本年新制作数量"),
            "本年废止件数": ("本年废止", "废止件数"),
            "现行有效件数": ("现行有效件数（历史累计）", "现行有效", "有效件数"),
            "行政规范性文件": ("规范性文件",),
            "本年收费金额（单位：万元）": ("本年收费金额", "收费金额"),
            "本年处理决定数量": ("处理决定数量",),
        },
    )


#: Table 2 of the 2019 trial format (国办公开办函〔2019〕60号, spec §9, S13), still used by some units:
#: (caption, column headers, row labels) per block. Only read, to recognise it and report it as such;
#: a column is carried into the 2021 table when its header is a 2021 header or one of its aliases.
T2_TRIAL_2019: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "规范性文件")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政许可", "其他对外管理服务事项")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("行政事业性收费",)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("政府集中采购",)),
)


# --------------------------------------------------------------------------
# Table 3 (spec §4): 3 header rows, 3 label columns, 7 figure columns
# --------------------------------------------------------------------------
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T3_COLUMNS = (
    ("自然人", "自然人"),
    ("商业企业", "商业企业"),
    ("科研机构", "科研机构"),
    ("社会公益组织", "社会公益组织"),
    ("法律服务机构", "法律服务机构"),
    ("其他", "其他"),
    ("总计", "总数"),
)
_R3 = "三、本年度办理结果"
_T3_ROWS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("一、本年新收政府信息公开申请数量",), "新收申请"),
    (("二、上年结转政府信息公开申请数量",), "上年结转"),
    ((_R3, "（一）予以公开"), "予以公开"),
    ((_R3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), "部分公开"),
    ((_R3, "（三）不予公开", "1.属于国家秘密"), "国家秘密"),
    ((_R3, "（三）不予公开", "2.其他法律行政法规禁止公开"), "法律法规禁止公开"),
    ((_R3, "（三）不予公开", "3.危及“三安全一稳定”"), "危及三安全一稳定"),
    ((_R3, "（三）不予公开", "4.保护第三方合法权益"), "保护第三方合法权益"),
    ((_R3, "（三）不予公开", "5.属于三类内部事务信息"), "内部事务信息"),
    ((_R3, "（三）不予公开", "6.属于四类过程性信息"), "过程性信息"),
    ((_R3, "（三）不予公开", "7.属于行政执法案卷"), "行政执法案卷"),
    ((_R3, "（三）不予公开", "8.属于行政查询事项"), "行政查询事项"),
    ((_R3, "（四）无法提供", "1.本机关不掌握相关政府信息"), "不掌握相关信息"),
    ((_R3, "（四）无法提供", "2.没有现成信息需要另行制作"), "需另行制作"),
    ((_R3, "（四）无法提供", "3.补正后申请内容仍不明确"), "补正后仍不明确"),
    ((_R3, "（五）不予处理", "1.信访举报投诉类申请"), "信访举报投诉类"),
    ((_R3, "（五）不予处理", "2.重复申请"), "重复申请"),
    ((_R3, "（五）不予处理", "3.要求提供公开出版物"), "要求提供公开出版物"),
    ((_R3, "（五）不予处理", "4.无正当理由大量反复申请"), "大量反复申请"),
    ((_R3, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"), "要求确认或重新出具"),
    (
        (_R3, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        "逾期不补正",
    ),
    (
        (_R3, "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        "逾期未缴费",
    ),
    ((_R3, "（六）其他处理", "3.其他"), "其他处理"),
    ((_R3, "（七）总计"), "办理结果"),
    (("四、结转下年度继续办理",), "结转下年"),
)
#: JSON row numbers (1-based) of table 3's landmark rows.
T3_NEW, T3_CARRIED_IN, T3_RESULTS_FIRST, T3_RESULTS_LAST, T3_RESULT_TOTAL, T3_CARRIED_OUT = 1, 2, 3, 23, 24, 25
#: （六）2 申请人逾期未按收费通知要求缴纳费用.
T3_UNPAID_FEE = 22
T3_TOTAL_COL = 7


def _table3() -> Table:
    header = [
        GridCell(0, 0, "note", T3_NOTE, rowspan=3, colspan=3),
        GridCell(0, 3, "header", "申请人情况", colspan=7),
        GridCell(1, 3, "header", "自然人", rowspan=2),
        GridCell(1, 4, "header", "法人或其他组织", colspan=5),
        GridCell(1, 9, "header", "总计", rowspan=2),
        *(GridCell(2, 4 + i, "header", label) for i, (label, _) in enumerate(_T3_COLUMNS[1:6])),
    ]
    rows, body = label_tree_rows(
        "t3",
        [p for p, _ in _T3_ROWS],
        [n for _, n in _T3_ROWS],
        _T3_COLUMNS,
        first_grid_row=3,
        label_cols=3,
    )
    return Table(
        id="t3",
        section=3,
        sheet="表三",
        title=SECTIONS[2].heading,
        rows=rows,
        grid=tuple(header + body),
        grid_rows=3 + len(rows),
        grid_cols=10,
        header_rows=3,
        col_widths=(1.1, 1.5, 4.6) + (1.15,) * 7,
        aliases={
            "总计": ("合计",),
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": (
                "（二）部分公开（区分处理的，只计这一情况，不计其他情形）",
            ),
            "3.危及“三安全一稳定”": ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
            "5.属于三类内部事务信息": ("5.属于三类内容事务信息",),
        },
    )


# --------------------------------------------------------------------------
# Table 4 (spec §5): 3 groups × 5 columns printed on one row
# --------------------------------------------------------------------------
_T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_T4_GROUPS = (("行政复议", "行政复议"), ("未经复议直接起诉", "直接起诉"), ("复议后起诉", "复议后起诉"))


def _table4() -> Table:
    header = [
        GridCell(0, 0, "header", "行政复议", colspan=5),
        GridCell(0, 5, "header", "行政诉讼", colspan=10),
        *(GridCell(1, i, "header", label, rowspan=2) for i, label in enumerate(_T4_RESULTS)),
        GridCell(1, 5, "header", _T4_GROUPS[1][0], colspan=5),
        GridCell(1, 10, "header", _T4_GROUPS[2][0], colspan=5),
        *(GridCell(2, 5 + g * 5 + i, "header", label) for g in range(2) for i, label in enumerate(_T4_RESULTS)),
    ]
    rows = []
    for g, (group, stem) in enumerate(_T4_GROUPS, start=1):
        rows.append(
            tuple(
                Figure(figure_key("t4", g, c), "t4", g, c, "count", group, label, stem + label)
                for c, label in enumerate(_T4_RESULTS, start=1)
            )
        )
    body = [GridCell(3, (f.row - 1) * 5 + f.col - 1, "figure", key=f.key) for row in rows for f in row]
    return Table(
        id="t4",
        section=4,
        sheet="表四",
        title=SECTIONS[3].heading,
        rows=tuple(rows),
        grid=tuple(header + body),
        grid_rows=4,
        grid_cols=15,
        header_rows=3,
        col_widths=(1.0,) * 15,
        aliases={"总计": ("合计",)},
    )


# --------------------------------------------------------------------------
# Sum rules (spec §6.1)
# --------------------------------------------------------------------------
def _rules(t3: Table, t4: Table) -> tuple[Rule, ...]:
    k3 = [[f.key for f in row] for row in t3.rows]  # k3[row-1][col-1]
    rules: list[Rule] = []
    for c, (col_label, _) in enumerate(_T3_COLUMNS):
        rules.append(
            Rule(
                "T3_BALANCE",
                "t3",
                (k3[T3_NEW - 1][c], k3[T3_CARRIED_IN - 1][c]),
                (k3[T3_RESULT_TOTAL - 1][c], k3[T3_CARRIED_OUT - 1][c]),
                k3[T3_CARRIED_OUT - 1][c],
                title=f"表三“{col_label}”列勾稽关系（一+二=三（七）总计+四）",
            )
        )
    # The (七) row's applicant columns are formulas; its 总计 cell is the row-total formula.
    rules += [
        Rule(
            "T3_RESULT_TOTAL",
            "t3",
            (k3[T3_RESULT_TOTAL - 1][c],),
            tuple(k3[r][c] for r in range(T3_RESULTS_FIRST - 1, T3_RESULTS_LAST)),
            k3[T3_RESULT_TOTAL - 1][c],
            formula=c != T3_TOTAL_COL - 1,
            title="表三（七）总计等于21项办理结果之和",
        )
        for c in range(len(_T3_COLUMNS))
    ]
    rules += total_rules(
        "T3_ROW_TOTAL",
        "t3",
        [(row[-1], row[:-1]) for row in k3],
        formula=True,
        title="表三总计等于六类申请人之和",
    )
    rules += total_rules(
        "T4_GROUP_TOTAL",
        "t4",
        [(row[-1].key, [f.key for f in row[:-1]]) for row in t4.rows],
        formula=True,
        title="表四总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    )
    return tuple(rules)


# --------------------------------------------------------------------------
# Roles and year-to-year relations
# --------------------------------------------------------------------------
def _roles(t2: Table, t3: Table, t4: Table) -> dict[str, tuple[tuple[str, ...], ...]]:
    def rows(table: Table, *numbers: int) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(f.key for f in table.rows[n - 1]) for n in numbers)

    return {
        ROLE_NEW: rows(t3, T3_NEW),
        ROLE_CARRIED_IN: rows(t3, T3_CARRIED_IN),
        ROLE_RESULTS: rows(t3, *range(T3_RESULTS_FIRST, T3_RESULTS_LAST + 1)),
        ROLE_DISCLOSED: rows(t3, T3_RESULTS_FIRST),
        ROLE_RESULT_TOTAL: rows(t3, T3_RESULT_TOTAL),
        ROLE_CARRIED_OUT: rows(t3, T3_CARRIED_OUT),
        ROLE_UNPAID_FEE: rows(t3, T3_UNPAID_FEE),
        ROLE_REVIEWS: rows(t4, 1),
        ROLE_LAWSUITS: rows(t4, 2, 3),
        ROLE_DOCUMENTS: tuple(tuple(f.key for f in row) for row in t2.rows if len(row) == 3),
        ROLE_FEE_STATEMENT: tuple((p.key,) for p in NARRATIVE if p.section == 6),
    }


def _year_links(t2: Table, t3: Table) -> tuple[YearLink, ...]:
    """二 (this year) = 四 (last year) per column; 现行有效 = last year's + 制发 − 废止 per document kind."""
    carried_in, carried_out = t3.rows[T3_CARRIED_IN - 1], t3.rows[T3_CARRIED_OUT - 1]
    links = [
        YearLink("CARRY_OVER_MISMATCH", here.key, there.key)
        for here, there in zip(carried_in, carried_out, strict=True)
    ]
    links += [
        YearLink("T2_CONTINUITY", valid.key, valid.key, plus=(made.key,), minus=(repealed.key,))
        for made, repealed, valid in (row for row in t2.rows if len(row) == 3)
    ]
    return tuple(links)


def build() -> Schema:
    t2, t3, t4 = _table2(), _table3(), _table4()
    return Schema(
        format_id=FORMAT_ID,
        name="政府信息公开工作年度报告（国办公开办函〔2021〕30号）",
        title="{agency}{year}年政府信息公开工作年度报告",
        sections=SECTIONS,
        info=INFO,
        narrative=NARRATIVE,
        tables=(t2, t3, t4),
        rules=_rules(t3, t4),
        roles=_roles(t2, t3, t4),
        year_links=_year_links(t2, t3),
        trial_table2=T2_TRIAL_2019,
    )
