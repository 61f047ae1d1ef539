"""Realistic, fully consistent random reports for tests, samples and benchmarks.

``consistent_report(rng)`` builds a report in which every sum rule of the
schema holds, table 2 is plausible, the narrative quotes the tables' own
figures (sometimes in Chinese numerals) and section 六 speaks of 信息处理费 —
so the checker must find no error and no warning in it. Pass ``previous`` to
get the following year's report of the same agency (carry-over and table-2
continuity hold too).

How consistency is guaranteed: per applicant column, new + carried-in
applications are drawn first; a share (≤ 20 %) is carried out and the rest is
spread over the 21 result lines; every total is then the template's formula
(``compute.recompute_totals``), so the balance 一 + 二 = （七）+ 四 holds in
every column, the 总计 column included.
"""

from __future__ import annotations

import datetime as dt
import random

from compiler.compute import recompute_totals
from compiler.model import Contact, Report
from compiler.schema import (
    ROLE_CARRIED_IN,
    ROLE_CARRIED_OUT,
    ROLE_DISCLOSED,
    ROLE_DOCUMENTS,
    ROLE_LAWSUITS,
    ROLE_NEW,
    ROLE_RESULTS,
    ROLE_REVIEWS,
    ROLE_UNPAID_FEE,
    Table,
    get_schema,
)

