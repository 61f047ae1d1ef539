"""Build the bundled samples: report JSON → filled-in standard template (.xlsx).

Run ``.venv/bin/python samples/make_samples.py`` to (re)write every
``samples/<name>.xlsx`` from the committed ``samples/<name>.json``; add
``--regen-json`` to rebuild the JSON files from the functions below first.
Everything is deterministic (fixed random seeds, no clock), so a rerun gives
byte-identical files and ``tests/test_samples.py`` can compare them.

The samples:

* ``quzhou-jgsw-2022`` — the published 2022 report of 衢州市机关事务保障中心
  (``shared/seeds/quzhou-jgsw-2022.txt``) entered as published, errors included.
* ``city-2024`` — a large city-scale report: every figure cell non-zero, every
  sum consistent, narrative numbers taken from the tables.
* ``errors-2024`` — a county bureau's report with deliberate errors (listed in
  ``ERRORS`` below and in ``samples/README.md``) for the checker to find.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import html
import io
import random
import re
import sys
import zipfile
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

from compiler.compute import recompute_totals, sum_values
from compiler.model import Contact, Report
from compiler.placeholders import format_number
from compiler.schema import get_schema
from compiler.schema.gov2021 import (
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_NEW,
    T3_RESULT_TOTAL,
    T3_RESULTS_FIRST,
    T3_RESULTS_LAST,
    T3_TOTAL_COL,
)
from compiler.schema.workbook import cell_ref
from compiler.util.files import write_atomic

SAMPLES_DIR = Path(__file__).resolve().parent

SCHEMA = get_schema()
_NARR = {p.key: p for p in SCHEMA.narrative}


def _key(table: str, row: int, col: int) -> str:
    """The figure key at JSON position (1-based), looked up in the schema, never spelled by hand."""
    return SCHEMA.table(table).rows[row - 1][col - 1].key


def _applicant_cols() -> range:
    """1-based applicant columns of table 3 (all but 总计)."""
    return range(1, T3_TOTAL_COL)


# ===========================================================================
# (a) The seed: 衢州市机关事务保障中心 2022, as published
# ===========================================================================
#
# Narrative mapping (the published report has six numbered items in section 一,
# our format has five sub-sections; every published sentence is kept):
#
# * The website preamble “根据《中华人民共和国政府信息公开条例》…现公布…年度报告。
#   如对报告内容有疑问的…” is left out: our compiler writes its own opening.
# * Section 一's first paragraph → the lead (narr_s1_0).
# * (一)主动公开政府信息情况 → （一）主动公开 (narr_s1_1).
# * (二)依申请公开政府信息情况 + (三)收费及减免情况 → （二）依申请公开 (narr_s1_2):
#   fees are charged on applications, so “未收取费用。” follows the application sentence.
# * The seed has no 政府信息管理 paragraph. （三）政府信息管理 (narr_s1_3) holds one short
#   sentence made only of the seed's own words: “完善工作制度” (section 一 lead) and
#   “做好……信息发布和维护工作” (item (四)).
# * (四)政府信息公开平台建设 → （四）政府信息公开平台建设 (narr_s1_4).
# * (六)监督保障情况 + (五)行政复议和诉讼情况 → （五）监督保障 (narr_s1_5): review and
#   litigation are part of the supervision picture; the (五) sentence is its second paragraph.
# * Sections 五 and 六 verbatim, one published paragraph per line.
#
# Punctuation: the seed text comes from a web page with half-width “( ) , :”;
# the narrative uses the full-width （ ） ， ： of the published report. Wording,
# including the published slips (“主动公开政府信息12。” without a unit, “1月--12月”,
# “高主动公开的频次” for 提高), is kept exactly.

SEED_LEAD = (
    "2022年，衢州市机关事务保障中心深入学习贯彻党的二十大精神，深学笃行习近平总书记关于机关事务工作的"
    "重要指示精神，全面贯彻落实市委市政府各项决策部署要求，守正创新、踔厉奋发、积极作为，圆满完成市委市政府"
    "交办的各项工作任务。按照《中华人民共和国政府信息公开条例》的规定要求，充分利用政府门户网站等政府信息公开"
    "平台，完善工作制度，加强落实保障，注重公开实效，切实推进本单位政府信息公开工作深入开展。"
)
SEED_S1 = (
    # （一）主动公开 ← (一)
    "2022年1月--12月，机关事务保障中心通过衢州市政府信息公开平台主动公开政府信息12。"
    "通过省机关事务局网站、浙里好管家微信公众号等平台发布工作信息65条。",
    # （二）依申请公开 ← (二) + (三)收费及减免情况
    "2022年，未收到市民群众要求公开政府信息的申请。未收取费用。",
    # （三）政府信息管理 ← derived from the lead (“完善工作制度”) and (四) (“信息发布和维护工作”)
    "完善工作制度，做好信息发布和维护工作。",
    # （四）政府信息公开平台建设 ← (四)
    "2022年根据市政务公开办统一部署，做好政府信息公开平台优化栏目、信息发布和维护工作。",
    # （五）监督保障 ← (六) + (五)行政复议和诉讼情况
    "将政府信息公开纳入各处室（单位）年度工作考核，促进各处室（单位）不断提升政府信息公开工作水平。"
    "积极做好网站日常检测工作并根据相关指标要求做好日常维护整改工作。\n"
    "2022年，无行政复议和行政诉讼情况。",
)
SEED_S5 = "\n".join(
    (
        "衢州市机关事务保障中心有序推进政府信息公开工作，按要求对应公开信息及时公开，不断规范公开程序，实现了"
        "政府信息制作、主动发布和规范程序有序衔接，取得了一定的成绩，但是仍然存在一些问题。",
        "（一）健全工作机制。高主动公开的频次和时效性，努力形成职责分明、分工合理、各负其责、齐抓共管的工作局面。"
        "继续确定专人负责政府信息公开的相关维护、组织协调工作，确保政府信息公开工作的顺利推进。",
        "（二）重点保障权利保护加强对于积极公开机关干部关注的热点问题，围绕公务用车保障、会务保障、食堂管理、"
        "物业服务等重点工作，积极做好政务信息、部门信息的收集、发布工作，以机关干部最关心、最直接、最现实的利益"
        "问题作为政府信息公开、办事公开的重点内容，进一步扩大公开覆盖面，保障群众的知情权、参与权、表达权、监督权。",
        "（三）丰富信息公开载体并提高人员素质。组织学习《中华人民共和国政府信息公开条例》，倡导积极、全面、合法的"
        "公开政府信息，为公众提供及时、准确、实用的信息内容。拓展和延伸信息公开的传播平台建设，增强发布信息、沟通"
        "交流、解读政策的功能。加强涉及本单位的通衢网络问政平台及12345政务咨询投诉热线的管理和运行，认真做好来信"
        "来电受理件的办理和服务工作，确保按期受理率、办结率和满意率在宣传工作上，开展“线上+线下”多渠道、多形式、"
        "全方位的信息公开。",
    )
)
SEED_S6 = "本年度我中心未收取信息处理费。\n无其他需要报告的事项。"


def seed_report() -> Report:
    """The seed report, every figure as published (the seed prints 0, so 0, not blank)."""
    report = Report.empty()
    report.agency = "衢州市机关事务保障中心"
    report.year = 2022
    report.date = dt.date(2023, 1, 28)
    report.contact = Contact(phone="0570-3012273", email="1055227255@qq.com")
    _set_narrative(report, SEED_LEAD, SEED_S1, SEED_S5, SEED_S6)
    for rows in report.tables.values():
        for row in rows:
            row[:] = [0] * len(row)
    # Published 规章 row: 本年新发 1, 废止 0, 现行有效 0 — inconsistent (W1/W2), kept as published.
    report.set_value(_key("t2", 1, 1), 1)
    return report


# ===========================================================================
# (b) A large city-scale report: every figure non-zero, every sum consistent
# ===========================================================================
CITY_SEED = 20240101

#: Relative frequency of the 21 result lines of table 3 (rows 三（一）…（六）3, printed order):
#: 予以公开, 部分公开, 不予公开 ×8, 无法提供 ×3, 不予处理 ×5, 其他处理 ×3.
RESULT_WEIGHTS = (
    *(40.0, 8.0),
    *(0.3, 0.5, 0.5, 1.5, 1.2, 2.0, 1.0, 1.5),
    *(22.0, 4.0, 2.0),
    *(3.0, 2.5, 0.8, 1.0, 0.8),
    *(3.0, 0.4, 2.5),
)
#: Per applicant column (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他):
#: ranges of 本年新收, 上年结转, 结转下年度.
CITY_APPLICANTS = (
    ((820, 980), (30, 50), (25, 45)),
    ((150, 210), (6, 12), (5, 10)),
    ((26, 34), (1, 3), (1, 3)),
    ((24, 32), (1, 3), (1, 3)),
    ((55, 75), (2, 5), (2, 5)),
    ((30, 40), (1, 4), (1, 4)),
)

#: Table 4 upper bounds per row (复议, 直接起诉, 复议后起诉) for 维持, 纠正, 其他, 尚未审结.
T4_HIGH = ((9, 3, 2, 2), (5, 2, 2, 2), (4, 2, 1, 2))


class _Dice:
    """Deterministic integers from ``random.Random.random()`` only (stable across Python versions)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return lo + int(self._rng.random() * (hi - lo + 1))

    def spread(self, total: int, weights: tuple[float, ...]) -> list[int]:
        """``total`` split over ``len(weights)`` parts, each at least 1, the rest drawn by weight."""
        if total < len(weights):
            raise ValueError("total too small for a non-zero spread")
        parts = [1] * len(weights)
        cumulative = list(accumulate(weights))
        for _ in range(total - len(weights)):
            i = bisect.bisect_right(cumulative, self._rng.random() * cumulative[-1])
            parts[min(i, len(parts) - 1)] += 1
        return parts


