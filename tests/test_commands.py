"""The use-case layer: every command reads the same input kinds with the same messages, and returns typed results."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from synth import consistent_report
from test_import_layouts import pipe_rows

from compiler.commands.audit import audit_files
from compiler.commands.check import CheckRun, check_files
from compiler.commands.compile import CompileResult, compile_report
from compiler.commands.errors import CommandError, InputError, UsageError
from compiler.commands.export import ReadResult, export
from compiler.commands.import_ import import_report
from compiler.commands.template import TemplateResult, template
from compiler.exitcodes import EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE
from compiler.inputs import INPUT_KINDS, READABLE_SUFFIXES, input_kind
from compiler.model import Report
from compiler.render.html import render_html
from compiler.render.outputs import parse_formats
from compiler.template.writer import write_template


def _inputs(tmp_path: Path, report: Report) -> dict[str, Path]:
    """The same report as every kind of input a clerk may hand in."""
    paths = {
        "xlsx": write_template(tmp_path / "r.xlsx", report),
        "json": tmp_path / "r.json",
        "txt": tmp_path / "r.txt",
        "md": tmp_path / "r.md",
        "html": tmp_path / "r.html",
    }
    paths["json"].write_text(report.dumps(), encoding="utf-8")
    paths["txt"].write_text(pipe_rows(report), encoding="utf-8")
    paths["md"].write_text(pipe_rows(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    from compiler.render.docx import write_docx

    paths["docx"] = write_docx(report, tmp_path / "r.docx")
    return paths


def _compile(path: Path, out: Path) -> CompileResult:
    return compile_report(path, output=out / f"{path.suffix[1:]}.docx", force=True)


USE_CASES = {
    "check": lambda path, out: check_files([path]).results[0].report,
    "audit": lambda path, out: audit_files([path]).results[0].report,
    "compile": lambda path, out: _compile(path, out).report,
    "import": lambda path, out: import_report(path).report,
    "export": lambda path, out: export(path).report,
}


@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_every_command_reads_every_input_kind(tmp_path: Path, use_case: str) -> None:
    """check, compile, import, audit (and export) read .xlsx, .json, .txt, .md, .html and .docx alike."""
    report = consistent_report(random.Random(11))
    out = tmp_path / "out"
    out.mkdir()
    for kind, path in _inputs(tmp_path, report).items():
        read = USE_CASES[use_case](path, out)
        assert read is not None, (use_case, kind)
        assert read.agency == report.agency and read.year == report.year, (use_case, kind)
        assert read.value("t3_r01_c7") == report.value("t3_r01_c7"), (use_case, kind)


@pytest.mark.parametrize("name", ["old.xls", "letter.doc", "notes.rtf", "noext"])
def test_every_command_refuses_the_same_way(tmp_path: Path, name: str) -> None:
    """A kind we do not read gets one message, whichever command was given it."""
    path = tmp_path / name
    path.write_bytes(b"whatever")
    messages = {
        "check": check_files([path]).results[0].findings[0].message,
        "audit": audit_files([path]).results[0].findings[0].message,
    }
    for use_case, call in (("compile", lambda: compile_report(path)), ("import", lambda: import_report(path))):
        with pytest.raises(InputError) as exc:
            call()
        assert exc.value.exit_code == EXIT_UNUSABLE
        messages[use_case] = exc.value.message
    assert len(set(messages.values())) == 1, messages
    assert name in messages["check"]


def test_input_kinds_table_is_the_one_source() -> None:
    assert input_kind(Path("a.XLSX")).name == "workbook"
    assert input_kind(Path("a.md")).name == "published"
    assert input_kind(Path("a.rtf")) is None
    assert input_kind(Path("a.pdf")).name == "published"  # read by the importer's PDF reader
    assert set(READABLE_SUFFIXES) == {s for k in INPUT_KINDS for s in k.suffixes}


def test_one_format_parser_accepts_full_width_commas() -> None:
    assert parse_formats(" PDF，docx ,html") == ["docx", "html", "pdf"]
    with pytest.raises(ValueError, match="不支持的输出格式"):
        parse_formats("docx,odt")
    with pytest.raises(ValueError):
        parse_formats(" ， ")


def test_results_are_typed_and_carry_their_exit_code(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(consistent_report(random.Random(3)).dumps(), encoding="utf-8")
    bad_report = consistent_report(random.Random(4))
    bad_report.set_value("t3_r01_c7", (bad_report.number("t3_r01_c7") or 0) + 1)
    bad = tmp_path / "bad.json"
    bad.write_text(bad_report.dumps(), encoding="utf-8")

    run = check_files([good, bad])
    assert isinstance(run, CheckRun) and [r.status for r in run.results] == ["ok", "errors"]
    assert run.exit_code == EXIT_PROBLEMS

    blocked = compile_report(bad, output=tmp_path / "bad.docx")
    assert blocked.blocked and blocked.written == {} and blocked.exit_code == EXIT_PROBLEMS
    assert not (tmp_path / "bad.docx").exists()
    done = compile_report(good, output=tmp_path / "good.docx", formats="docx，html")
    assert done.exit_code == EXIT_OK and set(done.written) == {"docx", "html"}
    assert all(p.is_file() for p in done.written.values())

    exported = export(good, tmp_path / "copy.json")
    assert isinstance(exported, ReadResult) and Report.load(tmp_path / "copy.json").agency == exported.report.agency

    made = template(tmp_path / "t.xlsx", agency="某局", year=2025)
    assert isinstance(made, TemplateResult) and made.path.is_file() and made.report.agency == "某局"


def test_usage_problems_are_command_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(consistent_report(random.Random(5)).dumps(), encoding="utf-8")
    cases = [
        lambda: compile_report(src, formats="odt"),
        lambda: check_files([]),
        lambda: export(src, tmp_path / "out.txt"),
        lambda: import_report(src, tmp_path / "out.csv"),
        lambda: template(tmp_path / "t.xlsx", year=99999),
        lambda: check_files([src], previous=tmp_path / "missing.json"),
    ]
    for case in cases:
        with pytest.raises(CommandError) as exc:
            case()
        assert exc.value.exit_code == EXIT_UNUSABLE and exc.value.message
    with pytest.raises(UsageError):
        export(src, src.with_suffix(".json"))  # the output would overwrite the input


def test_cli_help_names_every_input_kind() -> None:
    """The CLI's literal list of inputs (kept light for --help) names each kind the dispatcher reads."""
    from compiler.cli import INPUTS

    for kind in INPUT_KINDS:
        assert kind.suffixes[0] in INPUTS or (kind.name == "json" and "JSON" in INPUTS), kind


