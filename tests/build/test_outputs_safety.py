"""Outputs never eat a user's files (issue 14): a build writes only into a folder it owns, never follows or
removes a symlink it did not make, never deletes or overwrites an entry it did not write, and says so in one
line with exit code 2 (bad input) having touched nothing.

Fast: every refusal comes before any briefing is built, so the command runs in this process. The normal flow
(fresh folder, rebuild, verify) is built end to end (e2e)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg_metrics.build import publish
from kg_metrics.build.publish import HOLDER, LOCK, MARKER, Publisher
from kg_metrics.cli import EXIT_BAD_INPUT, EXIT_LOCKED, EXIT_OK, main

from tests.build.conftest import run
from tests.conftest import DATA_DIR


def tree(root: Path) -> dict[str, tuple]:
    """Everything under ``root``, symlinks not followed: kind, content or link text, permission bits."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            rel = str(p.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                out[rel] = ("file", p.read_bytes(), stat.S_IMODE(st.st_mode), st.st_mtime_ns)
    return out


def build(out: Path, capsys, *extra: str) -> tuple[int, str]:
    """``kg-metrics build`` of one sector in Vietnamese, in this process: (exit code, standard error)."""
    rc = main(["--data-dir", str(DATA_DIR), "build", "--out", str(out), "--quiet", "--wait", "0",
               "--lang", "vi", "--sector", "tourism", *extra])
    return rc, capsys.readouterr().err


def one_line_refusal(rc: int, err: str, names: Path) -> None:
    assert rc == EXIT_BAD_INPUT, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert str(names.absolute()) in err, err


@pytest.fixture
def user_folder(tmp_path) -> Path:
    """A user's working folder, as in the issue: a notebook, a note in a folder named like a language, a page."""
    folder = tmp_path / "work"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "notebooks" / "my_analysis.ipynb").write_text('{"cells": []}', encoding="utf-8")
    (folder / "vi").mkdir()
    (folder / "vi" / "ghi-chu.txt").write_text("ghi chú của tôi", encoding="utf-8")
    (folder / "index.html").write_text("<p>trang của tôi</p>", encoding="utf-8")
    return folder


# ------------------------------------------------------------------ a folder that is not ours
def test_a_folder_of_user_files_is_refused_and_left_byte_identical(user_folder, capsys):
    before = tree(user_folder)
    rc, err = build(user_folder, capsys)
    one_line_refusal(rc, err, user_folder)
    assert "không phải thư mục kết quả của kg-metrics" in err, err
    assert tree(user_folder) == before  # nothing deleted, changed or added: no lock, no .releases, no marker


def test_out_dot_in_a_users_folder_is_refused(user_folder):
    """The issue's command, as typed: ``kg-metrics build --sector tourism --lang vi --out .`` in that folder."""
    before = tree(user_folder)
    r = subprocess.run([sys.executable, "-m", "kg_metrics.cli", "--data-dir", str(DATA_DIR), "build", "--sector",
                        "tourism", "--lang", "vi", "--out", ".", "--quiet"], cwd=user_folder, capture_output=True,
                       text=True, timeout=120)
    one_line_refusal(r.returncode, r.stderr, user_folder)
    assert tree(user_folder) == before


def test_the_refusal_speaks_the_readers_language(user_folder, capsys):
    rc = main(["--data-dir", str(DATA_DIR), "build", "--out", str(user_folder), "--quiet", "--wait", "0",
               "--lang", "en", "--sector", "tourism"])
    err = capsys.readouterr().err
    assert rc == EXIT_BAD_INPUT and "not empty and not an output folder of kg-metrics" in err, err


def test_a_marker_that_is_a_symlink_does_not_make_a_folder_ours(user_folder, tmp_path, capsys):
    elsewhere = tmp_path / "marker"
    elsewhere.write_text("{}", encoding="utf-8")
    (user_folder / MARKER).symlink_to(elsewhere)
    before = tree(user_folder)
    rc, err = build(user_folder, capsys)
    one_line_refusal(rc, err, user_folder)
    assert tree(user_folder) == before and elsewhere.read_text(encoding="utf-8") == "{}"