def city_figures(report: Report, seed: int = CITY_SEED) -> None:
    """Fill every input figure of ``report`` with realistic non-zero values, then the totals."""
    dice = _Dice(seed)
    assert len(RESULT_WEIGHTS) == T3_RESULTS_LAST - T3_RESULTS_FIRST + 1
    assert len(CITY_APPLICANTS) == len(_applicant_cols())
    # Table 2: 规章 and 行政规范性文件 (made, repealed, valid), 许可, 处罚, 强制, fee in 万元.
    t2 = (
        (dice.int(2, 5), dice.int(1, 3), dice.int(40, 60)),
        (dice.int(30, 60), dice.int(10, 25), dice.int(300, 420)),
        (dice.int(8000, 15000),),
        (dice.int(3000, 7000),),
        (dice.int(200, 500),),
        (dice.int(100001, 999999) / 10000,),
    )
    for r, row in enumerate(t2, start=1):
        for c, v in enumerate(row, start=1):
            report.set_value(_key("t2", r, c), v)
    # Table 3, column by column: 一 + 二 = (七) + 四 by construction.
    for c, (new, carried_in, carried_out) in zip(_applicant_cols(), CITY_APPLICANTS, strict=True):
        n, i, o = dice.int(*new), dice.int(*carried_in), dice.int(*carried_out)
        report.set_value(_key("t3", T3_NEW, c), n)
        report.set_value(_key("t3", T3_CARRIED_IN, c), i)
        report.set_value(_key("t3", T3_CARRIED_OUT, c), o)
        lines = dice.spread(n + i - o, RESULT_WEIGHTS)
        for r, v in zip(range(T3_RESULTS_FIRST, T3_RESULTS_LAST + 1), lines, strict=True):
            report.set_value(_key("t3", r, c), v)
    # Table 4: every result non-zero, upheld decisions the most frequent.
    for r, row in enumerate(SCHEMA.table("t4").rows, start=1):
        for c, hi in zip(range(1, len(row)), T4_HIGH[r - 1], strict=True):
            report.set_value(_key("t4", r, c), dice.int(1, hi))
    recompute_totals(report)


