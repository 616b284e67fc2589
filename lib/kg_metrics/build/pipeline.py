"""Building briefings: execute notebooks with papermill, render HTML and PDF, write the index.

Everything runs in Python (papermill's and nbconvert's APIs), with a pool of worker
processes sized to the machine, so no CLI or import start-up is paid per step.
"""
from __future__ import annotations

import html
import logging
import os
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import json

from kg_metrics.build.keys import code_inputs, data_inputs, environment_fingerprint, file_hashes, job_inputs, key_of, sector_ids
from kg_metrics.errors import ParameterError
from kg_metrics import paths
from kg_metrics.build.provenance import file_sha256, git_commit, now_iso, package_versions, tree_sha256
from kg_metrics.build.publish import Publisher
from kg_metrics.build.render import CSP, LABELS, css, html_to_pdf, notebook_to_html, write_atomic


# jsonschema imports the optional `rfc3987_syntax` (installed with jupyterlab) for its "iri" format
# check, and building that module's grammar costs ~1.2 s in every process that imports nbformat,
# papermill or nbconvert. No schema here uses "iri"; jsonschema skips the check on ImportError.
# Measured: `import nbconvert, papermill, weasyprint` 2.26 s -> 1.03 s. Workers inherit this (fork).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
#: Attempts per briefing when the kernel fails to start (port races under parallel start-up) or
#: stops answering (a cell timing out); each new attempt gets a fresh kernel.
KERNEL_START_ATTEMPTS = 3
#: Seconds a notebook cell may run (ours take under 2 s): a stuck kernel fails the briefing instead
#: of hanging an unattended build.
CELL_TIMEOUT_S = 120

AUTHORITY = {"vi": "Hội đồng nhân dân tỉnh Kiên Giang", "en": "Kiên Giang Provincial People's Council"}
KIND = {"vi": "Báo cáo phân tích chỉ tiêu Nghị quyết giữa năm 2024", "en": "Briefing on the mid-year 2024 resolution"}
PERIOD = {"vi": "6 tháng cuối năm và cả năm 2024", "en": "H2 and full year 2024"}
OVERVIEW_TITLE = {"vi": "Tổng quan", "en": "Overview"}
BACKTEST_TITLE = {"vi": "Đối chiếu với kết quả thực hiện năm 2024", "en": "Backtest against the 2024 outturn"}
#: Briefings that read every data file (not one sector's), with their titles. The backtest is the last
#: part of the overview (it too reads every sector's data), so one sector's change rebuilds one more
#: briefing, the overview, and no third one; the index links to it as a page of its own.
WHOLE_DATA_BRIEFINGS = {"overview": OVERVIEW_TITLE}
INDEX_LABELS = {
    "vi": dict(title="Bản tin phân tích Nghị quyết HĐND tỉnh Kiên Giang, 18/7/2024", authority=AUTHORITY["vi"],
               built="Thời điểm tạo", vintage="Số liệu đến ngày", as_of="Đánh giá tại ngày", commit="Phiên bản mã",
               briefings="Các bản tin", briefing="Bản tin", failed="Lỗi khi tạo", details="chi tiết",
               scenario="Kịch bản", status_table="Tình trạng các chỉ tiêu", sector="Lĩnh vực", indicator="Chỉ tiêu",
               period="Kỳ", target="Mục tiêu", status="Tình trạng", reason="Lý do", provenance="Nguồn gốc",
               checksum="Tổng kiểm dữ liệu (SHA-256)", versions="Phiên bản gói"),
    "en": dict(title="Briefings on Kiên Giang's People's Council resolution of 18 July 2024",
               authority=AUTHORITY["en"], built="Built", vintage="Data up to", as_of="Assessed as of",
               commit="Code version", briefings="Briefings", briefing="Briefing", failed="Build failed",
               details="details", scenario="Scenario", status_table="Status of every target", sector="Sector",
               indicator="Indicator", period="Period", target="Target", status="Status", reason="Reason",
               provenance="Provenance", checksum="Data checksum (SHA-256)", versions="Package versions"),
}


