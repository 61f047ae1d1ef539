"""``nianbao serve`` end to end in a real browser: Debian's chromium driven by Selenium through Debian's chromedriver.

A real server process (``nianbao serve run``) on loopback; a clerk opens the
private link, uploads a sheet with an error, sees the finding by sheet and
cell, uploads the fixed sheet and downloads the Word report; the officer logs
in and sees the status change. Screenshots of both pages (desktop and phone
width) are saved under ``out/test-artifacts/serve/`` (``NIANBAO_ARTIFACTS``
overrides) for a person to look at.

A second test kills the server (SIGKILL) in the middle of an upload and
checks that nothing partial is left and that what was acknowledged survives.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import Round, bad_sheet, good_sheet, make_round

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("NIANBAO_ARTIFACTS", ROOT / "out" / "test-artifacts")) / "serve"
NAMES = ["衢州市示例局", "衢州市另一局", "<b>衢州市第三局</b>"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "compiler.cli", "serve", "run", str(self.root), "--port", str(self.port)]
        self.log = (self.root.parent / f"server-{time.monotonic_ns()}.log").open("wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)
        self.log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Round, Served]]:
    rnd = make_round(tmp_path, NAMES)
    server = Served(rnd.root)
    server.start()
    try:
        yield rnd, server
    finally:
        server.stop()


@pytest.fixture
def browser(tmp_path: Path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium / chromium-driver are not installed")
        pytest.skip("chromium and chromium-driver (Debian) are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    # LANGUAGE: the browser's own words (the file picker's button) in Chinese, as a clerk's browser shows them.
    service = Service(CHROMEDRIVER, env={**os.environ, "LANGUAGE": "zh_CN"})
    driver = webdriver.Chrome(service=service, options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def submit(driver, path: Path | None = None) -> None:
    """Choose ``path`` in the file field (if given), submit the form and wait for the next page to load."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    if path is not None:
        driver.find_element(By.ID, "file").send_keys(str(path))
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(ec.staleness_of(old))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def shot(driver, name: str, width: int = 1280) -> Path:
    """A full-page screenshot at ``width`` CSS pixels."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(600, min(int(height) + 140, 4000)))
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def test_clerk_fixes_sheet_and_officer_sees_it(served, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    rnd, server = served
    link = server.base + rnd.links[NAMES[0]]

    def officer_sees(status: str) -> str:
        browser.get(server.base + "/admin")
        table = browser.find_element(By.CSS_SELECTOR, "table.round").text
        row = next(line for line in table.splitlines() if line.startswith(NAMES[0]))
        assert status in row, table
        return table

    # 0. The officer logs in: nothing uploaded yet.
    browser.get(server.base + "/admin")
    assert "管理员令牌" in browser.page_source
    browser.find_element(By.ID, "token").send_keys(rnd.admin)
    submit(browser)
    officer_sees("未报送")

    # 1. The clerk opens the link and uploads a sheet with an error: the finding names sheet and cell, in Chinese.
    browser.get(link)
    assert NAMES[0] in browser.find_element(By.TAG_NAME, "h1").text
    assert "未报送" in browser.find_element(By.CSS_SELECTOR, ".status-line").text
    bad = bad_sheet(tmp_path / "填报表.xlsx", NAMES[0])
    submit(browser, bad)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")
    assert rows, browser.page_source[:500]
    first = rows[0].text
    assert "错误" in first and "表三" in first and "T3_BALANCE" in first
    assert "有错误" in browser.find_element(By.CSS_SELECTOR, ".status-line").text
    assert not browser.find_elements(By.PARTIAL_LINK_TEXT, "Word 报告")
    shot(browser, "clerk-errors")
    shot(browser, "clerk-errors-phone", width=390)
    browser.set_window_size(1280, 1000)
    officer_sees("有错误")

    # 2. The fixed sheet passes; the Word report downloads.
    browser.get(link)
    good = good_sheet(tmp_path / "填报表（改）.xlsx", NAMES[0])
    submit(browser, good)
    assert "通过" in browser.find_element(By.CSS_SELECTOR, ".verdict").text
    history = browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    assert len(history) == 2
    shot(browser, "clerk-passed")
    browser.find_element(By.LINK_TEXT, "Word 报告").click()
    deadline = time.monotonic() + 30
    got: list[Path] = []
    while time.monotonic() < deadline:
        got = [p for p in browser.downloads.iterdir() if p.suffix == ".docx"]
        if got:
            break
        time.sleep(0.2)
    assert got, "the Word report was not downloaded"
    from docx import Document

    assert NAMES[0] in "\n".join(p.text for p in Document(str(got[0])).paragraphs)

    # 3. The officer sees 通过 for this agency, 未报送 for the others, names shown as text.
    table = officer_sees("通过")
    lines = table.splitlines()
    assert any(NAMES[1] in line and "未报送" in line for line in lines), table
    assert any("<b>衢州市第三局</b>" in line for line in lines), table  # shown as text, not markup
    shot(browser, "officer")
    shot(browser, "officer-phone", width=390)


def test_killed_mid_upload_leaves_nothing_partial_and_keeps_what_was_acknowledged(served, tmp_path: Path) -> None:
    rnd, server = served
    link = rnd.links[NAMES[0]]
    sheet = good_sheet(tmp_path / "g.xlsx", NAMES[0])
    body, ctype = _multipart(sheet.read_bytes(), "g.xlsx")
    req = urllib.request.Request(
        server.base + link + "/upload", data=body, headers={"content-type": ctype, "accept": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        acknowledged = json.loads(resp.read())["id"]

    # Half an upload, then SIGKILL.
    big, ctype = _multipart(b"PK\x03\x04" + os.urandom(2_000_000), "half.xlsx")
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        head = (
            f"POST {link}/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(big)}\r\nAccept: application/json\r\n\r\n"
        )
        s.sendall(head.encode() + big[: len(big) // 2])
        time.sleep(0.5)
        server.stop(signal.SIGKILL)
    server.start()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(server.base + link, headers={"accept": "application/json"}), timeout=10
        ) as resp:
            uploads = json.loads(resp.read())["uploads"]
        assert [u["id"] for u in uploads] == [acknowledged]
        stored = [p for p in (rnd.root / "files").rglob("*") if p.is_file()]
        assert len(stored) == 1 and stored[0].stat().st_size == sheet.stat().st_size
    finally:
        server.stop()
    shutil.rmtree(rnd.root / "outputs", ignore_errors=True)


def _multipart(data: bytes, name: str) -> tuple[bytes, str]:
    boundary = "nianbao-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"
