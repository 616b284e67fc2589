"""The kg-metrics command: what it prints on the shipped data and how it fails on broken data."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from kg_metrics import cli, paths
from kg_metrics.build.manifest import Finding
from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_BRIEFINGS_FAILED, EXIT_OK, EXIT_VERIFY_FAILED, main

from tests.conftest import REPO, read_table, write_table


def test_targets_lists_every_registry_row(capsys, registry):
    assert main(["targets"]) == EXIT_OK
    out = capsys.readouterr().out
    for tid in registry.targets["target_id"]:
        assert tid in out
    # values formatted the Vietnamese way by default
    assert "≥ 55.467,04 tỷ đồng" in out and "≥ 2,035 triệu tấn" in out and "≥ 6,56%" in out


def test_targets_in_english_formats_numbers_the_english_way(capsys):
    assert main(["targets", "--lang", "en"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "≥ 55,467.04 bn VND" in out and "≥ 2.035 Mt" in out and "Rice output" in out


def _data_warnings(observations) -> list[str]:
    """The data checks' warnings on the shipped data, which `check` prints after its first line."""
    from kg_metrics.data.observations import check_observations
    return check_observations(observations)


def test_check_prints_required_h2_growth_and_anomalies(capsys, observations):
    assert main(["check"]) == EXIT_OK
    out = capsys.readouterr().out
    assert re.search(r"^Dữ liệu hợp lệ: 23 chỉ tiêu, \d+ số liệu có nguồn, \d+ số liệu tính ra, nghị quyết ", out, re.M)
    for w in _data_warnings(observations):
        assert f"\ncảnh báo: {w}\n" in out
    # as of 18/7/2024 no GRDP level of 2023 had been published: the required H2 growth cannot be computed
    # (the figure "GRDP năm 2023 (giá so sánh 2010)" is indicators.csv's figure_vi of grdp, period "năm 2023")
    assert ("\n\nTốc độ tăng GRDP cần đạt 6 tháng cuối năm, tại ngày 2024-07-18: chưa tính được từ số liệu đã công bố "
            "đến ngày đó (thiếu: GRDP năm 2023 (giá so sánh 2010)); nghị quyết nêu 6,56%\n") in out
    flagged = {line.split("]")[1].split()[0] for line in out.splitlines() if line.strip().startswith("[LƯU Ý]")}
    # intl_tourists: the year target's H2 share (99.355 / 680.000 = 14,6%) is far below 2019's and 2023's
    assert flagged == {"intl_tourists"}
    assert re.search(r"^1 lưu ý trong 16 phép kiểm tra$", out, re.M)