def _n(report: Report, table: str, row: int, col: int) -> str:
    return format_number(report.value(_key(table, row, col)))


def _t3_sum(report: Report, first: int, last: int) -> str:
    """Σ of table 3's 总计 column over JSON rows ``first``…``last`` (a result group)."""
    return format_number(sum_values(report.value(_key("t3", r, T3_TOTAL_COL)) for r in range(first, last + 1)))


def _ph(table: str, row: int, col: int) -> str:
    """A ``{名称}`` narrative placeholder for a figure, its name taken from the schema."""
    return "{" + SCHEMA.figure(_key(table, row, col)).name + "}"


def city_narrative(report: Report) -> None:
    """Full narrative whose numbers are the tables' (two via ``{名称}`` placeholders)."""
    dice = _Dice(CITY_SEED + 1)
    first = T3_RESULTS_FIRST
    legal_persons = sum_values(report.value(_key("t3", T3_NEW, c)) for c in _applicant_cols()[1:])
    litigation = sum_values(report.value(_key("t4", r, len(SCHEMA.table("t4").rows[0]))) for r in (2, 3))
    unpaid = report.value(_key("t3", 22, T3_TOTAL_COL))  # （六）2. 逾期未缴费
    unpaid_applicants = min(3, unpaid) if isinstance(unpaid, int) else 1
    lead = (
        "2024年，某市人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国"
        "政府信息公开条例》，围绕市委、市政府中心工作，持续深化决策、执行、管理、服务、结果公开，以公开促落实、"
        "强监管、优服务，全市政府信息公开工作质效进一步提升。"
    )
    s1 = (
        f"全年通过市政府门户网站主动公开政府信息{dice.int(9000, 12000)}条，其中政策文件{dice.int(300, 500)}件、"
        f"政策解读{dice.int(150, 260)}篇，举办新闻发布会{dice.int(40, 70)}场。"
        f"本年制发规章{_n(report, 't2', 1, 1)}件、废止{_n(report, 't2', 1, 2)}件，现行有效规章"
        f"{_n(report, 't2', 1, 3)}件；制发行政规范性文件{_ph('t2', 2, 1)}件、废止{_n(report, 't2', 2, 2)}件，"
        f"现行有效{_n(report, 't2', 2, 3)}件。\n"
        f"公开行政许可决定{_n(report, 't2', 3, 1)}件、行政处罚决定{_n(report, 't2', 4, 1)}件、行政强制决定"
        f"{_n(report, 't2', 5, 1)}件，行政事业性收费{_n(report, 't2', 6, 1)}万元。",
        f"全年新收政府信息公开申请{_ph('t3', T3_NEW, T3_TOTAL_COL)}件，上年结转"
        f"{_n(report, 't3', T3_CARRIED_IN, T3_TOTAL_COL)}件。其中，自然人申请{_n(report, 't3', T3_NEW, 1)}件，"
        f"法人或其他组织申请{format_number(legal_persons)}件。\n"
        f"本年度办结{_n(report, 't3', T3_RESULT_TOTAL, T3_TOTAL_COL)}件：予以公开{_t3_sum(report, first, first)}件，"
        f"部分公开{_t3_sum(report, first + 1, first + 1)}件，不予公开{_t3_sum(report, first + 2, first + 9)}件，"
        f"无法提供{_t3_sum(report, first + 10, first + 12)}件，不予处理{_t3_sum(report, first + 13, first + 17)}件，"
        f"其他处理{_t3_sum(report, first + 18, first + 20)}件；结转下年度继续办理"
        f"{_n(report, 't3', T3_CARRIED_OUT, T3_TOTAL_COL)}件。所有申请均在法定期限内答复。",
        "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。动态调整"
        "主动公开基本目录，对现行有效行政规范性文件开展清理并向社会公布清理结果。规范依申请公开办理流程，实行登记、"
        "审核、答复全流程留痕管理。",
        "优化市政府门户网站政府信息公开专栏，完善法定主动公开内容、政策文件库和政策解读栏目，提升检索和移动端浏览"
        f"体验。用好政务新媒体矩阵，市政府官方微信公众号全年发布信息{dice.int(1500, 2500)}条。加强政府公报编印发行，"
        "全年编印市政府公报12期。",
        f"将政务公开工作纳入全市高质量发展综合绩效考核，组织政务公开业务培训{dice.int(6, 12)}场、"
        f"{dice.int(600, 900)}人次。聘请社会评议员对政府信息公开工作开展评议，发现的问题及时整改到位。\n"
        f"本年度因政府信息公开工作被申请行政复议{_n(report, 't4', 1, 5)}件、被提起行政诉讼"
        f"{format_number(litigation)}件，未发生因政府信息公开工作被责任追究的情况。",
    )
    s5 = "\n".join(
        (
            "（一）存在的主要问题。一是政策解读形式还不够丰富，图解、视频等解读占比偏低；二是依申请公开答复的说理"
            "还不够充分，个别答复引用条款不够准确；三是部分单位网站栏目更新不够及时。",
            "（二）改进措施。一是丰富政策解读形式，推行文件与解读材料同步起草、同步审签、同步发布；二是加强依申请"
            "公开规范化建设，编制答复文书示范文本，开展典型案例培训；三是强化日常监测和考核通报，督促各单位及时"
            "更新栏目内容。",
        )
    )
    s6 = "\n".join(
        (
            f"本年度依据《政府信息公开信息处理费管理办法》，向{unpaid_applicants + 1}名申请人发出信息处理费收费通知"
            f"{unpaid_applicants + 1}份。其中1名申请人同一自然月内提交申请22件，超出10件的12件按件计收，每件100元，"
            f"实际收取信息处理费1200元；其余{unpaid_applicants}名申请人逾期未缴纳费用，涉及的"
            f"{format_number(unpaid)}件申请不再处理。",
            f"本年度政务公开工作要点已全部落实。全年办理市人大代表建议{dice.int(150, 260)}件、市政协提案"
            f"{dice.int(200, 320)}件，办理结果均按要求公开。",
        )
    )
    _set_narrative(report, lead, s1, s5, s6)


