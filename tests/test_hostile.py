"""Hostile input: every malformed file of the corpus gives its expected outcome, never a traceback.

The corpus is built at test time by ``tests/hostile/make_corpus.py``; the
expected outcomes are the ``CASES`` table below (case → commands → exit code,
finding codes, words of the Chinese message). Every run also asserts: no
traceback and no escaped exception, the input's sha256 unchanged, no
temporary file left anywhere, nothing written outside the case's folder, no
network connection and no subprocess started. ``docs/hostile-input.md`` is
generated from the same table (``python tests/test_hostile.py --write-doc``)
and a test keeps it in step.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile import make_corpus as corpus
from typer.testing import CliRunner

from compiler.cli import app
from compiler.schema import get_schema
from compiler.schema.workbook import cell_ref
from compiler.util.files import TEMP_PREFIX

SCHEMA = get_schema()
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "hostile-input.md"
NUMBER_KEY = corpus.NUMBER_KEY
NUMBER_REF = cell_ref(SCHEMA, NUMBER_KEY)


# ============================================================================= the table
@dataclass(frozen=True)
class Run:
    """One command on the case's input and what it must give."""

    command: str  # check | compile | export | audit | import | roster
    exit: int
    #: Finding codes reported (check/audit, via --json); with ``exact`` the set of codes is exactly this.
    codes: tuple[str, ...] = ()
    #: Fragments of the Chinese message (anywhere in stdout/stderr).
    says: tuple[str, ...] = ()
    #: The finding of ``codes[0]`` names this schema key (i.e. the cell).
    key: str | None = None
    exact: bool = True


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    what: str
    runs: tuple[Run, ...]


def check(exit: int, *codes: str, says: tuple[str, ...] = (), key: str | None = None, exact: bool = True) -> Run:
    return Run("check", exit, codes, says, key, exact)


def compile_(exit: int, *says: str) -> Run:
    return Run("compile", exit, (), says)


def export(exit: int, *says: str) -> Run:
    return Run("export", exit, (), says)


def unreadable(*says: str) -> tuple[Run, ...]:
    """Refused by every command: exit 2 and the same Chinese message."""
    return (check(2, "UNREADABLE", says=says), compile_(2, *says), export(2, *says))


def clean(*codes: str, says: tuple[str, ...] = ()) -> tuple[Run, ...]:
    """Read, checked without errors (only the given notices/warnings) and compiled."""
    return (check(0, *codes, says=says), compile_(0, *says), export(0, *says))


def number_error(code: str, shown: str) -> tuple[Run, ...]:
    """A bad value in the table-2 number cell: an error naming that cell; compile refuses, export reads it."""
    return (check(1, code, key=NUMBER_KEY, says=(NUMBER_REF.ref,)), compile_(1, shown, "未生成报告"), export(0))


def text_number_error(shown: str) -> tuple[Run, ...]:
    """A number typed as text: read, and an error at that cell (the sheet's SUMs leave it out); export says so too."""
    return (
        check(1, "NUMBER_AS_TEXT", key=NUMBER_KEY, says=(NUMBER_REF.ref,)),
        compile_(1, shown, "未生成报告"),
        export(1),
    )


def published(exit: int, *codes: str, says: tuple[str, ...] = ()) -> tuple[Run, ...]:
    return (
        Run("audit", exit, (("UNREADABLE",) if exit == 2 else codes), says, exact=False),
        Run("import", exit, (), says),
    )


def roster(exit: int, *says: str) -> tuple[Run, ...]:
    return (Run("roster", exit, (), says),)


K_BROKEN = "不是工作簿 / 已损坏"
K_BOMB = "压缩炸弹 / XML 炸弹 / 超大文件"
K_JSON = "损坏的报告 JSON"
K_PATH = "路径不可用"
K_OFFICE = "宏、外部链接、密码"
K_STRUCT = "工作表改名、删除、调序，插入行"
K_HUGE = "超长文字"
K_TEXT = "控制字符、双向文字标记、公式样文字、脚本"
K_NAME = "危险的单位名称 / 文件名"
K_NUMBER = "数字单元格中的怪值"
K_PUBLISHED = "已发布年报（audit / import）"
K_ROSTER = "分发名单（template --roster）"

