"""kg_metrics.data.registry: the target registry loaded from data/, and its refusal of bad input.

The bad-input tests copy data/ to ``tmp_path/'data'`` (so files are shown as
``data/targets.csv``), break one thing, and check that load_registry raises a
DataError naming the file, the row and the field.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg_metrics.errors import DataError
from kg_metrics.text.format import parse_number
from kg_metrics.data.observations import load_observations
from kg_metrics.data.registry import COMPARATORS, load_registry, to_canonical
from kg_metrics.data.resolution import numbers_in
from tests.conftest import DATA_DIR

TARGETS = "data/targets.csv"


# =========================================================================== the shipped data
def test_loads_23_targets(registry):
    assert len(registry.targets) == 23
    assert registry.targets["target_id"].is_unique


def test_targets_keep_the_order_and_ids_of_targets_csv(registry, csv_tools, data_dir):
    _, rows = csv_tools.read(data_dir / "targets.csv")
    assert list(registry.targets["target_id"]) == [r["target_id"] for r in rows]


def test_every_target_has_a_sector_from_sectors_csv(registry, csv_tools, data_dir):
    _, sectors = csv_tools.read(data_dir / "sectors.csv")
    _, indicators = csv_tools.read(data_dir / "indicators.csv")
    known = {s["sector"] for s in sectors}
    sector_of = {i["indicator"]: i["sector"] for i in indicators}
    for t in registry.targets.itertuples():
        assert t.sector in known, t.target_id
        assert t.sector == sector_of[t.indicator], t.target_id


def test_the_value_of_each_target_is_written_in_its_quote(registry, csv_tools, data_dir):
    _, rows = csv_tools.read(data_dir / "targets.csv")
    loaded = registry.targets.set_index("target_id")
    for r in rows:
        # the value as typed is a verbatim part of the quote ("2,035" in "… đạt từ 2,035 triệu tấn …")
        assert r["value"] in r["quote"], r["target_id"]
        # and it was read in the declared (Vietnamese) convention
        assert loaded.loc[r["target_id"], "value"] == pytest.approx(float(parse_number(r["value"], "vi")))
        assert loaded.loc[r["target_id"], "value"] in [pytest.approx(n) for n in numbers_in(r["quote"])]


@pytest.mark.parametrize("target_id, value", [
    ("grdp_growth_fy2024", 6.7),
    ("grdp_growth_h2_2024", 6.56),
    ("rice_h2_2024", 2.035),          # "2,035 triệu tấn": two million tonnes, not 2035 Mt
    ("rice_fy2024", 4.6),
    ("ntm_communes_h2_2024", 3),      # "03 xã"
    ("fishery_h2_2024", 439_051),     # "439.051 tấn"
    ("fishery_fy2024", 800_000),
    ("ipv_h2_2024", 29_947.93),       # "29.947,93 tỷ đồng"
    ("ipv_fy2024", 55_467.04),
    ("exports_h2_2024", 449.2),
    ("tourists_fy2024", 9.2),
    ("intl_tourists_h2_2024", 99_355),
])
def test_hand_read_target_values(registry, target_id, value):
    t = registry.targets.set_index("target_id").loc[target_id]
    assert t["value"] == pytest.approx(value)


def test_quotes_are_verbatim_in_their_clause(registry):
    for t in registry.targets.itertuples():
        assert t.quote in registry.resolution.text, t.target_id
        assert t.quote in registry.resolution.clause_text(t.clause), t.target_id


def test_comparators_match_their_wording(registry):
    for t in registry.targets.itertuples():
        assert t.comparator in COMPARATORS
        assert t.comparator_text in t.quote, t.target_id
        assert registry.comparator_words[t.comparator_text] == t.comparator, t.target_id


@pytest.mark.parametrize("target_id, comparator, wording", [
    ("grdp_growth_fy2024", "≥", "trở lên"),       # "6,7% trở lên": 6.7% or more
    ("pi_disbursement_fy2024", "≥", "ít nhất"),   # "ít nhất 95%": at least 95%
    ("ipv_fy2024", "≥", "đạt và vượt"),           # reach and exceed
    ("exports_h2_2024", "≥", "đạt từ"),           # from 449,2 upwards
    ("tourists_fy2024", ">", "trên"),             # "trên 9,2 triệu": above 9.2 M
    ("exports_fy2024", "=", "đạt"),               # reach 920
    ("ntm_communes_h2_2024", "=", "công nhận thêm"),
    ("fishery_h2_2024", "≈", "ước đạt"),          # an estimated 439.051 t
])
def test_comparator_wording_means_what_vietnamese_says(registry, target_id, comparator, wording):
    t = registry.targets.set_index("target_id").loc[target_id]
    assert (t["comparator"], t["comparator_text"]) == (comparator, wording)
    assert registry.comparator_words[wording] == comparator


def test_h2_targets_do_not_exceed_year_targets(registry):
    tg = registry.targets[(registry.targets["measure"] == "level") & registry.targets["additive"]]
    by = tg.set_index(["indicator", "period"])["value_canonical"]
    pairs = [(i, by[(i, "H2-2024")], by[(i, "FY-2024")]) for i in tg["indicator"].unique()
             if (i, "H2-2024") in by.index and (i, "FY-2024") in by.index]
    # rice 2,035 ≤ 4,6; fishery 439.051 ≤ 800.000; ipv, retail, exports, tourists, intl_tourists, ntm_communes
    assert len(pairs) == 8
    assert all(h2 <= fy for _, h2, fy in pairs)


def test_target_columns_carry_indicator_details(registry):
    t = registry.targets.set_index("target_id").loc["tourists_fy2024"]
    assert (t["indicator_unit"], t["sector"], bool(t["additive"])) == ("m_arrivals", "tourism", True)
    assert t["value_canonical"] == pytest.approx(9.2)        # already in the indicator's unit
    p = registry.targets.set_index("target_id").loc["pi_disbursement_fy2024"]
    assert bool(p["additive"]) is False                      # a rate does not add up over halves


def test_registry_lookups(registry):
    # sectors ordered by their 'order' column (0…7), not alphabetically
    assert registry.sector_ids == ["economy", "agriculture", "industry_trade", "tourism", "public_investment",
                                   "culture_society", "defence_security", "admin_reform"]
    assert registry.sector_name("tourism") == "Du lịch"
    assert registry.sector_name("tourism", "en") == "Tourism"
    assert registry.indicator_name("rice", "en") == "Rice output"
    assert registry.indicator_name("rice") == "Sản lượng lúa"
    assert registry.unit_symbol("mt") == "triệu tấn"
    assert registry.unit_symbol("m_usd", "en") == "M USD"


def test_targets_for_a_sector(registry):
    assert set(registry.targets_for("tourism")["target_id"]) == {
        "tourists_h2_2024", "tourists_fy2024", "intl_tourists_h2_2024", "intl_tourists_fy2024"}
    assert registry.targets_for("culture_society").empty


def test_tasks_for_a_sector(registry):
    eco = registry.tasks_for("economy")
    assert list(eco["clause"]) == ["Điều 1, khoản 1"] and list(eco["paragraph"]) == [2]
    assert eco["text"].iloc[0].startswith("Để đạt được mục tiêu kế hoạch năm 2024 tăng trưởng 6,7% trở lên")
    pi = registry.tasks_for("public_investment")
    assert list(pi["paragraph"]) == [3, 4, 7]
    assert "giải ngân vốn đầu tư công" in pi["text"].iloc[0]
    assert registry.tasks_for("nonexistent").empty


def test_catalog_is_read(registry):
    assert registry.catalog.decimal_convention == "vi"
    assert registry.catalog.resolution_date == "2024-07-18"


# =========================================================================== domain facts (data, not code)
def test_domain_facts_come_from_the_data(registry):
    assert registry.grdp_components == ("va_agri", "va_industry", "va_services", "va_taxes")  # grdp_component 1…4
    assert registry.overview_sector == "economy" and registry.province == "kien_giang"
    assert registry.areas == ("kien_giang", "phu_quoc")
    assert registry.briefing_sectors == [s for s in registry.sector_ids if s != "economy"]


@pytest.mark.parametrize("indicator, lang, short", [
    ("grdp", "vi", "GRDP"),
    ("rice", "vi", "Sản lượng lúa"),
    ("intl_tourists", "vi", "Khách quốc tế"),
    ("intl_tourists", "en", "International arrivals"),
    ("va_agri", "vi", "Nông, lâm nghiệp và thủy sản"),   # the components' names in charts and tables
    ("va_taxes", "en", "Product taxes less subsidies"),
])
def test_short_names(registry, indicator, lang, short):
    assert registry.short_name(indicator, lang) == short


def test_every_indicator_has_short_names_no_longer_than_its_names(registry):
    for r in registry.indicators.itertuples():
        for lang in ("vi", "en"):
            assert 0 < len(getattr(r, f"short_name_{lang}")) <= len(getattr(r, f"name_{lang}")), r.indicator


def test_the_components_order_is_the_datas(data_copy, csv_tools):
    path = data_copy / "indicators.csv"
    csv_tools.set(path, csv_tools.row_of(path, "indicator", "va_agri"), grdp_component="4")
    csv_tools.set(path, csv_tools.row_of(path, "indicator", "va_taxes"), grdp_component="1")
    assert load_registry(data_copy).grdp_components == ("va_taxes", "va_industry", "va_services", "va_agri")


def test_the_overview_sector_and_province_are_the_catalogs(data_copy):
    _edit(data_copy / "catalog.yml", "overview_sector: economy", "overview_sector: tourism")
    _edit(data_copy / "catalog.yml", "province: kien_giang ", "province: phu_quoc ")
    reg = load_registry(data_copy)
    assert (reg.overview_sector, reg.province) == ("tourism", "phu_quoc")
    assert "tourism" not in reg.briefing_sectors and "economy" in reg.briefing_sectors


@pytest.mark.parametrize("indicator, fields, field, contains", [
    ("va_agri", {"grdp_component": "x"}, "grdp_component", "component's position"),
    ("va_agri", {"grdp_component": "0"}, "grdp_component", "greater than or equal to 1"),
    ("va_agri", {"grdp_component": "2"}, "grdp_component", "1, 2, … once each"),   # two components at 2
    ("va_taxes", {"grdp_component": "7"}, "grdp_component", "1, 2, … once each"),  # a gap
    ("va_agri", {"additive": "false"}, "additive", "must be additive"),
    ("va_agri", {"unit": "m_usd"}, "unit", "like the others"),
    ("rice", {"short_name_vi": ""}, "short_name_vi", "at least 1 character"),
])
def test_bad_domain_columns_of_indicators_csv(data_copy, csv_tools, problem, indicator, fields, field, contains):
    path = data_copy / "indicators.csv"
    row = csv_tools.row_of(path, "indicator", indicator)
    csv_tools.set(path, row, **fields)
    problem(_load_error(data_copy), "data/indicators.csv", field=field, contains=contains)


# catalog.yml with one entry rewritten (old → new): a problem in catalog.yml at field (and line), with the phrase
@pytest.mark.parametrize("old, new, field, contains, line", [
    pytest.param("overview_sector: economy", "overview_sector: growth", "overview_sector", "not a sector", None,
                 id="overview_sector_not_a_sector"),
    pytest.param("overview_sector: economy", "overview_sector: Economy", "overview_sector", "lower-case identifier",
                 None, id="overview_sector_not_an_identifier"),
    pytest.param("province: kien_giang ", "province: an_giang ", None, "not one of the areas", None,
                 id="province_not_an_area"),
    pytest.param("areas: [kien_giang, phu_quoc]", "areas: [kien_giang, kien_giang]", "areas", "twice", None,
                 id="area_twice"),
    pytest.param("areas: [kien_giang, phu_quoc]", "areas: []", "areas", "at least 1 item", None, id="no_areas"),
    pytest.param("decimal_convention: vi", "decimal_convention: fr", "decimal_convention", None, None,
                 id="unknown_decimal_convention"),
    pytest.param("units: units.csv", "units: units.csv: x", None, "not valid YAML", 10,   # "units:" is line 10
                 id="unparseable_catalog_yaml"),
])
def test_bad_entries_of_catalog_yml(data_copy, problem, old, new, field, contains, line):
    _edit(data_copy / "catalog.yml", old, new)
    problem(_load_error(data_copy), "data/catalog.yml", field=field, contains=contains, line=line)


@pytest.mark.parametrize("value, unit, to_unit, expected", [
    (1.2, "m_arrivals", "arrivals", 1_200_000),   # 1,2 triệu lượt = 1.200.000 lượt
    (6_672_384, "arrivals", "m_arrivals", 6.672384),
    (1, "bn_usd", "m_usd", 1000),                 # 1 tỷ USD = 1.000 triệu USD
    (2.035, "mt", "t", 2_035_000),
    (439_051, "t", "mt", 0.439051),
    (55, "trn_vnd", "bn_vnd", 55_000),
    (7.5, "pct", "pct", 7.5),
])
def test_to_canonical(registry, value, unit, to_unit, expected):
    units = {u["unit"]: u for u in registry.units.to_dict("records")}
    assert to_canonical(value, unit, to_unit, units) == pytest.approx(expected)


def test_default_data_dir_is_this_clones_data(monkeypatch):
    monkeypatch.delenv("KG_METRICS_DATA_DIR", raising=False)
    reg = load_registry()
    assert reg.data_dir.resolve() == (Path(__file__).resolve().parents[2] / "data").resolve()
    assert len(reg.targets) == 23


def test_data_dir_from_the_environment(monkeypatch, data_copy):
    (data_copy / "targets.csv").write_bytes(b"")
    monkeypatch.setenv("KG_METRICS_DATA_DIR", str(data_copy))
    with pytest.raises(DataError) as exc:
        load_registry()
    assert exc.value.problems[0].file == TARGETS


def test_the_copy_loads_unchanged(data_copy):
    # guards the bad-input tests below: each fails only because of what it breaks
    assert len(load_registry(data_copy).targets) == 23


# =========================================================================== bad input
def _load_error(data_dir: Path) -> DataError:
    with pytest.raises(DataError) as exc:
        load_registry(data_dir)
    return exc.value


def _edit(path: Path, old: str, new: str) -> None:
    """Replace ``old``, which must be in the text file ``path``, by ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# One row of one CSV file (found by its key) gets new cells; loading must then report a problem in that file at
