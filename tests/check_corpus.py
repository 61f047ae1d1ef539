"""A corpus of report variants for the checker: fine reports in real wording, and one error class each.

Fine variants quote their own tables the many ways published reports do — time limits, other years,
comparisons, breakdowns by channel and by applicant, “（含上年结转…）”, fee notices never paid, a
county government's report dated in March, Chinese dates — and must give no warning and no error.
Error variants each carry one error class reviewers name (数据失准, 复制上年, 敷衍, 年度错误, 缺表, 漏填,
收费单位, 逾期…) in wording the unit tests do not use; the checker must name it with the expected code.

Used by ``tests/test_check_corpus.py`` (every variant) and ``bench/bench_catch.py`` (catch rate, false
alarms, time). Generated from seeds: nothing here is copied from a real report.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from synth import cn_number, consistent_report

from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.schema import get_schema

SCHEMA = get_schema()
T3 = SCHEMA.table("t3")
AGENCIES = (
    ("常山县教育局", "department"),
    ("衢州市民政局", "department"),
    ("开化县人民政府", "government"),
    ("柯城区住房和城乡建设局", "department"),
    ("龙游县市场监督管理局", "department"),
    ("江山市人民政府", "government"),
)


@dataclass
class Variant:
    name: str
    report: Report
    previous: Report | None = None
    #: The error class (``""`` for a fine report) and the code that must name it.
    error_class: str = ""
    expect: str | None = None
    reporter: str | None = None


# ---------------------------------------------------------------------- figures
def t3(r: Report, row: int, col: int = 7) -> int:
    return r.value(T3.rows[row - 1][col - 1].key) or 0


def group(r: Report, first: int, last: int) -> int:
    return sum(t3(r, row) for row in range(first, last + 1))


def facts(r: Report) -> dict[str, int]:
    """The figures the wording quotes, by name."""
    f = {
        "year": r.year,
        "prev_year": r.year - 1,
        "next_year": r.year + 1,
        "new": t3(r, 1),
        "carried_in": t3(r, 2),
        "disclosed": t3(r, 3),
        "partial": t3(r, 4),
        "refused": group(r, 5, 12),
        "unavailable": group(r, 13, 15),
        "not_processed": group(r, 16, 20),
        "other": group(r, 21, 23),
        "done": t3(r, 24),
        "carried_out": t3(r, 25),
        "natural": t3(r, 1, 1),
        "legal": sum(t3(r, 1, c) for c in range(2, 7)),
        "reviews": r.value("t4_r01_c5") or 0,
        "lawsuits": (r.value("t4_r02_c5") or 0) + (r.value("t4_r03_c5") or 0),
        "made": r.value("t2_r02_c1") or 0,
        "repealed": r.value("t2_r02_c2") or 0,
        "valid": r.value("t2_r02_c3") or 0,
        "penalties": r.value("t2_r04_c1") or 0,
        "permits": r.value("t2_r03_c1") or 0,
    }
    f["total_in"] = f["new"] + f["carried_in"]
    f["online"] = f["new"] * 2 // 3
    f["letters"] = f["new"] - f["online"]
    f["diff"] = 3 + f["new"] % 7
    f["last_new"] = f["new"] + 11
    f["cleared"] = f["valid"] + 17
    return f


# ---------------------------------------------------------------------- wording (fine)
LEADS = (
    "本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自{year}年1月1日起至"
    "{year}年12月31日止。如对本报告有疑问，请与本机关联系。",
    "{year}年，本机关深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "各项工作有序推进。报告所列数据统计期间为{year}年1月1日至12月31日。",
    "根据条例第五十条规定，编制本机关{year}年度政府信息公开工作年度报告。全年政务公开工作取得新进展。",
)
ACTIVE = (
    "本年度制发行政规范性文件{made}件，废止{repealed}件，现行有效{valid}件。全年作出行政处罚决定{penalties}件。",
    "按照要求设立规范性文件库，清理并集中发布现行有效行政规范性文件{cleared}件，动态更新本年度制发的规范性文件"
    "{made}件。累计发布政府信息2000余条，政策解读23篇。",
    "全年通过门户网站主动公开政府信息1654条，开展意见征集9期；本年度印发行政规范性文件{made}件。",
)
APPLICATIONS = (
    "{year}年，本机关共收到政府信息公开申请{new}件，上年结转{carried_in}件，共办结{done}件，结转下年度继续办理"
    "{carried_out}件。所有申请均自收到申请之日起20个工作日内予以答复。",
    "本年度新收政府信息公开申请{new}件，较上年增加{diff}件。其中自然人申请{natural}件，法人或其他组织申请{legal}件。",
    "{prev_year}年收到申请{last_new}件，{year}年收到申请{new}件。通过网上申请平台收到申请{online}件，"
    "信函收到申请{letters}件。",
    "共收到申请{total_in}件（含上年结转{carried_in}件）。办结依申请公开{done}件，其中：予以公开{disclosed}件，"
    "部分公开{partial}件，不予公开{refused}件，无法提供{unavailable}件，不予处理{not_processed}件，"
    "其他处理{other}件。",
    "全年共受理政府信息公开申请 {new} 件，其中自然人申请 {natural} 件，法人或其他组织申请 {legal} 件；"
    "共办理 {done} 件，结转下一年 {carried_out} 件。均在15个工作日内答复，办结率100%。",
    "所有办结的申请中同意公开答复 {disclosed} 件，部分公开答复 {partial} 件，不予公开答复 {refused} 件，"
    "无法提供的 {unavailable} 件。新收申请数量较上年增加{diff}件。",
)
SUPERVISION = (
    "将政务公开纳入年度绩效考核，组织培训2次。因政府信息公开引起的行政复议{reviews}件、行政诉讼{lawsuits}件。",
    "办理人大代表建议18件、政协提案12件。全县共办理相关案件74件，12345热线工单办结5000余件。",
    "{year}年，本机关因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{lawsuits}件。",
)
IMPROVEMENTS = (
    "一是政策解读形式较为单一，图解、视频类解读偏少；二是个别栏目更新不够及时。下一步，将丰富解读形式，"
    "建立栏目更新台账，落实专人定期维护。",
    "存在的主要问题：依申请公开答复说理不够充分。改进措施：加强业务培训，完善答复文书审核机制。"
    "{next_year}年，我们将持续提升政务公开质效。",
)
FOLLOW_UP = "针对上年度报告中指出的问题，已逐项整改到位。"
FEE_NONE = "本年度未收取信息处理费。无其他需要报告的事项。"
FEE_UNPAID = "本年度发出收费通知{unpaid}份，申请人均逾期未缴纳，未收取信息处理费。无其他需要报告的事项。"


def _words(template: str, f: dict[str, int], rng: random.Random) -> str:
    """Fill a template; small counts sometimes in Chinese numerals, as clerks write them."""
    said = {
        k: (cn_number(v) if isinstance(v, int) and 0 < v < 100 and k != "year" and rng.random() < 0.2 else v)
        for k, v in f.items()
    }
    said["year"], said["prev_year"], said["next_year"] = f["year"], f["prev_year"], f["next_year"]
    return template.format(**said)


def dress(r: Report, rng: random.Random, *, follow_up: bool = False, variant: int | None = None) -> Report:
    """Give ``r`` a narrative in real wording that quotes its own figures."""
    f = facts(r)
    unpaid_key = next(row[-1].key for row in T3.rows if "收费通知" in row[-1].row_label)
    f["unpaid"] = r.value(unpaid_key) or 0
    k = rng.randrange(100) if variant is None else variant
    s5 = _words(IMPROVEMENTS[k % 2], f, rng) + (FOLLOW_UP if follow_up else "")
    texts = {
        "narr_s1_0": _words(LEADS[k % 3], f, rng),
        "narr_s1_1": _words(ACTIVE[k % 3], f, rng),
        "narr_s1_2": _words(APPLICATIONS[k % 6], f, rng) + _words(APPLICATIONS[(k + 3) % 6], f, rng),
        "narr_s1_3": "严格落实信息发布保密审查机制，动态调整主动公开基本目录。",
        "narr_s1_4": "优化门户网站政府信息公开专栏，及时维护政务新媒体。",
        "narr_s1_5": _words(SUPERVISION[k % 3], f, rng),
        "narr_s5": s5,
        "narr_s6": _words(FEE_UNPAID if f["unpaid"] else FEE_NONE, f, rng),
    }
    r.narrative.update(texts)
    return r


def base(seed: int, scale: float = 3.0) -> Report:
    rng = random.Random(seed)
    r = consistent_report(rng, scale=scale)
    r.agency = AGENCIES[seed % len(AGENCIES)][0]
    return dress(r, rng, variant=seed)


def pair(seed: int, scale: float = 3.0) -> tuple[Report, Report]:
    """(this year, last year) of one agency, both dressed, worded differently."""
    rng = random.Random(seed)
    last = consistent_report(rng, scale=scale)
    last.agency = AGENCIES[seed % len(AGENCIES)][0]
    this = consistent_report(rng, scale=scale, previous=last)
    dress(last, rng, variant=seed)
    dress(this, rng, follow_up=True, variant=seed + 1)
    return this, last


# ---------------------------------------------------------------------- fine variants
def fine_variants(n: int = 24) -> list[Variant]:
    out: list[Variant] = []
    for seed in range(n):
        scale = (0.5, 1.0, 3.0, 10.0)[seed % 4]
        r = base(seed, scale)
        if seed % 5 == 0:
            r.date = f"{r.year + 1}年1月{10 + seed % 20}日"
        if seed % 5 == 1:
            r.date = _hanzi_date(dt.date(r.year + 1, 1, 20))
        if seed % 6 == 2:  # a county government's own report, published in March
            r.agency = "开化县人民政府"
            r.date = dt.date(r.year + 1, 3, 25)
        out.append(Variant(f"fine-{seed:02d}", r))
    for seed in range(n // 3):
        this, last = pair(100 + seed, (1.0, 3.0)[seed % 2])
        out.append(Variant(f"fine-previous-{seed:02d}", this, last))
    return out


def _hanzi_date(d: dt.date) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(d.year)) + f"年{cn_number(d.month)}月{cn_number(d.day)}日"


# ---------------------------------------------------------------------- error variants
Mutation = Callable[[Report, Report | None, random.Random], Report | None]


def _say(r: Report, key: str, text: str) -> None:
    r.narrative[key] = r.narrative.get(key, "") + text


def _narr(template: str, key: str = "narr_s1_2", **deltas: int) -> Mutation:
    """A sentence quoting figures, the named ones off by their delta."""

    def apply(r: Report, prev: Report | None, rng: random.Random) -> None:
        f = facts(r)
        f.update({k: f[k] + d for k, d in deltas.items()})
        _say(r, key, template.format(**f))

    return apply


ERROR_CLASSES: dict[str, tuple[str, list[Mutation]]] = {
    "narrative-new": (
        "NARR_APPLICATIONS",
        [
            _narr("全年共收到政府信息公开申请{new}件。", new=7),
            _narr("本年度新收各类政府信息公开申请共计{new}件，均已依法答复。", new=2),
            _narr("{year}年度，本局受理政府信息公开申请{new}件。", new=12),
        ],
    ),
    "narrative-carry": (
        "NARR_CARRY_OVER",
        [
            _narr("上年结转申请{carried_in}件。", carried_in=4),
            _narr("尚未办结、结转下年度继续办理的{carried_out}件。", carried_out=3),
            _narr("结转至{next_year}年继续办理{carried_out}件。", carried_out=5),
        ],
    ),
    "narrative-results": (
        "NARR_RESULTS",
        [
            _narr("本年度共办结申请{done}件。", done=6),
            _narr("其中部分公开{partial}件。", partial=2),
            _narr("因不属于本机关职责等原因无法提供{unavailable}件，不予处理{not_processed}件。", not_processed=3),
            _narr("作出不予公开决定的{refused}件。", refused=4),
            _narr("其他处理{other}件。", other=5),
        ],
    ),
    "narrative-disclosed": (
        "NARR_DISCLOSED",
        [_narr("予以公开{disclosed}件。", disclosed=3), _narr("同意公开{disclosed}件，占比较高。", disclosed=1)],
    ),
    "narrative-applicants": (
        "NARR_APPLICANTS",
        [
            _narr("新收申请{new}件，其中自然人申请{natural}件。", natural=3),
            _narr("收到申请{new}件，其中法人或其他组织提出申请{legal}件。", legal=2),
        ],
    ),
    "narrative-cases": (
        "NARR_REVIEWS",
        [
            _narr("本年度发生政府信息公开行政复议{reviews}件。", key="narr_s1_5", reviews=2),
            _narr("因政府信息公开被申请行政复议{reviews}起。", key="narr_s1_5", reviews=5),
        ],
    ),
    "narrative-lawsuits": (
        "NARR_LAWSUITS",
        [_narr("涉及政府信息公开的行政诉讼{lawsuits}件。", key="narr_s1_5", lawsuits=3)],
    ),
    "narrative-table2": (
        "NARR_TABLE2",
        [
            _narr("本年度制发行政规范性文件{made}件。", key="narr_s1_1", made=2),
            _narr("现行有效规范性文件{valid}件。", key="narr_s1_1", valid=9),
            _narr("全年作出行政处罚决定{penalties}件。", key="narr_s1_1", penalties=13),
            _narr("本年度废止规范性文件{repealed}件。", key="narr_s1_1", repealed=3),
        ],
    ),
    "copied-text": ("COPIED_TEXT", []),  # built in error_variants: needs last year's report
    "copied-tables": ("COPIED_TABLES", []),
    "perfunctory-s5": ("S5_PERFUNCTORY", []),
    "no-follow-up": ("S5_NO_FOLLOW_UP", []),
    "wrong-year": ("WRONG_YEAR", []),
    "missing-table": ("TABLE_MISSING", []),
    "many-blanks": ("MANY_BLANKS", []),
    "fee-level": ("FEE_IN_YUAN", []),
    "fee-decimals": ("FEE_DECIMALS", []),
    "yoy-jump": ("YOY_JUMP", []),
    "text-number": ("NOT_A_NUMBER", []),
    "hidden-balance": ("T3_BALANCE", []),
    "deadline": ("DATE_OUT_OF_RANGE", []),
}


def error_variants(per_class: int = 3) -> list[Variant]:
    out: list[Variant] = []
    for cls, (code, mutations) in ERROR_CLASSES.items():
        for i in range(per_class):
            seed = 500 + 17 * len(out) + i
            r = base(seed, (1.0, 3.0, 10.0)[i % 3])
            rng = random.Random(seed)
            prev = None
            if mutations:
                mutations[i % len(mutations)](r, None, rng)
            else:
                r, prev = _special(cls, i, seed, r, rng)
            out.append(Variant(f"{cls}-{i}", r, prev, cls, code))
    return out


def _special(cls: str, i: int, seed: int, r: Report, rng: random.Random) -> tuple[Report, Report | None]:
    """Error classes that change more than one sentence."""
    if cls in ("copied-text", "copied-tables", "no-follow-up", "yoy-jump"):
        this, last = pair(seed, (1.0, 3.0, 10.0)[i % 3])
        if cls == "copied-text":
            key = ("narr_s1_0", "narr_s1_2", "narr_s5")[i % 3]
            this.narrative[key] = last.narrative[key].replace("。", "，", 1) if i == 2 else last.narrative[key]
        elif cls == "copied-tables":
            for table in ("t2", "t3", "t4"):
                this.tables[table] = [list(row) for row in last.tables[table]]
            for c in range(7):  # carry-over still right
                this.tables["t3"][1][c] = last.tables["t3"][24][c]
            recompute_totals(this)
            dress(this, rng, follow_up=True, variant=seed + 1)
        elif cls == "no-follow-up":
            this.narrative["narr_s5"] = this.narrative["narr_s5"].replace(FOLLOW_UP, "")
        else:
            key = ("t2_r04_c1", "t2_r03_c1", "t4_r01_c1")[i % 3]
            total = "t4_r01_c5" if key.startswith("t4") else key
            this.set_value(key, (this.value(key) or 0) + 8 * (last.value(total) or 0) + 25)
            recompute_totals(this)
            dress(this, rng, follow_up=True, variant=seed + 1)
        return this, last
    if cls == "perfunctory-s5":
        r.narrative["narr_s5"] = (
            "无。",
            "暂无。",
            "本年度政府信息公开工作总体情况良好，各项工作有序推进，取得了较好的成效。",
        )[i % 3]
    elif cls == "wrong-year":
        y = r.year - 1
        r.narrative["narr_s1_0"] = (
            f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
            f"根据条例要求，编制本机关{y}年度政府信息公开工作年度报告。",
            f"{y}年，本机关深入贯彻落实条例，全面推进政务公开工作。",
        )[i % 3]
    elif cls == "missing-table":
        data = r.to_json()
        del data["tables"][("t3", "t4", "t2")[i % 3]]
        fresh = Report.from_json(data)
        r.tables, r.origin = fresh.tables, fresh.origin
    elif cls == "many-blanks":
        row = rng.randrange(3)
        for c in range(1, 5):
            r.set_value(f"t4_r{row + 1:02d}_c{c}", None)
    elif cls == "fee-level":
        r.agency = ("龙游县市场监督管理局", "常山县教育局", "柯城区住房和城乡建设局")[i % 3]
        r.set_value("t2_r06_c1", (35000, 250000.5, 48000)[i % 3])
    elif cls == "fee-decimals":
        r.set_value("t2_r06_c1", (52.12345, 120.00001, 87.654321)[i % 3])
    elif cls == "text-number":
        key = ("t3_r01_c1", "t2_r04_c1", "t4_r01_c1")[i % 3]
        r.set_value(key, ("８", "12件", "０")[i % 3])
    elif cls == "hidden-balance":  # a text cell (“N件”, right number) beside the real error
        typed = t3(r, 5, 1)
        r.set_value("t3_r25_c1", t3(r, 25, 1) + 2)
        recompute_totals(r)
        r.set_value("t3_r05_c1", f"{typed}件")
    elif cls == "deadline":
        r.agency = ("常山县教育局", "开化县人民政府", "衢州市民政局")[i % 3]
        r.date = (dt.date(r.year + 1, 3, 10), dt.date(r.year + 1, 4, 15), f"{r.year + 1}年2月18日")[i % 3]
    return r, None
