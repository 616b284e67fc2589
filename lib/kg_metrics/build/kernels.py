"""The Jupyter kernel of a build process: started early, warmed up, kept across briefings and reset
between them, and papermill's engine that runs a notebook on it.

Each process of a build (a pool worker, or the build itself with one worker) owns at most one kernel,
kept in this module between briefings.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import time
import traceback
from multiprocessing import util

from kg_metrics import paths

#: Attempts per briefing when the kernel fails to start (port races under parallel start-up) or
#: stops answering (a cell timing out); each new attempt gets a fresh kernel.
KERNEL_START_ATTEMPTS = 3
#: Seconds a notebook cell may run (ours take under 2 s): a stuck kernel fails the briefing instead
#: of hanging an unattended build.
CELL_TIMEOUT_S = 120
#: Imported into each new kernel as soon as it starts, before any notebook reaches it.
WARM_UP_CODE = "import kg_metrics.report.briefing, kg_metrics.report.backtest"
#: Run in a kept kernel as soon as a briefing is done, so that it overlaps that briefing's rendering:
#: an empty user namespace, the execution counter back at 1, matplotlib's defaults restored. Library
#: modules stay imported, which is the point. ``shell.reset`` is what ``%reset -f`` runs, without the
#: magic's closing ``gc.collect()`` (0.07 s of the 0.11 s here; the collector still runs on its own).
RESET_CODE = ("get_ipython().reset(new_session=False)\n"
              "__import__('matplotlib').rcdefaults()\n"
              "get_ipython().execution_count = 1")
#: Briefings one kernel may serve before it is replaced anyway (bounds any slow leak).
KERNEL_REUSE_LIMIT = 12
#: The name our papermill engine is registered under (:func:`_register_engine`).
ENGINE = "kg_metrics"

_kernel = None  # this process's kernel (a jupyter_client KernelManager), kept between briefings
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
    from jupyter_client.blocking import BlockingKernelClient  # lazy: zmq and tornado; a no-op build needs no kernel

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
    from jupyter_client import KernelManager  # lazy: zmq and tornado; a no-op build needs no kernel

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


def _register_engine() -> None:
    """A papermill engine that stops its kernel client after each notebook.

    Written by hand because neither papermill nor nbclient does it when the caller owns the kernel
    manager (nbclient's ``owns_km`` is False, so its client, sockets and heartbeat thread stay open).
    A long-lived process building many briefings ran out of file descriptors without this.
    The class is defined here, not at module level, because its base class is papermill's.
    """
    from papermill.clientwrap import PapermillNotebookClient  # lazy: papermill loads in ~1 s
    from papermill.engines import NBClientEngine, papermill_engines  # lazy: as above

    if ENGINE in papermill_engines._engines:
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

    papermill_engines.register(ENGINE, Engine)


def release_kernel() -> None:
    """Stop this process's kept kernel, if any (end of a build, or a worker's exit)."""
    global _kernel, _kernel_uses
    km, _kernel, _kernel_uses = _kernel, None, 0
    if km is not None:
        _stop_kernel(km)


def warm_kernel() -> None:
    """Start this process's kernel now, and load papermill (and register our engine) while it boots.

    The kernel is kept until the process exits (or :func:`release_kernel`): pool workers end through
    ``os._exit``, which skips ``atexit``, so the stop is a multiprocessing finalizer, which they do run.
    """
    global _kernel, _kernel_uses
    if _kernel is None:
        try:
            _kernel, _kernel_uses = _start_kernel(), 0
        except Exception:  # a failed warm start only costs time: the job starts its own kernel
            _kernel = None
    if multiprocessing.parent_process() is not None:  # a pool worker (in-process builds release it themselves)
        util.Finalize(None, release_kernel, exitpriority=10)
    _register_engine()


def _take_kernel():
    """This process's kernel, reset for a new briefing, or a new one."""
    global _kernel, _kernel_uses
    km, _kernel = _kernel, None
    if km is not None and (not km.is_alive() or not reuse_kernels() or _kernel_uses >= KERNEL_REUSE_LIMIT):
        _stop_kernel(km)
        km = None
    if km is None:
        _kernel_uses = 0
        return _start_kernel()
    return km  # reset already queued by execute() when the previous briefing finished


def execute(notebook: str, parameters: dict, keep_kernel: bool = False):
    """Run ``notebooks/<notebook>`` with ``parameters`` through papermill on this process's kernel.

    The kernel is kept for the process's next briefing (reset in between, see :func:`reuse_kernels`),
    whoever that is: a pool does not say which worker gets which job. With fresh kernels
    (``KG_METRICS_FRESH_KERNELS=1``) it is stopped, and ``keep_kernel`` (more briefings will follow
    here) pre-starts the next one so that it boots while this briefing renders. A kernel that fails to
    start (port races under parallel start-up) is retried; after a failed notebook the kernel is
    discarded, never reused. Returns the executed notebook.
    """
    import papermill as pm  # lazy: papermill loads in ~1 s; a no-op build runs no notebook
    from papermill.exceptions import PapermillExecutionError  # lazy: as above

    global _kernel, _kernel_uses
    last: Exception | None = None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        km = None
        try:
            km = _take_kernel()
            _register_engine()
            nb = pm.execute_notebook(str(paths.NOTEBOOKS_DIR / notebook), None, parameters=parameters,
                                     engine_name=ENGINE, kernel_name="python3", progress_bar=False,
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


def describe_failure(exc: Exception) -> str:
    """What went wrong in :func:`execute` (or after it), for the failure page and the run log."""
    from papermill.exceptions import PapermillExecutionError  # lazy: papermill loads in ~1 s

    if isinstance(exc, PapermillExecutionError):
        return (f"cell {exc.cell_index} (execution {exc.exec_count}) raised {exc.ename}: {exc.evalue}\n"
                f"--- cell source ---\n{exc.source}")
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
