"""The explorer in a real browser (Debian's chromium through Playwright): in JupyterLab, and as the Voilà app that
`kg-metrics explore` serves. A value typed beside the services slider changes the annual GRDP growth shown to
the value the library computes; in the app, Reset goes back, Save as… writes into a folder the user chose (asking
"Overwrite?" for an existing file), and the saved scenario builds in batch.

Marked e2e (a server, a kernel and a browser: ~20–40 s each). Screenshots are kept in each test's tmp_path.
``KG_METRICS_CHROMIUM=/path`` points them at another Chromium; ``playwright install`` is never used.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg_metrics import paths
from kg_metrics.analysis.scenarios import scenario_outcome
from kg_metrics.data.scenario_files import H2Growth, Scenario, load_scenario
from kg_metrics.text.format import format_pct
from tests.conftest import GRDP_SYNTHETIC_ROWS

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("KG_METRICS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BIN = Path(sys.executable).parent
#: What the GRDP outcome needs but was not published by 18/7/2024 (as tests/report/test_sections_scenario.py):
#: services' and product taxes' H1 2023 levels and the components' H1 2024 growth; synthetic estimates.
SYNTHETIC_ROWS = [
    *GRDP_SYNTHETIC_ROWS,
]
SERVICES = 9.3  # from the H1 pace 9,8: what users tried (issue 14)
TYPED = "9,30"
SERVICES_BOX = ".kg-control-va_services input[type='text']"
HEADLINE = ".kg-grdp-annual"


@pytest.fixture
def synthetic(tmp_path, csv_tools):
    """A copy of data/ in which the year's GRDP growth can be computed; (data_dir, registry, observations)."""
    dest = csv_tools.copy_data(tmp_path)
    csv_tools.add_observations_by_file(dest, SYNTHETIC_ROWS)
    return (dest, *csv_tools.load(dest))


