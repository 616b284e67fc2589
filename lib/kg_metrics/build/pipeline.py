"""Building briefings: plan, validate, execute and render in a pool of workers, publish atomically.

Everything runs in Python (papermill's and nbconvert's APIs), with a pool of worker processes sized to
the machine, so no CLI or import start-up is paid per step. When nothing changed, nothing is loaded
beyond what deciding that takes (no pandas, no nbconvert): see :func:`build`.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from kg_metrics import paths
from kg_metrics.build import kernels
from kg_metrics.build.jobs import (WHOLE_DATA_BRIEFINGS, Job, Result, briefing_outputs, briefing_title,
                                   estimated_seconds, plan_jobs)
from kg_metrics.build.keys import (briefing_sectors, code_inputs, data_inputs, environment_fingerprint,
                                   file_hashes, job_inputs, key_of, read_catalog)
from kg_metrics.build.manifest import is_fresh, obsolete_briefings, read_manifest, write_manifest
from kg_metrics.build.provenance import file_sha256, stamp
from kg_metrics.build.publish import Publisher
from kg_metrics.build.render import (briefing_metadata, failure_page, html_to_pdf, notebook_to_html, warm_up,
                                     write_atomic)
from kg_metrics.errors import ParameterError
from kg_metrics.text.format import LANGS


def fault_point(stage: str) -> None:
    """Test hook: ``KG_METRICS_KILL_AT=<stage>`` SIGKILLs the whole build (its process group) here.

    Stages: ``execute`` and ``render`` (in a worker), ``publish`` (staged release complete, not yet
    swapped in). Tests use it to prove that a killed build leaves the published set intact.
    """
    if os.environ.get("KG_METRICS_KILL_AT") == stage:
        os.killpg(os.getpgrp(), signal.SIGKILL)


def warm_worker() -> None:
    """Pool initializer: start this worker's kernel, and while it boots (another process) load what
    every job needs here: papermill, the HTML exporter's templates, WeasyPrint and its fonts."""
    kernels.warm_kernel()
    warm_up()


def run_job(job: Job, out_dir: str, common: dict, keep_kernel: bool = False) -> Result:
    """Execute, render and write one briefing (runs in a worker process).

    ``keep_kernel``: this worker will run another briefing after this one (see :func:`kernels.execute`;
    it matters only with fresh kernels).
    """
    import nbformat  # lazy: jsonschema and friends; imported by the workers, never on a no-op build

    t0 = time.perf_counter()
    out = Path(out_dir)
    html_path, pdf_path, nb_path = (out / rel for rel in briefing_outputs(job))
    stages: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = round(now - since, 3)
        return now

    try:
        nb = kernels.execute(job.notebook, job.parameters, keep_kernel)
        t = lap("execute", t0)
        fault_point("execute")
        nb.metadata["kg_metrics"] = briefing_metadata(job, common)
        page = notebook_to_html(nb)
        write_atomic(html_path, page)
        t = lap("html", t)
        fault_point("render")
        pdf = html_to_pdf(page)
        t = lap("pdf", t)
        nb.metadata["kg_metrics"].pop("css", None)  # the audit copy need not carry the stylesheet
        write_atomic(nb_path, nbformat.writes(nb))
        write_atomic(pdf_path, pdf)
        lap("write", t)
        return Result(job, "built", time.perf_counter() - t0, stages=stages,
                      outputs=[str(p.relative_to(out)) for p in (html_path, pdf_path, nb_path)])
    except Exception as exc:  # one briefing failing must not stop the others
        message = kernels.describe_failure(exc)
        write_atomic(html_path, failure_page(job, message, common))
        pdf_path.unlink(missing_ok=True)
        return Result(job, "failed", time.perf_counter() - t0, error=message,
                      outputs=[str(html_path.relative_to(out))])


def default_workers(n_jobs: int) -> int:
    """One worker per core, never more than there are briefings."""
    return max(1, min(os.cpu_count() or 1, n_jobs))


