"""The use cases: one function per command, plain arguments in, a typed result out.

Every front-end (the Typer CLI in ``compiler.cli``, the web service) calls
these and only translates: options → arguments, result → text or JSON,
``CommandError`` → message and exit code (``compiler.exitcodes``). Problems in
a user's file are findings in the result, never exceptions.

| use case | function | result |
|---|---|---|
| template | ``template.template(output, agency=, year=, roster=, from_=)`` | ``TemplateResult`` / ``RosterResult`` |
| export | ``export.export(file, output=None)`` | ``ReadResult`` |
| check | ``check.check_files(files, previous=, annotate=)`` | ``CheckRun`` |
| compile | ``compile.compile_report(file, output=, formats=, force=, style=)`` | ``CompileResult`` |
| batch | ``batch.run_batch(in_dir, output, jobs=, formats=, …)`` | ``BatchOutcome`` |
| import | ``import_.import_report(file, output=None)`` | ``ReadResult`` |
| audit | ``audit.audit_files(files, previous=, annotate=)`` | ``CheckRun`` |

Submodules are imported on use (``from compiler.commands.check import check_files``)
so that a front-end's start-up stays fast.
"""

from __future__ import annotations

from .errors import CommandError, InputError, OutputError, UsageError

__all__ = ["CommandError", "InputError", "OutputError", "UsageError"]
