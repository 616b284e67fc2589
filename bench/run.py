"""Benchmarks for the build, measured side by side in one run on this machine (`make bench`).

(a) cold build of every briefing through `kg-metrics build` (the code path of `make briefings`);
(b) the naive chain on the same notebooks: papermill CLI → `jupyter nbconvert` CLI → weasyprint CLI,
    one briefing after another; and the ratio (a)/(b) per briefing;
(c) a no-op rebuild (and whether any output file's mtime changed);
(d) a rebuild after changing one sector's data (which briefings were rebuilt), against one cold
    briefing: the average of (a), and that sector's briefing built cold on its own;
(e) peak memory (RSS summed over the whole process tree) during (a);
then the probability benchmark (bench/probability.py). The last line is the ratio (a)/(b).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_measured(cmd: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run ``cmd``; return (seconds, peak RSS of its whole process tree in bytes, result)."""
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    stop = threading.Event()

    def sample() -> None:
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

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    stop.set()
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-naive", action="store_true", help="skip (b), the slow naive chain")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "lib"))
    from kg_metrics.deps import sector_ids

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        data = tmp / "data"
        shutil.copytree(REPO / "data", data)
        out = tmp / "outputs"
        kg = [str(BIN / "kg-metrics"), "--data-dir", str(data), "build", "--quiet", "--out", str(out)]
        sectors = [s for s in sector_ids(data) if s != "economy"]

        t_a, peak_a, _ = run_measured(kg)
        n = log_len(out)  # briefings of a full build (the overview, the backtest page, every sector)
        jobs = [("overview.ipynb", {"lang": "vi", "data_dir": str(data)}),
                ("backtest.ipynb", {"lang": "vi", "data_dir": str(data)})] + \
               [("sector.ipynb", {"sector": s, "lang": "vi", "data_dir": str(data)}) for s in sectors]
        t_b = None
        if not args.skip_naive:
            work = tmp / "naive"
            work.mkdir()
            t_b = naive_chain(jobs, work)

        before = mtimes(out)
        t_c, _, _ = run_measured(kg)
        touched = sorted(k for k, v in mtimes(out).items() if before.get(k) != v)

        tourism = data / "observations" / "tourism.csv"
        tourism.write_text(tourism.read_text(encoding="utf-8").replace(",Sở Du lịch\n", ",Sở Du lịch (bench edit)\n", 1),
                           encoding="utf-8")
        mark = log_len(out)
        t_d, _, _ = run_measured(kg)
        rebuilt = built_keys(out, mark)
        t_one, _, _ = run_measured([str(BIN / "kg-metrics"), "--data-dir", str(data), "build", "--quiet",
                                    "--out", str(tmp / "one"), "--sector", "tourism"])

        rows = [
            ("(a) cold build, all briefings", f"{t_a:.1f} s", f"{t_a / n:.2f} s per briefing ({n} briefings)"),
            ("(b) naive CLI chain, same briefings", f"{t_b:.1f} s" if t_b else "skipped",
             f"{t_b / n:.2f} s per briefing" if t_b else ""),
            ("(c) no-op rebuild", f"{t_c:.2f} s", f"{len(touched)} output files touched"),
            ("(d) rebuild after one sector's data changed", f"{t_d:.1f} s",
             f"rebuilt: {', '.join(rebuilt) or 'nothing'} + index"),
            ("    (d) / average cold briefing of (a)", f"{t_d / (t_a / n):.2f}×", ""),
            ("    (d) / tourism briefing built cold alone", f"{t_d / t_one:.2f}×", f"alone: {t_one:.1f} s"),
            ("(e) peak memory of the process tree during (a)", f"{peak_a / 2**20:.0f} MiB", ""),
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
        print(f"ratio (a)/(b) per briefing: {t_a / t_b:.3f}" if t_b else "ratio (a)/(b): not measured (--skip-naive)")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