def run_jobs(jobs: list[Job], out_dir: Path, common: dict, workers: int | None = None,
             on_done: Callable[[Result], None] | None = None) -> list[Result]:
    """Run ``jobs`` in a pool of worker processes; results in the order of ``jobs``."""
    workers = workers or default_workers(len(jobs))
    results: dict[str, Result] = {}
    if workers == 1:
        try:
            # In this process: the kernel boots while papermill, nbconvert and WeasyPrint load.
            warm_worker()
            for i, j in enumerate(jobs):
                results[j.key] = r = run_job(j, str(out_dir), common, keep_kernel=i < len(jobs) - 1)
                if on_done:
                    on_done(r)
        finally:
            kernels.release_kernel()
    else:
        # With fresh kernels, a job that some worker will follow with another pre-starts a kernel:
        # jobs are taken in order, so that holds at least for i < n − workers.
        with ProcessPoolExecutor(max_workers=workers, initializer=warm_worker) as pool:
            futures = {pool.submit(run_job, j, str(out_dir), common, i < len(jobs) - workers): j
                       for i, j in enumerate(jobs)}
            for fut in as_completed(futures):
                j = futures[fut]
                try:
                    r = fut.result()
                except Exception as exc:  # the worker process itself died
                    r = Result(j, "failed", 0.0, error=f"worker failed: {exc!r}")
                results[j.key] = r
                if on_done:
                    on_done(r)
    return [results[j.key] for j in jobs]


def _validate_all(data: Path):
    """Load and validate every data file; raises DataError naming file, row and field."""
    from kg_metrics.data.observations import load_observations  # lazy: pandas; a no-op build validates nothing
    from kg_metrics.data.registry import load_registry  # lazy: as above

    reg = load_registry(data)
    return reg, load_observations(reg)


def _scenario_inputs(data: Path, scenario: str) -> list[Path]:
    """The files a scenario adds to every briefing's inputs ([] for plain briefings)."""
    if not scenario:
        return []
    from kg_metrics.data.scenario_files import scenario_files  # lazy: the module imports pandas

    return scenario_files(data, scenario)


def _validate_scenario(data: Path, scenario: str) -> None:
    """Validate the scenario file (raises DataError naming its file, field and line): first what needs no
    registry (a hostile file is refused without loading pandas), then the names it gives."""
    from kg_metrics.data.scenario_files import check_scenario_file, load_scenario  # lazy: pydantic; plain builds need none

    try:
        convention = read_catalog(data)["decimal_convention"]
    except Exception:  # a catalog that cannot be read: the full load below names file and field
        convention = None
    if convention in LANGS:
        check_scenario_file(data, scenario, convention)
    from kg_metrics.data.registry import load_registry  # lazy: pandas; a plain build reads no scenario

    load_scenario(scenario, data, load_registry(data))


def _progress(todo: list[Job]):
    """A progress bar for ``todo``; disable=None: drawn on a terminal only, while logs (cron, CI) get
    the one line per briefing that :func:`build` writes through it."""
    from tqdm import tqdm  # lazy: ~15 ms; a no-op build shows no bar

    return tqdm(total=len(todo), desc="briefings", unit="briefing", leave=True, disable=None)


