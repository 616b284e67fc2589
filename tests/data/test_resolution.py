"""kg_metrics.data.resolution: the resolution's structure, clause texts, citations and numbers."""
from __future__ import annotations

import os
import re

import pytest

from kg_metrics.data.lexicon import read_lexicon
from kg_metrics.data.resolution import Paragraph, Structure, load_resolution, numbers_in, parse_structure
from tests.conftest import DATA_DIR

#: The structure of the shipped data (data/lexicon.yml's `structure`): Điều / khoản / điểm.
VI = read_lexicon(DATA_DIR / "lexicon.yml", "data/lexicon.yml").structure.build()
#: Another language's structure, to show the rules hold no word of Vietnamese.
EN = Structure(re.compile(r"^Article\s+(\d+)\.\s*(.*)$"), re.compile(r"^(\d+)\.\s+(.*)$"),
               re.compile(r"^\(([a-z])\)\s+(.*)$"), "[a-z]", "Article {article}", "clause {clause}",
               "point {point}", ", ", "Preamble")

SMALL = """NGHỊ QUYẾT
Căn cứ Luật ngày 19 tháng 6 năm 2015;
Điều 1. Mục tiêu
1. Tăng trưởng
Đạt 6,7% trở lên.
2. Nhiệm vụ
a) Nông nghiệp
Sản lượng lúa 2,035 triệu tấn.

Thủy sản 439.051 tấn.
b) Du lịch
Trên 3,75 triệu lượt khách.
Điều 2. Tổ chức thực hiện
1. Giao Ủy ban nhân dân tỉnh.
"""


@pytest.fixture(scope="module")
def resolution(data_dir):
    import yaml

    catalog = yaml.safe_load((data_dir / "catalog.yml").read_text(encoding="utf-8"))
    return load_resolution(data_dir / catalog["resolution"], VI)


# --------------------------------------------------------------------------- citations
@pytest.mark.parametrize("args, ref", [
    ((1,), "Điều 1"),
    ((1, 1), "Điều 1, khoản 1"),
    ((1, 2, "a"), "Điều 1, khoản 2, điểm a"),
    ((2, 4), "Điều 2, khoản 4"),
    ((1, 2, "đ"), "Điều 1, khoản 2, điểm đ"),   # Vietnamese lists run a, b, c, d, đ, e
    ((None,), "Phần mở đầu"),                 # the preamble before Điều 1
])
def test_cite(args, ref):
    assert VI.cite(*args) == ref


def test_cite_ignores_a_point_without_a_clause():
    assert VI.cite(1, None, "a") == "Điều 1"


@pytest.mark.parametrize("ref, parsed", [
    ("Điều 1", (1, None, None)),
    ("Điều 1, khoản 2", (1, 2, None)),
    ("Điều 1, khoản 2, điểm a", (1, 2, "a")),
    ("Điều 12, khoản 10, điểm đ", (12, 10, "đ")),
    ("  Điều 1, khoản 1  ", (1, 1, None)),
])
def test_parse(ref, parsed):
    assert VI.parse(ref) == parsed


@pytest.mark.parametrize("a, k, p", [(1, None, None), (1, 1, None), (1, 2, "c"), (2, 3, None)])
def test_parse_inverts_cite(a, k, p):
    assert VI.parse(VI.cite(a, k, p)) == (a, k, p)


@pytest.mark.parametrize("ref", [
    "", "Điều", "Điều 1 khoản 2", "Điều 1,khoản 2", "điều 1", "Dieu 1", "khoản 2", "Điều 1, điểm a",
    "Điều 1, khoản 2, điểm A", "Điều 1, khoản 2, điểm ab", "Điều a", "Điều 1, khoản 2, điểm a, tiết 1",
    "Phần mở đầu", "Article 1",
])
def test_parse_rejects_malformed_citations(ref):
    with pytest.raises(ValueError, match="is not a citation like 'Điều 1, khoản 2, điểm a'"):
        VI.parse(ref)