@dataclass(frozen=True)
class Job:
    """One briefing to build: a notebook, its parameters and where its outputs go."""

    name: str  # "overview" or a sector id
    notebook: str  # file name in notebooks/
    lang: str
    parameters: dict
    title: str
    scenario: str = ""  # a scenario name in data/scenarios, or "" for the plain briefing

    @property
    def prefix(self) -> str:
        """Where this briefing's files go inside a release: '' or 'scenarios/<name>/'."""
        return f"scenarios/{self.scenario}/" if self.scenario else ""

    @property
    def key(self) -> str:
        return f"{self.prefix}{self.lang}/{self.name}"


@dataclass
class Result:
    job: Job
    status: str  # "built" or "failed"
    seconds: float
    error: str = ""
    outputs: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage: execute, html, pdf, write


def stamp(reg, as_of: str) -> dict:
    """Provenance shared by every briefing of one build."""
    sha, dirty = git_commit()
    return {
        "commit": sha + (" (uncommitted changes)" if dirty else ""),
        "data_checksum": tree_sha256(reg.data_dir),
        "build_time": now_iso(),
        "versions": package_versions(),
        "vintage": reg.catalog.vintage,
        "resolution_date": reg.catalog.resolution_date,
        "resolution_vi": reg.catalog.resolution_title_vi,
        "resolution_en": reg.catalog.resolution_title_en,
        "as_of": as_of,
    }


def _long_date(iso: str, lang: str) -> str:
    """An ISO date as the language writes it in full (18 tháng 7, 2024 / 18 July 2024), via Babel."""
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso), format="long", locale="vi_VN" if lang == "vi" else "en_GB")


def _metadata(job: Job, common: dict) -> dict:
    lang = job.lang
    d = lambda iso: _long_date(iso, lang)  # noqa: E731
    res = common[f"resolution_{lang}"] + (f", {d(common['resolution_date'])}")
    params = ", ".join(f"{k}={v!r}" for k, v in job.parameters.items() if v != "")
    return {
        "lang": lang, "title": job.title, "authority": AUTHORITY[lang], "kind": KIND[lang], "period": PERIOD[lang],
        "resolution": res, "as_of": d(common["as_of"]), "vintage": d(common["vintage"]),
        "labels": LABELS[lang], "commit": common["commit"], "data_checksum": common["data_checksum"],
        "build_time": common["build_time"], "versions": common["versions"], "notebook": f"notebooks/{job.notebook}",
        "parameters_text": f"({params})", "css": css(), "csp": CSP, "scenario": job.scenario,
    }


def fault_point(stage: str) -> None:
    """Test hook: ``KG_METRICS_KILL_AT=<stage>`` SIGKILLs the whole build (its process group) here.

    Stages: ``execute`` and ``render`` (in a worker), ``publish`` (staged release complete, not yet
    swapped in). Tests use it to prove that a killed build leaves the published set intact.
    """
    if os.environ.get("KG_METRICS_KILL_AT") == stage:
        import signal

        os.killpg(os.getpgrp(), signal.SIGKILL)


#: Imported into each new kernel as soon as it starts, before any notebook reaches it.
WARM_UP_CODE = "import kg_metrics.report.briefing, kg_metrics.report.backtest"
#: Run in a kept kernel as soon as a briefing is done, so that it overlaps that briefing's rendering:
#: an empty user namespace, the execution counter back at 1, matplotlib's defaults restored. Library
#: modules stay imported, which is the point. ``shell.reset`` is what ``%reset -f`` runs, without the
#: magic's closing ``gc.collect()`` (0.07 s of the 0.11 s here; the collector still runs on its own).
RESET_CODE = ("get_ipython().reset(new_session=False)\n"
              "import matplotlib as _m; _m.rcdefaults(); del _m\n"
              "get_ipython().execution_count = 1")
#: Briefings one kernel may serve before it is replaced anyway (bounds any slow leak).
KERNEL_REUSE_LIMIT = 12

_kernel = None  # this worker's kernel (a jupyter_client KernelManager), kept between briefings
_kernel_uses = 0


def reuse_kernels() -> bool:
    """Whether workers keep one kernel across briefings (default) or start one per briefing.

    ``KG_METRICS_FRESH_KERNELS=1`` asks for a fresh kernel per briefing: slower, fully isolated.
    """
    return os.environ.get("KG_METRICS_FRESH_KERNELS", "") not in ("1", "true", "yes")


