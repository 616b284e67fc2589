"""Scenario files against hostile input: every class of bad file is refused with a DataError naming the file
(and the line and field where there is one), never with another exception, and quickly.

The same table drives ``tests/test_hostile_inputs.py``, which runs each case through the real command
(``kg-metrics build --scenario NAME``) and checks that nothing is built.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kg_metrics.data.scenario_files import MAX_SCENARIO_BYTES, load_scenario
from kg_metrics.errors import DataError

#: A valid scenario with one assumption; ``{name}`` and ``{growth}`` (line 6) are filled in per case.
TEMPLATE = """name: {name}
title_vi: "Thử"
title_en: "Test"
sectors:
  va_agri:
    h2_growth_pct: {growth}
    justification: "a test value"
    source: https://example.test/page
"""


def scenario(name: str, growth: str = '"2,5"', **replace: str) -> str:
    """The template for ``name``, with ``growth`` on line 6 and ``old=new`` text replacements."""
    text = TEMPLATE.format(name=name, growth=growth)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _nested(depth: int) -> str:
    return "name: deep\nx: " + "[" * depth + "]" * depth + "\n"


def _bomb() -> str:
    """Billion laughs: nine levels of aliases, each ten times the one before (10⁹ strings if expanded)."""
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _symlink(target: str):
    def make(path: Path) -> None:
        os.symlink(target, path)
    return make


def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # opening it for reading would block forever


def _unreadable(path: Path) -> None:
    path.write_text(scenario(path.stem), encoding="utf-8")
    path.chmod(0)


AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: (case id = scenario name, file content (text, bytes, or a function making the file), fragments of the message).
#: ``{file}`` stands for the file as the message shows it. Grouped by class of input.
HOSTILE_SCENARIOS = [
    # --- numbers: text, notation, special values, size
    ("growth_text", scenario("growth_text", '"abc"'),
     ["line 6", "field 'sectors.va_agri.h2_growth_pct'", "'abc' is not a number in Vietnamese notation"]),
    ("growth_empty", scenario("growth_empty", '""'), ["line 6", "h2_growth_pct", "is empty; a number is required"]),
    ("growth_null", scenario("growth_null", "null"), ["line 6", "h2_growth_pct", "is empty; a number is required"]),
    ("growth_exp_text", scenario("growth_exp_text", '"1e309"'), ["line 6", "'1e309' is not a number"]),
    ("growth_exp_bare", scenario("growth_exp_bare", "1e309"), ["line 6", "'1e309' is not a number"]),
    ("growth_nan_text", scenario("growth_nan_text", '"nan"'), ["line 6", "'nan' is not a number"]),
    ("growth_nan_yaml", scenario("growth_nan_yaml", ".nan"), ["line 6", "must be a finite number"]),
    ("growth_inf_text", scenario("growth_inf_text", '"inf"'), ["line 6", "'inf' is not a number"]),
    ("growth_inf_yaml", scenario("growth_inf_yaml", "-.inf"), ["line 6", "must be a finite number"]),
    ("growth_en_notation", scenario("growth_en_notation", '"1,000.5"'),
     ["line 6", "'1,000.5' is not a number in Vietnamese notation"]),
    ("growth_vi_thousands", scenario("growth_vi_thousands", '"1.000,5"'),
     ["line 6", "1000.5 is outside the sane range [-50, 100]"]),
    ("growth_bare_decimal", scenario("growth_bare_decimal", "2.5"), ["line 6", "quoted string"]),
    ("growth_huge_int", scenario("growth_huge_int", "1" + "0" * 400), ["line 6", "too large"]),
    ("growth_giant_int", scenario("growth_giant_int", "1" + "0" * 5000), ["is not valid YAML", "digits"]),
    ("growth_long_text", scenario("growth_long_text", '"' + "1" * 5000 + '"'), ["line 6", "5,000 characters long"]),
    ("growth_fullwidth", scenario("growth_fullwidth", '"２,５"'), ["line 6", "h2_growth_pct", "the digits 0-9"]),
    ("growth_superscript", scenario("growth_superscript", '"2²"'), ["line 6", "h2_growth_pct", "'2²' is not a number"]),
    ("growth_bool", scenario("growth_bool", "yes"), ["line 6", "must be a number, not True"]),
    ("growth_list", scenario("growth_list", "[1, 2]"), ["line 6", "must be a number, not list"]),
    ("growth_date", scenario("growth_date", "2024-02-30"), ["line 6", "'2024-02-30' is not a number"]),
    ("growth_out_of_range", scenario("growth_out_of_range", '"-60"'), ["line 6", "outside the sane range"]),
    ("weight_out_of_range", scenario("weight_out_of_range", **{
        "sectors:\n": 'h1_weight: {h1_weight: "0,9", justification: "j", source: "https://example.test/w"}\nsectors:\n'}),
     ["line 4", "field 'h1_weight.h1_weight'", "outside the sane range [0.3, 0.7]"]),
    # --- keys: unknown, duplicated, path-like, not text
    ("unknown_field", scenario("unknown_field", **{"sectors:\n": "colour: red\nsectors:\n"}),
     ["line 4", "field 'colour'", "unknown field; expected one of: name, title_vi"]),
    ("unknown_nested_field", scenario("unknown_nested_field", **{"    source:": "    note: x\n    source:"}),
     ["line 8", "field 'sectors.va_agri.note'", "unknown field"]),
    ("unknown_sector", scenario("unknown_sector", **{"va_agri:": "va_mining:"}),
     ["line 5", "field 'sectors.va_mining'", "unknown GRDP component 'va_mining'"]),
    ("path_as_sector", scenario("path_as_sector", **{"va_agri:": "'../../etc/passwd':"}),
     ["line 5", "unknown GRDP component '../../etc/passwd'"]),
    ("unknown_indicator", scenario("unknown_indicator", **{"sectors:": "indicators:", "va_agri:": "pi_disbursement:"}),
     ["line 5", "field 'indicators.pi_disbursement'", "unknown indicator"]),
    ("duplicate_key", scenario("duplicate_key") + "name: duplicate_key\n", ["line 9", "key 'name' is given twice"]),
    ("duplicate_sector", scenario("duplicate_sector") + "  va_agri: {h2_growth_pct: 1, justification: j, source: x}\n",
     ["line 9", "key 'va_agri' is given twice (first at line 5)"]),
    ("integer_key", scenario("integer_key", **{"sectors:\n": "1: x\nsectors:\n"}), ["line 4", "Keys should be strings"]),
    ("list_as_key", scenario("list_as_key", **{"sectors:\n": "? [a, b]\n: x\nsectors:\n"}),
     ["line 4", "a key must be a single value"]),
    ("merge_key", scenario("merge_key", **{"sectors:\n": "<<: {title_vi: x}\nsectors:\n"}),
     ["line 4", "merge keys"]),
    # --- required fields, justification and source
    ("missing_title", scenario("missing_title", **{'title_en: "Test"\n': ""}), ["field 'title_en'", "Field required"]),
    ("missing_justification", scenario("missing_justification", **{'    justification: "a test value"\n': ""}),
     ["field 'sectors.va_agri.justification'", "Field required"]),
    ("missing_source", scenario("missing_source", **{"    source: https://example.test/page\n": ""}),
     ["field 'sectors.va_agri.source'", "Field required"]),
    ("source_not_a_url", scenario("source_not_a_url", **{"https://example.test/page": "ftp://example.test/x"}),
     ["line 8", "field 'sectors.va_agri.source'", "must be a URL"]),
    ("source_with_markup", scenario("source_with_markup", **{"https://example.test/page": "'https://x\"><script>'"}),
     ["line 8", "must be a URL"]),
    ("justification_two_lines", scenario("justification_two_lines", **{'"a test value"': '"one\\ntwo"'}),
     ["line 7", "field 'sectors.va_agri.justification'", "one non-empty line"]),
    ("justification_blank", scenario("justification_blank", **{'"a test value"': '"   "'}),
     ["line 7", "must not be empty"]),
    ("justification_control", scenario("justification_control", **{'"a test value"': '"bell\\a"'}),
     ["line 7", "control character (U+0007)"]),
    ("justification_too_long", scenario("justification_too_long", **{'"a test value"': "x" * 2000}),
     ["line 7", "2,000 characters long; at most 1,000"]),
    ("title_bidi_override", scenario("title_bidi_override", **{'"Test"': '"abc\\u202edef"'}),
     ["line 3", "field 'title_en'", "U+202E"]),
    ("title_not_text", scenario("title_not_text", **{'"Test"': "[a, b]"}),
     ["line 3", "field 'title_en'", "Input should be a valid string"]),
    ("title_too_long", scenario("title_too_long", **{'"Test"': "T" * 5000}), ["line 3", "at most 300"]),
    ("name_mismatch", scenario("other_name").replace("other_name", "someone_else"),
     ["line 1", "field 'name'", "differs from the file name"]),
    ("name_with_path", scenario("x", **{"name: x": "name: ../x"}), ["line 1", "field 'name'", "lower-case identifier"]),
    ("name_long", scenario("x", **{"name: x": "name: " + "a" * 300}), ["line 1", "field 'name'", "at most 64"]),
    # --- the shape of the document
    ("empty", "", ["is empty; it must be a mapping"]),
    ("blank_lines", "\n\n   \n", ["is empty; it must be a mapping"]),
    ("only_comments", "# a scenario\n# nothing else\n", ["is empty; it must be a mapping"]),
    ("a_list", "- name\n- title_vi\n", ["is a list; it must be a mapping"]),
    ("a_scalar", "low\n", ["is a single value (str); it must be a mapping"]),
    ("a_number", "42\n", ["is a single value (int); it must be a mapping"]),
    ("sectors_list", scenario("sectors_list", **{"sectors:\n": "sectors: [va_agri]\nold:\n"}),
     ["line 4", "field 'sectors'", "valid dictionary"]),
    ("deeply_nested", _nested(5000), ["line 2", "nested more than 32 levels deep"]),
    ("billion_laughs", _bomb(), ["line 1", "anchor (&a0)", "anchors and aliases are not allowed"]),
    ("alias", scenario("alias", **{'title_en: "Test"': 'title_en: &t "Test"\ndescription_en: *t'}),
     ["line 3", "anchors and aliases are not allowed"]),
    ("two_documents", scenario("two_documents") + "---\nname: again\n", ["line 9", "is not valid YAML"]),
    ("unparseable", "name: [unclosed\n", ["is not valid YAML"]),
    ("tab_indentation", scenario("tab_indentation", **{"  va_agri:": "\tva_agri:"}), ["line 5", "is not valid YAML"]),
    ("binary_tag", scenario("binary_tag", "!!binary MjUK"), ["line 6", "a value of type bytes is not allowed"]),
    ("set_tag", scenario("set_tag", "!!set {a}"), ["line 6", "a value of type set is not allowed"]),
    ("python_tag", scenario("python_tag", "!!python/object/apply:os.system [echo]"),
     ["line 6", "is not valid YAML", "could not determine a constructor"]),
    # --- bytes: encodings, binary, control characters
    ("utf16", scenario("utf16").encode("utf-16"), ["is UTF-16 or UTF-32 text; save it as UTF-8"]),
    ("utf16_no_bom", scenario("utf16_no_bom").encode("utf-16-le"), ["is binary (a NUL byte at line 1)"]),
    ("utf32", scenario("utf32").encode("utf-32"), ["is UTF-16 or UTF-32 text"]),
    ("latin1", scenario("latin1", **{'"Test"': '"Café"'}).encode("latin-1", errors="replace")
     .replace("Thử".encode("latin-1", errors="replace"), b"Th?"),
     ["line 3", "is not UTF-8 (byte 0xe9 at line 3"]),
    ("cp1258", scenario("cp1258").encode("cp1258", errors="replace").replace(b"Th?", b"Th\xf2"),
     ["line 2", "is not UTF-8"]),
    ("binary", bytes(range(256)) * 8, ["is binary (a NUL byte at line 1)"]),
    ("nul_in_text", scenario("nul_in_text").encode() + b"# \x00\n", ["is binary (a NUL byte at line 9)"]),
    ("raw_control_char", scenario("raw_control_char").encode() + b"# \x1b[2J\n", ["control character (U+001B) at line 9"]),
    ("huge_file", ("# " + "x" * 98 + "\n") * (MAX_SCENARIO_BYTES // 100 + 10), ["is larger than 262,144 bytes"]),
    # --- not a regular file
    ("dev_zero", _symlink("/dev/zero"), ["is not a regular file (a device, pipe or socket)"]),
    ("dev_urandom", _symlink("/dev/urandom"), ["is not a regular file"]),
    ("a_folder", _folder, ["is a folder"]),
    ("broken_link", _symlink("/nonexistent/kg-metrics-test"), ["is a broken symbolic link"]),
    ("link_loop", _symlink("link_loop.yml"), ["cannot be read"]),
    ("fifo", _fifo, ["is not a regular file (a device, pipe or socket)"]),
    pytest.param("unreadable", _unreadable, ["permission denied"],
                 marks=pytest.mark.skipif(AS_ROOT, reason="root reads any file")),
]


def case_id(case) -> str:
    return case.values[0] if hasattr(case, "values") else case[0]


def write_case(folder: Path, name: str, content, suffix: str = ".yml") -> Path:
    """Make ``folder/<name><suffix>`` as the case says (a callable makes it, bytes or text are written; None leaves
    it missing); returns its path."""
    path = Path(folder) / f"{name}{suffix}"
    if content is None:
        return path
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, content, fragments", HOSTILE_SCENARIOS, ids=[case_id(c) for c in HOSTILE_SCENARIOS])
def test_a_hostile_scenario_file_is_refused_naming_file_line_and_field(name, content, fragments, tmp_path, registry):
    path = write_case(tmp_path, name, content)
    t0 = time.perf_counter()
    with pytest.raises(DataError) as err:
        load_scenario(path, reg=registry)
    seconds = time.perf_counter() - t0
    message = str(err.value)
    assert len(err.value.problems) >= 1 and all(p.file == str(path) for p in err.value.problems), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert all("\n" not in str(p) and len(str(p)) < 1200 for p in err.value.problems), message  # one line each
    assert seconds < 1, f"{seconds:.2f} s"


@pytest.mark.parametrize("text", [
    pytest.param("\ufeff" + scenario("x"), id="utf8-bom"),
    pytest.param(scenario("x").replace("\n", "\r\n"), id="crlf"),
    pytest.param(scenario("x").replace("\n", "\r"), id="cr"),
    pytest.param(scenario("x", "'2,5'") + "# trailing comment without newline", id="no-final-newline"),
])
def test_harmless_variations_of_a_good_file_load(text, tmp_path, registry):
    (tmp_path / "x.yml").write_text(text, encoding="utf-8", newline="")
    s = load_scenario(tmp_path / "x.yml", reg=registry)
    assert s.sectors["va_agri"].h2_growth_pct == 2.5 and s.title("vi") == "Thử"


def test_minus_zero_is_zero(tmp_path, registry):
    (tmp_path / "x.yml").write_text(scenario("x", '"-0"'), encoding="utf-8")
    assert str(load_scenario(tmp_path / "x.yml", reg=registry).sectors["va_agri"].h2_growth_pct) == "0.0"


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, registry):
    text = scenario("x", '"abc"', **{'"Test"': '""', "    source: https://example.test/page\n": ""})
    (tmp_path / "x.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_scenario(tmp_path / "x.yml", reg=registry)
    assert sorted(p.field for p in err.value.problems) == [
        "sectors.va_agri.h2_growth_pct", "sectors.va_agri.source", "title_en"]


def test_the_billion_laughs_is_refused_before_it_is_expanded(tmp_path, registry):
    """Nine levels of ten aliases: 10⁹ strings if expanded; refused at its first anchor, in milliseconds."""
    path = write_case(tmp_path, "bomb", _bomb())
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="anchors and aliases are not allowed"):
        load_scenario(path, reg=registry)
    assert time.perf_counter() - t0 < 0.5


def test_the_shipped_scenarios_still_load(registry):
    from kg_metrics.data.scenario_files import scenario_names

    names = scenario_names()
    assert {"baseline", "low", "high", "h1_revised"} <= set(names)
    for n in names:
        assert load_scenario(n, reg=registry).name == n
