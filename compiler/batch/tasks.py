"""The messages a batch sends its worker processes (the pool's wire form is a mapping with an ``id``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict


class ReportTask(TypedDict):
    """Check and compile one returned sheet; outputs go to ``<staging>/<key>.<fmt>``."""

    id: int
    kind: Literal["report"]
    rel: str
    path: str
    key: str


class PreviousTask(TypedDict):
    """Read one of last year's reports and cache it as report JSON at ``cache``."""

    id: int
    kind: Literal["previous"]
    rel: str
    path: str
    cache: str


@dataclass(frozen=True)
class PreviousEntry:
    """One of last year's reports, cached as report JSON: its year, cache file, content hash and input path."""

    year: int | None
    json: str
    sha: str
    rel: str


@dataclass
class WorkerConfig:
    """What every worker of a run needs: formats, ``force``, the staging folder and last year's index."""

    formats: list[str]
    force: bool
    staging: str
    #: Agency key → last year's reports of that agency.
    previous: dict[str, list[PreviousEntry]] = field(default_factory=dict)
