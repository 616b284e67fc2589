"""Hostile input through the real command (a process of its own, as a user or cron runs it).

Every bad input — a scenario file (``build --scenario NAME``), a build parameter file (``build --params``),
the text given to ``extract`` — must stop before any kernel starts, with exit code 2, no traceback, and a
message naming the file (and the line and field where there is one); the published outputs must be
left byte for byte as they were, and no output folder created.

"No kernel started" is observed, not assumed: the commands run with a ``python3`` kernel spec of our own
(``JUPYTER_PATH``) that records every start in a marker file before it execs the real kernel. The control
that this probe sees a kernel, and that a failed scenario pack is rebuilt by the command ``verify``
prints, builds a briefing (e2e).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from kg_metrics import cli
from kg_metrics.build.manifest import MANIFEST
from kg_metrics.build.publish import Publisher
from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR, EXIT_OK, EXIT_VERIFY_FAILED

from tests.build.conftest import publish_one
from tests.conftest import DATA_DIR, REPO
from tests.data.test_scenario_files import AS_ROOT, HOSTILE_SCENARIOS, case_id, write_case

#: The longest a refused input may take, start-up included: a generous bound (a kernel's start and one briefing
#: take longer even on a fast machine), so that a loaded machine does not fail it. Typical: 1–2 s.
SECONDS = 15


# =========================================================================== the world: data, outputs, kernel probe
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A data copy, an outputs folder holding a published release, and a kernel spec that records starts."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    out = publish_one(root / "outputs")
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    marker = root / "kernel-started"
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["/bin/sh", "-c", 'echo started >> "$KG_TEST_KERNEL_MARKER"; exec "$0" "$@"',
                 sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (kernel-start probe)", "language": "python"}), encoding="utf-8")
    env = {**os.environ, "JUPYTER_PATH": str(root / "jupyter"), "KG_TEST_KERNEL_MARKER": str(marker),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KG_METRICS_PROJECT", None)
    env.pop("KG_METRICS_DATA_DIR", None)
    return SimpleNamespace(root=root, data=data, out=out, marker=marker, env=env, scenarios=data / "scenarios")


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (the folder itself included): kind, bytes or link target, mtime."""
    if not os.path.lexists(folder):
        return {}
    out = {}
    for p in [folder, *sorted(folder.rglob("*"))]:
        st = p.lstat()
        if p.is_symlink():
            what = ("link", os.readlink(p))
        elif p.is_dir():
            what = ("dir", None)
        else:
            what = ("file", p.read_bytes())
        out[str(p.relative_to(folder))] = (*what, st.st_mtime_ns)
    return out