CASES: tuple[Case, ...] = (
    # ---- not a workbook, or damaged
    Case("zero_byte_xlsx", K_BROKEN, "0 字节的 .xlsx", unreadable("0 字节")),
    Case("random_bytes_xlsx", K_BROKEN, "随机字节命名为 .xlsx", unreadable("不是 Excel 工作簿", "另存为")),
    Case("random_bytes_zip_magic", K_BROKEN, "以 zip 标志开头的随机字节", unreadable("损坏或不完整")),
    Case("truncated_zip", K_BROKEN, "截掉一半的 .xlsx", unreadable("损坏或不完整")),
    Case("truncated_zip_tail", K_BROKEN, "截掉末尾 30 字节（zip 目录残缺）", unreadable("损坏或不完整")),
    Case("corrupt_member", K_BROKEN, "zip 目录完好、表三数据被噪声覆盖", unreadable("已损坏", "无法解压")),
    Case("html_as_xlsx", K_BROKEN, "网页冒充 .xlsx", unreadable("网页")),
    Case("csv_as_xlsx", K_BROKEN, "GBK 文本冒充 .xlsx", unreadable("纯文本")),
    Case("docx_as_xlsx", K_BROKEN, "Word 文档改名 .xlsx", unreadable("Word 文档")),
    Case("ods_as_xlsx", K_BROKEN, "OpenDocument 表格改名 .xlsx", unreadable("OpenDocument")),
    Case("legacy_xls_as_xlsx", K_BROKEN, "OLE2 旧版工作簿改名 .xlsx", unreadable("97-2003", "另存为")),
    Case("xls_suffix", K_BROKEN, ".xls 文件", unreadable("97-2003", "另存为")),
    Case("num_nan_xml", K_BROKEN, "数字单元格 XML 中写 <v>NaN</v>", unreadable("无法解析")),
    # ---- bombs and sizes
    Case("zip_bomb_total", K_BOMB, "250 KB 解压为 250 MB", unreadable("压缩炸弹", "上限 200 MB")),
    Case("zip_bomb_ratio", K_BOMB, "单个部件 60 MB、压缩比 > 1000:1", unreadable("压缩炸弹", "压缩比")),
    Case("zip_bomb_members", K_BOMB, "10,002 个部件", unreadable("压缩炸弹", "上限 10000")),
    Case(
        "zip_bomb_lying_size",
        K_BOMB,
        "zip 目录谎报大小（实际解压 120 MB）：只解压声明的大小，照常读取",
        clean(),
    ),
    Case("xml_bomb_sheet", K_BOMB, "表三 XML 中的 billion laughs", unreadable("不安全的 XML")),
    Case("xml_bomb_shared_strings", K_BOMB, "共享字符串中的 billion laughs", unreadable("不安全的 XML")),
    Case("xxe_external_entity", K_BOMB, "workbook.xml 中的外部实体（file:// 与 http://）", unreadable("不安全的 XML")),
    Case("huge_sparse_xlsx", K_BOMB, "101 MB 的 .xlsx（稀疏文件）", unreadable("文件过大", "上限 100 MB")),
    Case("huge_sparse_json", K_BOMB, "101 MB 的 .json（稀疏文件）", unreadable("文件过大", "上限 100 MB")),
    # ---- report JSON
    Case("zero_byte_json", K_JSON, "0 字节的 .json", unreadable("不是有效的报告 JSON")),
    Case("whitespace_json", K_JSON, "只有空白的 .json", unreadable("不是有效的报告 JSON")),
    Case("deep_json", K_JSON, "嵌套 20 万层的 JSON", unreadable("嵌套层次过深")),
    Case("json_wrong_shape", K_JSON, "tables 是字符串", unreadable("tables 应为对象")),
    Case("json_not_utf8", K_JSON, "GBK 编码的报告 JSON", unreadable("UTF-8")),
    Case("json_array", K_JSON, "顶层是数组", unreadable("顶层应为对象")),
    Case("json_lone_surrogate", K_JSON, "文字中有孤立代理项 \\ud800（读作 U+FFFD）", clean("S5_PERFUNCTORY")),
    # ---- paths
    Case("missing_file", K_PATH, "文件不存在", unreadable("文件不存在")),
    Case("directory_as_xlsx", K_PATH, "名为 .xlsx 的文件夹", unreadable("文件夹")),
    Case("fifo_xlsx", K_PATH, "命名管道（FIFO）冒充 .xlsx：不打开、不等待", unreadable("命名管道", "不是普通文件")),
    Case("fifo_json", K_PATH, "命名管道（FIFO）冒充 .json", unreadable("命名管道", "不是普通文件")),
    Case("dev_zero_link_xlsx", K_PATH, "指向 /dev/zero 的链接，名为 .xlsx", unreadable("设备文件", "不是普通文件")),
    Case("dev_zero_link_json", K_PATH, "指向 /dev/zero 的链接，名为 .json", unreadable("设备文件", "不是普通文件")),
    Case("symlink_loop_xlsx", K_PATH, "指向自身的符号链接", unreadable("符号链接")),
    # ---- office features
    Case(
        "password_protected",
        K_OFFICE,
        "设了打开密码的工作簿（OLE2 内含 EncryptionInfo/EncryptedPackage）",
        unreadable("打开密码", "取消密码保护"),
    ),
    Case(
        "xlsm_macros",
        K_OFFICE,
        ".xlsm 含 vbaProject.bin（Auto_Open 宏）",
        clean("MACROS_IGNORED", says=("宏未被执行",)),
    ),
    Case("vba_in_xlsx", K_OFFICE, ".xlsx 中藏 vbaProject.bin", clean("MACROS_IGNORED", says=("宏未被执行",))),
    Case(
        "external_link",
        K_OFFICE,
        "externalLink1.xml 指向 http://127.0.0.1:9/",
        clean("EXTERNAL_LINKS_IGNORED", says=("链接未被打开",)),
    ),
    Case(
        "external_link_formula",
        K_OFFICE,
        "数字单元格公式引用外部文件（缓存值 999）",
        (
            check(1, "FORMULA_IN_INPUT", "EXTERNAL_LINKS_IGNORED", key=NUMBER_KEY),
            compile_(1, "不要使用公式"),
            export(1, "不要使用公式"),
        ),
    ),
    # ---- structure
    Case("sheet_renamed", K_STRUCT, "表三改名（名称随之更新，如 Excel）", clean()),
    Case(
        "sheet_renamed_names_stale",
        K_STRUCT,
        "表三改名、名称仍指向旧表名",
        (check(1, "SHEET_MISSING"), compile_(1, "找不到工作表“表三”"), export(1, "找不到工作表“表三”")),
    ),
    Case(
        "sheet_deleted",
        K_STRUCT,
        "删除表四",
        (check(1, "SHEET_MISSING"), compile_(1, "找不到工作表“表四”"), export(1, "找不到工作表“表四”")),
    ),
    Case("sheets_reordered", K_STRUCT, "工作表倒序", clean()),
    Case("rows_inserted", K_STRUCT, "表三结果区插入 3 行（名称随之下移，如 Excel）", clean()),
    Case(
        "rows_inserted_names_deleted",
        K_STRUCT,
        "插入 3 行且删除全部名称：按默认位置读取，数字错位被勾稽发现",
        (
            check(1, "NAMES_MISSING", "T3_BALANCE", exact=False),
            compile_(1, "名称缺失或失效", "勾稽关系"),
            export(0, "名称缺失或失效"),
        ),
    ),
    Case("names_deleted", K_STRUCT, "删除全部名称（未插行）", clean("NAMES_MISSING", says=("名称缺失或失效",))),
    Case(
        "not_our_template",
        K_STRUCT,
        "别的工作簿",
        (
            check(1, "NOT_TEMPLATE", exact=False),
            compile_(1, "不是 nianbao 标准填报模板"),
            export(1, "不是 nianbao 标准填报模板"),
        ),
    ),
    # ---- huge text
    Case("narrative_10mb", K_HUGE, "第五部分 10 MB 文字", clean("S5_PERFUNCTORY")),
    Case("agency_100k", K_HUGE, "10 万字的单位名称（.xlsx）", clean()),
    Case("agency_100k_json", K_HUGE, "10 万字的单位名称（JSON）", clean()),
    # ---- text
    Case("control_chars_json", K_TEXT, "单位名称和正文含 \\x00 \\x07 \\x1b、RLO/RLM/LRI 等", clean("S5_PERFUNCTORY")),
    Case("control_chars_xlsx", K_TEXT, "同上，经模板写出（_x0007_ 转义）", clean("S5_PERFUNCTORY")),
    Case("formula_text_xlsx", K_TEXT, "文字单元格以 = + - @ 开头（含 HYPERLINK、DDE）", clean("S5_PERFUNCTORY")),
    Case("formula_text_json", K_TEXT, "同上（JSON）", clean("S5_PERFUNCTORY")),
    Case("script_in_narrative", K_TEXT, "正文和单位名称含 <script>、<img onerror>", clean("S5_PERFUNCTORY")),
    Case("script_in_narrative_json", K_TEXT, "正文和小标题含 <script>、<b onmouseover>", clean("S5_PERFUNCTORY")),
    Case("formula_text_in_number_cell", K_TEXT, "数字单元格中的文字“=1+1”", number_error("NOT_A_NUMBER", "“=1+1”")),
    Case("at_text_in_number_cell", K_TEXT, "数字单元格中的文字“@SUM(A1)”", number_error("NOT_A_NUMBER", "“@SUM(A1)”")),
    # ---- names
    Case("agency_dotdot", K_NAME, "单位名称 ../../etc/x", clean()),
    Case("agency_dotdot_xlsx", K_NAME, "单位名称 ../../etc/x（.xlsx）", clean()),
    Case("agency_reserved_chars", K_NAME, '单位名称含 / \\ : * ? " < > |', clean()),
    Case("agency_con", K_NAME, "单位名称 CON", clean()),
    Case("agency_dots_only", K_NAME, "单位名称 ..", clean()),
    Case("input_named_con", K_NAME, "输入文件名 CON.xlsx", clean()),
    Case("input_named_shell", K_NAME, "输入文件名 $(touch pwned);`touch pwned2`\\|x&.xlsx", clean()),
    # ---- numbers (table 2, 行政许可: in no sum rule)
    Case("num_1e308", K_NUMBER, "数值 1e308", number_error("NOT_A_NUMBER", "1e+308")),
    Case("num_1e308_text", K_NUMBER, "文字 “1e308”", number_error("NOT_A_NUMBER", "1e308")),
    Case("num_nan_text", K_NUMBER, "文字 “NaN”", number_error("NOT_A_NUMBER", "NaN")),
    Case("num_minus_zero", K_NUMBER, "数值 -0.0（读作 0）", clean()),
    Case("num_minus_zero_text", K_NUMBER, "文字 “-0”（读作 0，该格报错误）", text_number_error("-0")),
    Case(
        "num_leading_zeros_text",
        K_NUMBER,
        "文字 “00012”（读作 12，该格报错误）",
        text_number_error("00012"),
    ),
    Case("num_with_unit", K_NUMBER, "文字 “12件”", number_error("NOT_A_NUMBER", "12件")),
    Case("num_fullwidth", K_NUMBER, "全角 “１２”（读作 12，表格合计不计入：该格报错误）", text_number_error("１２")),
    Case("num_thousands", K_NUMBER, "文字 “1,234”（读作 1234，该格报错误）", text_number_error("1,234")),
    Case("num_negative", K_NUMBER, "-3", number_error("NEGATIVE", "负数")),
    Case("num_fraction_count", K_NUMBER, "件数 2.5", number_error("NOT_WHOLE", "整数")),
    Case("num_bool", K_NUMBER, "布尔值 TRUE", number_error("NOT_A_NUMBER", "TRUE")),
    Case(
        "ansi_in_number_cell",
        K_TEXT,
        "数字单元格中的 ANSI 转义（_x001B_[2K、回车、伪造的“✓ 通过”）：显示为 \\x1b，不被终端执行",
        number_error("NOT_A_NUMBER", "\\x1b[2K\\r"),
    ),
    Case("ansi_in_file_name", K_TEXT, "文件名中的 ANSI 转义与回车", clean()),
    Case("num_superscript", K_NUMBER, "文字 “3²”（脚注上标，不读作 32）", number_error("NOT_A_NUMBER", "3²")),
    Case("num_circled", K_NUMBER, "文字 “⑫”（不读作 12）", number_error("NOT_A_NUMBER", "⑫")),
    Case("num_math_bold", K_NUMBER, "文字 “𝟏𝟐”（数学粗体，不读作 12）", number_error("NOT_A_NUMBER", "𝟏𝟐")),
    Case("num_tiny_negative", K_NUMBER, "数值 -1e-300（按填写显示，不显示为 0）", number_error("NEGATIVE", "-1e-300")),
    Case("num_tiny_fraction", K_NUMBER, "件数 1e-300（按填写显示）", number_error("NOT_WHOLE", "1e-300")),
    Case("num_inf_xml", K_NUMBER, "XML 中 <v>1e999</v>", number_error("NOT_A_NUMBER", "Infinity")),
    Case(
        "num_with_unit_t3",
        K_NUMBER,
        "表三“12件”：该格是错误，按 12 核对其他规则，不掩盖它带来的勾稽错误",
        (
            check(1, "NOT_A_NUMBER", "T3_BALANCE", key=corpus.T3_KEY, exact=False),
            compile_(1, "12件", "未生成报告"),
            export(0),
        ),
    ),
    Case("num_1e308_json", K_NUMBER, "JSON 1e308", number_error("NOT_A_NUMBER", "1e+308")),
    Case("num_nan_json", K_NUMBER, "JSON NaN", number_error("NOT_A_NUMBER", "NaN")),
    Case("num_inf_json", K_NUMBER, "JSON Infinity", number_error("NOT_A_NUMBER", "Infinity")),
    Case("num_minus_zero_json", K_NUMBER, "JSON -0.0（读作 0）", clean()),
    Case(
        "num_leading_zeros_json",
        K_NUMBER,
        "JSON 字符串 “00012”（JSON 中是文字）",
        number_error("NOT_A_NUMBER", "00012"),
    ),
    Case("num_with_unit_json", K_NUMBER, "JSON “12件”", number_error("NOT_A_NUMBER", "12件")),
    Case("num_huge_int_json", K_NUMBER, "JSON 10^30", number_error("NOT_A_NUMBER", "10000000000")),
    Case(
        "num_5000_digits_text",
        K_NUMBER,
        "5000 位数字（超过 Python 的 4300 位转换上限）",
        number_error("NOT_A_NUMBER", "99999999"),
    ),
    Case("num_5000_digits_json", K_NUMBER, "JSON 中 5000 位的整数", number_error("NOT_A_NUMBER", "99999999")),
    Case(
        "year_5000_digits_json",
        K_NUMBER,
        "JSON 中 5000 位的报告年度",
        (check(1, "INFO_MISSING", says=("不是有效的年度",)), compile_(1, "不是有效的年度"), export(0)),
    ),
    Case(
        "num_empty_formula",
        K_NUMBER,
        "数字单元格中只有“=”的空公式",
        (check(1, "FORMULA_IN_INPUT", says=("空公式",)), compile_(1, "空公式"), export(1, "空公式")),
    ),
    Case(
        "date_garbage",
        K_NUMBER,
        "成文日期“二〇二五年一月三十二日”",
        (check(0, "DATE_INVALID", key="info_date"), compile_(0, "不是有效日期"), export(0)),
    ),
    Case(
        "year_garbage",
        K_NUMBER,
        "报告年度“去年”",
        (check(1, "INFO_MISSING", key="info_year"), compile_(1, "不是有效的年度"), export(0)),
    ),
    # ---- published reports
    Case("published_zero_byte_txt", K_PUBLISHED, "0 字节的 .txt", published(1, "IMPORT_TABLE_MISSING", "INFO_MISSING")),
    Case("published_binary_txt", K_PUBLISHED, "二进制内容的 .txt", published(1, "IMPORT_TABLE_MISSING")),
    Case("published_random_docx", K_PUBLISHED, "随机字节的 .docx", published(2, says=("不是有效的 Word 文档",))),
    Case(
        "published_zip_bomb_docx",
        K_PUBLISHED,
        ".docx 解压为 250 MB",
        published(2, says=("压缩炸弹", "上限 200 MB")),
    ),
    Case(
        "published_xml_bomb_docx",
        K_PUBLISHED,
        "document.xml 中的 billion laughs（实体不展开）",
        published(1, "IMPORT_TABLE_MISSING"),
    ),
    Case(
        "published_xxe_docx",
        K_PUBLISHED,
        "document.xml 引用 file:///etc/passwd（不解析）",
        published(1, "IMPORT_TABLE_MISSING"),
    ),
    Case(
        "published_script_html",
        K_PUBLISHED,
        "网页含 <script>、<iframe>、远程图片（不执行、不下载）",
        published(1, "IMPORT_TABLE_MISSING"),
    ),
    Case("published_fifo_txt", K_PUBLISHED, "命名管道（FIFO）冒充 .txt", published(2, says=("命名管道",))),
    Case("published_dev_zero_docx", K_PUBLISHED, "指向 /dev/zero 的链接，名为 .docx", published(2, says=("设备文件",))),
    Case("published_html_entity_bomb", K_PUBLISHED, "网页前置 DTD 实体炸弹", published(1, "IMPORT_TABLE_MISSING")),
    Case("published_deep_html", K_PUBLISHED, "嵌套 10 万层 <div>", published(1, "IMPORT_TABLE_MISSING")),
    Case(
        "published_huge_sparse_txt",
        K_PUBLISHED,
        "101 MB 的 .txt（稀疏文件）",
        published(2, says=("文件过大", "上限 100 MB")),
    ),
    Case(
        "published_html_span_bomb",
        K_PUBLISHED,
        "首行 3000 个 rowspan=8000 的单元格（合并单元格展开有上限）",
        published(1, "IMPORT_TABLE_MISSING"),
    ),
    Case(
        "published_scanned_pdf",
        K_PUBLISHED,
        "扫描件 PDF（只有图片，没有文字层）",
        published(2, says=("没有可复制的文字", "OCR")),
    ),
    Case("published_encrypted_pdf", K_PUBLISHED, "设了打开密码的 PDF", published(2, says=("已加密",))),
    Case("published_truncated_pdf", K_PUBLISHED, "下载中断、只剩一半的 PDF", published(2, says=("不完整",))),
    Case("published_not_pdf", K_PUBLISHED, "随机字节命名为 .pdf", published(2, says=("不是 PDF",))),
    Case(
        "published_pdf_stream_bomb",
        K_PUBLISHED,
        "PDF 内容流解压为 250 MB",
        published(2, says=("压缩炸弹",)),
    ),
    Case(
        "published_pdf_drawing_bomb",
        K_PUBLISHED,
        "PDF 一页画 3 万条线（页面对象上限 2 万）",
        published(2, says=("对象超过 20000 个",)),
    ),
    Case(
        "published_pdf_text_bomb",
        K_PUBLISHED,
        "PDF 一页 42 万个字符（全文上限 30 万）",
        published(2, says=("超过 300000 个字符",)),
    ),
    Case(
        "published_long_line_txt",
        K_PUBLISHED,
        "一行 100 万个字母的 .txt（正则不回溯）",
        published(1, "IMPORT_TABLE_MISSING"),
    ),
    Case("published_pdf_many_pages", K_PUBLISHED, "2 万页的 PDF", published(2, says=("上限 200 页",))),
    # ---- rosters
    Case("roster_zip_bomb", K_ROSTER, "名单 .xlsx 解压为 250 MB", roster(2, "压缩炸弹")),
    Case("roster_xml_bomb", K_ROSTER, "名单工作表中的 billion laughs", roster(2, "无法作为 .xlsx 打开")),
    Case("roster_random_bytes", K_ROSTER, "随机字节的名单 .xlsx", roster(2, "无法作为 .xlsx 打开")),
    Case(
        "roster_hostile_names",
        K_ROSTER,
        "名单含 ../../etc/x、CON、AUX.txt、保留字符、=1+1、10 万字名称",
        roster(0, "已为 8 个单位生成填报模板"),
    ),
)
BY_NAME = {c.name: c for c in CASES}