# ------------------------------------------------------------------ a user's entry inside our folder
@pytest.mark.parametrize("plant", ["folder", "file", "link_to_user_dir", "our_link_replaced_by_file"])
def test_a_users_entry_under_a_name_the_build_publishes_is_refused_never_deleted(published, tmp_path, capsys,
                                                                                    plant):
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "keep.txt").write_text("của tôi", encoding="utf-8")
    if plant == "folder":
        entry = published / "en"
        entry.mkdir()
        (entry / "ghi-chu.txt").write_text("ghi chú", encoding="utf-8")
    elif plant == "file":
        entry = published / "status-vi.csv"
        entry.write_text("a,b\n", encoding="utf-8")
    elif plant == "link_to_user_dir":
        entry = published / "vi"
        entry.unlink()  # was our link current/vi; the user put a link of theirs there
        entry.symlink_to(user_dir)
    else:
        entry = published / "index.html"
        entry.unlink()
        entry.write_text("<p>trang của tôi</p>", encoding="utf-8")
    before, user_before = tree(published), tree(user_dir)
    rc, err = build(published, capsys)
    one_line_refusal(rc, err, entry)
    assert "không do kg-metrics tạo ra" in err, err
    assert tree(published) == before and tree(user_dir) == user_before


@pytest.mark.parametrize("name", ["current", ".releases", "runs.jsonl", LOCK, HOLDER])
def test_a_planted_symlink_is_never_followed_nor_removed(published, tmp_path, capsys, name):
    """``current -> ~/elsewhere``, ``.releases -> …``, ``runs.jsonl -> a user's file``: refused as they are."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("của tôi", encoding="utf-8")
    target = elsewhere if name in ("current", ".releases") else elsewhere / "keep.txt"
    entry = published / name
    if entry.is_symlink() or entry.is_file():
        entry.unlink()
    elif entry.is_dir():
        entry.rename(published / (name + ".moved"))
    entry.symlink_to(target)
    before, user_before = tree(published), tree(elsewhere)
    rc, err = build(published, capsys)
    one_line_refusal(rc, err, entry)
    assert tree(published) == before and tree(elsewhere) == user_before


def test_publisher_refuses_before_the_swap_a_name_taken_by_a_user(published, tmp_path):
    """The last check, at publish time, for a name only the new release has: the published set stays."""
    (published / "extra.txt").write_text("của tôi", encoding="utf-8")
    current = os.readlink(published / "current")
    pub = Publisher(published)
    staging = pub.stage()
    (staging / "extra.txt").write_text("của bản dựng", encoding="utf-8")
    with pytest.raises(publish.OutputsRefused, match="extra.txt"):
        pub.publish(staging)
    assert os.readlink(published / "current") == current
    assert (published / "extra.txt").read_text(encoding="utf-8") == "của tôi"


def test_clean_stale_removes_only_what_it_named(published, tmp_path):
    """In ``.releases/`` only our staging and release folders go; a user's folder or link there stays."""
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "keep.txt").write_text("của tôi", encoding="utf-8")
    releases = published / ".releases"
    (releases / "notes").mkdir()
    (releases / "20240101T000000-1").symlink_to(user_dir)
    (releases / ".staging-20240101T000000-2").mkdir()
    (releases / "20240101T000000-3").mkdir()
    Publisher(published).clean_stale()
    assert sorted(p.name for p in releases.iterdir()) == sorted(
        ["notes", "20240101T000000-1", os.readlink(published / "current").split("/")[1]])
    assert (user_dir / "keep.txt").read_text(encoding="utf-8") == "của tôi"


# ------------------------------------------------------------------ read-only, uncreatable
@pytest.mark.parametrize("kind", ["empty", "ours"])
def test_a_read_only_folder_is_a_clean_error(tmp_path, published, capsys, kind):
    out = published if kind == "ours" else tmp_path / "ro"
    out.mkdir(exist_ok=True)
    before = tree(out)
    out.chmod(0o555)
    try:
        rc, err = build(out, capsys)
    finally:
        out.chmod(0o755)
    one_line_refusal(rc, err, out)
    assert "chỉ cho phép đọc" in err, err
    assert tree(out) == before


def test_a_folder_whose_parent_cannot_be_created_is_a_clean_error(tmp_path, capsys):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    out = tmp_path / "a-file" / "outputs"
    rc, err = build(out, capsys)
    one_line_refusal(rc, err, out)
    assert "không tạo hoặc ghi được thư mục kết quả" in err, err


def test_a_folder_under_a_read_only_parent_is_a_clean_error(tmp_path, capsys):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        rc, err = build(parent / "outputs", capsys)
        assert not (parent / "outputs").exists()
    finally:
        parent.chmod(0o755)
    one_line_refusal(rc, err, parent / "outputs")