def city_report() -> Report:
    """The city-scale sample (某市人民政府办公室 2024)."""
    report = Report.empty()
    report.agency = "某市人民政府办公室"
    report.year = 2024
    report.date = dt.date(2025, 1, 20)
    report.contact = Contact(phone="0571-88001234", email="zwgk@example.com", address="某市人民路1号")
    report.website = "某市人民政府门户网站（www.example.gov.cn）"
    city_figures(report)
    city_narrative(report)
    return report


# ===========================================================================
# (c) Deliberate errors: a county bureau, 2024
# ===========================================================================
#: The deliberate errors: (figure key or info/narrative key, what is wrong). Listed in README.md too.
ERRORS: tuple[tuple[str, str], ...] = (
    (_key("t3", T3_CARRIED_OUT, 2), "勾稽关系不平：商业企业列 一+二=4，（七）+四=3+3=6（结转下年度应为1，填成3）"),
    (_key("t3", T3_RESULTS_FIRST, T3_TOTAL_COL), "行总计错误：予以公开总计手填15，六类申请人之和为14"),
    (_key("t4", 1, 5), "表四总计错误：行政复议总计手填3，结果维持1+尚未审结1=2"),
    (_key("t2", 2, 2), "负数：行政规范性文件本年废止件数填为-2"),
    (_key("t2", 5, 1), "小数：行政强制决定数填为2.5"),
    (_key("t2", 1, 1), "数字格中填了文字：规章本年制发件数填为“不适用”"),
    (_key("t2", 6, 1), "收费金额按元填写：行政事业性收费填123400（应为12.34万元）"),
    ("narr_s1_3", "文字部分仍是模板提示语：（三）政府信息管理未填写"),
    ("info_date", "成文日期超出范围：2024-01-22，早于统计年度结束（沿用了上年日期）"),
)


