"""The kg-metrics command: what it prints on the shipped data and how it fails on broken data."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg_metrics import cli
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
