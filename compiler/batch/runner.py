"""The batch runner: one ``Batch`` carries a folder of returned sheets through the pipeline.

Flow (``Batch.execute``): discover inputs → remove the outputs the manifest
recorded for inputs no longer in IN_DIR → (``--previous``: read last year's
reports) → hash every input and skip those the manifest shows unchanged with
their outputs present → run the rest in the supervised pool → move each file's
outputs from the staging folder to its final name and append the manifest →
flag duplicates → write ``汇总.xlsx`` (and the roll-up report) → print the
table / JSON.

Stale outputs: only files the manifest records as ours are ever removed — an
input's outputs when the input is gone from IN_DIR (or, as before, when it no
longer produces that name), and the previous roll-up report when
``--rollup-name`` changed or was dropped. Nothing else in OUT_DIR is touched.

Duplicates (two readable files of one agency and year) get a
``DUPLICATE_AGENCY`` warning; both are compiled, and the roll-up sums only the
first in path order (see ``rollup.select``).

Output names are ``<单位><年度>年政府信息公开工作年度报告``; inputs claiming the
same name are numbered in the order of their paths. Outputs only ever appear
by rename, and the manifest only ever names files that exist under that name,
so a batch killed at any instant leaves complete outputs and the next run
carries on. Exit codes: see ``cli``. What is shown on the console lives in
``display``; ``cli.run`` only turns the command's options into a ``Batch``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..catalog import CATALOG
from ..util.files import safe_filename, write_error_message
from . import ERRORS, FAILED, OK, UNREADABLE, WARNINGS
from . import pool as pool_mod
from .discover import PREVIOUS_READABLE, Discovery, discover
from .display import BatchProgress, display_text, final_table, make_console, plain_text
from .manifest import MANIFEST_NAME, Manifest
from .names import agency_key, choose_previous, duplicate_key, numbered, stem_key
from .rollup import DUPLICATE, OTHER_YEAR, ROLLUP_TITLE, Rollup, Selection, readable, select
from .signals import Interrupted, install_sigterm, restore_signals
from .summary import STATUS_LABEL, SUMMARY_NAME, key_figure_values, write_summary

FORMATS = ("docx", "html", "pdf")
WORK_DIR = ".nianbao-work"
PREVIOUS_CACHE = ".nianbao-previous"
LOCK_NAME = ".nianbao-lock"
#: Bump when a change of this program should recompile unchanged inputs.
BATCH_VERSION = "1"

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130


class BatchAbort(Exception):
    """A problem with the folders or options: message (Chinese) and exit code 2."""


# ---------------------------------------------------------------------- the batch
@dataclass
class _Planned:
    """An input to (re)compile this run: its path, and the content hash and size the manifest will record."""

    rel: str
    path: Path
    sha: str
    size: int


@dataclass
class Batch:
    """One batch run over IN_DIR → OUT_DIR; ``execute`` checks the folders and options, runs it, returns the exit code."""

    in_dir: Path
    out_dir: Path
    jobs: int | None = None
    formats: list[str] = field(default_factory=lambda: ["docx"])
    force: bool = False
    previous: Path | None = None
    rollup_name: str | None = None
    timeout: float | None = 60.0
    progress: str | None = None

    def __post_init__(self) -> None:
        self.err = make_console(sys.stderr)
        self.started = time.monotonic()
        self.manifest = Manifest(self.out_dir)
        self.groups: dict[str, list[str]] = {}  # stem key → rels holding outputs, sorted
        self.member_of: dict[str, str] = {}  # rel → its group's stem key
        self.prev_index: dict[str, list[dict[str, Any]]] = {}
        self.prev_problems: list[dict[str, str]] = []
        self.reused = 0
        self.removed: list[str] = []  # stale outputs removed this run
        self.pool_stats: pool_mod.PoolStats | None = None
        self._lock: IO[str] | None = None

    # -------------------------------------------------------------- setup
    def _prepare(self) -> Discovery:
        if self.jobs is not None and self.jobs < 1:
            raise BatchAbort("--jobs 应为正整数")
        if self.timeout is not None and self.timeout <= 0:
            raise BatchAbort("--timeout 应为正数（秒）")
        if not self.in_dir.exists():
            raise BatchAbort(f"输入目录不存在：{display_text(str(self.in_dir), 300)}")
        if not self.in_dir.is_dir():
            raise BatchAbort(f"输入应为目录：{display_text(str(self.in_dir), 300)}")
        in_real, out_real = self.in_dir.resolve(), self.out_dir.resolve()
        if in_real == out_real:
            raise BatchAbort("输出目录不能与输入目录相同（请另建一个输出目录，例如 输入目录/输出）")
        if "pdf" in self.formats:
            from ..util.office import find_soffice

            if not find_soffice():
                raise BatchAbort("生成 PDF 需要 LibreOffice（soffice），未找到；请安装后重试，或去掉 pdf 格式")
        try:
            found = discover(self.in_dir, exclude=self.out_dir)
        except OSError as exc:
            raise BatchAbort(f"无法读取输入目录 {display_text(str(self.in_dir), 300)}：{exc.strerror or exc}") from exc
        if not found.inputs:
            lines = [f"输入目录中没有找到 .xlsx 填报表：{display_text(str(self.in_dir), 300)}"]
            lines += [f"  跳过 {display_text(s.rel)}：{s.reason}" for s in found.skipped[:50]]
            raise BatchAbort("\n".join(lines))
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise BatchAbort(
                f"无法写入输出目录 {display_text(str(self.out_dir), 300)}：该路径是一个文件，不是文件夹。"
                "请用 -o 指定一个文件夹（不存在时会自动创建）。"
            )
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._acquire_lock()
        except OSError as exc:
            raise BatchAbort(f"无法使用输出目录。{write_error_message(self.out_dir, exc)}") from exc
        return found

    def _acquire_lock(self) -> None:
        """One batch per output folder at a time (the lock dies with the process)."""
        self._lock = open(self.out_dir / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BatchAbort("另一个批处理正在使用这个输出目录，请等它结束后再运行") from exc

    def _clean_leftovers(self) -> Path:
        """Remove staging folders and temporary files a killed run left behind; a fresh staging folder."""
        work = self.out_dir / WORK_DIR
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        for tmp in self.out_dir.glob(".~nianbao-*"):
            with contextlib.suppress(OSError):
                tmp.unlink()
        staging = work / uuid.uuid4().hex[:12]
        staging.mkdir(parents=True)
        return staging

    # -------------------------------------------------------------- main
    def execute(self, *, json_out: bool) -> int:
        found = self._prepare()
        handlers = install_sigterm()
        try:
            self.manifest.load()
            self._remove_stale(set(found.inputs))
            self.manifest.compact(keep=set(found.inputs))
            staging = self._clean_leftovers()
            self._init_groups(found)
            self._load_previous(staging)
            self._run(self._plan(found), found, staging)
            restore_signals(handlers)
            handlers = None
            return self._finish(found, json_out=json_out)
        except (KeyboardInterrupt, Interrupted):
            done = sum(1 for rel in found.inputs if rel in self.manifest.entries)
            self.err.print(
                plain_text(f"已中断：{done}/{len(found.inputs)} 个文件已完成并记录；重新运行同一命令将从中断处继续。")
            )
            return EXIT_INTERRUPTED
        except OSError as exc:
            raise BatchAbort(
                f"{write_error_message(self.out_dir, exc)}已完成的文件不受影响，解决后重新运行即可继续。"
            ) from exc
        finally:
            restore_signals(handlers)
            self.manifest.close()
            shutil.rmtree(self.out_dir / WORK_DIR, ignore_errors=True)
            if self._lock is not None:
                self._lock.close()  # releases the flock
                self._lock = None

    def _remove_stale(self, present: set[str]) -> None:
        """Remove the outputs the manifest recorded for inputs no longer in IN_DIR (before their entries go).

        Only names the manifest holds, that look like our outputs and that no
        remaining input or roll-up claims; a kill in between only repeats this.
        """
        entries = self.manifest.entries
        claimed = {n for rel, e in entries.items() if rel in present for n in _outputs_of(e)}
        claimed |= set(self.manifest.rollup_outputs.values())
        for rel, entry in sorted(entries.items()):
            if rel in present:
                continue
            for name in _outputs_of(entry):
                if name not in claimed:
                    self._unlink_output(name)
        if self.removed:
            self._note(f"已删除 {len(self.removed)} 个过时的输出文件（对应的填报表已不在输入目录中）")

    def _unlink_output(self, name: str) -> None:
        """Delete one recorded output of ours; anything that does not look like one is left alone."""
        if not _is_output_name(name):
            return
        path = self.out_dir / name
        try:
            if path.is_symlink() or path.is_file():
                path.unlink()
                self.removed.append(name)
        except OSError:
            self.err.print(
                plain_text(f"无法删除过时的输出文件 {display_text(name, 200)}（可能正被打开），请手工删除。")
            )

    def _init_groups(self, found: Discovery) -> None:
        """Name groups from the manifest: an entry holds its names while any of its outputs exists."""
        for rel in found.inputs:
            entry = self.manifest.get(rel)
            outputs = (entry or {}).get("result", {}).get("outputs") or {}
            if any((self.out_dir / name).is_file() for name in outputs.values()):
                self._join(rel, entry["result"]["stem"])
        for key in list(self.groups):
            self._relayout(key)

    # -------------------------------------------------------------- previous year
    def _load_previous(self, staging: Path) -> None:
        if self.previous is None:
            return
        if not self.previous.is_dir():
            raise BatchAbort(f"--previous 应为上年报告所在的目录：{display_text(str(self.previous), 300)}")
        try:
            found = discover(self.previous, exclude=self.out_dir, readable=PREVIOUS_READABLE, list_others=False)
        except OSError as exc:
            raise BatchAbort(f"无法读取上年报告目录：{exc.strerror or exc}") from exc
        cache = self.out_dir / PREVIOUS_CACHE
        cache.mkdir(exist_ok=True)
        tasks = []
        known: dict[str, tuple[str, Path]] = {}
        for i, rel in enumerate(found.inputs):
            path = found.path(rel)
            try:
                sha = _sha256(path)
            except OSError as exc:
                self.prev_problems.append({"rel": f"（上年）{rel}", "reason": f"无法读取：{exc.strerror or exc}"})
                continue
            target = cache / f"{sha}.json"
            known[rel] = (sha, target)
            if not target.exists():
                tasks.append({"id": i, "kind": "previous", "rel": rel, "path": str(path), "cache": str(target)})
        if tasks:
            self._note(f"读取上年报告 {len(tasks)} 份…")
            with pool_mod.Pool(_work_fn(), self._config(staging), jobs=self.jobs, timeout=self.timeout) as pool:
                by_id = {t["id"]: t for t in tasks}
                for res in pool.run(tasks):
                    if not res.get("ok"):
                        rel = by_id[res["id"]]["rel"]
                        reason = res.get("message") or _pool_error_message(res, self.timeout)
                        self.prev_problems.append({"rel": f"（上年）{rel}", "reason": reason})
        wanted = {target for _, target in known.values()}
        for stale in cache.glob("*.json"):  # last year's files no longer in PREV_DIR
            if stale not in wanted:
                with contextlib.suppress(OSError):
                    stale.unlink()
        for rel, (sha, target) in known.items():
            try:
                data = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            agency = data.get("agency")
            if not agency_key(agency):
                self.prev_problems.append({"rel": f"（上年）{rel}", "reason": "没有单位名称，无法与今年的报告对应"})
                continue
            year = data.get("year") if isinstance(data.get("year"), int) else None
            entry = {"year": year, "json": str(target), "sha": sha, "rel": rel}
            self.prev_index.setdefault(agency_key(agency), []).append(entry)

    # -------------------------------------------------------------- plan
    def _context(self) -> dict[str, Any]:
        """What, besides the input's content, its recorded result depends on (formats: see ``_reusable``)."""
        return {"v": BATCH_VERSION}

    def _plan(self, found: Discovery) -> list[_Planned]:
        todo = []
        for rel in found.inputs:
            path = found.path(rel)
            try:
                sha, size = _sha256(path), path.stat().st_size
            except OSError:
                sha, size = "", 0  # the worker will report it unreadable
            entry = self.manifest.get(rel)
            if not self.force and sha and entry and self._reusable(entry, sha):
                self.reused += 1
                continue
            todo.append(_Planned(rel, path, sha, size))
        return todo

    def _reusable(self, entry: dict[str, Any], sha: str) -> bool:
        result = entry["result"]
        if entry.get("sha256") != sha or entry.get("ctx") != self._context():
            return False
        if result.get("status") in (FAILED, None):
            return False  # crashes and timeouts are tried again
        expected = choose_previous(self.prev_index, result.get("agency"), result.get("year"))
        if (expected or {}).get("sha") != result.get("prev"):
            return False
        compiled = bool(result.get("outputs"))
        if compiled and not self._outputs_exist(entry):
            return False
        return compiled or result.get("status") == ERRORS or result.get("status") == UNREADABLE

    def _outputs_exist(self, entry: dict[str, Any]) -> bool:
        outputs = entry["result"].get("outputs") or {}
        return all(f in outputs and (self.out_dir / outputs[f]).is_file() for f in self.formats)

    # -------------------------------------------------------------- run
    def _config(self, staging: Path) -> dict[str, Any]:
        hooks = {k: os.environ.get(f"NIANBAO_TEST_{k.upper()}") for k in ("crash", "hang", "hog")}
        return {
            "formats": self.formats,
            "force": self.force,
            "staging": str(staging),
            "previous": self.prev_index,
            "hooks": {k: v for k, v in hooks.items() if v},
        }

    def _run(self, plan: list[_Planned], found: Discovery, staging: Path) -> None:
        total = len(found.inputs)
        tasks = [
            {"id": i, "kind": "report", "rel": p.rel, "path": str(p.path), "key": f"{i:06d}"}
            for i, p in enumerate(plan)
        ]
        by_id = {t["id"]: p for t, p in zip(tasks, plan, strict=True)}
        progress = BatchProgress(self.progress, total=total, done=self.reused, err=self.err)
        if self.reused:
            progress.note(f"{self.reused} 个文件自上次运行以来未改变，沿用已有结果（--force 可全部重做）")
        planned = {p.rel for p in plan}
        errors = sum(
            1
            for rel, entry in self.manifest.entries.items()
            if rel not in planned and entry["result"].get("status") in (ERRORS, UNREADABLE, FAILED)
        )
        # The first file seen for each agency and year, so the live log can flag a duplicate when it appears.
        seen: dict[tuple[str, str], str] = {}
        for rel in found.inputs:
            entry = self.manifest.entries.get(rel)
            key = _duplicate_key_of(entry["result"]) if entry and rel not in planned else None
            if key is not None:
                seen.setdefault(key, rel)
        progress.start(errors)
        try:
            if not tasks:
                return
            jobs = min(self.jobs or os.cpu_count() or 1, len(tasks))
            with pool_mod.Pool(_work_fn(), self._config(staging), jobs=jobs, timeout=self.timeout) as pool:
                for res in pool.run(tasks):
                    item = by_id[res["id"]]
                    result = self._place(item, self._normalise(res, item))
                    key = _duplicate_key_of(result)
                    first = seen.setdefault(key, item.rel) if key is not None else item.rel
                    progress.advance(result, duplicate_of=None if first == item.rel else first)
                self.pool_stats = pool.stats
        finally:
            progress.stop()

    def _normalise(self, res: dict[str, Any], planned: _Planned) -> dict[str, Any]:
        """A worker's result, or the pool's word on a task it had to give up on, as a file result."""
        if "pool_error" not in res:
            return res
        message = _pool_error_message(res, self.timeout)
        code = {"timeout": "TIMEOUT", "memory": "MEMORY_LIMIT", "crash": "WORKER_CRASH"}.get(
            res["pool_error"], "INTERNAL_ERROR"
        )
        return {
            "rel": planned.rel,
            "status": FAILED,
            "agency": None,
            "year": None,
            "findings": [CATALOG[code].at(message).to_json()],
            "tables": None,
            "outputs": {},
            "stem": "",
            "message": message,
            "prev": None,
        }

    # -------------------------------------------------------------- placing outputs
    def _join(self, rel: str, stem: str) -> str:
        key = stem_key(stem)
        members = self.groups.setdefault(key, [])
        if rel not in members:
            members.append(rel)
            members.sort()
        self.member_of[rel] = key
        return key

    def _leave(self, rel: str) -> None:
        key = self.member_of.pop(rel, None)
        if key is None:
            return
        members = self.groups.get(key, [])
        if rel in members:
            members.remove(rel)
        if members:
            self._relayout(key)
        else:
            self.groups.pop(key, None)

    def _relayout(self, key: str, *, skip: str | None = None) -> None:
        """Give every member of a name group its deterministic name, moving files whose name changed.

        Two phases (to temporary names, then to the final ones), each move
        recorded in the manifest right after it, so the manifest never names a
        file that holds another input's report.
        """
        moves = []
        for i, rel in enumerate(self.groups.get(key, [])):
            if rel == skip:
                continue
            result = self.manifest.entries[rel]["result"]
            want = numbered(result["stem"], i)
            if any(Path(name).stem != want for name in result["outputs"].values()):
                moves.append((rel, want))
        staged: list[tuple[str, str, dict[str, str]]] = []
        for n, (rel, want) in enumerate(moves):
            temp = {}
            for fmt, name in self.manifest.entries[rel]["result"]["outputs"].items():
                if (self.out_dir / name).is_file():
                    temp[fmt] = f".~nianbao-move-{n}-{uuid.uuid4().hex[:8]}.{fmt}"
                    os.replace(self.out_dir / name, self.out_dir / temp[fmt])
            self._record_outputs(rel, temp)
            staged.append((rel, want, temp))
        for rel, want, temp in staged:
            final = {}
            for fmt, name in temp.items():
                final[fmt] = f"{want}.{fmt}"
                os.replace(self.out_dir / name, self.out_dir / final[fmt])
            self._record_outputs(rel, final)

    def _record_outputs(self, rel: str, outputs: dict[str, str]) -> None:
        entry = dict(self.manifest.entries[rel])
        entry["result"] = dict(entry["result"], outputs=outputs)
        self.manifest.record(entry)

    def _place(self, planned: _Planned, result: dict[str, Any]) -> dict[str, Any]:
        """Move a finished file's outputs to their final names, then record it in the manifest."""
        rel = planned.rel
        staged = result.get("outputs") or {}
        new_key = stem_key(result["stem"]) if staged else None
        old_outputs = dict(self.manifest.entries[rel]["result"]["outputs"]) if rel in self.member_of else {}
        if rel in self.member_of and self.member_of[rel] != new_key:
            # Its old outputs go (recorded at once), and the rest of its old group closes ranks.
            for name in old_outputs.values():
                with contextlib.suppress(OSError):
                    (self.out_dir / name).unlink()
            self._record_outputs(rel, {})
            self._leave(rel)
            old_outputs = {}
        final: dict[str, str] = {}
        if staged:
            if rel not in self.member_of:
                self._join(rel, result["stem"])
                self._relayout(self.member_of[rel], skip=rel)  # members after it move up first
            stem = numbered(result["stem"], self.groups[self.member_of[rel]].index(rel))
            for fmt, src in staged.items():
                final[fmt] = f"{stem}.{fmt}"
                os.replace(src, self.out_dir / final[fmt])
        for fmt, name in old_outputs.items():
            if final.get(fmt) != name:
                with contextlib.suppress(OSError):
                    (self.out_dir / name).unlink()
        result = dict(result, outputs=final)
        self.manifest.record(
            {"rel": rel, "sha256": planned.sha, "size": planned.size, "ctx": self._context(), "result": result}
        )
        return result

    # -------------------------------------------------------------- finish
    def _finish(self, found: Discovery, *, json_out: bool) -> int:
        files = [self._file_row(rel) for rel in found.inputs]
        chosen = select(files)
        _flag_duplicates(chosen.duplicate_groups)
        acc = Rollup()
        with_errors = 0
        for f in chosen.included:
            acc.add(f["tables"], f["year"])
            with_errors += f["status"] == ERRORS
        skipped = [{"rel": s.rel, "reason": s.reason} for s in found.skipped] + self.prev_problems
        summary_path = self.out_dir / SUMMARY_NAME
        try:
            write_summary(
                summary_path,
                files,
                rollup=acc,
                rollup_errors=with_errors,
                selection=chosen,
                skipped=skipped,
                formats=self.formats,
                name=self.rollup_name,
            )
        except OSError as exc:  # full disk, folder gone read-only: the reports written so far stay valid
            self.err.print(plain_text(write_error_message(summary_path, exc)))
            summary_failed = True
        else:
            summary_failed = False
        rollup_outputs = self._rollup_outputs(acc, chosen)
        self.manifest.compact(keep=set(found.inputs))
        code = EXIT_UNUSABLE if summary_failed else self._exit_code(files, found)
        doc = self._summary_json(files, found, acc, chosen, with_errors, rollup_outputs, summary_path, code)
        out = make_console(sys.stderr if json_out else sys.stdout)
        final_table(out, doc, files, found)
        if json_out:
            text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
            sys.stdout.write(text.encode("utf-8", "replace").decode("utf-8"))
            sys.stdout.flush()
        return code

    def _file_row(self, rel: str) -> dict[str, Any]:
        entry = self.manifest.get(rel)
        result = entry["result"] if entry else {"status": FAILED, "message": "未处理（批处理被中断？）"}
        findings = list(result.get("findings") or [])
        counts = {s: sum(1 for f in findings if f.get("severity") == s) for s in ("error", "warning", "notice")}
        message = result.get("message")
        if not message and counts["error"]:
            message = next(f["message"] for f in findings if f.get("severity") == "error")
        return {
            "rel": rel,
            "agency": result.get("agency"),
            "year": result.get("year"),
            "status": result.get("status", FAILED),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "notices": counts["notice"],
            "figures": key_figure_values(result.get("tables")),
            "outputs": dict(result.get("outputs") or {}),
            "message": message or "",
            "findings": findings,
            "tables": result.get("tables"),
            "elapsed": result.get("elapsed"),
        }

    def _rollup_outputs(self, acc: Rollup, chosen: Selection) -> dict[str, str]:
        """The roll-up as a Word and HTML report ``<NAME>政府信息公开申请情况汇总`` (with ``--rollup-name``).

        The names are recorded in the manifest before they are written, and the
        previous run's roll-up files that this run did not rewrite (another
        name, no ``--rollup-name``, a failed write) are removed afterwards.
        """
        old = dict(self.manifest.rollup_outputs)
        outputs: dict[str, str] = {}
        if self.rollup_name:
            name = self.rollup_name
            title = ROLLUP_TITLE.format(name=name)
            report = acc.report(name, chosen.year)
            year = f"{chosen.year}年度" if chosen.year is not None else "年度"
            report.narrative[report.schema.narrative[0].key] = (
                f"本汇总由{name}所属 {acc.files} 个单位报送的{year}报告数据逐项相加而成。"
            )
            stem = safe_filename(title)
            while stem_key(stem) in self.groups:  # an input's fallback name could be the same
                stem += "_"
            wanted = ["docx", "html"] + (["pdf"] if "pdf" in self.formats else [])
            self.manifest.record_rollup(old | {f"new-{f}": f"{stem}.{f}" for f in wanted})
            try:
                from ..render.docx import write_docx

                docx = self.out_dir / f"{stem}.docx"
                write_docx(report, docx, title=title)
                outputs["docx"] = docx.name
                from ..render.html import write_html

                html = self.out_dir / f"{stem}.html"
                write_html(report, html, title=title)
                outputs["html"] = html.name
                if "pdf" in self.formats:
                    from ..render.pdf import write_pdf

                    pdf = self.out_dir / f"{stem}.pdf"
                    write_pdf(docx, pdf)
                    outputs["pdf"] = pdf.name
            except Exception as exc:  # the summary is written; say what failed
                self.err.print(plain_text(f"生成汇总报告失败：{type(exc).__name__}: {exc}"))
        keep = set(outputs.values()) | {n for e in self.manifest.entries.values() for n in _outputs_of(e)}
        for name in sorted(set(old.values()) - keep):
            self._unlink_output(name)
        if old or outputs:
            self.manifest.record_rollup(outputs)
        return outputs

    def _exit_code(self, files: list[dict[str, Any]], found: Discovery) -> int:
        bad = any(f["status"] in (ERRORS, UNREADABLE, FAILED) for f in files)
        unread_sheets = any(s.spreadsheet for s in found.skipped)
        return EXIT_PROBLEMS if bad or unread_sheets else EXIT_OK

    def _summary_json(
        self,
        files: list[dict[str, Any]],
        found: Discovery,
        acc: Rollup,
        chosen: Selection,
        with_errors: int,
        rollup_outputs: dict[str, str],
        summary_path: Path,
        code: int,
    ) -> dict[str, Any]:
        counts = {s: sum(1 for f in files if f["status"] == s) for s in (OK, WARNINGS, ERRORS, UNREADABLE, FAILED)}
        stats = self.pool_stats
        included = chosen.included_rels
        return {
            "in_dir": str(self.in_dir),
            "out_dir": str(self.out_dir),
            "total": len(files),
            "processed": len(files) - self.reused,
            "reused": self.reused,
            "counts": counts,
            "exit_code": code,
            "elapsed_s": round(time.monotonic() - self.started, 3),
            "summary": str(summary_path),
            "removed_stale_outputs": list(self.removed),
            "files": [
                {k: v for k, v in f.items() if k not in ("tables", "elapsed")}
                | {"status_label": STATUS_LABEL.get(f["status"], f["status"]), "in_rollup": f["rel"] in included}
                for f in files
            ],
            "skipped": [{"path": s.rel, "reason": s.reason, "spreadsheet": s.spreadsheet} for s in found.skipped],
            "previous_problems": self.prev_problems,
            "rollup": {
                "name": self.rollup_name,
                "year": chosen.year,
                "files": acc.files,
                "files_with_errors": with_errors,
                "duplicate_groups": [[f["rel"] for f in same] for same in chosen.duplicate_groups],
                "duplicates_left_out": chosen.count(DUPLICATE),
                "other_years_left_out": chosen.count(OTHER_YEAR),
                "excluded": [e.to_json() for e in chosen.excluded],
                "text_values_skipped": acc.text_count,
                "years": {str(k): v for k, v in acc.years.items()},
                "tables": acc.tables(),
                "outputs": rollup_outputs,
            },
            "workers": {
                "spawned": stats.spawned if stats else 0,
                "crashed": stats.crashed if stats else 0,
                "timed_out": stats.timed_out if stats else 0,
                "peak_rss_sum_kb": stats.peak_rss_sum_kb if stats else 0,
                "cpu_s": round(stats.cpu_s, 2) if stats else 0.0,
                "memory_limit_mb": pool_mod.memory_limit_mb(),
            },
        }

    def _note(self, text: str) -> None:
        if self.progress:
            self.err.print(plain_text(text))


