"""The installable tool: a wheel that carries the notebooks and the shipped data, installed into a fresh
environment, used on a project folder that ``kg-metrics init`` creates, from a third folder.

The end-to-end test (marked ``e2e``) builds the wheel from a copy of the sources (``pip wheel``, in pip's usual
isolated build environment), installs it without dependencies into a new virtualenv in ``tmp_path`` and
lends that environment this one's packages (a ``.pth`` file naming this ``site-packages``; ``.pth`` files
inside it, such as the editable install's, are not run), so it needs no download of its own. The
environment is then told nothing of the clone: no ``PYTHONPATH``, no ``KG_METRICS_*`` variable, no
current folder inside it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LIB = REPO / "lib"
#: Packages the wheel maps from folders outside lib/ (pyproject.toml's package-dir).
MAPPED = {"kg_metrics.notebooks": "notebooks", "kg_metrics.shipped_data": "data"}


def _setuptools_config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_pyproject_lists_every_package_of_the_library_and_the_two_mapped_folders():
    """The packages are listed by hand (the mappings rule out ``find``): a new subpackage must be added."""
    conf = _setuptools_config()
    found = {".".join(p.parent.relative_to(LIB).parts) for p in LIB.rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert set(conf["packages"]) == found | set(MAPPED)
    assert {k: v for k, v in conf["package-dir"].items() if k} == MAPPED
    assert conf["package-data"]["kg_metrics.notebooks"] == ["*.ipynb"]
    assert conf["package-data"]["kg_metrics.shipped_data"] == ["**/*"]


def test_the_package_version_is_the_distributions():
    import kg_metrics

    assert kg_metrics.__version__ == metadata.version("kg_metrics")
    assert kg_metrics.__version__ == tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]


# ------------------------------------------------------------------------------------------- end to end
def _clean_env(venv_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KG_METRICS_", "PYTHON", "JUPYTER", "VIRTUAL_ENV", "PIP_"))}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(cmd: list, cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A wheel built from a copy of the sources, installed into a fresh virtualenv: its paths."""
    root = tmp_path_factory.mktemp("install")
    src = root / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*")
    for folder in ("lib", "notebooks", "data"):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    dist = root / "dist"
    run = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, src], root,
               dict(os.environ), timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    (wheel,) = dist.glob("kg_metrics-*.whl")

    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False, symlinks=True)
    py = env_dir / "bin" / "python"
    purelib = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root,
                        _clean_env(env_dir)).stdout.strip())
    # this environment's packages (pandas, papermill, WeasyPrint…) stand in for the wheel's dependencies
    (purelib / "_kg_metrics_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run = _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--quiet", wheel], root,
               dict(os.environ), timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    # What installing the dependencies would also have put in the environment's share/jupyter: nbconvert's base
    # templates, and (as `make setup` does) a kernel spec for this environment's Python.
    share = env_dir / "share" / "jupyter"
    share.mkdir(parents=True)
    (share / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    env = _clean_env(env_dir)
    run = _run([py, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], root, env)
    assert run.returncode == 0, run.stderr[-2000:]
    elsewhere = root / "elsewhere"  # a third folder: neither the project nor anything of the clone
    elsewhere.mkdir()
    return {"root": root, "venv": env_dir, "python": py, "kg": env_dir / "bin" / "kg-metrics", "env": env,
            "cwd": elsewhere, "wheel": wheel}


@pytest.mark.e2e
def test_the_wheel_carries_the_notebooks_the_templates_and_the_shipped_data(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for nb in ("overview", "sector", "explorer"):
        assert f"kg_metrics/notebooks/{nb}.ipynb" in names
    shipped = {f"kg_metrics/shipped_data/{p.relative_to(REPO / 'data').as_posix()}"
               for p in (REPO / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert "kg_metrics/shipped_data/catalog.yml" in shipped and shipped <= names
    code = {f"kg_metrics/{p.relative_to(LIB / 'kg_metrics').as_posix()}" for p in (LIB / "kg_metrics").rglob("*")
            if p.is_file() and p.suffix in {".py", ".j2", ".css", ".yml", ".html"} and "__pycache__" not in p.parts}
    assert code <= names, sorted(code - names)[:10]


@pytest.mark.e2e
def test_installed_tool_inits_a_project_and_builds_and_verifies_it_from_another_folder(installed):
    kg, env, cwd = installed["kg"], installed["env"], installed["cwd"]
    where = _run([installed["python"], "-c", "import kg_metrics; print(kg_metrics.__file__)"], cwd, env)
    module_file = where.stdout.strip()
    assert module_file.startswith(str(installed["venv"])), where.stdout + where.stderr
    assert str(REPO) not in module_file

    # no project here (the installed tool has no clone to fall back on): one line, exit code 2
    run = _run([kg, "check"], cwd, env)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "kg-metrics init DIR" in run.stderr and "Traceback" not in run.stderr

    version = _run([installed["python"], "-m", "kg_metrics", "--version"], cwd, env)
    assert (version.returncode, version.stdout) == (0, f"kg-metrics {metadata.version('kg_metrics')}\n")

    project = installed["root"].resolve() / "proj"
    run = _run([kg, "init", project, "--lang", "en"], cwd, env)
    assert run.returncode == 0, run.stderr
    assert (project / "data" / "catalog.yml").is_file() and (project / "outputs").is_dir()
    assert f"Project created in {project}" in run.stdout
    run = _run([kg, "init", project], cwd, env)  # not empty any more
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr

    run = _run([kg, "--project", project, "build", "--sector", "tourism", "--lang", "vi", "--quiet", "--wait", "0"],
               cwd, env)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    out = project / "outputs"
    assert str(out / "index.html") in run.stdout
    for rel in ("index.html", "manifest.json", "runs.jsonl", "vi/tourism.html", "vi/tourism.pdf",
                "notebooks/vi/tourism.ipynb"):
        assert (out / rel).is_file(), rel
    assert not any(cwd.iterdir())  # nothing written where the command ran

    run = _run([kg, "verify", "--project", project, "--lang", "en"], cwd, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"every output in {out} matches" in run.stdout

    # provenance names nothing of the source tree: not the clone, not the copy the wheel was built from
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["briefings"]["vi/tourism"]["status"] == "built"
    assert manifest["build"]["versions"]["kg_metrics"] == metadata.version("kg_metrics")
    for rel in ("manifest.json", "runs.jsonl", "index.html", "vi/tourism.html"):
        text = (out / rel).read_text(encoding="utf-8")
        for source_tree in (str(REPO), str(installed["root"] / "src")):
            assert source_tree not in text, (rel, source_tree)
    notebook = json.loads((out / "notebooks" / "vi" / "tourism.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["papermill"]["input_path"].startswith(str(installed["venv"]))