def test_an_output_path_that_is_a_file_is_refused(tmp_path, capsys):
    out = tmp_path / "outputs"
    out.write_text("của tôi", encoding="utf-8")
    rc, err = build(out, capsys)
    one_line_refusal(rc, err, out)
    assert out.read_text(encoding="utf-8") == "của tôi"


# ------------------------------------------------------------------ what is ours: new, empty, older builds
def test_a_new_or_empty_folder_is_claimed_and_marked(tmp_path):
    new, empty, clone = tmp_path / "new" / "outputs", tmp_path / "empty", tmp_path / "clone-outputs"
    empty.mkdir()
    clone.mkdir()
    (clone / ".gitkeep").write_text("", encoding="utf-8")  # the clone's outputs/
    for out in (new, empty, clone):
        with Publisher(out).lock():
            assert (out / HOLDER).is_file()
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
        assert marker["tool"] == "kg-metrics" and not marker["adopted"]
        assert not (out / HOLDER).exists()  # only while the lock is held
    assert (clone / ".gitkeep").exists()


def test_outputs_of_an_older_build_are_adopted(published):
    """Before the marker existed: ``.releases/``, ``current -> .releases/<id>``, ``manifest.json -> current/…``
    (the clone's outputs/ of earlier versions, ``.gitkeep`` and all)."""
    (published / MARKER).unlink()
    (published / ".gitkeep").write_text("", encoding="utf-8")
    Publisher(published).claim()
    assert json.loads((published / MARKER).read_text(encoding="utf-8"))["adopted"] is True


def test_an_older_build_with_a_users_folder_in_the_way_is_refused_unmarked(published, capsys):
    """Generated folders from before releases existed look like a user's: refused, not removed."""
    (published / MARKER).unlink()
    (published / "vi").unlink()
    (published / "vi").mkdir()
    (published / "vi" / "overview.html").write_text("<p>cũ</p>", encoding="utf-8")
    before = tree(published)
    rc, err = build(published, capsys)
    one_line_refusal(rc, err, published / "vi")
    assert tree(published) == before


# ------------------------------------------------------------------ the lock: who holds it, how long we wait
def test_waiting_for_the_lock_says_who_holds_it_and_for_how_long(published, capsys):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom kg_metrics.build.publish import Publisher\n"
         "with Publisher(sys.argv[1]).lock():\n    print('held', flush=True)\n    time.sleep(60)\n", str(published)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        with pytest.raises(publish.Locked, match=f"pid {holder.pid}"):
            with Publisher(published).lock(wait_seconds=0.5):
                pass
        assert time.monotonic() - t0 >= 0.5  # it did wait, as before
        err = capsys.readouterr().err
        assert err.startswith(f"đang chờ bản dựng khác (pid {holder.pid}, bắt đầu "), err
        assert err.rstrip().endswith("— chờ tối đa 0.5 giây"), err
    finally:
        holder.kill()
        holder.wait()


def test_the_command_reports_the_lock_holder_and_exits_3(published, capsys):
    with Publisher(published).lock():
        rc = main(["--data-dir", str(DATA_DIR), "build", "--out", str(published), "--quiet", "--wait", "0",
                   "--lang", "vi", "--sector", "tourism"])
    err = capsys.readouterr().err
    assert rc == EXIT_LOCKED and "another build is running" in err and f"pid {os.getpid()}" in err, err


# ------------------------------------------------------------------ the normal flow still works
@pytest.mark.e2e
def test_fresh_folder_build_rebuild_and_verify(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = tmp_path / "outputs"
    out.mkdir()
    (out / ".gitkeep").write_text("", encoding="utf-8")  # as in the clone
    r = run(data, out, "--sector", "tourism")
    assert r.returncode == EXIT_OK, r.stderr
    assert (out / MARKER).is_file() and (out / "vi" / "tourism.pdf").read_bytes().startswith(b"%PDF")
    r = run(data, out, "--sector", "tourism")
    assert r.returncode == EXIT_OK and "0 đã tạo, 1 không đổi, 0 lỗi" in r.stdout, r.stderr
    v = subprocess.run([sys.executable, "-m", "kg_metrics.cli", "--data-dir", str(data), "verify", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert v.returncode == EXIT_OK, v.stdout + v.stderr
