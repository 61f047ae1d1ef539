"""``nianbao batch``: a folder of returned sheets → checked reports, a summary workbook and a roll-up.

Modules: ``discover`` (inputs and skipped files), ``worker`` (one file, in a
worker process), ``pool`` (supervised worker processes: crash isolation,
per-file time and memory limits), ``manifest`` (resume by content hash),
``names`` (output names), ``rollup`` (sum of tables), ``summary``
(``汇总.xlsx``), ``runner`` (``Batch``: the pipeline), ``display`` (progress
and final table), ``signals`` (SIGTERM), ``cli`` (``run``). This package
module stays light: the parent process never imports the heavy readers and
writers.
"""

from __future__ import annotations

# Status of a file, worst last.
OK, WARNINGS, ERRORS, UNREADABLE, FAILED = "ok", "warnings", "errors", "unreadable", "failed"
STATUSES = (OK, WARNINGS, ERRORS, UNREADABLE, FAILED)