def test_a_structure_in_another_language():
    text = "RESOLUTION\nArticle 1. Targets\n1. Growth\n(a) Farming\nRice 2.035 Mt.\nArticle 2. Duties\n"
    paras = parse_structure(text, EN)
    assert [(p.article, p.clause, p.point, p.ref) for p in paras] == [
        (None, None, None, "Preamble"), (1, None, None, "Article 1"), (1, 1, None, "Article 1, clause 1"),
        (1, 1, "a", "Article 1, clause 1, point a"), (1, 1, "a", "Article 1, clause 1, point a"),
        (2, None, None, "Article 2")]
    assert EN.parse("Article 1, clause 1, point a") == (1, 1, "a")
    with pytest.raises(ValueError, match="is not a citation like 'Article 1, clause 2, point a'"):
        EN.parse("Điều 1")


# --------------------------------------------------------------------------- structure (small text)
def test_parse_structure_tags_paragraphs():
    paras = parse_structure(SMALL, VI)
    got = [(p.article, p.clause, p.point, p.number, p.heading) for p in paras]
    assert got == [
        (None, None, None, 1, False),   # NGHỊ QUYẾT
        (None, None, None, 2, False),   # Căn cứ … (preamble)
        (1, None, None, 1, True),       # Điều 1.
        (1, 1, None, 1, True),          # 1. Tăng trưởng
        (1, 1, None, 2, False),
        (1, 2, None, 1, True),          # 2. Nhiệm vụ
        (1, 2, "a", 1, True),           # a) Nông nghiệp
        (1, 2, "a", 2, False),
        (1, 2, "a", 3, False),          # the blank line is not a paragraph
        (1, 2, "b", 1, True),
        (1, 2, "b", 2, False),
        (2, None, None, 1, True),       # Điều 2. resets clause and point
        (2, 1, None, 1, True),
    ]
    assert paras[7].text == "Sản lượng lúa 2,035 triệu tấn."
    assert paras[7].ref == "Điều 1, khoản 2, điểm a"
    assert paras[0].ref == "Phần mở đầu"


def test_numbered_lines_before_the_first_article_are_not_clauses():
    paras = parse_structure("1. Not a clause\na) not a point\nĐiều 1. X\na) not a point either: no clause yet\n", VI)
    assert [(p.article, p.clause, p.point) for p in paras] == [
        (None, None, None), (None, None, None), (1, None, None), (1, None, None)]


# --------------------------------------------------------------------------- the shipped resolution
def test_refs_of_the_shipped_resolution(resolution):
    assert resolution.refs() == [
        "Điều 1", "Điều 1, khoản 1", "Điều 1, khoản 2",
        "Điều 1, khoản 2, điểm a", "Điều 1, khoản 2, điểm b",
        "Điều 1, khoản 2, điểm c", "Điều 1, khoản 2, điểm d",
        "Điều 2", "Điều 2, khoản 1", "Điều 2, khoản 2", "Điều 2, khoản 3", "Điều 2, khoản 4",
    ]


def test_paragraphs_are_the_non_blank_lines(resolution):
    lines = [ln.strip() for ln in resolution.text.splitlines() if ln.strip()]
    assert [p.text for p in resolution.paragraphs] == lines


def test_clause_text_of_a_clause(resolution):
    text = resolution.clause_text("Điều 1, khoản 1")
    assert text.startswith("1. Mục tiêu tổng quát")
    assert "tăng trưởng 6,7% trở lên" in text
    assert "phải đạt từ 6,56% trở lên" in text
    assert "2,035 triệu tấn" not in text           # that is khoản 2


def test_clause_text_of_a_point(resolution):
    a = resolution.clause_text("Điều 1, khoản 2, điểm a")
    assert "Phấn đấu sản lượng lúa đạt từ 2,035 triệu tấn trở lên" in a
    assert "khách quốc tế đạt 99.355 lượt khách" in a
    assert "tuyển sinh quân sự" not in a           # that is điểm c
    c = resolution.clause_text("Điều 1, khoản 2, điểm c")
    assert "tuyển sinh quân sự đạt 100% chỉ tiêu Nghị quyết đề ra" in c
    assert c.startswith("c) Tăng cường củng cố quốc phòng-an ninh")


def test_clause_text_nests(resolution):
    article = resolution.clause_text("Điều 1")
    clause = resolution.clause_text("Điều 1, khoản 2")
    points = [resolution.clause_text(f"Điều 1, khoản 2, điểm {p}") for p in "abcd"]
    assert all(pt in clause for pt in points)
    assert clause in article
    assert "Giao Ủy ban nhân dân tỉnh" not in article   # Điều 2


