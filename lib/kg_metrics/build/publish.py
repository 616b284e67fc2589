"""Atomic publishing of a set of briefings, one build at a time, in a folder the build owns.

Layout of ``outputs/``::

    .kg-metrics-outputs            marker: this folder is ours (written when the build made it or found it empty)
    current -> .releases/<id>      the published set; replaced atomically (rename of a symlink)
    index.html -> current/index.html, vi -> current/vi, …   fixed links through ``current``
    .releases/<id>/                complete releases; .releases/.staging-*/ are builds in progress
    .build.lock                    held by the running build
    .build.lock.holder             who holds it (pid, start time), while it is held
    runs.jsonl                     run log, one JSON line per briefing per run

A build stages a new release as hard links of the current one (unchanged files keep
their inode and mtime), rewrites what changed, then swaps ``current``. Killing it at
any moment leaves ``current`` pointing at the previous, complete release; the next
run removes the leftover staging directory.

Ownership: the folder may hold a user's files too, and they are never touched. A build writes only into a
folder it created, found empty (nothing, or only ``.gitkeep``) or that carries the marker; an unmarked folder
of an earlier build of ours (``.releases/``, ``current -> .releases/<id>``, ``manifest.json -> current/…``) is
adopted. What is ours inside it: the entries above, and a top-level entry only while it is a symlink
``current/<name>``. Anything else under a name the build publishes (a real ``vi/`` folder, an ``index.html``
file, ``current`` pointing elsewhere) is refused with :class:`OutputsRefused`, before anything is written;
no symlink we did not make is ever followed or removed.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from kg_metrics.errors import ParameterError
from kg_metrics.text.catalog import t
from kg_metrics.text.format import LANGS, format_timestamp

MARKER = ".kg-metrics-outputs"  # not prose: a file name
RELEASES = ".releases"
STAGING_PREFIX = ".staging-"
LOCK = ".build.lock"
HOLDER = ".build.lock.holder"
RUN_LOG = "runs.jsonl"
CURRENT = "current"
CURRENT_TMP = ".current.tmp"
#: Entries of outputs/ that are not part of a release and must never be touched by publishing.
KEEP = {".gitkeep", MARKER, RELEASES, LOCK, HOLDER, RUN_LOG, CURRENT, CURRENT_TMP}
#: What a folder may hold and still count as empty: the clone's placeholder.
EMPTY_OK = {".gitkeep"}
#: Top-level names a build publishes (besides those of the current release): a user's file under one of
#: them is refused before any work, not found in the way when the build has finished.
PUBLISHED = {"index.html", "manifest.json", "notebooks", "scenarios", *LANGS,
             *(f"status-{lg}.{ext}" for lg in LANGS for ext in ("csv", "xlsx"))}
#: The refusals' texts (catalog keys), one line each, in the reader's language.
NOT_OURS = "cli.outputs.not_ours"
ENTRY_NOT_OURS = "cli.outputs.entry_not_ours"
NOT_A_FOLDER = "cli.outputs.not_a_folder"
READ_ONLY = "cli.outputs.read_only"
CANNOT_CREATE = "cli.outputs.cannot_create"
_RELEASE_ID = re.compile(r"\d{8}T\d{6}-\d+")


class Locked(RuntimeError):
    """Another build holds the lock."""


class OutputsRefused(ParameterError):
    """The output folder (or an entry in it) is not ours, or cannot be written: nothing was touched.

    A bad ``--out``: the command exits with code 2 (bad input). The message, one line, is the reader's."""


