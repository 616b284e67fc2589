"""What each briefing depends on, and content-hash keys that change exactly when those inputs change.

A sector briefing reads the shared data files and its own ``observations/<sector>.csv``;
the overview and the index read every data file. All briefings depend on the library
code (templates and CSS included), their notebook, their parameters and the installed
package versions. Keys are SHA-256 over those contents, never over timestamps.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path

import yaml

from kg_metrics import paths
from kg_metrics.build.provenance import file_sha256

#: catalog.yml entries every briefing reads (the observations folder is handled per sector).
SHARED_ENTRIES = ("resolution", "sectors", "units", "indicators", "targets", "task_paragraphs", "derivations", "lexicon")


#: libyaml's parser where PyYAML was built with it: the catalog is read once per briefing of a build.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_catalog(data_dir: Path) -> dict:
    """The catalog as plain YAML, without validation (the full load validates it)."""
    return yaml.load((Path(data_dir) / "catalog.yml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)


def briefing_sectors(data_dir: Path) -> list[str]:
    """The sectors that get a sector briefing, in order: every sector of sectors.csv but catalog.yml's
    ``overview_sector``. Read with the csv module (cheap; the full load validates them), like
    :attr:`kg_metrics.data.registry.Registry.briefing_sectors`."""
    cat = read_catalog(data_dir)
    with open(Path(data_dir) / cat["sectors"], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["sector"] for r in sorted(rows, key=lambda r: int(r["order"])) if r["sector"] != cat["overview_sector"]]


def data_inputs(data_dir: Path, sector: str | None) -> list[Path]:
    """Data files a briefing reads: the shared ones plus its sector's observations (all, for None)."""
    data_dir = Path(data_dir)
    cat = read_catalog(data_dir)
    files = [data_dir / "catalog.yml"] + [data_dir / cat[k] for k in SHARED_ENTRIES]
    obs_dir = data_dir / cat["observations"]
    if sector is None:
        files += sorted(obs_dir.glob("*.csv"))
    elif (obs_dir / f"{sector}.csv").exists():
        files.append(obs_dir / f"{sector}.csv")
    return files


def code_inputs() -> list[Path]:
    """Library sources, templates and CSS: a change to any of them can change any briefing."""
    return sorted(p for p in paths.LIB_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix in {".py", ".j2", ".css", ".json"})


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """SHA-256 of every installed distribution's name and version (but ours), and of the Python version.

    Read from the names of the ``<name>-<version>.dist-info`` folders on ``sys.path``: the same
    facts as each package's metadata, without parsing 130 metadata files (0.26 s on every build).
    """
    names = {sys.version}
    for entry in sys.path:
        try:
            # Our own distribution is left out: its code is hashed file by file, and its egg-info in lib/ is seen
            # only by processes with lib/ on sys.path (pytest collecting doctests), not by an editable install's.
            names.update(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info"))
                         and not n.lower().replace("-", "_").startswith("kg_metrics"))
        except OSError:
            continue  # zip files, missing folders
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def _rel(p: Path) -> str:
    return _relative(str(p), str(paths.REPO_ROOT))


@lru_cache(maxsize=4096)
def _relative(path: str, root: str) -> str:
    # Every briefing of a build names the same code files: resolve each once.
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return path


@lru_cache(maxsize=4096)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    # One build hashes the same code files for every briefing: hash each (path, size, mtime) once.
    return file_sha256(Path(path))


def file_hashes(paths: list[Path]) -> dict[str, str]:
    """Content hashes of ``paths``, keyed by their path relative to the clone."""
    out = {}
    for p in paths:
        st = p.stat()
        out[_rel(p)] = _sha256_of(str(p), st.st_size, st.st_mtime_ns)
    return out


def job_inputs(notebook: str, parameters: dict, data_dir: Path, sector: str | None,
               extra_files: list[Path] | None = None, code_files: list[Path] | None = None) -> dict:
    """Every input of one briefing with its hash: files, parameters and the environment.

    ``extra_files``: further files it reads, e.g. a scenario file for a scenario briefing.
    ``code_files``: :func:`code_inputs`, when the caller has listed them once for many briefings.
    """
    code = code_inputs() if code_files is None else code_files
    files = data_inputs(data_dir, sector) + code + [paths.NOTEBOOKS_DIR / notebook] + list(extra_files or [])
    return {"files": file_hashes(files),
            "parameters": json.dumps(parameters, sort_keys=True, ensure_ascii=False),
            "environment": environment_fingerprint()}


def key_of(inputs: dict) -> str:
    """One SHA-256 over a briefing's inputs."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
