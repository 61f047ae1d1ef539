"""Chinese for the command line's own words: Click/Typer's help layout, usage lines and usage errors.

Typer bundles its own Click whose strings are English literals (no gettext
catalogue to plug into), so the help text is translated after it is laid out
(``ChineseGroup`` / ``ChineseCommand``, passed as ``cls=`` to Typer) and usage
errors are rewritten from the exception's fields (``usage_error_message``).
Everything here works on strings and class names only, so it holds whether
Typer's bundled Click or a separately installed Click raised the error; it is
its own module so that any front-end package can reuse it.
"""

from __future__ import annotations

import re
from typing import Any

import typer.core

#: Argument names (Python parameter names) → what the help shows instead.
ARGUMENT_LABELS = {
    "file": "文件",
    "files": "文件",
    "in_dir": "输入目录",
    "previous": "上年报告",
    "directory": "目录",
}
#: Click's type metavars → Chinese.
_METAVARS = {"<path>": "<路径>", "<str>": "<文字>", "<text>": "<文字>", "<int>": "<整数>", "<float>": "<数字>"}
#: Fixed English pieces of Click's layout (longest first where one contains another).
_PHRASES = (
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("Show the version and exit.", "显示版本并退出。"),
    ("COMMAND [ARGS]...", "命令 [参数]…"),
    ("[OPTIONS]", "[选项]"),
    ("[ARGS]...", "[参数]…"),
    ("[required]", "[必填]"),
)
_HEADINGS = {"Usage:": "用法：", "Options:": "选项：", "Arguments:": "参数：", "Commands:": "命令："}
_HEADING = re.compile(r"^(\s*)(Usage:|Options:|Arguments:|Commands:)", re.MULTILINE)
_USAGE_BRACES = re.compile(r"\{([^{}\s]+)\}")
_DEFAULT = re.compile(r"\[default: ([^\]]*)\]")
_METAVAR = re.compile("|".join(re.escape(k) for k in _METAVARS))
#: Typer names a list argument's type ``<list[Path]>``: the element's metavar, several allowed.
_LIST_METAVAR = re.compile(r"<list\[(\w+)\]>")


def translate(text: str) -> str:
    """Click's help or usage text with its English layout words in Chinese (our own help strings are untouched)."""
    for english, chinese in _PHRASES:
        text = text.replace(english, chinese)
    text = _HEADING.sub(lambda m: m.group(1) + _HEADINGS[m.group(2)], text)
    text = _USAGE_BRACES.sub(r"\1", text)
    text = _DEFAULT.sub(lambda m: f"[缺省：{m.group(1)}]", text)
    text = _LIST_METAVAR.sub(lambda m: _METAVARS.get(f"<{m.group(1).lower()}>", "<值>") + "…", text)
    return _realign(_METAVAR.sub(lambda m: _METAVARS[m.group(0)], text))


def display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_ROW = re.compile(r"^(  )(\S(?:.*?\S)?)( {2,})(\S.*)$")


def _realign(text: str) -> str:
    """Line up the help column of each definition list again, counting wide characters as two columns.

    Click pads by character count, so a Chinese name or metavar pushes its
    help text out of line.
    """
    lines = text.split("\n")
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        rows = [_ROW.match(line) for line in block]
        width = max((display_width(m.group(2)) for m in rows if m), default=0)
        column = 2 + width + 2
        for line, m in zip(block, rows, strict=True):
            if m:
                out.append(f"  {m.group(2)}{' ' * (width - display_width(m.group(2)) + 2)}{m.group(4)}")
            elif line.strip():
                out.append(" " * column + line.strip())
            else:
                out.append(line)
        block.clear()

    in_list = False
    for line in lines:
        if line.rstrip().endswith("：") and not line.startswith(" "):
            flush()
            in_list = line.strip() in ("参数：", "选项：", "命令：")
            out.append(line)
        elif in_list and (line.startswith("  ") or not line.strip()) and not (not line.strip() and block == []):
            if not line.strip():
                flush()
                in_list = False
                out.append(line)
            else:
                block.append(line)
        else:
            flush()
            in_list = False
            out.append(line)
    flush()
    return "\n".join(out)


def _label_arguments(command: Any) -> None:
    """Give positional arguments a Chinese name in the help and usage line (their Python name otherwise)."""
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "argument" and getattr(param, "metavar", None) is None:
            label = ARGUMENT_LABELS.get(param.name or "")
            if label:
                param.metavar = label