def _send(km, code: str) -> None:
    """Queue ``code`` in the kernel without waiting for it to run; it runs before anything sent later.

    Through one client per kernel, open as long as the kernel is: a client closed right after sending
    drops what zmq has not yet delivered (jupyter_client closes its sockets with linger=0), which once
    made the warm-up import and the reset between briefings silently never run.
    """
    from jupyter_client.blocking import BlockingKernelClient

    kc = getattr(km, "kg_metrics_sender", None)
    if kc is None:
        kc = BlockingKernelClient()
        kc.load_connection_info(km.get_connection_info())
        # The shell channel only: no heartbeat thread to outlive the kernel.
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        km.kg_metrics_sender = kc
    while kc.shell_channel.msg_ready():  # the replies to earlier requests, unread: drop them
        kc.shell_channel.get_msg(timeout=0)
    kc.execute(code, silent=True, store_history=False)


def _start_kernel():
    """Start a kernel and queue the library import in it; returns without waiting for either."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    # papermill (nbclient) drives the kernel asynchronously; give it an async client class.
    km.client_class = "kg_metrics.build.kernel_client.ReadyClient"
    # The kernel's own log lines (transport warnings, shutdown chatter) would drown the build's
    # messages; notebook errors reach us through papermill, not through the kernel's stderr.
    # No IPython history: a build's cells need no record in ~/.ipython, and the SQLite history costs
    # a kernel 0.25 s of CPU to start (measured: 1.37 -> 1.12 s to start and import the library).
    km.start_kernel(cwd=str(paths.NOTEBOOKS_DIR), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    extra_arguments=["--HistoryManager.enabled=False"])
    _send(km, WARM_UP_CODE)
    return km


def _stop_kernel(km) -> None:
    kc = getattr(km, "kg_metrics_sender", None)
    if kc is not None:
        km.kg_metrics_sender = None
        kc.stop_channels()
        kc.context.destroy(linger=0)  # the client made its own zmq context
    try:
        km.shutdown_kernel(now=True)
    except Exception:
        pass


_ENGINE = "kg_metrics"


def _register_engine() -> None:
    """A papermill engine that stops its kernel client after each notebook.

    Written by hand because neither papermill nor nbclient does it when the caller owns the kernel
    manager (nbclient's ``owns_km`` is False, so its client, sockets and heartbeat thread stay open).
    A long-lived process building many briefings ran out of file descriptors without this.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    if _ENGINE in papermill_engines._engines:
        return

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                             log_output=log_output, stdout_file=stdout_file,
                                             stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(_ENGINE, Engine)


def _release_kernel() -> None:
    """Stop this process's kept kernel, if any (end of a build, or a worker's exit)."""
    global _kernel, _kernel_uses
    km, _kernel, _kernel_uses = _kernel, None, 0
    if km is not None:
        _stop_kernel(km)


def warm_worker() -> None:
    """Pool initializer: start this worker's kernel, and while it boots (another process) load what
    every job needs here: papermill, the HTML exporter's templates, WeasyPrint and its fonts.

    The kernel is kept until the worker exits (or :func:`_release_kernel`): pool workers end through
    ``os._exit``, which skips ``atexit``, so the stop is a multiprocessing finalizer, which they do run.
    """
    import multiprocessing
    from multiprocessing import util

    global _kernel, _kernel_uses
    if _kernel is None:
        try:
            _kernel, _kernel_uses = _start_kernel(), 0
        except Exception:  # a failed warm start only costs time: the job starts its own kernel
            _kernel = None
    if multiprocessing.parent_process() is not None:  # a pool worker (in-process builds release it themselves)
        util.Finalize(None, _release_kernel, exitpriority=10)
    import nbformat
    import papermill  # noqa: F401

    # One tiny notebook through both renderers: templates, Markdown and fonts are loaded here, not
    # in the first briefing (measured: its HTML step 0.25 s -> 0.05 s).
    tiny = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": "# Kiên Giang *6,56%*", "text/html": "<p>6,56%</p>"})])])
    html_to_pdf(notebook_to_html(tiny))


def _take_kernel():
    """This worker's kernel, reset for a new briefing, or a new one."""
    global _kernel, _kernel_uses
    km, _kernel = _kernel, None
    if km is not None and (not km.is_alive() or not reuse_kernels() or _kernel_uses >= KERNEL_REUSE_LIMIT):
        _stop_kernel(km)
        km = None
    if km is None:
        _kernel_uses = 0
        return _start_kernel()
    return km  # reset already queued by _execute when the previous briefing finished


def _execute(job: Job, keep_kernel: bool = False):
    """Run the job's notebook with papermill on this worker's kernel (see :func:`reuse_kernels`).

    The kernel is kept for the worker's next briefing (reset in between), whoever that is: a pool
    does not say which worker gets which job. With fresh kernels (``KG_METRICS_FRESH_KERNELS=1``)
    it is stopped, and ``keep_kernel`` (more briefings will follow here) pre-starts the next one
    so that it boots while this briefing renders. A kernel that fails to start (port races under
    parallel start-up) is retried; after a failed notebook the kernel is discarded, never reused.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    global _kernel, _kernel_uses
    last: Exception | None = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        km = None
        try:
            km = _take_kernel()
            _register_engine()
            nb = pm.execute_notebook(str(paths.NOTEBOOKS_DIR / job.notebook), None, parameters=job.parameters,
                                     engine_name=_ENGINE, kernel_name="python3", progress_bar=False,
                                     log_output=False, cwd=str(paths.NOTEBOOKS_DIR), km=km,
                                     execution_timeout=CELL_TIMEOUT_S)
            if reuse_kernels():
                _send(km, RESET_CODE)  # runs in the kernel while this briefing renders
                _kernel, _kernel_uses = km, _kernel_uses + 1
            else:
                _stop_kernel(km)
                if keep_kernel:
                    _kernel, _kernel_uses = _start_kernel(), 0
            return nb
        except PapermillExecutionError:
            if km is not None:
                _stop_kernel(km)
            raise  # the notebook itself failed: retrying would fail the same way
        except (RuntimeError, TimeoutError, OSError) as exc:  # kernel died or did not start in time
            if km is not None:
                _stop_kernel(km)
            last = exc
            time.sleep(0.2 * attempt)
    raise RuntimeError(f"the kernel did not start after {KERNEL_START_ATTEMPTS} attempts: {last}")


def run_job(job: Job, out_dir: str, common: dict, keep_kernel: bool = False) -> Result:
    """Execute, render and write one briefing (runs in a worker process).

    ``keep_kernel``: this worker will run another briefing after this one (see :func:`_execute`;
    it matters only with fresh kernels).
    """
    import nbformat

    t0 = time.perf_counter()
    out = Path(out_dir)
    html_path, pdf_path, nb_path = (out / rel for rel in briefing_outputs(job))
    stages: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = round(now - since, 3)
        return now

    try:
        nb = _execute(job, keep_kernel)
        t = lap("execute", t0)
        fault_point("execute")
        nb.metadata["kg_metrics"] = _metadata(job, common)
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
        message = _describe_failure(exc)
        write_atomic(html_path, failure_page(job, message, common))
        pdf_path.unlink(missing_ok=True)
        return Result(job, "failed", time.perf_counter() - t0, error=message,
                      outputs=[str(html_path.relative_to(out))])


def _describe_failure(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return (f"cell {exc.cell_index} (execution {exc.exec_count}) raised {exc.ename}: {exc.evalue}\n"
                f"--- cell source ---\n{exc.source}")
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def failure_page(job: Job, message: str, common: dict) -> str:
    """A clearly marked page standing in for a briefing that failed to build."""
    title = {"vi": "Không tạo được bản tin", "en": "This briefing could not be built"}[job.lang]
    return (f'<!DOCTYPE html><html lang="{job.lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{html.escape(title)}</title>'
            f"<style>{css()}</style></head><body><header class=\"cover\"><div class=\"cover-authority\">"
            f"{AUTHORITY[job.lang]}</div><h1 class=\"cover-title\">{html.escape(job.title)}</h1></header>"
            f'<main><div class="cell-error"><strong>{html.escape(title)}</strong>'
            f"<p>notebooks/{html.escape(job.notebook)} {html.escape(repr(job.parameters))}</p>"
            f"<pre>{html.escape(message)}</pre></div></main>"
            f'<footer class="provenance">{html.escape(common.get("build_time", ""))} · '
            f'{html.escape(common.get("commit", ""))}</footer></body></html>')


def estimated_seconds(job: Job, reg) -> float:
    """A briefing's build time before it has been timed: charts and tables grow with its targets.

    Only the order of jobs depends on it. Fitted by eye to one cold build here (agriculture, 9 targets:
    4.0 s; tourism, 4: 2.8 s; a sector without targets: 0.7 s; the overview, every target: 4.3 s).
    """
    targets = reg.targets if job.name == "overview" else reg.targets[reg.targets["sector"] == job.name]
    return 0.7 + (0.16 if job.name == "overview" else 0.35) * len(targets)


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
            _release_kernel()
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


def write_index(out_dir: Path, reg, obs, common: dict, lang: str = "vi") -> Path:
    """``outputs/index.html``: every briefing found in ``out_dir``, the status table, build time, vintage."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from kg_metrics.analysis.assessment import assess_targets, summary_rows
    from kg_metrics.analysis.backtest import ANCHOR as BACKTEST_ANCHOR

    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES_DIR)),
                      autoescape=select_autoescape(["html", "j2"]))
    langs = sorted({p.parent.name for p in out_dir.glob("*/*.html") if p.parent.name in ("vi", "en")},
                   key=lambda x: (x != "vi", x)) or [lang]
    names = ["overview"] + [s for s in reg.sector_ids if s != "economy"]
    rows = []
    for n in names:
        by = {}
        for lg in langs:
            h = out_dir / lg / f"{n}.html"
            if h.exists():
                failed = not (out_dir / lg / f"{n}.pdf").exists()
                by[lg] = {"html": f"{lg}/{n}.html", "pdf": f"{lg}/{n}.pdf", "failed": failed}
        if by:
            title = WHOLE_DATA_BRIEFINGS[n][lang] if n in WHOLE_DATA_BRIEFINGS else reg.sector_name(n, lang)
            rows.append({"name": n, "title": title, "by_lang": by})
    failures = [{"title": r["title"] + f" ({lg})", "href": b["html"]} for r in rows for lg, b in r["by_lang"].items()
                if b["failed"]]
    overview = next((r for r in rows if r["name"] == "overview"), None)
    if overview is not None:  # the backtest, the overview's last part, listed as a page of its own
        rows.append({"name": "backtest", "title": BACKTEST_TITLE[lang], "by_lang": {
            lg: {**b, "html": f"{b['html']}#{BACKTEST_ANCHOR}", "pdf": f"{b['pdf']}#{BACKTEST_ANCHOR}"}
            for lg, b in overview["by_lang"].items() if not b["failed"]}})
    scenario_groups = []
    for d in sorted((out_dir / "scenarios").glob("*")) if (out_dir / "scenarios").exists() else []:
        items = [{"title": (WHOLE_DATA_BRIEFINGS[p.stem][lang] if p.stem in WHOLE_DATA_BRIEFINGS
                            else reg.sector_name(p.stem, lang)) + f" ({p.parent.name})",
                  "html": f"scenarios/{d.name}/{p.parent.name}/{p.name}",
                  "pdf": f"scenarios/{d.name}/{p.parent.name}/{p.stem}.pdf"} for p in sorted(d.glob("*/*.html"))]
        if items:
            scenario_groups.append({"name": d.name, "briefings": items})
    targets = summary_rows(assess_targets(reg, obs, as_of=common["as_of"], lang=lang), reg, lang)
    page = env.get_template("index.html.j2").render(
        lang=lang, L=INDEX_LABELS[lang], csp=CSP, css=css(), build_time=common["build_time"],
        vintage=_long_date(common["vintage"], lang), as_of=_long_date(common["as_of"], lang), commit=common["commit"],
        resolution=common[f"resolution_{lang}"], langs=langs, briefings=rows, failures=failures,
        scenario_groups=scenario_groups, targets=targets, data_checksum=common["data_checksum"],
        versions=common["versions"])
    path = out_dir / "index.html"
    write_atomic(path, page)
    return path


