"""Parameters of the briefing notebooks, validated before any work is done.

Both notebooks (``notebooks/overview.ipynb`` and ``notebooks/sector.ipynb``)
call :func:`validate_parameters` in their first cell after the papermill
``parameters`` cell, so a bad value fails at once with a message that names the
parameter and says what is allowed.

Examples
--------
>>> p = validate_parameters("tourism", "en", "", "2024-07-18", notebook="sector")
>>> p["sector"], p["lang"], p["as_of"], p["notebook"]
('tourism', 'en', '2024-07-18', 'sector')
>>> validate_parameters("tourism", 1, "", "2024-07-18", notebook="sector")
Traceback (most recent call last):
...
kg_metrics.errors.ParameterError: parameter 'lang' must be a string ('vi' or 'en'), not int 1
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg_metrics.errors import ParameterError
from kg_metrics.text.format import LANGS
from kg_metrics.paths import default_data_dir

if TYPE_CHECKING:  # the registry pulls in pandas; parameter checks must stay cheap to import
    from kg_metrics.data.registry import Registry

#: The briefing notebooks: the overview (which ends with the backtest against the outturn) and a sector.
NOTEBOOKS = ("overview", "sector")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters that have no business in an identifier-like parameter and that could
# break out of a quoted literal or a line when the value is echoed somewhere.
_FORBIDDEN = re.compile(r"[\r\n\x00-\x1f\x7f\"'`\\]")


def sector_notebook_sectors(reg: Registry) -> list[str]:
    """The sectors that get a sector briefing (every sector but the overview's, ``reg.overview_sector``), in order.

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> sector_notebook_sectors(load_registry())[:3]
    ['agriculture', 'industry_trade', 'tourism']
    """
    return reg.briefing_sectors


#: Alias under the name the build scripts may use.
SECTOR_NOTEBOOK_SECTORS = sector_notebook_sectors


def _type_name(value: Any) -> str:
    return type(value).__name__


def _check_text(name: str, value: Any, expected: str) -> str:
    # bool is an int, and neither is a string; reject every non-str (numpy str_ is a str subclass: fine)
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name!r} must be a string ({expected}), not {_type_name(value)} {value!r}")
    if _FORBIDDEN.search(value):
        raise ParameterError(f"parameter {name!r} contains a quote, backslash, newline or control character "
                             f"({value!r}); expected {expected}")
    return value


def _check_lang(lang: Any) -> str:
    lang = _check_text("lang", lang, " or ".join(map(repr, LANGS)))
    if lang not in LANGS:
        raise ParameterError(f"parameter 'lang' is {lang!r}; expected one of: {', '.join(LANGS)}")
    return lang


def check_as_of(as_of: Any) -> str:
    """``as_of`` as a valid ISO date (YYYY-MM-DD), or :class:`ParameterError` naming it."""
    as_of = _check_text("as_of", as_of, "an ISO date such as '2024-07-18'")  # not prose: operator message
    if not _ISO_DATE.match(as_of):
        raise ParameterError(f"parameter 'as_of' is {as_of!r}; expected an ISO date YYYY-MM-DD such as '2024-07-18'")
    try:
        date.fromisoformat(as_of)
    except ValueError as exc:
        raise ParameterError(f"parameter 'as_of' is {as_of!r}, which is not a valid date: {exc}") from None
    return as_of


def _check_data_dir(data_dir: Any) -> tuple[Path, str]:
    if isinstance(data_dir, os.PathLike):
        data_dir = os.fspath(data_dir)
    if not isinstance(data_dir, str):
        raise ParameterError(f"parameter 'data_dir' must be a string (a directory, or '' for this clone's data/), "
                             f"not {_type_name(data_dir)} {data_dir!r}")
    if re.search(r"[\r\n\x00]", data_dir):
        raise ParameterError(f"parameter 'data_dir' contains a newline or NUL character ({data_dir!r})")
    path = Path(data_dir) if data_dir else default_data_dir()
    shown = repr(data_dir) if data_dir else f"'' (default: {path})"
    if not path.is_dir():
        raise ParameterError(f"parameter 'data_dir' is {shown}, which is not an existing directory")
    if not (path / "catalog.yml").is_file():
        raise ParameterError(f"parameter 'data_dir' is {shown}, which is not a kg_metrics data directory "
                             "(it has no catalog.yml)")
    # '' stays '': "this clone's data/" is resolved where the notebook runs, and no local path
    # ends up in the briefing's provenance. A given path is made absolute (notebooks run elsewhere).
    return path.resolve(), (str(path.resolve()) if data_dir else "")


def _check_scenario(scenario: Any, data_dir: Path) -> str:
    """'' (no scenario) or the name of a scenario file ``<data_dir>/scenarios/<name>.yml``."""
    scenario = _check_text("scenario", scenario, "a scenario name in data/scenarios such as 'low', or '' for none")  # not prose: operator message
    if scenario == "":
        return ""
    from kg_metrics.data.scenario_files import scenario_names  # lazy: the module needs pandas (this lists files only)

    known = scenario_names(data_dir)
    if not re.match(r"^[a-z][a-z0-9_]*$", scenario):
        raise ParameterError(f"parameter 'scenario' is {scenario!r}, which is not a scenario name (lower-case "
                             f"letters, digits, '_'); expected one of: {', '.join(known) or 'none'}, or ''")
    if scenario not in known:
        raise ParameterError(f"parameter 'scenario' is {scenario!r}, which is not a scenario in "
                             f"{data_dir / 'scenarios'}; expected one of: {', '.join(known) or 'none'}, or ''")
    return scenario


def _registry(data_dir: Path, registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from kg_metrics.data.registry import load_registry  # lazy: the registry pulls in pandas (see TYPE_CHECKING above)

    return load_registry(data_dir)


def validate_parameters(sector: str | None, lang: str, data_dir: str | os.PathLike = "",
                        as_of: str = "2024-07-18", *, notebook: str,
                        registry: Registry | None = None, scenario: str = "") -> dict[str, Any]:
    """Check a notebook's parameters; return them normalised, or raise :class:`ParameterError`.

    - ``lang``: ``'vi'`` or ``'en'``;
    - ``as_of``: an ISO date ``YYYY-MM-DD`` (a real date);
    - ``data_dir``: ``''`` for this clone's ``data/`` (or ``$KG_METRICS_DATA_DIR``), else an existing
      kg_metrics data directory;
    - ``sector``: for ``notebook='sector'``, one of the registry's sectors other than the overview's
      (catalog.yml's ``overview_sector``); ignored for ``notebook='overview'``;
    - ``scenario``: ``''`` (none) or the name of a scenario file in ``<data_dir>/scenarios``
      (:func:`kg_metrics.data.scenario_files.scenario_names`); the same character rules as ``sector``, and a
      lower-case identifier, so it can never point outside that folder.

    Strings containing quotes, backslashes, newlines or other control characters are refused
    for ``sector``, ``lang`` and ``as_of``. The cheap checks run first, then the registry is
    loaded (or ``registry`` used) to check the sector. The result has the keys ``sector``
    (None for the overview), ``lang``, ``data_dir`` (``''`` for the default, else the absolute path),
    ``as_of``, ``notebook``, and ``scenario`` when one is set, so
    ``Briefing.load(**validate_parameters(...))`` works.
    """
    if not isinstance(notebook, str) or notebook not in NOTEBOOKS:
        raise ParameterError(f"notebook must be one of: {', '.join(NOTEBOOKS)} (got {notebook!r})")
    lang = _check_lang(lang)
    as_of = check_as_of(as_of)
    path, shown = _check_data_dir(data_dir)
    scenario = _check_scenario(scenario, path)
    out: dict[str, Any] = {"sector": None, "lang": lang, "data_dir": shown, "as_of": as_of,
                           "notebook": notebook}
    if scenario:  # only when set: without a scenario the parameters are exactly as before
        out["scenario"] = scenario
    if notebook == "overview":
        return out
    sector = _check_text("sector", sector, "a sector id such as 'tourism'")  # not prose: operator message
    reg = _registry(path, registry)
    valid = reg.briefing_sectors
    if sector == reg.overview_sector:
        raise ParameterError(f"parameter 'sector' is {sector!r}, which the overview notebook covers; "
                             f"a sector briefing is for one of: {', '.join(valid)}")
    if sector not in valid:
        raise ParameterError(f"parameter 'sector' is {sector!r}, which is not a sector; "
                             f"expected one of: {', '.join(valid)}")
    out["sector"] = sector
    return out
