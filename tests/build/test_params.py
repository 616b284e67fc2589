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