# ---------------------------------------------------------------------- duplicates
def _flag_duplicates(groups: list[list[dict[str, Any]]]) -> None:
    """Two files for one agency and year: a warning on each (both are compiled; the roll-up takes the first)."""
    for same in groups:
        first = same[0]["rel"]
        year = same[0]["year"]
        year = f"{year}年" if isinstance(year, int) and not isinstance(year, bool) else "（年度不明）"
        for f in same:
            others = "、".join(g["rel"] for g in same if g is not f)
            message = (
                f"“{f['agency']}”{year}的报告有 {len(same)} 份（另见：{others}）；"
                f"汇总只计入 {first}。请确认保留哪一份，删除或移走其余的后重新运行。"
            )
            f["findings"] = [
                CATALOG["DUPLICATE_AGENCY"].at(message).to_json(),
                *f["findings"],
            ]
            f["warnings"] += 1
            if f["status"] == OK:
                f["status"] = WARNINGS
            f["message"] = f["message"] or message


def _duplicate_key_of(result: dict[str, Any]) -> tuple[str, str] | None:
    """The agency-and-year key of a file result that was read (``None`` otherwise)."""
    return duplicate_key(result.get("agency"), result.get("year")) if readable(result) else None


# ---------------------------------------------------------------------- recorded outputs
def _outputs_of(entry: dict[str, Any]) -> list[str]:
    """The output file names a manifest entry records (none for a malformed entry)."""
    outputs = (entry.get("result") or {}).get("outputs") or {}
    return [name for name in outputs.values() if isinstance(name, str)] if isinstance(outputs, dict) else []


