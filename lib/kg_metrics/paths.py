"""Where things are: this clone (or installed package), its data, notebooks and templates.

Bottom layer: imports nothing of kg_metrics. Modules read these as ``paths.NAME`` at call time, so a
test can point them elsewhere with one ``monkeypatch.setattr(paths, ...)``.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The library's own folder (``lib/kg_metrics``): its code, templates and text catalogs.
LIB_DIR = Path(__file__).resolve().parent
#: The clone's root (``lib/kg_metrics`` is two levels down).
REPO_ROOT = LIB_DIR.parents[1]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
TEMPLATES_DIR = LIB_DIR / "templates"
OUTPUTS_DIR = REPO_ROOT / "outputs"


def default_data_dir() -> Path:
    """``$KG_METRICS_DATA_DIR`` if set, else the ``data/`` folder of this clone."""
    env = os.environ.get("KG_METRICS_DATA_DIR")
    return Path(env) if env else REPO_ROOT / "data"
