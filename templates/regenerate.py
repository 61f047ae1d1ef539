"""Regenerate the committed blank template: ``.venv/bin/python templates/regenerate.py``.

``tests/test_template.py`` fails until this is run after a change to the
schema or the writer, so the file under ``templates/`` never goes stale.
"""

from __future__ import annotations

from pathlib import Path

from compiler.template import BLANK_TEMPLATE_NAME
from compiler.template.writer import write_template


def main() -> None:
    path = write_template(Path(__file__).with_name(BLANK_TEMPLATE_NAME))
    print(f"已生成 {path}")


if __name__ == "__main__":
    main()