def errors_report() -> Report:
    """A realistic county bureau report carrying the ``ERRORS`` above."""
    report = Report.empty()
    report.agency = "某县交通运输局"
    report.year = 2024
    report.date = dt.date(2024, 1, 22)  # error: the 2023 report's date kept
    report.contact = Contact(phone="0570-6012345", email="jtj@example.com", address="某县城关镇交通路8号")
    for rows in report.tables.values():
        for row in rows:
            row[:] = [0] * len(row)
    t2 = (("不适用", 0, 0), (3, -2, 41), (356,), (128,), (2.5,), (123400,))  # errors: text, -2, 2.5, 元
    for r, row in enumerate(t2, start=1):
        for c, v in enumerate(row, start=1):
            report.set_value(_key("t2", r, c), v)
    # Table 3 by (row, col): 自然人 25 = 23 + 2; 商业企业 4 = 3 + 1 (typed 3); 法律服务机构 1 = 1 + 0.
    t3 = {
        (T3_NEW, 1): 23,
        (T3_NEW, 2): 4,
        (T3_NEW, 5): 1,
        (T3_CARRIED_IN, 1): 2,
        (T3_RESULTS_FIRST, 1): 12,  # 予以公开
        (T3_RESULTS_FIRST, 2): 2,
        (T3_RESULTS_FIRST + 1, 1): 3,  # 部分公开
        (T3_RESULTS_FIRST + 10, 1): 5,  # 不掌握相关政府信息
        (T3_RESULTS_FIRST + 10, 2): 1,
        (T3_RESULTS_FIRST + 10, 5): 1,
        (T3_RESULTS_FIRST + 14, 1): 2,  # 重复申请
        (T3_RESULTS_FIRST + 18, 1): 1,  # 逾期不补正
        (T3_CARRIED_OUT, 1): 2,
        (T3_CARRIED_OUT, 2): 3,  # error: should be 1
    }
    for (r, c), v in t3.items():
        report.set_value(_key("t3", r, c), v)
    report.set_value(_key("t4", 1, 1), 1)
    report.set_value(_key("t4", 1, 4), 1)
    # Totals as the spreadsheet shows them, except the two typed over the formula.
    typed = {_key("t3", T3_RESULTS_FIRST, T3_TOTAL_COL): 15, _key("t4", 1, 5): 3}
    for key, v in typed.items():
        report.set_value(key, v)
    recompute_totals(report, keep=typed)
    lead = "2024年，某县交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕交通运输中心工作，扎实推进政府信息公开工作。"
    s1 = (
        "全年通过县政府信息公开平台主动公开政府信息86条，公开行政许可决定356件、行政处罚决定128件，"
        "行政事业性收费123400元。",
        f"全年新收政府信息公开申请{_n(report, 't3', T3_NEW, T3_TOTAL_COL)}件，上年结转"
        f"{_n(report, 't3', T3_CARRIED_IN, T3_TOTAL_COL)}件，均在法定期限内答复。",
        _NARR["narr_s1_3"].hint,  # error: template hint left in place
        "依托县政府门户网站信息公开专栏，及时更新机构职能、行政执法、重点项目等栏目信息。",
        "将政府信息公开工作纳入年度工作考核，明确专人负责信息发布审核。本年度因政府信息公开工作被申请的行政复议"
        "已依法办理，未被提起行政诉讼。",
    )
    s5 = "\n".join(
        (
            "一是信息公开的及时性有待提高，个别栏目更新滞后；二是政策解读形式较为单一。",
            "下一步，我局将建立栏目更新台账，落实专人定期维护；探索图解、短视频等解读形式，提升政策解读质量。",
        )
    )
    s6 = "本年度未收取信息处理费。\n无其他需要报告的事项。"
    _set_narrative(report, lead, s1, s5, s6)
    return report


