"""The build: bad input refused before any work (fast), and briefings built end to end (e2e), read as a
reviewer would read them.

In the input tests no kernel starts: validation comes first. A published set is faked with the real
publisher (``published``) so that "untouched" is checked against the layout builds produce.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from kg_metrics import paths
from kg_metrics.build.pipeline import build
from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_BRIEFINGS_FAILED, main

from tests.build.conftest import everything
from tests.conftest import read_table, write_table

import nbformat  # noqa: E402  after kg_metrics.build (see tests/build/conftest.py)

e2e = pytest.mark.e2e


# ------------------------------------------------------------------ bad input: refused, outputs untouched
def edit_rows(path: Path, fn) -> None:
    header, rows = read_table(path)
    header, rows = fn(header, rows)
    write_table(path, header, rows)


def set_field(path: Path, key: tuple[str, str], field: str, value: str) -> None:
    def fn(header, rows):
        for r in rows:
            if r[key[0]] == key[1]:
                r[field] = value
                break
        else:
            raise AssertionError(f"{key} not in {path}")
        return header, rows
    edit_rows(path, fn)


def _swap_rice_periods(d):
    set_field(d / "targets.csv", ("target_id", "rice_h2_2024"), "period", "FY-2024")
    set_field(d / "targets.csv", ("target_id", "rice_fy2024"), "period", "H2-2024")


def _obs_set(d, file, indicator, period, measure, value):
    def fn(header, rows):
        for r in rows:
            if (r["indicator"], r["period"], r["measure"]) == (indicator, period, measure):
                r["value"] = value
                return header, rows
        raise AssertionError("row not found")
    edit_rows(d / "observations" / file, fn)


CASES = {
    "empty file": (lambda d: (d / "targets.csv").write_text("", encoding="utf-8"),
                   "data/targets.csv: is empty"),
    "wrong delimiter": (lambda d: (d / "units.csv").write_text(
        (d / "units.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"),
        "data/units.csv, line 1: header has a single column: the file seems to use ';'"),
    "byte-order mark": (lambda d: (d / "indicators.csv").write_bytes(b"\xef\xbb\xbf" + (d / "indicators.csv").read_bytes()),
                        "data/indicators.csv, line 1: starts with a UTF-8 byte-order mark"),
    "wrong encoding": (lambda d: (d / "sectors.csv").write_bytes(
        (d / "sectors.csv").read_text(encoding="utf-8").encode("cp1258", errors="replace")),
        "data/sectors.csv, line 2: is not UTF-8"),
    "missing column": (lambda d: edit_rows(d / "targets.csv", lambda h, rs: (
        [c for c in h if c != "clause"], [{k: v for k, v in r.items() if k != "clause"} for r in rs])),
        "data/targets.csv, line 1: missing column(s): clause"),
    "extra column": (lambda d: edit_rows(d / "observations" / "agriculture.csv", lambda h, rs: (
        h + ["remark"], [{**r, "remark": ""} for r in rs])),
        "data/observations/agriculture.csv, line 1: unexpected column(s): remark"),
    "duplicate id": (lambda d: edit_rows(d / "targets.csv", lambda h, rs: (h, rs + [rs[0]])),
                     "data/targets.csv, row 24 (line 25), field 'target_id': duplicate target_id"),
    "non-numeric value": (lambda d: _obs_set(d, "economy.csv", "grdp", "H1-2024", "growth_yoy_pct", "6,8x"),
                          # grdp growth H1-2024 is data row 50 of economy.csv (line 51: the header is line 1)
                          "data/observations/economy.csv, row 50 (line 51), field 'value'"),
    "English decimal in a target": (lambda d: set_field(d / "targets.csv", ("target_id", "rice_h2_2024"), "value", "2.035"),
                                    "data/targets.csv, row 3 (line 4), field 'value': 2035 is not among the numbers"),
    "English notation in an observation": (
        lambda d: _obs_set(d, "economy.csv", "grdp", "FY-2024", "level", "78,259.75"),
        "field 'value': '78,259.75' is not a number in Vietnamese notation"),
    "negative level": (lambda d: _obs_set(d, "agriculture.csv", "fishery", "H1-2024", "level", "-360.942"),
                       "field 'value': a level cannot be negative"),
    "unknown sector": (lambda d: set_field(d / "indicators.csv", ("indicator", "rice"), "sector", "agri"),
                       "data/indicators.csv, row 6 (line 7), field 'sector': unknown sector"),
    "unknown unit": (lambda d: set_field(d / "targets.csv", ("target_id", "rice_fy2024"), "unit", "Mt"),
                     "data/targets.csv, row 4 (line 5), field 'unit': unit not in units.csv"),
    "H2 target above the year target": (_swap_rice_periods,
                                        "field 'value': the H2 target of rice (4.6) exceeds its year target (2.035)"),
    "quote not in the resolution": (lambda d: set_field(d / "targets.csv", ("target_id", "exports_fy2024"), "quote",
                                                        "để cả năm đạt 902 triệu USD"),
                                    "data/targets.csv, row 18 (line 19), field 'quote': not found verbatim"),
    "unparseable YAML": (lambda d: (d / "derivations.yml").write_text("derivations:\n  - output: [grdp\n",
                                                                      encoding="utf-8"),
                         "data/derivations.yml, line 3: is not valid YAML"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_data_is_refused_before_any_work_and_outputs_are_untouched(case, data_copy, published, capsys):
    breaker, message = CASES[case]
    breaker(data_copy)
    before = everything(published)
    rc = main(["--data-dir", str(data_copy), "build", "--out", str(published), "--quiet", "--wait", "0"])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT, err
    assert message in err, err
    assert everything(published) == before  # nothing published, staged or logged


@pytest.mark.parametrize("args, message", [
    (["--sector", "tourismus"], "unknown sector(s) 'tourismus'; valid: agriculture, industry_trade, tourism"),
    (["--as-of", "18/07/2024"], "parameter 'as_of' is '18/07/2024'; expected an ISO date"),
    (["--sector", "tourism\nimport os"], "unknown sector(s)"),
    (["--sector", "economy"], "unknown sector(s) 'economy'"),  # the overview's sector has no briefing of its own
    (["--scenario", "nope"], "'nope' is not a scenario"),
])
def test_bad_parameters_are_refused(args, message, published, capsys):
    before = everything(published)
    rc = main(["build", "--out", str(published), "--quiet", "--wait", "0", *args])
    assert rc == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
    assert everything(published) == before


# ------------------------------------------------------------------ built end to end
# Python that must never reach a briefing: code, imports, papermill's injected cell.
CODE_MARKERS = ("import ", "kg_metrics.", "display(", "injected-parameters", "# Parameters", "def ",
                "validate_parameters", "Briefing.load")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    vi = build(out, sectors=["tourism", "culture_society"], langs=("vi",), overview=True, progress=False)
    en = build(out, sectors=["tourism"], langs=("en",), progress=False)
    return out, vi + en


@e2e
def test_every_requested_briefing_is_built(built):
    out, results = built
    assert [r.status for r in results] == ["built"] * 4, [r.error for r in results]
    for key in ("vi/overview", "vi/tourism", "vi/culture_society", "en/tourism"):
        assert (out / f"{key}.html").stat().st_size > 2000
        assert (out / f"{key}.pdf").read_bytes().startswith(b"%PDF")
        assert (out / "notebooks" / f"{key}.ipynb").exists()
    assert (out / "index.html").exists()


@e2e
def test_overview_pdf_has_exact_vietnamese_and_the_growth_figures(built):
    out, _ = built
    text = pdf_text(out / "vi" / "overview.pdf")
    for s in ("Hội đồng nhân dân tỉnh Kiên Giang", "6 tháng cuối năm", "6,56%", "6,84%"):
        assert s in text, s


@e2e
def test_overview_pdf_ends_with_the_backtest_on_a_page_of_its_own_linked_from_the_index(built):
    out, _ = built
    reader = PdfReader(out / "vi" / "overview.pdf")
    pages = [p.extract_text() or "" for p in reader.pages]
    # the first page that starts with it (the table of contents on page 2 names it too)
    first = next(i for i, t in enumerate(pages) if t.lstrip().startswith("Đối chiếu: các mục tiêu năm 2024"))
    # the index's link overview.pdf#backtest lands there: a named destination on that page
    assert reader.get_destination_page_number(reader.named_destinations["backtest"]) == first
    assert pages[first].lstrip().startswith("Đối chiếu: các mục tiêu năm 2024")  # a new page starts with it
    assert "Tổng quan" in pages[0] and first > 0
    backtest = " ".join(" ".join(pages[first:]).split())  # a phrase may wrap across lines
    assert "7,5%" in backtest and "ngoài mẫu" in backtest and "Chưa có số liệu" in backtest
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="vi/overview.html#backtest"' in index and 'href="vi/overview.pdf#backtest"' in index
    # the index is in both languages, whichever was built last ("en" in this fixture)
    assert "Backtest against the 2024 outturn" in index and "Đối chiếu với kết quả thực hiện năm 2024" in index


@e2e
def test_tourism_pdf_flags_the_international_tourist_h2_share(built):
    out, _ = built
    text = pdf_text(out / "vi" / "tourism.pdf")
    # the H2 share of the year target (99.355 / 680.000 = 14,6%) against 2019 and 2023 (41,7% and 38,0%)
    assert "580.645" in text and "14,6%" in text and "508.645" not in text


@e2e
def test_english_tourism_briefing_uses_english_number_formatting(built):
    out, _ = built
    text = pdf_text(out / "en" / "tourism.pdf")
    assert "580,645" in text and "14.6%" in text
    assert "580.645" not in text
    assert "International tourist arrivals" in text


@e2e
def test_qualitative_sector_lists_its_tasks_with_clauses(built):
    out, _ = built
    text = pdf_text(out / "vi" / "culture_society.pdf")
    assert "điểm b" in text
    assert "tuyển sinh các lớp đầu cấp" in text


@e2e
@pytest.mark.parametrize("key", ["vi/overview", "vi/tourism", "vi/culture_society", "en/tourism"])
def test_no_code_or_parameters_cell_in_html_or_pdf(built, key):
    out, _ = built
    html = (out / f"{key}.html").read_text(encoding="utf-8")
    text = pdf_text(out / f"{key}.pdf")
    for marker in CODE_MARKERS:
        assert marker not in text, marker
        assert marker not in re.sub(r"<style>.*?</style>", "", html, flags=re.S), marker
    assert "<pre" not in html  # no code blocks or raw stream output


@e2e
@pytest.mark.parametrize("name", ["vi/overview.html", "vi/tourism.html", "en/tourism.html", "index.html"])
def test_html_loads_nothing_from_the_network(built, name):
    out, _ = built
    html = (out / name).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=[\"']?(https?:)?//",
                         html, flags=re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", html, flags=re.I)
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


@e2e
def test_index_links_every_briefing_and_lists_every_target(built, registry):
    out, _ = built
    html = (out / "index.html").read_text(encoding="utf-8")
    for href in ("vi/overview.html", "vi/overview.pdf", "vi/tourism.pdf", "en/tourism.html"):
        assert f'href="{href}"' in html
        assert (out / href).exists()
    assert html.count('class="status status-') >= len(registry.targets)


@e2e
def test_provenance_is_stamped(built):
    out, _ = built
    text = pdf_text(out / "vi" / "tourism.pdf")
    assert re.search(r"[0-9a-f]{64}", text.replace("\n", ""))  # data checksum
    assert "weasyprint" in text and "papermill" in text


@e2e
def test_one_failing_briefing_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("overview.ipynb", "sector.ipynb"):
        nb = nbformat.read(paths.NOTEBOOKS_DIR / name, as_version=4)
        if name == "sector.ipynb":  # an exception in the notebook, for one sector only
            nb.cells.append(nbformat.v4.new_code_cell(
                'if sector == "culture_society":\n    raise RuntimeError("boom in culture")'))
        nbformat.write(nb, nbs / name)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbs)
    out = tmp_path / "outputs"
    rc = main(["build", "--out", str(out), "--quiet", "--sector", "culture_society", "--sector", "admin_reform"])
    assert rc == EXIT_BRIEFINGS_FAILED
    assert "FAILED vi/culture_society" in capsys.readouterr().err
    assert pdf_text(out / "vi" / "admin_reform.pdf")  # the other briefing was built and published
    page = (out / "vi" / "culture_society.html").read_text(encoding="utf-8")
    assert "Không tạo được bản tin" in page and "RuntimeError: boom in culture" in page
    assert re.search(r"cell \d+", page)
    assert not (out / "vi" / "culture_society.pdf").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Lỗi khi tạo" in index and 'href="vi/culture_society.html"' in index


@e2e
def test_scenario_packs_are_labelled_linked_and_baseline_reproduces_the_plain_numbers(built):
    out, _ = built
    low = build(out, sectors=["tourism"], langs=("vi",), scenario="low", progress=False)
    base = build(out, sectors=["tourism"], langs=("vi",), scenario="baseline", progress=False)
    assert [r.status for r in low + base] == ["built", "built"]
    assert "Kịch bản: low" in pdf_text(out / "scenarios" / "low" / "vi" / "tourism.pdf")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="scenarios/low/vi/tourism.html"' in index and 'href="scenarios/baseline/vi/tourism.pdf"' in index

    def fact_tables(path: Path) -> list[str]:
        return re.findall(r'<table class="kg kg-facts">.*?</table>', path.read_text(encoding="utf-8"), flags=re.S)

    plain = fact_tables(out / "vi" / "tourism.html")
    assert plain and fact_tables(out / "scenarios" / "baseline" / "vi" / "tourism.html") == plain


@e2e
def test_in_process_builds_release_their_kernels_sockets_and_threads(tmp_path):
    """A long-lived process (JupyterLab, a scheduler) may build many times: nothing may pile up."""
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    # warm: imports, zmq instance
    build(tmp_path / "o", sectors=["admin_reform"], langs=("vi",), progress=False, workers=1)
    fds, threads = open_fds(), threading.active_count()
    for _ in range(3):
        build(tmp_path / "o", sectors=["admin_reform"], langs=("vi",), progress=False, workers=1, force=True)
    assert open_fds() <= fds and threading.active_count() <= threads


@e2e
def test_fresh_kernels_build_too(tmp_path, monkeypatch):
    """KG_METRICS_FRESH_KERNELS=1: a kernel per briefing, none left running afterwards."""
    monkeypatch.setenv("KG_METRICS_FRESH_KERNELS", "1")
    results = build(tmp_path / "o", sectors=["admin_reform", "culture_society"], langs=("vi",), progress=False,
                    workers=1)
    assert [r.status for r in results] == ["built", "built"], [r.error for r in results]
    assert not [p for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
