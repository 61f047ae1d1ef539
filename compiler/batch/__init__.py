"""A folder of returned sheets → checked reports, a summary workbook and a roll-up (``nianbao batch``).

One concern per module: ``options`` (checks before anything is touched),
``discover`` (inputs and skipped files), ``lock``, ``cleanup`` (leftovers and
stale outputs), ``previous`` (last year's reports, cached), ``plan`` (what to
redo), ``execution`` (the planned files through ``pool``, supervised worker
processes with time and memory limits), ``worker`` (one file), ``placing``
(final names, two-phase renames), ``manifest`` (resume by content hash),
``names`` (output names), ``rows`` (one row per file, duplicates),
``summary`` (``汇总.xlsx``), ``rollup``/``rollup_report`` (the sum and its
report), ``summary_json`` (the ``--json`` document), ``progress`` (what the
front-end is told), ``results``/``tasks`` (the dataclasses between parts) and
``runner`` (``Batch``: the flow). The batch never prints: the front-end
(``compiler.cli.batch``) shows progress and the outcome. This package module
stays light: the parent process never imports the heavy readers and writers.
"""

from __future__ import annotations

# Status of a file, worst last.
OK, WARNINGS, ERRORS, UNREADABLE, FAILED = "ok", "warnings", "errors", "unreadable", "failed"
STATUSES = (OK, WARNINGS, ERRORS, UNREADABLE, FAILED)
