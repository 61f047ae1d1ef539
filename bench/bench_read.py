"""Median time of reading one returned sheet into a ``Report`` (``read_workbook``, ``load_report``).

Run: ``.venv/bin/python bench/bench_read.py [--runs N] [--file X.xlsx ...] [--no-office]``.
Target (issue 10): ≤ 25 ms median per sheet on our template (issue 2 asked ≤ 40 ms). Measured on a filled template as
written by nianbao, the same after a save by openpyxl (as other programs
fill it), and after a save by LibreOffice (rich-text shared strings), beside
plain ``openpyxl.load_workbook`` (normal mode) of the same file for scale, and
with a 30 MB junk sheet added (only the template's sheets are parsed).
Wall-clock and CPU medians are both printed: the machine is shared, and CPU
time is less disturbed by other processes.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import openpyxl
from common import medians, sample_report, with_junk_sheet

from compiler.inputs import load_report
from compiler.read.xlsx import read_workbook
from compiler.template.writer import write_template
from compiler.util.office import OfficeUnavailable, convert


def openpyxl_saved(src: Path, dst: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    wb.save(dst)
    return dst


def plain_openpyxl(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path, data_only=False, keep_vba=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--file", type=Path, action="append", default=[], help="also measure this workbook")
    parser.add_argument("--no-office", action="store_true", help="skip the LibreOffice-saved case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        written = write_template(out / "filled.xlsx", sample_report())
        cases = {
            "nianbao 写出": written,
            "openpyxl 另存": openpyxl_saved(written, out / "openpyxl.xlsx"),
            "加 30 MB 杂表": with_junk_sheet(written, out / "junk.xlsx", 30),
        }
        if not args.no_office:
            try:
                cases["LibreOffice 另存"] = convert(written, "xlsx", out / "lo")
            except (OfficeUnavailable, OSError, RuntimeError) as exc:
                print(f"(跳过 LibreOffice：{exc})")
        for f in args.file:
            cases[f.name] = f
        print(f"每项 {args.runs} 次，取中位数（墙钟 / CPU，毫秒）；目标 read_workbook ≤ 25 ms")
        print(f"{'文件':<16}{'大小KB':>8}{'read_workbook':>22}{'load_report':>22}{'openpyxl 原样载入':>24}")
        for name, path in cases.items():
            rw = medians(lambda p=path: read_workbook(p), args.runs)
            lr = medians(lambda p=path: load_report(p), args.runs)
            base = medians(lambda p=path: plain_openpyxl(p), max(5, args.runs // 5) if "杂表" not in name else 1)
            print(
                f"{name:<16}{path.stat().st_size / 1024:>8.0f}"
                f"{rw[0]:>13.1f} / {rw[1]:>5.1f}{lr[0]:>13.1f} / {lr[1]:>5.1f}{base[0]:>15.1f} / {base[1]:>5.1f}"
            )


if __name__ == "__main__":
    main()
