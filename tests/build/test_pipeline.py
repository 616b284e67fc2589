"""End-to-end: build briefings into a temporary directory and read what a reviewer would read."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kg_metrics import paths
from kg_metrics.build.pipeline import build

pytestmark = pytest.mark.e2e

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


def test_every_requested_briefing_is_built(built):
    out, results = built
    assert [r.status for r in results] == ["built"] * 4, [r.error for r in results]
    for key in ("vi/overview", "vi/tourism", "vi/culture_society", "en/tourism"):
        assert (out / f"{key}.html").stat().st_size > 2000
        assert (out / f"{key}.pdf").read_bytes().startswith(b"%PDF")
        assert (out / "notebooks" / f"{key}.ipynb").exists()
    assert (out / "index.html").exists()


def test_overview_pdf_has_exact_vietnamese_and_the_growth_figures(built):
    out, _ = built
    text = pdf_text(out / "vi" / "overview.pdf")
    for s in ("Hội đồng nhân dân tỉnh Kiên Giang", "6 tháng cuối năm", "6,56%", "6,84%"):
        assert s in text, s


def test_overview_pdf_ends_with_the_backtest_on_a_page_of_its_own_linked_from_the_index(built):
    out, _ = built
    reader = PdfReader(out / "vi" / "overview.pdf")
    pages = [p.extract_text() or "" for p in reader.pages]
    first = next(i for i, t in enumerate(pages) if "Đối chiếu: các mục tiêu năm 2024" in t)
    # the index's link overview.pdf#backtest lands there: a named destination on that page
    assert reader.get_destination_page_number(reader.named_destinations["backtest"]) == first
    assert pages[first].lstrip().startswith("Đối chiếu: các mục tiêu năm 2024")  # a new page starts with it
    assert "Tổng quan" in pages[0] and first > 0
    backtest = "\n".join(pages[first:])
    assert "75,22%" in backtest and "Không đạt" in backtest and "7,5%" in backtest
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="vi/overview.html#backtest"' in index and 'href="vi/overview.pdf#backtest"' in index
    # the index is in the language of the last build ("en" in this fixture)
    assert "Backtest against the 2024 outturn" in index or "Đối chiếu với kết quả thực hiện năm 2024" in index


def test_tourism_pdf_flags_the_international_tourist_inconsistency(built):
    out, _ = built
    text = pdf_text(out / "vi" / "tourism.pdf")
    assert "580.645" in text and "508.645" in text


def test_english_tourism_briefing_uses_english_number_formatting(built):
    out, _ = built
    text = pdf_text(out / "en" / "tourism.pdf")
    assert "580,645" in text and "508,645" in text
    assert "580.645" not in text
    assert "International tourist arrivals" in text


def test_qualitative_sector_lists_its_tasks_with_clauses(built):
    out, _ = built
    text = pdf_text(out / "vi" / "culture_society.pdf")
    assert "điểm b" in text
    assert "tuyển sinh các lớp đầu cấp" in text


@pytest.mark.parametrize("key", ["vi/overview", "vi/tourism", "vi/culture_society", "en/tourism"])
def test_no_code_or_parameters_cell_in_html_or_pdf(built, key):
    out, _ = built
    html = (out / f"{key}.html").read_text(encoding="utf-8")
    text = pdf_text(out / f"{key}.pdf")
    for marker in CODE_MARKERS:
        assert marker not in text, marker
        assert marker not in re.sub(r"<style>.*?</style>", "", html, flags=re.S), marker
    assert "<pre" not in html  # no code blocks or raw stream output


@pytest.mark.parametrize("name", ["vi/overview.html", "vi/tourism.html", "en/tourism.html", "index.html"])
def test_html_loads_nothing_from_the_network(built, name):
    out, _ = built
    html = (out / name).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=[\"']?(https?:)?//",
                         html, flags=re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", html, flags=re.I)
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_index_links_every_briefing_and_lists_every_target(built, registry):
    out, _ = built
    html = (out / "index.html").read_text(encoding="utf-8")
    for href in ("vi/overview.html", "vi/overview.pdf", "vi/tourism.pdf", "en/tourism.html"):
        assert f'href="{href}"' in html
        assert (out / href).exists()
    assert html.count('class="status status-') >= len(registry.targets)


def test_provenance_is_stamped(built):
    out, _ = built
    text = pdf_text(out / "vi" / "tourism.pdf")
    assert re.search(r"[0-9a-f]{64}", text.replace("\n", ""))  # data checksum
    assert "weasyprint" in text and "papermill" in text


def test_one_failing_briefing_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    import nbformat

    from kg_metrics.build import pipeline as build_mod
    from kg_metrics.cli import EXIT_BRIEFINGS_FAILED, main

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("overview.ipynb", "sector.ipynb"):
        nb = nbformat.read(paths.NOTEBOOKS_DIR / name, as_version=4)
        if name == "sector.ipynb":  # an exception in the notebook, for one sector only
            nb.cells.append(nbformat.v4.new_code_cell(
                'if sector == "culture_society":\n    raise RuntimeError("boom in culture")'))
        nbformat.write(nb, nbs / name)
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbs)
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


def test_in_process_builds_release_their_kernels_sockets_and_threads(tmp_path):
    """A long-lived process (JupyterLab, a scheduler) may build many times: nothing may pile up."""
    import os
    import threading

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    build(tmp_path / "o", sectors=["admin_reform"], progress=False, workers=1)  # warm: imports, zmq instance
    fds, threads = open_fds(), threading.active_count()
    for _ in range(3):
        build(tmp_path / "o", sectors=["admin_reform"], progress=False, workers=1, force=True)
    assert open_fds() <= fds and threading.active_count() <= threads


def write_notebook(folder: Path, name: str, source: str) -> str:
    """A one-cell python3 notebook ``folder/name``; returns ``name``."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / name)
    return name


