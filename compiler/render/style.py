"""Layout settings (fonts, sizes, margins) read from a style file, not from code.

The bundled ``templates/style.toml`` follows GB/T 9704-2012; a province with
other conventions passes ``--style FILE`` (TOML or JSON) holding only the keys
it changes, which are laid over the bundled defaults.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import typing
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..util.files import NotRegularFileError, TooLargeError, os_reason, read_regular

#: A style file is a few KB of TOML or JSON.
MAX_STYLE_BYTES = 1024 * 1024
DEFAULT_STYLE_PATH = Path(__file__).resolve().parents[2] / "templates" / "style.toml"

#: Generic CSS families that are not real font names (skipped for Word's altName).
GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"})


class StyleError(ValueError):
    """A style file that is missing or invalid; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    header_mm: float
    footer_mm: float

    @property
    def text_width_mm(self) -> float:
        """Width of the type block (版心)."""
        return self.width_mm - self.left_mm - self.right_mm


@dataclass(frozen=True)
class TitleStyle:
    font: str
    size_pt: float
    bold: bool
    line_spacing_pt: float
    space_after_lines: float


@dataclass(frozen=True)
class BodyStyle:
    font: str
    size_pt: float
    bold: bool
    line_spacing_pt: float
    first_line_chars: float


@dataclass(frozen=True)
class HeadingStyle:
    font: str
    size_pt: float
    bold: bool


@dataclass(frozen=True)
class TableStyle:
    font: str
    size_pt: float
    header_bold: bool
    #: 0 means single line spacing.
    line_spacing_pt: float
    cell_margin_mm: float
    min_row_height_mm: float


@dataclass(frozen=True)
class PageNumberStyle:
    font: str
    size_pt: float
    indent_chars: float


@dataclass(frozen=True)
class SignatureStyle:
    blank_lines: float
    right_chars: float
    date_offset_chars: float


@dataclass(frozen=True)
class Style:
    page: Page
    title: TitleStyle
    body: BodyStyle
    heading1: HeadingStyle
    heading2: HeadingStyle
    table: TableStyle
    page_number: PageNumberStyle
    signature: SignatureStyle
    #: Font name → substitutes, best first (Word altName = first real font; CSS = all).
    fallbacks: dict[str, tuple[str, ...]]

    def font_family(self, font: str) -> tuple[str, ...]:
        """The font followed by its substitutes, without duplicates."""
        return tuple(dict.fromkeys((font, *self.fallbacks.get(font, ()))))

    def alt_name(self, font: str) -> str | None:
        """The first real substitute font, for Word's font table."""
        for name in self.fallbacks.get(font, ()):
            if name not in GENERIC_FAMILIES and name != font:
                return name
        return None

    def fonts(self) -> tuple[str, ...]:
        """Every font the document uses, in a stable order."""
        used = (self.title, self.body, self.heading1, self.heading2, self.table, self.page_number)
        return tuple(dict.fromkeys(s.font for s in used))


_SECTIONS: dict[str, type] = {
    "page": Page,
    "title": TitleStyle,
    "body": BodyStyle,
    "heading1": HeadingStyle,
    "heading2": HeadingStyle,
    "table": TableStyle,
    "page_number": PageNumberStyle,
    "signature": SignatureStyle,
}

_default_cache: Style | None = None


def load_style(path: str | Path | None = None) -> Style:
    """The bundled style, with the keys of ``path`` (TOML or JSON) laid over it.

    Raises ``StyleError`` with a Chinese message for a missing or invalid file.
    """
    global _default_cache
    if path is None and _default_cache is not None:
        return _default_cache
    data = _read(DEFAULT_STYLE_PATH, bundled=True)
    if path is not None:
        _merge(data, _read(Path(path)), str(path))
    style = _build(data, str(path or DEFAULT_STYLE_PATH))
    if path is None:
        _default_cache = style
    return style


