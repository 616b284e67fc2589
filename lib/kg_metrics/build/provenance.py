"""Where a briefing came from: code commit, data checksum, package versions, build time."""
from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from kg_metrics import paths
#: Packages whose versions are stamped on every briefing.
STAMPED_PACKAGES = ("kg_metrics", "pandas", "matplotlib", "papermill", "nbconvert", "nbclient", "ipykernel",
                    "weasyprint", "babel", "pydantic")


def git_commit(root: Path | None = None) -> tuple[str, bool]:
    """(commit sha, whether the work tree has uncommitted changes); ('unknown', False) outside git."""
    root = root or paths.REPO_ROOT
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, check=True, timeout=10).stdout.strip())
        return sha, dirty
    except (OSError, subprocess.SubprocessError):
        return "unknown", False


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_sha256(root: Path, pattern: str = "**/*") -> str:
    """One checksum over every file under ``root`` (relative paths and contents, in sorted order)."""
    h = hashlib.sha256()
    for p in sorted(q for q in Path(root).glob(pattern) if q.is_file() and "__pycache__" not in q.parts):
        h.update(str(p.relative_to(root)).encode("utf-8") + b"\0")
        h.update(file_sha256(p).encode("ascii") + b"\n")
    return h.hexdigest()


def package_versions(names: tuple[str, ...] = STAMPED_PACKAGES) -> dict[str, str]:
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def verify(out_dir: Path) -> list[str]:
    """Problems with a published set: outputs altered or missing since the build, or stale because an
    input (data, code, notebook, parameters, package versions) changed. Empty list: all verified.
    """
    import json

    from kg_metrics.build.keys import environment_fingerprint, job_inputs, key_of

    out = Path(out_dir)
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        return [f"{manifest_path}: no manifest; nothing has been built here"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    for key, entry in sorted(manifest.get("briefings", {}).items()):
        for rel, sha in entry.get("outputs", {}).items():
            p = out / rel
            if not p.exists():
                problems.append(f"{key}: output {rel} is missing")
            elif file_sha256(p) != sha:
                problems.append(f"{key}: output {rel} was altered after the build")
        if entry.get("status") != "built":
            problems.append(f"{key}: the last build failed: {entry.get('error', '').splitlines()[:1]}")
            continue
        params = entry.get("parameters", {})
        data = Path(params.get("data_dir") or paths.default_data_dir())
        recorded = entry.get("inputs", {})
        try:
            from kg_metrics.build.pipeline import WHOLE_DATA_BRIEFINGS
            from kg_metrics.data.scenario_files import scenario_files

            extra = scenario_files(data, params["scenario"]) if params.get("scenario") else []
            now = job_inputs(entry["notebook"], params, data,
                             None if entry["name"] in WHOLE_DATA_BRIEFINGS else entry["name"], extra)
        except (OSError, KeyError, ValueError) as exc:  # ParameterError is a ValueError
            problems.append(f"{key}: inputs cannot be read: {exc}")
            continue
        if key_of(now) != entry.get("key"):
            changed = sorted(set(now["files"]) ^ set(recorded.get("files", {}))
                             | {f for f in now["files"] if recorded.get("files", {}).get(f) not in (None, now["files"][f])})
            if now["environment"] != recorded.get("environment"):
                changed.append("installed package versions")
            problems.append(f"{key}: stale, inputs changed since the build: {', '.join(changed) or 'parameters'}")
    index = manifest.get("index", {})
    for rel, sha in index.get("outputs", {}).items():
        p = out / rel
        if not p.exists() or file_sha256(p) != sha:
            problems.append(f"index: {rel} was altered or removed after the build")
    files = index.get("inputs", {}).get("files", {})
    for rel, sha in files.items():
        p = Path(rel) if Path(rel).is_absolute() else paths.REPO_ROOT / rel
        if not p.exists() or file_sha256(p) != sha:
            problems.append(f"index: stale, {rel} changed since the build")
    if index.get("inputs", {}).get("environment") not in (None, environment_fingerprint()):
        problems.append("index: stale, installed package versions changed since the build")
    return problems
