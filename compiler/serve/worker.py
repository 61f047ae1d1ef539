"""What runs in a supervised worker process: one task dict in, one plain result dict out.

The forkserver imports this module once (``jobs`` adds it to the pool's
preload list), and the import warms the reader and checker by checking a blank
template, so every worker forked for an upload starts warm (≈ 30 ms per
upload instead of ≈ 100 ms).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from . import core


def process(task: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Dispatch by ``task["kind"]``; a bug of ours becomes ``{"ok": False, "internal": …}``, never a traceback."""
    kind = task["kind"]
    _fault_hooks(task, config)
    try:
        if kind == "ping":
            return {"ok": True}
        if kind == "check":
            return {"ok": True, **core.check_upload(task["path"], task["name"])}
        if kind == "compile":
            return core.compile_upload(task["path"], task["outputs"], task["key"], task["format"])
        if kind == "summary":
            return core.build_summary(task["files"], task["target"], task["rollup_name"])
        if kind == "rollup":
            return core.build_rollup_report(
                task["files"], task["target"], task["format"], task["rollup_name"], task.get("roster_size", 0)
            )
        if kind == "zip":
            return core.zip_bundle(task["members"], task["target"])
    except MemoryError:
        raise
    except Exception as exc:
        return {"ok": False, "internal": f"{type(exc).__name__}: {str(exc)[:300]}"}
    return {"ok": False, "internal": f"unknown task {kind!r}"}


def _fault_hooks(task: dict[str, Any], config: dict[str, Any]) -> None:
    """Test-only faults: ``NIANBAO_TEST_CRASH``/``NIANBAO_TEST_HANG`` = part of an uploaded file's name."""
    name = str(task.get("name", ""))
    hooks = config.get("hooks") or {}
    if hooks.get("crash") and hooks["crash"] in name:
        os._exit(70)
    if hooks.get("hang") and hooks["hang"] in name:
        while True:
            time.sleep(60)


def _warm() -> None:
    """Check a blank template once, so the schema, layouts and reader caches exist before any fork."""
    with contextlib.suppress(Exception), tempfile.TemporaryDirectory() as tmp:
        from ..template.writer import write_template

        path = write_template(Path(tmp) / "warm.xlsx")
        core.check_upload(path, "warm.xlsx")


_warm()