def _expected(reg, obs, **sectors: float) -> tuple[str, str]:
    """(the starting annual GRDP growth, the growth with ``sectors``' H2 growth), as the explorer shows them (vi)."""
    start = scenario_outcome(reg, obs).grdp_annual_growth_pct
    sc = Scenario(name="check", title_vi="check", title_en="check",
                  sectors={k: H2Growth(h2_growth_pct=v, justification="test", source="explorer (test)")
                           for k, v in sectors.items()})
    after = scenario_outcome(reg, obs, sc).grdp_annual_growth_pct
    assert start is not None and after is not None
    shown = format_pct(start, "vi"), format_pct(after, "vi")
    assert shown == ("6,84%", "6,75%") and shown[0] != shown[1]
    return shown


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    """A private HOME and Jupyter folders (no user settings, kernels or workspaces leak in); the data copy."""
    home = tmp_path / "home"
    env = dict(os.environ, HOME=str(home), KG_METRICS_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
                     ("IPYTHONDIR", "ipython")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    env.pop("KG_METRICS_SCENARIOS_DIR", None)
    # JupyterLab: start the notebook's kernel without asking, and no news or update prompts (no network)
    settings = home / "lab-settings" / "@jupyterlab"
    for ext, values in (("notebook-extension/tracker", '{"autoStartDefaultKernel": true}'),
                        ("apputils-extension/notification", '{"fetchNews": "false", "checkForUpdates": false}')):
        (settings / ext).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{ext}.jupyterlab-settings").write_text(values, encoding="utf-8")
    return env


class Server:
    """A server subprocess in its own process group, logged to a file; stopped (the whole group) by ``stop``."""

    def __init__(self, cmd: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.log = log
        self._fh = open(log, "wb")
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self._fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}:\n{self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{url} not ready after {timeout} s:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        except ProcessLookupError:
            pass
        finally:
            self._fh.close()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set KG_METRICS_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _page(browser, errors: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _type_services(page, expect, start: str, after: str, shots: Path, name: str) -> None:
    """The explorer is live with ``start``; type 9,30 beside the services slider and see ``after``."""
    headline = page.locator(HEADLINE)
    expect(headline).to_have_text(start, timeout=120_000)
    box = page.locator(SERVICES_BOX)
    expect(box).to_have_value("9,80")  # the readout in Vietnamese notation
    page.screenshot(path=shots / f"{name}-before.png", full_page=True)
    box.fill(TYPED)
    box.press("Enter")
    expect(headline).to_have_text(after, timeout=30_000)
    expect(box).to_have_value(TYPED)
    # the results beside the controls say the same (the headline is set after them): no stale outcome on the page
    results = page.locator(".kg-explorer-results")
    expect(results).to_contain_text(f"theo kịch bản: {after}")
    assert f"theo kịch bản: {start}" not in results.inner_text()
    expect(results).to_contain_text("9,30%")  # the services' H2 growth in the components' table
    page.screenshot(path=shots / f"{name}-after.png", full_page=True)


def _side_by_side(page) -> None:
    controls = page.locator(".kg-explorer-controls").bounding_box()
    outcome = page.locator(".kg-explorer-outcome").bounding_box()
    assert outcome["x"] >= controls["x"] + controls["width"] - 1, (controls, outcome)  # right of the controls
    assert abs(outcome["y"] - controls["y"]) < 5


def test_jupyterlab_run_all_then_type_a_value(tmp_path, synthetic, browser):
    from playwright.sync_api import expect

    data_dir, reg, obs = synthetic
    start, after = _expected(reg, obs, va_services=SERVICES)
    root = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    t0 = time.monotonic()
    server = Server([str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                     f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                     "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else [])],
                    _env(tmp_path, data_dir), root, tmp_path / "jupyterlab.log")
    errors: list[str] = []
    try:
        server.wait_ready(f"http://127.0.0.1:{port}/api/status?token={token}")
        page = _page(browser, errors)
        page.goto(f"http://127.0.0.1:{port}/lab/tree/explorer.ipynb?token={token}")
        expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)
        page.screenshot(path=tmp_path / "lab-opened.png")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        # the parameters cell ran: the run started (its prompt shows a number)
        expect(page.locator(".jp-CodeCell .jp-InputPrompt").first).to_contain_text(re.compile(r"\[\d+\]"),
                                                                                   timeout=30_000)
        _type_services(page, expect, start, after, tmp_path, "lab")
        # the code is there, and the old static results cell is gone: the only outcome is the live one
        assert page.locator(".jp-Notebook .jp-InputArea").count() >= 6
        assert page.locator(".kg-explorer-results").count() == 1
        _side_by_side(page)
    finally:
        server.stop()
    assert not errors, errors
    print(f"jupyterlab: {time.monotonic() - t0:.1f} s")


def test_voila_app_types_resets_saves_and_the_saved_scenario_builds(tmp_path, synthetic, browser):
    from playwright.sync_api import expect

    data_dir, reg, obs = synthetic
    start, after = _expected(reg, obs, va_services=SERVICES)
    saved_dir = tmp_path / "my scenarios"
    port = _free_port()
    t0 = time.monotonic()
    # the command users run: `kg-metrics explore`, data from the copy
    server = Server([str(BIN / "kg-metrics"), "--data-dir", str(data_dir), "explore", "--no-browser",
                     f"--port={port}"], _env(tmp_path, data_dir), tmp_path, tmp_path / "voila.log")
    errors: list[str] = []
    try:
        server.wait_ready(f"http://localhost:{port}/voila/static/voila.js", timeout=60)
        page = _page(browser, errors)
        page.goto(f"http://localhost:{port}/", timeout=120_000)
        _type_services(page, expect, start, after, tmp_path, "voila")
        _side_by_side(page)
        # no code on the page: Voilà shows outputs only
        content = page.content()
        assert "Explorer.load" not in content and "explorer.controls()" not in content
        # full labels, not cut
        expect(page.locator(".kg-control-ipv")).to_contain_text("Giá trị sản xuất công nghiệp (giá so sánh 2010)")
        # a value that is not Vietnamese notation is refused, and the box shows the value kept
        box = page.locator(SERVICES_BOX)
        box.fill("9.5")
        box.press("Enter")
        expect(page.locator(".kg-explorer-status")).to_contain_text("không phải là số")
        expect(box).to_have_value(TYPED)
        expect(page.locator(HEADLINE)).to_have_text(after)

        # Save as… into a folder of the user's choice; a second save asks "Overwrite?"
        page.locator(".kg-explorer-save-name input").fill("mine")
        page.locator(".kg-explorer-save-folder input").fill(str(saved_dir))
        page.locator(".kg-explorer-save-folder input").press("Enter")
        page.locator("button.kg-explorer-save").click()
        saved = saved_dir / "mine.yml"
        expect(page.locator(".kg-explorer-status")).to_contain_text(str(saved))
        first = saved.read_text(encoding="utf-8")
        overwrite = page.locator("button.kg-explorer-overwrite")
        expect(overwrite).to_be_hidden()
        page.locator("button.kg-explorer-save").click()
        expect(overwrite).to_be_visible()
        expect(page.locator(".kg-explorer-status")).to_contain_text("Ghi đè?")
        page.screenshot(path=tmp_path / "voila-overwrite.png", full_page=True)
        overwrite.click()
        expect(overwrite).to_be_hidden()
        expect(page.locator(".kg-explorer-status")).to_contain_text("Đã lưu")
        assert saved.read_text(encoding="utf-8") == first  # same values, same file
        assert not (data_dir / "scenarios" / "mine.yml").exists()  # never silently into data/

        # Reset: back to the starting scenario
        page.locator("button.kg-explorer-reset").click()
        expect(page.locator(HEADLINE)).to_have_text(start)
        expect(box).to_have_value("9,80")
        page.screenshot(path=tmp_path / "voila-reset.png", full_page=True)
    finally:
        server.stop()
    assert not errors, errors
    seconds = time.monotonic() - t0

    sc = load_scenario(saved, reg=reg)
    assert sc.name == "mine" and sc.sectors["va_services"].h2_growth_pct == SERVICES
    assert f"{scenario_outcome(reg, obs, sc).grdp_annual_growth_pct:.2f}".replace(".", ",") + "%" == after
    # the batch build finds scenarios in <data_dir>/scenarios: the user copies the file there
    shutil.copy(saved, data_dir / "scenarios" / "mine.yml")
    out = tmp_path / "outputs"
    build = subprocess.run([str(BIN / "kg-metrics"), "--data-dir", str(data_dir), "build", "--scenario", "mine",
                            "--sector", "tourism", "--lang", "vi", "--out", str(out), "--quiet"],
                           capture_output=True, text=True, timeout=600, env={**os.environ, "HOME": str(tmp_path / "home")})
    assert build.returncode == 0, build.stdout + build.stderr
    assert (out / "scenarios/mine/vi/tourism.pdf").exists()
    print(f"voila: {seconds:.1f} s; build: {time.monotonic() - t0 - seconds:.1f} s")