@pytest.mark.parametrize("ref", ["Điều 3", "Điều 1, khoản 3", "Điều 1, khoản 2, điểm e", "Điều 2, khoản 1, điểm a"])
def test_clause_text_of_a_missing_clause_raises_key_error(resolution, ref):
    with pytest.raises(KeyError):
        resolution.clause_text(ref)


def test_clause_text_of_a_malformed_citation_raises_value_error(resolution):
    with pytest.raises(ValueError):
        resolution.clause_text("Điều 1 khoản 1")


def test_paragraph_is_frozen():
    p = Paragraph(1, 2, "a", 1, True, "a) x", "Điều 1, khoản 2, điểm a")
    with pytest.raises(AttributeError):
        p.text = "y"  # type: ignore[misc]


# --------------------------------------------------------------------------- loading and caching
def test_load_resolution_from_a_file(tmp_path):
    f = tmp_path / "nq.txt"
    f.write_text(SMALL, encoding="utf-8")
    res = load_resolution(f, VI)
    assert res.text == SMALL
    assert "Điều 1, khoản 2, điểm b" in res.refs()
    assert res.clause_text("Điều 1, khoản 2, điểm b") == "b) Du lịch\nTrên 3,75 triệu lượt khách."


def test_load_resolution_sees_changes_to_the_file(tmp_path):
    f = tmp_path / "nq.txt"
    f.write_text(SMALL, encoding="utf-8")
    first = load_resolution(f, VI)
    assert load_resolution(f, VI) is first         # cached while unchanged
    f.write_text(SMALL.replace("2,035", "2,1"), encoding="utf-8")
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))   # a later mtime, even on coarse clocks
    second = load_resolution(f, VI)
    assert "2,1 triệu tấn" in second.text and "2,035" not in second.text


def test_load_resolution_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_resolution(tmp_path / "nope.txt", VI)


# --------------------------------------------------------------------------- numbers_in
@pytest.mark.parametrize("text, expected", [
    ("đạt từ 29.947,93 tỷ đồng trở lên, để cả năm đạt 55.467,04", [29947.93, 55467.04]),
    ("Phấn đấu 06 tháng cuối năm công nhận thêm 03 xã", [6.0, 3.0]),
    ("sản lượng lúa đạt từ 2,035 triệu tấn", [2.035]),                # Vietnamese decimal: 2.035, not 2035
    ("ước đạt 439.051 tấn", [439051.0]),                              # Vietnamese grouping: 439051
    ("tăng trưởng 6,7% trở lên", [6.7]),
    ("đạt 4,6.", [4.6]),                                              # a sentence's full stop is not a decimal
    ("05 xã, 12 xã nâng cao; 03 xã", [5.0, 12.0, 3.0]),
    ("(27/7/1947-27/7/2024)", [27.0, 7.0, 1947.0, 27.0, 7.0, 2024.0]),
    ("không có số", []),
])
def test_numbers_in_vietnamese(text, expected):
    assert numbers_in(text) == pytest.approx(expected)
    assert numbers_in(text, "vi") == pytest.approx(expected)


def test_numbers_in_skips_tokens_that_are_not_numbers_in_the_convention():
    # "9.2" is not Vietnamese, "1,2,3" is nothing, "x1,5" is part of a word: none is guessed
    assert numbers_in("9.2 và 1,2,3 và x1,5 và 4,6") == [4.6]


def test_numbers_in_english():
    assert numbers_in("55,467.04 and 9.2", "en") == pytest.approx([55467.04, 9.2])
    assert numbers_in("2,035 Mt", "en") == [2035.0]
    assert numbers_in("55.467,04", "en") == []


def test_numbers_in_finds_every_target_value_of_the_resolution(resolution):
    nums = numbers_in(resolution.clause_text("Điều 1, khoản 2, điểm a"))
    for v in (2.035, 4.6, 3, 5, 12, 439051, 800000, 95, 29947.93, 55467.04, 75027, 157600, 449.2, 920,
              3.75, 9.2, 99355, 680000):
        assert any(abs(n - v) < 1e-9 for n in nums), v