# ===========================================================================
# Building
# ===========================================================================
def _set_narrative(report: Report, lead: str, s1: tuple[str, ...], s5: str, s6: str) -> None:
    keys = [p.key for p in SCHEMA.narrative if p.section == 1]
    assert len(keys) == 1 + len(s1)
    report.narrative[keys[0]] = lead
    for key, text in zip(keys[1:], s1, strict=True):
        report.narrative[key] = text
    report.narrative["narr_s5"] = s5
    report.narrative["narr_s6"] = s6


#: Sample name → builder of its report (the JSON is the committed source of the xlsx).
BUILDERS: dict[str, Callable[[], Report]] = {
    "quzhou-jgsw-2022": seed_report,
    "city-2024": city_report,
    "errors-2024": errors_report,
}


def build_json(name: str) -> str:
    """The JSON text of sample ``name`` as the builders make it now."""
    return BUILDERS[name]().dumps()


def typed_totals(report: Report) -> dict[str, int | float | str | None]:
    """Formula totals whose value differs from the sum of their inputs: typed by hand over the formula."""
    computed = Report.from_json(report.to_json())
    recompute_totals(computed)
    return {
        rule.anchor: report.value(rule.anchor)
        for rule in SCHEMA.formula_rules()
        if report.value(rule.anchor) != computed.value(rule.anchor)
    }


