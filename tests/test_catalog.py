"""The finding catalogue is the only source of codes and severities.

The entries themselves are checked (well-formed, documented, one severity per
code); that no finding is built except from an entry is checked on the
syntax tree of the package, so an uncatalogued code fails at its raise site.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from compiler.catalog import _ENTRIES, CATALOG, make_finding, markdown_table
from compiler.findings import RAISED_BY, SEVERITY_ORDER, Finding
from compiler.schema import get_schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "compiler"


@pytest.mark.parametrize("entry", _ENTRIES, ids=[e.code for e in _ENTRIES])
def test_entry_is_well_formed(entry):
    assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|[A-Z]{4,}", entry.code)
    assert entry.severity in SEVERITY_ORDER
    assert entry.raised_by in RAISED_BY
    assert any("\u4e00" <= ch <= "\u9fff" for ch in entry.title)
    assert not (entry.template_only and entry.raised_by == "import")


def test_codes_are_unique():
    codes = [e.code for e in _ENTRIES]
    assert len(codes) == len(set(codes)) == len(CATALOG)


def test_every_schema_rule_code_is_catalogued():
    assert {r.code for r in get_schema().rules} <= {e.code for e in _ENTRIES if e.raised_by == "check"}


def test_our_own_failures_are_catalogued_as_ours():
    """Batch and reader failures of our making have codes of their own, never the file's ``UNREADABLE``."""
    for code in ("TIMEOUT", "MEMORY_LIMIT", "WORKER_CRASH", "INTERNAL_ERROR", "RENDER_FAILED", "DUPLICATE_AGENCY"):
        assert CATALOG[code].raised_by == "batch"
    assert CATALOG["READER_INTERNAL_ERROR"].severity == "error"
    assert "不是文件的问题" in CATALOG["READER_INTERNAL_ERROR"].title


def test_cases_of_different_weight_have_codes_of_their_own():
    assert CATALOG["IMPORT_TABLE_MISSING"].severity == "error"
    assert CATALOG["IMPORT_MISSING"].severity == "error"
    assert CATALOG["IMPORT_SECTION_MISSING"].severity == "warning"
    assert "警告" not in CATALOG["IMPORT_MISSING"].title  # one severity per code: none "when …" in a title


def test_a_finding_takes_its_severity_from_the_entry():
    f = CATALOG["SHEET_MISSING"].at("找不到工作表“表三”", sheet="表三")
    assert (f.code, f.severity, f.ref, f.message) == ("SHEET_MISSING", "error", "表三", "找不到工作表“表三”")
    g = make_finding("NOT_A_NUMBER", "填了文字", sheet="表三", cell="D6", key="t3_r01_c1", actual="十二")
    assert (g.severity, g.ref, g.key, g.actual) == ("error", "表三!D6", "t3_r01_c1", "十二")
    with pytest.raises(KeyError):
        make_finding("NO_SUCH_CODE", "x")


def test_markdown_lists_every_entry_with_its_severity_and_origin():
    table = markdown_table()
    for e in _ENTRIES:
        line = next(x for x in table.splitlines() if x.startswith(f"| `{e.code}` |"))
        assert e.severity in line and e.title in line
        assert (RAISED_BY[e.raised_by] in line) == (e.raised_by != "check")


def test_check_readme_lists_the_catalogue():
    readme = PACKAGE / "check" / "README.md"
    assert markdown_table() in readme.read_text(encoding="utf-8")


def _calls(name: str) -> list[tuple[str, int]]:
    """Every call of ``name(...)`` in the package: (file, line)."""
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called == name:
                    hits.append((str(path.relative_to(PACKAGE)), node.lineno))
    return hits


def test_findings_are_built_only_from_catalogue_entries():
    """``Finding(...)`` appears once, in ``CatalogEntry.at``: nowhere else can a severity be typed."""
    assert [f for f, _ in _calls("Finding")] == ["findings.py"]


def test_literal_codes_at_raise_sites_are_catalogued():
    """``CATALOG["X"]`` anywhere in the package names an entry (a typo would fail only when raised)."""
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "CATALOG"
                and isinstance(node.slice, ast.Constant)
            ):
                used.add(node.slice.value)
    assert used and used <= set(CATALOG), sorted(used - set(CATALOG))


def test_finding_is_still_a_plain_record():
    """Tests and fakes may build a ``Finding`` directly; the package may not (see above)."""
    f = Finding("X", "error", "坏", "表三", "D6")
    assert f.ref == "表三!D6"
