"""kg_metrics.data.lexicon: the resolution's wording is data (data/lexicon.yml), validated, and no code holds it."""
from __future__ import annotations

import ast
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from kg_metrics.data import extract as ex
from kg_metrics.data.lexicon import clause_ref, default_structure, parse_ref, read_lexicon
from kg_metrics.data.registry import load_registry
from kg_metrics.errors import DataError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
#: The data layer: no module may hold a word of the resolution's language (they read it from data/).
DATA_READERS = ["extract", "lexicon", "observations", "params", "periods", "registry", "resolution",
                "scenario_files", "tables", "validation"]


@pytest.fixture()
def lexicon_copy(tmp_path):
    """A copy of data/ whose lexicon.yml a test may change (and the extractor's cache of it cleared)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    yield data
    ex._lexicon_cached.cache_clear()


def _edit_lexicon(data: Path, old: str, new: str) -> None:
    path = data / "lexicon.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _vietnamese_literals(path: Path) -> list[str]:
    """String literals of a module (docstrings left out) holding a non-ASCII Latin letter (ấ, đ, ư…)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [f"{path.name}:{n.lineno}: {n.value!r}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            and any(ord(c) > 127 and "LATIN" in unicodedata.name(c, "") for c in n.value)]


def test_the_data_readers_hold_no_word_of_the_resolution_language():
    found = [hit for m in DATA_READERS for hit in _vietnamese_literals(REPO / "lib" / "kg_metrics" / "data" / f"{m}.py")]
    assert found == []


def test_the_scan_finds_a_vietnamese_literal(tmp_path):
    code = tmp_path / "m.py"
    code.write_text('"""Docstring: tháng."""\nA = "ok"\nB = "6 tháng cuối năm"\n', encoding="utf-8")
    assert _vietnamese_literals(code) == ["m.py:3: '6 tháng cuối năm'"]


def test_the_shipped_lexicon_loads_against_the_registry():
    reg = load_registry(DATA)
    lex = read_lexicon(DATA / "lexicon.yml", "data/lexicon.yml", reg.indicators["indicator"], reg.units["unit"])
    assert lex.comparators["trở lên"] == "≥" and lex.comparators_after == ["trở lên"]
    assert [k.indicator for k in lex.indicator_keywords][:2] == ["ntm_advanced", "ntm_model"]  # most specific first
    assert reg.comparator_words == lex.comparators


def test_document_types_are_spelled_out_in_the_reference_patterns():
    lex = read_lexicon(DATA / "lexicon.yml", "data/lexicon.yml")
    patterns = [rx for rx, _ in lex.reference_regexes()]
    assert not any("{document_types}" in rx for rx in patterns)
    assert any(re.fullmatch(rx, "Nghị quyết số 181", re.IGNORECASE) for rx in patterns)


def test_a_keyword_added_to_the_lexicon_is_read(lexicon_copy):
    sentence = "Phấn đấu 6 tháng cuối năm sản lượng khai thác đạt 500 nghìn tấn."
    assert ex.read_sentence(sentence, 2024, data_dir=lexicon_copy).loc[1, "kind"] == "unclassified"
    _edit_lexicon(lexicon_copy, '  - {keyword: "thủy sản", indicator: fishery}\n',
                  '  - {keyword: "thủy sản", indicator: fishery}\n  - {keyword: "khai thác", indicator: fishery}\n')
    got = ex.read_sentence(sentence, 2024, data_dir=lexicon_copy).loc[1]
    assert (got["kind"], got["indicator"], got["period"]) == ("target", "fishery", "H2-2024")


def test_a_comparator_wording_added_to_the_lexicon_is_read(lexicon_copy):
    sentence = "Phấn đấu 6 tháng cuối năm sản lượng lúa tối thiểu 2 triệu tấn."
    assert ex.read_sentence(sentence, 2024, data_dir=lexicon_copy).loc[1, "kind"] == "unclassified"
    _edit_lexicon(lexicon_copy, '  "ít nhất": "≥"', '  "tối thiểu": "≥"\n  "ít nhất": "≥"')
    got = ex.read_sentence(sentence, 2024, data_dir=lexicon_copy).loc[1]
    assert (got["kind"], got["indicator"], got["comparator_text"]) == ("target", "rice", "tối thiểu")


@pytest.mark.parametrize("old, new, field, message", [
    ("indicator: rice}", "indicator: paddy}", "indicator_keywords.4.indicator", "unknown indicator 'paddy'"),
    ("indicator: grdp, measure: growth_yoy_pct}", "indicator: grdp, measure: share}", "indicator_keywords.14.measure",
     "must be one of"),
    ("kind: H2}", "kind: Q3}", "period_cues.0.kind", "must be one of"),
    ('"trên": ">"', '"trên": "gt"', "comparators", "a comparator is one of"),
    ('comparators_after: ["trở lên"]', 'comparators_after: ["trở xuống"]', None, "not in comparators"),
    ('{wording: "USD", unit: m_usd', '{wording: "USD", unit: usd', "unit_aliases.5.unit", "not in units.csv"),
    ("same_period: 'so với cùng kỳ'", "same_period: 'so với (cùng kỳ'", "same_period",
     "not a valid regular expression"),
    ("abbreviations:", "abbreviation:", "abbreviation", "Extra inputs"),
])
def test_a_bad_lexicon_is_refused_naming_the_entry(lexicon_copy, old, new, field, message):
    _edit_lexicon(lexicon_copy, old, new)
    for load in (lambda: ex.load_lexicon(lexicon_copy), lambda: load_registry(lexicon_copy)):
        with pytest.raises(DataError) as err:
            load()
        hits = [p for p in err.value.problems if p.file == "data/lexicon.yml" and p.field == field]
        assert hits and message in hits[0].message, err.value.problems


@pytest.mark.parametrize("old, new, field, message", [
    ("  article: \"Điều {article}\"", "  article: \"Điều {số}\"", "structure.article", "the one field {article}"),
    ("  point: \"điểm {point}\"", "  point: \"điểm\"", "structure.point", "the one field {point}"),
    ("  clause_heading: '^(\\d+)\\.\\s+(.*)$'", "  clause_heading: '^\\d+\\.'", "structure.clause_heading",
     "needs a group"),
    ("  point_letter: '[a-zđ]'", "  point_letter: '([a-zđ])'", "structure.point_letter", "must have no group"),
    ('  preamble: "Phần mở đầu"', '  preamble: ""', "structure.preamble", "at least 1 character"),
])
def test_a_bad_structure_is_refused_naming_the_entry(lexicon_copy, old, new, field, message):
    _edit_lexicon(lexicon_copy, old, new)
    with pytest.raises(DataError) as err:
        load_registry(lexicon_copy)
    hits = [p for p in err.value.problems if p.file == "data/lexicon.yml" and p.field == field]
    assert hits and message in hits[0].message, err.value.problems


def test_the_structure_reads_the_resolution_and_its_citations(lexicon_copy, registry):
    """Citations are written as the lexicon says: another wording reads (and cites) the same resolution."""
    _edit_lexicon(lexicon_copy, '  clause: "khoản {clause}"', '  clause: "K{clause}"')
    for name in ("targets.csv", "sectors.csv", "task_paragraphs.csv"):
        path = lexicon_copy / name
        path.write_text(path.read_text(encoding="utf-8").replace("khoản ", "K"), encoding="utf-8")
    reg = load_registry(lexicon_copy)
    assert reg.resolution.refs() == [r.replace("khoản ", "K") for r in registry.resolution.refs()]
    assert reg.resolution.structure.parse("Điều 1, K2, điểm a") == (1, 2, "a")
    for sector in registry.sector_ids:
        shipped = registry.tasks_for(sector)
        assert reg.tasks_for(sector).equals(shipped.assign(clause=shipped["clause"].str.replace("khoản ", "K")))


def test_citations_without_a_registry_use_the_shipped_structure(registry):
    assert default_structure() == registry.resolution.structure
    assert clause_ref(1, 2, "a") == "Điều 1, khoản 2, điểm a" and parse_ref("Điều 1, khoản 2") == (1, 2, None)
    assert clause_ref(None) == "Phần mở đầu"


def test_a_missing_lexicon_is_named(lexicon_copy):
    (lexicon_copy / "lexicon.yml").unlink()
    with pytest.raises(DataError) as err:
        load_registry(lexicon_copy)
    assert [(p.file, "not found" in p.message) for p in err.value.problems] == [("data/lexicon.yml", True)]
