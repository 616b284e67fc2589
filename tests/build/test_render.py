"""Rendering: the failure page, the cover metadata the briefing template shows, atomic writes, and the PDFs:
archival (PDF/A-3b), with title, language, author and bookmarks, and every chart with an alt text of numbers."""
from __future__ import annotations

import io
import os
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg_metrics.build.jobs import Job
from kg_metrics.build.render import (CSP, PDF_VARIANT, briefing_metadata, failure_page, html_to_pdf, table_of_contents,
                                     notebook_to_html, write_atomic)
from tests.build.conftest import run
from tests.conftest import DATA_DIR

COMMON = {"build_time": "2024-08-01T10:00:00+00:00", "commit": "abc123", "data_checksum": "f" * 64,
          "versions": {"kg_metrics": "0.1.0"}, "vintage": "2024-07-10", "resolution_date": "2024-07-18",
          "resolution_vi": "Nghị quyết số 21/NQ-HĐND", "resolution_en": "Resolution No. 21/NQ-HĐND",
          "as_of": "2024-07-18"}


def _job(lang: str, **kw) -> Job:
    return Job("tourism", "sector.ipynb", lang, {"sector": "tourism", "lang": lang, "data_dir": ""},
               kw.pop("title", "Du lịch"), **kw)


def test_the_csp_loads_nothing_but_inline_styles_and_data_images():
    assert CSP == ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
                   "form-action 'none'")


@pytest.mark.parametrize("lang, heading, authority", [
    ("vi", "Không tạo được bản tin", "Hội đồng nhân dân tỉnh Kiên Giang"),
    ("en", "This briefing could not be built", "Kiên Giang Provincial People's Council"),
])
def test_the_failure_page_says_what_failed_in_the_briefings_language(lang, heading, authority):
    page = failure_page(_job(lang), "cell 3 raised RuntimeError: <boom> & more", COMMON)
    assert f'<html lang="{lang}">' in page and f"<title>{heading}</title>" in page
    assert f"<strong>{heading}</strong>" in page
    assert authority.replace("'", "&#39;") in page and '<h1 class="cover-title">Du lịch</h1>' in page
    assert "notebooks/sector.ipynb {&#39;sector&#39;: &#39;tourism&#39;" in page
    assert "<pre>cell 3 raised RuntimeError: &lt;boom&gt; &amp; more</pre>" in page  # escaped, verbatim
    # the build time in the reader's words, as on the briefings (never ISO), and the commit
    built = {"vi": "10:00 (giờ UTC) ngày 1 tháng 8 năm 2024", "en": "1 August 2024, 10:00 UTC"}[lang]
    assert f"{built} · abc123" in page and "2024-08-01T10:00" not in page
    assert f'content="{CSP}"' in page


def test_the_failure_page_escapes_a_hostile_title():
    page = failure_page(_job("en", title="<script>x</script>"), "", COMMON)
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize("lang, expected", [
    ("vi", {"authority": "Hội đồng nhân dân tỉnh Kiên Giang",
            "kind": "Báo cáo phân tích chỉ tiêu Nghị quyết giữa năm 2024",
            "period": "6 tháng cuối năm và cả năm 2024",
            "resolution": "Nghị quyết số 21/NQ-HĐND, ngày 18 tháng 7 năm 2024", "session": "khóa X, kỳ họp thứ 24",
            "prepared_by": "Nhóm phân tích kg_metrics", "prepared_on": "ngày 1 tháng 8 năm 2024",
            "as_of": "ngày 18 tháng 7 năm 2024", "vintage": "ngày 10 tháng 7 năm 2024"}),
    ("en", {"authority": "Kiên Giang Provincial People's Council", "kind": "Briefing on the mid-year 2024 resolution",
            "period": "H2 and full year 2024", "resolution": "Resolution No. 21/NQ-HĐND, 18 July 2024",
            "session": "10th term, 24th session", "prepared_by": "The kg_metrics analysis team",
            "prepared_on": "1 August 2024", "as_of": "18 July 2024", "vintage": "10 July 2024"}),
])
def test_the_cover_is_in_the_briefings_language(lang, expected):
    meta = briefing_metadata(_job(lang, scenario="low"), COMMON)
    assert {k: meta[k] for k in expected} == expected
    assert meta["parameters_text"] == f"(sector='tourism', lang='{lang}')"  # empty values left out
    assert meta["notebook"] == "notebooks/sector.ipynb" and meta["scenario"] == "low"
    assert set(meta["labels"]) >= {"resolution", "period", "as_of", "vintage", "scenario", "provenance", "built",
                                   "commit", "checksum", "notebook", "versions", "chart", "error", "session",
                                   "prepared_by", "prepared_on"}
    assert meta["labels"]["resolution"] == {"vi": "Nghị quyết", "en": "Resolution"}[lang]


