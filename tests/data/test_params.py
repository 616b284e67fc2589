"""Notebook parameters: validated before any work, with messages that name the parameter and what is allowed."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg_metrics.data.params as params_mod
from kg_metrics.errors import ParameterError
from kg_metrics.data.params import SECTOR_NOTEBOOK_SECTORS, sector_notebook_sectors, validate_parameters

BRIEFING_SECTORS = ["agriculture", "industry_trade", "tourism", "public_investment", "culture_society",
                    "defence_security", "admin_reform"]


def test_sector_notebook_sectors_are_every_sector_but_the_overviews(registry):
    assert sector_notebook_sectors(registry) == BRIEFING_SECTORS
    assert SECTOR_NOTEBOOK_SECTORS(registry) == BRIEFING_SECTORS
    assert registry.overview_sector in registry.sector_ids and registry.overview_sector not in BRIEFING_SECTORS


def test_valid_sector_parameters_are_returned_normalised():
    p = validate_parameters("tourism", "en", "", "2024-07-18", notebook="sector")
    assert p == {"sector": "tourism", "lang": "en", "data_dir": "", "as_of": "2024-07-18", "notebook": "sector"}


def test_result_feeds_validate_parameters_again():
    p = validate_parameters("agriculture", "vi", "", "2024-12-31", notebook="sector")
    assert validate_parameters(**p) == p


def test_overview_ignores_the_sector():
    for sector in (None, "", "economy", "tourism", "no such sector", 42):
        p = validate_parameters(sector, "vi", "", "2024-07-18", notebook="overview")
        assert p["sector"] is None and p["notebook"] == "overview"


@pytest.mark.parametrize("sector", BRIEFING_SECTORS)
def test_every_briefing_sector_is_accepted(sector, registry):
    assert validate_parameters(sector, "vi", "", "2024-07-18", notebook="sector", registry=registry)["sector"] == sector


def test_unknown_sector_message_lists_the_valid_ones():
    with pytest.raises(ParameterError) as exc:
        validate_parameters("tourisme", "vi", "", "2024-07-18", notebook="sector")
    msg = str(exc.value)
    assert "'sector'" in msg and "'tourisme'" in msg
    for s in BRIEFING_SECTORS:
        assert s in msg
    assert "economy" not in msg.split("expected one of:")[1]


def test_economy_is_the_overviews_not_a_sector_briefing():
    with pytest.raises(ParameterError, match="overview") as exc:
        validate_parameters("economy", "vi", "", "2024-07-18", notebook="sector")
    assert "tourism" in str(exc.value)


def test_the_overviews_sector_is_the_catalogs(data_copy):
    path = data_copy / "catalog.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("overview_sector: economy", "overview_sector: tourism"),
                    encoding="utf-8")
    with pytest.raises(ParameterError, match="overview"):
        validate_parameters("tourism", "vi", str(data_copy), "2024-07-18", notebook="sector")
    assert validate_parameters("economy", "vi", str(data_copy), "2024-07-18", notebook="sector")["sector"] == "economy"


@pytest.mark.parametrize("kwargs, name", [
    (dict(sector="tourism", lang=1, data_dir="", as_of="2024-07-18"), "lang"),
    (dict(sector="tourism", lang=None, data_dir="", as_of="2024-07-18"), "lang"),
    (dict(sector="tourism", lang=["vi"], data_dir="", as_of="2024-07-18"), "lang"),
    (dict(sector=3, lang="vi", data_dir="", as_of="2024-07-18"), "sector"),
    (dict(sector=None, lang="vi", data_dir="", as_of="2024-07-18"), "sector"),
    (dict(sector=True, lang="vi", data_dir="", as_of="2024-07-18"), "sector"),
    (dict(sector="tourism", lang="vi", data_dir=0, as_of="2024-07-18"), "data_dir"),
    (dict(sector="tourism", lang="vi", data_dir=None, as_of="2024-07-18"), "data_dir"),
    (dict(sector="tourism", lang="vi", data_dir="", as_of=datetime.date(2024, 7, 18)), "as_of"),
    (dict(sector="tourism", lang="vi", data_dir="", as_of=20240718), "as_of"),
])
def test_wrong_types_name_the_parameter(kwargs, name):
    with pytest.raises(ParameterError) as exc:
        validate_parameters(**kwargs, notebook="sector")
    assert f"'{name}'" in str(exc.value)
    assert "must be a string" in str(exc.value)


@pytest.mark.parametrize("lang", ["fr", "VI", "vi ", "", "vi_VN"])
def test_unknown_language(lang):
    with pytest.raises(ParameterError, match=r"'lang'.*vi, en"):
        validate_parameters("tourism", lang, "", "2024-07-18", notebook="sector")


@pytest.mark.parametrize("as_of", ["2024-02-30", "18/07/2024", "20240718", "2024-07-18T00:00", "2024-7-18", "",
                                   "yesterday", "2024-13-01"])
def test_as_of_must_be_an_iso_date(as_of):
    with pytest.raises(ParameterError, match="'as_of'"):
        validate_parameters("tourism", "vi", "", as_of, notebook="sector")


@pytest.mark.parametrize("field, value", [
    ("sector", 'tourism"\nimport os'),
    ("sector", "tourism'"),
    ("sector", "tour\"ism"),
    ("sector", "tourism\n"),
    ("sector", "tourism\\"),
    ("lang", "vi\n"),
    ("lang", 'vi"; import os; "'),
    ("lang", "v`i"),
    ("as_of", "2024-07-18\n"),
    ("as_of", "2024-07-18'"),
    ("as_of", '2024-07-18"); os.system("x'),
    ("as_of", "2024-07-18\x00"),
])
def test_injection_like_strings_are_rejected(field, value):
    args = {"sector": "tourism", "lang": "vi", "data_dir": "", "as_of": "2024-07-18"}
    args[field] = value
    with pytest.raises(ParameterError) as exc:
        validate_parameters(**args, notebook="sector")
    assert f"'{field}'" in str(exc.value)


@settings(max_examples=60, deadline=None)
@given(prefix=st.sampled_from(["tourism", "vi", "2024-07-18"]), bad=st.sampled_from(list("\n\r\"'`\\\x00\t")),
       suffix=st.text(max_size=5), field=st.sampled_from(["sector", "lang", "as_of"]))
def test_any_quote_or_control_character_is_rejected(prefix, bad, suffix, field):
    args = {"sector": "tourism", "lang": "vi", "data_dir": "", "as_of": "2024-07-18"}
    args[field] = prefix + bad + suffix
    with pytest.raises(ParameterError):
        validate_parameters(**args, notebook="sector")


def test_data_dir_must_exist(tmp_path: Path):
    missing = tmp_path / "nope"
    with pytest.raises(ParameterError, match="not an existing directory"):
        validate_parameters("tourism", "vi", str(missing), "2024-07-18", notebook="sector")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ParameterError, match="not an existing directory"):
        validate_parameters("tourism", "vi", str(a_file), "2024-07-18", notebook="sector")


def test_data_dir_must_be_a_data_directory(tmp_path: Path):
    with pytest.raises(ParameterError, match="catalog.yml"):
        validate_parameters("tourism", "vi", str(tmp_path), "2024-07-18", notebook="sector")


def test_data_dir_newline_is_rejected():
    with pytest.raises(ParameterError, match="'data_dir'"):
        validate_parameters("tourism", "vi", "data\n", "2024-07-18", notebook="sector")


def test_a_data_copy_is_accepted_and_made_absolute(data_copy: Path, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    p = validate_parameters("tourism", "vi", "data", "2024-07-18", notebook="sector")
    assert p["data_dir"] == str(data_copy.resolve())
    p = validate_parameters("tourism", "vi", data_copy, "2024-07-18", notebook="sector")  # a Path is fine
    assert p["data_dir"] == str(data_copy.resolve())


def test_the_default_data_dir_stays_empty():
    assert validate_parameters(None, "vi", "", "2024-07-18", notebook="overview")["data_dir"] == ""


def test_unknown_notebook():
    with pytest.raises(ParameterError, match="overview, sector"):
        validate_parameters("tourism", "vi", "", "2024-07-18", notebook="tourism")


def test_cheap_checks_run_before_loading_anything(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the registry must not be loaded for a bad lang or date")

    import kg_metrics.data.registry as registry_mod  # params imports load_registry from here, late

    monkeypatch.setattr(registry_mod, "load_registry", boom)
    with pytest.raises(ParameterError, match="'lang'"):
        validate_parameters("tourism", "xx", "", "2024-07-18", notebook="sector")
    with pytest.raises(ParameterError, match="'as_of'"):
        validate_parameters("tourism", "vi", "", "2024-31-12", notebook="sector")
    with pytest.raises(ParameterError, match="'data_dir'"):
        validate_parameters("tourism", "vi", "/nonexistent/kg", "2024-07-18", notebook="sector")
    # the overview needs no registry at all
    assert validate_parameters(None, "vi", "", "2024-07-18", notebook="overview")["lang"] == "vi"


def test_a_sector_missing_from_another_data_dir_is_rejected(data_copy: Path, csv_tools):
    path = data_copy / "sectors.csv"
    header, rows = csv_tools.read(path)
    csv_tools.write(path, header, [r for r in rows if r["sector"] != "admin_reform"])
    tp = data_copy / "task_paragraphs.csv"
    h2, r2 = csv_tools.read(tp)
    csv_tools.write(tp, h2, [r for r in r2 if r["sector"] != "admin_reform"])
    with pytest.raises(ParameterError, match="expected one of") as exc:
        validate_parameters("admin_reform", "vi", str(data_copy), "2024-07-18", notebook="sector")
    assert "admin_reform" not in str(exc.value).split("expected one of:")[1]
