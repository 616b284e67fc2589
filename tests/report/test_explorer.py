"""The interactive explorer notebook: committed clean and thin; headless under papermill it builds the widgets,
applies new values through them, shows the outcome and saves a scenario that round-trips to the same outcome."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from kg_metrics.text.format import format_pct
from kg_metrics.analysis.scenarios import scenario_outcome
from kg_metrics.data.scenario_files import load_scenario
from kg_metrics.report.explorer import Explorer

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explorer.ipynb"
VALUES = {"va_agri": 1.5, "va_services": 8.25, "h1_weight": 0.45, "tourists": -5.0, "grdp_h1_growth_pct": 6.5}  # w₁ 0,45: not the 0,5 the resolution implies (a change to save)


def _read():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_committed_clean_with_one_parameters_cell():
    nb = _read()
    nbformat.validate(nb)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    tree = ast.parse(params[0].source)
    assert [s.target.id for s in tree.body] == ["lang", "data_dir", "scenario", "set_values", "save_to"]
    assert all(ast.unparse(s.annotation) == "str" for s in tree.body)
    for c in nb.cells:
        if c.cell_type == "markdown":  # the headings, for the reader in JupyterLab
            assert c.source.startswith("#") and "notebook-only" in c.metadata.get("tags", [])
            continue
        assert c.cell_type == "code" and c.outputs == [] and c.execution_count is None
    assert "widgets" not in nb.metadata and nb.metadata["kernelspec"]["name"] == "python3"


def test_thin():
    nb = _read()
    code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert len(code) <= 8
    for c in code:
        assert "print(" not in c.source and "ipywidgets" not in c.source
        assert len([ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")]) <= 4, c.source


@pytest.mark.notebook
def test_headless_run_updates_and_saves_a_round_tripping_scenario(tmp_path, registry, observations):
    import papermill as pm

    saved = tmp_path / "mine.yml"
    out = tmp_path / "explorer.ipynb"
    # nbclient sometimes never receives the reply to a cell that opens widget comms (jupyter/nbclient#312,
    # open upstream; seen here about once in ten runs): time out per cell and try again, up to 3 times.
    for attempt in range(3):
        try:
            pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                                cwd=str(NOTEBOOK.parent), execution_timeout=60,
                                parameters={"lang": "vi", "scenario": "baseline", "set_values": json.dumps(VALUES),
                                            "save_to": str(saved)})
            break
        except TimeoutError:  # nbclient's CellTimeoutError is a TimeoutError
            if attempt == 2:
                raise
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] in ("error", "stream")], outputs
    # the widgets were constructed: the controls cell shows a widget view, and the kernel's widget state
    # holds the sliders at the values set on them
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = {m["state"]["description"]: m["state"]["value"] for m in state.values()
               if m["model_name"] == "FloatSliderModel"}
    # no H1 2024 growth of the sectors was published (with a date) by 18/7/2024: their sliders say so
    assert sliders["Nông, lâm nghiệp và thủy sản (chưa có số liệu)"] == 1.5
    assert sliders["Quyền số w₁ (6 tháng đầu năm 2023)"] == 0.45

    # the same values, in process: what the notebook should have shown
    ex = Explorer(registry, observations, lang="vi")
    expected = ex.update(**VALUES)
    text = "\n".join(o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
                     for o in outputs if "data" in o)
    # as of 18/7/2024 the H1 2023 levels of services and product taxes were not published: no GRDP outcome,
    # said so; the indicators' outcomes are there (tourists at the slider's −5%)
    assert expected.grdp_annual_growth_pct is None
    assert "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản: thiếu số liệu." in text
    assert "<h3>Kết quả theo các giá trị đang chọn</h3>" in text
    assert "-5,00%" in text or "−5,00%" in text

    # the saved file round-trips to the same outcome
    sc = load_scenario(saved, reg=registry)
    assert sc.name == "mine" and sc.h1_weight.h1_weight == 0.45 and sc.h1_revisions["grdp"].growth_yoy_pct == 6.5
    assert scenario_outcome(registry, observations, sc).summary() == expected.summary()


@pytest.mark.e2e
def test_a_scenario_saved_from_the_explorer_builds_in_batch(data_copy, tmp_path):
    """Explorer.save (what the notebook's Save button calls) → `kg-metrics build --scenario`."""
    from pypdf import PdfReader

    from kg_metrics.cli import EXIT_OK, main
    from kg_metrics.data.observations import load_observations
    from kg_metrics.data.registry import load_registry

    reg = load_registry(data_copy)
    ex = Explorer(reg, load_observations(reg), lang="vi")
    expected = ex.update(**VALUES)
    saved = ex.save("mine")  # a bare name goes to <data_dir>/scenarios/mine.yml
    assert saved == data_copy / "scenarios" / "mine.yml"

    out = tmp_path / "outputs"
    assert main(["--data-dir", str(data_copy), "build", "--out", str(out), "--quiet", "--scenario", "mine",
                 "--sector", "tourism", "--overview"]) == EXIT_OK
    text = "\n".join(p.extract_text() for p in PdfReader(out / "scenarios/mine/vi/overview.pdf").pages)
    assert "Kịch bản: mine" in text
    assert expected.grdp_annual_growth_pct is None  # as of 18/7/2024: see the headless test
    assert "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản" in text
    assert (out / "scenarios/mine/vi/tourism.pdf").exists()
