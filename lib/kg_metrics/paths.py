"""Where things are: the library's own files (notebooks, templates, the shipped data) and the *project* it works on.

A **project** is a folder holding ``data/catalog.yml``: ``data/`` is its data (resolution text, registry,
observations, scenarios…), ``outputs/`` its briefings. ``kg-metrics init DIR`` creates one from the data
shipped with the library (:func:`init_project`); in a clone, the clone is a project. The project is, in order
(:func:`find_project`):

1. the folder given (``--project DIR``),
2. ``$KG_METRICS_PROJECT``,
3. the current folder, or the nearest folder above it, that holds ``data/catalog.yml``,
4. the clone this library runs from (none when it is installed from a wheel),
5. the folder holding the data directory given (``--data-dir`` or ``$KG_METRICS_DATA_DIR``).

``$KG_METRICS_DATA_DIR`` (or ``--data-dir``) replaces the project's ``data/``. None found:
:class:`NoProjectError`.

Bottom layer: imports nothing of kg_metrics. Modules read these as ``paths.NAME`` at call time, so a
test can point them elsewhere with one ``monkeypatch.setattr(paths, ...)``. ``REPO_ROOT`` (the project folder,
which manifests' paths are relative to; in a clone, the clone), ``PROJECT_ROOT`` (the same) and ``OUTPUTS_DIR``
(its ``outputs/``) are computed when read (PEP 562), since the project depends on the environment and the
current folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

#: The library's own folder (``lib/kg_metrics`` in a clone, ``site-packages/kg_metrics`` installed).
LIB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = LIB_DIR / "templates"

#: Environment variables naming the project folder and the data directory.
PROJECT_ENV = "KG_METRICS_PROJECT"
DATA_DIR_ENV = "KG_METRICS_DATA_DIR"
#: What makes a folder a project: ``DIR/data/catalog.yml``.
PROJECT_DATA = "data"
PROJECT_OUTPUTS = "outputs"
CATALOG = "catalog.yml"


def is_project(folder: Path | str) -> bool:
    """Whether ``folder`` is a project: it holds ``data/catalog.yml``."""
    return (Path(folder) / PROJECT_DATA / CATALOG).is_file()


def _clone_root() -> Path | None:
    # lib/kg_metrics is two levels below a clone's root; installed, two levels up is lib/python3.X.
    root = LIB_DIR.parents[1]
    return root if (root / "pyproject.toml").is_file() and is_project(root) else None


#: The clone this library runs from (an editable install or ``PYTHONPATH=lib``); None when installed from a wheel.
CLONE_ROOT = _clone_root()
#: The notebooks: the clone's ``notebooks/``; installed, the copy the wheel carries in the package.
NOTEBOOKS_DIR = CLONE_ROOT / "notebooks" if CLONE_ROOT else LIB_DIR / "notebooks"
#: The data shipped with the library, which ``kg-metrics init`` copies into a new project: the clone's
#: ``data/``; installed, the copy the wheel carries (``kg_metrics/shipped_data``, mapped from ``data/``).
SHIPPED_DATA_DIR = CLONE_ROOT / PROJECT_DATA if CLONE_ROOT else LIB_DIR / "shipped_data"


class NoProjectError(LookupError):
    """No project folder was found, or the one named is not a project. The message is one line."""


#: The project folders made current by :func:`use_project` (innermost last): the command line sets one,
#: so that every lookup of a run agrees without resolving it again.
_ACTIVE: list[Path] = []


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else None


def find_project(project: Path | str | None = None, data_dir: Path | str | None = None) -> Path:
    """The project folder (absolute), in the order of this module's docstring.

    ``project``: the folder the user named (``--project``); ``data_dir``: the data directory named
    (``--data-dir``), which lets a project folder do without ``data/`` of its own.
    Raises :class:`NoProjectError` when none is found, or when the folder named is not a project.
    """
    data = Path(data_dir).expanduser().resolve() if data_dir else _env_path(DATA_DIR_ENV)
    named, source = (Path(project).expanduser().resolve(), "--project") if project else (_env_path(PROJECT_ENV),
                                                                                          f"${PROJECT_ENV}")
    if named is not None:
        if is_project(named) or (data is not None and named.is_dir()):
            return named
        raise NoProjectError(f"{source} {named} is not a kg-metrics project (it has no {PROJECT_DATA}/{CATALOG}); "
                             f"create one with `kg-metrics init {named}`")
    here = Path.cwd()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    if CLONE_ROOT is not None:
        return CLONE_ROOT
    if data is not None:
        return data.parent
    raise NoProjectError("no kg-metrics project here (a folder with data/catalog.yml): create one with "
                         "`kg-metrics init DIR`, then pass --project DIR, set $KG_METRICS_PROJECT or run from inside it")


def project_root() -> Path:
    """The current project folder: the one :func:`use_project` made current, else :func:`find_project`."""
    return _ACTIVE[-1] if _ACTIVE else find_project()


def default_data_dir() -> Path:
    """``$KG_METRICS_DATA_DIR`` if set, else the current project's ``data/``."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else project_root() / PROJECT_DATA


def __getattr__(name: str) -> Path:
    # PEP 562: the project's folders, computed when read (see the module's docstring).
    if name in ("REPO_ROOT", "PROJECT_ROOT"):
        return project_root()
    if name == "OUTPUTS_DIR":
        return project_root() / PROJECT_OUTPUTS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def use_project(root: Path | str, data_dir: Path | str | None = None):
    """Make ``root`` the current project (and ``data_dir``, if given, its data) while the block runs.

    Also sets ``$KG_METRICS_PROJECT`` (and ``$KG_METRICS_DATA_DIR``), so that the processes a build starts
    (workers, Jupyter kernels, which run in the notebooks' folder) find the same; restored afterwards.
    """
    root = Path(root).resolve()
    saved = {k: os.environ.get(k) for k in (PROJECT_ENV, DATA_DIR_ENV)}
    os.environ[PROJECT_ENV] = str(root)
    if data_dir:
        os.environ[DATA_DIR_ENV] = str(Path(data_dir).resolve())
    _ACTIVE.append(root)
    try:
        yield root
    finally:
        _ACTIVE.pop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class ProjectExistsError(FileExistsError):
    """``kg-metrics init`` was given a folder that exists and is not empty."""


def init_project(dest: Path | str, source: Path | None = None) -> Path:
    """Create the project folder ``dest``: ``dest/data/`` (a copy of the shipped data, or of ``source``) and an
    empty ``dest/outputs/``. ``dest`` must not exist, or be an empty folder (:class:`ProjectExistsError`).

    The copy is made beside ``dest`` and renamed into place, so an interrupted ``init`` leaves no half
    project. Files are copied without their modes: the user owns them even when the library is installed read-only.
    """
    dest = Path(dest).expanduser().resolve()
    source = Path(source or SHIPPED_DATA_DIR)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ProjectExistsError(f"{dest} exists and is not an empty folder; `kg-metrics init` creates a new "
                                 "project folder")
    if not (source / CATALOG).is_file():
        raise FileNotFoundError(f"no shipped data at {source} (no {CATALOG}): is kg_metrics installed completely?")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        shutil.copytree(source, staging / PROJECT_DATA, copy_function=shutil.copyfile,
                        ignore=shutil.ignore_patterns("__pycache__", "__init__.py", ".*"))
        (staging / PROJECT_OUTPUTS).mkdir()
        mode = 0o777 & ~_umask()
        for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            folder.chmod(mode)  # copytree copies folders' modes; mkdtemp's is 0700
        if dest.exists():
            dest.rmdir()  # empty: checked above
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