_CITIES = ("衢州市", "杭州市", "湖州市", "金华市", "丽水市", "常山县", "开化县", "龙游县", "江山市", "柯城区")
_BODIES = (
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "公安局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "市场监督管理局",
    "机关事务保障中心",
)
#: Mean applications per applicant column at scale 1 (自然人 … 其他).
_APPLICANT_MEANS = (12.0, 3.0, 0.4, 0.3, 0.6, 0.8)
#: Relative frequency of the 21 result lines ((一) … (六)3), roughly as published reports show.
_RESULT_WEIGHTS = (40, 8, 0.3, 0.5, 0.3, 1.5, 1, 0.8, 0.8, 0.6, 14, 2, 1.5, 1.5, 2, 0.5, 0.3, 0.8, 1.2, 0.4, 1.5)
_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """0–99 in Chinese numerals, as clerks write them (十二, 二十, 二十三)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def _count(rng: random.Random, mean: float) -> int:
    """A non-negative whole count around ``mean`` (geometric-like, zeros common for small means)."""
    if mean <= 0:
        return 0
    return int(rng.expovariate(1 / mean))


def consistent_report(rng: random.Random, *, scale: float = 1.0, previous: Report | None = None) -> Report:
    """A realistic report in which every check passes (no error, no warning)."""
    schema = get_schema()
    report = Report.empty()
    if previous is not None and isinstance(previous.year, int):
        report.agency = previous.agency
        report.year = previous.year + 1
    else:
        report.agency = rng.choice(_CITIES) + rng.choice(_BODIES)
        report.year = rng.randint(2021, 2025)
    year = int(report.year)
    report.date = dt.date(year + 1, 1, rng.randint(5, 31))
    report.contact = Contact(
        phone=f"0570-{rng.randint(3000000, 8999999)}",
        email=f"gk{rng.randint(100, 999)}@example.gov.cn",
        address=f"{report.agency[:3]}{rng.choice(('府山', '新安', '荷花'))}路{rng.randint(1, 300)}号",
    )
    _table2(rng, report, scale, previous)
    _table3(rng, report, scale, previous)
    _table4(rng, report, scale)
    recompute_totals(report)
    _narrative(rng, report, schema, follow_up=previous is not None)
    return report


def _row(role: str) -> tuple[str, ...]:
    """The one row of keys playing ``role`` in the default format."""
    [row] = get_schema().role(role)
    return row


def _table_of(role: str) -> Table:
    schema = get_schema()
    return schema.table(schema.figure(schema.role(role)[0][0]).table)


def _table2(rng: random.Random, report: Report, scale: float, previous: Report | None) -> None:
    t2 = _table_of(ROLE_DOCUMENTS)
    for row in t2.rows:
        if len(row) == 3:
            made, repealed = _count(rng, 2 * scale), _count(rng, 0.7 * scale)
            last_valid = None
            if previous is not None:
                v = previous.value(row[2].key)
                last_valid = v if isinstance(v, int) else None
            if last_valid is None:
                last_valid = repealed + _count(rng, 10 * scale)
            repealed = min(repealed, last_valid + made)  # cannot repeal more than exists
            for fig, value in zip(row, (made, repealed, last_valid + made - repealed), strict=True):
                report.set_value(fig.key, value)
        elif row[0].kind == "amount":
            report.set_value(row[0].key, round(rng.uniform(0, 150) * scale, 2) if rng.random() < 0.6 else 0)
            _near_last_year(rng, report, row[0].key, previous)
        else:
            report.set_value(row[0].key, _count(rng, 40 * scale))
            _near_last_year(rng, report, row[0].key, previous)


def _near_last_year(rng: random.Random, report: Report, key: str, previous: Report | None) -> None:
    """A figure within −40 %…+60 % of last year's (a real agency's figures do not jump fivefold)."""
    last = previous.value(key) if previous is not None else None
    if isinstance(last, int | float) and last > 0:
        value = last * rng.uniform(0.6, 1.6)
        report.set_value(key, round(value, 2) if isinstance(last, float) else round(value))


def _table3(rng: random.Random, report: Report, scale: float, previous: Report | None) -> None:
    results = get_schema().role(ROLE_RESULTS)
    new_row, in_row, out_row = _row(ROLE_NEW), _row(ROLE_CARRIED_IN), _row(ROLE_CARRIED_OUT)
    for col, mean in enumerate(_APPLICANT_MEANS, start=1):
        new = _count(rng, mean * scale)
        carried_in = _count(rng, mean * scale * 0.1)
        if previous is not None:
            last = previous.value(out_row[col - 1])
            carried_in = last if isinstance(last, int) else 0
            last_new = previous.value(new_row[col - 1])
            if isinstance(last_new, int) and last_new > 0:
                new = round(last_new * rng.uniform(0.6, 1.6))
        inflow = new + carried_in
        carried_out = rng.randint(0, inflow // 5)
        done = [0] * len(results)
        for i in rng.choices(range(len(results)), weights=_RESULT_WEIGHTS, k=inflow - carried_out):
            done[i] += 1
        report.set_value(new_row[col - 1], new)
        report.set_value(in_row[col - 1], carried_in)
        report.set_value(out_row[col - 1], carried_out)
        for row, n in zip(results, done, strict=True):
            report.set_value(row[col - 1], n)


def _table4(rng: random.Random, report: Report, scale: float) -> None:
    for row in _table_of(ROLE_REVIEWS).rows:
        for fig in row[:-1]:
            report.set_value(fig.key, _count(rng, 0.4 * scale))


def _say(rng: random.Random, n: int) -> str:
    """A count as a clerk writes it: usually Arabic, sometimes Chinese numerals."""
    return cn_number(n) if n < 100 and rng.random() < 0.3 else str(n)


def _narrative(rng: random.Random, report: Report, schema, follow_up: bool = False) -> None:
    """The narrative quoting the tables; consecutive years are worded differently (a copy is an error)."""
    v = report.value
    year, agency = report.year, report.agency
    new, carried_in, disclosed, carried_out = (
        v(schema.role_total(role)) for role in (ROLE_NEW, ROLE_CARRIED_IN, ROLE_DISCLOSED, ROLE_CARRIED_OUT)
    )
    partly = v(schema.role_totals(ROLE_RESULTS)[1])
    reviews = v(schema.role_total(ROLE_REVIEWS))
    lawsuits = sum(v(k) for k in schema.role_totals(ROLE_LAWSUITS))
    norm_made = v(schema.role(ROLE_DOCUMENTS)[1][0])  # documents: 规章, then 行政规范性文件
    unpaid = schema.role_total(ROLE_UNPAID_FEE)

    alt = int(follow_up)  # the following year's report is worded differently from last year's
    if new and not alt:
        applications = (
            f"{year}年，本机关共收到政府信息公开申请{_say(rng, new)}件，上年结转{carried_in}件。"
            f"其中予以公开{_say(rng, disclosed)}件，部分公开{partly}件，结转下年度继续办理{carried_out}件。"
            "所有申请均在法定期限内答复。"
        )
    elif new:
        applications = (
            f"本年度新收政府信息公开申请{_say(rng, new)}件，另有上一年度结转的申请{carried_in}件。"
            f"经依法办理，予以公开{_say(rng, disclosed)}件，部分公开{partly}件；"
            f"尚未办结、结转下年度继续办理的{carried_out}件。均自收到申请之日起20个工作日内予以答复。"
        )
    else:
        applications = f"{year}年，本机关未收到政府信息公开申请。"
    if reviews or lawsuits:
        disputes = f"本年度因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{lawsuits}件。"
    else:
        disputes = "本年度未发生政府信息公开行政复议和行政诉讼案件。"
    if v(unpaid):
        fee_yuan = rng.randint(1, 30) * 100 + 1  # never equal to the table-2 amount (万元, two decimals)
        s6 = (
            f"本年度共发出信息处理费收费通知{v(unpaid) + rng.randint(0, 3)}份，"
            f"实际收取信息处理费{fee_yuan}元。\n无其他需要报告的事项。"
        )
    else:
        s6 = "本年度未收取信息处理费。\n无其他需要报告的事项。"
    lead = (
        f"{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，"
        "坚持以公开为常态、不公开为例外，持续提升政府信息公开质量。",
        f"本年度，{agency}围绕中心工作，认真执行政府信息公开各项制度，"
        "主动回应社会关切，依法保障人民群众的知情权、参与权和监督权。",
    )[alt]
    published = rng.randint(50, 900)
    active = (
        f"全年通过政府门户网站主动公开政府信息{published}条，"
        f"制发行政规范性文件{norm_made}件，做好政策解读和重点领域信息公开。",
        f"本年度本机关制发行政规范性文件{norm_made}件，依托门户网站和政务新媒体发布各类信息"
        f"{published}条，重点做好惠企利民政策的发布与解读。",
    )[alt]
    s5 = "存在的主要问题：政策解读形式较为单一。改进措施：丰富解读形式，加强队伍建设。"
    if follow_up:
        s5 += "上年度报告所列问题已按计划整改。"
    texts = {
        "narr_s1_0": lead,
        "narr_s1_1": active,
        "narr_s1_2": applications,
        "narr_s1_3": "严格落实信息发布保密审查制度，动态更新政府信息公开指南和目录。",
        "narr_s1_4": "优化政府信息公开专栏栏目设置，及时维护更新平台内容。",
        "narr_s1_5": (
            f"将政府信息公开工作纳入年度考核，开展业务培训。{disputes}",
            f"{disputes}全年组织政务公开专题培训，并把信息公开情况纳入绩效考核内容。",
        )[alt],
        "narr_s5": s5,
        "narr_s6": s6,
    }
    for part in schema.narrative:
        report.narrative[part.key] = texts.get(part.key, "")
