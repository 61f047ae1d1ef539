"""The ``nianbao`` command line (Typer): option parsing only.

Each command's module here (``template``, ``export``, ``check``, ``compile``,
``batch``, ``published`` for import/audit) calls its use case in
``compiler.commands`` and prints the result; this is the only package that
prints for the user. Heavy libraries (openpyxl, python-docx, xlsxwriter) are
imported inside the commands so that ``nianbao --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..exitcodes import EXIT_INTERRUPTED, EXIT_UNUSABLE

app = typer.Typer(
    name="nianbao",
    help="政府信息公开工作年度报告工具：分发填报模板、核查数据、生成 Word/HTML 报告、批量汇总。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

#: The input kinds every command reads (``compiler.inputs.INPUT_KINDS``; kept literal so --help stays light).
INPUTS = "填报表 .xlsx、报告 JSON 或已发布年报 .txt/.md/.html/.docx"

EXIT_CODES = "退出码：0 无错误（允许警告）；1 有文件存在错误；2 用法错误或文件无法读取。"


@app.command(name="template")
def template_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出文件（或使用 --roster 时的输出目录）")
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="预填并锁定的单位名称")] = None,
    year: Annotated[int | None, typer.Option("--year", help="预填并锁定的报告年度")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", help="单位名单（.xlsx 或 .csv，含“单位名称”列）")] = None,
    from_: Annotated[Path | None, typer.Option("--from", help=f"上年报告（{INPUTS}），预填单位信息和上年结转")] = None,
) -> None:
    """生成标准填报模板（xlsx）；--roster 为名单中每个单位各生成一份。"""
    from .template import run

    raise typer.Exit(run(output=output, agency=agency, year=year, roster=roster, from_=from_))


@app.command(name="export")
def export_command(
    file: Annotated[Path, typer.Argument(help=INPUTS)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写入 JSON 文件；缺省输出到屏幕")] = None,
) -> None:
    """把填报表读成报告 JSON（交换格式）。"""
    from .export import run_export

    raise typer.Exit(run_export(file, output))


#: ``--reporter`` of check and audit: who reports decides the deadline (条例第四十九条).
ReporterOption = Annotated[
    str | None,
    typer.Option(
        "--reporter",
        help="报告主体：government（本级人民政府，3月31日前公开）或 department（政府部门，1月31日前）；"
        "默认按单位名称判断",
    ),
]


@app.command(name="check", epilog=EXIT_CODES)
def check_command(
    files: Annotated[list[Path], typer.Argument(help=f"{INPUTS}，可多个")],
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部结果")] = False,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="在此目录写入标注了问题单元格的副本")] = None,
    previous: Annotated[Path | None, typer.Option("--previous", help=f"上年报告（{INPUTS}），用于跨年核对")] = None,
    reporter: ReporterOption = None,
) -> None:
    """核查每个数字：勾稽关系、合计、数值类型、日期与文字内容。"""
    from .check import run

    raise typer.Exit(run(files, json_out=json_out, annotate=annotate, previous=previous, reporter=reporter))


@app.command(name="compile", epilog="退出码：0 已生成；1 存在错误未生成（可用 --force）；2 用法错误或文件无法读取。")
def compile_command(
    file: Annotated[Path, typer.Argument(help=INPUTS)],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出 .docx 路径")] = None,
    formats: Annotated[str, typer.Option("--format", help="输出格式，逗号分隔：docx,html,pdf")] = "docx",
    force: Annotated[bool, typer.Option("--force", help="存在错误时仍然生成")] = False,
    style: Annotated[Path | None, typer.Option("--style", help="版式文件（TOML 或 JSON）")] = None,
) -> None:
    """生成国家格式的年度报告（Word，另可 HTML、PDF）。"""
    from .compile import run

    raise typer.Exit(run(file, output=output, formats=formats, force=force, style=style))


@app.command(name="batch", epilog="退出码：0 全部通过；1 有文件存在错误或处理失败；2 输入目录不可用。")
def batch_command(
    in_dir: Annotated[Path, typer.Argument(help="收回的填报表所在目录（递归查找 .xlsx）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出目录")],
    jobs: Annotated[int | None, typer.Option("--jobs", help="并行进程数，缺省为全部 CPU 核")] = None,
    formats: Annotated[str, typer.Option("--format", help="输出格式，逗号分隔：docx,html,pdf")] = "docx",
    force: Annotated[bool, typer.Option("--force", help="有错误也生成，并重做未改变的文件")] = False,
    previous: Annotated[Path | None, typer.Option("--previous", help="上年报告所在目录")] = None,
    rollup_name: Annotated[str | None, typer.Option("--rollup-name", help="汇总报告的名称（地区或系统）")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 输出汇总")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="不显示进度")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="单个文件的处理时限（秒）")] = 60.0,
) -> None:
    """批量核查并生成整个目录的报告，输出汇总表和全辖区合计。"""
    from .batch import run

    raise typer.Exit(
        run(
            in_dir,
            output,
            jobs=jobs,
            formats=formats,
            force=force,
            previous=previous,
            rollup_name=rollup_name,
            json_out=json_out,
            quiet=quiet,
            timeout=timeout,
        )
    )


@app.command(name="import")
def import_command(
    file: Annotated[Path, typer.Argument(help=INPUTS)],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出 .json 或 .xlsx；缺省输出 JSON 到屏幕")
    ] = None,
) -> None:
    """读取已发布的年度报告，得到报告 JSON 或填好的模板。"""
    from .published import run_import

    raise typer.Exit(run_import(file, output))


@app.command(name="audit", epilog=EXIT_CODES)
def audit_command(
    files: Annotated[list[Path], typer.Argument(help=f"{INPUTS}，可多个")],
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部结果")] = False,
    annotate: Annotated[
        Path | None, typer.Option("--annotate", help="把标注了问题的填好模板副本写入此目录（不改动原文件）")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help=f"上年报告（{INPUTS}），用于核对上年结转等跨年数据"),
    ] = None,
    reporter: ReporterOption = None,
) -> None:
    """核查已发布的年度报告中的数字。"""
    from .published import run_audit

    raise typer.Exit(run_audit(files, json_out=json_out, annotate=annotate, previous=previous, reporter=reporter))


_BAD_VALUE_REASONS = (
    ("integer", "应为整数"),
    ("float", "应为数字"),
    ("number", "应为数字"),
    ("does not exist", "文件或文件夹不存在"),
)


def usage_error_message(exc: Exception) -> str:
    """A command-line usage error in Chinese (Click's own messages are English).

    Classes are recognised by name so this works with Typer's bundled Click
    and with a separately installed one.
    """
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    hint = getattr(exc, "param_hint", None) or ""
    param = getattr(exc, "param", None)
    if not hint and param is not None:
        hint = "/".join(getattr(param, "opts", None) or [getattr(param, "name", "") or ""])
    if isinstance(hint, list | tuple):
        hint = "/".join(hint)
    if "MissingParameter" in kinds:
        what = (
            "参数"
            if (getattr(exc, "param_type", None) or getattr(param, "param_type_name", "")) == "argument"
            else "选项"
        )
        text = f"缺少{what} {hint}。"
    elif "NoSuchOption" in kinds:
        text = f"没有这个选项：{getattr(exc, 'option_name', '')}。"
        possible = getattr(exc, "possibilities", None)
        if possible:
            text += f"是否想用：{'、'.join(sorted(possible))}？"
    elif "BadParameter" in kinds:
        detail = getattr(exc, "message", "") or ""
        for english, chinese in _BAD_VALUE_REASONS:
            if english in detail.lower():
                detail = chinese
                break
        text = f"{hint} 的值无效：{detail}。"
    else:
        text = f"用法错误：{getattr(exc, 'message', '') or exc}"
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "nianbao"
    return f"{text}\n运行“{path} --help”查看用法。"


def main() -> None:
    """Entry point: usage errors are reported in Chinese with exit code 2; Ctrl-C exits 130."""
    import sys

    try:
        code = app(standalone_mode=False)
    except Exception as exc:
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        if "UsageError" in kinds:
            print(usage_error_message(exc), file=sys.stderr)
            sys.exit(EXIT_UNUSABLE)
        if "Abort" in kinds:
            print("已中断。", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        raise
    sys.exit(code if isinstance(code, int) else 0)
