"""The briefing notebooks: committed clean and thin; executed with papermill, they show the briefing and nothing else.

The execution tests are marked ``notebook`` (a Jupyter kernel, a few seconds each):
``.venv/bin/python -m pytest -m notebook tests/test_notebooks.py``.
"""
from __future__ import annotations

import ast
import base64
import struct
from pathlib import Path

import nbformat
import pytest

from kg_metrics.data.params import validate_parameters
from kg_metrics.report.sections import SECTIONS

REPO = Path(__file__).resolve().parents[1]  # tests/ is directly below the clone
NOTEBOOKS = REPO / "notebooks"
EXPECTED_PARAMETERS = {
    "overview.ipynb": ["lang", "data_dir", "as_of", "scenario"],
    "sector.ipynb": ["sector", "lang", "data_dir", "as_of", "scenario"],
}


def _read(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    return cells[0]


# --------------------------------------------------------------------------- committed notebooks
@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_committed_without_outputs_or_execution_counts(name):
    nb = _read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a cell has outputs"
            assert cell.execution_count is None, f"{name}: a cell has an execution count"
    assert "widgets" not in nb.metadata and "papermill" not in nb.metadata


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_kernel_is_python3(name):
    assert _read(name).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_exactly_one_parameters_cell_with_literal_annotated_documented_values(name):
    nb = _read(name)
    cell = _parameters_cell(nb)
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells) == 1
    tree = ast.parse(cell.source)
    names = []
    for stmt in tree.body:
        assert isinstance(stmt, ast.AnnAssign), ast.unparse(stmt)
        assert isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str), ast.unparse(stmt)
        assert ast.unparse(stmt.annotation) == "str"
        names.append(stmt.target.id)
    assert names == EXPECTED_PARAMETERS[name]
    for line in cell.source.splitlines():
        assert "  # " in line, f"undocumented parameter: {line}"


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_papermill_documents_every_parameter(name):
    import papermill as pm  # lazy: heavy, and only these tests need it

    params = pm.inspect_notebook(str(NOTEBOOKS / name))  # what `papermill --help-notebook` shows
    assert list(params) == EXPECTED_PARAMETERS[name]
    assert all(p["help"] and p["inferred_type_name"] == "str" for p in params.values())


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_default_parameters_are_valid(name):
    values: dict = {}
    exec(_parameters_cell(_read(name)).source, {}, values)  # literal assignments only (checked above)
    notebook = name.removesuffix(".ipynb")
    p = validate_parameters(values.get("sector"), values["lang"], values["data_dir"], values["as_of"],
                            notebook=notebook, scenario=values["scenario"])
    assert p["notebook"] == notebook


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_first_cell_after_parameters_validates_them(name):
    nb = _read(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    i = code.index(_parameters_cell(nb))
    following = code[i + 1].source
    assert "validate_parameters(" in following
    assert f'notebook="{name.removesuffix(".ipynb")}"' in following
    assert "Briefing.load" not in following  # no work before validation


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_notebooks_stay_thin(name):
    nb = _read(name)
    for c in nb.cells:
        if c.cell_type != "code" or c is _parameters_cell(nb):  # one line per parameter, each documented
            continue
        assert "print(" not in c.source
        assert len([ln for ln in c.source.splitlines() if ln.strip() and not ln.startswith("#")]) <= 4, c.source


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("name", EXPECTED_PARAMETERS)
def test_each_section_has_a_heading_and_its_data_to_inspect(name):
    """Markdown headings give the notebook its structure; before a section that presents figures, an inspect
    cell shows its data as pandas objects and the next cell renders the section from that (edited) data.
    Headings and inspect cells are tagged notebook-only, so rendered briefings leave them out."""
    nb = _read(name)
    cells = nb.cells
    markdown = [c for c in cells if c.cell_type == "markdown"]
    assert markdown and all("notebook-only" in _tags(c) for c in markdown)
    assert all(c.source.lstrip().startswith("#") for c in markdown), "each markdown cell is a heading"
    shows = [i for i, c in enumerate(cells) if c.cell_type == "code" and "briefing.show(" in c.source]
    shown = [ast.literal_eval(cells[i].source.split("briefing.show(")[1].split(",")[0].rstrip(")")) for i in shows]
    assert set(shown) <= set(SECTIONS) and len(shown) == len(set(shown))
    for i, section in zip(shows, shown):
        before = cells[i - 1]
        if before.cell_type == "markdown":
            assert section in ("title", "scenario", "scope", "contributions"), f"{section}: no inspect cell"
            continue
        assert "notebook-only" in _tags(before) and f'briefing.data("{section}")' in before.source, section
        assert cells[i - 2].cell_type == "markdown", f"{section}: no heading"
        variable = before.source.strip().splitlines()[-1]
        assert cells[i].source.strip() == f'briefing.show("{section}", {variable})'
    assert any("notebook-only" in _tags(c) and "briefing.assessed" in c.source for c in cells), \
        "the assessment table is shown to inspect"


# --------------------------------------------------------------------------- executed notebooks
def _execute(tmp_path: Path, name: str, **parameters):
    import papermill as pm  # lazy: heavy, and only these tests need it

    out = tmp_path / f"{name.removesuffix('.ipynb')}-{'-'.join(map(str, parameters.values()))}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters, kernel_name="python3",
                        progress_bar=False, cwd=str(NOTEBOOKS))
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list[dict]:
    """What the briefing shows: outputs of the cells a rendered briefing keeps (not the inspect cells)."""
    return [o for c in nb.cells if c.cell_type == "code" and "notebook-only" not in _tags(c)
            for o in c.get("outputs", [])]


