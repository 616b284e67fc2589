"""kg_metrics.data.validation: the field checks every data file shares, one number reader for all of them."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from kg_metrics.data import validation as v
from kg_metrics.data.lexicon import IndicatorKeyword
from kg_metrics.data.observations import ObservationRow
from kg_metrics.data.registry import TargetRow, UnitRow
from kg_metrics.data.scenario_files import H2Growth
from kg_metrics.errors import DataError


def info(**context):
    """What pydantic passes a validator: here only the context matters."""
    return SimpleNamespace(context=context or None)


@pytest.mark.parametrize("value, context, expected", [
    ("55.467,04", {}, 55467.04),                          # Vietnamese notation by default
    ("2,035", {"convention": "vi"}, 2.035),
    ("55,467.04", {"convention": "en"}, 55467.04),
    (3, {}, 3.0),
    (-1.25, {}, -1.25),                                   # a float from Python is taken as it is
])
def test_number_reads(value, context, expected):
    assert v.number(value, info(**context)) == pytest.approx(expected)


@pytest.mark.parametrize("value, context, message", [
    ("", {}, "is empty; a number is required"),
    ("  ", {}, "is empty; a number is required"),
    (None, {}, "is empty; a number is required"),
    (True, {}, "must be a number, not True"),             # bool is an int to Python, not to the data
    (float("nan"), {}, "finite"),
    (float("inf"), {}, "finite"),
    (9.2, {"from_file": True}, "quoted string"),          # YAML's 9.2 may have been '9.200' = 9200
    ("9.2", {"convention": "vi"}, "not a number in Vietnamese notation"),
    ([1], {}, "must be a number, not list"),
])
def test_number_refuses(value, context, message):
    with pytest.raises(ValueError, match=message):
        v.number(value, info(**context))


@pytest.mark.parametrize("text, expected", [("12", 12.0), ("0,5", 0.5), ("1,25", 1.25)])
def test_registry_and_scenario_files_read_numbers_alike(text, expected):
    # once two functions that disagreed (a bool or an empty cell was read differently); now one
    unit = UnitRow.model_validate({"unit": "x", "base_unit": "x", "factor_to_base": text, "symbol_vi": "x",
                                   "symbol_en": "x", "name_vi": "x", "name_en": "x"}, context={"convention": "vi"})
    growth = H2Growth.model_validate({"h2_growth_pct": text, "justification": "j", "source": "explorer"},
                                     context={"convention": "vi", "from_file": True})
    assert unit.factor_to_base == growth.h2_growth_pct == expected


def test_shown_path_is_relative_to_the_data_dirs_parent(tmp_path):
    assert v.shown_path(tmp_path / "data" / "targets.csv", tmp_path / "data") == "data/targets.csv"
    assert v.shown_path(Path("/elsewhere/x.csv"), tmp_path / "data") == "/elsewhere/x.csv"


def test_load_yaml_names_the_line(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a: 1\nb: [\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        v.load_yaml(path, "data/x.yml")
    p = err.value.problems[0]
    assert (p.file, "not valid YAML" in p.message, isinstance(p.line, int)) == ("data/x.yml", True, True)


@pytest.mark.parametrize("measure, value, unit, fields", [
    ("level", 5.0, "t", []),
    ("level", -1.0, "t", ["value"]),
    ("level", 5.0, "bn_vnd", ["unit"]),                   # tonnes cannot express money
    ("growth_yoy_pct", -3.0, "pct", []),                  # a growth rate may be negative
    ("growth_yoy_pct", 3.0, "t", ["unit"]),
    ("share_of_plan_pct", -3.0, "pct", ["value"]),
])
def test_check_measure_unit(measure, value, unit, fields):
    units = {"t": {"base_unit": "t"}, "mt": {"base_unit": "t"}, "bn_vnd": {"base_unit": "bn_vnd"},
             "pct": {"base_unit": "pct"}}
    problems: list[tuple[str, str]] = []
    v.check_measure_unit(measure, value, unit, {"indicator": "rice", "unit": "mt"}, units, problems)
    assert [f for f, _ in problems] == fields
    # a target or an observation row is checked the same way, with the indicator and units of the context
    row = SimpleNamespace(indicator="rice", measure=measure, value=value, unit=unit)
    assert v.figure_problems(row, info(indicators={"rice": {"indicator": "rice", "unit": "mt"}}, units=units)) == problems


@pytest.mark.parametrize("value, ok", [("H2", True), (None, True), ("Q3", False)])   # None: an optional field left out
def test_one_of(value, ok):
    check = v.one_of(("H1", "H2"), "a half: {known}")
    if ok:
        assert check(value) == value
    else:
        with pytest.raises(ValueError, match="^a half: H1, H2$"):
            check(value)


@pytest.mark.parametrize("context, ok", [
    ({"areas": ["kien_giang", "phu_quoc"]}, True),
    ({"areas": ["kien_giang"]}, False),
    ({"areas": None}, True),                              # None: the file that lists them is not read yet
    ({}, False),                                          # nothing listed, nothing known
])
def test_listed_in(context, ok):
    check = v.listed_in("areas", "{v!r} is not among: {known}")
    if ok:
        assert check("phu_quoc", info(**context)) == "phu_quoc"
    else:
        with pytest.raises(ValueError, match="^'phu_quoc' is not among: "):
            check("phu_quoc", info(**context))


@pytest.mark.parametrize("model", [ObservationRow, TargetRow, IndicatorKeyword])
def test_every_row_model_refuses_an_unknown_indicator_alike(model):
    with pytest.raises(ValidationError) as exc:
        model.model_validate({"indicator": "paddy"}, context={"indicators": {"rice": {}}})
    assert [e["msg"] for e in exc.value.errors() if e["loc"] == ("indicator",)] == [
        "Value error, unknown indicator 'paddy'; it must be listed in indicators.csv"]


def test_non_empty_text():
    row = {"unit": "t", "base_unit": "t", "factor_to_base": "1", "symbol_vi": "", "symbol_en": "t",
           "name_vi": "tấn", "name_en": "tonnes"}
    with pytest.raises(ValidationError) as exc:
        UnitRow.model_validate(row)
    assert [e["loc"] for e in exc.value.errors()] == [("symbol_vi",)]


def test_slug():
    assert v.slug("va_agri") == "va_agri"
    for bad in ("Economy", "1st", "a-b", ""):
        with pytest.raises(ValueError, match="lower-case identifier"):
            v.slug(bad)
