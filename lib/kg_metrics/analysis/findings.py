"""The key findings of a briefing: a few one-sentence statements, ranked by what the council must act on.

Each finding comes from the assessment (:func:`kg_metrics.analysis.assessment.assess_targets`) and the
consistency checks (:func:`kg_metrics.analysis.checks.anomalies`); nothing here computes a new figure.
The ranking (:data:`RANK`), most urgent first:

1. targets off track (an outturn below the target, or a second half that needs far more than the first
   half's pace), then at risk: one finding each, the council must act on them;
2. the GRDP growth the second half needs against the first half's pace (the resolution's headline);
3. public-investment disbursement against its target (a rate the council follows every session);
4. the resolution's own numbers that do not add up (flagged consistency checks: to be corrected);
5. what cannot be assessed, and for want of which figures (to be requested);
6. targets met, and targets on track not named above.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from kg_metrics.arithmetic.status import STATUSES
from kg_metrics.analysis.assessment import quantity_text, target_text
from kg_metrics.data.periods import period_label
from kg_metrics.data.registry import Registry
from kg_metrics.text.catalog import t as text
from kg_metrics.text.format import format_date, format_pct

#: Topics, most urgent first (see the module's docstring).
RANK = ("off_track", "at_risk", "grdp", "disbursement", "consistency", "data_gaps", "met", "on_track")
#: Topics whose findings state their targets' status.
STATED = ("off_track", "at_risk", "grdp", "disbursement")
#: At most this many findings; the briefings show 3 to 6.
MAX_FINDINGS = 6
#: Names listed in one finding before "and N more".
MAX_NAMES = 5
#: The indicators with a finding of their own (topics ``grdp`` and ``disbursement``).
HEADLINE = {"grdp": "grdp", "pi_disbursement": "disbursement"}


@dataclass(frozen=True)
class Finding:
    """One key finding: its topic (one of :data:`RANK`), the status it reports (a status id, or ``check``
    for a consistency check), its sentence, and the targets it is about."""

    topic: str
    status: str
    text: str
    target_ids: tuple[str, ...] = field(default=())


def _names(names: list[str], lang: str) -> str:
    """'A, B, C' or 'A, B, C, D, E và 2 chỉ tiêu khác' (at most :data:`MAX_NAMES` names)."""
    unique = list(dict.fromkeys(names))
    shown = ", ".join(unique[:MAX_NAMES])
    more = len(unique) - MAX_NAMES
    return text("findings.more", lang, names=shown, n=more) if more > 0 else shown


def lower_first(s: str) -> str:
    """'Sản lượng lúa' -> 'sản lượng lúa' inside a sentence; an acronym ('GRDP') stays as it is.

    >>> lower_first("Sản lượng lúa"), lower_first("GRDP"), lower_first("Thiếu số liệu")
    ('sản lượng lúa', 'GRDP', 'thiếu số liệu')
    """
    return s if len(s) > 1 and s[1].isupper() else s[:1].lower() + s[1:]


def _label(o: dict, reg: Registry, lang: str) -> str:
    """'Lượt khách du lịch (năm 2024)': the indicator's short name and the target's period."""
    return text("findings.label", lang, name=reg.short_name(o["indicator"], lang), period=period_label(o["period"], lang))


def _status_findings(rows: list[dict], status: str, reg: Registry, lang: str) -> list[Finding]:
    return [Finding(status, status, text(f"findings.{status}", lang, label=_label(o, reg, lang),
                                         target=target_text(o, reg, lang), reason=o["reason"].rstrip(".")),
                    (o["target_id"],)) for o in rows if o["status"] == status]


def _grdp(rows: list[dict], reg: Registry, lang: str) -> list[Finding]:
    fy = next((o for o in rows if o["indicator"] == "grdp" and o["period"].startswith("FY-")), None)
    if fy is None:
        return []
    ids = tuple(o["target_id"] for o in rows if o["indicator"] == "grdp")
    label = text(f"status.{fy['status']}", lang).lower()
    if fy["status"] in ("met", "off_track") and not math.isnan(fy["outturn"]):
        return [Finding("grdp", fy["status"], text("findings.grdp_outturn", lang, got=format_pct(fy["outturn"], lang),
                                                   target=target_text(fy, reg, lang), status=label), ids)]
    required, pace = fy["required_h2_growth_pct"], fy["h1_growth_pct"]
    if math.isnan(required) or math.isnan(pace):
        return [Finding("grdp", fy["status"], text("findings.grdp_na", lang, target=target_text(fy, reg, lang),
                                                   reason=fy["reason"].rstrip(".")), ids)]
    key = "findings.grdp_lower" if required <= pace else "findings.grdp_higher"
    source = text("findings.grdp_resolution", lang) if fy.get("required_source") == "resolution" else ""
    return [Finding("grdp", fy["status"], text(key, lang, target=target_text(fy, reg, lang),
                                               required=format_pct(required, lang), pace=format_pct(pace, lang),
                                               source=source, status=label, b=int(fy["period"][-4:]) - 1), ids)]


def _disbursement(rows: list[dict], reg: Registry, lang: str, as_of: str) -> list[Finding]:
    out = []
    for o in rows:
        if o["indicator"] != "pi_disbursement":
            continue
        label = text(f"status.{o['status']}", lang).lower()
        if o["status"] == "not_assessable":
            out.append(Finding("disbursement", o["status"], text(
                "findings.disbursement_na", lang, target=target_text(o, reg, lang), as_of=format_date(as_of, lang, "long"),
                missing=lower_first(o["reason_short"])), (o["target_id"],)))
        else:
            out.append(Finding("disbursement", o["status"], text(
                "findings.disbursement", lang, target=target_text(o, reg, lang), reason=o["reason"].rstrip("."),
                status=label), (o["target_id"],)))
    return out


def _consistency(rows: list[dict], checks: pd.DataFrame, reg: Registry, lang: str) -> list[Finding]:
    """One finding per flagged check: the H1 the resolution implies against the H1 reported, or the H2
    share of the year target against past years' shares."""
    out = []
    by_indicator = {}
    for o in rows:  # the year target carries the pair's arithmetic (implied H1, H2 share)
        if o["period"].startswith("FY-") and not math.isnan(o["implied_h1"]):
            by_indicator[o["indicator"]] = o
    for c in checks[checks["flagged"]].to_dict("records"):
        o = by_indicator.get(c["indicator"])
        if o is None:
            continue
        ids = tuple(r["target_id"] for r in rows if r["indicator"] == c["indicator"])
        name = reg.short_name(c["indicator"], lang)
        implied = quantity_text(o["implied_h1"], o["unit"], reg, lang)
        if c["check"] == "h2_share":
            hist = o["h2_share_hist"] or {}
            low, high = (format_pct(v, lang, 1) for v in (min(hist.values()), max(hist.values())))
            past = text("findings.range" if low != high else "findings.range_one", lang, low=low, high=high,
                        years=", ".join(map(str, hist)))
            sentence = text("findings.h2_share", lang, name=name, share=format_pct(o["h2_share_target_pct"], lang, 1),
                            past=past, implied=implied)
        else:
            sentence = text("findings.implied_h1", lang, name=name, implied=implied,
                            reported=quantity_text(o["reported_h1"], o["unit"], reg, lang),
                            gap=format_pct(o["implied_h1_gap_pct"], lang, 1))
        out.append(Finding("consistency", "check", sentence, ids))
    return out