# that row and field, whose message holds the phrase (and each of `also`); where `line` is set, the problem also
# names the physical line (row + 1: the header is line 1).
# file, row key, changes, field, phrase, line, also
BAD_CELLS = [
    pytest.param("indicators.csv", ("indicator", "rice"), {"sector": "farming"}, "sector", "unknown sector", True,
                 ("'farming'", "agriculture"),   # what was typed, and what is allowed
                 id="unknown_sector_in_indicators"),
    pytest.param("targets.csv", ("target_id", "exports_fy2024"), {"value": "chín trăm hai mươi"}, "value",
                 "not a number in Vietnamese notation", True, (), id="non_numeric_value"),
    pytest.param("targets.csv", ("target_id", "grdp_growth_fy2024"), {"value": "6,7%"}, "value", "not a number", False,
                 (), id="percent_sign_in_value_is_not_a_number"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"value": "-4,6"}, "value", "cannot be negative", False,
                 (), id="negative_level"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"unit": "tonnes"}, "unit", "not in units.csv", True,
                 (), id="unit_not_in_units_csv"),
    # rice is measured in mass; 'bn_vnd' (money) cannot express it
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"unit": "bn_vnd"}, "unit", "cannot express rice", False,
                 (), id="unit_of_another_dimension"),
    # the resolution says "để cả năm đạt 920 triệu USD"; a paraphrase is not a quote
    pytest.param("targets.csv", ("target_id", "exports_fy2024"), {"quote": "để cả năm đạt 920 triệu đô la Mỹ"}, "quote",
                 "not found verbatim", True, (), id="quote_not_verbatim_in_the_resolution"),
    pytest.param("targets.csv", ("target_id", "exports_fy2024"), {"value": "930"}, "value",
                 "not among the numbers of the quote", True, ("930", "920"), id="value_not_in_its_quote"),
    # "2.035" in Vietnamese notation is two thousand thirty-five; the resolution says 2,035 (million tonnes).
    # It must not load as 2035 Mt: the number 2035 is not in the quote ('2.035' is what was typed).
    pytest.param("targets.csv", ("target_id", "rice_h2_2024"), {"value": "2.035"}, "value",
                 "not among the numbers of the quote", True, ("2035", "'2.035'"),
                 id="rice_written_with_a_dot_is_refused_not_read_as_2035"),
    # "trở lên" (or more) means ≥, not >
    pytest.param("targets.csv", ("target_id", "grdp_growth_fy2024"), {"comparator": ">"}, "comparator",
                 "'trở lên' means ≥, not >", True, (), id="comparator_inconsistent_with_wording"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"comparator_text": "khoảng"}, "comparator_text",
                 "unknown wording", False, (), id="unknown_wording"),
    # "trên" maps to '>', consistent with the comparator, but the quote says "đạt"
    pytest.param("targets.csv", ("target_id", "exports_fy2024"), {"comparator": ">", "comparator_text": "trên"},
                 "comparator_text", "not in the quote", False, (), id="wording_not_in_the_quote"),
    pytest.param("targets.csv", ("target_id", "grdp_growth_fy2024"), {"comparator": ">="}, "comparator", None, False,
                 (), id="unknown_comparator_symbol"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"period": "H1-2024"}, "period", "H2-YYYY or FY-YYYY",
                 False, (), id="target_period_must_be_h2_or_fy"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"period": "2024"}, "period", "not a period code", False,
                 (), id="invalid_period_code"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"measure": "share_of_plan_pct"}, "measure", None, False,
                 (), id="target_measure"),
    pytest.param("targets.csv", ("target_id", "rice_fy2024"), {"indicator": "paddy"}, "indicator", "unknown indicator",
                 False, (), id="unknown_indicator"),
    # khoản 2 has points a–d only
    pytest.param("targets.csv", ("target_id", "rice_h2_2024"), {"clause": "Điều 1, khoản 2, điểm e"}, "clause",
                 "no such clause", True, (), id="clause_that_does_not_exist"),
    pytest.param("targets.csv", ("target_id", "rice_h2_2024"), {"clause": "Điều 1, khoản 2, điểm b"}, "clause",
                 "the quote is not in", False, (), id="clause_that_exists_but_does_not_hold_the_quote"),
    pytest.param("targets.csv", ("target_id", "rice_h2_2024"), {"clause": "Điều 1 khoản 2 điểm a"}, "clause",
                 "is not a citation", False, (), id="malformed_clause"),
    pytest.param("sectors.csv", ("sector", "tourism"), {"clause": "Điều 3"}, "clause", "no such clause", False, (),
                 id="clause_in_sectors_csv"),
    pytest.param("units.csv", ("unit", "mt"), {"factor_to_base": "0"}, "factor_to_base", "positive", False, (),
                 id="non_positive_unit_factor"),
    # row 1 of task_paragraphs.csv
    pytest.param("task_paragraphs.csv", ("sector", "economy"), {"sector": "health"}, "sector", "unknown sector", False,
                 (), id="task_paragraph_with_unknown_sector"),
]


