"""The package import graph: no cycle, and no import from a lower layer to a higher one.

``LAYERS`` is THE written-down layer order (docs/architecture.md draws it):
a package may import packages of its own rung or of a lower one, never of a
higher one, and the graph as a whole has no cycle. Every import counts, at
module level or inside a function; imports under ``if TYPE_CHECKING:`` are for
type hints only and are not counted. The test reads the source (AST), so it
also covers code paths no test runs.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "compiler"

#: Bottom to top. A node is a top-level package or module of ``compiler``.
LAYERS: list[set[str]] = [
    {"util", "schema", "exitcodes"},  # foundations: the national format as data, safe file writing
    {"model", "findings"},  # the report and its findings
    {"catalog", "compute", "placeholders"},  # the finding catalogue, totals, {占位符}
    {"read"},  # our workbook and the report JSON; what "unreadable" means
    {"template", "imports", "render"},  # write the template; read published reports; write Word/HTML/PDF
    {"inputs"},  # the one input dispatcher and last year's report
    {"check"},  # every rule, on any input
    {"batch"},  # a folder in worker processes
    {"commands"},  # the use cases: plain arguments in, typed results out
    {"cli", "serve"},  # front-ends: parse options or requests, call a use case, show the result
]
RUNG = {node: i for i, layer in enumerate(LAYERS) for node in layer}


def _node(module: str) -> str:
    """``compiler.batch.runner`` → ``batch``; ``compiler.inputs`` → ``inputs``."""
    return module.split(".")[1]


def _module_of(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


@cache
def import_edges() -> dict[tuple[str, str], list[str]]:
    """(importer node, imported node) → where (``file:line``), for every import between two nodes."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module, is_package = _module_of(path)
        if module == "compiler":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking_lines(tree)
        package = module if is_package else module.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                    targets = [f"{stem}.{a.name}" for a in node.names] if not node.module else [stem]
                else:
                    targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            if node.lineno in typing_only:
                continue
            for target in targets:
                if not target.startswith("compiler.") or target.count(".") < 1:
                    continue
                src, dst = _node(module), _node(target)
                if src != dst:
                    edges.setdefault((src, dst), []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return edges


def test_every_node_has_a_layer():
    nodes = {_node(_module_of(p)[0]) for p in PACKAGE.rglob("*.py") if _module_of(p)[0] != "compiler"}
    assert nodes - set(RUNG) == set(), "add the new package to LAYERS (and to docs/architecture.md)"


def test_no_upward_import():
    upward = {
        f"{src} → {dst}": where
        for (src, dst), where in import_edges().items()
        if src in RUNG and dst in RUNG and RUNG[dst] > RUNG[src]
    }
    assert upward == {}


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for src, dst in import_edges():
        graph.setdefault(src, set()).add(dst)
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            assert cycle is None, " → ".join(cycle)


def test_library_packages_do_not_print():
    """Only front-ends print for the user: no ``print(`` outside ``compiler/cli`` (the checker's text view aside)."""
    allowed = {"cli", "check/output.py"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.split("/")[0] in allowed or rel in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{rel}:{n.lineno}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        ]
    assert offenders == []