MANIFEST = "manifest.json"


def load_build_params(path: Path | str) -> dict:
    """Read a YAML file of build parameters (for scheduled runs); DataError names the file and field.

    Keys (all optional): ``sectors`` (list of sector ids), ``langs`` (list of 'vi'/'en'),
    ``as_of`` (ISO date), ``overview`` (bool), ``force`` (bool).
    """
    from datetime import date

    from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

    from kg_metrics.errors import DataError, DataProblem
    from kg_metrics.data.registry import load_yaml

    class BuildParams(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        sectors: list[str] | None = None
        langs: list[str] = ["vi"]
        as_of: str = "2024-07-18"
        overview: bool | None = None
        force: bool = False

        @field_validator("langs")
        @classmethod
        def _langs(cls, v: list[str]) -> list[str]:
            bad = [x for x in v if x not in ("vi", "en")]
            if bad or not v:
                raise ValueError(f"languages must be 'vi' or 'en' (got {bad or v})")
            return v

        @field_validator("as_of", mode="before")
        @classmethod
        def _as_of(cls, v):
            if isinstance(v, date):  # YAML reads an unquoted 2024-07-18 as a date
                v = v.isoformat()
            if not isinstance(v, str):
                raise ValueError("must be an ISO date such as 2024-07-18")
            date.fromisoformat(v)
            return v

    shown = str(path)
    raw = load_yaml(Path(path), shown)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping of parameter names to values")])
    try:
        return BuildParams.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, ") + f" (got {e.get('input')!r})",
                                     field=".".join(map(str, e["loc"]))) for e in exc.errors()]) from None


