"""The ``nianbao`` command line (Typer): option parsing only.

Each command's module here (``template``, ``export``, ``check``, ``compile``,
``batch``, ``published`` for import/audit) calls its use case in
``compiler.commands`` and prints the result; this is the only package that
prints for the user. Heavy libraries (openpyxl, python-docx, xlsxwriter) are
imported inside the commands so that ``nianbao --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..exitcodes import EXIT_INTERRUPTED, EXIT_UNUSABLE
from .chinese import ChineseCommand, ChineseGroup, usage_error_message, version_text

app = typer.Typer(
    name="nianbao",
    cls=ChineseGroup,
    help="政府信息公开工作年度报告工具：分发填报模板、核查数据、生成 Word/HTML 报告、批量汇总。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        print(version_text())
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="显示版本并退出。", is_eager=True, callback=_show_version)
    ] = False,
) -> None:
    """政府信息公开工作年度报告工具：分发填报模板、核查数据、生成 Word/HTML 报告、批量汇总。"""


#: The input kinds every command reads (``compiler.inputs.INPUT_KINDS``; kept literal so --help stays light).
INPUTS = "填报表 .xlsx、报告 JSON 或已发布年报 .pdf/.txt/.md/.html/.docx"

EXIT_CODES = "退出码：0 无错误（允许警告）；1 有文件存在错误；2 用法错误或文件无法读取。"


@app.command(cls=ChineseCommand, name="template")
def template_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出文件（或使用 --roster 时的输出目录）")
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="预填并锁定的单位名称")] = None,
    year: Annotated[int | None, typer.Option("--year", help="预填并锁定的报告年度")] = None,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="单位名单（.xlsx 或 .csv，含“单位名称”列；须同时给出 --year）")
    ] = None,
    from_: Annotated[Path | None, typer.Option("--from", help=f"上年报告（{INPUTS}），预填单位信息和上年结转")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="覆盖已存在的文件（缺省从不覆盖）")] = False,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="报送截止日期（YYYY-MM-DD），印在“填报说明”顶部")
    ] = None,
    return_to: Annotated[
        str | None, typer.Option("--return-to", help="报送方式（邮箱、地址等），印在“填报说明”顶部")
    ] = None,
) -> None:
    """生成标准填报模板（xlsx）；--roster 为名单中每个单位各生成一份。"""
    from .template import run

    raise typer.Exit(
        run(
            output=output,
            agency=agency,
            year=year,
            roster=roster,
            from_=from_,
            overwrite=overwrite,
            deadline=deadline,
            return_to=return_to,
        )
    )


@app.command(cls=ChineseCommand, name="export")
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
        help="报告主体：政府（本级人民政府的报告，3月31日前公开）或 部门（政府部门，1月31日前公开）；"
        "默认按单位名称判断",
    ),
]


@app.command(cls=ChineseCommand, name="check", epilog=EXIT_CODES)
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


@app.command(
    cls=ChineseCommand,
    name="compile",
    epilog="退出码：0 已生成；1 存在错误未生成（可用 --force）；2 用法错误或文件无法读取。",
)
def compile_command(
    file: Annotated[Path, typer.Argument(help=INPUTS)],
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="输出 .docx 路径，或以 / 结尾的文件夹（不存在时创建）")
    ] = None,
    formats: Annotated[str, typer.Option("--format", help="输出格式，逗号分隔：docx,html,pdf")] = "docx",
    force: Annotated[bool, typer.Option("--force", help="存在错误时仍然生成")] = False,
    style: Annotated[Path | None, typer.Option("--style", help="版式文件（TOML 或 JSON）")] = None,
) -> None:
    """生成国家格式的年度报告（Word，另可 HTML、PDF）。"""
    from .compile import run

    raise typer.Exit(run(file, output=output, formats=formats, force=force, style=style))


@app.command(
    cls=ChineseCommand, name="batch", epilog="退出码：0 全部通过；1 有文件存在错误或处理失败；2 输入目录不可用。"
)
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
    roster: Annotated[
        Path | None, typer.Option("--roster", help="本轮的单位名单（同 template --roster），列出未报送的单位")
    ] = None,
    include_errors: Annotated[
        bool, typer.Option("--include-errors", help="有错误的报告也计入全辖区合计（合计标为草稿）")
    ] = False,
    deadline: Annotated[str | None, typer.Option("--deadline", help="反馈意见中的修改截止日期（YYYY-MM-DD）")] = None,
    return_to: Annotated[str | None, typer.Option("--return-to", help="反馈意见中的报送方式（邮箱或地址）")] = None,
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
            roster=roster,
            include_errors=include_errors,
            deadline=deadline,
            return_to=return_to,
        )
    )


@app.command(cls=ChineseCommand, name="import")
def import_command(
    file: Annotated[Path, typer.Argument(help=INPUTS)],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出 .json 或 .xlsx；缺省输出 JSON 到屏幕")
    ] = None,
) -> None:
    """读取已发布的年度报告，得到报告 JSON 或填好的模板。"""
    from .published import run_import

    raise typer.Exit(run_import(file, output))


@app.command(cls=ChineseCommand, name="audit", epilog=EXIT_CODES)
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


def _paths_in_chinese(command: Callable[..., Any]) -> Callable[..., Any]:
    """A path the system refuses outright (a name over 255 bytes, a loop of links) is a usage error, said in Chinese.

    Each layer reports the write errors it expects; this catches what slips
    past them at the front door (``Path.exists`` raising on a too-long name),
    so no command shows a traceback for a path the clerk typed.
    """

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise
        except OSError as exc:
            from ..util.files import os_reason

            where = exc.filename if isinstance(exc.filename, str) else ""
            typer.echo(f"无法使用路径“{where}”：{os_reason(exc)}。请换一个较短或有效的路径后重试。", err=True)
            raise typer.Exit(2) from None

    return guarded


for _command in app.registered_commands:
    if _command.callback is not None:
        _command.callback = _paths_in_chinese(_command.callback)


serve_app = typer.Typer(
    name="serve",
    cls=ChineseGroup,
    help="网上报送：各单位通过专用链接上传填报表、立即看到核查结果、下载报告；汇总单位查看进度并下载全部材料。",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(serve_app)


@serve_app.command("init", cls=ChineseCommand, epilog="退出码：0 已创建；2 用法错误、名单不可用或目录已被使用。")
def serve_init(
    directory: Annotated[Path, typer.Argument(metavar="目录", help="新一轮报送的目录（不存在或为空）")],
    roster: Annotated[Path, typer.Option("--roster", help="单位名单（.xlsx 或 .csv，含“单位名称”列）")],
    year: Annotated[int, typer.Option("--year", help="报告年度，如 2025")],
    deadline: Annotated[str | None, typer.Option("--deadline", help="报送截止日期 YYYY-MM-DD")] = None,
    return_to: Annotated[str | None, typer.Option("--return-to", help="报送给谁（显示在各单位页面上）")] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="PostgreSQL 地址 postgresql://…；缺省使用目录中的 SQLite")
    ] = None,
    rollup_name: Annotated[str | None, typer.Option("--rollup-name", help="汇总报告的名称，如 衢州市")] = None,
) -> None:
    """创建一轮网上报送：写入数据库、各单位填报表和专用链接清单，并显示一次管理员令牌。"""
    from .serve import run_init

    raise typer.Exit(run_init(directory, roster, year, deadline, return_to, database, rollup_name))


@serve_app.command("run", cls=ChineseCommand)
def serve_run(
    directory: Annotated[Path, typer.Argument(metavar="目录", help="serve init 创建的目录")],
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    database: Annotated[
        str | None, typer.Option("--database", help="PostgreSQL 地址（也可用环境变量给出，见说明文档）")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="服务进程数（多进程需 PostgreSQL 或共享目录）")] = 1,
    max_upload_mb: Annotated[
        int | None, typer.Option("--max-upload-mb", help="上传文件大小上限（兆字节），缺省 20")
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", help="同时核查/生成的工作进程数，缺省为 CPU 核数")] = None,
) -> None:
    """启动网上报送服务：各单位用专用链接上传，汇总单位在管理页面查看进度。"""
    from .serve import run_serve

    raise typer.Exit(run_serve(directory, host, port, database, workers, max_upload_mb, jobs))


#: Exit code when the reader of our output went away (``check --json | head -c 10``): 128 + SIGPIPE, as a shell shows it.
EXIT_BROKEN_PIPE = 141


def _tolerant_streams() -> None:
    """A console that cannot show a character (GBK/cp936 and an emoji) gets ``?``, never a crash."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # a replaced stream (tests, IDEs) may lack it
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def _quiet_broken_pipe() -> None:
    """Our reader closed the pipe: say nothing more, and never die on flushing at exit."""
    import os
    import sys

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def _stdout_identity() -> tuple[int, int] | None:
    import os
    import sys

    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_dev, info.st_ino


def main() -> None:
    """Entry point: usage errors are reported in Chinese with exit code 2; Ctrl-C exits 130.

    Output degrades instead of crashing on a console that cannot encode a
    character; a closed pipe ends the run quietly with exit code 141.
    """
    import sys

    _tolerant_streams()
    stdout_was = _stdout_identity()
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    except SystemExit:
        # click (PacifyFlushWrapper) and rich (stdout moved onto /dev/null) end a closed pipe with exit 1.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper" or _stdout_identity() != stdout_was:
            _quiet_broken_pipe()
        raise
    except Exception as exc:
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        if "NoArgsIsHelpError" in kinds and getattr(exc, "ctx", None) is not None:
            print(exc.ctx.get_help())  # type: ignore[attr-defined]
            sys.exit(EXIT_UNUSABLE)
        if "UsageError" in kinds:
            print(usage_error_message(exc), file=sys.stderr)
            sys.exit(EXIT_UNUSABLE)
        if "Abort" in kinds:
            print("已中断。", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        raise
    sys.exit(code if isinstance(code, int) else 0)
