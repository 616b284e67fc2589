"""Atomic publishing of a set of briefings, one build at a time.

Layout of ``outputs/``::

    current -> .releases/<id>      the published set; replaced atomically (rename of a symlink)
    index.html -> current/index.html, vi -> current/vi, …   fixed links through ``current``
    .releases/<id>/                complete releases; .releases/.staging-*/ are builds in progress
    .build.lock                    held by the running build
    runs.jsonl                     run log, one JSON line per briefing per run

A build stages a new release as hard links of the current one (unchanged files keep
their inode and mtime), rewrites what changed, then swaps ``current``. Killing it at
any moment leaves ``current`` pointing at the previous, complete release; the next
run removes the leftover staging directory.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

RELEASES = ".releases"
STAGING_PREFIX = ".staging-"
LOCK = ".build.lock"
RUN_LOG = "runs.jsonl"
#: Entries of outputs/ that are not part of a release and must never be touched by publishing.
KEEP = {".gitkeep", RELEASES, LOCK, RUN_LOG, "current", ".current.tmp"}


class Locked(RuntimeError):
    """Another build holds the lock."""


class Publisher:
    def __init__(self, out_dir: Path | str):
        self.out = Path(out_dir)
        self.releases = self.out / RELEASES
        self.current_link = self.out / "current"

    @contextmanager
    def lock(self, wait_seconds: float = 0):
        """Hold the build lock; raise :class:`Locked` if it is not free within ``wait_seconds``."""
        self.out.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.out / LOCK))
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise Locked(f"another build is running (lock {self.out / LOCK}); "
                         f"waited {wait_seconds:g} s") from None
        try:
            yield
        finally:
            lock.release()

    def current(self) -> Path | None:
        """The published release directory, if any."""
        if self.current_link.is_symlink():
            target = self.current_link.resolve()
            return target if target.is_dir() else None
        return None

    def clean_stale(self) -> None:
        """Remove staging directories of killed builds and releases no longer published."""
        cur = self.current()
        if not self.releases.exists():
            return
        for d in self.releases.iterdir():
            if d.name.startswith(STAGING_PREFIX) or (cur is None or d.resolve() != cur):
                shutil.rmtree(d, ignore_errors=True)

    def stage(self) -> Path:
        """A new staging directory holding hard links of the current release."""
        self.releases.mkdir(parents=True, exist_ok=True)
        staging = self.releases / f"{STAGING_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        cur = self.current()
        if cur is not None:
            shutil.copytree(cur, staging, copy_function=os.link)
        else:
            staging.mkdir()
        return staging

    def publish(self, staging: Path, before_swap=None) -> Path:
        """Make ``staging`` the published release in one atomic step, then tidy up."""
        release = self.releases / staging.name[len(STAGING_PREFIX):]
        os.rename(staging, release)
        _fsync_dir(self.releases)
        if before_swap is not None:
            before_swap()
        tmp = self.out / ".current.tmp"
        tmp.unlink(missing_ok=True)
        os.symlink(Path(RELEASES) / release.name, tmp)
        os.replace(tmp, self.current_link)  # the one atomic switch
        _fsync_dir(self.out)
        self.link_entries(release)
        self.clean_stale()
        return release

    def link_entries(self, release: Path) -> None:
        """Point ``outputs/<entry>`` at ``current/<entry>`` for every top-level entry of a release."""
        for entry in release.iterdir():
            link = self.out / entry.name
            want = Path("current") / entry.name
            if link.is_symlink() and Path(os.readlink(link)) == want:
                continue
            if link.is_symlink() or link.is_file():
                link.unlink()
            elif link.is_dir():
                shutil.rmtree(link)  # a generated folder from before releases existed
            os.symlink(want, link)

    def log(self, records: list[dict]) -> None:
        """Append one JSON line per record to ``runs.jsonl``."""
        with open(self.out / RUN_LOG, "a", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
