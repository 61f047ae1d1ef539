"""Output files are written atomically, and named safely on Windows and Linux."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
#: Temporary outputs are hidden files named like this until renamed over their target.
TEMP_PREFIX = ".~nianbao-"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]')


def safe_filename(name: str, *, max_bytes: int = 180, fallback: str = "未命名") -> str:
    """A file-name stem safe on Windows and Linux, whatever ``name`` holds.

    Path separators, reserved characters, control and bidi marks become ``_``;
    leading dots and trailing dots/spaces go; reserved device names get a ``_``
    prefix. A name over ``max_bytes`` of UTF-8 is shortened in the middle
    (``shorten``): its end — the year and the report title — is kept, and a
    hash of the whole name keeps two long names that differ only in the
    middle apart.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    text = re.sub(r"_{2,}", "_", text)
    text = shorten(text, max_bytes).rstrip(". ")
    if not text or set(text) <= {"_"}:
        text = fallback
    if text.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        text = "_" + text  # Windows reserves CON, AUX.txt, … whatever the extension
    return text


def shorten(text: str, max_bytes: int) -> str:
    """``text`` in at most ``max_bytes`` of UTF-8: its head, ``…``, a hash of the whole, ``…``, its last third.

    Never splits a character; a text that fits is returned as is. Different
    texts give different results (the hash), and the end survives.
    """
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    digest = hashlib.sha256(encoded).hexdigest()[:8]
    middle = f"…{digest}…".encode()
    room = max(0, max_bytes - len(middle))
    tail_bytes = room // 3
    head = encoded[: room - tail_bytes].decode("utf-8", errors="ignore")
    tail = encoded[len(encoded) - tail_bytes :].decode("utf-8", errors="ignore") if tail_bytes else ""
    return head + middle.decode() + tail


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On any exception (Ctrl-C included) the temporary file is removed, so a
    reader never sees a half-written output.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: str | Path, data: bytes | str | Callable[[Path], None]) -> Path:
    """Write bytes, text (UTF-8), or whatever ``data(tmp_path)`` writes, atomically."""
    with atomic_path(target) as tmp:
        if callable(data):
            data(tmp)
        elif isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(target)


#: Why a write failed, in words a clerk understands (``strerror`` is English).
_WRITE_REASONS = {
    errno.EACCES: "没有写入权限（文件夹只读，或文件正被其他程序打开）",
    errno.EPERM: "没有写入权限（文件夹只读，或文件正被其他程序打开）",
    errno.EROFS: "所在磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EFBIG: "文件超出了磁盘允许的大小",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "同名的文件夹已经存在",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EIO: "磁盘读写出错",
}


def write_error_message(target: str | Path, exc: OSError) -> str:
    """A Chinese message for an output that could not be written (nothing partial is left behind)."""
    where = str(target)
    if isinstance(exc.filename, str) and exc.filename and not Path(exc.filename).name.startswith(TEMP_PREFIX):
        where = exc.filename  # e.g. the path component that is a file
    reason = _WRITE_REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return f"无法写入“{where}”：{reason}。未留下不完整的文件；请检查输出文件夹是否存在、可写，磁盘空间是否足够，或换一个输出位置。"
