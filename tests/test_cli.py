"""The kg-metrics command: what it prints on the shipped data and how it fails on broken data."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_OK, main

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


def test_check_prints_required_h2_growth_and_anomalies(capsys):
    assert main(["check"]) == EXIT_OK
    out = capsys.readouterr().out
    assert re.search(r"Required H2 GRDP growth: 6,56%", out)
    flagged = {line.split()[1] for line in out.splitlines() if line.strip().startswith("[FLAG]")}
    assert "intl_tourists" in flagged
    assert not flagged & {"rice", "fishery", "tourists"}


def test_check_on_a_broken_copy_names_file_row_and_field(capsys, data_copy: Path):
    header, rows = read_table(data_copy / "targets.csv")
    rows[2]["value"] = "2.035"  # rice H2 in English notation: must not load as 2035
    write_table(data_copy / "targets.csv", header, rows)
    assert main(["--data-dir", str(data_copy), "check"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "data/targets.csv, row 3 (line 4), field 'value'" in err


def test_console_script_exit_code_on_broken_observations(data_copy: Path):
    obs = data_copy / "observations" / "tourism.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace(",6.672.384,", ",6.672.38x,"), encoding="utf-8")
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
