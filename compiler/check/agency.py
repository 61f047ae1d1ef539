"""Who reports: the administrative level of an agency and whether it is a government's own overall report.

Both are read from the agency name alone (``淮安市洪泽区人民政府`` → a county-level government;
``XX县市场监督管理局`` → a county-level department), because that is all a report carries. They decide
the reporting deadline (条例第四十九条: a 县级以上人民政府部门 publishes by 1月31日, the 本级政府's
overall report is published by 3月31日) and what fee amount is plausible. The officer can override the
kind (``reporter``) when the name misleads.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Level = Literal["province", "city", "county", "township"]
Reporter = Literal["government", "department"]
REPORTERS: tuple[Reporter, ...] = ("government", "department")
REPORTER_LABEL: dict[str, str] = {"government": "本级人民政府", "department": "政府部门"}
LEVEL_LABEL: dict[str, str] = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}

_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
#: The place part of a name: province, city, county, township, each optional, in this order.
_PLACE = re.compile(
    r"^(?P<province>[^省市县区旗盟]{1,7}?(?:省|自治区))?"
    r"(?P<city>[^省市县区旗盟]{1,9}?(?:市|自治州|盟|地区))?"
    r"(?P<county>[^省市县区旗盟]{1,9}?(?:自治县|县|新区|区|自治旗|旗|市))?"
)
#: A township body names itself so (城乡 in 住房和城乡建设局 is not a 乡).
_TOWNSHIP = re.compile(r"(?:乡|镇)(?:人民)?政府|街道(?:办事处|党工委)")
#: A place character that begins an organisation's word (the 市 of 市场监督管理局 is not a city).
_NOT_PLACE = ("市场", "市政", "区域", "县域", "区划", "市容")
#: A government's own overall report: the name is the government itself, not one of its offices.
_GOVERNMENT = re.compile(r"(?:人民政府|政府|行政公署|管理委员会|管委会)$")


#: A name that is only a place (“平潭综合实验区”, “沭阳县”): the whole area's, i.e. the government's, report.
_PLACE_ONLY = re.compile(r".{1,12}?(?:省|自治区|市|自治州|县|自治县|区|旗|镇|乡)")


@dataclass(frozen=True)
class Agency:
    level: Level | None
    reporter: Reporter


def classify(name: object) -> Agency:
    """Level and reporter kind of an agency name (unknown level → None; anything unclear → a department)."""
    text = re.sub(r"\s+", "", name) if isinstance(name, str) else ""
    government = (_GOVERNMENT.search(text) and "管理委员会" not in text) or _PLACE_ONLY.fullmatch(text)
    reporter: Reporter = "government" if government else "department"
    return Agency(_level(text), reporter)


def _level(text: str) -> Level | None:
    m = _PLACE.match(text)
    if not m or not m.group(0):
        return "township" if _TOWNSHIP.search(text) else None
    level: Level | None = None
    for group in ("province", "city", "county"):
        part = m.group(group)
        if not part:
            continue
        end = m.start(group) + len(part)
        if text[end - 1 : end + 1] in _NOT_PLACE:
            break
        level = group  # type: ignore[assignment]
    if level == "city" and m.group("city").startswith(_MUNICIPALITIES):
        level = "county" if m.group("county") else "province"
    return "township" if _TOWNSHIP.search(text) else level


def deadline(year: int, reporter: Reporter) -> dt.date:
    """The last day to publish the report of ``year`` (条例第四十九条)."""
    return dt.date(year + 1, 3, 31) if reporter == "government" else dt.date(year + 1, 1, 31)


#: Largest 行政事业性收费 (万元) plausible for one agency, by level and kind; above it, suspect 元.
FEE_CEILING: dict[tuple[Level, Reporter], float] = {
    ("township", "government"): 5_000,
    ("township", "department"): 2_000,
    ("county", "government"): 100_000,
    ("county", "department"): 20_000,
    ("city", "government"): 500_000,
    ("city", "department"): 100_000,
}


_REPORTER_NAMES: dict[str, Reporter] = {
    "government": "government",
    "政府": "government",
    "本级政府": "government",
    "本级人民政府": "government",
    "department": "department",
    "部门": "department",
    "政府部门": "department",
}


def reporter_kind(value: str | None) -> Reporter | None:
    """An officer's ``--reporter`` as ``government`` / ``department``; None when absent or not understood."""
    return _REPORTER_NAMES.get(value.strip().lower()) if isinstance(value, str) else None