def test_write_atomic_replaces_the_file_whole_and_readable(tmp_path):
    path = tmp_path / "a" / "index.html"
    write_atomic(path, "cũ")
    write_atomic(path, b"m\xe1\xbb\x9bi")
    assert path.read_text(encoding="utf-8") == "mới"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]  # no temporary file left


# ---------------------------------------------------------------------------------------------- PDF/A, metadata
class _Page(HTMLParser):
    """The <img> alts and the section headings (h2) of a briefing's HTML, the way a reader's tools see them."""

    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))
        self._in_h2 = self._in_h2 or tag == "h2"
        if tag == "h2":
            self.h2.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def outline_titles(reader) -> list[str]:
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    return out


def check_pdfa(pdf: bytes, *, title: str, lang: str, author: str) -> "object":
    """The checks a PDF/A-3b briefing passes as far as pypdf can read them; returns the reader."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF-1.7")
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>', xmp), xmp
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B</pdfaid:conformance>', xmp), xmp
    assert title in xmp and author in xmp  # dc:title and dc:creator agree with the document information
    assert reader.metadata.title == title and reader.metadata.author == author
    assert root["/Lang"] == lang
    intents = root["/OutputIntents"]
    assert len(intents) == 1 and intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0].get_object()
    assert len(reader.trailer["/ID"]) == 2
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            fonts.append((descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object())
    assert fonts and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(f) for f in fonts), "a font not embedded"
    return reader


def _tiny_briefing(lang: str, alt: str | None):
    """A notebook as the build renders it: the cover stamped, two sections (h2) and one chart."""
    import base64

    import nbformat
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (40, 20), (31, 78, 121, 255)).save(buf, format="PNG")
    png = base64.b64encode(buf.getvalue()).decode()
    cells = [nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<h2>Mục một</h2><p>6,56%</p><h3>Phần</h3>"}),
        nbformat.v4.new_output("display_data", data={"image/png": png},
                               metadata={"image/png": {"alt": alt}} if alt else {}),
        nbformat.v4.new_output("display_data", data={"text/html": "<h2>Mục hai</h2><p>7</p>"}),
    ])]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kg_metrics"] = briefing_metadata(_job(lang), COMMON)
    return nb


@pytest.mark.parametrize("lang, author", [("vi", "Nhóm phân tích kg_metrics"), ("en", "The kg_metrics analysis team")])
def test_the_pdf_is_pdfa_3b_with_title_language_author_and_a_bookmark_per_section(lang, author):
    assert PDF_VARIANT == "pdf/a-3b"
    html = notebook_to_html(_tiny_briefing(lang, "Biểu đồ: 6,56%"))
    reader = check_pdfa(html_to_pdf(html), title="Du lịch", lang=lang, author=author)
    titles = outline_titles(reader)
    provenance = {"vi": "Nguồn gốc bản tin", "en": "Provenance"}[lang]
    assert titles == ["Du lịch", "Mục một", "Phần", "Mục hai", provenance]  # the cover title, h2/h3, the footer
    assert reader.metadata.subject.endswith("Nghị quyết số 21/NQ-HĐND, ngày 18 tháng 7 năm 2024"
                                            if lang == "vi" else "Resolution No. 21/NQ-HĐND, 18 July 2024")


def test_the_cover_states_the_resolution_session_author_report_date_and_vintage():
    html = notebook_to_html(_tiny_briefing("vi", "x 1"))
    cover = html[html.index('<header class="cover">'):html.index("</header>")]
    for text in ("Nghị quyết số 21/NQ-HĐND, ngày 18 tháng 7 năm 2024", "khóa X, kỳ họp thứ 24",
                 "Nhóm phân tích kg_metrics", "ngày 1 tháng 8 năm 2024", "ngày 18 tháng 7 năm 2024",
                 "ngày 10 tháng 7 năm 2024"):
        assert text in cover, text
    assert re.search(r'<meta (content="2024-08-01T10:00:00\+00:00" name="dcterms.created"|'
                     r'name="dcterms.created" content="2024-08-01T10:00:00\+00:00")', html)


def test_a_charts_alt_text_is_written_into_its_img_escaped():
    html = notebook_to_html(_tiny_briefing("en", 'Chart of "GRDP" <growth>: H1 2024 6.84%'))
    assert parse(html).alts == ['Chart of "GRDP" <growth>: H1 2024 6.84%']
    assert "<growth" not in html.replace('<growth>: H1', "")  # escaped: the attribute holds, nothing becomes markup


def _has_digit(alt: str | None) -> bool:
    return bool(alt) and bool(re.search(r"\d", alt))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_has_an_alt_text_with_its_numbers(lang, registry, observations):
    """Every figure the sections show carries its alt text (what it shows, with its numbers, in the reader's
    language), and a section's display hands it to the notebook as the PNG's metadata, which the template reads."""
    from kg_metrics.report import charts
    from kg_metrics.report.briefing import Briefing
    from kg_metrics.report.container import _alt_metadata

    figures = []
    for notebook, sector, names in (("sector", "tourism", ("targets", "probability")),
                                    ("overview", None, ("contributions", "probability"))):
        b = Briefing(registry, observations, lang=lang, sector=sector, notebook=notebook)
        for name in names:
            figures += b.section(name).figures
    assert len(figures) >= 4
    for fig in figures:
        alt = charts.alt_text(fig)
        assert _has_digit(alt), alt
        assert _alt_metadata(fig) == {"image/png": {"alt": alt}}
        assert alt.startswith({"vi": "Biểu đồ", "en": ("Chart", "Fan chart")}[lang])
    text = " ".join(charts.alt_text(f) for f in figures)
    decimal = {"vi": r"\d,\d", "en": r"\d\.\d"}[lang]  # numbers written the reader's way
    assert re.search(decimal, text)


def test_the_scenario_chart_has_an_alt_text_with_each_sectors_numbers(registry):
    import pandas as pd

    from kg_metrics.report import charts

    comp = pd.DataFrame({"component": ["va_services", "va_industry"], "h1_contribution_pp": [2.1, None],
                         "h2_contribution_pp": [1.5, 0.4], "year_contribution_pp": [1.8, 0.3]})
    alt = charts.alt_text(charts.scenario_contributions_chart(comp, 2024, "en",
                                                              names=charts.component_names(registry, "en")))
    assert alt.startswith("Chart of each sector's contribution to GRDP growth in 2024 under the scenario")
    assert "Services: H1 2024 (actual) +2.10 pp, H2 2024 (scenario) +1.50 pp" in alt
    assert "H1 2024 (actual) not available" in alt


@pytest.mark.e2e
def test_built_pdfs_are_pdfa_with_bookmarks_per_section_and_alt_texts_with_numbers(site):
    """A real build: each briefing's PDF declares PDF/A-3b, carries title, language, author and a bookmark for each
    section (h2) of its HTML; every <img> of the HTML has an alt text holding a number."""
    from pypdf import PdfReader

    _, out = site
    htmls = sorted((out / "vi").glob("*.html"))
    assert htmls
    images = 0
    for html_path in htmls:
        html = html_path.read_text(encoding="utf-8")
        page = parse(html)
        images += len(page.alts)
        assert all(_has_digit(a) for a in page.alts), (html_path.name, [a for a in page.alts if not _has_digit(a)])
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        pdf = html_path.with_suffix(".pdf").read_bytes()
        reader = check_pdfa(pdf, title=title, lang="vi", author="Nhóm phân tích kg_metrics")
        titles = outline_titles(reader)
        assert titles[0] == title
        for heading in page.h2:
            assert " ".join(heading.split()) in titles, (html_path.name, heading)
        assert isinstance(reader, PdfReader)
    assert images > 0


def test_the_table_of_contents_lists_the_section_headings_after_its_place_in_order():
    page = ('<main><h2 id="findings">Điểm chính</h2><!--kg-toc--><h2 id="scope">Phạm vi</h2><h3>x</h3>'
            '<h2>Không phải mục</h2><h2 id="grdp">Tăng trưởng</h2></main>')
    out = table_of_contents(page, "vi")
    assert out.count('<nav class="toc">') == 1 and "<!--kg-toc-->" not in out
    nav = out.split('<nav class="toc">')[1].split("</nav>")[0]
    assert '<h2 class="toc-heading">Mục lục</h2>' in nav
    assert re.findall(r'<li><a href="#([\w-]+)">(.*?)</a></li>', nav) == [("scope", "Phạm vi"), ("grdp", "Tăng trưởng")]
    assert table_of_contents("<main><h2 id='a'>A</h2></main>", "en") == "<main><h2 id='a'>A</h2></main>"  # no place


@pytest.fixture(scope="module")
def both_languages(tmp_path_factory) -> Path:
    """A published build of the overview and one sector in Vietnamese and English (e2e); its outputs folder."""
    tmp = tmp_path_factory.mktemp("both")
    data = tmp / "data"
    shutil.copytree(DATA_DIR, data)
    r = run(data, tmp / "outputs", "--sector", "tourism", "--overview", "--lang", "vi", "--lang", "en")
    assert r.returncode == 0, r.stderr
    return tmp / "outputs"


def _outline_pages(reader) -> dict[str, int]:
    """Each bookmark's title and 1-based page."""
    out: dict[str, int] = {}

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out[" ".join(it.title.split())] = reader.get_destination_page_number(it) + 1
    walk(reader.outline)
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("lang, counts, tourist, see, grid_heading, last_row", [
    ("vi", ["Có khả năng đạt: 2", "Chưa đủ cơ sở đánh giá: 21"],
     "Khách quốc tế: mục tiêu 6 tháng cuối năm bằng 14,6% mục tiêu cả năm", "xem trang",
     "Tình trạng từng chỉ tiêu", "Tuyển sinh quân sự Cả năm đạt 100%"),
    ("en", ["On track: 2", "Not assessable: 21"],
     "International arrivals: the second-half target is 14.6% of the year target", "see page",
     "Status of each target", "Military admissions Year reach 100%"),
])
def test_the_overview_opens_with_its_findings_and_a_status_grid_on_one_page_then_its_contents(
        both_languages, lang, counts, tourist, see, grid_heading, last_row):
    """Read back from the PDF: page 1 holds the status counts, at least three key findings (each with the page of its
    section) and the international-tourist inconsistency; the status grid's heading and its last row are on one page;
    the printed table of contents gives each section the page its bookmark points to."""
    from pypdf import PdfReader

    reader = PdfReader(both_languages / lang / "overview.pdf")
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    first = pages[0]
    assert all(c in first for c in counts), first[:600]
    assert tourist in first
    refs = [int(n) for n in re.findall(rf"\({see} (\d+)\)", first)]
    assert len(refs) >= 3
    grid = [i for i, p in enumerate(pages) if grid_heading in p]
    assert len(grid) == 1 and last_row in pages[grid[0]]  # the whole grid on one page
    assert grid == [0]  # and that page is page 1
    bookmarks = _outline_pages(reader)
    assert set(refs) <= set(bookmarks.values())
    toc = pages[1]
    entries = re.findall(r"([^.\d][^.]*?) \.{3,} ?(\d+)", toc)
    assert len(entries) >= 5
    for label, page in entries:
        label = label.strip().removeprefix("Mục lục ").removeprefix("Contents ")
        assert bookmarks.get(label) == int(page), (label, page)
