"""The one input dispatcher: every command reads the same kinds of file, with the same messages.

``load_report(path)`` picks the reader by suffix from ``INPUT_KINDS`` (our
workbook, a report JSON, a published report) and raises
``compiler.read.UnreadableInput`` (a Chinese message: what the file is, what to
do) for anything it cannot open. ``load_previous(path)`` is the one loader of
last year's report (``--previous``, ``template --from``, batch).

This module sits above ``read`` and ``imports`` (which know nothing of each
other's dispatching), so that neither has to import the other upwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .imports.kinds import DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES
from .read import REFUSED_SUFFIXES, SAVE_AS, WORKBOOK_SUFFIXES, UnreadableInput, internal_read_message, os_error_message

if TYPE_CHECKING:
    from .model import Report


@dataclass(frozen=True)
class InputKind:
    """One kind of input every command accepts: its suffixes, its Chinese name and its reader."""

    name: str
    suffixes: tuple[str, ...]
    label: str
    read: Callable[[Path], Report]


def _read_workbook(path: Path) -> Report:
    from .read.xlsx import read_workbook

    return read_workbook(path)


def _read_json(path: Path) -> Report:
    from .read import load_json

    return load_json(path)


def _read_published(path: Path) -> Report:
    _check_readable(path)
    from .imports import parse_file

    return parse_file(path)


#: Published reports: plain text (also Markdown), saved web pages, Word documents, PDF (the importer's own tables).
PUBLISHED_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *DOCX_SUFFIXES, *PDF_SUFFIXES)

#: Every kind of input, in the order messages name them.
INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("workbook", WORKBOOK_SUFFIXES, "填报表 .xlsx", _read_workbook),
    InputKind("json", (".json",), "报告 JSON", _read_json),
    InputKind("published", PUBLISHED_SUFFIXES, "已发布年报 .txt/.md/.html/.htm/.docx/.pdf", _read_published),
)
#: Every suffix some command reads (batch uses it for ``--previous``).
READABLE_SUFFIXES: tuple[str, ...] = tuple(s for kind in INPUT_KINDS for s in kind.suffixes)
#: What we read, for messages: "填报表 .xlsx、报告 JSON、已发布年报 …".
READABLE_TEXT = "、".join(kind.label for kind in INPUT_KINDS)

_SAVE_AS = SAVE_AS
_SAVE_AS_DOCUMENT = "Word/WPS 文档请“另存为”.docx，网页请在浏览器中“另存为”.html。"
#: Refused suffixes that are documents rather than spreadsheets (they get the document hint).
_DOCUMENT_SUFFIXES = (".doc", ".wps")


def input_kind(path: Path) -> InputKind | None:
    """The kind of input ``path`` is by its suffix (``None``: not one we read)."""
    suffix = path.suffix.lower()
    return next((kind for kind in INPUT_KINDS if suffix in kind.suffixes), None)


def load_report(path: str | Path) -> Report:
    """Read a returned workbook, a report JSON or a published report into a ``Report``.

    Raises ``UnreadableInput`` for a file that cannot be opened at all; problems
    inside a readable file are findings in ``report.origin.findings``.
    """
    from os.path import isdir  # never raises, unlike Path.is_dir on an unreadable parent

    path = Path(path)
    if isdir(path):  # a folder given for a file (often --previous, as for batch): say so, not "no suffix"
        raise UnreadableInput(
            f"无法读取“{path}”：这是文件夹，请给出报告文件本身（{READABLE_TEXT}；"
            "--previous 须给出上年报告文件）。核查整个文件夹请用 nianbao batch。"
        )
    kind = input_kind(path)
    if kind is None:
        raise UnreadableInput(refused_message(path))
    return kind.read(path)


def load_previous(path: str | Path) -> Report:
    """Last year's report (``--previous``, ``template --from``); ``UnreadableInput`` says it is last year's.

    Never raises anything else for a user's file: a reader bug is reported as ours.
    """
    path = Path(path)
    try:
        return load_report(path)
    except UnreadableInput as exc:
        raise UnreadableInput(f"上年报告 {path} 无法读取：{exc}", exc.code) from exc
    except Exception as exc:  # a reader bug must not become a traceback for the clerk, nor blame the file
        raise UnreadableInput(f"上年报告：{internal_read_message(path, exc)}", "READER_INTERNAL_ERROR") from exc


def refused_message(path: Path) -> str:
    """The message for a file whose suffix we do not read: what it is, what we read, how to convert."""
    suffix = path.suffix.lower()
    what = REFUSED_SUFFIXES.get(suffix)
    hint = _SAVE_AS_DOCUMENT if suffix in _DOCUMENT_SUFFIXES else _SAVE_AS
    if what:
        return f"无法读取“{path.name}”：这是 {what}，本工具读取{READABLE_TEXT}。{hint}"
    kind = f"“{path.suffix}”类型的文件" if path.suffix else "没有扩展名的文件"
    return f"无法读取“{path.name}”：不支持{kind}。本工具读取{READABLE_TEXT}。如是表格，{_SAVE_AS}"


def _check_readable(path: Path) -> None:
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise UnreadableInput(os_error_message(path, exc)) from exc


__all__ = [
    "INPUT_KINDS",
    "READABLE_SUFFIXES",
    "InputKind",
    "UnreadableInput",
    "input_kind",
    "load_previous",
    "load_report",
    "refused_message",
]
