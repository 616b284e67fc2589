"""Bad input to `kg-metrics build`: a file/row/field message, exit code 2, and outputs untouched.

No kernel starts in any of these: validation comes first. A published set is faked with the
real publisher so that "untouched" is checked against the layout builds produce.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg_metrics.build.pipeline import MANIFEST
from kg_metrics.cli import EXIT_BAD_INPUT, main
from kg_metrics.build.publish import Publisher

from tests.conftest import read_table, write_table


@pytest.fixture
def published(tmp_path) -> Path:
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
    return {str(p.relative_to(out)): (p.read_bytes() if p.is_file() else b"dir")
            for p in out.rglob("*") if not p.name.endswith(".lock")}


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
                          "data/observations/economy.csv, row 1 (line 2), field 'value'"),
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
])
def test_bad_parameters_are_refused(args, message, published, capsys):
    before = everything(published)
    rc = main(["build", "--out", str(published), "--quiet", "--wait", "0", *args])
    assert rc == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
    assert everything(published) == before


@pytest.mark.parametrize("text, message", [
    ("langs: vi\n", "field 'langs': Input should be a valid list"),
    ("langs: [vi, fr]\n", "field 'langs': languages must be 'vi' or 'en'"),
    ("as_of: 18/07/2024\n", "field 'as_of'"),
    ("force: 'yes'\n", "field 'force': Input should be a valid boolean"),
    ("sectors: [tourism\n", "is not valid YAML"),
    ("colour: red\n", "field 'colour': Extra inputs are not permitted"),
])
def test_bad_parameter_files_are_refused(text, message, tmp_path, published, capsys):
    params = tmp_path / "build.yml"
    params.write_text(text, encoding="utf-8")
    before = everything(published)
    rc = main(["build", "--out", str(published), "--quiet", "--wait", "0", "--params", str(params)])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT, err
    assert str(params) in err and message in err, err
    assert everything(published) == before
