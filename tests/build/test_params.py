"""Build parameter files (``kg-metrics build --params FILE.yml``): read, validated, refused by name."""
from __future__ import annotations

import pytest

from kg_metrics.build.params import load_build_params
from kg_metrics.cli import EXIT_BAD_INPUT, main
from kg_metrics.errors import DataError

from tests.build.conftest import everything


def test_a_file_fills_in_what_it_names_and_defaults_the_rest(tmp_path):
    params = tmp_path / "build.yml"
    params.write_text("sectors: [tourism]\nlangs: [en, vi]\nas_of: 2024-09-30\n", encoding="utf-8")
    assert load_build_params(params) == {"sectors": ["tourism"], "langs": ["en", "vi"], "as_of": "2024-09-30",
                                         "overview": None, "force": False}


def test_an_empty_file_means_every_default(tmp_path):
    params = tmp_path / "build.yml"
    params.write_text("", encoding="utf-8")
    assert load_build_params(params) == {"sectors": None, "langs": ["vi", "en"], "as_of": "2024-07-18",
                                         "overview": None, "force": False}


BAD_FILES = [
    ("langs: vi\n", "field 'langs': Input should be a valid list"),
    ("langs: [vi, fr]\n", "field 'langs': languages must be 'vi' or 'en'"),
    ("langs: []\n", "field 'langs': languages must be 'vi' or 'en'"),
    ("as_of: 18/07/2024\n", "field 'as_of'"),
    ("as_of: '2024-02-30'\n", "field 'as_of': day is out of range for month"),
    ("force: 'yes'\n", "field 'force': Input should be a valid boolean"),
    ("sectors: [tourism\n", "is not valid YAML"),
    ("colour: red\n", "field 'colour': Extra inputs are not permitted"),
    ("- tourism\n", "must be a mapping of parameter names to values"),
]


@pytest.mark.parametrize("text, message", BAD_FILES)
def test_a_bad_file_is_refused_naming_the_file_and_field(text, message, tmp_path):
    params = tmp_path / "build.yml"
    params.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_build_params(params)
    assert str(params) in str(err.value) and message in str(err.value), str(err.value)


def test_the_command_refuses_a_bad_file_before_any_work(tmp_path, published, capsys):
    params = tmp_path / "build.yml"
    params.write_text("langs: [vi, fr]\n", encoding="utf-8")
    before = everything(published)
    rc = main(["build", "--out", str(published), "--quiet", "--wait", "0", "--params", str(params)])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT, err
    assert err.startswith("kg-metrics: bad input\n"), err
    assert f"{params}, field 'langs': languages must be 'vi' or 'en' (got ['vi', 'fr'])" in err, err
    assert everything(published) == before


HOSTILE_FILES = [
    ("sectors: [tourismus]\n", "field 'sectors': unknown sector 'tourismus'; expected one of: agriculture"),
    ("sectors: []\n", "field 'sectors': name at least one sector"),
    ("sectors: ['../x']\n", "field 'sectors': '../x' is not a sector id"),
    ("as_of: 2024-07-18\n", None),  # an unquoted date is read as text, and is a date: accepted
    ("as_of: 20240718\n", "field 'as_of': must be an ISO date YYYY-MM-DD"),
    ("as_of: '2024-W29-4'\n", "field 'as_of': must be an ISO date YYYY-MM-DD"),
    ("langs: [vi]\nlangs: [en]\n", "line 2: key 'langs' is given twice (first at line 1)"),
    ("a: &a [x, x]\nb: [*a, *a]\n", "line 1: defines an anchor (&a); YAML anchors and aliases are not allowed"),
    ("langs: " + "[" * 100 + "]" * 100 + "\n", "line 1: is nested more than 32 levels deep"),
    ("langs: !!binary dmk=\n", "line 1, field 'langs': a value of type bytes is not allowed"),
    ("tourism\n", "must be a mapping of parameter names to values, not a single value (str)"),
    ("# only a comment\n", None),
]


@pytest.mark.parametrize("text, message", HOSTILE_FILES)
def test_hostile_files_are_refused_naming_file_and_field(text, message, tmp_path):
    params = tmp_path / "build.yml"
    params.write_text(text, encoding="utf-8")
    if message is None:
        load_build_params(params)
        return
    with pytest.raises(DataError) as err:
        load_build_params(params)
    assert f"{params}, {message}" in str(err.value) or (f"{params}: {message}" in str(err.value)), str(err.value)


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes("langs: [vi]\n".encode("utf-16")), ": is UTF-16 or UTF-32 text; save it as UTF-8"),
    (lambda p: p.write_bytes(b"langs: [vi]\n# caf\xe9\n"), ", line 2: is not UTF-8 (byte 0xe9 at line 2"),
    (lambda p: p.write_bytes(b"\x7fELF\x00\x01"), ", line 1: is binary (a NUL byte at line 1)"),
    (lambda p: p.write_bytes(b"# " + b"x" * 70_000), ": is larger than 65,536 bytes"),
    (lambda p: p.symlink_to("/dev/zero"), ": is not a regular file (a device, pipe or socket)"),
    (lambda p: p.mkdir(), ": is a folder"),
    (lambda p: None, ": not found"),
])
def test_files_that_are_not_yaml_text_are_refused_naming_the_file(make, message, tmp_path):
    params = tmp_path / "build.yml"
    make(params)
    with pytest.raises(DataError) as err:
        load_build_params(params)
    assert f"{params}{message}" in str(err.value), str(err.value)
