"""The manifest of a release (``manifest.json``): what each briefing was built from and what it consists
of; from it, which briefings are fresh, which are obsolete, and whether a published set verifies."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from kg_metrics import paths
from kg_metrics.build.jobs import WHOLE_DATA_BRIEFINGS, Job, briefing_outputs
from kg_metrics.build.keys import code_inputs, environment_fingerprint, job_inputs, key_of
from kg_metrics.build.provenance import file_sha256
from kg_metrics.build.render import write_atomic
from kg_metrics.errors import one_line

MANIFEST = "manifest.json"


def read_manifest(release: Path | None) -> dict:
    """The manifest of ``release``; an empty one when there is none or it cannot be read (rebuild all)."""
    if release is None or not (release / MANIFEST).exists():
        return {"briefings": {}, "index": {}}
    try:
        return json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"briefings": {}, "index": {}}


def write_manifest(release: Path, manifest: dict) -> None:
    write_atomic(release / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True))


def is_fresh(job: Job, key: str, manifest: dict, release: Path | None) -> bool:
    """A briefing is fresh when it was built with the same key and all its outputs are there."""
    entry = manifest.get("briefings", {}).get(job.key)
    return bool(entry and entry.get("key") == key and entry.get("status") == "built" and release is not None
                and all((release / o).exists() for o in briefing_outputs(job)))


def obsolete_briefings(manifest: dict, known_sectors: list[str]) -> list[str]:
    """Keys of published briefings that no longer exist: their notebook is gone (the backtest page of
    earlier versions), or their sector is no longer in ``sectors.csv``. A build removes them, so that
    ``verify`` does not report them stale forever and the release holds only what the index lists."""
    sectors = set(known_sectors)
    gone = []
    for key, entry in manifest.get("briefings", {}).items():
        nb = entry.get("notebook", "")
        if (not nb or not (paths.NOTEBOOKS_DIR / nb).exists()
                or (nb == "sector.ipynb" and entry.get("name") not in sectors)):
            gone.append(key)
    return gone


@dataclass(frozen=True)
class Finding:
    """One problem :func:`verify` found. ``code`` names it (the CLI's text is ``cli.verify.<code>``);
    ``fields`` are its particulars: ``key`` (the briefing), ``output``, ``input``, ``error``, …"""

    code: str
    fields: dict = field(default_factory=dict)
    #: The pack the finding is about: its scenario ('' for the plain briefings) and the data directory it was
    #: built from ('' for the project's), so that the report can name the command that rebuilds it.
    scenario: str = field(default="", compare=False)
    data_dir: str = field(default="", compare=False)


def _briefing_findings(out: Path, key: str, entry: dict, code: list[Path]) -> list[Finding]:
    found = []
    for rel, sha in entry.get("outputs", {}).items():
        p = out / rel
        if not p.exists():
            found.append(Finding("missing", {"key": key, "output": rel}))
        elif file_sha256(p) != sha:
            found.append(Finding("altered", {"key": key, "output": rel}))
    if entry.get("status") != "built":
        return found + [Finding("failed", {"key": key, "error": entry.get("error", "").splitlines()[:1]})]
    params = entry.get("parameters", {})
    data = Path(params.get("data_dir") or paths.default_data_dir())
    recorded = entry.get("inputs", {})
    try:
        from kg_metrics.data.scenario_files import scenario_files  # lazy: the module imports pandas

        extra = scenario_files(data, params["scenario"]) if params.get("scenario") else []
        now = job_inputs(entry["notebook"], params, data,
                         None if entry["name"] in WHOLE_DATA_BRIEFINGS else entry["name"], extra, code)
    except (OSError, KeyError, ValueError) as exc:  # ParameterError is a ValueError
        return found + [Finding("unreadable", {"key": key, "error": exc})]
    if key_of(now) != entry.get("key"):
        before = recorded.get("files", {})
        changed = sorted(set(now["files"]) ^ set(before)
                         | {f for f in now["files"] if before.get(f) not in (None, now["files"][f])})
        found.append(Finding("stale", {"key": key, "files": changed,
                                       "environment": now["environment"] != recorded.get("environment")}))
    return found


def verify(out_dir: Path) -> list[Finding]:
    """Problems with a published set: outputs altered or missing since the build, or stale because an
    input (data, code, notebook, parameters, package versions) changed. Empty list: all verified.
    """
    out = Path(out_dir)
    manifest_path = out / MANIFEST
    if not manifest_path.exists():
        return [Finding("no_manifest", {"path": manifest_path})]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not (isinstance(manifest, dict) and isinstance(manifest.get("briefings", {}), dict)
                and isinstance(manifest.get("index", {}), dict)
                and all(isinstance(e, dict) for e in manifest.get("briefings", {}).values())):
            raise ValueError("not a kg-metrics manifest")
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return [Finding("bad_manifest", {"path": manifest_path, "error": one_line(exc, 200)})]
    found = []
    code = code_inputs()  # listed once: the same for every briefing
    for key, entry in sorted(manifest.get("briefings", {}).items()):
        params = entry.get("parameters") if isinstance(entry.get("parameters"), dict) else {}
        pack = {"scenario": str(params.get("scenario") or ""), "data_dir": str(params.get("data_dir") or "")}
        found += [dataclasses.replace(f, **pack) for f in _briefing_findings(out, key, entry, code)]
    index = manifest.get("index", {})
    for rel, sha in index.get("outputs", {}).items():
        p = out / rel
        if not p.exists() or file_sha256(p) != sha:
            found.append(Finding("index_altered", {"output": rel}))
    for rel, sha in index.get("inputs", {}).get("files", {}).items():
        p = Path(rel) if Path(rel).is_absolute() else paths.REPO_ROOT / rel
        if not p.exists() or file_sha256(p) != sha:
            found.append(Finding("index_stale", {"input": rel}))
    if index.get("inputs", {}).get("environment") not in (None, environment_fingerprint()):
        found.append(Finding("index_environment"))
    return found