def _validate_all(data: Path):
    """Load and validate every data file; raises DataError naming file, row and field."""
    from kg_metrics.data.observations import load_observations
    from kg_metrics.data.registry import load_registry

    reg = load_registry(data)
    return reg, load_observations(reg)


def briefing_outputs(job: Job) -> list[str]:
    """Paths (relative to a release) that a built briefing consists of: HTML, PDF, executed notebook."""
    p = job.prefix
    return [f"{p}{job.lang}/{job.name}.html", f"{p}{job.lang}/{job.name}.pdf",
            f"{p}notebooks/{job.lang}/{job.name}.ipynb"]


def read_manifest(release: Path | None) -> dict:
    if release is None or not (release / MANIFEST).exists():
        return {"briefings": {}, "index": {}}
    try:
        return json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"briefings": {}, "index": {}}  # unreadable: rebuild everything


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
        if not nb or not (paths.NOTEBOOKS_DIR / nb).exists() or (nb == "sector.ipynb" and entry.get("name") not in sectors):
            gone.append(key)
    return gone


def plan_light(data_dir: Path, known: list[str], sectors: list[str] | None, langs: tuple[str, ...], as_of: str,
               overview: bool, scenario: str = "") -> list[Job]:
    """The jobs to consider; ``known``: the sector ids from a cheap read of sectors.csv
    (:func:`kg_metrics.build.keys.sector_ids`; everything is validated in full before any work)."""
    from kg_metrics.data.params import validate_parameters

    chosen = [s for s in known if s != "economy"] if not sectors else list(sectors)
    unknown = [s for s in chosen if s not in known or s == "economy"]
    if unknown:
        raise ParameterError(f"unknown sector(s) {', '.join(map(repr, unknown))}; valid: "
                             + ", ".join(s for s in known if s != "economy"))
    if scenario:
        from kg_metrics.data.scenario_files import scenario_files

        scenario_files(data_dir, scenario)  # raises ParameterError listing the scenarios there are
    extra = {"scenario": scenario} if scenario else {}  # plain briefings keep their parameters (and keys)
    jobs = []
    for lang in langs:
        validate_parameters(None, lang, "", as_of, notebook="overview")  # type and value checks, no data load
        if overview:
            jobs.append(Job("overview", "overview.ipynb", lang,
                            {"lang": lang, "data_dir": "", "as_of": as_of, **extra}, "", scenario))
        for sec in chosen:
            jobs.append(Job(sec, "sector.ipynb", lang,
                            {"sector": sec, "lang": lang, "data_dir": "", "as_of": as_of, **extra}, "", scenario))
    return jobs


