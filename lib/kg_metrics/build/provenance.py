"""Where a briefing came from: code commit, data checksum, package versions, build time."""
from __future__ import annotations

import hashlib
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


#: After the commit of a work tree with uncommitted changes: a mark, not a word, since covers and footers are
#: read in every language (the labels cover.commit / index.commit say what it means).
DIRTY_MARK = "+"


def stamp(reg, as_of: str) -> dict:
    """Provenance shared by every briefing of one build (and its index): code, data, time, versions."""
    sha, dirty = git_commit()
    return {
        "commit": sha + (DIRTY_MARK if dirty else ""),
        "data_checksum": tree_sha256(reg.data_dir),
        "build_time": now_iso(),
        "versions": package_versions(),
        "vintage": reg.catalog.vintage,
        "resolution_date": reg.catalog.resolution_date,
        "resolution_vi": reg.catalog.resolution_title_vi,
        "resolution_en": reg.catalog.resolution_title_en,
        "as_of": as_of,
    }