class ChineseCommand(typer.core.TyperCommand):
    """A Typer command whose help and usage are in Chinese."""

    def get_help(self, ctx: Any) -> str:
        _label_arguments(self)
        return translate(super().get_help(ctx))

    def get_usage(self, ctx: Any) -> str:
        _label_arguments(self)
        return translate(super().get_usage(ctx))


class ChineseGroup(typer.core.TyperGroup):
    """The Typer command group, in Chinese."""

    def get_help(self, ctx: Any) -> str:
        return translate(super().get_help(ctx))

    def get_usage(self, ctx: Any) -> str:
        return translate(super().get_usage(ctx))


# ---------------------------------------------------------------------- usage errors
_BAD_VALUE_REASONS = (
    ("integer", "应为整数"),
    ("float", "应为数字"),
    ("number", "应为数字"),
    ("does not exist", "文件或文件夹不存在"),
    ("is a directory", "应为文件，不是文件夹"),
    ("is a file", "应为文件夹，不是文件"),
)
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*?)'")
_DID_YOU_MEAN = re.compile(r"Did you mean (?P<names>.+?)\?")
_EXTRA = re.compile(r"unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)")
_NEEDS_VALUE = re.compile(r"(?:Option )?'?(?P<opt>-[^' ]+)'? (?:option )?requires (?:an argument|\d+ arguments)")
_TAKES_NO_VALUE = re.compile(r"Option '?(?P<opt>-[^' ]+)'? does not take a value")


def _param_hint(exc: Exception) -> str:
    hint = getattr(exc, "param_hint", None) or ""
    param = getattr(exc, "param", None)
    if not hint and param is not None:
        hint = "/".join(getattr(param, "opts", None) or [getattr(param, "name", "") or ""])
    if isinstance(hint, list | tuple):
        hint = "/".join(hint)
    if param is not None and getattr(param, "param_type_name", "") == "argument":
        hint = ARGUMENT_LABELS.get(getattr(param, "name", "") or "", hint)
    return str(hint)


def _names(text: str) -> str:
    return "、".join(n.strip().strip("'\"") for n in text.split(","))


def usage_error_message(exc: Exception) -> str:
    """A command-line usage error in Chinese, ending with where to find the usage.

    Classes are recognised by name so this works with Typer's bundled Click
    and with a separately installed one.
    """
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    message = str(getattr(exc, "message", "") or exc)
    hint = _param_hint(exc)
    param = getattr(exc, "param", None)
    if "NoArgsIsHelpError" in kinds:
        text = "请指定要运行的命令。"
    elif "MissingParameter" in kinds:
        kind = getattr(exc, "param_type", None) or getattr(param, "param_type_name", "")
        text = f"缺少{'参数' if kind == 'argument' else '选项'} {hint}。"
    elif "NoSuchOption" in kinds:
        text = f"没有这个选项：{getattr(exc, 'option_name', '')}。"
        possible = getattr(exc, "possibilities", None)
        if possible:
            text += f"是否想用：{'、'.join(sorted(possible))}？"
    elif "BadParameter" in kinds:
        detail = message
        for english, chinese in _BAD_VALUE_REASONS:
            if english in detail.lower():
                detail = chinese
                break
        text = f"{hint} 的值无效：{detail}。"
    elif m := _NO_SUCH_COMMAND.search(message):
        text = f"没有这个命令：{m.group('name')}。"
        if guess := _DID_YOU_MEAN.search(message):
            text += f"是否想用：{_names(guess.group('names'))}？"
    elif m := _EXTRA.search(message):
        text = f"多余的参数：{m.group('args')}。"
    elif m := _NEEDS_VALUE.search(message):
        text = f"选项 {m.group('opt')} 需要一个值。"
    elif m := _TAKES_NO_VALUE.search(message):
        text = f"选项 {m.group('opt')} 不接受值。"
    elif "Missing command" in message:
        text = "缺少命令。"
    else:
        text = f"用法错误：{message}"
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "nianbao"
    return f"{text}\n运行“{path} --help”查看用法。"


def version_text() -> str:
    """``nianbao --version``: the installed distribution's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("nianbao")
    except PackageNotFoundError:
        number = "（开发版）"
    return f"nianbao 版本 {number}（政府信息公开工作年度报告工具，国办公开办函〔2021〕30号格式）"
