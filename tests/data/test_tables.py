"""kg_metrics.data.tables: strict CSV reading, with every failure naming its file and line."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from kg_metrics.errors import DataError
from kg_metrics.data.tables import read_csv, validate_rows

COLS = ["indicator", "value"]
SHOWN = "data/example.csv"


@pytest.fixture
def write(tmp_path):
    def _write(content: bytes | str, name: str = "example.csv"):
        p = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        p.write_bytes(content)
        return p
    return _write


def only_problem(exc: pytest.ExceptionInfo) -> object:
    assert len(exc.value.problems) == 1, str(exc.value)
    return exc.value.problems[0]


# --------------------------------------------------------------------------- good files
def test_reads_rows_with_row_and_line_numbers(write):
    p = write("indicator,value\nrice,\"2,035\"\n\nfishery,439.051\n")
    rows = read_csv(p, COLS, SHOWN)
    # the blank line 3 is skipped: it is not a row, but line numbers stay physical
    assert rows == [(1, 2, {"indicator": "rice", "value": "2,035"}),
                    (2, 4, {"indicator": "fishery", "value": "439.051"})]


def test_values_are_kept_as_text_and_trimmed(write):
    p = write(" indicator , value \n rice , 439.051 \n")
    assert read_csv(p, COLS, SHOWN) == [(1, 2, {"indicator": "rice", "value": "439.051"})]


def test_reads_crlf_line_endings(write):
    # Excel on Windows writes CRLF
    p = write(b"indicator,value\r\nrice,1\r\nfishery,2\r\n")
    assert read_csv(p, COLS, SHOWN) == [(1, 2, {"indicator": "rice", "value": "1"}),
                                        (2, 3, {"indicator": "fishery", "value": "2"})]


def test_reads_vietnamese_text(write):
    p = write("indicator,value\nSản lượng lúa,\"Điều 1, khoản 2, điểm a\"\n")
    assert read_csv(p, COLS, SHOWN)[0][2] == {"indicator": "Sản lượng lúa", "value": "Điều 1, khoản 2, điểm a"}


def test_rows_of_empty_fields_are_skipped(write):
    p = write("indicator,value\n,\nrice,1\n")
    assert read_csv(p, COLS, SHOWN) == [(1, 3, {"indicator": "rice", "value": "1"})]


def test_shown_name_defaults_to_the_path(write):
    p = write(b"")
    with pytest.raises(DataError) as exc:
        read_csv(p, COLS)
    assert only_problem(exc).file == str(p)


# --------------------------------------------------------------------------- file-level failures
@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\n"])
def test_empty_file(write, content):
    with pytest.raises(DataError) as exc:
        read_csv(write(content), COLS, SHOWN)
    pr = only_problem(exc)
    assert pr.file == SHOWN
    assert "is empty" in pr.message and "indicator,value" in pr.message   # tells the expected header
    assert str(exc.value).startswith("1 problem(s)")
    assert f"{SHOWN}: is empty" in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as exc:
        read_csv(tmp_path / "nope.csv", COLS, SHOWN)
    pr = only_problem(exc)
    assert pr.file == SHOWN and "cannot be read" in pr.message


def test_utf8_bom(write):
    with pytest.raises(DataError) as exc:
        read_csv(write(b"\xef\xbb\xbfindicator,value\nrice,1\n"), COLS, SHOWN)
    pr = only_problem(exc)
    assert (pr.file, pr.line) == (SHOWN, 1)
    assert "byte-order mark" in pr.message
    assert SHOWN in str(exc.value)


def test_latin1_file(write):
    # 'é' is one byte (0xe9) in latin-1, which is not UTF-8; it is on physical line 3
    content = "indicator,value\nrice,1\ncafé,2\n".encode("latin-1")
    with pytest.raises(DataError) as exc:
        read_csv(write(content), COLS, SHOWN)
    pr = only_problem(exc)
    assert (pr.file, pr.line) == (SHOWN, 3)
    assert "not UTF-8" in pr.message and "0xe9" in pr.message and "line 3" in str(exc.value)


def test_utf16_file(write):
    # "Unicode text" from Excel is UTF-16 with a BOM (ff fe): not UTF-8 from its first byte
    with pytest.raises(DataError) as exc:
        read_csv(write("indicator,value\nlúa,1\n".encode("utf-16")), COLS, SHOWN)
    pr = only_problem(exc)
    assert pr.line == 1 and "not UTF-8" in pr.message


@pytest.mark.parametrize("delimiter, name", [(";", "';'"), ("\t", "tab"), ("|", "'|'")])
def test_wrong_delimiter(write, delimiter, name):
    content = f"indicator{delimiter}value\nrice{delimiter}2,035\n"
    with pytest.raises(DataError) as exc:
        read_csv(write(content), COLS, SHOWN)
    pr = only_problem(exc)
    assert (pr.file, pr.line) == (SHOWN, 1)
    assert "delimiter" in pr.message and name in pr.message


def test_missing_column(write):
    with pytest.raises(DataError) as exc:
        read_csv(write("indicator,value\nrice,1\n"), ["indicator", "value", "unit"], SHOWN)
    pr = only_problem(exc)
    assert (pr.file, pr.line) == (SHOWN, 1)
    assert "missing column(s): unit" in str(exc.value)


def test_extra_column(write):
    with pytest.raises(DataError) as exc:
        read_csv(write("indicator,value,comment\nrice,1,x\n"), COLS, SHOWN)
    assert "unexpected column(s): comment" in str(exc.value)
    assert only_problem(exc).line == 1


def test_renamed_column_is_both_missing_and_unexpected(write):
    with pytest.raises(DataError) as exc:
        read_csv(write("indicator,val\nrice,1\n"), COLS, SHOWN)
    messages = [p.message for p in exc.value.problems]
    assert messages == ["missing column(s): value", "unexpected column(s): val"]


def test_columns_out_of_order(write):
    with pytest.raises(DataError) as exc:
        read_csv(write("value,indicator\n1,rice\n"), COLS, SHOWN)
    assert "out of order" in only_problem(exc).message


def test_header_without_rows(write):
    with pytest.raises(DataError) as exc:
        read_csv(write("indicator,value\n\n"), COLS, SHOWN)
    assert "no data rows" in only_problem(exc).message


# --------------------------------------------------------------------------- row-level failures
def test_wrong_field_count_names_row_and_line(write):
    # an unquoted decimal comma splits "2,035" into two fields
    content = "indicator,value\nfishery,1\n\nrice,2,035\nx\n"
    with pytest.raises(DataError) as exc:
        read_csv(write(content), COLS, SHOWN)
    probs = exc.value.problems
    assert [(p.row, p.line) for p in probs] == [(2, 4), (3, 5)]   # every bad row, not just the first
    assert "has 3 fields, expected 2" in probs[0].message
    assert "has 1 fields, expected 2" in probs[1].message
    text = str(exc.value)
    assert text.startswith("2 problem(s)")
    assert f"{SHOWN}, row 2 (line 4)" in text and f"{SHOWN}, row 3 (line 5)" in text


def test_stray_quote_is_invalid_csv(write):
    with pytest.raises(DataError) as exc:
        read_csv(write('indicator,value\nrice,1\nfishery,"2"3\n'), COLS, SHOWN)
    pr = only_problem(exc)
    assert (pr.row, pr.line) == (2, 3)
    assert "not valid CSV" in pr.message


def test_unterminated_quote_is_invalid_csv(write):
    with pytest.raises(DataError) as exc:
        read_csv(write('indicator,value\nrice,"1\nfishery,2\n'), COLS, SHOWN)
    pr = only_problem(exc)
    assert pr.row == 1 and "not valid CSV" in pr.message


def test_line_of_a_multiline_row_is_where_it_starts(write):
    rows = read_csv(write('indicator,value\n"two\nlines",1\nrice,2\n'), COLS, SHOWN)
    assert [(r, ln) for r, ln, _ in rows] == [(1, 2), (2, 4)]


# --------------------------------------------------------------------------- validate_rows
class _Row(BaseModel):
    indicator: str = Field(pattern="^[a-z]+$")
    value: int = Field(ge=0)


def test_validate_rows_returns_models():
    out = validate_rows(_Row, [(1, 2, {"indicator": "rice", "value": "3"})], SHOWN)
    assert out == [_Row(indicator="rice", value=3)]


def test_validate_rows_collects_every_problem_with_row_line_and_field():
    rows = [(1, 2, {"indicator": "rice", "value": "-1"}),
            (2, 3, {"indicator": "ok", "value": "1"}),
            (3, 5, {"indicator": "Lúa", "value": "x"})]
    with pytest.raises(DataError) as exc:
        validate_rows(_Row, rows, SHOWN)
    got = [(p.file, p.row, p.line, p.field) for p in exc.value.problems]
    assert got == [(SHOWN, 1, 2, "value"), (SHOWN, 3, 5, "indicator"), (SHOWN, 3, 5, "value")]
    text = str(exc.value)
    assert "data/example.csv, row 1 (line 2), field 'value'" in text
    assert "(got '-1')" in text and "(got 'Lúa')" in text and "(got 'x')" in text
