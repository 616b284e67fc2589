"""The scenario explorer (kg_metrics.report.explorer, its widgets in explorer_app, notebooks/explorer.ipynb and
`kg-metrics explore`): every indicator with an H2 growth path has a control, in sections per sector; values read and
typed in the language's number format; the results beside the controls are redrawn on every change; Reset, Load
scenario and Save as… (a folder the user sees, "Overwrite?" asked in the interface). The widgets are driven in
process here (no browser); tests/report/test_explorer_browser.py drives them in JupyterLab and Voilà."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from kg_metrics import cli, paths
from kg_metrics.analysis.scenarios import scenario_outcome
from kg_metrics.data.scenario_files import H2Growth, Scenario, load_scenario, scenario_indicators
from kg_metrics.report.explorer import Explorer, default_save_dir
from kg_metrics.text.format import format_pct
from tests.conftest import GRDP_SYNTHETIC_ROWS

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
    sources = "\n".join(c.source for c in nb.cells)
    # no static results cell (it went stale as soon as a slider moved), and no overwrite=True for users to type
    assert "explorer.show()" not in sources and "overwrite" not in sources
    assert "Kết quả theo các giá trị đang chọn" not in sources


def test_thin():
    nb = _read()
    code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert len(code) <= 8
    for c in code:
        assert "print(" not in c.source and "ipywidgets" not in c.source
        assert len([ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")]) <= 4, c.source


#: What the GRDP outcome needs but was not published by 18/7/2024 (as tests/report/test_sections_scenario.py):
#: services' and product taxes' H1 2023 levels, the components' H1 2024 growth; synthetic estimates.
SYNTHETIC_ROWS = [
    *GRDP_SYNTHETIC_ROWS,
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, csv_tools):
    """(registry, observations) of a copy of data/ in which the year's GRDP growth can be computed."""
    dest = csv_tools.copy_data(tmp_path_factory.mktemp("explorer"))
    csv_tools.add_observations_by_file(dest, SYNTHETIC_ROWS)
    return csv_tools.load(dest)


@pytest.fixture
def app(synthetic, tmp_path):
    """A fresh explorer (vi) with its widgets built, saving into tmp_path/'saved' by default."""
    reg, obs = synthetic
    ex = Explorer(reg, obs, lang="vi", save_dir=tmp_path / "saved")
    ex.controls()
    return ex._app


def _annual(reg, obs, **sectors) -> float:
    sc = Scenario(name="check", title_vi="check", title_en="check",
                  sectors={k: H2Growth(h2_growth_pct=v, justification="test", source="explorer (test)")
                           for k, v in sectors.items()})
    return scenario_outcome(reg, obs, sc).grdp_annual_growth_pct


def test_every_indicator_with_an_h2_growth_path_has_a_control_in_its_sector_section(registry, observations):
    ex = Explorer(registry, observations, lang="vi")
    groups = ex.groups()
    keys = [k for _, ks in groups for k in ks]
    assert keys == ex.keys and len(keys) == len(set(keys))
    assert set(scenario_indicators(registry)) <= set(keys)  # 11 indicators, not only those with an H1 pace
    assert len(scenario_indicators(registry)) == 11 and {"retail", "exports", "fishery", "ntm_communes"} <= set(keys)
    headings = dict(groups)
    assert headings["Du lịch: tăng 6 tháng cuối năm của các chỉ tiêu (%)"] == ["tourists", "intl_tourists"]
    assert headings["Tăng 6 tháng cuối năm của các khu vực (%)"] == list(registry.grdp_components)
    ex.controls()
    assert set(ex._app.sliders) == set(keys)
    sector_of = registry.indicators.set_index("indicator")["sector"]
    for heading, ks in groups[2:]:
        assert heading.startswith(registry.sector_name(sector_of[ks[0]], "vi"))
        assert {sector_of[k] for k in ks} == {sector_of[ks[0]]}


def test_readouts_in_the_language_number_format_and_full_labels(synthetic):
    reg, obs = synthetic
    for lang, shown, weight in (("vi", "9,80", "0,5000"), ("en", "9.80", "0.5000")):
        ex = Explorer(reg, obs, lang=lang)
        ex.controls()
        app = ex._app
        assert app.texts["va_services"].value == shown and app.texts["h1_weight"].value == weight
        assert all(not s.readout for s in app.sliders.values())  # FloatSlider's readout writes "9.80" in any language
        assert app.headline.value.count(format_pct(6.841155603256022, lang)) == 1
    label = app.labels["ipv"].value  # en
    assert ">Industrial production value (2010 prices) (no published figure)</div>" in label
    vi = Explorer(reg, obs, lang="vi")
    vi.controls()
    ipv = vi._app.labels["ipv"].value
    assert "Giá trị sản xuất công nghiệp (giá so sánh 2010)" in ipv and "…" not in ipv and "white-space:normal" in ipv
    assert vi._app.texts["rice"].value == "—" and "(chưa có số liệu)" in vi._app.labels["rice"].value


