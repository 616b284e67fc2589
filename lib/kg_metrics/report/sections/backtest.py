"""The overview's last part: every target against the outturn, and the July assessment against what happened."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.report.backtest import Backtest

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any] | None:
    """The backtest's data (:meth:`kg_metrics.report.backtest.Backtest.data`); None for a sector briefing, and
    for a scenario briefing: the backtest compares the published data with what happened, so a scenario's
    assumptions do not enter it (the plain overview has it)."""
    if b.notebook != "overview" or b.scenario is not None:
        return None
    return Backtest(b.reg, b.all_obs, lang=b.lang).data()  # every vintage: it looks back from after the year
