"""kg_metrics.data.coverage and ``kg-metrics coverage``: the README's coverage table is generated from the data.

Each cell of the table is ● found (a sourced figure), ◐ derived (derivations.yml), ○ searched and not found
(searched.csv), · not searched. The tests change one thing in a copy of the data and check the one cell.
"""
from __future__ import annotations

import pytest

from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_VERIFY_FAILED, main
from kg_metrics.data.coverage import BEGIN, END, coverage_markdown, load_searched, readme_block
from kg_metrics.data.registry import load_registry
from kg_metrics.errors import DataError

TITLES = {"H1": "**First half (H1: level or growth)**", "FY": "**Full year (FY: level or growth)**",
          "plan": "**Annual plan (a plan figure, or a published share of plan)**"}


def cells(block: str, kind: str, indicator: str) -> dict[int, str]:
    """The marks of one row of one table of a coverage block, by year (read from the markdown itself)."""
    lines = block.splitlines()
    start = lines.index(TITLES[kind])
    header = next(line for line in lines[start:] if line.startswith("| indicator |"))
    years = [int(c) for c in header.strip("|").split("|")[1:]]
    for line in lines[start:]:
        if line.startswith(f"| `{indicator}` |"):
            return dict(zip(years, (c.strip() for c in line.strip("|").split("|")[1:])))
        if line == "" and lines.index(line) > start + 3:
            break
    raise AssertionError(f"{indicator} not in the {kind} table")


def block_of(data_dir) -> str:
    return coverage_markdown(data_dir=data_dir)


def _remove_searched(data_dir, csv_tools, indicator: str, kind: str) -> dict[str, str]:
    path = data_dir / "searched.csv"
    header, rows = csv_tools.read(path)
    hit = [r for r in rows if (r["indicator"], r["kind"]) == (indicator, kind)]
    assert len(hit) == 1, hit
    csv_tools.write(path, header, [r for r in rows if r is not hit[0]])
    return hit[0]


# --------------------------------------------------------------------------- the README is generated
def test_the_readme_block_is_the_generated_table(data_dir):
    readme = (data_dir / "README.md").read_text(encoding="utf-8")
    assert readme.count(BEGIN) == 1 and readme.count(END) == 1
    assert readme_block(readme) == coverage_markdown(data_dir=data_dir)


def test_the_counts_of_the_block_are_those_of_the_files(data_dir, csv_tools):
    rows = [r for f in sorted((data_dir / "observations").glob("*.csv")) for r in csv_tools.read(f)[1]]
    province = sum(r["area"] == "kien_giang" for r in rows)
    block = block_of(data_dir)
    assert f"{len(rows)} sourced, dated rows ({province} for the province), " in block
    assert (len(rows), province) == (514, 445)


def test_shipped_cells_of_each_kind(data_dir):
    block = block_of(data_dir)
    grdp_h1 = cells(block, "H1", "grdp")
    # H1-2024 GRDP growth 6,84 is sourced; H1-2019 only derived (from H1-2020 and its growth); 2015 searched
    assert (grdp_h1[2024], grdp_h1[2019], grdp_h1[2015]) == ("●", "◐", "○")
    # ntm_model was searched for 2024 only
    model = cells(block, "H1", "ntm_model")
    assert model[2024] == "○" and {model[y] for y in range(2015, 2024)} == {"·"}
    # a plan figure counts for the plan table: rice's 2024 plan (4,4 Mt)
    assert cells(block, "plan", "rice")[2024] == "●"


# --------------------------------------------------------------------------- one change, one cell
def test_a_new_row_makes_its_cell_found(data_copy, csv_tools):
    assert cells(block_of(data_copy), "H1", "ntm_model")[2024] == "○"
    unit = next(r["unit"] for r in csv_tools.read(data_copy / "indicators.csv")[1] if r["indicator"] == "ntm_model")
    csv_tools.add_observations(data_copy, "agriculture", [dict(
        indicator="ntm_model", measure="level", period="H1-2024", area="kien_giang", qualifier="", value="1",
        unit=unit, status="estimate",
        source_url="https://example.org/ntm", published="2024-07-10", note="synthetic")])
    after = cells(block_of(data_copy), "H1", "ntm_model")
    assert after[2024] == "●"
    assert {after[y] for y in range(2015, 2024)} == {"·"}  # nothing else moved


