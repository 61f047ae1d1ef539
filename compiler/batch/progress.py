"""How a batch reports its progress: an object the front-end supplies (the CLI draws a bar or prints lines).

The batch itself never prints; it calls these methods and puts everything a
user must read into the run's outcome (``runner.BatchOutcome``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .results import FileOutcome


class Progress(Protocol):
    def note(self, text: str) -> None:
        """A step worth mentioning (Chinese): reading last year's reports, outputs removed, files reused."""

    def start(self, *, total: int, done: int, errors: int) -> None:
        """Processing begins: ``total`` inputs, ``done`` of them reused (``errors`` among those)."""

    def advance(self, result: FileOutcome, *, duplicate_of: str | None = None) -> None:
        """One file done; ``duplicate_of``: an earlier file of the same agency and year."""

    def stop(self) -> None:
        """Processing ended (also after an interruption)."""


class Quiet:
    """No progress shown (``--quiet``, and callers such as the web service that show the outcome only)."""

    def note(self, text: str) -> None:
        pass

    def start(self, *, total: int, done: int, errors: int) -> None:
        pass

    def advance(self, result: FileOutcome, *, duplicate_of: str | None = None) -> None:
        pass

    def stop(self) -> None:
        pass