@pytest.mark.parametrize("file, key, changes, field, contains, line, also", BAD_CELLS)
def test_a_bad_cell_is_named_by_file_row_and_field(data_copy, csv_tools, problem, file, key, changes, field,
                                                   contains, line, also):
    path = data_copy / file
    row = csv_tools.row_of(path, *key)
    csv_tools.set(path, row, **changes)
    p = problem(_load_error(data_copy), f"data/{file}", row=row, field=field, line=row + 1 if line else None,
                contains=contains)
    for phrase in also:
        assert phrase in p.message, phrase


def test_duplicate_target_id(data_copy, csv_tools, problem):
    row = csv_tools.row_of(data_copy / "targets.csv", "target_id", "rice_fy2024")
    first = csv_tools.row_of(data_copy / "targets.csv", "target_id", "rice_h2_2024")
    csv_tools.set(data_copy / "targets.csv", row, target_id="rice_h2_2024")
    err = _load_error(data_copy)
    p = problem(err, TARGETS, row=row, field="target_id", contains="duplicate")
    assert f"first at row {first}" in p.message


def test_missing_column(data_copy, csv_tools, problem):
    header, rows = csv_tools.read(data_copy / "targets.csv")
    header.remove("quote")
    csv_tools.write(data_copy / "targets.csv", header, [{k: v for k, v in r.items() if k != "quote"} for r in rows])
    err = _load_error(data_copy)
    problem(err, TARGETS, line=1, contains="missing column(s): quote")


