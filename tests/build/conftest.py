"""Fixtures of the build tests: a faked published set (fast), and real builds through the command (e2e)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg_metrics.build.manifest import MANIFEST
from kg_metrics.build.publish import Publisher
from kg_metrics.cli import EXIT_OK

import nbformat  # noqa: E402  after kg_metrics.build, which spares jsonschema a slow optional import (build/__init__)

from tests.conftest import DATA_DIR


#: The build's stamp (kg_metrics.build.provenance.stamp) for an index written without a build.
INDEX_COMMON = {"build_time": "2024-08-01T10:00:00+00:00", "commit": "abc123", "data_checksum": "f" * 64,
                "versions": {"kg_metrics": "0.1.0", "pandas": "2.2"}, "vintage": "2024-07-10",
                "resolution_vi": "Nghị quyết số 21/NQ-HĐND", "resolution_en": "Resolution No. 21/NQ-HĐND",
                "as_of": "2024-07-18"}


def fake_release(root: Path) -> Path:
    """A release's briefings as the index finds them (placeholder files, no build): built, the vi overview and
    tourism, the en tourism, a low-scenario vi tourism; failed, the vi culture briefing (a page, no PDF)."""
    for rel in ("vi/overview.html", "vi/overview.pdf", "vi/tourism.html", "vi/tourism.pdf", "en/tourism.html",
                "en/tourism.pdf", "vi/culture_society.html", "scenarios/low/vi/tourism.html",
                "scenarios/low/vi/tourism.pdf"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    return root


@pytest.fixture
def published(tmp_path) -> Path:
    """An outputs folder holding one published release, made with the real publisher (no build)."""
    return publish_one(tmp_path / "outputs")


def publish_one(out: Path) -> Path:
    """Publish one small release into ``out`` with the real publisher (no build): a Vietnamese overview page, an
    index and an empty manifest, and one line of run log."""
    pub = Publisher(out)
    staging = pub.stage()
    (staging / "vi").mkdir()
    (staging / "vi" / "overview.html").write_text("<p>bản tin trước</p>", encoding="utf-8")
    (staging / "index.html").write_text("<p>index</p>", encoding="utf-8")
    (staging / MANIFEST).write_text('{"briefings": {}, "index": {}}', encoding="utf-8")
    pub.publish(staging)
    pub.log([{"briefing": "vi/overview", "status": "built"}])
    return out


def everything(out: Path) -> dict[str, bytes]:
    """Every file and folder under ``out`` (but the lock) with its content: to prove nothing changed."""
    return {str(p.relative_to(out)): (p.read_bytes() if p.is_file() else b"dir")
            for p in out.rglob("*") if not p.name.endswith(".lock")}


def mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.lstat().st_mtime_ns for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def cli(data: Path, out: Path, *extra: str, env: dict | None = None, **kw) -> subprocess.Popen:
    """``kg-metrics build`` in a process (and session) of its own, so that a test may SIGKILL it.

    In Vietnamese only unless ``extra`` names a language: these tests are about building and publishing, and
    the default (every language) would double their briefings and their time."""
    langs = () if "--lang" in extra else ("--lang", "vi")
    cmd = [sys.executable, "-m", "kg_metrics.cli", "--data-dir", str(data), "build", "--out", str(out), "--quiet",
           *langs, *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, start_new_session=True, **kw)


def run(data: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    p = cli(data, out, *extra, env=env)
    stdout, stderr = p.communicate(timeout=300)
    return subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)


@pytest.fixture
def site(tmp_path):
    """A data copy and a published build of the overview and two sectors (e2e: builds briefings)."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = tmp_path / "outputs"
    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview")
    assert r.returncode == EXIT_OK, r.stderr
    return data, out


def write_notebook(folder: Path, name: str, source: str) -> str:
    """A one-cell python3 notebook ``folder/name``; returns ``name``."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / name)
    return name
