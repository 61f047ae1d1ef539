"""PDF through LibreOffice headless: the Word file is the source, so both always agree."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..util.files import write_atomic
from ..util.office import OfficeUnavailable, convert

__all__ = ["OfficeUnavailable", "PdfError", "write_pdf"]


class PdfError(RuntimeError):
    """LibreOffice is installed but the conversion failed; the message is Chinese."""


def write_pdf(docx_path: str | Path, pdf_path: str | Path, *, timeout: float = 180) -> Path:
    """Convert ``docx_path`` to ``pdf_path`` (atomically).

    Raises ``OfficeUnavailable`` when LibreOffice is not installed and
    ``PdfError`` when the conversion fails.
    """
    docx_path = Path(docx_path)
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        try:
            produced = convert(docx_path, "pdf", Path(tmp), timeout=timeout)
        except OfficeUnavailable:
            raise
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice 转换“{docx_path.name}”超过 {timeout:g} 秒仍未完成，未生成 PDF。") from None
        except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
            # LibreOffice's own words are English: only its exit code is passed on.
            detail = f"（退出码 {exc.returncode}）" if isinstance(exc, subprocess.CalledProcessError) else ""
            raise PdfError(f"LibreOffice 未能把“{docx_path.name}”转换为 PDF{detail}") from None
        return write_atomic(pdf_path, produced.read_bytes())