def _gaps(rows: list[dict], reg: Registry, lang: str, as_of: str) -> list[Finding]:
    gaps = [o for o in rows if o["status"] == "not_assessable"]
    if not gaps:
        return []
    by_period: dict[str, list[str]] = {}
    for o in gaps:
        by_period.setdefault(o["reason_short"], []).append(lower_first(reg.short_name(o["indicator"], lang)))
    parts = [text("findings.gap_part", lang, what=lower_first(what), names=_names(names, lang))
             for what, names in sorted(by_period.items(), key=lambda kv: -len(kv[1]))]
    return [Finding("data_gaps", "not_assessable", text(
        "findings.data_gaps", lang, k=len(gaps), n=len(rows), as_of=format_date(as_of, lang, "long"),
        parts="; ".join(parts)), tuple(o["target_id"] for o in gaps))]


def _good(rows: list[dict], status: str, named: set[str], reg: Registry, lang: str) -> list[Finding]:
    hits = [o for o in rows if o["status"] == status and o["target_id"] not in named]
    if not hits:
        return []
    return [Finding(status, status, text(f"findings.{status}_summary", lang, k=len(hits),
                                         names=_names([lower_first(_label(o, reg, lang)) for o in hits], lang)),
                    tuple(o["target_id"] for o in hits))]


def key_findings(assessed: pd.DataFrame, checks: pd.DataFrame, reg: Registry, lang: str, as_of: str,
                 max_findings: int = MAX_FINDINGS) -> list[Finding]:
    """The briefing's key findings, most urgent first (:data:`RANK`), at most ``max_findings``.

    ``assessed``: the briefing's targets (a sector's own, or all); ``checks``: the consistency checks
    (:func:`kg_metrics.analysis.checks.anomalies`), of which only the flagged ones of these targets count.
    A target's status is stated once: the summaries of targets met or on track leave out those stated above.
    """
    rows = assessed.to_dict("records")
    ours = set(assessed["indicator"])
    checks = checks[checks["indicator"].isin(ours)] if len(checks) else checks
    headline = [o for o in rows if o["indicator"] in HEADLINE]
    others = [o for o in rows if o["indicator"] not in HEADLINE]
    found = [*_status_findings(others, "off_track", reg, lang), *_status_findings(others, "at_risk", reg, lang),
             *_grdp(headline, reg, lang), *_disbursement(headline, reg, lang, as_of),
             *_consistency(rows, checks, reg, lang), *_gaps(rows, reg, lang, as_of)]
    # a target whose status a finding already states is not listed again among those met or on track
    named = {i for f in found if f.topic in STATED for i in f.target_ids}
    found += [*_good(rows, "met", named, reg, lang), *_good(rows, "on_track", named, reg, lang)]
    found.sort(key=lambda f: RANK.index(f.topic))
    return found[:max_findings]


def status_counts(assessed: pd.DataFrame) -> list[dict]:
    """How many targets have each status, in the order of :data:`~kg_metrics.arithmetic.status.STATUSES`."""
    counts = assessed["status"].value_counts()
    return [{"status": st, "n": int(counts[st])} for st in STATUSES if st in counts]
