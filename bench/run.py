"""Benchmarks for the build, measured side by side in one run on this machine (`make bench`).

(a) cold build of every briefing through `kg-metrics build` (the code path of `make briefings`): the overview
    and every sector, in every language (Vietnamese and English), and the index;
(b) the naive chain on the same notebooks and languages: papermill CLI → `jupyter nbconvert` CLI → weasyprint
    CLI, one briefing after another; and the ratio (a)/(b) per briefing;
(c) a no-op rebuild (and whether any output file's mtime changed);
(d) a rebuild after changing one sector's data (which briefings were rebuilt), against that sector's
    briefings (one per language) built cold on their own, and against the per-briefing average of (a);
(e) peak memory (RSS summed over the whole process tree) of a cold build like (a), in a run of its own;
then the probability benchmark (bench/probability.py). The last line is the ratio (a)/(b).
(a), (c), (d) and the single briefing run ``--repeat`` times (default 3) and show the median and the
range, since one run here varies by about ±10%; (b), by far the slowest, runs once.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from kg_metrics.build.keys import briefing_sectors
from kg_metrics.text.format import LANGS

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_measured(cmd: list[str], sample: bool = False, **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run ``cmd``; return (seconds, peak RSS of its whole process tree in bytes or 0, result).

    ``sample``: poll the process tree's memory every 20 ms. The polling takes CPU from the build on
    this 2-core machine, so timed runs do not sample; (e) is a run of its own.
    """
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    stop = threading.Event()

    def sample_rss() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                rss = 0
                for p in procs:
                    try:
                        rss += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, rss)
            except psutil.Error:
                pass
            stop.wait(0.02)

    th = threading.Thread(target=sample_rss, daemon=True)
    if sample:
        th.start()
    out, err = proc.communicate()
    stop.set()
    if sample:
        th.join()
    seconds = time.perf_counter() - t0
    res = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode not in (0,):
        sys.stderr.write(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}\n")
    return seconds, peak, res


def mtimes(root: Path) -> dict[str, int]:
    """mtime of every file (and link) under ``root``: releases' real files and the top-level links."""
    return {str(p.relative_to(root)): p.lstat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() or p.is_symlink()}


def built_keys(out: Path, since_line: int) -> list[str]:
    lines = (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[since_line:]
    return [json.loads(x)["briefing"] for x in lines if json.loads(x)["status"] == "built"]


def log_len(out: Path) -> int:
    p = out / "runs.jsonl"
    return len(p.read_text(encoding="utf-8").splitlines()) if p.exists() else 0


def naive_chain(jobs: list[tuple[str, dict]], work: Path) -> float:
    """papermill CLI → jupyter nbconvert CLI → weasyprint CLI, per briefing, sequentially."""
    t0 = time.perf_counter()
    for i, (nb, params) in enumerate(jobs):
        executed = work / f"b{i}.ipynb"
        cmd = [str(BIN / "papermill"), str(REPO / "notebooks" / nb), str(executed), "-k", "python3",
               "--no-progress-bar"]
        for k, v in params.items():
            cmd += ["-p", k, v]
        subprocess.run(cmd, check=True, capture_output=True, cwd=REPO / "notebooks")
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "weasyprint"), str(executed.with_suffix(".html")), str(executed.with_suffix(".pdf"))],
                       check=True, capture_output=True)
    return time.perf_counter() - t0