def _read(path: Path, *, bundled: bool = False) -> dict[str, Any]:
    what = "内置版式文件" if bundled else "版式文件"
    try:
        raw = read_regular(path, MAX_STYLE_BYTES)
    except FileNotFoundError:
        raise StyleError(f"找不到{what}：{path}") from None
    except NotRegularFileError as exc:
        raise StyleError(f"无法读取{what} {path}：这是{exc.kind}，不是普通文件") from None
    except TooLargeError:
        raise StyleError(
            f"无法读取{what} {path}：文件过大（上限 {MAX_STYLE_BYTES // 1024} KB），不像是版式文件"
        ) from None
    except OSError as exc:
        raise StyleError(f"无法读取{what} {path}：{os_reason(exc)}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StyleError(f"{what} {path} 不是 UTF-8 编码的文本文件") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StyleError(f"{what} {path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"line (\d+), column (\d+)", str(exc))  # tomllib's words are English: only the place
            at = f"：第 {where.group(1)} 行第 {where.group(2)} 列附近" if where else ""
            raise StyleError(f"{what} {path} 不是有效的 TOML{at}") from None
    if not isinstance(data, dict):
        raise StyleError(f"{what} {path} 的顶层应为一组设置（对象）")
    return data


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> None:
    for section, values in override.items():
        if section not in _SECTIONS and section != "fallbacks":
            known = "、".join([*_SECTIONS, "fallbacks"])
            raise StyleError(f"版式文件 {where}：未知的设置节“[{section}]”（可用：{known}）")
        if not isinstance(values, dict):
            raise StyleError(f"版式文件 {where}：“[{section}]”应为一组设置")
        base.setdefault(section, {}).update(values)


def _build(data: dict[str, Any], where: str) -> Style:
    parts: dict[str, Any] = {}
    for section, cls in _SECTIONS.items():
        values = data.get(section)
        if not isinstance(values, dict):
            raise StyleError(f"版式文件 {where}：缺少设置节“[{section}]”")
        parts[section] = _build_section(cls, section, values, where)
    fallbacks: dict[str, tuple[str, ...]] = {}
    for font, names in (data.get("fallbacks") or {}).items():
        label = f"“[fallbacks] {_shown(str(font))}”"
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise StyleError(f"版式文件 {where}：{label}应为字体名称的列表")
        for name in (str(font), *names):
            _check_font_name(name, label, where)
        fallbacks[str(font)] = tuple(n.strip() for n in names)
    style = Style(**parts, fallbacks=fallbacks)
    page = style.page
    if page.left_mm + page.right_mm >= page.width_mm or page.top_mm + page.bottom_mm >= page.height_mm:
        raise StyleError(f"版式文件 {where}：页边距之和超过了纸张大小")
    return style


#: Characters no font name holds, and that Word's XML or a CSS string cannot carry.
_NOT_IN_A_FONT_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069;{}<>\"\\]")
MAX_FONT_NAME = 64


def _check_font_name(name: str, label: str, where: str) -> None:
    """A font name as Word and CSS take it: no control characters, markup or quotes; a sane length."""
    bad = _NOT_IN_A_FONT_NAME.search(name)
    if bad:
        raise StyleError(f"版式文件 {where}：{label}中有不能用于字体名称的字符 U+{ord(bad.group()):04X}")
    if len(name) > MAX_FONT_NAME:
        raise StyleError(f"版式文件 {where}：{label}过长（超过 {MAX_FONT_NAME} 个字符），不像是字体名称")


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _build_section(cls: type, section: str, values: dict[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    for key in values:
        if key not in names:
            raise StyleError(f"版式文件 {where}：未知的设置项“[{section}] {key}”（可用：{'、'.join(names)}）")
    kwargs: dict[str, Any] = {}
    for name in names:
        label = f"“[{section}] {name}”"
        if name not in values:
            raise StyleError(f"版式文件 {where}：缺少设置项{label}")
        value = values[name]
        kind = hints[name]
        if kind is bool:
            if not isinstance(value, bool):
                raise StyleError(f"版式文件 {where}：{label}应为 true 或 false，实际为 {value!r}")
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise StyleError(f"版式文件 {where}：{label}应为数字，实际为 {value!r}")
            if value < 0 or value > 1000:
                raise StyleError(f"版式文件 {where}：{label}超出范围（0–1000），实际为 {value!r}")
            if name.startswith(("size", "width", "height")) and value == 0:
                raise StyleError(f"版式文件 {where}：{label}不能为 0")
            value = float(value)
        elif kind is str:
            if not isinstance(value, str) or not value.strip():
                raise StyleError(f"版式文件 {where}：{label}应为非空文字，实际为 {_shown(repr(value))}")
            _check_font_name(value, label, where)
            value = value.strip()
        kwargs[name] = value
    return cls(**kwargs)