def test_extra_column(data_copy, csv_tools, problem):
    header, rows = csv_tools.read(data_copy / "targets.csv")
    csv_tools.write(data_copy / "targets.csv", header + ["comment"], [{**r, "comment": ""} for r in rows])
    err = _load_error(data_copy)
    problem(err, TARGETS, line=1, contains="unexpected column(s): comment")


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file(data_copy, problem, content):
    (data_copy / "targets.csv").write_bytes(content)
    err = _load_error(data_copy)
    problem(err, TARGETS, contains="is empty")


def test_semicolon_delimited_file(data_copy, problem):
    # Excel in a Vietnamese locale saves "CSV" with ';' because ',' is the decimal mark
    _edit(data_copy / "units.csv", ",", ";")
    err = _load_error(data_copy)
    problem(err, "data/units.csv", line=1, contains="';' as delimiter")


def test_utf8_bom(data_copy, problem):
    path = data_copy / "targets.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    err = _load_error(data_copy)
    problem(err, TARGETS, line=1, contains="byte-order mark")


def test_latin1_encoded_file(data_copy, problem):
    # re-encode sectors.csv as latin-1; letters outside latin-1 become '?'. Line 2 (economy:
    # "Tăng trưởng kinh tế chung", "Điều 1") has none inside latin-1, line 3 has 'ô' of "Nông": byte 0xf4
    path = data_copy / "sectors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    err = _load_error(data_copy)
    p = problem(err, "data/sectors.csv", line=3, contains="not UTF-8")
    assert "0xf4" in p.message and "line 3" in str(err)


