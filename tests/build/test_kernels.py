"""The build's kernels: kept and reset between briefings, retried when they fail to start (e2e: real kernels)."""
from __future__ import annotations

import pytest

from kg_metrics import paths
from kg_metrics.build import kernels

from tests.build.conftest import write_notebook

pytestmark = pytest.mark.e2e


def test_a_kept_kernel_is_reset_between_briefings(tmp_path, monkeypatch):
    """The second briefing in a worker sees none of the first one's names or chart settings."""
    write_notebook(tmp_path, "first.ipynb", "import matplotlib\nleaked = 1\n"
                   "matplotlib.rcParams['lines.linewidth'] = 9.0")
    write_notebook(tmp_path, "second.ipynb", "import matplotlib\n"
                   "print(sorted(n for n in ('leaked', 'matplotlib') if n in globals() and n != 'matplotlib'),"
                   " matplotlib.rcParams['lines.linewidth'] == matplotlib.rcParamsDefault['lines.linewidth'])")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.delenv("KG_METRICS_FRESH_KERNELS", raising=False)
    try:
        kernels.execute("first.ipynb", {}, keep_kernel=True)
        km = kernels._kernel
        nb = kernels.execute("second.ipynb", {}, keep_kernel=True)
        assert kernels._kernel is km and km.is_alive()  # the same kernel served both
    finally:
        kernels.release_kernel()
    cell = nb.cells[-1]
    assert cell.outputs[0]["text"].strip() == "[] True"
    assert cell.execution_count == 1  # papermill's injected cell is absent (no parameters): the counter restarted


def test_a_kernel_that_fails_to_start_is_retried(tmp_path, monkeypatch):
    """Kernel start-up races under parallelism (a port taken meanwhile) cost a retry, not the briefing."""
    real, calls = kernels._start_kernel, []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OSError(98, "Address already in use")
        return real()

    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(kernels, "_start_kernel", flaky)
    monkeypatch.setattr(kernels, "_kernel", None)
    try:
        nb = kernels.execute(write_notebook(tmp_path, "tiny.ipynb", "print(6.56)"), {})
    finally:
        kernels.release_kernel()
    assert len(calls) == 2 and nb.cells[-1].outputs[0]["text"] == "6.56\n"


def test_a_kernel_that_never_starts_fails_the_briefing_with_a_message(tmp_path, monkeypatch):
    calls = []

    def broken():
        calls.append(1)
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(kernels, "_start_kernel", broken)
    monkeypatch.setattr(kernels, "_kernel", None)
    with pytest.raises(RuntimeError, match=r"did not start after 3 attempts: .*Address already in use"):
        kernels.execute(write_notebook(tmp_path, "tiny.ipynb", "print(6.56)"), {})
    assert len(calls) == kernels.KERNEL_START_ATTEMPTS


def test_a_failing_notebook_is_described_by_its_cell_and_error(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    try:
        with pytest.raises(Exception) as err:
            kernels.execute(write_notebook(tmp_path, "bad.ipynb", "raise ValueError('6,56x')"), {})
    finally:
        kernels.release_kernel()
    text = kernels.describe_failure(err.value)
    assert text.startswith("cell ") and "raised ValueError: 6,56x" in text
    assert "--- cell source ---\nraise ValueError('6,56x')" in text
