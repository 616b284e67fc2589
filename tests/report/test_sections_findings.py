"""The first page (kg_metrics.report.sections.findings): counts, key findings linking to sections the notebook
shows, and the status grid of one line per target (a sector's own in a sector briefing)."""
from __future__ import annotations

import html
import json
import re

import pytest

from kg_metrics.paths import NOTEBOOKS_DIR


def _anchors(notebook: str, b) -> set[str]:
    """The ids of the section headings a notebook's briefing shows."""
    nb = json.loads((NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    names = [m for c in nb["cells"] if c["cell_type"] == "code"
             for m in re.findall(r'briefing\.show\("(\w+)"', "".join(c["source"]))]
    return {a for n in names for a in re.findall(r'<h2 id="([\w-]+)"', b.section(n).text)}


@pytest.mark.parametrize("notebook, lang, sector", [("overview", "vi", None), ("overview", "en", None),
                                                     ("sector", "vi", "tourism"), ("sector", "en", "agriculture")])
def test_every_finding_links_to_a_section_the_briefing_shows(make, notebook, lang, sector):
    b = make(notebook, lang, sector)
    data = b.data("findings")
    assert 1 <= len(data["findings"]) <= 6
    links = re.findall(r'<a class="see" href="#([\w-]+)"', b.section("findings").text)
    assert len(links) == len(data["findings"])
    assert set(links) <= _anchors(notebook, b)


def test_overview_first_page_counts_findings_and_one_grid_row_per_target(make, registry):
    b = make("overview", "vi")
    data = b.data("findings")
    assert sum(c["n"] for c in data["counts"]) == data["n"] == len(registry.targets)
    text = html.unescape(b.section("findings").text)
    assert "Có khả năng đạt: <strong>2</strong>" in text and "Chưa đủ cơ sở đánh giá: <strong>21</strong>" in text
    assert len(data["findings"]) >= 3
    assert any("Khách quốc tế" in f["text"] and "14,6%" in f["text"] for f in data["findings"])
    grid = text.split('<table class="kg grid">')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="row-(\w+)">(.*?)</tr>', grid, re.S)
    assert [s for s, _ in rows] == list(b.assessed["status"])
    # one line per target: short name, period, target, mark, short reason
    first = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)
    assert first[0] == "GRDP" and first[1] == "Cả năm" and first[2] == "≥ 6,7%"
    assert "mark-on_track" in first[3] and first[4] == "Cần tăng 6,56%; 6 tháng đầu năm: 6,84%"
    assert text.rstrip().endswith("<!--kg-toc-->")  # the table of contents goes right after the grid


def test_a_sector_grid_holds_its_own_targets_only(make, registry):
    b = make("sector", "vi", "tourism")
    data = b.data("findings")
    own = registry.targets[registry.targets["sector"] == "tourism"]
    assert data["n"] == len(own) == len(data["grid"])
    assert {r["short_name"] for r in data["grid"]} == {"Lượt khách du lịch", "Khách quốc tế"}