def kg(world, *args: str) -> subprocess.CompletedProcess:
    """``python -m kg_metrics.cli ARGS`` in a process of its own, from a folder outside any project."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "kg_metrics.cli", *args], capture_output=True, text=True,
                       cwd=world.root, env=world.env, timeout=120)
    r.seconds = time.perf_counter() - t0
    return r


def assert_refused(world, r: subprocess.CompletedProcess, names: str, fragments=(), max_lines: int = 8) -> None:
    """Exit 2, no traceback, a short message that names ``names`` (the file) and holds ``fragments``, no kernel."""
    err = r.stderr
    assert r.returncode == EXIT_BAD_INPUT, (r.returncode, err, r.stdout[-2000:])
    assert "Traceback" not in err and "Traceback" not in r.stdout, err
    lines = err.strip().splitlines()
    assert lines and lines[0].startswith("kg-metrics: ") and len(lines) <= max_lines, err
    assert names in err, (names, err)
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not world.marker.exists(), "a kernel was started"
    assert r.seconds < SECONDS, f"{r.seconds:.1f} s"


# =========================================================================== build --scenario NAME
def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif os.path.lexists(path):
        if not path.is_symlink():
            path.chmod(0o644)
        path.unlink()


@pytest.mark.parametrize("name, content, fragments", HOSTILE_SCENARIOS, ids=[case_id(c) for c in HOSTILE_SCENARIOS])
def test_a_hostile_scenario_stops_the_build_before_any_kernel(world, name, content, fragments):
    write_case(world.scenarios, name, content)
    try:
        before = snapshot(world.out)
        r = kg(world, "--data-dir", str(world.data), "build", "--scenario", name, "--out", str(world.out),
               "--quiet", "--wait", "0")
        assert_refused(world, r, f"data/scenarios/{name}.yml", fragments)
        assert snapshot(world.out) == before  # nothing published, staged, locked or logged
    finally:
        _remove(world.scenarios / f"{name}.yml")


#: One case of each class, run into an output folder that does not exist yet: it must not be created.
FRESH = ["growth_text", "billion_laughs", "unknown_sector", "utf16", "dev_zero", "empty"]


@pytest.mark.parametrize("name, content, fragments", [c for c in HOSTILE_SCENARIOS if case_id(c) in FRESH], ids=FRESH)
def test_a_hostile_scenario_creates_no_output_folder(world, name, content, fragments):
    write_case(world.scenarios, name, content)
    try:
        fresh = world.root / f"never-{name}"
        r = kg(world, "--data-dir", str(world.data), "build", "--scenario", name, "--out", str(fresh), "--quiet",
               "--lang", "en", "--sector", "tourism")
        assert_refused(world, r, f"data/scenarios/{name}.yml", fragments)
        assert not os.path.lexists(fresh)  # not even the output folder
    finally:
        _remove(world.scenarios / f"{name}.yml")


@pytest.mark.parametrize("name, message", [
    ("../low", "'../low' is not a scenario"),
    ("LOW", "'LOW' is not a scenario"),
    ("low/../../x", "is not a scenario"),
    ("medium", "'medium' is not a scenario"),
    ("low\nhigh", "is not a scenario"),
    ("x" * 5000, "is not a scenario"),
])
def test_a_bad_scenario_name_is_refused(world, name, message):
    before = snapshot(world.out)
    r = kg(world, "--data-dir", str(world.data), "build", "--scenario", name, "--out", str(world.out), "--quiet")
    assert_refused(world, r, message, max_lines=1)
    assert len(r.stderr) < 2000, r.stderr
    assert snapshot(world.out) == before


# =========================================================================== build --params FILE
def _params_cases():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    return [
        ("langs_unknown", "langs: [vi, fr]\n", ["field 'langs'", "languages must be 'vi' or 'en'"]),
        ("langs_not_a_list", "langs: vi\n", ["field 'langs'", "valid list"]),
        ("langs_empty", "langs: []\n", ["field 'langs'"]),
        ("sector_unknown", "sectors: [tourismus]\n", ["field 'sectors'", "unknown sector 'tourismus'"]),
        ("sector_path", "sectors: ['../../etc']\n", ["field 'sectors'", "is not a sector id"]),
        ("sectors_empty", "sectors: []\n", ["field 'sectors'", "name at least one sector"]),
        ("sectors_number", "sectors: [1]\n", ["field 'sectors.0'", "valid string"]),
        ("as_of_impossible", "as_of: 2024-02-30\n", ["field 'as_of'", "day is out of range for month"]),
        ("as_of_other_format", "as_of: 18/07/2024\n", ["field 'as_of'", "YYYY-MM-DD"]),
        ("as_of_compact", "as_of: '20240718'\n", ["field 'as_of'", "YYYY-MM-DD"]),
        ("as_of_number", "as_of: 2024\n", ["field 'as_of'", "YYYY-MM-DD"]),
        ("force_text", "force: 'yes'\n", ["field 'force'", "valid boolean"]),
        ("unknown_key", "colour: red\n", ["field 'colour'", "Extra inputs are not permitted"]),
        ("a_list", "- tourism\n", ["must be a mapping of parameter names to values, not a list"]),
        ("a_scalar", "tourism\n", ["must be a mapping", "not a single value"]),
        ("duplicate_key", "langs: [vi]\nlangs: [en]\n", ["line 2", "key 'langs' is given twice"]),
        ("billion_laughs", bomb, ["line 1", "anchors and aliases are not allowed"]),
        ("deeply_nested", "langs: " + "[" * 3000 + "]" * 3000 + "\n", ["nested more than"]),
        ("unparseable", "sectors: [tourism\n", ["is not valid YAML"]),
        ("utf16", "langs: [vi]\n".encode("utf-16"), ["UTF-16"]),
        ("latin1", "# Nghị quyết\nlangs: [vi]\n".encode("utf-8").replace("ị".encode(), b"\xef"), ["is not UTF-8"]),
        ("binary", bytes(range(256)), ["is binary"]),
        ("huge", b"# " + b"x" * (100 * 1024) + b"\n", ["is larger than"]),
        ("dev_zero", lambda p: os.symlink("/dev/zero", p), ["is not a regular file"]),
        ("a_folder", lambda p: p.mkdir(), ["is a folder"]),
        ("broken_link", lambda p: os.symlink("/nonexistent/x.yml", p), ["broken symbolic link"]),
        ("missing", lambda p: None, ["not found"]),
        ("control_char", "langs: [vi]\n# \x07\n", ["control character (U+0007)"]),
        pytest.param("unreadable", lambda p: (p.write_text("langs: [vi]\n"), p.chmod(0)), ["permission denied"],
                     marks=pytest.mark.skipif(AS_ROOT, reason="root reads any file")),
    ]


PARAMS_CASES = _params_cases()


@pytest.mark.parametrize("name, content, fragments", PARAMS_CASES, ids=[case_id(c) for c in PARAMS_CASES])
def test_a_hostile_parameter_file_stops_the_build(world, name, content, fragments, tmp_path):
    path = write_case(tmp_path, name, content)
    before = snapshot(world.out)
    fresh = tmp_path / "outputs"
    out = fresh if name in ("langs_unknown", "billion_laughs", "utf16", "sector_unknown") else world.out
    r = kg(world, "--data-dir", str(world.data), "build", "--params", str(path), "--out", str(out), "--quiet")
    assert_refused(world, r, str(path), fragments)
    assert snapshot(world.out) == before and not os.path.lexists(fresh)


# =========================================================================== extract FILE
RESOLUTION = (REPO / "data" / "source" / "nq-kien-giang-2024-07-18.txt").read_text(encoding="utf-8")


def _extract_cases():
    return [
        ("missing", None, "not found"),
        ("empty", "", "is empty"),
        ("blank", "  \n\n\t\n", "is empty"),
        ("bom_only", "\ufeff", "is empty"),
        ("plain_text", "Hello world, 12 apples and 3,5 pears.\n", "is not a resolution's text: no line opens an article"),
        ("a_csv", (DATA_DIR / "targets.csv").read_text(encoding="utf-8"), "is not a resolution's text"),
        ("article_without_year", "Điều 1. Nhiệm vụ\n1. Tăng trưởng 6,7%.\n", "cannot tell the resolution's year"),
        ("binary", bytes(range(256)) * 16, "is binary"),
        ("utf16", RESOLUTION.encode("utf-16"), "is UTF-16 or UTF-32 text; save it as UTF-8"),
        ("utf16_no_bom", RESOLUTION.encode("utf-16-le"), "is binary (a NUL byte at line 1), or UTF-16"),
        ("cp1258", RESOLUTION.encode("cp1258", errors="replace"), "is not UTF-8 (byte"),
        ("latin1", "Nghi quyet ve nhiem vu nam 2024 – Café\n".encode("latin-1", errors="replace"), "is not UTF-8"),
        ("nul_inside", RESOLUTION.encode()[:5000] + b"\x00" + RESOLUTION.encode()[5000:], "is binary (a NUL byte"),
        ("escape_sequence", RESOLUTION + "\x1b[31m\n", "control character (U+001B)"),
        ("huge", b"x" * (9 * 1024 * 1024), "is larger than"),
        ("a_folder", lambda p: p.mkdir(), "is a folder"),
        ("dev_zero", lambda p: os.symlink("/dev/zero", p), "is not a regular file"),
        ("fifo", lambda p: os.mkfifo(p), "is not a regular file"),
        ("broken_link", lambda p: os.symlink("/nonexistent/nq.txt", p), "is a broken symbolic link"),
        pytest.param("unreadable", lambda p: (p.write_text(RESOLUTION, encoding="utf-8"), p.chmod(0)),
                     "permission denied", marks=pytest.mark.skipif(AS_ROOT, reason="root reads any file")),
    ]


EXTRACT_CASES = _extract_cases()


@pytest.mark.parametrize("name, content, fragment", EXTRACT_CASES, ids=[case_id(c) for c in EXTRACT_CASES])
def test_a_hostile_resolution_text_is_one_line_and_exit_2(world, name, content, fragment, tmp_path):
    path = write_case(tmp_path, name, content, ".txt")
    draft = tmp_path / "draft.csv"
    r = kg(world, "--data-dir", str(world.data), "extract", str(path), "-o", str(draft))
    assert_refused(world, r, str(path), [fragment], max_lines=1)
    assert r.stdout == "" and not draft.exists()


@pytest.mark.parametrize("output", ["a folder", "inside a file", "no such folder"])
def test_an_unwritable_draft_is_one_line_and_exit_2(world, output, tmp_path):
    src = tmp_path / "nq.txt"
    src.write_text(RESOLUTION, encoding="utf-8")
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = {"a folder": tmp_path / "dir", "inside a file": tmp_path / "file" / "draft.csv",
              "no such folder": Path("/proc/kg-metrics-no-such/draft.csv")}[output]
    r = kg(world, "--data-dir", str(world.data), "extract", str(src), "-o", str(target))
    assert_refused(world, r, str(target), ["cannot write"], max_lines=1)


@pytest.mark.parametrize("variant", ["crlf", "bom", "form_feed"])
def test_harmless_variations_of_the_resolution_give_the_same_draft(world, variant, tmp_path):
    """The control: the same harness passes a good file (exit 0, the curated registry byte for byte)."""
    text = {"crlf": RESOLUTION.replace("\n", "\r\n"), "bom": "\ufeff" + RESOLUTION,
            "form_feed": RESOLUTION.replace("\nĐiều 2", "\n\fĐiều 2")}[variant]
    src = tmp_path / "nq.txt"
    src.write_bytes(text.encode("utf-8"))
    draft = tmp_path / "draft.csv"
    r = kg(world, "--data-dir", str(world.data), "extract", str(src), "-o", str(draft))
    assert r.returncode == EXIT_OK and "Traceback" not in r.stderr, r.stderr
    assert draft.read_bytes() == (DATA_DIR / "targets.csv").read_bytes()


# =========================================================================== no traceback, ever
def test_an_unexpected_error_is_one_line_with_a_log_of_the_traceback(monkeypatch, capsys, tmp_path):
    def boom(out):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(cli, "verify", boom)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    rc = cli.main(["verify", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == EXIT_INTERNAL_ERROR == 5, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("kg-metrics: internal error in `verify`: ZeroDivisionError: division by zero\\nsecond line"), err
    logs = list(tmp_path.glob("kg-metrics-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err, err
    log = logs[0].read_text(encoding="utf-8")
    assert log.startswith(f"kg-metrics verify --out {tmp_path / 'out'}\n")
    assert "Traceback (most recent call last)" in log and "in boom" in log and "ZeroDivisionError" in log
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"


def test_an_unexpected_error_without_a_writable_temp_folder_is_still_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "verify", lambda out: {}["missing"])
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "no-such-folder"))
    assert cli.main(["verify"]) == EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err == "kg-metrics: internal error in `verify`: KeyError: 'missing'; no log file could be written " \
                  "(please report it)\n", err


# =========================================================================== verify names the command per pack
def _release_with(out: Path, entries: dict) -> None:
    pub = Publisher(out)
    staging = pub.stage()
    (staging / MANIFEST).write_text(json.dumps({"briefings": entries, "index": {}}), encoding="utf-8")
    pub.publish(staging)


def _failed(name: str, scenario: str = "") -> dict:
    params = {"lang": "vi", "data_dir": "", "as_of": "2024-07-18", "sector": name,
              **({"scenario": scenario} if scenario else {})}
    return {"key": "k", "status": "failed", "name": name, "notebook": "sector.ipynb", "lang": "vi",
            "parameters": params, "inputs": {}, "outputs": {}, "error": "cell 5 raised DataError: boom\nmore"}


@pytest.mark.parametrize("lang, summary", [
    ("en", "3 problem(s): rebuild with `kg-metrics build`, `kg-metrics build --scenario high`, "
           "`kg-metrics build --scenario low`\n"),
    ("vi", "3 vấn đề: hãy tạo lại bằng `kg-metrics build`, `kg-metrics build --scenario high`, "
           "`kg-metrics build --scenario low`\n"),
])
def test_verify_names_the_command_that_rebuilds_each_pack(tmp_path, capsys, lang, summary):
    _release_with(tmp_path / "out", {"vi/tourism": _failed("tourism"),
                                     "scenarios/low/vi/tourism": _failed("tourism", "low"),
                                     "scenarios/high/vi/tourism": _failed("tourism", "high")})
    assert cli.main(["verify", "--out", str(tmp_path / "out"), "--lang", lang]) == EXIT_VERIFY_FAILED
    captured = capsys.readouterr()
    assert "scenarios/low/vi/tourism:" in captured.out and captured.err == summary, captured


def test_verify_of_a_scenario_pack_alone_does_not_say_kg_metrics_build(tmp_path, capsys):
    _release_with(tmp_path / "out", {"scenarios/low/vi/tourism": _failed("tourism", "low")})
    assert cli.main(["verify", "--out", str(tmp_path / "out"), "--lang", "en"]) == EXIT_VERIFY_FAILED
    assert capsys.readouterr().err == "1 problem(s): rebuild with `kg-metrics build --scenario low`\n"


@pytest.mark.parametrize("manifest", [b"{not json", b"[1, 2]", b'{"briefings": [1]}', b'{"briefings": {"a": 3}}',
                                      b'{"index": 7}', b"\xff\xfe{}", b""])
def test_verify_of_an_unreadable_manifest_is_a_finding_not_a_traceback(tmp_path, capsys, manifest):
    out = tmp_path / "out"
    _release_with(out, {})
    (out / "current" / MANIFEST).unlink()
    (out / "current" / MANIFEST).write_bytes(manifest)
    assert cli.main(["verify", "--out", str(out), "--lang", "en"]) == EXIT_VERIFY_FAILED
    captured = capsys.readouterr()
    assert "manifest.json: the manifest cannot be read (" in captured.out, captured
    assert captured.err == "1 problem(s): rebuild with `kg-metrics build`\n"


# =========================================================================== the controls (e2e: they build)
@pytest.mark.e2e
def test_the_probe_sees_a_kernel_and_verify_s_command_rebuilds_a_failed_pack(world):
    """A good scenario starts a kernel (so the probe above can fail); a pack marked failed is reported
    with `kg-metrics build --scenario low`, and that command (with the same --data-dir and --out) rebuilds it."""
    out = world.root / "e2e-outputs"
    r = kg(world, "--data-dir", str(world.data), "build", "--scenario", "low", "--sector", "tourism", "--lang", "vi",
           "--out", str(out), "--quiet")
    assert r.returncode == EXIT_OK, r.stderr
    assert world.marker.exists()
    world.marker.unlink()
    manifest = out / "current" / MANIFEST
    m = json.loads(manifest.read_text(encoding="utf-8"))
    m["briefings"]["scenarios/low/vi/tourism"].update(status="failed", error="cell 5 raised DataError: boom")
    manifest.write_text(json.dumps(m), encoding="utf-8")
    r = kg(world, "--data-dir", str(world.data), "verify", "--out", str(out), "--lang", "en")
    assert r.returncode == EXIT_VERIFY_FAILED and "rebuild with `kg-metrics build --scenario low`" in r.stderr, r.stderr
    r = kg(world, "--data-dir", str(world.data), "build", "--scenario", "low", "--out", str(out), "--quiet",
           "--sector", "tourism", "--lang", "vi")
    assert r.returncode == EXIT_OK, r.stderr
    r = kg(world, "--data-dir", str(world.data), "verify", "--out", str(out), "--lang", "en")
    assert r.returncode == EXIT_OK, r.stdout + r.stderr
