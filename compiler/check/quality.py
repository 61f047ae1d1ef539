"""What reviewers call 不准确 and 敷衍塞责 in the text: another year's report left in, and a 第五部分 that says nothing.

* ``WRONG_YEAR``: the statistics-period sentence, a “YYYY年度…报告” naming the report itself, or a
  sentence that opens with a past year as if it were this year's work (“2023年，我局…” in the 2024
  report: a copy of last year's text). Comparisons and references to last year (较上年, 上年度报告指出的
  问题) are not this year's work and are left alone; a later year at the start of a sentence is a plan.
* ``S5_PERFUNCTORY``: 第五部分 “无”/“暂无”, a sentence or two, or no concrete problem with a concrete
  measure. ``S5_NO_FOLLOW_UP`` (with last year's report): no word on how last year's problems were handled
  (the format asks for 上年度问题整改情况).
"""

from __future__ import annotations

import re

from .context import Context, part_title

_YEAR = r"((?:19|20)[0-9]{2})\s*年"
#: The statistics-period sentence (“本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止”).
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期间|统计区间|统计时段|统计周期|数据统计期)[^。；\n]{0,40}")
_PERIOD_DAYS = re.compile(r"1\s*月\s*1\s*日|12\s*月\s*31\s*日")
#: The report naming itself: “编制2024年度政府信息公开工作年度报告”, “2024年政务公开工作年度报告”.
_SELF_TITLE = re.compile(
    _YEAR + r"度?(?:[^。；，\n]{0,12}?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)"
)
#: A sentence opening with a year, as a report opens a paragraph about the year's work.
_OPENING_YEAR = re.compile(
    r"(?:(?:^|[。；！？\n，,])\s*(?:[（(][一二三四五六七八九十]+[）)][^。；\n]{0,16}?[。：:]?)?\s*|[在于])"
    + _YEAR
    + r"(?:度)?(?:[，,]|以来|全年|内|中|上半年|[^年]{0,2}(?:我|本|全|共|累计|新|积极|持续|深入))"
)
#: A sentence about another year on purpose: comparisons, last year's report and its problems.
_NOT_THIS_YEAR_WORK = re.compile(
    r"较|相比|同比|比上|对比|上年|上一年|去年|以来|截至|问题|整改|报告中|指出|提出|计划|将"
)
#: A sentence naming another year's report on purpose (its problems, a comparison).
_OTHER_REPORT = re.compile(r"较|相比|同比|比上|对比|上年|上一年|去年|问题|整改|指出|针对|对照|根据《|按照《|依据《")
_SENTENCE_END = re.compile(r"[。；！？\n]")

#: A concrete problem and a concrete measure in 第五部分.
_PROBLEM = re.compile(
    r"问题|不足|短板|薄弱|欠缺|有待|不够|不到位|滞后|差距|不充分|不平衡|不及时|不规范|不高|不强|偏少|单一"
)
_MEASURE = re.compile(r"下一步|将|持续|进一步|加强|完善|推进|整改|措施|计划|提升|改进|优化|强化|建立|落实|开展")
_LAST_YEAR = re.compile(r"上年|上一年|去年|上年度|前一年|整改情况|已整改|整改落实|已完成整改|整改到位")
#: Fewer sentences than this in 第五部分 is perfunctory.
S5_MIN_SENTENCES = 2
S5_MIN_CHARS = 30
#: One sentence is enough only when it is this long (a problem and a measure in full).
S5_ONE_SENTENCE = 40
_PERFUNCTORY = re.compile(r"^\s*(?:无|暂无|没有|无问题|无。|暂无。|/|—+)\s*[。.]?\s*$")


def check_wrong_year(ctx: Context, texts: dict[str, str], year: int | None) -> None:
    """WRONG_YEAR, once per narrative part: the first sentence that gives this report another year."""
    if year is None:
        return
    for key, text in texts.items():
        found = _wrong_year(text, year, key == "narr_s5")
        if found:
            said, snippet = found
            ctx.add(
                "WRONG_YEAR",
                key,
                f"文字内容“{part_title(ctx, key)}”中写“{snippet}”，说的是 {said} 年，而这是 {year} 年度的报告。"
                f"请改为 {year} 年的情况（如为沿用往年文字，请按本年度实际情况重写）。",
                expected=year,
                actual=said,
            )


def _wrong_year(text: str, year: int, improvements: bool) -> tuple[int, str] | None:
    for m in _PERIOD.finditer(text):
        if not _PERIOD_DAYS.search(m.group(0)):
            continue
        for y in re.findall(_YEAR, m.group(0)):
            if int(y) != year:
                return int(y), m.group(0)[:60]
    for m in _SELF_TITLE.finditer(text):
        if int(m.group(1)) != year and not _OTHER_REPORT.search(_sentence_around(text, m.start())):
            return int(m.group(1)), m.group(0)[:60]
    if improvements:
        return None  # 第五部分 speaks of last year's problems and next year's plans by design
    for m in _OPENING_YEAR.finditer(text):
        said = int(m.group(1))
        if said >= year:
            continue
        end = _SENTENCE_END.search(text, m.end())
        sentence = text[m.start(1) : end.start() if end else len(text)]
        if _NOT_THIS_YEAR_WORK.search(sentence):
            continue
        return said, sentence[:60]
    return None


def _sentence_around(text: str, pos: int) -> str:
    start = max((text.rfind(ch, 0, pos) for ch in "。；！？\n"), default=-1) + 1
    end = _SENTENCE_END.search(text, pos)
    return text[start : end.start() if end else len(text)]


def check_improvements(ctx: Context, texts: dict[str, str], previous_given: bool) -> None:
    """S5_PERFUNCTORY and, with last year's report, S5_NO_FOLLOW_UP."""
    key = next((p.key for p in ctx.schema.narrative if p.section == 5), None)
    if key is None or key not in texts:
        return  # an empty 第五部分 is NARRATIVE_EMPTY
    text = texts[key]
    part = next(p for p in ctx.schema.narrative if p.key == key)
    if part.hint in text or text.strip().startswith("【请填写"):
        return  # still the template's hint: NARRATIVE_PLACEHOLDER says so
    sentences = [s for s in re.split(r"[。；！？\n]+", text) if len(s.strip()) >= 4]
    why = None
    if _PERFUNCTORY.match(text):
        why = f"只写了“{text.strip()[:10]}”"
    elif len(text.strip()) < S5_MIN_CHARS or (
        len(sentences) < S5_MIN_SENTENCES and len(text.strip()) < S5_ONE_SENTENCE
    ):
        why = "只有一两句话"
    elif not _PROBLEM.search(text):
        why = "没有写出具体存在的问题"
    elif not _MEASURE.search(text):
        why = "没有写出具体的改进措施"
    if why:
        ctx.add(
            "S5_PERFUNCTORY",
            key,
            f"文字内容“{part_title(ctx, key)}”{why}。国家格式要求如实写明本年度存在的主要问题和具体改进措施，"
            "以及上年度问题的整改情况；请逐条补充（问题是什么、采取或将采取什么措施）。",
        )
        return
    if previous_given and not _LAST_YEAR.search(text):
        ctx.add(
            "S5_NO_FOLLOW_UP",
            key,
            f"文字内容“{part_title(ctx, key)}”没有说明上年度报告所列问题的整改情况，国家格式要求报告这一内容。"
            "请补充上年度问题的整改落实情况。",
        )