def test_table_covers_the_corpus() -> None:
    assert len(BY_NAME) == len(CASES)
    assert set(BY_NAME) == set(corpus.BUILDERS)


# ============================================================================= harness
@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """No network connection and no subprocess while a hostile input is handled."""
    attempts: list[str] = []

    def refuse(kind: str):
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{kind}{args[:2]!r}")
            raise OSError(f"{kind} blocked by test_hostile")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("subprocess"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    yield attempts
    assert attempts == [], f"a hostile input made the program reach out: {attempts}"


def sha256(path: Path) -> str | None:
    """The input's fingerprint: its sha256 (a 100 MB+ sparse file: size, inode and mtime, which any write changes)."""
    if not path.is_file():
        return None
    st = path.stat()
    if st.st_size > 50 * 1024 * 1024:
        return f"{st.st_size}:{st.st_ino}:{st.st_mtime_ns}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@dataclass
class Outcome:
    exit_code: int
    output: str
    stdout: str
    doc: dict[str, Any] | None


def invoke(args: list[str]) -> Outcome:
    """Run the CLI in-process; no exception may escape and no traceback may be printed."""
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"exception escaped: {result.exception!r}\n{result.output[-2000:]}"
    )
    assert "Traceback" not in result.output, result.output[-2000:]
    doc = json.loads(result.stdout) if args[0] in ("check", "audit") and "--json" in args else None
    return Outcome(result.exit_code, result.output, result.stdout, doc)


