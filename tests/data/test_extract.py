"""kg_metrics.data.extract: from a resolution's text to a draft target registry, every number accounted for.

The shipped resolution must yield exactly the curated registry (data/targets.csv) with no
number left unclassified; composed fixtures in tests/data/extract/ cover other wordings,
another year and the notation traps.
"""
from __future__ import annotations

import math
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kg_metrics.data import extract as ex
from kg_metrics.errors import DataError
from kg_metrics.text.format import NumberParseError
from kg_metrics.data.registry import load_registry
from kg_metrics.data.resolution import NUMBER_TOKEN, load_resolution, numbers_in

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
RESOLUTION = DATA / "source" / "nq-kien-giang-2024-07-18.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "extract"
MINI = FIXTURES / "nq-mini-2025.txt"
COMPARED = ["target_id", "indicator", "measure", "period", "comparator", "comparator_text", "value", "unit",
            "clause"]


def _squeeze(text: str) -> str:
    """Text without whitespace, to compare a paragraph with its sentences put back together."""
    return "".join(text.split())


def _none(v):
    """pandas shows a missing cell as None or NaN; read both as None."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


@pytest.fixture(scope="module")
def reg():
    """The curated registry, validated."""
    return load_registry(DATA)


@pytest.fixture(scope="module")
def draft():
    """The draft registry extracted from the shipped resolution."""
    return ex.extract_targets(RESOLUTION)


@pytest.fixture(scope="module")
def cov():
    """The coverage table of the shipped resolution."""
    return ex.coverage(RESOLUTION)


# --------------------------------------------------------------------------- numbers and units
@pytest.mark.parametrize("text, value, unit", [
    ("2,035 triệu tấn", "2.035", "mt"),          # ',' is the decimal mark: 2.035, not 2035
    ("55.467,04 tỷ đồng", "55467.04", "bn_vnd"),
    ("439.051 tấn", "439051", "t"),              # '.' groups thousands: 439051, not 439.051
    ("6,7% trở lên", "6.7", "pct"),
    ("920 triệu USD", "920", "m_usd"),
    ("3,75 triệu lượt khách", "3.75", "m_arrivals"),
    ("06 tháng", "6", None),
    ("03 xã", "3", "communes"),
    ("03 huyện", "3", "districts"),
    ("100%", "100", "pct"),
    ("99.355 lượt khách", "99355", "arrivals"),
    ("680.000 khách quốc tế", "680000", "arrivals"),
    ("9,2 triệu lượt", "9.2", "m_arrivals"),        # scale word + 'lượt' lands on the registry unit
    ("1,05 tỷ USD", "1.05", "bn_usd"),
    ("1,2 nghìn tỷ đồng", "1.2", "trn_vnd"),
    ("850 nghìn tấn", "850000", "t"),               # no 'nghìn tấn' unit: folded into tonnes
    ("250 triệu đồng", "0.25", "bn_vnd"),           # folded into billions of dong
    ("6,7 phần trăm", "6.7", "pct"),
])
def test_parse_quantity_vietnamese_notation(text, value, unit):
    assert ex.parse_quantity(text) == (Decimal(value), unit)


@pytest.mark.parametrize("text", ["9.2 triệu lượt", "55,467.04 tỷ đồng", "6.7%", "1,250.5 triệu USD"])
def test_english_notation_is_refused_not_misread(text):
    with pytest.raises(NumberParseError, match="not a number in Vietnamese notation"):
        ex.parse_quantity(text)


def test_no_number_is_an_error():
    with pytest.raises(ValueError, match="holds no number"):
        ex.parse_quantity("triệu tấn")


def test_expression_takes_in_tro_len():
    q = ex.read_quantities("đạt từ 2,035 triệu tấn trở lên, nâng")[0]
    assert (q.token, q.unit_text) == ("2,035", "triệu tấn")
    assert "đạt từ 2,035 triệu tấn trở lên, nâng"[:q.expr_end].endswith("trở lên")


def test_unit_needs_a_word_boundary():
    assert ex.parse_quantity("5 xãx")[1] is None


@pytest.mark.parametrize("value, text", [("2.035", "2,035"), ("439051", "439.051"), ("6.70", "6,7"),
                                         ("29947.93", "29.947,93"), ("3", "3"), ("800000", "800.000")])
def test_vi_value_keeps_every_written_decimal(value, text):
    assert ex.vi_value(Decimal(value)) == text


# --------------------------------------------------------------------------- sentences
def test_sentences_do_not_split_inside_numbers_or_abbreviations():
    text = "Đạt từ 29.947,93 tỷ đồng trở lên. Tại TP. Rạch Giá đạt 2,035 triệu tấn; tiếp tục. Xong./."
    assert ex.split_sentences(text) == ["Đạt từ 29.947,93 tỷ đồng trở lên.",
                                        "Tại TP. Rạch Giá đạt 2,035 triệu tấn; tiếp tục.", "Xong./."]
    assert ex.split_sentences(text, semicolons=True)[1:3] == ["Tại TP. Rạch Giá đạt 2,035 triệu tấn;", "tiếp tục."]


def test_sentences_split_at_an_ellipsis_before_a_capital():
    text = "các doanh nghiệp,...Tiếp tục triển khai; trợ giúp xã hội,… Đẩy mạnh (xăng dầu…), đảm bảo."
    assert ex.split_sentences(text) == ["các doanh nghiệp,...", "Tiếp tục triển khai; trợ giúp xã hội,…",
                                        "Đẩy mạnh (xăng dầu…), đảm bảo."]


def test_sentences_lose_no_text_on_the_shipped_resolution():
    for p in load_resolution(RESOLUTION, ex.load_lexicon().structure).paragraphs:
        for semicolons in (False, True):
            parts = ex.split_sentences(p.text, semicolons)
            assert _squeeze("".join(parts)) == _squeeze(p.text)


# --------------------------------------------------------------------------- the shipped resolution
def test_extracted_targets_equal_the_curated_registry(draft, reg):
    curated = pd.read_csv(DATA / "targets.csv", dtype=str, keep_default_na=False)
    assert list(draft.columns) == list(curated.columns)
    assert draft[COMPARED].to_dict("records") == curated[COMPARED].to_dict("records")
    # and as the registry reads them (values as numbers, every field validated)
    tg = reg.targets.set_index("target_id")
    for row in draft.itertuples():
        cur = tg.loc[row.target_id]
        assert (row.indicator, row.measure, row.period, row.comparator, row.comparator_text, row.unit,
                row.clause) == (cur.indicator, cur.measure, cur.period, cur.comparator, cur.comparator_text,
                                cur.unit, cur.clause)
        assert math.isclose(float(ex.parse_quantity(row.value)[0]), cur.value)
    assert set(draft["target_id"]) == set(tg.index)


def test_quotes_are_verbatim_and_hold_value_and_wording(draft, reg):
    res = reg.resolution
    for row in draft.itertuples():
        assert row.quote in res.clause_text(row.clause), row.target_id
        assert row.comparator_text in row.quote
        value = float(ex.parse_quantity(row.value)[0])
        assert any(math.isclose(n, value) for n in numbers_in(row.quote)), row.target_id


def test_draft_passes_registry_validation(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    out = ex.write_draft(RESOLUTION, data / "targets.csv")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    raw.decode("utf-8")
    drafted = load_registry(data)  # validates quotes, clauses, units, comparators
    assert len(drafted.targets) == 23


def test_every_number_is_classified(cov):
    text = RESOLUTION.read_text(encoding="utf-8")
    tokens = [m.group(0) for m in NUMBER_TOKEN.finditer(text)]
    assert list(cov["token"]) == tokens  # one row per occurrence, in document order
    assert [text[s:s + len(t)] for s, t in zip(cov["start"], cov["token"])] == tokens
    counts = cov["kind"].value_counts().to_dict()
    assert counts == {"target": 23, "reference": len(tokens) - 23}
    assert cov["reason"].str.len().min() > 0
    drafted = ex.extract_targets(RESOLUTION)["target_id"].tolist()
    assert cov.loc[cov["kind"] == "target", "target_id"].tolist() == drafted
    assert cov.loc[cov["kind"] != "target", "target_id"].isna().all()


@pytest.mark.parametrize("sentence_has, token, reason", [
    ("316/BC-UBND", "316", "document number (Báo cáo số 316/BC-UBND)"),
    ("181/NQ-HĐND", "181", "document number"),
    ("23/CT- TTg", "23", "document number (Chỉ thị số 23/CT- TTg)"),
    ("18/CT-TTg", "18", "document number"),
    ("trung hạn giai đoạn 2021-2025", "2021", "year range (2021-2025)"),
    ("27/7/1947", "1947", "date (27/7/1947)"),
    ("kỷ niệm 77 năm", "77", "anniversary"),
    ("Phấn đấu 06 tháng cuối năm", "06", "duration in a period phrase (06 tháng cuối năm)"),
    ("Đề án 06", "06", "programme name (Đề án 06)"),
    ("Thạnh Lộc giai đoạn 1", "1", "phase number"),
    ("đạt 100% chỉ tiêu kế hoạch", "100", "share of plan (100% chỉ tiêu kế hoạch), restating the fishery"),
    ("ngày 19 tháng 6 năm 2015", "2015", "date"),
])
def test_traps_of_the_shipped_text_are_references(cov, sentence_has, token, reason):
    hits = cov[cov["sentence"].str.contains(sentence_has, regex=False) & (cov["token"] == token)]
    assert len(hits) >= 1
    assert (hits["kind"] == "reference").all()
    assert hits["reason"].str.contains(reason, regex=False).any(), hits["reason"].tolist()


def test_four_targets_share_one_period_and_comparator(cov):
    ntm = cov[cov["sentence"].str.startswith("Phấn đấu 06 tháng cuối năm công nhận thêm")]
    targets = ntm[ntm["kind"] == "target"]
    assert targets["target_id"].tolist() == ["ntm_communes_h2_2024", "ntm_communes_fy2024", "ntm_advanced_fy2024",
                                             "ntm_model_fy2024", "ntm_districts_fy2024"]
    assert set(targets["comparator_text"]) == {"công nhận thêm"}


def test_period_flips_at_de_cuoi_nam(cov):
    tour = cov[cov["sentence"].str.contains("khách quốc tế đạt 99.355", regex=False) & (cov["kind"] == "target")]
    assert list(zip(tour["token"], tour["period"])) == [("3,75", "H2-2024"), ("9,2", "FY-2024"),
                                                        ("99.355", "H2-2024"), ("680.000", "FY-2024")]


# --------------------------------------------------------------------------- composed sentences
CASES = yaml.safe_load((FIXTURES / "sentences.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_sentence(case):
    got = ex.read_sentence(case["sentence"], case.get("year"), case.get("default_period"))
    want = case["numbers"]
    assert got["token"].tolist() == [w["token"] for w in want]
    for w, g in zip(want, got.to_dict("records")):
        g = {k: (v if k == "value" else _none(v)) for k, v in g.items()}
        where = f"{case['id']} {w['token']}: {g['reason']}"
        assert g["kind"] == w["kind"], where
        assert g["unit"] == w.get("unit"), where
        if "value" in w:
            assert math.isclose(g["value"], w["value"]), where
        else:
            assert math.isnan(g["value"]), where
        for f in ("indicator", "measure", "period", "comparator_text"):
            if f in w:
                assert g[f] == w[f], f"{where} ({f})"
        if "reason" in w:
            assert w["reason"] in g["reason"], where
        if g["kind"] == "target":
            assert g["quote"] in case["sentence"] and g["comparator_text"] in g["quote"], where
            assert w["token"] in g["quote"], where
            assert ex.target_id(g["indicator"], g["measure"], g["period"])


def test_fixtures_cover_every_kind_and_the_english_traps():
    kinds = {n["kind"] for c in CASES for n in c["numbers"]}
    assert kinds == {"target", "reference", "flagged", "unclassified"}
    flagged = {n["token"] for c in CASES for n in c["numbers"] if n["kind"] == "flagged"}
    assert {"9.2", "55,467.04"} <= flagged


# --------------------------------------------------------------------------- another resolution
def test_mini_resolution_targets():
    got = ex.extract_targets(MINI)
    want = pd.read_csv(FIXTURES / "nq-mini-2025.expected.csv", dtype=str, keep_default_na=False)
    assert got[COMPARED].to_dict("records") == want.to_dict("records")
    res = load_resolution(MINI, ex.load_lexicon().structure)
    for row in got.itertuples():
        assert row.quote in res.clause_text(row.clause) and row.comparator_text in row.quote


def test_mini_resolution_coverage():
    cov = ex.coverage(MINI)
    text = MINI.read_text(encoding="utf-8")
    assert len(cov) == len(NUMBER_TOKEN.findall(text))
    assert set(cov["kind"]) == {"target", "reference"}
    assert (cov["kind"] == "target").sum() == 16


def test_heading_period_is_the_default():
    # the same sentence under a heading '… 6 tháng cuối năm 2024' and with no heading
    text = ("NGHỊ QUYẾT NĂM 2024\nĐiều 1. Nhiệm vụ\n1. Nhiệm vụ 6 tháng cuối năm 2024\n"
            "Phấn đấu sản lượng lúa đạt 2 triệu tấn.\n2. Khác\nPhấn đấu sản lượng lúa đạt 2 triệu tấn.\n")
    doc = ex.parse_text(text)
    rice = [(s.clause, r.kind, r.period) for s, r in doc.readings if r.q.unit == "mt"]
    assert rice == [("Điều 1, khoản 1", "target", "H2-2024"), ("Điều 1, khoản 2", "unclassified", None)]


def test_document_year():
    assert ex.document_year(RESOLUTION.read_text(encoding="utf-8")) == 2024
    assert ex.document_year(MINI.read_text(encoding="utf-8")) == 2025
    assert ex.document_year("Điều 1. X\nthông qua ngày 10 tháng 7 năm 2023./.") == 2023
    with pytest.raises(ValueError, match="year"):
        ex.document_year("Điều 1. Không có năm.")


# --------------------------------------------------------------------------- the wording is data
def test_lexicon_names_known_indicators_and_units():
    lex = ex.load_lexicon(DATA)
    assert {ind for _, ind, _ in lex.keywords} <= set(lex.indicators)
    assert {m for _, _, m in lex.keywords} <= {None, "level", "growth_yoy_pct"}
    assert {u for _, u, _ in lex.phrases} <= set(lex.unit_base)
    assert lex.comparators_after == ("trở lên",)


def test_draft_comparators_are_the_registrys(draft, reg):
    assert all(reg.comparator_words[t] == c for t, c in zip(draft["comparator_text"], draft["comparator"]))


@pytest.mark.parametrize("ind, measure, period, tid", [
    ("grdp", "growth_yoy_pct", "FY-2024", "grdp_growth_fy2024"),
    ("rice", "level", "H2-2024", "rice_h2_2024"),
    ("exports", "level", "FY-2025", "exports_fy2025"),
])
def test_target_id_pattern(ind, measure, period, tid):
    assert ex.target_id(ind, measure, period) == tid


# --------------------------------------------------------------------------- qualitative tasks
def test_tasks_cover_khoan_1_and_points_a_to_d():
    t = ex.tasks(RESOLUTION)
    assert list(t.columns) == ["clause", "paragraph", "sentence", "text"]
    assert set(t["clause"]) == {"Điều 1, khoản 1"} | {f"Điều 1, khoản 2, điểm {p}" for p in "abcd"}
    assert (t["paragraph"] >= 2).all()  # titles (paragraph 1) are not tasks
    first = t[(t["clause"] == "Điều 1, khoản 1")]
    assert first["sentence"].tolist() == [1, 2, 3, 4, 5]
    assert first["text"].iloc[1].endswith("kinh tế - xã hội tỉnh Kiên Giang năm 2024;")
    # every paragraph's sentences put back together give the paragraph
    res = load_resolution(RESOLUTION, ex.load_lexicon().structure)
    for (clause, n), grp in t.groupby(["clause", "paragraph"]):
        para = next(p for p in res.paragraphs if p.ref == clause and p.number == n)
        assert _squeeze("".join(grp.sort_values("sentence")["text"])) == _squeeze(para.text)


def test_tasks_for_sector_follows_the_mapping(reg):
    econ = ex.tasks_for_sector(reg, "economy")
    assert list(econ.columns) == ["clause", "paragraph", "sentence", "text"]
    assert set(zip(econ["clause"], econ["paragraph"])) == {("Điều 1, khoản 1", 2)}
    pi = ex.tasks_for_sector(reg, "public_investment")
    assert set(pi["paragraph"]) == {3, 4, 7}
    assert any("đạt ít nhất 95%" in s for s in pi["text"])
    for sector in reg.task_paragraphs["sector"].unique():
        assert len(ex.tasks_for_sector(reg, sector)) > 0
    assert ex.tasks_for_sector(reg, "no_such_sector").empty


# =========================================================================== the input, checked before parsing
def _text(p: Path, text: str) -> None:
    p.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "not found"),
    (lambda p: _text(p, ""), "is empty; expected a resolution's text (UTF-8)"),
    (lambda p: _text(p, "\ufeff \n\t\n"), "is empty"),
    (lambda p: _text(p, "Hello world: 12 apples, 3,5 pears.\n"), "is not a resolution's text: no line opens an article"),
    (lambda p: _text(p, "Điều 1. Nhiệm vụ\n1. Tăng trưởng 6,7%.\n"), "is not a resolution's text: cannot tell the "
                                                                   "resolution's year"),
    (lambda p: p.write_bytes(RESOLUTION.read_text(encoding="utf-8").encode("utf-16")), "is UTF-16 or UTF-32 text"),
    (lambda p: p.write_bytes(RESOLUTION.read_text(encoding="utf-8").encode("cp1258", errors="replace")),
     "is not UTF-8 (byte"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "is binary (a NUL byte at line 3)"),
    (lambda p: p.write_bytes(b"x" * (ex.MAX_RESOLUTION_BYTES + 1)), "is larger than"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: p.symlink_to("/dev/zero"), "is not a regular file"),
])
def test_a_file_that_is_not_a_resolution_is_refused_in_one_line(make, message, tmp_path):
    path = tmp_path / "nq.txt"
    make(path)
    with pytest.raises(DataError) as err:
        ex.extract_targets(path)
    [problem] = err.value.problems
    assert problem.file == str(path) and message in problem.message and "\n" not in str(problem), str(problem)


@pytest.mark.parametrize("transform", [
    lambda t: t.replace("\n", "\r\n"), lambda t: t.replace("\n", "\r"), lambda t: "\ufeff" + t,
    lambda t: t.replace("\nĐiều 2", "\n\f\nĐiều 2"),
], ids=["crlf", "cr", "bom", "form-feed"])
def test_line_ends_a_bom_and_page_breaks_do_not_change_the_draft(transform, tmp_path):
    path = tmp_path / "nq.txt"
    path.write_bytes(transform(RESOLUTION.read_text(encoding="utf-8")).encode("utf-8"))
    assert ex.extract_targets(path).equals(ex.extract_targets(RESOLUTION))