def _swap_intl_tourists(csv_tools, path: Path) -> int:
    """Swap the intl tourists targets: H2 680.000 against a year of 99.355 (both quotes verbatim, so only the
    cross-check of H2 against the year fails); returns the H2 target's row."""
    h2 = csv_tools.row_of(path, "target_id", "intl_tourists_h2_2024")
    fy = csv_tools.row_of(path, "target_id", "intl_tourists_fy2024")
    csv_tools.set(path, h2, value="680.000", quote="để cuối năm đạt 680.000 khách quốc tế")
    csv_tools.set(path, fy, value="99.355", quote="khách quốc tế đạt 99.355 lượt khách")
    return h2


def test_h2_target_above_year_target(data_copy, csv_tools, problem):
    h2 = _swap_intl_tourists(csv_tools, data_copy / "targets.csv")
    err = _load_error(data_copy)
    p = problem(err, TARGETS, row=h2, field="value", line=h2 + 1, contains="exceeds its year target")
    assert "intl_tourists" in p.message and "680000" in p.message and "99355" in p.message


def test_h2_above_year_names_the_physical_line(data_copy, csv_tools):
    path = data_copy / "targets.csv"
    h2 = _swap_intl_tourists(csv_tools, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")   # a blank line after the header
    err = _load_error(data_copy)
    assert [(p.row, p.line) for p in err.problems] == [(h2, h2 + 2)]


def test_every_problem_is_reported_not_just_the_first(data_copy, csv_tools, problem):
    path = data_copy / "targets.csv"
    a = csv_tools.row_of(path, "target_id", "exports_fy2024")
    b = csv_tools.row_of(path, "target_id", "rice_fy2024")
    csv_tools.set(path, a, value="930")
    csv_tools.set(path, b, unit="tonnes")
    err = _load_error(data_copy)
    assert len(err.problems) == 2
    assert str(err).startswith("2 problem(s) in the input data:")
    problem(err, TARGETS, row=a, field="value")
    problem(err, TARGETS, row=b, field="unit")


# --------------------------------------------------------------------------- catalog.yml
def test_unparseable_catalog_yaml_message_shows_the_line(data_copy):
    _edit(data_copy / "catalog.yml", "units: units.csv", "units: units.csv: x")
    assert "line 10" in str(_load_error(data_copy))


def test_unknown_catalog_key(data_copy, problem):
    path = data_copy / "catalog.yml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    problem(_load_error(data_copy), "data/catalog.yml", field="colour")


def test_catalog_must_be_a_mapping(data_copy, problem):
    (data_copy / "catalog.yml").write_text("- sectors.csv\n- units.csv\n", encoding="utf-8")
    problem(_load_error(data_copy), "data/catalog.yml", contains="mapping")


@pytest.mark.parametrize("file, contains", [
    pytest.param("catalog.yml", "not found", id="missing_catalog"),
    pytest.param("source/nq-kien-giang-2024-07-18.txt", "missing", id="missing_resolution_text"),
])
def test_missing_file(data_copy, problem, file, contains):
    (data_copy / file).unlink()
    problem(_load_error(data_copy), f"data/{file}", contains=contains)


def test_declared_english_convention_reads_csv_numbers_the_english_way(data_copy, csv_tools, problem):
    # the CSVs still hold "6,7": in English notation that is not a number, and it must not be guessed
    _edit(data_copy / "catalog.yml", "decimal_convention: vi", "decimal_convention: en")
    row = csv_tools.row_of(data_copy / "targets.csv", "target_id", "grdp_growth_fy2024")
    problem(_load_error(data_copy), TARGETS, row=row, field="value", contains="English notation")


def test_english_notation_data_loads_when_declared(data_copy, csv_tools):
    _edit(data_copy / "catalog.yml", "decimal_convention: vi", "decimal_convention: en")
    for name, col in (("targets.csv", "value"), ("units.csv", "factor_to_base")):
        header, rows = csv_tools.read(data_copy / name)
        for r in rows:
            r[col] = f"{parse_number(r[col], 'vi'):,f}"   # the same number in English notation: 55,467.04
        csv_tools.write(data_copy / name, header, rows)
    reg = load_registry(data_copy)
    assert reg.targets.set_index("target_id").loc["ipv_fy2024", "value"] == pytest.approx(55467.04)


def test_value_not_in_quote_message_shows_the_numbers_in_full(data_copy, csv_tools):
    row = csv_tools.row_of(data_copy / "targets.csv", "target_id", "ipv_fy2024")
    csv_tools.set(data_copy / "targets.csv", row, value="55.467,05")
    msg = _load_error(data_copy).problems[0].message
    assert "55467.05" in msg and "55467.04" in msg


# --------------------------------------------------------------------------- never an unhandled exception
_HEADER = "target_id,indicator,measure,period,comparator,comparator_text,value,unit,clause,quote\n"
_CELL = st.one_of(st.text(max_size=12), st.sampled_from(["rice", "2,035", "2.035", "-1", "H2-2024", "≥", "mt", "",
                                                          "Điều 1, khoản 2, điểm a", '"', "\ufeff", "\x00", ";"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(_CELL, min_size=0, max_size=12), max_size=4).map(
        lambda rows: (_HEADER + "\n".join(",".join(r) for r in rows)).encode("utf-8", "surrogatepass")),
))
def test_loading_arbitrary_target_files_never_raises_anything_but_data_error(content):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, data)
        (data / "targets.csv").write_bytes(content)
        try:
            load_registry(data)
        except DataError as exc:
            assert exc.problems and all(p.file for p in exc.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_loading_arbitrary_observation_files_never_raises_anything_but_data_error(content):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, data)
        (data / "observations" / "tourism.csv").write_bytes(content)
        try:
            load_observations(load_registry(data))
        except DataError as exc:
            assert exc.problems