def command_line(run: Run, path: Path, out: Path) -> list[str]:
    if run.command == "check":
        return ["check", "--json", "--annotate", str(out), str(path)]
    if run.command == "compile":
        out.mkdir(parents=True, exist_ok=True)
        return ["compile", str(path), "-o", str(out), "--format", "docx,html"]
    if run.command == "export":
        return ["export", str(path)]
    if run.command == "audit":
        return ["audit", "--json", str(path)]
    if run.command == "import":
        return ["import", str(path)]
    if run.command == "roster":
        return ["template", "--roster", str(path), "--year", "2024", "-o", str(out)]
    raise AssertionError(run.command)


def codes_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    (file,) = doc["files"]
    return file["findings"]


def assert_outputs(run: Run, outcome: Outcome, out: Path) -> None:
    """What a run left in its output folder: complete files when it succeeded, nothing otherwise."""
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    assert not [p for p in files if p.name.startswith(TEMP_PREFIX)]
    if run.command == "compile":
        if outcome.exit_code == 0:
            assert sorted(p.suffix for p in files) == [".docx", ".html"], files
            for p in files:
                assert p.parent == out and len(p.name.encode()) <= 255
            docx = next(p for p in files if p.suffix == ".docx")
            with zipfile.ZipFile(docx) as zf:
                assert zf.testzip() is None
                assert "word/vbaProject.bin" not in zf.namelist()
            html = next(p for p in files if p.suffix == ".html").read_text(encoding="utf-8")
            assert "<script" not in html.lower() and "<iframe" not in html.lower() and "<img" not in html.lower()
        else:
            assert files == []
    elif run.command == "check":
        status = outcome.doc["files"][0]["status"] if outcome.doc else None
        if status == "unreadable":
            assert files == []
        else:
            (copy,) = files
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from openpyxl import load_workbook

                wb = load_workbook(copy)
            assert wb.sheetnames[0] == "核查结果"
    elif (run.command == "export" and outcome.exit_code in (0, 1)) or (
        run.command == "import" and outcome.exit_code in (0, 1)
    ):
        json.loads(outcome.stdout)
    elif run.command == "roster" and outcome.exit_code == 0:
        for p in files:
            assert p.parent == out and len(p.name.encode()) <= 255


def run_case(case: Case, root: Path) -> dict[str, Outcome]:
    """Build the case under ``root/in``, run each command, assert the generic guarantees; outcomes by command."""
    path = corpus.build(case.name, root / "in")
    before = sha256(path)
    existed = path.exists()
    outcomes: dict[str, Outcome] = {}
    cwd = root / "cwd"  # an empty current directory: no command (and no macro) may write into it
    cwd.mkdir()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        for run in case.runs:
            _run_one(run, path, root, before, existed, outcomes, case.name)
    finally:
        os.chdir(previous)
    assert list(cwd.iterdir()) == []
    return outcomes


