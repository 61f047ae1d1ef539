"""Shared fixtures: the schema, and LibreOffice for the real-office tests."""

from __future__ import annotations

import os

import pytest

from compiler.schema import get_schema
from compiler.util.office import find_soffice


@pytest.fixture(scope="session")
def schema():
    return get_schema()


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of soffice; skips locally when absent, fails under CI=true."""
    path = find_soffice()
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but LibreOffice (soffice) is not installed")
    pytest.skip("LibreOffice (soffice) not installed")


def require_tool(name: str) -> str:
    """A command-line tool the test needs (e.g. ``pdftotext``): skip locally when absent, fail under CI=true."""
    import shutil

    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {name} is not installed")
    pytest.skip(f"{name} not installed")
