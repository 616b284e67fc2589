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


@pytest.fixture
def published(tmp_path) -> Path:
    """An outputs folder holding one published release, made with the real publisher (no build)."""
    out = tmp_path / "outputs"
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
    """``kg-metrics build`` in a process (and session) of its own, so that a test may SIGKILL it."""
    cmd = [sys.executable, "-m", "kg_metrics.cli", "--data-dir", str(data), "build", "--out", str(out), "--quiet",
           *extra]
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
