"""The backtest as the overview shows it: the data of its page (outturns against targets, the July assessment
against what happened, the sources), rendered by the ``backtest`` section (``templates/sections/backtest.html.j2``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kg_metrics.analysis.assessment import RESOLUTION_AS_OF
from kg_metrics.analysis.backtest import (ANCHOR, OUTTURN_AS_OF, backtest, brier_score, events, is_missing,
                                         rounding_half_width)
from kg_metrics.data.observations import as_of_view
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.data.registry import Registry
from kg_metrics.text.format import format_number, format_pct, format_pp, format_quantity, format_target



@dataclass
class Backtest:
    """The backtest in one language: :attr:`table` (:func:`kg_metrics.analysis.backtest.backtest`) and the
    data the page shows (:meth:`data`). ``reg`` and ``obs`` are every sector's, as loaded (no scenario)."""

    reg: Registry
    obs: pd.DataFrame
    lang: str = "vi"
    july_as_of: str = RESOLUTION_AS_OF
    outturn_as_of: str = OUTTURN_AS_OF

    def __post_init__(self) -> None:
        self.table = backtest(self.reg, self.obs, self.outturn_as_of, self.july_as_of, self.lang)
        self.year = parse_period(self.reg.targets["period"].iloc[0]).year

    # ------------------------------------------------------------------ figures as written
    def value(self, v: float, unit: str, derived: bool = False) -> str:
        """A figure as published (6,7%; 75,22%; 4,6 triệu tấn); a derived one to 2 decimals for a percentage."""
        if unit == "pct":
            return format_pct(v, self.lang) if derived else format_number(v, self.lang) + "%"
        return format_quantity(v, self.reg.unit_symbol(unit, self.lang), self.lang)

    def margin_text(self, r: dict) -> tuple[str, str]:
        """The margin (outturn − target) in the target's unit, and as % of the target, signed; "—" when missing."""
        if is_missing(r["margin"]):
            return "—", "—"
        if r["unit"] == "pct":
            absolute = format_pp(r["margin"], self.lang)
        else:
            sign = "+" if r["margin"] >= 0 else "−"
            absolute = sign + format_quantity(abs(r["margin"]), self.reg.unit_symbol(r["unit"], self.lang), self.lang)
        pct = format_pct(r["margin_pct"], self.lang, 1)
        return absolute, ("+" + pct if r["margin_pct"] >= 0 else pct.replace("-", "−"))

    def _what(self, r: dict) -> str:
        return f"{r['name']}, {period_label(r['period'], self.lang)}"

    # ------------------------------------------------------------------ the page's data
    def data(self) -> dict[str, Any]:
        """What the page shows: the resolution, the counts of verdicts, one record per target (outturn and
        July assessment), the notes on the outturns within rounding, the Brier score, the sources."""
        cat = self.reg.catalog
        counts = self.table["verdict"].value_counts()
        records = self.table.to_dict("records")
        clear = self.table[self.table["agreement"].isin(["expected", "surprise"])]
        ev = events(self.table)
        ev_clear = ev[ev["agreement"].isin(["expected", "surprise"])]
        brier, k = brier_score(self.table)
        seen = as_of_view(self.obs, self.july_as_of)
        return {
            "anchor": ANCHOR, "year": self.year,
            "resolution_title": getattr(cat, f"resolution_title_{self.lang}"),
            "resolution_title_vi": cat.resolution_title_vi, "resolution_date": cat.resolution_date,
            "vintage": cat.vintage, "july_as_of": self.july_as_of,
            "counts": {v: int(counts.get(v, 0)) for v in ("met", "missed", "within_rounding", "no_outturn")},
            "n_targets": len(self.table),
            "targets": [self._target(r) for r in records],
            "rounding_notes": [self._rounding_note(r) for r in records if r["verdict"] == "within_rounding"],
            "july_clear": len(clear), "july_expected": int((clear["agreement"] == "expected").sum()),
            "events_clear": len(ev_clear), "events_expected": int((ev_clear["agreement"] == "expected").sum()),
            "july_latest_published": str(seen["published"].max()) if len(seen) else None,
            "brier": brier, "brier_count": k,
            "sources": self._sources(records),
        }

    def _target(self, r: dict) -> dict[str, Any]:
        unit = r["unit"]
        missing = r["outturn"] is None or is_missing(r["outturn"])
        margin, margin_pct = self.margin_text(r)
        p = r["july_p_met"]
        return {
            "target_id": r["target_id"], "what": self._what(r), "sources": r["sources"],
            "target": format_target(r["comparator"], self.value(r["target"], unit), self.lang,
                                    self.reg.comparator_wording(r["target_id"])),
            "outturn": None if missing else self.value(r["outturn"], unit, bool(r["outturn_derived"])),
            "outturn_derived": bool(r["outturn_derived"]),
            "qualifier": (r["inputs"][0]["qualifier"] or "") if r["inputs"] else "",
            "verdict": r["verdict"], "margin": margin, "margin_pct": margin_pct,
            "july_status": r["july_status"], "july_p_met": None if p is None or is_missing(p) else float(p),
            "agreement": r["agreement"],
        }

    def _rounding_note(self, r: dict) -> dict[str, Any]:
        """A derived outturn short of its target by less than the rounding of its inputs (year and H1)."""
        unit = r["unit"]

        def given(row) -> dict[str, Any]:
            step = rounding_half_width(self.obs, row, self.reg) * 2
            return {"value": float(row["value"]), "qualifier": row["qualifier"] or "", "step": step}

        return {
            "what": r["name"], "period": period_label(r["period"], self.lang),
            "fy": given(r["inputs"][0]), "h1": given(r["inputs"][1]),
            "outturn": self.value(r["outturn"], unit, True),
            "target": format_target(r["comparator"], self.value(r["target"], unit), self.lang,
                                    self.reg.comparator_wording(r["target_id"])),
            "short": self.value(abs(r["margin"]), unit, True), "width": self.value(r["rounding_half_width"], unit, True),
        }

    def _sources(self, records: list[dict]) -> list[dict[str, Any]]:
        """Every figure an outturn is computed from, once, with its source."""
        seen, out = set(), []
        for r in records:
            for i in r["inputs"]:
                key = (i["indicator"], i["measure"], i["period"])
                if key in seen:
                    continue
                seen.add(key)
                derived = i["status"] == "derived"
                unit = "pct" if i["measure"] != "level" else i["unit"]
                out.append({"name": self.reg.indicator_name(i["indicator"], self.lang), "measure": i["measure"],
                            "period": period_label(i["period"], self.lang), "status": i["status"],
                            "qualifier": "" if derived else (i["qualifier"] or ""),
                            "value": self.value(float(i["value"]), unit, derived), "source_url": i["source_url"]})
        return out