def test_a_kept_kernel_is_reset_between_briefings(tmp_path, monkeypatch):
    """The second briefing in a worker sees none of the first one's names or chart settings."""
    from kg_metrics.build import pipeline as build_mod

    write_notebook(tmp_path, "first.ipynb", "import matplotlib\nleaked = 1\n"
                   "matplotlib.rcParams['lines.linewidth'] = 9.0")
    write_notebook(tmp_path, "second.ipynb", "import matplotlib\n"
                   "print(sorted(n for n in ('leaked', 'matplotlib') if n in globals() and n != 'matplotlib'),"
                   " matplotlib.rcParams['lines.linewidth'] == matplotlib.rcParamsDefault['lines.linewidth'])")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.delenv("KG_METRICS_FRESH_KERNELS", raising=False)
    try:
        build_mod._execute(build_mod.Job("a", "first.ipynb", "vi", {}, "a"), keep_kernel=True)
        km = build_mod._kernel
        nb = build_mod._execute(build_mod.Job("b", "second.ipynb", "vi", {}, "b"), keep_kernel=True)
        assert build_mod._kernel is km and km.is_alive()  # the same kernel served both
    finally:
        build_mod._release_kernel()
    cell = nb.cells[-1]
    assert cell.outputs[0]["text"].strip() == "[] True"
    assert cell.execution_count == 1  # papermill's injected cell is absent (no parameters): the counter restarted


def test_a_kernel_that_fails_to_start_is_retried(tmp_path, monkeypatch):
    """Kernel start-up races under parallelism (a port taken meanwhile) cost a retry, not the briefing."""
    from kg_metrics.build import pipeline as build_mod

    real, calls = build_mod._start_kernel, []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OSError(98, "Address already in use")
        return real()

    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(build_mod, "_start_kernel", flaky)
    monkeypatch.setattr(build_mod, "_kernel", None)
    try:
        nb = build_mod._execute(build_mod.Job("t", write_notebook(tmp_path, "tiny.ipynb", "print(6.56)"), "vi", {}, "t"))
    finally:
        build_mod._release_kernel()
    assert len(calls) == 2 and nb.cells[-1].outputs[0]["text"] == "6.56\n"


def test_a_kernel_that_never_starts_fails_the_briefing_with_a_message(tmp_path, monkeypatch):
    from kg_metrics.build import pipeline as build_mod

    calls = []

    def broken():
        calls.append(1)
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(build_mod, "_start_kernel", broken)
    monkeypatch.setattr(build_mod, "_kernel", None)
    with pytest.raises(RuntimeError, match=r"did not start after 3 attempts: .*Address already in use"):
        build_mod._execute(build_mod.Job("t", write_notebook(tmp_path, "tiny.ipynb", "print(6.56)"), "vi", {}, "t"))
    assert len(calls) == build_mod.KERNEL_START_ATTEMPTS


def test_fresh_kernels_build_too(tmp_path, monkeypatch):
    """KG_METRICS_FRESH_KERNELS=1: a kernel per briefing, none left running afterwards."""
    import psutil

    monkeypatch.setenv("KG_METRICS_FRESH_KERNELS", "1")
    results = build(tmp_path / "o", sectors=["admin_reform", "culture_society"], progress=False, workers=1)
    assert [r.status for r in results] == ["built", "built"], [r.error for r in results]
    assert not [p for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
