"""Publishing end to end: incremental rebuilds, SIGKILL at any stage, concurrent builds, the lock."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from filelock import FileLock

from kg_metrics.build.publish import HOLDER, MARKER
from kg_metrics.cli import EXIT_LOCKED, EXIT_OK

from tests.build.conftest import cli, mtimes, run

pytestmark = pytest.mark.e2e


def snapshot(out: Path) -> dict[str, bytes]:
    """The published set as a reader sees it: every file reachable through outputs/ (links followed)."""
    files = {}
    for entry in sorted(out.iterdir()):
        if entry.name in {".releases", ".build.lock", HOLDER, MARKER, "runs.jsonl", ".gitkeep", "current"}:
            continue
        paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for p in paths:
            files[str(p.relative_to(out))] = p.read_bytes()
    return files


def built_in_last_run(out: Path, n: int) -> set[str]:
    lines = (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-n:]
    return {json.loads(x)["briefing"] for x in lines if json.loads(x)["status"] == "built"}


def test_noop_rebuild_touches_nothing(site):
    data, out = site
    before = mtimes(out)
    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview")
    assert r.returncode == EXIT_OK and "0 đã tạo, 3 không đổi, 0 lỗi" in r.stdout  # the overview, 2 sectors
    after = mtimes(out)
    after.pop("runs.jsonl", None), before.pop("runs.jsonl", None)
    assert after == before


def test_one_sectors_data_rebuilds_that_sector_the_overview_and_the_index(site):
    data, out = site
    culture_before = (out / "vi" / "culture_society.pdf").stat()
    index_before = (out / "index.html").read_bytes()
    f = data / "observations" / "tourism.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Sở Du lịch", "Sở Du lịch tỉnh", 1), encoding="utf-8")
    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview")
    assert r.returncode == EXIT_OK, r.stderr
    # exactly that sector and the overview (whose last part, the backtest, reads every sector's data too)
    assert built_in_last_run(out, 3) == {"vi/tourism", "vi/overview"}
    culture_after = (out / "vi" / "culture_society.pdf").stat()
    assert (culture_after.st_ino, culture_after.st_mtime_ns) == (culture_before.st_ino, culture_before.st_mtime_ns)
    assert (out / "index.html").read_bytes() != index_before  # new build time and checksum


def test_force_rebuilds_everything(site):
    data, out = site
    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview", "--force")
    assert r.returncode == EXIT_OK
    assert built_in_last_run(out, 3) == {"vi/tourism", "vi/culture_society", "vi/overview"}


@pytest.mark.parametrize("stage", ["execute", "render", "publish"])
def test_sigkill_leaves_the_published_set_intact_and_the_rerun_succeeds(site, stage):
    data, out = site
    before = snapshot(out)
    r = run(data, out, "--sector", "culture_society", "--force", env={"KG_METRICS_KILL_AT": stage})
    assert r.returncode == -9, (r.returncode, r.stderr[-500:])
    assert snapshot(out) == before
    staging = [p.name for p in (out / ".releases").iterdir() if p.name.startswith(".staging-")]
    assert staging or stage == "publish"  # the killed build left its staging behind…
    r = run(data, out, "--sector", "culture_society", "--force")
    assert r.returncode == EXIT_OK, r.stderr
    assert [p for p in (out / ".releases").iterdir()] == [(out / "current").resolve()]  # …cleaned up now
    assert (out / "vi" / "culture_society.pdf").read_bytes().startswith(b"%PDF")


def test_two_builds_at_once_serialise_and_leave_a_consistent_set(site):
    data, out = site
    f = data / "observations" / "tourism.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Sở Du lịch", "Sở Du lịch (2)", 1), encoding="utf-8")
    a = cli(data, out, "--sector", "tourism", "--overview")
    time.sleep(0.3)
    b = cli(data, out, "--sector", "tourism", "--overview")
    assert a.wait(300) == EXIT_OK and b.wait(300) == EXIT_OK
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for key, entry in manifest["briefings"].items():
        for rel, sha in entry["outputs"].items():
            assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha, rel
    assert len(list((out / ".releases").iterdir())) == 1


def test_a_second_build_refuses_when_told_not_to_wait(site):
    data, out = site
    with FileLock(str(out / ".build.lock")):
        r = run(data, out, "--sector", "tourism", "--wait", "0")
    assert r.returncode == EXIT_LOCKED
    assert "another build is running" in r.stderr


def test_the_index_and_its_downloads_are_published_verified_and_restored(site):
    """The status table's downloads are part of the release like index.html: linked from outputs/, listed in
    the manifest, verified; one gone, the next build writes the index again and nothing else."""
    from kg_metrics.build.index import index_files
    from kg_metrics.build.manifest import Finding, verify

    data, out = site
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["index"]["outputs"]) == sorted(index_files())
    for rel, sha in manifest["index"]["outputs"].items():
        assert (out / rel).is_symlink() and (out / rel).resolve().parent == (out / "current").resolve()
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha, rel
    assert verify(out) == []

    csv_file = (out / "status-vi.csv").resolve()
    original = csv_file.read_bytes()
    csv_file.write_bytes(original.replace("Du lịch".encode(), "Du lich".encode()))
    assert verify(out) == [Finding("index_altered", {"output": "status-vi.csv"})]
    csv_file.write_bytes(original)

    (out / "status-en.xlsx").resolve().unlink()
    assert verify(out) == [Finding("index_altered", {"output": "status-en.xlsx"})]
    r = run(data, out, "--sector", "tourism", "--sector", "culture_society", "--overview")
    assert r.returncode == EXIT_OK and "0 đã tạo, 3 không đổi, 0 lỗi" in r.stdout, r.stderr
    assert (out / "status-en.xlsx").read_bytes().startswith(b"PK")  # a zip: the workbook, written again
    assert verify(out) == []
