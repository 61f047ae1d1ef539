"""One batch per output folder at a time: an advisory lock that dies with the process."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .options import BatchAbort

LOCK_NAME = ".nianbao-lock"


class OutputLock:
    """``acquire()`` takes the folder's lock or raises ``BatchAbort``; ``release()`` lets it go."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK_NAME
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self._fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 -- held for the whole run
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BatchAbort("另一个批处理正在使用这个输出目录，请等它结束后再运行") from exc

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # releases the flock
            self._fh = None