def test_check_computes_the_required_h2_growth_once_its_inputs_are_published(capsys):
    # from 6/12/2024 the 2023 level implied by the 2024 outturn is known: 78.259 / 1,075 = 72.799,07;
    # w₁ = 35.872 / 72.799,07 = 0,4928; g₂ = (6,7 − 0,4928 × 6,84) / (1 − 0,4928) = 6,56%
    assert main(["check", "--as-of", "2024-12-06"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\nTăng trưởng GRDP 6 tháng cuối năm cần đạt: 6,56%   (nghị quyết: 6,56%)\n" in out
    assert "  g2 = (g - w1*g1) / (1 - w1) = (6,70% - 0,4928 x 6,84%) / (1 - 0,4928)\n" in out
    assert "35.872 / 72.799,07 tỷ đồng" in out
    assert round(35872 / (78259 / 1.075), 4) == 0.4928
    w = 35872 / (78259 / 1.075)
    assert round((6.7 - w * 6.84) / (1 - w), 2) == 6.56


def test_check_in_english_reads_as_it_always_has(capsys, observations):
    """The English report, line by line as before the texts moved to the catalog."""
    assert main(["check", "--lang", "en", "--as-of", "2024-12-06"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    patterns = [r"Data OK: 23 targets, \d+ sourced observations, \d+ derived figures, resolution \S+\.txt",
                *[re.escape(f"warning: {w}") for w in _data_warnings(observations)], "",
                r"Required H2 GRDP growth: 6\.56%   \(resolution: 6\.56%\)",
                r"  g2 = \(g - w1\*g1\) / \(1 - w1\) = \(6\.70% - 0\.4928 x 6\.84%\) / \(1 - 0\.4928\)",
                r"  w1 = H1 2023 / 2023 = 35,872 / 72,799\.07 bn VND \(2010 prices; 2023 is derived: .+\)", "",
                r"Anomaly checks:"]
    for pattern, line in zip(patterns, lines):
        assert re.fullmatch(pattern, line), (pattern, line)
    marks = {line[:8] for line in lines[len(patterns):-2]}
    assert marks == {"  [FLAG]", "  [ok  ]", "  [n/a ]"}
    assert lines[-2:] == ["", "1 flagged of 16 checks"]


def test_check_in_english_as_of_the_session(capsys, observations):
    assert main(["check", "--lang", "en"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    n = len(_data_warnings(observations))
    assert lines[1 + n:3 + n] == ["", "Required H2 GRDP growth as of 2024-07-18: not computable from the figures "
                                  "published by then (missing: GRDP for 2023 (2010 prices)); the resolution states 6.56%"]
    assert lines[-2:] == ["", "1 flagged of 16 checks"]


def test_check_on_a_broken_copy_names_file_row_and_field(capsys, data_copy: Path):
    header, rows = read_table(data_copy / "targets.csv")
    rows[2]["value"] = "2.035"  # rice H2 in English notation: must not load as 2035
    write_table(data_copy / "targets.csv", header, rows)
    assert main(["--data-dir", str(data_copy), "check"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "data/targets.csv, row 3 (line 4), field 'value'" in err


def test_console_script_exit_code_on_broken_observations(data_copy: Path):
    obs = data_copy / "observations" / "tourism.csv"
    text = obs.read_text(encoding="utf-8")
    assert text.count(',"31,4",') == 1   # row 1: intl_tourists growth FY-2016
    obs.write_text(text.replace(',"31,4",', ',"31,4x",'), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg_metrics.cli", "--data-dir", str(data_copy), "check"],
                          capture_output=True, text=True)
    assert proc.returncode == EXIT_BAD_INPUT
    assert "data/observations/tourism.csv, row 1 (line 2), field 'value'" in proc.stderr


def test_nothing_in_the_project_reads_the_shared_reference_folder():
    """A user's clone has no ../shared: no code, notebook or data may point there."""
    offenders = []
    for folder in ("lib", "notebooks", "data", "tests", "bench"):
        for p in (REPO / folder).rglob("*"):
            if p.is_file() and p.suffix in {".py", ".ipynb", ".yml", ".csv", ".j2", ".json"} and p.name != "test_cli.py":
                if "../shared" in p.read_text(encoding="utf-8", errors="replace"):
                    offenders.append(str(p.relative_to(REPO)))
    assert offenders == []


def test_extract_reproduces_the_curated_registry_byte_for_byte(tmp_path, capsys):
    out = tmp_path / "draft.csv"
    assert main(["extract", str(REPO / "data/source/nq-kien-giang-2024-07-18.txt"), "-o", str(out)]) == EXIT_OK
    assert out.read_bytes() == (REPO / "data/targets.csv").read_bytes()
    assert "reference 76, target 23 (of 99)" in capsys.readouterr().err


class _Job:
    key = "vi/tourism"


class _Result:
    def __init__(self, status: str, error: str = ""):
        self.job, self.status, self.error = _Job(), status, error


@pytest.mark.parametrize("lang, summary", [
    ("en", "2 built, 1 unchanged, 1 failed; index: /tmp/o/index.html\n"),
    ("vi", "2 đã tạo, 1 không đổi, 1 lỗi; trang mục lục: /tmp/o/index.html\n"),
])
def test_build_summarises_in_the_first_language_and_names_failures(monkeypatch, capsys, lang, summary):
    results = [_Result("built"), _Result("built"), _Result("unchanged"), _Result("failed", "RuntimeError: boom")]
    monkeypatch.setattr(cli, "build", lambda *a, **kw: results)
    assert main(["build", "--out", "/tmp/o/", "--lang", lang]) == EXIT_BRIEFINGS_FAILED
    captured = capsys.readouterr()
    assert captured.out == summary
    assert captured.err == "FAILED vi/tourism: RuntimeError: boom\n"


@pytest.mark.parametrize("args, params, langs", [
    ([], None, ("vi", "en")),                       # the default: both languages, Vietnamese first
    (["--lang", "vi"], None, ("vi",)),              # one language when asked
    (["--lang", "en", "--lang", "vi", "--lang", "en"], None, ("en", "vi")),
    ([], "as_of: 2024-07-18\n", ("vi", "en")),      # a parameter file that names no language: both too
    ([], "langs: [en]\n", ("en",)),
    (["--lang", "vi"], "langs: [en]\n", ("vi",)),   # the command line wins over the file
])
def test_build_makes_both_languages_unless_told(monkeypatch, capsys, tmp_path, args, params, langs):
    seen = {}
    monkeypatch.setattr(cli, "build", lambda *a, **kw: seen.update(kw) or [])
    if params is not None:
        (tmp_path / "build.yml").write_text(params, encoding="utf-8")
        args = [*args, "--params", str(tmp_path / "build.yml")]
    assert main(["build", "--out", str(tmp_path / "o"), *args]) == EXIT_OK
    assert seen["langs"] == langs
    capsys.readouterr()


#: verify's findings as the English report has always written them.
FINDINGS = [
    (Finding("no_manifest", {"path": Path("out/manifest.json")}), "out/manifest.json: no manifest; nothing has been built here"),
    (Finding("missing", {"key": "vi/tourism", "output": "vi/tourism.pdf"}), "vi/tourism: output vi/tourism.pdf is missing"),
    (Finding("altered", {"key": "vi/tourism", "output": "vi/tourism.pdf"}),
     "vi/tourism: output vi/tourism.pdf was altered after the build"),
    (Finding("failed", {"key": "vi/tourism", "error": ["RuntimeError: boom"]}),
     "vi/tourism: the last build failed: ['RuntimeError: boom']"),
    (Finding("unreadable", {"key": "vi/tourism", "error": FileNotFoundError("gone.ipynb")}),
     "vi/tourism: inputs cannot be read: gone.ipynb"),
    (Finding("stale", {"key": "vi/tourism", "files": ["data/a.csv", "data/b.csv"], "environment": True}),
     "vi/tourism: stale, inputs changed since the build: data/a.csv, data/b.csv, installed package versions"),
    (Finding("stale", {"key": "vi/tourism", "files": [], "environment": False}),
     "vi/tourism: stale, inputs changed since the build: parameters"),
    (Finding("index_altered", {"output": "index.html"}), "index: index.html was altered or removed after the build"),
    (Finding("index_stale", {"input": "data/a.csv"}), "index: stale, data/a.csv changed since the build"),
    (Finding("index_environment"), "index: stale, installed package versions changed since the build"),
]


@pytest.mark.parametrize("finding, text", FINDINGS, ids=[f.code for f, _ in FINDINGS])
def test_verify_reports_each_finding_as_before_in_english(finding, text):
    assert cli.finding_text(finding, "en") == text


@pytest.mark.parametrize("finding", [f for f, _ in FINDINGS], ids=[f.code for f, _ in FINDINGS])
def test_verify_reports_each_finding_in_vietnamese_too(finding):
    assert cli.finding_text(finding, "vi") != cli.finding_text(finding, "en")


@pytest.mark.parametrize("lang, err", [("en", "1 problem(s): rebuild with `kg-metrics build`\n"),
                                       ("vi", "1 vấn đề: hãy tạo lại bằng `kg-metrics build`\n")])
def test_verify_of_a_folder_never_built_fails(tmp_path, capsys, lang, err):
    assert main(["verify", "--out", str(tmp_path), "--lang", lang]) == EXIT_VERIFY_FAILED
    captured = capsys.readouterr()
    assert str(tmp_path / "manifest.json") in captured.out and captured.err == err


# ------------------------------------------------------------------------------ the project: --project, init, help
@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder made by `kg-metrics init` (module-wide: the tests below only read it)."""
    root = tmp_path_factory.mktemp("project").resolve() / "proj"
    assert main(["init", str(root), "--lang", "en"]) == EXIT_OK
    return root


@pytest.fixture
def seen(monkeypatch) -> dict:
    """`kg-metrics targets` replaced by a probe that records where the command ran."""
    record: dict = {}

    def probe(args) -> int:
        record.update(project=paths.project_root(), data=paths.default_data_dir(), outputs=paths.OUTPUTS_DIR,
                      env=os.environ.get("KG_METRICS_PROJECT"), data_dir=args.data_dir)
        return EXIT_OK

    monkeypatch.setattr(cli, "cmd_targets", probe)
    for name in ("KG_METRICS_PROJECT", "KG_METRICS_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return record


def test_init_copies_every_shipped_data_file_into_a_new_project(project, capsys):
    shipped = sorted(p.relative_to(paths.SHIPPED_DATA_DIR) for p in paths.SHIPPED_DATA_DIR.rglob("*") if p.is_file())
    copied = sorted(p.relative_to(project / "data") for p in (project / "data").rglob("*") if p.is_file())
    assert copied == shipped and Path("catalog.yml") in copied and Path("observations/tourism.csv") in copied
    assert (project / "data" / "targets.csv").read_bytes() == (paths.SHIPPED_DATA_DIR / "targets.csv").read_bytes()
    assert (project / "outputs").is_dir() and not any((project / "outputs").iterdir())
    assert os.access(project / "data" / "targets.csv", os.W_OK)
    assert paths.is_project(project)


def test_init_says_where_in_the_language_asked(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p")]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Đã tạo dự án tại {tmp_path / 'p'}: dữ liệu nằm trong {tmp_path / 'p' / 'data'}; các bản tin sẽ "
                   f"được tạo trong {tmp_path / 'p' / 'outputs'}",
                   f"Tiếp theo: `kg-metrics --project {tmp_path / 'p'} build`, hoặc chạy `kg-metrics build` trong thư "
                   "mục đó"]


def test_init_refuses_a_folder_that_is_not_empty_and_accepts_an_empty_one(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path / "full")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists and is not an empty folder" in err
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["notes.txt"]  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left behind
    (tmp_path / "empty").mkdir()
    assert main(["init", str(tmp_path / "empty")]) == EXIT_OK
    assert paths.is_project(tmp_path / "empty")


@pytest.mark.parametrize("argv", [["--project", "{p}", "targets"], ["targets", "--project", "{p}"]],
                         ids=["before", "after"])
def test_project_before_or_after_the_command(argv, project, seen):
    assert main([a.format(p=project) for a in argv]) == EXIT_OK
    assert seen == {"project": project, "data": project / "data", "outputs": project / "outputs",
                    "env": str(project), "data_dir": None}
    assert "KG_METRICS_PROJECT" not in os.environ and paths.project_root() == paths.CLONE_ROOT  # restored


def test_project_from_the_environment_and_the_option_wins(project, seen, monkeypatch, tmp_path):
    monkeypatch.setenv("KG_METRICS_PROJECT", str(project))
    assert main(["targets"]) == EXIT_OK and seen["project"] == project
    assert main(["init", str(tmp_path / "other")]) == EXIT_OK
    assert main(["targets", "--project", str(tmp_path / "other")]) == EXIT_OK
    assert seen["project"] == tmp_path / "other" and seen["data"] == tmp_path / "other" / "data"


def test_project_is_the_current_folder_or_the_nearest_above_it(project, seen, monkeypatch):
    monkeypatch.chdir(project / "data" / "observations")
    assert main(["targets"]) == EXIT_OK
    assert seen["project"] == project and seen["outputs"] == project / "outputs"


def test_in_the_clone_the_clone_is_the_project(seen, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # not a project: the clone this library runs from
    assert main(["targets"]) == EXIT_OK
    assert seen["project"] == REPO and seen["data"] == REPO / "data" and seen["outputs"] == REPO / "outputs"


def test_data_dir_after_the_command_made_absolute_and_given_to_the_kernels(project, seen, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["targets", "--data-dir", "data"]) == EXIT_OK
    assert seen["data_dir"] == str(project / "data") and seen["data"] == project / "data"
    assert "KG_METRICS_DATA_DIR" not in os.environ


def test_no_project_is_one_line_and_exit_code_2(seen, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(paths, "CLONE_ROOT", None)  # as installed from a wheel
    monkeypatch.chdir(tmp_path)
    assert main(["targets"]) == EXIT_BAD_INPUT
    assert seen == {}  # the command did not run
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kg-metrics: no kg-metrics project here")
    assert "kg-metrics init DIR" in err and "--project" in err
    assert main(["verify", "--project", str(tmp_path)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (f"kg-metrics: --project {tmp_path} is not a kg-metrics project (it has no "
                                       f"data/catalog.yml); create one with `kg-metrics init {tmp_path}`\n")


def test_verify_reads_the_projects_outputs(project, capsys):
    assert main(["verify", "--project", str(project), "--lang", "en"]) == EXIT_VERIFY_FAILED
    assert f"{project / 'outputs' / 'manifest.json'}: no manifest" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"kg-metrics {metadata.version('kg_metrics')}\n"


def test_python_m_kg_metrics_help_is_plain_text_with_exit_codes_and_sectors(registry):
    run = subprocess.run([sys.executable, "-m", "kg_metrics", "--help"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert text.startswith("usage: kg-metrics ") and "``" not in text and ":func:" not in text
    codes = text[text.index("\nexit codes:\n"):]
    for code in range(5):
        assert re.search(rf"^  {code}  \S", codes, re.M), code
    sectors = text[text.index("\nsectors (--sector; read from ") + 1:].splitlines()
    assert sectors[1].strip() == ", ".join(registry.briefing_sectors)
    assert f"read from {REPO / 'data'})" in sectors[0]
    for name in ("init", "--project", "KG_METRICS_PROJECT", "--version"):
        assert name in text


def test_help_lists_the_named_projects_sectors(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p")]) == EXIT_OK
    sectors = tmp_path / "p" / "data" / "sectors.csv"
    lines = sectors.read_text(encoding="utf-8").splitlines(keepends=True)
    sectors.write_text("".join(line for line in lines if not line.startswith("admin_reform,")), encoding="utf-8")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["build", "--project", str(tmp_path / "p"), "--help"])
    out = capsys.readouterr().out
    listed = out[out.index("\nsectors (--sector; read from ") + 1:].splitlines()[1]
    assert "tourism" in listed and "admin_reform" not in listed
    assert str(tmp_path / "p" / "data") in out


def test_a_misspelt_command_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["buidl"])
    assert exc.value.code == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines()[-1].endswith("did you mean 'build'?")


def test_a_misspelt_sector_gets_a_suggestion_and_nothing_runs(monkeypatch, capsys):
    monkeypatch.setattr(cli, "build", lambda *a, **kw: pytest.fail("must not build"))
    assert main(["build", "--sector", "turism"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown sector(s) 'turism'; valid: agriculture, " in err and err.rstrip().endswith("did you mean 'tourism'?")
    assert err.count("\n") == 1


@pytest.mark.parametrize("as_of", ["garbage", "2024-02-30", "18/7/2024", ""])
def test_check_refuses_a_bad_assessment_date(capsys, as_of):
    assert main(["check", "--as-of", as_of]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "as_of" in err and "Traceback" not in err


def test_a_refused_output_folder_is_one_line_in_the_readers_language(capsys, tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "my_analysis.ipynb").write_text("{}", encoding="utf-8")
    assert main(["build", "--sector", "tourism", "--lang", "vi", "--out", str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"kg-metrics: {tmp_path}: thư mục không trống") and "bad parameter" not in err
    assert len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["my_analysis.ipynb", "notebooks"]
