"""kg_metrics: targets of Kiên Giang's mid-year 2024 People's Council resolution, their arithmetic and briefings.

Public names are re-exported lazily (PEP 562): ``import kg_metrics`` costs nothing
until a name is used, so the command line starts fast when it has nothing to do.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "analysis.assessment": ["assess_targets", "executive_summary", "grdp_requirement", "sector_contributions",
                            "summary_rows"],
    "analysis.checks": ["anomalies"],
    "errors": ["DataError", "DataProblem", "ParameterError"],
    "text.format": ["format_number", "format_pct", "format_pp", "format_quantity", "parse_number"],
    "arithmetic.growth": ["annual_growth", "contribution_pp", "contributions_pp", "gap_pct", "growth_pct",
                          "h1_weight", "h2_share", "implied_h1", "pro_rata_target", "required_h2_growth",
                          "required_h2_yoy_growth", "share_of_plan"],
    "data.observations": ["check_observations", "load_observations"],
    "data.periods": ["parse_period", "period_label"],
    "data.registry": ["RESOLUTION_AS_OF", "Registry", "check_targets", "load_registry"],
    "arithmetic.status": ["THRESHOLDS", "meets", "target_status"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg_metrics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