class Publisher:
    def __init__(self, out_dir: Path | str, lang: str = LANGS[0]):
        self.out = Path(out_dir)
        self.lang = lang
        self.releases = self.out / RELEASES
        self.current_link = self.out / CURRENT

    # ------------------------------------------------------------------------------------- ownership
    def _refuse(self, key: str, path: Path, **fields) -> OutputsRefused:
        return OutputsRefused(t(key, self.lang, path=os.path.abspath(path), **fields))

    def claim(self) -> None:
        """Make sure the output folder is ours, creating and marking it if it is new or empty; then check
        every entry the build manages. Raises :class:`OutputsRefused` having written nothing.

        ``out`` itself may be a symlink to a folder (the user named it); nothing inside is followed."""
        out = self.out
        if not out.is_dir():
            if os.path.lexists(out):
                raise self._refuse(NOT_A_FOLDER, out)
            ancestor = next((p for p in out.absolute().parents if p.exists()), None)
            if ancestor is not None and ancestor.is_dir() and _read_only(ancestor):
                raise self._refuse(CANNOT_CREATE, out, error=os.strerror(errno.EACCES))
            self._mark(create=True)
        elif _read_only(out):
            raise self._refuse(READ_ONLY, out)
        elif not self._marked():
            if not self._empty(_entries(out)) and not self._older_build():
                raise self._refuse(NOT_OURS, out)
            self.check()  # an adopted folder: its entries, before the marker is written
            self._mark(create=False)
            return
        self.check()

    def _marked(self) -> bool:
        return _is_regular(self.out / MARKER)

    def _empty(self, entries: set[str]) -> bool:
        """Nothing but ``.gitkeep`` (and an empty lock file, all an earlier version left of a refused build)."""
        rest = entries - EMPTY_OK
        return not rest or (rest == {LOCK} and _is_regular(self.out / LOCK) and (self.out / LOCK).stat().st_size == 0)

    def _older_build(self) -> bool:
        """Outputs of an earlier version of this build (before the marker): adopted."""
        name = self._release_name()
        return (name is not None and _isdir(self.releases) and _isdir(self.releases / name)
                and _link_text(self.out / "manifest.json") == f"{CURRENT}/manifest.json")

    def _mark(self, create: bool) -> None:
        """Create the folder (``create``) and write the marker; any failure is a clean refusal."""
        try:
            if create:
                self.out.mkdir(parents=True, exist_ok=True)
            record = {"tool": "kg-metrics", "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "adopted": bool(not create and self._release_name())}
            fd = os.open(self.out / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(record, sort_keys=True) + "\n")
        except FileExistsError:
            if not self._marked():  # a concurrent build marked it first, or someone put something there
                raise self._refuse(ENTRY_NOT_OURS, self.out / MARKER) from None
        except OSError as exc:
            raise self._refuse(CANNOT_CREATE, self.out, error=exc.strerror or exc) from None

    def check(self, names: set[str] | None = None) -> None:
        """Refuse (:class:`OutputsRefused`) if an entry the build manages or publishes is not ours.

        ``names``: the top-level names about to be published (default: :data:`PUBLISHED` and those of the
        current release)."""
        out = self.out
        for name, ok in ((RELEASES, _isdir), (CURRENT, lambda p: self._release_name() is not None),
                         (CURRENT_TMP, lambda p: (_link_text(p) or "").startswith(RELEASES + "/")),
                         (LOCK, _is_regular), (HOLDER, _is_regular), (RUN_LOG, _is_regular), (MARKER, _is_regular)):
            p = out / name
            if os.path.lexists(p) and not ok(p):
                raise self._refuse(ENTRY_NOT_OURS, p)
        if names is None:
            cur = self.current()
            names = PUBLISHED | ({e.name for e in cur.iterdir()} if cur is not None else set())
        for name in sorted(names - KEEP):
            p = out / name
            if os.path.lexists(p) and not self._ours(name):
                raise self._refuse(ENTRY_NOT_OURS, p)

    def _ours(self, name: str) -> bool:
        """A top-level entry is ours while it is the link we make: ``<name> -> current/<name>``."""
        return _link_text(self.out / name) == f"{CURRENT}/{name}"

    def _release_name(self) -> str | None:
        """The release ``current`` names, if ``current`` is our link (``.releases/<id>``); else None."""
        text = _link_text(self.current_link)
        if text is None:
            return None
        parts = Path(text).parts
        if len(parts) == 2 and parts[0] == RELEASES and parts[1] not in (".", "..") and not text.startswith("/"):
            return parts[1]
        return None

    # ------------------------------------------------------------------------------------- the lock
    @contextmanager
    def lock(self, wait_seconds: float = 0):
        """Hold the build lock; raise :class:`Locked` if it is not free within ``wait_seconds``.

        The folder is claimed first (:meth:`claim`): a folder that is not ours is refused before the lock
        file exists. While waiting, says once on standard error who holds the lock and for how long it waits."""
        self.claim()
        lock = FileLock(str(self.out / LOCK))
        if not self._acquire(lock, 0):
            holder = self._holder()
            if wait_seconds > 0:
                print(t("cli.outputs.waiting", self.lang, pid=holder["pid"], started=holder["started"],
                        seconds=f"{wait_seconds:g}"), file=sys.stderr, flush=True)
            if wait_seconds <= 0 or not self._acquire(lock, wait_seconds):
                raise Locked(f"another build is running (lock {self.out / LOCK}, pid {holder['pid']}, "
                             f"started {holder['iso']}); waited {wait_seconds:g} s")
        try:
            self._write_holder()
            yield
        finally:
            try:
                if _is_regular(self.out / HOLDER):
                    (self.out / HOLDER).unlink()
            finally:
                lock.release()

    def _acquire(self, lock: FileLock, seconds: float) -> bool:
        try:
            lock.acquire(timeout=seconds)
            return True
        except Timeout:
            return False
        except OSError as exc:  # e.g. the folder became read-only: a clean refusal, not a traceback
            raise self._refuse(CANNOT_CREATE, self.out, error=exc.strerror or exc) from None

    def _write_holder(self) -> None:
        record = {"pid": os.getpid(), "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        fd = os.open(self.out / HOLDER, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def _holder(self) -> dict:
        """The lock holder's pid and start time (in the reader's words), "?" where unknown."""
        try:
            fd = os.open(self.out / HOLDER, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, encoding="utf-8") as fh:
                record = json.loads(fh.read())
            return {"pid": int(record["pid"]), "iso": str(record["started"]),
                    "started": format_timestamp(str(record["started"]), self.lang)}
        except (OSError, ValueError, KeyError, TypeError):
            return {"pid": "?", "iso": "?", "started": "?"}

    # ------------------------------------------------------------------------------------- releases
    def current(self) -> Path | None:
        """The published release directory, if any (``current`` is our link to a real folder)."""
        name = self._release_name()
        if name is None or self.releases.is_symlink():
            return None
        target = self.releases / name
        return target if _isdir(target) else None

    def clean_stale(self) -> None:
        """Remove staging directories of killed builds and releases no longer published: real folders named
        as we name them, in our ``.releases/``; nothing else there is touched."""
        if not _isdir(self.releases):
            return
        cur = self.current()
        for d in self.releases.iterdir():
            if not _isdir(d) or (cur is not None and d.name == cur.name):
                continue
            if d.name.startswith(STAGING_PREFIX) or _RELEASE_ID.fullmatch(d.name):
                shutil.rmtree(d, ignore_errors=True)  # rmtree never follows a symlink inside

    def stage(self) -> Path:
        """A new staging directory holding hard links of the current release."""
        self.claim()
        self.releases.mkdir(exist_ok=True)
        staging = self.releases / f"{STAGING_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        cur = self.current()
        if cur is not None:
            shutil.copytree(cur, staging, symlinks=True, copy_function=os.link)
        else:
            staging.mkdir()
        return staging

    def publish(self, staging: Path, before_swap=None) -> Path:
        """Make ``staging`` the published release in one atomic step, then tidy up.

        Refuses (:class:`OutputsRefused`) before the swap if one of the release's top-level names is taken
        by something that is not ours; the staged release is then left for the next run to remove."""
        self.check({e.name for e in staging.iterdir()})
        release = self.releases / staging.name[len(STAGING_PREFIX):]
        os.rename(staging, release)
        _fsync_dir(self.releases)
        if before_swap is not None:
            before_swap()
        tmp = self.out / CURRENT_TMP
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(Path(RELEASES) / release.name, tmp)
        os.replace(tmp, self.current_link)  # the one atomic switch
        _fsync_dir(self.out)
        self.link_entries(release)
        self.clean_stale()
        return release

    def link_entries(self, release: Path) -> None:
        """Point ``outputs/<entry>`` at ``current/<entry>`` for every top-level entry of a release.

        Only our own links are replaced; anything else under that name was refused by :meth:`check`."""
        for entry in release.iterdir():
            link = self.out / entry.name
            if self._ours(entry.name):
                continue
            if os.path.lexists(link):
                raise self._refuse(ENTRY_NOT_OURS, link)
            os.symlink(Path(CURRENT) / entry.name, link)

    def log(self, records: list[dict]) -> None:
        """Append one JSON line per record to ``runs.jsonl`` (never through a symlink)."""
        fd = os.open(self.out / RUN_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def _entries(folder: Path) -> set[str]:
    return {e.name for e in os.scandir(folder)}


def _isdir(p: Path) -> bool:
    """A real folder (not a symlink to one)."""
    try:
        return stat.S_ISDIR(os.lstat(p).st_mode)
    except OSError:
        return False


def _is_regular(p: Path) -> bool:
    """A regular file (not a symlink to one)."""
    try:
        return stat.S_ISREG(os.lstat(p).st_mode)
    except OSError:
        return False


def _link_text(p: Path) -> str | None:
    try:
        return os.readlink(p)
    except OSError:
        return None


def _read_only(folder: Path) -> bool:
    """No write permission for anyone (``chmod a-w``), or none for this account: refused even for root,
    who could write anyway, since a read-only folder says "do not write here"."""
    mode = os.stat(folder).st_mode
    return not (mode & 0o222) or not os.access(folder, os.W_OK | os.X_OK)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
