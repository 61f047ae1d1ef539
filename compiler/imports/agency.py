"""Agency names printed in their customary short form (上海市科委) read as the full name (上海市科学技术委员会).

Titles of real reports sometimes print only the short form of an agency's name. The short forms below are the
customary ones of state organs, each standing for exactly one full name; a name is expanded only when it is a place
(…省/市/区/县/州/盟/旗) followed by one of them and nothing else, and the expansion is reported as a notice with the
name as printed, so a reviewer sees what was read.
"""

from __future__ import annotations

import re

#: customary short form → the one full name it stands for.
SHORT_FORMS: dict[str, str] = {
    "科委": "科学技术委员会",
    "发改委": "发展和改革委员会",
    "经信委": "经济和信息化委员会",
    "教委": "教育委员会",
    "卫健委": "卫生健康委员会",
    "卫计委": "卫生和计划生育委员会",
    "住建委": "住房和城乡建设委员会",
    "交委": "交通委员会",
    "商委": "商务委员会",
    "农委": "农业委员会",
    "民宗委": "民族宗教事务委员会",
    "国资委": "国有资产监督管理委员会",
    "发改局": "发展和改革局",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "市监局": "市场监督管理局",
    "卫健局": "卫生健康局",
    "医保局": "医疗保障局",
    "文旅局": "文化和旅游局",
    "工信局": "工业和信息化局",
    "经信局": "经济和信息化局",
    "科技局": "科学技术局",
    "应急局": "应急管理局",
    "退役军人局": "退役军人事务局",
    "资规局": "自然资源和规划局",
}

_PLACE_THEN_SHORT = re.compile(
    r"^(?P<place>\S{1,12}?(?:省|自治区|市|区|县|州|盟|旗))(?P<short>"
    + "|".join(sorted((re.escape(s) for s in SHORT_FORMS), key=len, reverse=True))
    + r")$"
)


def full_name(printed: str) -> str | None:
    """The full name of a place + customary short form (``上海市科委`` → ``上海市科学技术委员会``), else ``None``."""
    m = _PLACE_THEN_SHORT.match(printed.strip())
    if not m:
        return None
    full = m.group("place") + SHORT_FORMS[m.group("short")]
    return full if full != printed.strip() else None
