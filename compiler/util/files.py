"""Output files are written atomically, and named safely on Windows and Linux."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

#: Device names Windows reserves whatever the extension (``COM¹`` and ``LPT³`` too: superscript digits count).
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    "CLOCK$",
    *(f"{dev}{d}" for dev in ("COM", "LPT") for d in "0123456789¹²³"),
}
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
    if is_reserved_name(text):
        text = "_" + text  # Windows reserves CON, AUX.txt, … whatever the extension
    return text


class NotRegularFileError(OSError):
    """The path is a FIFO, device or socket (``mode`` says which): never read."""

    def __init__(self, path: str | Path, mode: int) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))
        self.mode = mode

    @property
    def kind(self) -> str:
        """What it is, in Chinese."""
        if stat.S_ISFIFO(self.mode):
            return "命名管道（FIFO）"
        if stat.S_ISCHR(self.mode) or stat.S_ISBLK(self.mode):
            return "设备文件"
        if stat.S_ISSOCK(self.mode):
            return "套接字"
        return "特殊文件"


class TooLargeError(OSError):
    """A file over the size limit (``size`` bytes seen, ``limit`` allowed)."""

    def __init__(self, path: str | Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, "file too large", str(path))
        self.size, self.limit = size, limit


def _open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """Open without blocking (a FIFO would block the open itself) and check the type on the handle."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegularFileError(path, info.st_mode)
    return fd, info


def read_regular(path: str | Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` (``TooLargeError`` beyond, also when it grows while read)."""
    fd, info = _open_regular(path)
    with open(fd, "rb") as fh:
        if info.st_size > limit:
            raise TooLargeError(path, info.st_size, limit)
        want = info.st_size + 1  # not a ``limit``-sized buffer for a 30 KB file
        data = fh.read(want)
        if len(data) == want:  # it grew since: read on in blocks, never past the limit
            grown = bytearray(data)
            while len(grown) <= limit:
                block = fh.read(min(1 << 20, limit + 1 - len(grown)))
                if not block:
                    break
                grown += block
            data = bytes(grown)
    if len(data) > limit:
        raise TooLargeError(path, len(data), limit)
    return data


def hash_regular_file(path: str | Path) -> tuple[str, int]:
    """sha256 and size of a regular file's bytes, read in blocks.

    Opened without blocking and checked on the handle: a FIFO or device raises
    ``OSError`` at once instead of hanging (or hashing ``/dev/zero`` forever).
    """
    fd, _info = _open_regular(path)
    with open(fd, "rb") as fh:
        h = hashlib.sha256()
        size = 0
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def same_file(a: str | Path, b: str | Path) -> bool:
    """Would writing ``a`` touch file ``b``: one path, or a hard link to it (a symlink loop is neither)."""
    try:
        a, b = Path(a), Path(b)
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


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


def is_reserved_name(stem: str) -> bool:
    """Whether Windows treats a file of this name as a device (``CON``, ``aux.txt``, ``COM¹ .x``, ``CONIN$``…)."""
    return stem.split(".")[0].rstrip(" _").upper() in _WINDOWS_RESERVED


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
    reason = (
        _WRITE_REASONS.get(exc.errno or 0) or _READ_REASONS.get(exc.errno or 0) or f"系统错误（错误码 {exc.errno}）"
    )
    return f"无法写入“{where}”：{reason}。未留下不完整的文件；请检查输出文件夹是否存在、可写，磁盘空间是否足够，或换一个输出位置。"


#: Why a file could not be opened, in words a clerk understands (``strerror`` is English).
_READ_REASONS = {
    errno.ELOOP: "符号链接（快捷方式）层数过多或指向自身",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EIO: "磁盘读取出错",
    errno.ENXIO: "设备不存在或未就绪",
    errno.EMFILE: "打开的文件过多，请稍后重试",
    errno.ENFILE: "打开的文件过多，请稍后重试",
    errno.ENOMEM: "内存不足，请稍后重试",
    errno.EAGAIN: "文件暂时无法读取，请稍后重试",
    errno.ETIMEDOUT: "读取超时（网络盘？），请稍后重试",
    errno.EINVAL: "文件名或路径无效",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese (``strerror`` is English and never shown)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    reason = _READ_REASONS.get(exc.errno or 0) or _WRITE_REASONS.get(exc.errno or 0)
    return reason or (f"系统无法读取该文件（错误码 {exc.errno}）" if exc.errno else "系统无法读取该文件")