def write_xlsx(report: Report, path: Path) -> Path:
    """The standard template filled with ``report``; totals it holds typed over the formula stay typed.

    The template writer always writes live formulas, so a wrong total (errors
    sample) is then typed over its formula in the sheet XML, exactly what a
    clerk overwriting the cell leaves behind.
    """
    from compiler.template.writer import write_template

    path = write_template(path, report)
    typed = typed_totals(report)
    if typed:
        write_atomic(path, type_over_formulas(path.read_bytes(), typed))
    return path


def type_over_formulas(xlsx: bytes, values: dict[str, int | float | str | None]) -> bytes:
    """``xlsx`` with the formula cells of ``values`` (figure keys) replaced by those plain numbers.

    Zip entries keep their order, timestamps and compression, so the result is
    as deterministic as the input.
    """
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    parts = {info.filename: data for info, data in entries}
    sheet_files = _sheet_files(parts)
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"only numbers can be typed over a formula: {key}={value!r}")
        ref = cell_ref(SCHEMA, key)
        name = sheet_files[ref.sheet]
        cell = re.compile(rf'(<c r="{ref.a1}"(?: s="\d+")?)><f>[^<]*</f>(?:<v>[^<]*</v>)?</c>'.encode())
        new, count = cell.subn(lambda m, v=value: m.group(1) + b"><v>" + repr(v).encode() + b"</v></c>", parts[name])
        if count != 1:
            raise ValueError(f"formula cell {ref.ref} not found in {name}")
        parts[name] = new
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info, _ in entries:
            dst.writestr(info, parts[info.filename])
    return out.getvalue()


def _sheet_files(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its XML part, from workbook.xml and its relationships."""
    rels = dict(re.findall(rb'Id="([^"]+)"[^>]*Target="([^"]+)"', parts["xl/_rels/workbook.xml.rels"]))
    sheets = re.findall(rb'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', parts["xl/workbook.xml"])
    return {html.unescape(n.decode()): "xl/" + rels[rid].decode().removeprefix("/xl/") for n, rid in sheets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 samples/ 下的示例报告（JSON → 填好的 .xlsx 模板）")
    parser.add_argument("--regen-json", action="store_true", help="先由本脚本重新生成各示例 JSON")
    parser.add_argument("--dir", type=Path, default=SAMPLES_DIR, help="输出目录（默认 samples/）")
    args = parser.parse_args(argv)
    out: Path = args.dir
    for name in BUILDERS:
        json_path = out / f"{name}.json"
        if args.regen_json:
            write_atomic(json_path, build_json(name))
        report = Report.load(json_path if json_path.exists() else SAMPLES_DIR / f"{name}.json")
        xlsx = write_xlsx(report, out / f"{name}.xlsx")
        print(f"{json_path.name} → {xlsx.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