def build(out_dir: Path | str | None = None, sectors: list[str] | None = None, langs: tuple[str, ...] = LANGS,
          data_dir: str = "", as_of: str = "2024-07-18", workers: int | None = None, progress: bool = True,
          overview: bool | None = None, force: bool = False, wait_seconds: float = 600,
          scenario: str = "") -> list[Result]:
    """Build the chosen briefings, in ``langs`` (default every language, Vietnamese first), and the index into
    ``out_dir`` (default ``outputs/``), incrementally.

    Only briefings whose inputs changed are rebuilt (``force`` rebuilds all); when nothing
    changed, nothing is written. Bad data or parameters raise before any kernel starts.
    The new set is published atomically; one build runs at a time (:class:`publish.Locked`).
    """
    out = Path(out_dir) if out_dir else paths.OUTPUTS_DIR
    data = Path(data_dir).absolute() if data_dir else paths.default_data_dir()  # kernels run in another folder
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ParameterError(f"workers must be a whole number of at least 1, not {workers!r}")
    if not 0 <= wait_seconds < float("inf"):  # NaN fails too
        raise ParameterError(f"the lock wait must be a number of seconds of at least 0, not {wait_seconds!r}")
    want_overview = (not sectors) if overview is None else overview
    try:
        known = briefing_sectors(data)
        jobs = plan_jobs(data, known, sectors, langs, as_of, want_overview, scenario)
    except ParameterError:
        raise
    except Exception:
        # The cheap read could not make sense of the data: let the full validation say why,
        # naming file, row and field (it raises DataError); anything else is a real bug.
        _validate_all(data)
        raise
    if scenario:  # the scenario file in full, here: a bad one stops the build before a kernel starts (exit 2)
        _validate_scenario(data, scenario)
    for j in jobs:
        j.parameters["data_dir"] = str(data) if data_dir else ""
    pub = Publisher(out, lang=langs[0])  # refuses (exit 2, in the reader's language) an --out that is not ours
    with pub.lock(wait_seconds):
        pub.clean_stale()
        current = pub.current()
        manifest = read_manifest(current)
        try:
            extra_files = _scenario_inputs(data, scenario)
            code = code_inputs()  # listed once: the same for every briefing
            inputs = {j.key: job_inputs(j.notebook, j.parameters, data,
                                        None if j.name in WHOLE_DATA_BRIEFINGS else j.name, extra_files, code)
                      for j in jobs}
        except Exception:
            _validate_all(data)
            raise
        keys = {k: key_of(v) for k, v in inputs.items()}
        index_inputs = {"files": file_hashes(data_inputs(data, None) + code),
                        "environment": environment_fingerprint(), "as_of": as_of, "lang": langs[0]}
        index_key = key_of(index_inputs)
        todo = [j for j in jobs if force or not is_fresh(j, keys[j.key], manifest, current)]
        # The index lists every briefing of the release: rebuilt whenever one is rebuilt, its inputs change, or one
        # of its outputs (the page, the status table's downloads) is missing.
        index_fresh = (not todo and current is not None and manifest.get("index", {}).get("key") == index_key
                       and all((current / rel).exists() for rel in manifest["index"].get("outputs") or ["index.html"]))
        obsolete = obsolete_briefings(manifest, known)
        if not todo and index_fresh and not obsolete:
            return [Result(j, "unchanged", 0.0) for j in jobs]

        # Validate everything before a kernel starts: bad input must leave outputs untouched.
        reg, obs = _validate_all(data)
        from kg_metrics.build.index import write_index  # lazy: pandas (the status table); only builds with work

        todo = [dataclasses.replace(j, title=briefing_title(j.name, j.lang, reg)) for j in todo]
        common = stamp(reg, as_of)
        staging = pub.stage()
        for key in obsolete:  # out of the new release and its manifest (earlier releases keep them)
            for rel in manifest["briefings"].pop(key).get("outputs", {}):
                (staging / rel).unlink(missing_ok=True)
        bar = _progress(todo) if progress and todo else None

        def done(r: Result) -> None:
            if bar is not None:
                bar.update(1)
                bar.write(f"{'built ' if r.status == 'built' else 'FAILED'} {r.job.key:<24} {r.seconds:5.1f} s"
                          + (f"  {r.error.splitlines()[0]}" if r.error else ""))

        # Longest first (last run's timings, else an estimate): with a pool, the short briefings then
        # fill the gaps at the end instead of one long one running alone.
        previous = manifest.get("briefings", {})
        todo.sort(key=lambda j: -(previous.get(j.key, {}).get("seconds") or estimated_seconds(j, reg)))
        results = {r.job.key: r for r in run_jobs(todo, staging, common, workers, done)} if todo else {}
        if bar is not None:
            bar.close()
        for r in results.values():
            manifest.setdefault("briefings", {})[r.job.key] = {
                "key": keys[r.job.key], "status": r.status, "seconds": round(r.seconds, 3),
                "name": r.job.name, "notebook": r.job.notebook, "lang": r.job.lang,
                "built_at": common["build_time"], "commit": common["commit"],
                "parameters": r.job.parameters, "inputs": inputs[r.job.key],
                "outputs": {o: file_sha256(staging / o) for o in r.outputs if (staging / o).exists()},
                "error": r.error}
        # the page and the status table's downloads (CSV, XLSX) beside it: published and verified together
        index_files = write_index(staging, reg, obs, common, lang=langs[0])
        manifest["index"] = {"key": index_key, "inputs": index_inputs, "built_at": common["build_time"],
                             "outputs": {str(p.relative_to(staging)): file_sha256(p) for p in index_files}}
        manifest["build"] = {k: common[k] for k in ("build_time", "commit", "data_checksum", "versions")}
        write_manifest(staging, manifest)
        pub.publish(staging, before_swap=lambda: fault_point("publish"))
        all_results = [results.get(j.key) or Result(j, "unchanged", 0.0) for j in jobs]
        pub.log([{"time": common["build_time"], "briefing": r.job.key, "status": r.status,
                  "seconds": round(r.seconds, 3), "stages": r.stages, "key": keys[r.job.key],
                  "inputs": inputs[r.job.key]["files"], "error": r.error} for r in all_results]
                + [{"time": common["build_time"], "briefing": key, "status": "removed", "seconds": 0.0, "stages": {},
                    "key": "", "inputs": {}, "error": "its notebook or sector no longer exists"} for key in obsolete])
        return all_results
