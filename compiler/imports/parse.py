"""From a ``Document`` (paragraphs + tokens) to a ``Report`` with the reader's findings."""

from __future__ import annotations

from ..catalog import CATALOG
from ..findings import Finding
from ..model import Contact, Origin, Report
from ..schema import get_schema
from ..schema.workbook import cell_ref
from .labels import label_index
from .sections import find_info, find_signature, section_end, section_of, split_narrative
from .tables import TableReader
from .tokens import Document

#: Consecutive heading lines at least this long are a table of contents, not the headings.
_TOC_RUN = 3


def _headings(doc: Document, index) -> dict[int, int]:
    """Token index → section number, for every heading line that is not part of a contents list."""
    found: list[tuple[int, int]] = []
    for i, tok in enumerate(doc.tokens):
        if tok.covered or not tok.text:
            continue
        number = section_of(tok.text, index)
        if number is not None:
            found.append((i, number))
    keep: dict[int, int] = {}
    run: list[tuple[int, int]] = []
    for item in [*found, (-10, 0)]:
        if run and item[0] == run[-1][0] + 1:
            run.append(item)
            continue
        if len(run) < _TOC_RUN:
            keep.update(run)
        run = [item]
    keep.pop(-10, None)
    return keep


def build_report(doc: Document, *, path: str | None = None) -> Report:
    schema = get_schema()
    index = label_index(schema)
    headings = _headings(doc, index)
    tables = TableReader(schema, index, doc, headings).read()
    findings: list[Finding] = list(tables.findings)

    # first heading paragraph of each section, and where each section's text ends
    first: dict[int, int] = {}
    for i, number in sorted(headings.items()):
        first.setdefault(number, doc.tokens[i].para)
    starts = sorted(set(first.values()))
    paras = doc.paras
    last_heading = max(starts) if starts else -1
    signature = find_signature(paras, first.get(6, last_heading) + 1)

    texts: dict[int, list[str]] = {}
    for number, para in first.items():
        stop = next((p for p in starts if p > para), len(paras))
        if signature is not None:
            sig = signature[0] if signature[0] >= 0 else signature[1]
            if para < sig < stop:
                stop = sig
        stop = section_end(paras, para + 1, stop)
        texts[number] = paras[para + 1 : stop]
    narrative = split_narrative(schema, index, texts)

    date_label = next(f.label for f in schema.info if f.kind == "date")
    info = find_info(paras, min(starts) if starts else None, signature, doc.title, date_label)
    report = Report.empty(schema.format_id)
    report.agency = info.agency
    report.year = info.year
    report.date = info.date
    report.contact = Contact(info.phone, info.email, info.address)
    report.tables = tables.tables
    for key, text in narrative.texts.items():
        report.narrative[key] = text
    report.titles.update(narrative.titles)

    titles = {p.key: p.title for p in schema.narrative}
    for into, heading in narrative.merged:
        ref = cell_ref(schema, into)
        findings.append(
            CATALOG["IMPORT_NARRATIVE_MERGED"].at(
                f"第一部分的小标题“{heading}”不是格式规定的小标题，其文字已并入“{titles[into]}”。",
                sheet=ref.sheet,
                cell=ref.a1,
                key=into,
            )
        )
    if tables.found or first:
        for section in schema.sections:
            if section.table or section.number in first:
                continue
            part = next(p for p in schema.narrative if p.section == section.number)
            ref = cell_ref(schema, part.key)
            findings.append(
                CATALOG["IMPORT_SECTION_MISSING"].at(
                    f"原文中没有找到第{section.heading.split('、', 1)[0]}部分的标题“{section.heading}”，该部分文字为空。",
                    sheet=ref.sheet,
                    cell=ref.a1,
                    key=part.key,
                )
            )
    report.origin = Origin(path=path, kind=doc.kind, findings=findings, unread=set(tables.unread))
    return report
