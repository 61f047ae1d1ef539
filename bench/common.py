"""Shared by the benchmark scripts: the report they measure and a median timer."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from compiler.compute import recompute_totals
from compiler.model import Report
from compiler.schema import get_schema


def sample_report() -> Report:
    """Every figure filled (totals consistent), narrative of realistic length with a placeholder."""
    schema = get_schema()
    totals = {r.anchor for r in schema.formula_rules()}
    report = Report.empty()
    report.agency, report.year = "某市人民政府办公室", 2024
    report.date = dt.date(2025, 1, 20)
    report.contact.phone = "0570-3012273"
    for i, fig in enumerate(schema.figures()):
        if fig.key not in totals:
            report.set_value(fig.key, 12.35 if fig.kind == "amount" else (i * 37) % 1000)
    recompute_totals(report)
    for part in schema.narrative:
        report.narrative[part.key] = "\n".join(
            ["本年度依法依规做好政府信息公开工作，{新收申请总数}件申请均按时答复。" * 6] * 3
        )
    return report


def medians(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> tuple[float, float]:
    """(wall ms, CPU ms) medians over ``runs`` after one warm-up call; ``before`` runs untimed each time."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def with_junk_sheet(src: Path, dst: Path, megabytes: int, *, broken_tail: bool = False) -> Path:
    """``src`` plus a sheet “杂表” of about ``megabytes`` MB of numbers (no ``<dimension>``), appended last.

    With ``broken_tail`` the sheet's XML ends in garbage, so a reader that
    parses it at all fails: proof that only the template's sheets are parsed.
    """
    import zipfile

    row = "".join(f'<c r="{col}{{r}}"><v>{n}</v></c>' for n, col in enumerate("ABCDEFGHIJKLMNOPQRST", start=12345))
    per_row = len(row) + 30
    rows = "".join(f'<row r="{r}">{row.format(r=r)}</row>' for r in range(1, megabytes * 1024 * 1024 // per_row))
    tail = "<<<这不是 XML" if broken_tail else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData>{tail}</worksheet>"
    ).encode()
    part = "xl/worksheets/sheet_junk.xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/{part}" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'.encode(),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdJunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/worksheet" Target="worksheets/sheet_junk.xml"/></Relationships>',
                )
            elif info.filename == "xl/workbook.xml":
                data = data.replace(b"</sheets>", '<sheet name="杂表" sheetId="999" r:id="rIdJunk"/></sheets>'.encode())
            zout.writestr(info, data)
        zout.writestr(part, sheet)
    return dst