def _text(nb) -> str:
    return "\n".join(o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
                     for o in _outputs(nb) if "data" in o)


def _pngs(nb) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in _outputs(nb)
            if "data" in o and "image/png" in o["data"]]


def _assert_only_briefing_outputs(nb) -> None:
    for o in _outputs(nb):
        assert o["output_type"] == "display_data", o  # no print, no stream, no error, no execute_result repr
        assert {"text/markdown", "text/html", "image/png"} & set(o["data"]), o["data"].keys()


def _png_width(png: bytes) -> int:
    assert png.startswith(b"\x89PNG")
    return struct.unpack(">I", png[16:20])[0]


@pytest.mark.notebook
def test_overview_vi(tmp_path):
    nb = _execute(tmp_path, "overview.ipynb", lang="vi")
    _assert_only_briefing_outputs(nb)
    text = _text(nb)
    # as of 18/7/2024: no 2023 GRDP level was published, so the section shows what is missing and the w₁ the
    # resolution's own figures imply; only GRDP is assessable; every other target names its missing figure
    for s in ("Hội đồng nhân dân tỉnh Kiên Giang", "6 tháng cuối năm", "6,56%", "6,84%",
              "thiếu số liệu GRDP năm 2023", "(6,7 − 6,56) / (6,84 − 6,56) = 0,5000",
              'class="status status-on_track"', "580.645",
              "thiếu số liệu số lượt khách quốc tế 6 tháng đầu năm 2024", "Công bố"):
        assert s in text, s
    assert "≈508.645" not in text  # the Jan–Jul minus July figure came in August 2024
    assert text.lstrip().startswith("<h1>Tổng quan")
    # its last part, on a new page: the backtest against the 2024 outturn, with sources
    backtest = text[text.index('<div class="page-break"></div>\n<h2 id="backtest">'):]
    for s in ('<h2 id="backtest">Đối chiếu: các mục tiêu năm 2024 so với kết quả thực hiện</h2>', "7,5%", "≥ 6,7%", "Đạt",
              "kiểm định ngoài mẫu", "baophapluat.vn", "Chưa có số liệu"):
        assert s in backtest, s
    # the inspect cells show their data as pandas tables in JupyterLab (and only there)
    inspected = [o for c in nb.cells if "notebook-only" in _tags(c) and c.cell_type == "code"
                 for o in c.get("outputs", []) if o["output_type"] == "execute_result"]
    assert len(inspected) >= 6 and all('class="dataframe"' in o["data"]["text/html"] for o in inspected)
    pngs = _pngs(nb)
    # no contributions chart (services' H1 2023 level is not in the data) and no fan chart (fewer than five
    # usable years of GRDP history): the overview draws no chart as of 18/7/2024
    assert len(pngs) == 0


# a sector briefing: texts it shows, texts it must not show, and how many charts (PNG images)
@pytest.mark.notebook
@pytest.mark.parametrize("sector, lang, shown, not_shown, n_charts", [
    pytest.param("tourism", "en",
                 ("<h1>Tourism: targets for H2 and the full year 2024</h1>", "People's Council of Kiên Giang province",
                  "580,645", "Implied H1 580,645; no reported H1 figure to compare.",
                  "Not assessable: missing tourist arrivals for H1 2024.",
                  "Tasks set by the resolution", "Article 1, clause 2, point a, paragraph 6", "kitra.com.vn"),
                 ("580.645", "508,645"),   # English numbers only; no H1 2024 figure published by the session
                 4,              # one chart per target; no fan chart (fewer than five usable years)
                 id="tourism_en"),
    pytest.param("culture_society", "vi",
                 ("<h1>Văn hóa - xã hội", "Nghị quyết chỉ đặt ra nhiệm vụ định tính cho lĩnh vực này",
                  "Điều 1, khoản 2, điểm b, đoạn 2", "Bản tin này không dùng số liệu thống kê nào."),
                 (),
                 0,              # tasks only: no figures, so no charts
                 id="culture_society_vi"),
])
def test_sector_briefing(tmp_path, sector, lang, shown, not_shown, n_charts):
    nb = _execute(tmp_path, "sector.ipynb", sector=sector, lang=lang)
    _assert_only_briefing_outputs(nb)
    text = _text(nb)
    for s in shown:
        assert s in text, s
    for s in not_shown:
        assert s not in text, s
    assert len(_pngs(nb)) == n_charts


@pytest.mark.notebook
def test_bad_parameter_stops_at_validation(tmp_path):
    from papermill.exceptions import PapermillExecutionError  # lazy: heavy, and only this test needs it

    with pytest.raises(PapermillExecutionError) as exc:
        _execute(tmp_path, "sector.ipynb", sector="tourisme", lang="vi")
    assert exc.value.ename == "ParameterError"
    assert "expected one of: agriculture, industry_trade, tourism" in exc.value.evalue
    assert "validate_parameters" in exc.value.source