def test_batch_use_case_prints_nothing_and_reports_through_progress(tmp_path: Path, capsys) -> None:
    """The batch never prints: a web front-end gets the outcome, and progress only through the object it passes."""
    from compiler.commands.batch import run_batch

    inp = tmp_path / "in"
    inp.mkdir()
    write_template(inp / "a.xlsx", consistent_report(random.Random(21)))
    (inp / "old.xls").write_bytes(b"x")

    class Recorder:
        def __init__(self) -> None:
            self.events: list[str] = []

        def note(self, text: str) -> None:
            self.events.append("note")

        def start(self, *, total: int, done: int, errors: int) -> None:
            self.events.append(f"start {total} {done}")

        def advance(self, result, *, duplicate_of=None) -> None:
            self.events.append(f"advance {result.rel} {result.status}")

        def stop(self) -> None:
            self.events.append("stop")

    recorder = Recorder()
    outcome = run_batch(inp, tmp_path / "out", formats="docx，html", progress=recorder)
    assert capsys.readouterr() == ("", "")
    assert recorder.events == ["start 1 0", "advance a.xlsx ok", "stop"]
    assert outcome.code == EXIT_PROBLEMS  # old.xls is a sheet we cannot read: the run says so
    assert [f.status for f in outcome.files] == ["ok"] and set(outcome.files[0].outputs) == {"docx", "html"}
    assert outcome.summary is not None and outcome.summary["skipped"][0]["path"] == "old.xls"
    again = run_batch(inp, tmp_path / "out")  # quiet, and the unchanged file is reused
    assert capsys.readouterr() == ("", "") and again.summary["reused"] == 1
