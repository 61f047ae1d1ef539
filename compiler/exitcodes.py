"""Exit codes of every ``nianbao`` command, defined once.

``check``/``audit``/``import``/``export``: 0 no error, 1 some file has errors, 2 usage error or unreadable input.
``compile``: 0 written, 1 errors and nothing written (use ``--force``), 2 usage / unreadable / unwritable.
``batch``: 0 all passed, 1 some file has errors or failed, 2 unusable folders or options, 130 interrupted.
"""

from __future__ import annotations

EXIT_OK = 0
#: Some file has errors (or, for batch, failed); the command itself ran.
EXIT_PROBLEMS = 1
#: A usage error, an unreadable input or an output that could not be written.
EXIT_UNUSABLE = 2
#: Stopped by Ctrl-C or SIGTERM.
EXIT_INTERRUPTED = 130

__all__ = ["EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_UNUSABLE"]