def _is_output_name(name: object) -> bool:
    """A plain file name in OUT_DIR with one of our output suffixes (never the summary, manifest or a folder)."""
    if not isinstance(name, str) or not name or name.startswith(".") or "/" in name or "\\" in name:
        return False
    if name in (SUMMARY_NAME, MANIFEST_NAME, LOCK_NAME) or "\x00" in name:
        return False
    return Path(name).suffix.lower().lstrip(".") in FORMATS


# ---------------------------------------------------------------------- helpers
def _sha256(path: Path) -> str:
    """An input's content hash, read in blocks (the manifest's key for "unchanged")."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _work_fn() -> Any:
    """The worker entry point, imported only when a pool is started (the parent stays light)."""
    from .worker import process

    return process


def _pool_error_message(res: dict[str, Any], timeout: float | None) -> str:
    """What to tell the user about a task the pool gave up on (time limit, memory limit, crash)."""
    kind = res.get("pool_error")
    if kind == "timeout":
        return f"处理超时：超过 {timeout:g} 秒仍未完成，已停止（可用 --timeout 调整时限）"
    if kind == "memory":
        return f"内存超限：处理此文件需要超过 {pool_mod.memory_limit_mb()} MB 内存，已停止"
    if kind == "crash":
        return f"处理此文件时{res.get('detail') or '处理进程异常退出'}；其余文件不受影响"
    if kind == "start":
        return "无法启动处理进程"
    return f"处理时发生内部错误（{res.get('detail') or '未知'}）"


def iter_results(out_dir: Path) -> Iterator[dict[str, Any]]:
    """The manifest's file results (for tools and tests)."""
    for entry in Manifest(out_dir).load().entries.values():
        yield entry["result"]


__all__ = ["Batch", "BatchAbort", "iter_results"]
