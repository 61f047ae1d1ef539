"""Tables 2–4 from the token stream, anchored on row labels; never counted from the top.

``TableReader`` walks the tokens (``walker``), mends tables whose labels were
displaced (``scrambled``), places each row's cells (``placing``), splits glued
digit runs by the sum rules (``glued``), handles the 2019 trial format
(``trial2019``) and turns every cell that could not be read into ``None`` with
a finding.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..catalog import CATALOG
from ..findings import Finding
from ..model import Value
from ..schema import Figure, Schema, Table
from ..schema.workbook import cell_ref
from .glued import GluedRun, resolve
from .labels import LabelIndex
from .placing import GapStats, Slot, cells_of, gap_stats, place_row
from .scrambled import place
from .tokens import Document
from .trial2019 import TrialFormat
from .walker import RawRow, Segment, Walker


@dataclass
class TablesResult:
    tables: dict[str, list[list[Value]]]
    findings: list[Finding]
    #: Tables of which at least one figure was found.
    found: set[str]
    trial_t2: bool = False
    #: Keys that are null because they could not be read or were not found (not blanks).
    unread: set[str] = field(default_factory=set)


class TableReader(TrialFormat):
    """Place the walker's rows into the schema's tables and say what could not be read."""

    def __init__(self, schema: Schema, index: LabelIndex, doc: Document, headings: dict[int, int]) -> None:
        self.schema = schema
        self.index = index
        self.doc = doc
        self.headings = headings
        self.findings: list[Finding] = []
        self.unread: set[str] = set()
        #: (table, row) stored from a label with no cell after it: replaced by a later occurrence.
        self._bare: set[tuple[str, int]] = set()

    def read(self) -> TablesResult:
        walker = Walker(self.schema, self.index, self.doc, self.headings)
        walker.run()
        for table in self.schema.tables:
            self._unscramble(walker, table.id)
        schema = self.schema
        widths = {(t.id, r + 1): len(row) for t in schema.tables for r, row in enumerate(t.rows)}
        stats = gap_stats(walker.rows, widths)
        slots: dict[str, dict[int, list[Slot]]] = {t.id: {} for t in schema.tables}
        found: set[str] = set()
        trial_t2 = walker.trial_t2
        t2 = walker.t2_table
        trial_t3_groups: list[RawRow] = []

        for row in walker.rows:
            table = schema.table(row.table)
            if row.table == t2 and trial_t2:
                self._trial_t2_row(table, row, stats, slots[table.id])
                found.add(table.id)
                continue
            if row.hit is None:
                continue
            if row.hit.kind == "group":
                if row.tokens:
                    trial_t3_groups.append(row)
                continue
            width = widths[(row.table, row.hit.row)]
            if row.unplaced:
                reason = "原文中该表的行标签与数字错位，按固定行序和勾稽关系无法唯一确定该行的数字"
                found.add(row.table)
                self._store(
                    table, row.hit.row, row.label, [Slot("unreadable", reason=reason)] * width, slots[row.table]
                )
                continue
            placed = place_row(
                row.tokens,
                width,
                at_eof=row.at_eof,
                end_gap=row.end_gap,
                stats=stats,
                explicit_label=self.doc.tokens[row.label_index].explicit,
            )
            found.add(row.table)
            self._store(table, row.hit.row, row.label, placed, slots[row.table], bare=not row.tokens)

        t4 = next((t for t in schema.tables if t.section == 4), None)
        if t4 is not None and walker.segments:
            found.add(t4.id)
            self._t4(t4, walker.segments, stats, slots[t4.id])

        for row in trial_t3_groups:
            self._group_values(schema.table(row.table), row, slots[row.table])
        self._split_glued(slots)

        if trial_t2 and t2:
            self._trial_t2_finding(schema.table(t2))
        return self._finish(slots, found, t2 if trial_t2 else None)

    def _unscramble(self, walker: Walker, table_id: str) -> None:
        """A table whose labels were displaced from their numbers: place its unsure rows by row order.

        A row is sure when its label and numbers share one printed row. When the
        table has at least two bare row labels, every other row is unsure: its
        numbers are pooled with the unlabelled rows of numbers and placed by
        ``scrambled.place`` (fixed row order, checked by the sum rules).
        """
        rows = [r for r in walker.rows if r.table == table_id and r.hit is not None and r.hit.kind == "row"]
        toks = self.doc.tokens

        def sure(row: RawRow) -> bool:
            para = toks[row.label_index].para
            return bool(row.tokens) and all(t.para == para for t in row.tokens)

        with_numbers = {r.hit.row for r in rows if r.tokens and r.hit is not None}
        bare = {r.hit.row for r in rows if not r.tokens and r.hit is not None and r.hit.row not in with_numbers}
        if len(bare) < 2:
            return
        certain = {r.hit.row: r.tokens for r in rows if sure(r) and r.hit is not None}
        unsure = [r for r in rows if r.hit is not None and r.hit.row not in certain]
        pool = [t for r in unsure for t in r.tokens] + walker.loose.get(table_id, [])
        order = {id(t): k for k, t in enumerate(toks)}
        pool.sort(key=lambda t: order[id(t)])
        unlabelled = walker.loose.get(table_id, [])
        placed = place(self.schema, table_id, certain, sorted({r.hit.row for r in unsure if r.hit}), pool, unlabelled)
        if placed is None:
            return
        seen: set[int] = set()
        for row in unsure:
            assert row.hit is not None
            if row.hit.row in seen:
                walker.rows.remove(row)
                continue
            seen.add(row.hit.row)
            row.tokens = list(placed.rows.get(row.hit.row, []))
            row.unplaced = row.hit.row in placed.unplaced
            row.bounded, row.at_eof = True, False
        if placed.unplaced:
            return
        self._add(
            "IMPORT_ROWS_BY_ORDER",
            f"{self.schema.table(table_id).sheet}的行标签与数字在原文中错位，"
            f"{len(seen)} 行的数字按格式规定的行序放置，并经勾稽关系核对无误，请对照原文确认。",
            sheet=self.schema.table(table_id).sheet,
        )

    def _split_glued(self, slots: dict[str, dict[int, list[Slot]]]) -> None:
        """Digit runs standing for several cells: the cut the sum rules allow, when it is the only one."""
        runs: dict[int, tuple[GluedRun, list[Slot]]] = {}
        known: dict[str, int | float | None] = {}
        for table in self.schema.tables:
            for r, placed in sorted(slots[table.id].items()):
                for fig, slot in zip(table.rows[r - 1], placed, strict=True):
                    if slot.status == "glued" and slot.run is not None:
                        run, members = runs.setdefault(id(slot.run), (GluedRun(slot.text, ()), []))
                        run.keys = (*run.keys, fig.key)
                        members.append(slot)
                    elif slot.status == "ok" and not slot.unit:
                        known[fig.key] = slot.value
        if not runs:
            return
        solved = resolve([run for run, _ in runs.values()], known, self.schema.rules)
        for run, members in runs.values():
            for key, slot in zip(run.keys, members, strict=True):
                if key in solved:
                    slot.status, slot.value, slot.text = "ok", solved[key], str(solved[key])
                    continue
                slot.status = "unreadable"
                slot.reason = f"所在行的数字连在一起（“{run.text}”），" + self._why_not_split(run)

    def _why_not_split(self, run: GluedRun) -> str:
        if not run.exhausted and not run.candidates:
            return "没有一种拆法符合勾稽关系"
        keys = set(run.keys)
        if not any(keys & {*rule.left, *rule.right} for rule in self.schema.rules):
            return "可以有多种拆法，而这一行没有勾稽关系可以确定哪一种"
        return "有不止一种拆法符合勾稽关系，无法确定各数"

    # ------------------------------------------------------------------ rows
    def _store(
        self, table: Table, row: int, label: str, placed: list[Slot], into: dict[int, list[Slot]], *, bare: bool = False
    ) -> None:
        """Keep a row's placed cells; a second occurrence wins only over a bare first one.

        ``bare``: the label stood with no cell at all after it — a heading that
        repeats the row's label above the row itself (converted Markdown), or the
        label of a row printed later. It never hides the row that has figures.
        """
        if (table.id, row) in self._bare:
            self._bare.discard((table.id, row))
            del into[row]
        if row in into:
            if bare:
                return
            old = into[row]
            if [(s.status, s.value) for s in old] != [(s.status, s.value) for s in placed]:
                fig = table.rows[row - 1][0]
                self._add(
                    "IMPORT_DUPLICATE",
                    f"{table.sheet}“{fig.row_label}”一行在原文中出现两次且数字不同，已采用第一次出现的数字。",
                    key=fig.key,
                )
            return
        into[row] = placed
        if bare:
            self._bare.add((table.id, row))

    def _t4(self, table: Table, segments: list[Segment], stats: GapStats, into: dict[int, list[Slot]]) -> None:
        per_group = len(table.rows[0])
        groups = len(table.rows)
        flat: list[Slot] = []
        if len(segments) == 1 and len(cells_of(segments[0].tokens)) == per_group * groups:
            segments[0].start = 0  # one row holding every figure: it starts at the first group, whatever came before
        starts = [seg.start for seg in segments] + [groups]
        ok = starts[0] == 0 and all(a < b for a, b in itertools.pairwise(starts))
        if not ok:
            reason = "表头与数字的对应关系无法确定"
            flat = [Slot("unreadable", reason=reason) for _ in range(per_group * groups)]
        else:
            for k, seg in enumerate(segments):
                expected = (starts[k + 1] - seg.start) * per_group
                at_eof = seg.at_eof
                end_gap = seg.end_gap if seg.end_gap is not None and seg.end_gap >= 0 else None
                flat += place_row(
                    seg.tokens,
                    expected,
                    at_eof=at_eof,
                    end_gap=end_gap,
                    # the data row follows a header row: assume the row-to-row gap, checked by the end gap
                    stats=GapStats(stats.end, stats.cell, stats.end, lead_proven=False),
                    explicit_label=False,
                )
        for g in range(groups):
            into[g + 1] = flat[g * per_group : (g + 1) * per_group]

    # ------------------------------------------------------------------ output
    def _finish(self, slots: dict[str, dict[int, list[Slot]]], found: set[str], trial: str | None) -> TablesResult:
        tables: dict[str, list[list[Value]]] = {}
        for table in self.schema.tables:
            rows = slots[table.id]
            values: list[list[Value]] = [[None] * len(r) for r in table.rows]
            tables[table.id] = values
            if table.id not in found:
                self.unread.update(f.key for f in table.figures())
                n = sum(len(r) for r in table.rows)
                if table.section in self.headings.values():  # the table is there; its rows could not be read
                    heading = self.schema.sections[table.section - 1].heading
                    self._add(
                        "IMPORT_TABLE_UNREADABLE",
                        f"原文中有第{heading.split('、', 1)[0]}部分“{heading}”，但没有读出{table.sheet}的任何一行"
                        f"（表格可能是图片，或文字顺序已被打乱），其全部 {n} 个数字留空（null）。请对照原文填写。",
                        sheet=table.sheet,
                    )
                    continue
                self._add(
                    "IMPORT_TABLE_MISSING",
                    f"原文中没有找到{table.sheet}（{table.title.split('、', 1)[-1]}），其全部 {n} 个数字留空（null）。",
                    sheet=table.sheet,
                )
                continue
            for r, figs in enumerate(table.rows, start=1):
                placed = rows.get(r)
                if placed is None:
                    self.unread.update(f.key for f in figs)
                    if table.id == trial:  # the 2019 format has no such row: said once by TRIAL_FORMAT_2019
                        continue
                    self._add(
                        "IMPORT_MISSING",
                        f"原文中没有找到{table.sheet}“{figs[0].row_label}”一行，该行 {len(figs)} 个数字留空（null）。",
                        key=figs[0].key,
                    )
                    continue
                for k, (fig, slot) in enumerate(zip(figs, placed, strict=True)):
                    value = values[r - 1][k] = self._value(table, fig, slot)
                    if value is None and (slot.status not in ("blank", "na") or slot.reason == "trial"):
                        self.unread.add(fig.key)
        return TablesResult(tables, self.findings, found, trial is not None, self.unread)

    def _value(self, table: Table, fig: Figure, slot: Slot) -> Value:
        where = f"{table.sheet}“{fig.row_label}”行“{fig.col_label}”列"
        if slot.status == "ok":
            value = slot.value
            wrong_unit = slot.unit in ("元", "万元") if fig.kind != "amount" else slot.unit not in ("", "元", "万元")
            if wrong_unit:
                self._add(
                    "IMPORT_UNREADABLE",
                    f"{where}的内容“{slot.text}”单位不符，无法读取，已留空（null）。",
                    key=fig.key,
                )
                return None
            if slot.unit == "元" and value is not None:
                converted = round(value / 10000, 6)
                if float(converted).is_integer():
                    converted = int(converted)
                self._add(
                    "IMPORT_UNIT_CONVERTED",
                    f"{where}写作“{slot.text}”（元），已换算为 {converted} 万元。",
                    key=fig.key,
                )
                return converted
            return value
        if slot.status == "na":
            self._add(
                "IMPORT_NOT_APPLICABLE",
                f"{where}填的是“{slot.text}”（不适用），读作空白（null）。",
                key=fig.key,
            )
            return None
        if slot.status == "unreadable":
            self._add("IMPORT_UNREADABLE", f"{where}{slot.reason}，无法读取，已留空（null）。", key=fig.key)
            return None
        if slot.status == "missing":
            self._add("IMPORT_MISSING", f"{where}：{slot.reason}，已留空（null）。", key=fig.key)
            return None
        return None

    def _add(self, code: str, message: str, *, key: str | None = None, sheet: str | None = None) -> None:
        cell = None
        if key is not None:
            ref = cell_ref(self.schema, key)
            sheet, cell = ref.sheet, ref.a1
        self.findings.append(CATALOG[code].at(message, sheet=sheet, cell=cell, key=key))