def test_typing_a_value_updates_the_slider_the_headline_and_the_results(app, synthetic):
    reg, obs = synthetic
    ex = app.ex
    before = app.results.value
    assert "theo kịch bản: <strong>6,84%</strong>" in before
    app.texts["va_services"].value = "9,30"  # what a user types beside the slider (Enter)
    expected = _annual(reg, obs, va_services=9.3)
    assert round(expected, 2) == 6.75
    assert app.sliders["va_services"].value == 9.3 and ex.values["va_services"] == 9.3
    assert ex.outcome.grdp_annual_growth_pct == pytest.approx(expected)
    assert ">6,75%<" in app.headline.value
    assert "theo kịch bản: <strong>6,75%</strong>" in app.results.value and "9,30%" in app.results.value
    assert "6,84%</strong>" not in app.results.value
    # moving the slider does the same, and the box follows in Vietnamese notation
    app.sliders["va_services"].value = 8.8
    assert ex.values["va_services"] == 8.8 and app.texts["va_services"].value == "8,80"
    assert f">{format_pct(_annual(reg, obs, va_services=8.8), 'vi')}<" in app.headline.value


@pytest.mark.parametrize("typed, message", [("9.3", "không phải là số"), ("abc", "không phải là số"),
                                            ("99", "nằm ngoài khoảng từ -10,00 đến 25,00")])
def test_a_bad_value_is_refused_with_a_message_and_the_box_shows_the_value_kept(app, typed, message):
    app.texts["va_services"].value = typed
    assert message in app.status.value
    assert app.ex.values["va_services"] == 9.8 and app.texts["va_services"].value == "9,80"
    assert app.sliders["va_services"].value == 9.8


def test_reset_and_load_scenario(app, synthetic):
    reg, obs = synthetic
    ex = app.ex
    assert [v for _, v in app.choice.options][:4] == ["baseline", "h1_revised", "high", "low"]
    app.texts["va_services"].value = "5,00"
    app.reset_button.click()
    assert ex.values["va_services"] == 9.8 and app.texts["va_services"].value == "9,80"
    assert ">6,84%<" in app.headline.value and "đặt lại" in app.status.value
    app.choice.value = "low"
    app.load_button.click()
    low = load_scenario("low", reg=reg)
    assert ex.start.name == "low" and ex.values["va_services"] == low.sectors["va_services"].h2_growth_pct
    assert app.texts["tourists"].value == "-13,52"
    assert ex.outcome.summary() == scenario_outcome(reg, obs, low).summary()
    assert f">{format_pct(scenario_outcome(reg, obs, low).grdp_annual_growth_pct, 'vi')}<" in app.headline.value
    app.texts["va_services"].value = "7,00"
    app.reset_button.click()  # back to the scenario loaded, not to the data
    assert ex.values["va_services"] == low.sectors["va_services"].h2_growth_pct


def test_save_as_into_the_folder_shown_and_overwrite_only_after_confirmation(app, synthetic, tmp_path):
    reg, _ = synthetic
    folder = tmp_path / "chosen"
    app.name.value, app.folder.value = "mine", str(folder)
    app.texts["va_services"].value = "9,30"
    app.save_button.click()
    saved = folder / "mine.yml"
    assert saved.exists() and str(saved) in app.status.value and "kg-metrics build --scenario mine" in app.status.value
    assert load_scenario(saved, reg=reg).sectors["va_services"].h2_growth_pct == 9.3
    assert not (reg.data_dir / "scenarios" / "mine.yml").exists()
    assert app.overwrite_button.layout.display == "none"
    # an existing file: nothing written, the interface asks
    app.texts["va_services"].value = "8,00"
    app.save_button.click()
    assert app.overwrite_button.layout.display != "none" and "Ghi đè?" in app.status.value
    assert "overwrite=True" not in app.status.value
    assert load_scenario(saved, reg=reg).sectors["va_services"].h2_growth_pct == 9.3
    # changing the name withdraws the question
    app.name.value = "other"
    assert app.overwrite_button.layout.display == "none"
    app.name.value = "mine"
    app.save_button.click()
    app.overwrite_button.click()
    assert load_scenario(saved, reg=reg).sectors["va_services"].h2_growth_pct == 8.0
    assert app.overwrite_button.layout.display == "none" and "Đã lưu" in app.status.value
    # what Load offers now includes the file saved
    assert str(saved) in [v for _, v in app.choice.options]


