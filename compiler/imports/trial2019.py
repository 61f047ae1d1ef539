"""The 2019 trial format inside a 2021 report: its table 2, and 表三（六）其他处理 printed as one row.

Mixed into ``TableReader``: what the 2019 format prints is read where the 2021
format has a place for it; what the 2021 format asks and the 2019 one never
printed stays ``None`` and is said once (``TRIAL_FORMAT_2019``).
"""

from __future__ import annotations

from ..schema import Schema, Table
from .labels import LabelIndex
from .normalize import norm
from .placing import GapStats, Slot, place_row
from .tokens import Document
from .walker import RawRow


class TrialFormat:
    """The 2019-format parts of ``TableReader`` (which provides ``index``, ``doc``, ``_add`` and ``_store``)."""

    schema: Schema
    index: LabelIndex
    doc: Document

    def _add(self, code: str, message: str, *, key: str | None = None, sheet: str | None = None) -> None:
        raise NotImplementedError

    def _store(
        self, table: Table, row: int, label: str, placed: list[Slot], into: dict[int, list[Slot]], *, bare: bool = False
    ) -> None:
        raise NotImplementedError

    def _group_values(self, table: Table, row: RawRow, into: dict[int, list[Slot]]) -> None:
        """Numbers printed on a group label's own line: the 2019 single （六）其他处理 row, or a subtotal."""
        assert row.hit is not None
        first, span = row.hit.row, row.hit.span
        children_found = any(r in into for r in range(first, first + span))
        if not children_found and span > 1:
            labels = "、".join(f"“{table.rows[r - 1][0].row_label}”" for r in range(first, first + span))
            self._add(
                "TRIAL_FORMAT_2019",
                f"{table.sheet}“{row.hit.text}”只有一行（2019年试行格式），2021年格式将其分为{labels}，"
                f"无法拆分，这 {span} 行留空（null）。",
                key=table.rows[first - 1][0].key,
            )
            for r in range(first, first + span):
                into[r] = [Slot("blank", reason="trial") for _ in table.rows[r - 1]]
            return
        self._add(
            "IMPORT_EXTRA_ROW",
            f"{table.sheet}“{row.hit.text}”一行印有数字（可能是小计），2021年格式没有这一行，已忽略。",
            key=table.rows[first - 1][0].key,
        )

    # ------------------------------------------------------------------ 2019 trial table 2
    def _trial_t2_row(self, table: Table, row: RawRow, stats: GapStats, into: dict[int, list[Slot]]) -> None:
        trial = row.trial or self.index.trial_rows.get(norm(row.label))
        if trial is None:
            return
        placed = place_row(
            row.tokens,
            len(trial.headers),
            at_eof=row.at_eof,
            end_gap=row.end_gap,
            stats=stats,
            explicit_label=self.doc.tokens[row.label_index].explicit,
        )
        if row.hit is None or row.hit.kind != "row":
            return
        figs = table.rows[row.hit.row - 1]
        out = [Slot("blank", reason="trial") for _ in figs]
        headers = self.index.header_of.get(table.id, {})
        for header, slot in zip(trial.headers, placed, strict=True):
            canonical = headers.get(norm(header))
            for k, fig in enumerate(figs):
                if canonical and fig.col_label == canonical:
                    out[k] = slot
        self._store(table, row.hit.row, row.label, out, into)

    def _trial_t2_finding(self, table: Table) -> None:
        headers = self.index.header_of.get(table.id, {})
        carried: dict[str, str] = {}
        for _, trial_headers, _ in self.schema.trial_table2:
            for h in trial_headers:
                canonical = headers.get(norm(h))
                if canonical:
                    carried[h] = canonical
        mapped = "、".join(f"“{h}”作为“{c}”" for h, c in carried.items()) or "无"
        self._add(
            "TRIAL_FORMAT_2019",
            f"{table.sheet}是2019年试行格式（国办公开办函〔2019〕60号），不是2021年格式。已读取：{mapped}；"
            "2021年格式的其他数字（本年废止件数、现行有效件数、收费金额等）试行格式中没有，留空（null）。",
            sheet=table.sheet,
        )