def _run_one(
    run: Run, path: Path, root: Path, before: str | None, existed: bool, outcomes: dict[str, Outcome], name: str
) -> None:
    """One command of a case, with every generic assertion."""
    out = root / f"out-{run.command}"
    others = tree(root)
    outcome = invoke(command_line(run, path, out))
    outcomes[run.command] = outcome
    where = f"{name} / {run.command}"
    assert outcome.exit_code == run.exit, f"{where}: exit {outcome.exit_code}\n{outcome.output[-3000:]}"
    for fragment in run.says:
        assert fragment in outcome.output, f"{where}: {fragment!r} not in\n{outcome.output[-3000:]}"
    if run.command in ("check", "audit"):
        findings = codes_of(outcome.doc)
        got = {f["code"] for f in findings}
        if run.exact:
            assert got == set(run.codes), f"{where}: {sorted(got)}"
        else:
            assert set(run.codes) <= got, f"{where}: {sorted(got)}"
        for f in findings:
            assert f["message"] and re.search(r"[\u4e00-\u9fff]", f["message"]), f
        if run.key:
            assert any(f["code"] == run.codes[0] and f["key"] == run.key for f in findings), findings
    # the input is untouched, and nothing appeared outside this run's output folder
    assert sha256(path) == before and path.exists() == existed, f"{where}: input changed"
    new = {p for p in tree(root) - others if out not in p.parents and p != out}
    assert new == set(), f"{where}: wrote outside its output folder: {new}"
    assert_outputs(run, outcome, out)


@pytest.fixture
def workdir(tmp_path: Path, sealed: list[str]) -> Path:
    """A fresh folder, with the network and subprocesses sealed off."""
    return tmp_path


Ran = Callable[[str], tuple[Path, dict[str, Outcome]]]


@pytest.fixture(scope="module")
def _ran_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Outcome]]]:
    return {}


@pytest.fixture
def ran(
    _ran_cache: dict[str, tuple[Path, dict[str, Outcome]]], tmp_path_factory: pytest.TempPathFactory, sealed: list[str]
) -> Ran:
    """Run a case once per module (its folder and outcomes); later tests read what it produced."""

    def get(name: str) -> tuple[Path, dict[str, Outcome]]:
        if name not in _ran_cache:
            root = tmp_path_factory.mktemp(name)
            _ran_cache[name] = (root, run_case(BY_NAME[name], root))
        return _ran_cache[name]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, ran: Ran) -> None:
    ran(case.name)


# ============================================================================= what stays what


def _docx_xml(folder: Path) -> str:
    (docx,) = folder.glob("*.docx")
    with zipfile.ZipFile(docx) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def _html(folder: Path) -> str:
    (html,) = folder.glob("*.html")
    return html.read_text(encoding="utf-8")


def _annotated(folder: Path) -> Any:
    from openpyxl import load_workbook

    (copy,) = folder.glob("*.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(copy), copy


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["formula_text_xlsx", "formula_text_json"])
def test_formula_like_text_stays_text_everywhere(name: str, ran: Ran) -> None:
    """``=…``, ``+…``, ``-…``, ``@…`` text: a string in the JSON, plain text in Word/HTML, a text cell in Excel."""
    import html as html_lib

    root, outcomes = ran(name)
    exported = json.loads(outcomes["export"].stdout)
    assert exported["agency"] == corpus.FORMULA_TEXTS["info_agency"]
    assert exported["contact"]["address"] == corpus.FORMULA_TEXTS["info_address"]
    assert exported["contact"]["phone"] == corpus.FORMULA_TEXTS["info_phone"]
    assert exported["narrative"]["s5"] == corpus.FORMULA_TEXTS["narr_s5"]
    assert exported["narrative"]["s6"] == corpus.FORMULA_TEXTS["narr_s6"]

    document = _docx_xml(root / "out-compile")
    assert "HYPERLINK" not in re.sub(r"<w:t[^>]*>[^<]*</w:t>", "", document)  # only ever inside text runs
    page = _html(root / "out-compile")
    for value in corpus.FORMULA_TEXTS.values():
        assert _xml_text(value).split("\n")[0] in document
        assert html_lib.escape(value, quote=True) in page

    wb, copy = _annotated(root / "out-check")
    for key, value in corpus.FORMULA_TEXTS.items():
        ref = cell_ref(SCHEMA, key)
        cell = wb[ref.sheet][ref.a1]
        assert cell.data_type == "s" and cell.value == value, (key, cell.data_type, cell.value)
    with zipfile.ZipFile(copy) as zf:
        for member in zf.namelist():
            if member.startswith("xl/worksheets/"):
                formulas = re.findall(r"<f>([^<]*)</f>", zf.read(member).decode("utf-8"))
                assert not [f for f in formulas if "HYPERLINK" in f or "SUM(1+1)" in f or "cmd" in f]


def test_formula_text_in_template_writer(tmp_path: Path) -> None:
    """``write_template(path, report)`` writes a report's formula-like text as text cells."""
    from openpyxl import load_workbook

    from compiler.template.writer import write_template

    report = corpus.report_copy()
    for key, value in corpus.FORMULA_TEXTS.items():
        if key.startswith("info_"):
            report.set_info(key, value)
        else:
            report.narrative[key] = value
    report.set_value(NUMBER_KEY, "=1+1")
    path = write_template(tmp_path / "t.xlsx", report)
    wb = load_workbook(path)
    for key, value in [*corpus.FORMULA_TEXTS.items(), (NUMBER_KEY, "=1+1")]:
        ref = cell_ref(SCHEMA, key)
        cell = wb[ref.sheet][ref.a1]
        assert cell.data_type == "s" and cell.value == value


@pytest.mark.slow
@pytest.mark.parametrize("name", ["formula_text_in_number_cell", "at_text_in_number_cell"])
def test_formula_text_in_number_cell_is_marked_and_kept(name: str, ran: Ran, workdir: Path) -> None:
    root, outcomes = ran(name)
    shown = "=1+1" if name.startswith("formula") else "@SUM(A1)"
    exported = json.loads(outcomes["export"].stdout)
    assert exported["tables"]["t2"][2][0] == shown
    wb, _ = _annotated(root / "out-check")
    cell = wb[NUMBER_REF.sheet][NUMBER_REF.a1]
    assert cell.data_type == "s" and cell.value == shown
    assert cell.comment is not None and "NOT_A_NUMBER" in cell.comment.text
    # --force compiles it: the text is printed as text
    out = workdir / "forced"
    out.mkdir()
    forced = invoke(["compile", str(next((root / "in").iterdir())), "-o", str(out), "--format", "docx,html", "--force"])
    assert forced.exit_code == 0
    assert _xml_text(shown) in _docx_xml(out)
    assert shown in _html(out)


