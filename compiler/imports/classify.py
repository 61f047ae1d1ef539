"""Each token of a report: a value cell, a row/column label (possibly split over several tokens), a 2019 marker, or text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .labels import Hit, LabelIndex, TrialRow
from .normalize import norm, read_cell
from .tokens import Document

#: No printed label (nor a label split over several cells) is longer than this.
MAX_LABEL = 100


@dataclass
class TokenClass:
    kind: Literal["skip", "value", "label", "trial", "text"]
    hits: list[Hit] = field(default_factory=list)
    text: str = ""
    trial_row: TrialRow | None = None


def classify(doc: Document, index: LabelIndex, headings: dict[int, int] | None = None) -> list[TokenClass]:
    """Each token: a value cell, a label (possibly split over up to four tokens), a 2019 marker, or text."""
    toks = doc.tokens
    out: list[TokenClass] = [TokenClass("text") for _ in toks]
    i = 0
    while i < len(toks):
        tok = toks[i]
        if headings and i in headings:  # a section heading is read as such, never joined to the label after it
            i += 1
            continue
        if tok.header:  # a Markdown header row names columns (or nothing): never a value or a row
            hits = [h for h in index.lookup(tok.text) if h.kind not in ("row", "group")]
            out[i] = TokenClass("label", hits=hits, text=tok.text) if hits else TokenClass("skip")
            i += 1
            continue
        if tok.covered or read_cell(tok.text).kind != "text":
            out[i] = TokenClass("value")
            i += 1
            continue
        found = False
        for length in (1, 2, 3, 4):
            group = toks[i : i + length]
            if len(group) < length or any(t.covered or read_cell(t.text).kind != "text" for t in group[1:]):
                break
            if length > 1 and any(t.row_start for t in group[1:]):
                break
            text = "".join(t.text for t in group)
            if len(text) > MAX_LABEL:  # prose: no label is this long
                break
            n = norm(text)
            if n in index.trial_markers:
                out[i] = TokenClass("trial", text=text, trial_row=index.trial_rows.get(n))
            else:
                hits = index.lookup(text)
                if not hits:
                    continue
                out[i] = TokenClass("label", hits=hits, text=text, trial_row=index.trial_rows.get(n))
            for j in range(i + 1, i + length):
                out[j] = TokenClass("skip")
            i += length
            found = True
            break
        if not found:
            i += 1
    return out