def test_a_row_of_another_area_does_not_make_the_province_found(data_copy, csv_tools):
    csv_tools.add_observations(data_copy, "tourism", [dict(
        indicator="tourists", measure="level", period="H1-2018", area="phu_quoc", qualifier="", value="2.000.000",
        unit="arrivals", status="estimate", source_url="https://example.org/pq", published="2018-07-10",
        note="synthetic")])
    assert cells(block_of(data_copy), "H1", "tourists")[2018] == "○"


def test_a_new_derivation_makes_its_cell_derived(data_copy, csv_tools):
    assert cells(block_of(data_copy), "H1", "tourists")[2018] == "○"
    # tourists Jan–Jul 2018 (4.751.434) and July 2018 (809.129) are both in tourism.csv
    csv_tools.add_derivation(data_copy, "tourists/level/H1-2018", "difference",
                             ["tourists/level/YTD07-2018", "tourists/level/M07-2018"], why="Jan–Jul minus July")
    block = block_of(data_copy)
    assert cells(block, "H1", "tourists")[2018] == "◐"
    assert "13 derived vintages" in block


def test_a_cell_not_in_searched_csv_is_not_searched(data_copy, csv_tools):
    removed = _remove_searched(data_copy, csv_tools, "ntm_model", "H1")
    assert removed["years"] == "2024"
    assert cells(block_of(data_copy), "H1", "ntm_model")[2024] == "·"
    # a found cell stays found whatever searched.csv says
    _remove_searched(data_copy, csv_tools, "grdp", "H1")
    grdp = cells(block_of(data_copy), "H1", "grdp")
    assert (grdp[2024], grdp[2019], grdp[2015]) == ("●", "◐", "·")


def test_searched_years_cover_their_range(registry):
    searched = load_searched(registry)
    assert {("grdp", "H1", y) for y in range(2015, 2025)} <= searched
    assert ("ntm_model", "H1", 2024) in searched and ("ntm_model", "H1", 2023) not in searched


# --------------------------------------------------------------------------- a bad searched.csv
@pytest.mark.parametrize("field, value, contains", [
    ("indicator", "gdp", None),
    ("kind", "H2", "must be one of"),
    ("years", "2024-2015", "a range of years"),
    ("years", "2015–2024", "a range of years"),
    ("searched_on", "28/11/2026", "YYYY-MM-DD"),
])
def test_a_bad_searched_row_is_named_by_file_row_and_field(data_copy, csv_tools, problem, field, value, contains):
    csv_tools.set(data_copy / "searched.csv", 3, **{field: value})
    with pytest.raises(DataError) as exc:
        load_searched(load_registry(data_copy))
    problem(exc.value, "data/searched.csv", row=3, field=field, line=4, contains=contains)


def test_the_command_reports_a_bad_searched_csv(data_copy, csv_tools, capsys):
    csv_tools.set(data_copy / "searched.csv", 2, kind="H2")
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_BAD_INPUT
    assert "data/searched.csv, row 2 (line 3), field 'kind'" in capsys.readouterr().err


# --------------------------------------------------------------------------- kg-metrics coverage
def _readme(data_dir) -> str:
    return (data_dir / "README.md").read_text(encoding="utf-8")


def test_the_command_passes_on_the_shipped_data(data_copy, capsys):
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == coverage_markdown(data_dir=data_copy)


def test_the_command_fails_when_the_readme_differs_and_write_fixes_it(data_copy, capsys):
    readme = data_copy / "README.md"
    text = _readme(data_copy)
    edited = text.replace("| `ntm_model` | · | · |", "| `ntm_model` | ● | · |", 1)
    assert edited != text
    readme.write_text(edited, encoding="utf-8")
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_VERIFY_FAILED
    capsys.readouterr()
    assert main(["--data-dir", str(data_copy), "coverage", "--write"]) == EXIT_OK
    assert _readme(data_copy) == text  # the block is restored, the rest of the README untouched
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_OK


def test_the_command_fails_when_the_data_change_and_write_follows_them(data_copy, csv_tools):
    before = _readme(data_copy)
    _remove_searched(data_copy, csv_tools, "ntm_model", "H1")
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_VERIFY_FAILED
    assert main(["--data-dir", str(data_copy), "coverage", "--write"]) == EXIT_OK
    after = _readme(data_copy)
    assert readme_block(after) == coverage_markdown(data_dir=data_copy)
    assert cells(readme_block(after), "H1", "ntm_model")[2024] == "·"
    # only the generated block changed
    assert after[:after.index(BEGIN)] == before[:before.index(BEGIN)]
    assert after[after.index(END):] == before[before.index(END):]
    assert main(["--data-dir", str(data_copy), "coverage"]) == EXIT_OK