@pytest.mark.parametrize("name", ["script_in_narrative", "script_in_narrative_json"])
def test_script_is_escaped_in_html(name: str, ran: Ran) -> None:
    root, _ = ran(name)
    page = _html(root / "out-compile")
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b " not in lowered
    assert "&lt;script&gt;" in page
    assert "onerror=alert(1)" in page  # as visible text, inside an escaped tag
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and "<" not in title.group(1)
    assert "&lt;script&gt;" in _docx_xml(root / "out-compile")  # Word shows it as text


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["agency_dotdot", "agency_dotdot_xlsx", "agency_reserved_chars", "agency_con", "agency_dots_only"],
)
def test_agency_names_give_safe_file_names(name: str, ran: Ran) -> None:
    """Default output (beside the input) and ``-o DIR``: one plain file name inside that folder."""
    root, _ = ran(name)
    inp = next((root / "in").iterdir())
    before = tree(root)
    result = invoke(["compile", str(inp), "--format", "docx,html"])
    assert result.exit_code == 0
    new = tree(root) - before
    assert {p.parent for p in new} == {inp.parent}, new
    for p in new | set((root / "out-compile").iterdir()):
        stem = p.name.rsplit(".", 1)[0]
        assert not set(stem) & set('/\\:*?"<>|'), p.name
        assert not stem.startswith("."), p.name
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
        assert stem.endswith("年政府信息公开工作年度报告")


def test_input_file_names(ran: Ran) -> None:
    root, _ = ran("input_named_con")
    (copy,) = (root / "out-check").iterdir()
    assert copy.name == "_CON.核查.xlsx"  # a Windows device name gets a prefix
    root, _ = ran("input_named_shell")
    (copy,) = (root / "out-check").iterdir()
    assert copy.name == "$(touch pwned);`touch pwned2`_x&.核查.xlsx"
    assert not list(root.rglob("pwned*")) and not list(Path.cwd().glob("pwned*"))


@pytest.mark.slow
def test_huge_narrative_is_kept_whole(ran: Ran) -> None:
    root, outcomes = ran("narrative_10mb")
    exported = json.loads(outcomes["export"].stdout)
    assert exported["narrative"]["s5"] == corpus.BIG_NARRATIVE
    document = _docx_xml(root / "out-compile")
    sentence = "本机关依法依规做好政府信息公开工作。"
    assert document.count(sentence) == corpus.BIG_NARRATIVE.count(sentence)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["agency_100k", "agency_100k_json"])
def test_huge_agency_name(name: str, ran: Ran) -> None:
    root, outcomes = ran(name)
    assert json.loads(outcomes["export"].stdout)["agency"] == corpus.HUGE_AGENCY
    (docx,) = (root / "out-compile").glob("*.docx")
    assert len(docx.name.encode()) <= 255
    with zipfile.ZipFile(docx) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
        assert corpus.HUGE_AGENCY in zf.read("word/document.xml").decode("utf-8")
    title = re.search(r"<dc:title>(.*?)</dc:title>", core, re.S)
    assert title and len(title.group(1)) <= 255
    assert len(outcomes["compile"].output) < 5000  # messages clip the name


@pytest.mark.parametrize("name", ["control_chars_json", "control_chars_xlsx"])
def test_control_and_bidi_characters(name: str, ran: Ran) -> None:
    """Kept as data (the sheet's ``_x0007_`` escapes decoded), left out of Word and of file names."""
    root, outcomes = ran(name)
    exported = json.loads(outcomes["export"].stdout)
    assert exported["agency"] == corpus.CONTROL_AGENCY
    assert exported["narrative"]["s5"] == corpus.CONTROL_NARRATIVE
    (docx,) = (root / "out-compile").glob("*.docx")
    assert not re.search(r"[\x00-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069]", docx.name)
    document = _docx_xml(root / "out-compile")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", document)
    assert "某" in document and "测试" in document


@pytest.mark.parametrize("name", ["ansi_in_number_cell", "ansi_in_file_name"])
def test_control_characters_are_shown_never_obeyed(name: str, ran: Ran) -> None:
    """No message, table or JSON line carries a raw control character a terminal would obey."""
    _root, outcomes = ran(name)
    for command, outcome in outcomes.items():
        if command == "export":  # the report JSON keeps the data as typed (escaped by JSON itself)
            continue
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", outcome.output), (command, outcome.output[-500:])
        if name == "ansi_in_number_cell":  # the finding shows the escape, whatever the output
            assert "\\x1b[2K\\r" in outcome.output.replace("\\\\", "\\"), (command, outcome.output[-500:])


def test_lone_surrogate_becomes_replacement_character(ran: Ran) -> None:
    root, outcomes = ran("json_lone_surrogate")
    exported = json.loads(outcomes["export"].stdout)
    assert exported["agency"] == "某局\ufffd"
    assert exported["narrative"]["s5"] == "第五部分\ufffd。"
    assert "某局\ufffd" in _docx_xml(root / "out-compile")


@pytest.mark.parametrize("name", ["xlsm_macros", "vba_in_xlsx"])
def test_macros_are_never_run_nor_copied(name: str, ran: Ran) -> None:
    """The values are read, the VBA project is neither run nor carried into the annotated copy."""
    root, outcomes = ran(name)
    exported = json.loads(outcomes["export"].stdout)
    assert exported["tables"] == json.loads(corpus.base_report().dumps())["tables"]
    (copy,) = (root / "out-check").iterdir()
    assert copy.suffix == ".xlsx"
    with zipfile.ZipFile(copy) as zf:
        assert not [n for n in zf.namelist() if "vba" in n.lower()]
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
    assert not list(root.rglob("pwned")) and not list(Path.cwd().glob("pwned"))


def test_external_link_value_is_not_used(ran: Ran) -> None:
    _, outcomes = ran("external_link_formula")
    value = json.loads(outcomes["export"].stdout)["tables"]["t2"][2][0]
    assert value != 999 and "[1]" in str(value)


def test_inserted_rows_are_followed(ran: Ran) -> None:
    _, outcomes = ran("rows_inserted")
    exported = json.loads(outcomes["export"].stdout)
    assert exported["tables"] == json.loads(corpus.base_report().dumps())["tables"]


def test_xxe_is_not_resolved(ran: Ran) -> None:
    passwd = Path("/etc/passwd")
    secret = passwd.read_text(errors="ignore").split(":", 1)[0] + ":x:" if passwd.exists() else "root:x:"
    _, outcomes = ran("published_xxe_docx")
    for outcome in outcomes.values():
        assert secret not in outcome.output


def test_entity_bomb_is_not_expanded(ran: Ran) -> None:
    for name in ("published_xml_bomb_docx", "published_html_entity_bomb"):
        _, outcomes = ran(name)
        assert "lollollol" not in outcomes["import"].output
        assert len(outcomes["import"].output) < 200_000


#: What each number case reads as (JSON value of the table-2 cell).
READ_AS: dict[str, Any] = {
    "num_1e308": "1e+308",
    "num_1e308_text": "1e308",
    "num_nan_text": "NaN",
    "num_minus_zero": 0,
    "num_minus_zero_text": 0,
    "num_leading_zeros_text": 12,
    "num_with_unit": "12件",
    "num_fullwidth": 12,
    "num_thousands": 1234,
    "num_negative": -3,
    "num_fraction_count": 2.5,
    "num_bool": "TRUE",
    "num_inf_xml": "Infinity",
    "num_1e308_json": "1e+308",
    "num_nan_json": "NaN",
    "num_inf_json": "Infinity",
    "num_minus_zero_json": 0,
    "num_leading_zeros_json": "00012",
    "num_with_unit_json": "12件",
    "num_huge_int_json": str(10**30),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(READ_AS))
