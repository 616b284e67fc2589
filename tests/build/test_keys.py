"""Invalidation rules: changing each kind of input changes the keys of exactly the briefings that read it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg_metrics import paths
from kg_metrics.build import keys as deps

SECTORS = ["agriculture", "industry_trade", "tourism", "public_investment", "culture_society",
           "defence_security", "admin_reform"]


@pytest.fixture
def world(tmp_path, monkeypatch, data_copy):
    """A data copy, a notebooks folder and a library copy that the tests may edit."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("overview.ipynb", "sector.ipynb"):
        (nbs / name).write_text('{"cells": [], "name": "%s"}' % name, encoding="utf-8")
    lib = tmp_path / "lib"
    shutil.copytree(paths.LIB_DIR, lib, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", nbs)
    monkeypatch.setattr(paths, "LIB_DIR", lib)
    return data_copy, nbs, lib


def keys(data: Path, langs=("vi", "en")) -> dict[str, str]:
    out = {}
    for lang in langs:
        out[f"{lang}/overview"] = deps.key_of(deps.job_inputs(
            "overview.ipynb", {"lang": lang, "as_of": "2024-07-18"}, data, None))
        for s in SECTORS:
            out[f"{lang}/{s}"] = deps.key_of(deps.job_inputs(
                "sector.ipynb", {"sector": s, "lang": lang, "as_of": "2024-07-18"}, data, s))
    return out


def changed(before: dict, after: dict) -> set[str]:
    return {k for k in before if before[k] != after[k]}


def test_keys_are_stable_when_nothing_changes(world):
    data, _, _ = world
    assert keys(data) == keys(data)


def test_one_sectors_observations_invalidate_that_sector_and_the_overview(world):
    data, _, _ = world
    before = keys(data)
    f = data / "observations" / "tourism.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Sở Du lịch", "Sở Du lịch (sửa)", 1), encoding="utf-8")
    assert changed(before, keys(data)) == {"vi/tourism", "en/tourism", "vi/overview", "en/overview"}


def test_mtime_alone_does_not_invalidate(world):
    data, _, _ = world
    before = keys(data)
    f = data / "observations" / "agriculture.csv"
    f.write_bytes(f.read_bytes())  # same content, new mtime
    assert changed(before, keys(data)) == set()


@pytest.mark.parametrize("name", ["targets.csv", "indicators.csv", "units.csv", "sectors.csv", "catalog.yml",
                                  "derivations.yml", "task_paragraphs.csv", "source/nq-kien-giang-2024-07-18.txt"])
def test_shared_data_files_invalidate_every_briefing(world, name):
    data, _, _ = world
    before = keys(data)
    f = data / name
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert changed(before, keys(data)) == set(before)


def test_the_sector_notebook_invalidates_sector_briefings_only(world):
    data, nbs, _ = world
    before = keys(data)
    (nbs / "sector.ipynb").write_text('{"cells": [1]}', encoding="utf-8")
    assert changed(before, keys(data)) == {k for k in before if not k.endswith("/overview")}


def test_the_overview_notebook_invalidates_the_overview_only(world):
    data, nbs, _ = world
    before = keys(data)
    (nbs / "overview.ipynb").write_text('{"cells": [2]}', encoding="utf-8")
    assert changed(before, keys(data)) == {"vi/overview", "en/overview"}


@pytest.mark.parametrize("rel", ["arithmetic/growth.py", "templates/briefing.css", "templates/briefing/index.html.j2"])
def test_library_code_templates_and_css_invalidate_everything(world, rel):
    data, _, lib = world
    before = keys(data)
    f = lib / rel
    f.write_text(f.read_text(encoding="utf-8") + "\n/* changed */\n" if rel.endswith(".css") else
                 f.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert changed(before, keys(data)) == set(before)


def test_parameters_invalidate_only_their_own_briefing(world):
    data, _, _ = world
    a = deps.key_of(deps.job_inputs("sector.ipynb", {"sector": "tourism", "lang": "vi", "as_of": "2024-07-18"},
                                    data, "tourism"))
    b = deps.key_of(deps.job_inputs("sector.ipynb", {"sector": "tourism", "lang": "vi", "as_of": "2025-03-31"},
                                    data, "tourism"))
    assert a != b


def test_installed_package_versions_invalidate_everything(world, monkeypatch):
    data, _, _ = world
    before = keys(data)
    deps.environment_fingerprint.cache_clear()
    monkeypatch.setattr(deps, "environment_fingerprint", lambda: "another environment")
    assert changed(before, keys(data)) == set(before)


def test_sector_briefing_inputs_list_only_its_own_observations(world):
    data, _, _ = world
    files = [p.name for p in deps.data_inputs(data, "tourism")]
    assert "tourism.csv" in files and "agriculture.csv" not in files
    assert {"agriculture.csv", "tourism.csv", "economy.csv"} <= {p.name for p in deps.data_inputs(data, None)}


def test_the_environment_fingerprint_ignores_our_own_metadata_and_where_it_is_seen_from(monkeypatch, tmp_path):
    """A process with lib/ on sys.path (pytest collecting doctests) sees lib/kg_metrics.egg-info; a build's workers,
    with an editable install, do not: both must agree, or every build would look stale to verify."""
    import sys

    from kg_metrics.build.keys import environment_fingerprint as cached

    environment_fingerprint = cached.__wrapped__  # computed afresh (a build computes it once per process)
    before = environment_fingerprint()
    (tmp_path / "kg_metrics.egg-info").mkdir()
    (tmp_path / "kg_metrics-0.1.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    assert environment_fingerprint() == before
    (tmp_path / "pandas-9.9.9.dist-info").mkdir()  # another package's version does count
    assert environment_fingerprint() != before
