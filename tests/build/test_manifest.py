"""The manifest: freshness, obsolete briefings, and verify (on a hand-made release: fast; after real
builds: e2e)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg_metrics.build.jobs import Job
from kg_metrics.build.keys import environment_fingerprint, file_hashes, job_inputs, key_of
from kg_metrics.build.manifest import MANIFEST, Finding, is_fresh, obsolete_briefings, read_manifest, verify
from kg_metrics.build.provenance import file_sha256
from kg_metrics.cli import EXIT_OK, EXIT_VERIFY_FAILED, main

from tests.build.conftest import run

EMPTY = {"briefings": {}, "index": {}}
TOURISM = Job("tourism", "sector.ipynb", "vi", {"sector": "tourism"}, "")
OUTPUTS = ["vi/tourism.html", "vi/tourism.pdf", "notebooks/vi/tourism.ipynb"]


# ------------------------------------------------------------------ reading, freshness, obsolete briefings
@pytest.mark.parametrize("content", [None, "{not json", ""])
def test_a_missing_or_unreadable_manifest_reads_as_empty_so_everything_is_rebuilt(tmp_path, content):
    if content is not None:
        (tmp_path / MANIFEST).write_text(content, encoding="utf-8")
    assert read_manifest(tmp_path) == EMPTY
    assert read_manifest(None) == EMPTY


def _release(tmp_path: Path, outputs=OUTPUTS) -> Path:
    for rel in outputs:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("entry, outputs, fresh", [
    ({"key": "k", "status": "built"}, OUTPUTS, True),
    ({"key": "other", "status": "built"}, OUTPUTS, False),  # an input changed
    ({"key": "k", "status": "failed"}, OUTPUTS, False),  # the last build failed
    ({"key": "k", "status": "built"}, OUTPUTS[:2], False),  # an output went missing
    (None, OUTPUTS, False),  # never built
])
def test_a_briefing_is_fresh_only_when_built_with_the_same_key_and_complete(tmp_path, entry, outputs, fresh):
    manifest = {"briefings": {"vi/tourism": entry} if entry else {}}
    assert is_fresh(TOURISM, "k", manifest, _release(tmp_path, outputs)) is fresh


def test_briefings_whose_notebook_or_sector_is_gone_are_obsolete():
    manifest = {"briefings": {
        "vi/overview": {"name": "overview", "notebook": "overview.ipynb"},
        "vi/tourism": {"name": "tourism", "notebook": "sector.ipynb"},
        "vi/backtest": {"name": "backtest", "notebook": "backtest.ipynb"},  # a notebook of earlier versions
        "vi/fishery": {"name": "fishery", "notebook": "sector.ipynb"},  # a sector no longer in sectors.csv
        "en/economy": {"name": "economy", "notebook": "sector.ipynb"},  # the overview's sector: never a briefing
    }}
    assert sorted(obsolete_briefings(manifest, ["agriculture", "tourism"])) == ["en/economy", "vi/backtest",
                                                                                "vi/fishery"]


# ------------------------------------------------------------------ verify, on a hand-made release
@pytest.fixture
def release(tmp_path, data_copy):
    """A release of one briefing whose manifest matches its files and inputs: verify finds nothing."""
    out = _release(tmp_path / "out", OUTPUTS + ["index.html"])
    extra = tmp_path / "index-input.txt"
    extra.write_text("x", encoding="utf-8")
    params = {"sector": "tourism", "lang": "vi", "data_dir": str(data_copy), "as_of": "2024-07-18"}
    inputs = job_inputs("sector.ipynb", params, data_copy, "tourism")
    manifest = {
        "briefings": {"vi/tourism": {"key": key_of(inputs), "status": "built", "name": "tourism",
                                     "notebook": "sector.ipynb", "lang": "vi", "parameters": params,
                                     "inputs": inputs, "error": "",
                                     "outputs": {rel: file_sha256(out / rel) for rel in OUTPUTS}}},
        "index": {"outputs": {"index.html": file_sha256(out / "index.html")},
                  "inputs": {"files": file_hashes([extra]), "environment": environment_fingerprint()}},
    }
    return out, data_copy, extra, manifest


def _append(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "changed", encoding="utf-8")


def _failed(m: dict) -> None:
    m["briefings"]["vi/tourism"].update(status="failed", error="RuntimeError: boom\n--- cell source ---")


def _new_environment(m: dict) -> None:
    m["briefings"]["vi/tourism"]["inputs"]["environment"] = "0" * 64
    m["briefings"]["vi/tourism"]["key"] = key_of(m["briefings"]["vi/tourism"]["inputs"])
    m["index"]["inputs"]["environment"] = "0" * 64


#: One thing broken -> exactly these findings. Each breaker gets (outputs, data, index input, manifest).
BROKEN = {
    "output missing": (lambda o, d, x, m: (o / "vi/tourism.pdf").unlink(),
                       [Finding("missing", {"key": "vi/tourism", "output": "vi/tourism.pdf"})]),
    "output altered": (lambda o, d, x, m: _append(o / "vi/tourism.html"),
                       [Finding("altered", {"key": "vi/tourism", "output": "vi/tourism.html"})]),
    "last build failed": (lambda o, d, x, m: _failed(m),
                          [Finding("failed", {"key": "vi/tourism", "error": ["RuntimeError: boom"]})]),
    "its data changed": (lambda o, d, x, m: _append(d / "observations" / "tourism.csv"),
                         [Finding("stale", {"key": "vi/tourism", "files": ["tourism.csv"], "environment": False})]),
    "its parameters changed": (lambda o, d, x, m: m["briefings"]["vi/tourism"]["parameters"].update(as_of="2024-10-01"),
                               [Finding("stale", {"key": "vi/tourism", "files": [], "environment": False})]),
    "installed packages changed": (lambda o, d, x, m: _new_environment(m),
                                   [Finding("stale", {"key": "vi/tourism", "files": [], "environment": True}),
                                    Finding("index_environment")]),
    "its notebook is gone": (lambda o, d, x, m: m["briefings"]["vi/tourism"].update(notebook="gone.ipynb"),
                             [Finding("unreadable", {"key": "vi/tourism"})]),
    "index altered": (lambda o, d, x, m: _append(o / "index.html"),
                      [Finding("index_altered", {"output": "index.html"})]),
    "index input changed": (lambda o, d, x, m: _append(x), [Finding("index_stale", {"input": None})]),
}


def test_an_intact_release_verifies(release):
    out, _, _, manifest = release
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert verify(out) == []


@pytest.mark.parametrize("case", list(BROKEN))
def test_one_broken_thing_is_one_finding(release, case):
    out, data, extra, manifest = release
    breaker, expected = BROKEN[case]
    breaker(out, data, extra, manifest)
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    found = verify(out)
    # Paths and exception texts depend on the machine: compare what does not.
    for f in found:
        if f.code == "stale":
            f.fields["files"] = [Path(p).name for p in f.fields["files"]]
        if f.code == "unreadable":
            assert "gone.ipynb" in str(f.fields.pop("error"))
        if f.code == "index_stale":
            assert f.fields["input"] == str(extra)
            f.fields["input"] = None
    assert found == expected


def test_no_manifest_is_one_finding(tmp_path):
    assert verify(tmp_path) == [Finding("no_manifest", {"path": tmp_path / MANIFEST})]


# ------------------------------------------------------------------ verify, after real builds (e2e)
@pytest.mark.e2e
def test_verify_passes_after_a_build(site, capsys):
    _, out = site
    assert main(["verify", "--out", str(out), "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out == (f"verified: every output in {out} matches its manifest and its inputs "
                                       "are unchanged\n")


@pytest.mark.e2e
def test_verify_fails_after_an_output_is_altered(site, capsys):
    _, out = site
    pdf = out / "vi" / "culture_society.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n%tampered")
    assert main(["verify", "--out", str(out), "--lang", "en"]) == EXIT_VERIFY_FAILED
    assert "vi/culture_society: output vi/culture_society.pdf was altered after the build" in capsys.readouterr().out


@pytest.mark.e2e
def test_verify_reports_stale_briefings_after_an_input_changes(site, capsys):
    data, out = site
    f = data / "observations" / "tourism.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Sở Du lịch", "Sở Du lịch.", 1), encoding="utf-8")
    assert main(["verify", "--out", str(out)]) == EXIT_VERIFY_FAILED
    captured = capsys.readouterr()
    assert "vi/tourism: đã cũ" in captured.out and "tourism.csv" in captured.out
    assert "vi/overview: đã cũ" in captured.out
    assert "vi/culture_society" not in captured.out
    assert "vấn đề: hãy tạo lại bằng `kg-metrics build`" in captured.err


@pytest.mark.e2e
def test_a_briefing_that_no_longer_exists_is_removed_from_the_release(site, capsys):
    """After an upgrade that drops a briefing (the backtest page became part of the overview), the
    next build removes it: from the release, the manifest and verify's view; nothing else changes."""
    data, out = site
    release = (out / "current").resolve()
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    old = {"vi/backtest.html": b"<p>old page</p>", "vi/backtest.pdf": b"%PDF-old",
           "notebooks/vi/backtest.ipynb": b"{}"}
    for rel, content in old.items():
        (release / rel).write_bytes(content)
    manifest["briefings"]["vi/backtest"] = {"name": "backtest", "notebook": "backtest.ipynb", "lang": "vi",
                                            "status": "built", "key": "x", "outputs": dict.fromkeys(old, "x")}
    (release / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["verify", "--out", str(out)]) != EXIT_OK  # its inputs are gone: stale

    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview")
    assert r.returncode == EXIT_OK, r.stderr
    assert "0 đã tạo, 3 không đổi, 0 lỗi" in r.stdout  # nothing else was rebuilt
    assert not any((out / rel).exists() for rel in old)
    assert "vi/backtest" not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["briefings"]
    last = json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (last["briefing"], last["status"]) == ("vi/backtest", "removed")
    capsys.readouterr()
    assert main(["verify", "--out", str(out)]) == EXIT_OK