def test_save_refuses_an_existing_file_and_defaults_to_a_user_folder(monkeypatch, tmp_path, registry, observations):
    monkeypatch.delenv("KG_METRICS_SCENARIOS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_save_dir() == tmp_path / "kg-metrics-scenarios"
    ex = Explorer(registry, observations, lang="vi")
    assert ex.save_path("mine") == tmp_path / "kg-metrics-scenarios" / "mine.yml"
    assert registry.data_dir not in ex.save_path("mine").parents  # never silently into the project's data/
    path = ex.save("mine")
    with pytest.raises(FileExistsError) as info:
        ex.save("mine")
    assert "overwrite" not in str(info.value)
    assert ex.save("mine", overwrite=True) == path
    monkeypatch.setenv("KG_METRICS_SCENARIOS_DIR", str(tmp_path / "team"))
    assert default_save_dir() == tmp_path / "team"


def test_side_by_side_and_wrapping_on_narrow_screens(app):
    root = app.widget
    assert root.layout.flex_flow == "row wrap"
    controls, outcome = root.children
    assert "kg-explorer-controls" in controls._dom_classes and "kg-explorer-outcome" in outcome._dom_classes
    assert outcome.children == (app.headline, app.results)


# --------------------------------------------------------------------------- kg-metrics explore
def test_explore_runs_voila_on_the_notebook_in_paths(monkeypatch, tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    (notebooks / "explorer.ipynb").write_bytes(NOTEBOOK.read_bytes())
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", notebooks)
    calls = []

    def fake_server(cmd, env):  # what would run: the command, its environment, the notebook served
        calls.append((cmd, env, Path(cmd[3]).read_text(encoding="utf-8")))
        return 0

    monkeypatch.setattr(cli, "run_server", fake_server)
    assert cli.main(["--data-dir", str(tmp_path / "data"), "explore", "--no-browser", "--port", "9911"]) == 0
    cmd, env, _ = calls[0]
    assert cmd[1:4] == ["-m", "voila", str(notebooks / "explorer.ipynb")]
    assert "--port=9911" in cmd and "--no-browser" in cmd and "--strip_sources=True" in cmd
    assert env["KG_METRICS_DATA_DIR"] == str(tmp_path / "data")
    assert cli.main(["explore", "--lang", "en", "--scenario", "low"]) == 0
    cmd, _, text = calls[1]
    assert cmd[3] != str(notebooks / "explorer.ipynb") and "--no-browser" not in cmd and "--port=8866" in cmd
    nb = nbformat.reads(text, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'lang = "en"' in injected[0].source and 'scenario = "low"' in injected[0].source


@pytest.mark.notebook
def test_headless_run_updates_and_saves_a_round_tripping_scenario(tmp_path, registry, observations):
    import papermill as pm

    saved = tmp_path / "mine.yml"
    out = tmp_path / "explorer.ipynb"
    # nbclient sometimes never receives the reply to a cell that opens widget comms (jupyter/nbclient#312,
    # open upstream; seen here about once in ten runs): time out per cell and try again, up to 3 times.
    for attempt in range(3):
        saved.unlink(missing_ok=True)  # the notebook's save refuses an existing file
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
    models = [m for m in state.values()]
    sliders = {m["state"]["value"] for m in models if m["model_name"] == "FloatSliderModel"}
    texts = {m["state"]["value"] for m in models if m["model_name"] == "TextModel"}
    html_values = "\n".join(m["state"].get("value", "") for m in models if m["model_name"] == "HTMLModel")
    assert {1.5, 0.45, 8.25, -5.0, 6.5} <= sliders
    assert {"1,50", "0,4500", "8,25", "-5,00", "6,50"} <= texts  # the readouts, in Vietnamese notation
    # no H1 2024 growth of the sectors was published (with a date) by 18/7/2024: their labels say so
    assert "Nông, lâm nghiệp và thủy sản (chưa có số liệu)" in html_values
    assert "Quyền số w₁ (6 tháng đầu năm 2023)" in html_values

    # the same values, in process: what the live results should show
    ex = Explorer(registry, observations, lang="vi")
    expected = ex.update(**VALUES)
    # as of 18/7/2024 the H1 2023 levels of services and product taxes were not published: no GRDP outcome,
    # said so; the indicators' outcomes are there (tourists at the slider's −5%)
    assert expected.grdp_annual_growth_pct is None
    assert "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản: thiếu số liệu." in html_values
    assert "<h3>Kết quả theo các giá trị đang chọn</h3>" in html_values
    assert "-5,00%" in html_values or "−5,00%" in html_values
    assert "chưa tính được (thiếu số liệu)" in html_values  # the headline

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
    saved = ex.save("mine", folder=data_copy / "scenarios")  # where the batch build finds scenarios
    assert saved == data_copy / "scenarios" / "mine.yml"

    out = tmp_path / "outputs"
    assert main(["--data-dir", str(data_copy), "build", "--out", str(out), "--quiet", "--scenario", "mine",
                 "--sector", "tourism", "--overview"]) == EXIT_OK
    text = "\n".join(p.extract_text() for p in PdfReader(out / "scenarios/mine/vi/overview.pdf").pages)
    assert "Kịch bản: mine" in text
    assert expected.grdp_annual_growth_pct is None  # as of 18/7/2024: see the headless test
    assert "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản" in text
    assert (out / "scenarios/mine/vi/tourism.pdf").exists()