def build(out_dir: Path | str | None = None, sectors: list[str] | None = None, langs: tuple[str, ...] = ("vi",),
          data_dir: str = "", as_of: str = "2024-07-18", workers: int | None = None, progress: bool = True,
          overview: bool | None = None, force: bool = False, wait_seconds: float = 600,
          scenario: str = "") -> list[Result]:
    """Build the chosen briefings and the index into ``out_dir`` (default ``outputs/``), incrementally.

    Only briefings whose inputs changed are rebuilt (``force`` rebuilds all); when nothing
    changed, nothing is written. Bad data or parameters raise before any kernel starts.
    The new set is published atomically; one build runs at a time (:class:`publish.Locked`).
    """
    out = Path(out_dir) if out_dir else paths.OUTPUTS_DIR
    data = Path(data_dir) if data_dir else paths.default_data_dir()
    want_overview = (not sectors) if overview is None else overview
    try:
        known = sector_ids(data)
        jobs = plan_light(data, known, sectors, langs, as_of, want_overview, scenario)
    except ParameterError:
        raise
    except Exception:
        # The cheap read could not make sense of the data: let the full validation say why,
        # naming file, row and field (it raises DataError); anything else is a real bug.
        _validate_all(data)
        raise
    for j in jobs:
        j.parameters["data_dir"] = str(data) if data_dir else ""
    pub = Publisher(out)
    with pub.lock(wait_seconds):
        pub.clean_stale()
        current = pub.current()
        manifest = read_manifest(current)
        try:
            extra_files = []
            if scenario:
                from kg_metrics.data.scenario_files import scenario_files

                extra_files = scenario_files(data, scenario)
            inputs = {j.key: job_inputs(j.notebook, j.parameters, data,
                                        None if j.name in WHOLE_DATA_BRIEFINGS else j.name, extra_files)
                      for j in jobs}
        except Exception:
            _validate_all(data)
            raise
        keys = {k: key_of(v) for k, v in inputs.items()}
        index_inputs = {"files": file_hashes(data_inputs(data, None) + code_inputs()),
                        "environment": environment_fingerprint(), "as_of": as_of, "lang": langs[0]}
        index_key = key_of(index_inputs)
        todo = [j for j in jobs if force or not is_fresh(j, keys[j.key], manifest, current)]
        # The index lists every briefing of the release: rebuilt whenever one is rebuilt, or its inputs change.
        index_fresh = (not todo and current is not None and manifest.get("index", {}).get("key") == index_key
                       and (current / "index.html").exists())
        obsolete = obsolete_briefings(manifest, known)
        if not todo and index_fresh and not obsolete:
            return [Result(j, "unchanged", 0.0) for j in jobs]

        # Validate everything before a kernel starts: bad input must leave outputs untouched.
        reg, obs = _validate_all(data)
        todo = [Job(j.name, j.notebook, j.lang, j.parameters,
                    WHOLE_DATA_BRIEFINGS[j.name][j.lang] if j.name in WHOLE_DATA_BRIEFINGS
                    else reg.sector_name(j.name, j.lang), j.scenario)
                for j in todo]
        common = stamp(reg, as_of)
        staging = pub.stage()
        for key in obsolete:  # out of the new release and its manifest (earlier releases keep them)
            for rel in manifest["briefings"].pop(key).get("outputs", {}):
                (staging / rel).unlink(missing_ok=True)
        bar = None
        if progress and todo:
            from tqdm import tqdm

            # disable=None: a bar on a terminal only; logs (cron, CI) get the one line per briefing below.
            bar = tqdm(total=len(todo), desc="briefings", unit="briefing", leave=True, disable=None)

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
            entry = {"key": keys[r.job.key], "status": r.status, "seconds": round(r.seconds, 3),
                     "name": r.job.name, "notebook": r.job.notebook, "lang": r.job.lang,
                     "built_at": common["build_time"], "commit": common["commit"],
                     "parameters": r.job.parameters, "inputs": inputs[r.job.key],
                     "outputs": {o: file_sha256(staging / o) for o in r.outputs if (staging / o).exists()},
                     "error": r.error}
            manifest.setdefault("briefings", {})[r.job.key] = entry
        write_index(staging, reg, obs, common, lang=langs[0])
        manifest["index"] = {"key": index_key, "inputs": index_inputs, "built_at": common["build_time"],
                             "outputs": {"index.html": file_sha256(staging / "index.html")}}
        manifest["build"] = {k: common[k] for k in ("build_time", "commit", "data_checksum", "versions")}
        write_atomic(staging / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True))
        pub.publish(staging, before_swap=lambda: fault_point("publish"))
        all_results = [results.get(j.key) or Result(j, "unchanged", 0.0) for j in jobs]
        pub.log([{"time": common["build_time"], "briefing": r.job.key, "status": r.status,
                  "seconds": round(r.seconds, 3), "stages": r.stages, "key": keys[r.job.key],
                  "inputs": inputs[r.job.key]["files"], "error": r.error} for r in all_results]
                + [{"time": common["build_time"], "briefing": key, "status": "removed", "seconds": 0.0, "stages": {},
                    "key": "", "inputs": {}, "error": "its notebook or sector no longer exists"} for key in obsolete])
        return all_results