def test_number_cells_read_as(name: str, workdir: Path) -> None:
    path = corpus.build(name, workdir / "in")
    result = invoke(["export", str(path)])
    value = json.loads(result.stdout)["tables"]["t2"][2][0]
    assert value == READ_AS[name] and type(value) is type(READ_AS[name])


def test_rosters_write_inside_the_folder(ran: Ran) -> None:
    root, _ = ran("roster_hostile_names")
    out = root / "out-roster"
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(corpus.ROSTER_NAMES) + 1  # + 目录.csv
    assert "_CON2024年政府信息公开工作年度报告填报表.xlsx" in names
    assert "_AUX.txt2024年政府信息公开工作年度报告填报表.xlsx" in names
    index = (out / "目录.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in index and "'@SUM(A1)" in index


# ============================================================================= real processes
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "args", "exit_code", "says"),
    [
        ("zip_bomb_total", ["check"], 2, "压缩炸弹"),
        ("password_protected", ["compile"], 2, "打开密码"),
        ("agency_100k", ["compile", "--format", "docx,html"], 0, "已生成"),
        ("published_zip_bomb_docx", ["audit"], 2, "压缩炸弹"),
    ],
)
def test_console_script(name: str, args: list[str], exit_code: int, says: str, tmp_path: Path) -> None:
    """The real entry point in a fresh process: same outcome, no traceback on stderr."""
    path = corpus.build(name, tmp_path / "in")
    before = sha256(path)
    proc = subprocess.run(
        [sys.executable, "-m", "compiler.cli", args[0], str(path), *args[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
        timeout=120,
    )
    assert proc.returncode == exit_code, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert says in proc.stderr + proc.stdout
    assert sha256(path) == before


def test_unexpected_error_shows_no_local_variables(tmp_path: Path) -> None:
    """Typer's pretty traceback must not print locals (they may hold report contents)."""
    assert app.pretty_exceptions_show_locals is False
    script = (
        "import os, compiler.cli.compile as m\n"
        "def boom(*a, **k):\n"
        "    report_text = os.environ['NIANBAO_SECRET']\n"
        "    raise RuntimeError('boom')\n"
        "m.run = boom\n"
        "from compiler.cli import app\n"
        "app(['compile', 'x.json'])\n"
    )
    secret = "机密内容-7f3a"
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NIANBAO_SECRET": secret, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
        timeout=60,
    )
    assert proc.returncode != 0
    assert "boom" in proc.stderr
    assert secret not in proc.stderr + proc.stdout


# ============================================================================= never run anything
SOURCE = ROOT / "compiler"
#: Documented safe uses: (file, what) → why it is safe.
ALLOWED = {
    ("util/office.py", "subprocess"): "LibreOffice conversion: an argument list, never a shell",
    ("render/pdf.py", "subprocess"): "only catches subprocess's exception types from util/office.py",
    ("util/fonts.py", "subprocess"): "fc-list (fontconfig) with a fixed argument list, to name the font stand-ins",
    ("read/adapter.py", "huge_tree"): "shared strings: DTDs are refused before parsing, entities never resolved",
    ("serve/base.py", "jinja"): "the web pages: our own templates with autoescaping; agency text is only ever a value",
    ("serve/http.py", "urllib"): "urllib.parse.quote for a download's file name; nothing is fetched",
    **{
        (f"serve/{name}.py", "requests"): "starlette.requests: the incoming request type; no HTTP client"
        for name in ("app", "base", "http", "agency", "officer")
    },
}
#: What must never be used on input: name → pattern (matched on code, not comments or strings).
FORBIDDEN = {
    "eval": r"\beval\s*\(",
    "exec": r"\bexec\s*\(",
    "compile-builtin": r"(?<!\.\s)\bcompile\s*\(",  # tokens are joined by spaces: re.compile → "re . compile ("
    "jinja": r"\bjinja2?\b",
    "mako": r"\bmako\b",
    "pickle": r"\bpickle\b",
    "marshal": r"\bmarshal\b",
    "shelve": r"\bshelve\b",
    "yaml": r"\byaml\b",
    "__import__": r"\b__import__\b",
    "os.system": r"\bos\s*\.\s*system\b",
    "os.popen": r"\bos\s*\.\s*popen\b",
    "shell=True": r"shell\s*=\s*True",
    "urllib": r"\burllib\b",
    "requests": r"\brequests\b",
    "http.client": r"\bhttp\s*\.\s*client\b",
    "socket": r"\bsocket\b",
    "webbrowser": r"\bwebbrowser\b",
    "resolve_entities=True": r"resolve_entities\s*=\s*True",
    "huge_tree": r"\bhuge_tree\s*=\s*True",
    "keep_vba=True": r"\bkeep_vba\s*=\s*True",
    "keep_links=True": r"\bkeep_links\s*=\s*True",
}


def _sources() -> Iterator[tuple[str, str]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield path.relative_to(SOURCE).as_posix(), path.read_text(encoding="utf-8")


def _code_only(text: str) -> str:
    """Source without comments and string literals (docstrings mention eval/exec to say they are not used)."""
    import io
    import tokenize

    out: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.STRING):
            out.append(tok.string)
    return " ".join(out)


@pytest.mark.slow
@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_code_execution_or_fetching_in_the_package(what: str) -> None:
    hits = [name for name, text in _sources() if re.search(FORBIDDEN[what], _code_only(text))]
    hits = [name for name in hits if (name, what) not in ALLOWED]
    assert hits == [], f"{what} used in {hits}"


def test_subprocess_only_where_documented() -> None:
    users = {name for name, text in _sources() if re.search(r"\bsubprocess\b", _code_only(text))}
    allowed = {name for name, what in ALLOWED if what == "subprocess"}
    assert users - allowed <= {n for n in users if n.startswith("batch/")}, users  # batch: its own engineer's
    for name in users:
        code = _code_only((SOURCE / name).read_text(encoding="utf-8"))
        assert not re.search(r"shell\s*=\s*True", code)
        for call in re.findall(r"subprocess\s*\.\s*(\w+)", code):
            safe = {
                "run",
                "Popen",
                "TimeoutExpired",
                "CalledProcessError",
                "CompletedProcess",
                "DEVNULL",
                "PIPE",
                "STDOUT",
            }
            assert call in safe, call


def test_html_has_no_template_engine_and_escapes() -> None:
    """Agency text reaches HTML through ``html.escape`` only (no template engine, no ``str.format`` on agency text)."""
    text = (SOURCE / "render" / "html.py").read_text(encoding="utf-8")
    assert "html.escape" in text
    assert not re.search(r"\bTemplate\s*\(", _code_only(text))


# ============================================================================= the README section
def doc_table() -> str:
    """``docs/hostile-input.md``: per class of bad input, how many cases and the outcome of each."""
    from compiler.read import container as limits

    MB = 1024 * 1024
    lines = [
        "<!-- 由 tests/test_hostile.py 生成：.venv/bin/python tests/test_hostile.py --write-doc -->",
        "## 恶意与损坏输入 / Hostile input",
        "",
        "所有输入都来自办公室之外（邮件、U 盘），nianbao 对下列每一类坏文件都给出清楚的中文提示或核查结果和正确的退出码，",
        "从不显示 Python 错误堆栈、不修改输入文件、不留下半截的输出文件、不执行宏、不打开外部链接、不联网。",
        "这些文件由 `tests/hostile/make_corpus.py` 在测试时生成，预期结果就是 `tests/test_hostile.py` 中的 `CASES` 表，",
        "测试逐条核对（退出码、核查代码、提示文字、输入文件 sha256 不变、无临时文件残留）。",
        "",
        "退出码：0 通过（可有警告/提示）；1 有错误（compile 不生成）；2 文件无法读取或用法错误。",
        "",
        "| 类别 Class | 用例数 Cases |",
        "|---|---|",
    ]
    kinds: dict[str, list[Case]] = {}
    for case in CASES:
        kinds.setdefault(case.kind, []).append(case)
    for kind, cases in kinds.items():
        lines.append(f"| {kind} | {len(cases)} |")
    lines.append(f"| **合计 Total** | **{len(CASES)}** |")
    lines += [
        "",
        "| 类别 Class | 用例 Case | 输入 Input | 退出码 Exit | 核查代码 Codes | 提示（摘录）Message |",
        "|---|---|---|---|---|---|",
    ]
    for case in CASES:
        exits = " / ".join(f"{run.command} {run.exit}" for run in case.runs)
        codes = "、".join(dict.fromkeys(f"`{c}`" for run in case.runs for c in run.codes)) or "—"
        says = "".join(dict.fromkeys(f"“{t}”" for run in case.runs for t in run.says)) or "—"
        cells = [case.kind, f"`{case.name}`", case.what, exits, codes, says]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    lines += [
        "",
        "另有：随机单元格内容的性质测试（`tests/test_fuzz.py`：读取、核查、Word/HTML/模板写出从不抛异常，",
        "每个不可用的数字都成为指向该单元格的核查结果）；写入故障测试（`tests/test_write_faults.py`：输出文件夹只读、",
        "路径中有文件、磁盘写满，`compile`、`check --annotate`、`export -o`、`template -o` 均给出中文提示、退出码 2、",
        "不留下任何部分文件）；源码检查（不使用 eval/exec、模板引擎、pickle、shell=True，不联网）；",
        "Typer 异常显示不含局部变量（`pretty_exceptions_show_locals=False`）。",
        "",
        f"限额（`compiler/read/container.py`）：文件不超过 {limits.MAX_FILE_BYTES // MB} MB；"
        f"解压后合计不超过 {limits.MAX_TOTAL_UNCOMPRESSED // MB} MB；"
        f"单个部件超过 {limits.RATIO_CHECK_MIN_SIZE // MB} MB 时压缩比不超过 {limits.MAX_COMPRESSION_RATIO}:1；",
        f"部件不超过 {limits.MAX_MEMBERS:,} 个；任何 XML 部件声明 DTD/实体即拒绝。"
        f"已发布年报（.docx/.html/.txt）同样不超过 {limits.MAX_FILE_BYTES // MB} MB；"
        "已发布年报 .docx 和分发名单 .xlsx 适用同样的解压限额。"
        "报告 JSON 同样不超过 100 MB，且只读取普通文件：命名管道、设备及指向它们的链接在读取前即按文件类型拒绝"
        "（`compiler.read.read_input`，不打开、不等待）。",
        "",
        "对抗性检查发现的故障类别（`tests/test_faults.py`，issue 14）：",
        "",
        "- 不丢失用户的文件：`batch` 的记录（`.nianbao-manifest.jsonl`）写明输入目录和每个输出文件写出时的 sha256；"
        "换一个输入目录向同一输出目录运行即拒绝（退出码 2，什么都不动）；生成后被修改过（盖章、签字）的报告、"
        "汇总表、汇总报告从不删除、移动或覆盖（`OUTPUT_EDITED`）；`check --annotate` 不覆盖同一次运行的任何输入"
        "（含硬链接）；过长的单位名称在中间缩短，保留年度并以哈希区分；写工作簿时超过单元格上限 32,767 字的文字"
        "从不静默截断（`import -o x.xlsx`、`template --from` 拒绝并提示改用 JSON；标注副本注明已截断）。",
        "- 不把错的数字当作对的：`batch` 记录的是实际读取内容的哈希（读取期间被替换则本次失败、下次重做）；"
        "内存不足或磁盘读取出错的结果从不缓存；JSON 中超过 1000 位的整数按文字处理（`NOT_A_NUMBER`）。",
        "- 不挂起、不耗尽：命名管道、`/dev/zero` 链接、循环链接立即给出中文提示；"
        "LibreOffice 在独立进程组中运行，超时或中断时整组结束并删除其临时文件；`--timeout` 只接受 0 到 604800 秒。",
        "- 不崩溃、不误导：GBK/ASCII 控制台输出降级为“?”而不崩溃；管道被关闭（`| head`）时安静退出，退出码 141；"
        "路径过长、JSON 中 format 类型错误、版式文件字体名含控制字符均为中文用法错误；"
        "所有提示与表格中的控制字符（ANSI 转义、回车、双向文字标记）显示为 `\\x1b` 等转义，不被终端执行；"
        "`check --annotate` 在合并单元格的左上角标注，并在“核查结果”表注明未能标注之处；"
        "`compile -o 新文件夹/` 写入该文件夹；`目录.csv` 中的文件名单元格同样防公式注入，"
        "`COM¹`、`LPT³`、`CONIN$`、`CONOUT$`、`CLOCK$` 等设备名加前缀。",
        "",
        "*English.* Every input comes from outside the office. Each file above gives a clear Chinese message or",
        "finding and the documented exit code (0 no error, 1 errors, 2 unreadable input or unwritable output); never a",
        "traceback; the input is never modified (sha256 checked); no partial or temporary file is left; macros are",
        "never run, external links never opened, nothing is fetched from the network. Limits: "
        f"file ≤ {limits.MAX_FILE_BYTES // MB} MB, inflated ≤ {limits.MAX_TOTAL_UNCOMPRESSED // MB} MB, "
        f"≤ {limits.MAX_MEMBERS:,} zip members, compression ratio ≤ {limits.MAX_COMPRESSION_RATIO}:1 for members "
        f"over {limits.RATIO_CHECK_MIN_SIZE // MB} MB, no DTD in any XML part; only regular files are read "
        "(a FIFO or device is refused by type, never opened). Batch never deletes, moves or overwrites a file it did "
        "not write or that changed since (output hashes in the manifest); a run from another input folder is "
        "refused; control characters are shown escaped in every message; a closed pipe exits 141.",
        "",
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    """A Markdown table cell: pipes and angle brackets escaped (``<script>`` is shown, not parsed)."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def test_doc_lists_every_case() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == doc_table(), "docs/hostile-input.md is stale: run .venv/bin/python tests/test_hostile.py --write-doc"
    for case in CASES:
        assert f"`{case.name}`" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/hostile-input.md" in readme  # the README points to it (user guide first, details in docs/)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-doc"]:
        DOC.write_text(doc_table(), encoding="utf-8")
        print(f"wrote {DOC}")
    else:
        print("usage: python tests/test_hostile.py --write-doc")