def spread(xs: list[float], fmt: str = ".1f") -> str:
    """"min–max of n runs" (empty for a single run)."""
    return f"{min(xs):{fmt}}–{max(xs):{fmt}} s over {len(xs)} runs" if len(xs) > 1 else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-naive", action="store_true", help="skip (b), the slow naive chain")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of (a), (c), (d) and the single briefing (medians shown; default 3)")
    args = ap.parse_args()
    reps = max(1, args.repeat)
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        data = tmp / "data"
        shutil.copytree(REPO / "data", data)

        def kg(out: Path, *extra: str) -> list[str]:
            return [str(BIN / "kg-metrics"), "--data-dir", str(data), "build", "--quiet", "--out", str(out), *extra]

        sectors = briefing_sectors(data)

        # (a) cold builds, each into an empty output folder; the last one is kept for (c) and (d)
        t_a = []
        for i in range(reps):
            out = tmp / f"outputs{i}"
            t_a.append(run_measured(kg(out))[0])
        # briefings of a full build: the overview (which ends with the backtest) and every sector, in every language
        n = log_len(out)
        a = statistics.median(t_a)

        # the same briefings as (a), which builds every language by default: the overview and every sector, in
        # Vietnamese and in English
        jobs = [job for lang in LANGS for job in
                [("overview.ipynb", {"lang": lang, "data_dir": str(data)})]
                + [("sector.ipynb", {"sector": s, "lang": lang, "data_dir": str(data)}) for s in sectors]]
        assert len(jobs) == n, f"(b) would build {len(jobs)} briefings, (a) built {n}: not like with like"
        t_b = None
        if not args.skip_naive:
            work = tmp / "naive"
            work.mkdir()
            t_b = naive_chain(jobs, work)

        # (c) no-op rebuilds: nothing may be touched
        before = mtimes(out)
        t_c = [run_measured(kg(out))[0] for _ in range(reps)]
        touched = sorted(k for k, v in mtimes(out).items() if before.get(k) != v)

        # (d) one sector's data changed (a different edit each run), then rebuilt
        tourism = data / "observations" / "tourism.csv"
        t_d, rebuilt_sets = [], set()
        for i in range(reps):
            text = tourism.read_text(encoding="utf-8")
            tourism.write_text(text.replace(",Sở Du lịch", f",Sở Du lịch (bench edit {i})", 1)
                               if i == 0 else text.replace(f"(bench edit {i - 1})", f"(bench edit {i})", 1),
                               encoding="utf-8")
            mark = log_len(out)
            t_d.append(run_measured(kg(out))[0])
            rebuilt_sets.add(", ".join(built_keys(out, mark)) or "nothing")
        d = statistics.median(t_d)
        # that sector's briefings alone (one per language), cold (empty output folder), as
        # `kg-metrics build --sector tourism`
        t_one = [run_measured(kg(tmp / f"one{i}", "--sector", "tourism"))[0] for i in range(reps)]
        one = statistics.median(t_one)

        # (e) one more cold build, its process tree's memory sampled every 20 ms
        t_e, peak_e, _ = run_measured(kg(tmp / "outputs-e"), sample=True)

        med = f"median of {reps}" if reps > 1 else "one run"
        rows = [
            (f"(a) cold build, all briefings ({med})", f"{a:.1f} s",
             f"{a / n:.2f} s per briefing ({n} briefings); {spread(t_a)}"),
            ("(b) naive CLI chain, same briefings (one run)", f"{t_b:.1f} s" if t_b else "skipped",
             f"{t_b / n:.2f} s per briefing" if t_b else ""),
            (f"(c) no-op rebuild ({med})", f"{statistics.median(t_c):.2f} s",
             f"{len(touched)} output files touched; {spread(t_c, '.2f')}"),
            (f"(d) rebuild after one sector's data changed ({med})", f"{d:.1f} s",
             f"rebuilt: {' | '.join(sorted(rebuilt_sets))} + index; {spread(t_d)}"),
            ("    (d) / tourism briefings built cold alone", f"{d / one:.2f}×", f"alone: {one:.1f} s; {spread(t_one)}"),
            ("    (d) / average cold briefing of (a)", f"{d / (a / n):.2f}×", ""),
            ("(e) peak memory of the process tree, cold build", f"{peak_e / 2**20:.0f} MiB",
             f"a run like (a), sampled every 20 ms ({t_e:.1f} s with the sampling)"),
        ]
        w = max(len(r[0]) for r in rows)
        print(f"{'measure':<{w}}  {'time / size':>12}  detail")
        for r in rows:
            print(f"{r[0]:<{w}}  {r[1]:>12}  {r[2]}")
        if touched:
            print("touched by the no-op rebuild:", ", ".join(touched[:10]))
        prob = subprocess.run([sys.executable, str(REPO / "bench" / "probability.py")], capture_output=True,
                              text=True)
        print(prob.stdout.strip() or prob.stderr.strip()[-500:])
        print(f"ratio (a)/(b) per briefing: {a / t_b:.3f}" if t_b else "ratio (a)/(b): not measured (--skip-naive)")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
