"""Backtest: every target against the published 2024 outturn, and the July assessment against what happened.

For each target (with ``outturn_as_of`` after the year, so the outturn counts):

- **verdict**: ``met`` or ``missed`` (:func:`kg_metrics.status.meets`), ``within_rounding`` when a *derived*
  outturn (H2 = year − H1) misses by less than the rounding of its inputs (:func:`rounding_half_width`),
  or ``no_outturn`` when none is published;
- **margin**: outturn − target (in the target's unit; percentage points for a percentage) and
  (outturn − target) / target × 100 (%);
- **July**: the status of the assessment as of the resolution (``july_as_of``, 18/7/2024) and its
  probability of meeting the target (:mod:`kg_metrics.probability`), and whether the outcome agreed.

Sources are the observations' URLs; a derived outturn lists those of its inputs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from . import growth
from .assessment import RESOLUTION_AS_OF, assess_targets
from .format import format_number, format_pct, format_pp, format_quantity
from .observations import load_observations, lookup
from .periods import parse_period, period_label
from .probability import target_probabilities
from .registry import Registry, load_registry, load_yaml
from .status import meets

#: The "as of" date that lets every 2024 outturn count (after the year and after the data's vintage).
OUTTURN_AS_OF = "2025-12-31"
VERDICTS = ("met", "missed", "within_rounding", "no_outturn")
#: The HTML id of the backtest in the overview briefing (the index links to ``overview.html#backtest``).
ANCHOR = "backtest"

BACKTEST_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Đối chiếu: các mục tiêu năm {y} so với kết quả thực hiện",
        "lead": "Bản tin đối chiếu {title} của {issuer} ({session}), thông qua ngày {date}, với số liệu thực hiện năm "
                "{y} đã công bố (bộ dữ liệu cập nhật đến ngày {vintage}), và với đánh giá tại ngày {july}: tình trạng "
                "của từng chỉ tiêu và xác suất đạt mục tiêu ước lượng khi đó.",
        "method": "Số liệu 6 tháng cuối năm là số tính suy ra (cả năm − 6 tháng đầu năm). Khi một số tính suy ra thiếu "
                  "mục tiêu ít hơn sai số làm tròn của các số liệu đầu vào (nửa đơn vị của chữ số cuối cùng được công "
                  "bố, cộng lại), kết quả được ghi là “trong sai số làm tròn”, không phải “không đạt”. Chênh lệch = "
                  "thực hiện − mục tiêu, và trong ngoặc, tính theo % của mục tiêu.",
        "counts": "Kết quả: {met} chỉ tiêu đạt, {missed} không đạt, {rounding} trong sai số làm tròn, {none} chưa có "
                  "số liệu thực hiện (tổng {n}).",
        "outturn_heading": "Từng chỉ tiêu so với kết quả thực hiện",
        "outturn_header": "Chỉ tiêu (nguồn số liệu thực hiện)|Mục tiêu|Thực hiện|Kết quả|Chênh lệch",
        "derived": "tính suy ra",
        "rounding_heading": "Trong sai số làm tròn",
        "rounding_note": "{name}, {p}: {calc} = {got} (tính suy ra) so với mục tiêu {target}: thiếu {short}, nhỏ hơn sai "
                         "số làm tròn của các số liệu đầu vào (±{width}: {inputs}). Không thể kết luận là không đạt.",
        "rounding_input": "{v} làm tròn đến {step}",
        "qualifier_note_h1": "Số liệu 6 tháng đầu năm “{q}{v}” là cận dưới, nên số 6 tháng cuối năm tính suy ra là "
                             "cận trên.",
        "qualifier_note_fy": "Số liệu cả năm “{q}{v}” là cận dưới, nên số 6 tháng cuối năm tính suy ra là cận dưới.",
        "july_heading": "Đánh giá tháng 7/{y} so với kết quả",
        "july_intro": "Tình trạng và xác suất đạt mục tiêu như bản tin tính tại ngày {july}, so với kết quả thực hiện.",
        "july_header": "Chỉ tiêu|Tình trạng ngày {july}|Xác suất|Kết quả|Đối chiếu",
        "agree_expected": "đúng như đánh giá",
        "agree_surprise": "khác với đánh giá",
        "agree_not_assessable": "tháng 7 chưa đánh giá được",
        "agree_rounding": "trong sai số làm tròn",
        "agree_no_outturn": "chưa có kết quả",
        "july_counts": "Trong {k} chỉ tiêu có cả đánh giá tháng 7 và kết quả rõ ràng, {ok} đúng như đánh giá.",
        "brier": "Điểm Brier của {k} xác suất ước lượng tháng 7: {b} (0 là hoàn hảo; luôn đoán 50% được 0,25).",
        "brier_none": "Không có xác suất ước lượng tháng 7 nào để chấm điểm.",
        "p_none": "không ước lượng",
        "v_met": "Đạt", "v_missed": "Không đạt", "v_within_rounding": "Trong sai số làm tròn",
        "v_no_outturn": "Chưa có số liệu",
        "sources_heading": "Nguồn số liệu thực hiện",
        "sources_header": "Chỉ tiêu|Kỳ|Giá trị|Loại|Nguồn",
    },
    "en": {
        "title": "Backtest: the {y} targets against the outturn",
        "lead": "A check of the {title} (Vietnamese: {title_vi}) of the {issuer} ({session}), adopted on {date}, against "
                "the published {y} outturn (data up to {vintage}), and against the assessment as of {july}: each "
                "target's status and the probability of meeting it estimated then.",
        "method": "H2 outturns are derived (year − H1). When a derived outturn misses the target by less than the "
                  "rounding of its inputs (half a unit of each published last digit, added up), it is reported as "
                  "“within rounding”, not as missed. Margin = outturn − target, and in brackets as % of the target.",
        "counts": "Outcome: {met} targets met, {missed} missed, {rounding} within rounding, {none} with no published "
                  "outturn ({n} in all).",
        "outturn_heading": "Each target against the outturn",
        "outturn_header": "Target (source of the outturn)|Target value|Outturn|Result|Margin",
        "derived": "derived",
        "rounding_heading": "Within rounding",
        "rounding_note": "{name}, {p}: {calc} = {got} (derived) against the target {target}: short by {short}, less "
                         "than the rounding of its inputs (±{width}: {inputs}). It cannot be called a miss.",
        "rounding_input": "{v} rounded to {step}",
        "qualifier_note_h1": "The H1 figure “{q}{v}” is a lower bound, so the derived H2 is an upper bound.",
        "qualifier_note_fy": "The full-year figure “{q}{v}” is a lower bound, so the derived H2 is a lower bound too.",
        "july_heading": "The July {y} assessment against the outcome",
        "july_intro": "Status and probability of meeting each target as the briefing computed them as of {july}, against "
                      "the outturn.",
        "july_header": "Target|Status on {july}|Probability|Outcome|Comparison",
        "agree_expected": "as assessed",
        "agree_surprise": "unlike the assessment",
        "agree_not_assessable": "not assessable in July",
        "agree_rounding": "within rounding",
        "agree_no_outturn": "no outturn yet",
        "july_counts": "Of the {k} targets with both a July assessment and a clear outcome, {ok} turned out as assessed.",
        "brier": "Brier score of the {k} July probabilities: {b} (0 is perfect; always saying 50% scores 0.25).",
        "brier_none": "No July probability to score.",
        "p_none": "not estimated",
        "v_met": "Met", "v_missed": "Missed", "v_within_rounding": "Within rounding", "v_no_outturn": "No outturn",
        "sources_heading": "Sources of the outturns",
        "sources_header": "Indicator|Period|Value|Status|Source",
    },
}
_VERDICT_STYLE = {"met": "met", "missed": "off_track", "within_rounding": "at_risk", "no_outturn": "not_assessable"}


# =========================================================================== rounding
def published_half_unit(value: float, factor: float = 1.0) -> float:
    """Half a unit of the last digit of a published number, times ``factor`` (to the indicator's unit).

    Trailing zeros of a whole number count as rounding (814.000 t: to the thousand).

    Examples
    --------
    >>> published_half_unit(4.6), published_half_unit(2.57), published_half_unit(814000), published_half_unit(1, 1000)
    (0.05, 0.005, 500.0, 500.0)
    """
    exp = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return float(Decimal(5) * Decimal(10) ** (exp - 1)) * factor


def rounding_half_width(obs: pd.DataFrame, row: pd.Series | dict, reg: Registry, derivations: dict | None = None,
                        ) -> float:
    """How far a figure can be from its value through the rounding of what was published (its unit).

    A sourced figure: :func:`published_half_unit` of its published value, converted to the indicator's unit.
    A derived one, first order through its derivation: a difference or residual adds its inputs' widths;
    a product or quotient adds their relative widths (a growth rate g enters as 1 + g/100).

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> rounding_half_width(obs, lookup(obs, "rice", "FY-2024"), reg)  # '4,6' Mt: to 0,1
    0.05
    >>> round(rounding_half_width(obs, lookup(obs, "tourists", "H1-2024"), reg), 7)  # 6.672.384 − 1,2 M
    0.0500005
    """
    derivations = derivations if derivations is not None else _derivations(reg)
    if row["status"] != "derived":
        if row["measure"] != "level":
            return published_half_unit(row["value"])
        units = reg.units.set_index("unit")
        pub_unit = row["unit_published"] or row["unit"]
        factor = float(units.loc[pub_unit, "factor_to_base"]) / float(units.loc[row["unit"], "factor_to_base"])
        pub = row["value_published"] if not _isnan(row["value_published"]) else row["value"] / factor
        return published_half_unit(pub, factor)
    item = derivations.get(f"{row['indicator']}/{row['measure']}/{row['period']}")
    if item is None:
        return float("nan")
    inputs = []
    for key in item["inputs"]:
        ind, m, p = key.split("/")
        r = lookup(obs, ind, p, m)
        if r is None:
            return float("nan")
        inputs.append(r)
    widths = [rounding_half_width(obs, r, reg, derivations) for r in inputs]
    if item["method"] in ("difference", "residual"):
        return float(sum(widths))
    (lv, g), (wl, wg) = [float(r["value"]) for r in inputs], widths
    if item["method"] in ("prior_level", "next_level"):
        rel = wl / lv + wg / (100 + g)
    else:  # prior_from_ratio: level / (ratio/100)
        rel = wl / lv + wg / g
    return abs(float(row["value"])) * rel


def _wrapping(table_html: str) -> str:
    """Let the numeric cells of a wide table wrap between words (the stylesheet keeps them on one line)."""
    return table_html.replace('class="num"', 'class="num" style="white-space: normal"')


def _isnan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _derivations(reg: Registry) -> dict[str, dict]:
    path = reg.data_dir / reg.catalog.derivations
    raw = load_yaml(path, str(path)) or {}
    return {d["output"]: d for d in raw.get("derivations", []) if isinstance(d, dict) and "output" in d}


# =========================================================================== the backtest
def margin_pct(outturn: float, target: float) -> float:
    """(outturn − target) / target × 100.

    Examples
    --------
    >>> round(margin_pct(75.22, 95), 2), round(margin_pct(7.5, 6.7), 2)
    (-20.82, 11.94)
    """
    return growth.gap_pct(outturn, target)


def backtest(reg: Registry, obs: pd.DataFrame, outturn_as_of: str = OUTTURN_AS_OF, july_as_of: str = RESOLUTION_AS_OF,
             lang: str = "vi", n_draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """One row per target: outturn, verdict, margins, sources, and the July status and probability.

    Columns: target_id, sector, indicator, name, measure, period, comparator, target, unit, outturn,
    outturn_derived, inputs (the observations behind the outturn), sources (' ; '-joined URLs),
    rounding_half_width (± of a derived outturn, target's unit), verdict (:data:`VERDICTS`), margin
    (outturn − target, in the target's unit: pp for a percentage), margin_pct, july_status, july_p_met
    (None when not estimated), july_p_reason, agreement ('expected', 'surprise', 'not_assessable',
    'rounding', 'no_outturn').

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> reg = load_registry()
    >>> bt = backtest(reg, load_observations(reg), n_draws=1000).set_index("target_id")
    >>> r = bt.loc["pi_disbursement_fy2024"]
    >>> float(r["outturn"]), r["verdict"], round(float(r["margin"]), 2), round(float(r["margin_pct"]), 1)
    (75.22, 'missed', -19.78, -20.8)
    >>> r = bt.loc["rice_h2_2024"]
    >>> r["verdict"], round(float(r["margin"]), 3), round(float(r["rounding_half_width"]), 3)
    ('within_rounding', -0.005, 0.055)
    """
    after = assess_targets(reg, obs, as_of=outturn_as_of, lang=lang)
    july = assess_targets(reg, obs, as_of=july_as_of, lang=lang).set_index("target_id")
    kw = {k: v for k, v in (("n_draws", n_draws), ("seed", seed)) if v is not None}
    probs = {p.target_id: p for p in target_probabilities(reg, obs, as_of=july_as_of, **kw)}
    derivations = _derivations(reg)
    rows = []
    for o in after.to_dict("records"):
        y = parse_period(o["period"]).year
        inputs = _outturn_inputs(o, obs, y, outturn_as_of)
        out = None if _isnan(o["outturn"]) else float(o["outturn"])
        r = dict(target_id=o["target_id"], sector=o["sector"], indicator=o["indicator"], name=o["name"],
                 measure=o["measure"], period=o["period"], comparator=o["comparator"], target=float(o["target"]),
                 unit="pct" if o["measure"] == "growth_yoy_pct" else o["unit"], outturn=out,
                 outturn_derived=bool(o["outturn_derived"]), inputs=inputs,
                 sources=" ; ".join(dict.fromkeys(u.strip() for i in inputs for u in str(i["source_url"]).split(";")
                                                  if u.strip())),
                 rounding_half_width=float("nan"), verdict="no_outturn", margin=float("nan"), margin_pct=float("nan"))
        if out is not None:
            r["margin"] = out - r["target"]
            r["margin_pct"] = margin_pct(out, r["target"])
            ok = meets(out, r["comparator"], r["target"])
            r["verdict"] = "met" if ok else "missed"
            if r["outturn_derived"]:
                r["rounding_half_width"] = _outturn_rounding(o, inputs, obs, reg, derivations)
                if not ok and abs(r["margin"]) < r["rounding_half_width"]:
                    r["verdict"] = "within_rounding"
        p = probs.get(o["target_id"])
        r["july_status"] = july.loc[o["target_id"], "status"]
        r["july_p_met"] = p.p_met if p is not None else None
        r["july_p_reason"] = p.reason if p is not None else ""
        r["agreement"] = _agreement(r["july_status"], r["verdict"])
        rows.append(r)
    return pd.DataFrame(rows)


def _outturn_inputs(o: dict, obs: pd.DataFrame, y: int, as_of: str) -> list[pd.Series]:
    """The observations an outturn rests on: the year's figure, and H1 (and the base year) for a derived H2."""
    get = lambda p, m="level": lookup(obs, o["indicator"], p, m, as_of=as_of)  # noqa: E731
    if _isnan(o["outturn"]):
        return []
    if not o["outturn_derived"]:
        return [r for r in [get(f"FY-{y}", o["measure"])] if r is not None]
    rows = [get(f"FY-{y}"), get(f"H1-{y}")]
    if o["measure"] == "growth_yoy_pct":
        rows += [get(f"FY-{y - 1}"), get(f"H1-{y - 1}")]
    return [r for r in rows if r is not None]


def _outturn_rounding(o: dict, inputs: list[pd.Series], obs: pd.DataFrame, reg: Registry, derivations: dict) -> float:
    widths = [rounding_half_width(obs, r, reg, derivations) for r in inputs]
    if o["measure"] != "growth_yoy_pct":
        return float(sum(widths[:2]))
    fy, h1, bfy, bh1 = [float(r["value"]) for r in inputs]
    num, den = fy - h1, bfy - bh1
    rel = (widths[0] + widths[1]) / num + (widths[2] + widths[3]) / den
    return abs(num / den) * 100 * rel


def _agreement(july_status: str, verdict: str) -> str:
    if verdict == "no_outturn":
        return "no_outturn"
    if verdict == "within_rounding":
        return "rounding"
    if july_status == "not_assessable":
        return "not_assessable"
    expected_met = july_status == "on_track"
    return "expected" if expected_met == (verdict == "met") else "surprise"


def brier_score(bt: pd.DataFrame) -> tuple[float | None, int]:
    """Mean of (p − outcome)² over targets with a July probability and a clear outcome (met 1, missed 0).

    Examples
    --------
    >>> brier_score(pd.DataFrame({"july_p_met": [0.8, 0.6, None], "verdict": ["met", "missed", "met"]}))
    (0.2, 2)
    """
    sel = bt[bt["july_p_met"].notna() & bt["verdict"].isin(["met", "missed"])]
    if sel.empty:
        return None, 0
    y = (sel["verdict"] == "met").astype(float)
    return round(float(((sel["july_p_met"].astype(float) - y) ** 2).mean()), 12), len(sel)


# =========================================================================== the page
@dataclass
class Backtest:
    """The backtest: data, table and sections in one language, shown as the last part of the overview
    briefing (``Briefing.backtest_section``). ``reg`` and ``obs`` are every sector's, as loaded (no scenario)."""

    reg: Registry
    obs: pd.DataFrame
    lang: str = "vi"
    july_as_of: str = RESOLUTION_AS_OF
    outturn_as_of: str = OUTTURN_AS_OF

    def __post_init__(self) -> None:
        self.table = backtest(self.reg, self.obs, self.outturn_as_of, self.july_as_of, self.lang)
        self.year = parse_period(self.reg.targets["period"].iloc[0]).year

    # ------------------------------------------------------------------ helpers
    def L(self, key: str, **fields: Any) -> str:
        text = BACKTEST_LABELS[self.lang][key]
        return text.format(**fields) if fields else text

    def value(self, v: float, unit: str, derived: bool = False) -> str:
        """A figure as published (6,7%; 75,22%; 4,6 triệu tấn); a derived one to 2 decimals for a percentage."""
        if unit == "pct":
            return format_pct(v, self.lang) if derived else format_number(v, self.lang) + "%"
        return format_quantity(v, self.reg.unit_symbol(unit, self.lang), self.lang)

    def verdict_badge(self, verdict: str):
        from .report import Html, esc

        return Html(f'<span class="status status-{_VERDICT_STYLE[verdict]} verdict-{verdict}">'
                    f"{esc(self.L('v_' + verdict))}</span>")

    def margin_text(self, r: dict) -> tuple[str, str]:
        if _isnan(r["margin"]):
            return "—", "—"
        if r["unit"] == "pct":
            absolute = format_pp(r["margin"], self.lang)
        else:
            sign = "+" if r["margin"] >= 0 else "−"
            absolute = sign + format_quantity(abs(r["margin"]), self.reg.unit_symbol(r["unit"], self.lang), self.lang)
        pct = format_pct(r["margin_pct"], self.lang, 1)
        return absolute, ("+" + pct if r["margin_pct"] >= 0 else pct.replace("-", "−"))

    # ------------------------------------------------------------------ sections
    def title_content(self):
        from .report import Section, format_date_lang, md_escape

        cat = self.reg.catalog
        from .report import LABELS

        title = cat.resolution_title_vi if self.lang == "vi" else cat.resolution_title_en
        # Part of the overview briefing: a new page in the PDF, and an anchor the index links to.
        s = Section().html(f'<div class="page-break" id="{ANCHOR}"></div>').md("## " + self.L("title", y=self.year))
        s.md(self.L("lead", title=md_escape(title), title_vi=f"*{md_escape(cat.resolution_title_vi)}*",
                    issuer=LABELS[self.lang]["issuer"], session=LABELS[self.lang]["session"],
                    date=format_date_lang(cat.resolution_date, self.lang), y=self.year,
                    vintage=format_date_lang(cat.vintage, self.lang), july=format_date_lang(self.july_as_of, self.lang)))
        s.md(self.L("method"))
        c = self.table["verdict"].value_counts()
        s.md(self.L("counts", met=int(c.get("met", 0)), missed=int(c.get("missed", 0)),
                    rounding=int(c.get("within_rounding", 0)), none=int(c.get("no_outturn", 0)), n=len(self.table)))
        return s

    def outturn_content(self):
        from .report import Html, Section, esc, html_table, links, missing

        s = Section().md("### " + self.L("outturn_heading"))
        rows = []
        for r in self.table.to_dict("records"):
            unit = r["unit"]
            target = f"{r['comparator']} {self.value(r['target'], unit)}"
            if r["outturn"] is None or _isnan(r["outturn"]):
                got: Any = missing(self.lang)
            elif r["outturn_derived"]:
                got = Html(f'{esc(self.value(r["outturn"], unit, True))}<br>'
                           f'<span class="derived">({esc(self.L("derived"))})</span>')
            else:
                q = self._qualifier(r)
                got = q + self.value(r["outturn"], unit)
            a, pct = self.margin_text(r)
            margin = Html(f"{esc(a)}<br>({esc(pct)})") if pct != "—" else a
            what = esc(f"{r['name']}, {period_label(r['period'], self.lang)}")
            src = f'<br><span class="data-note">{links(r["sources"])}</span>' if r["sources"] else ""
            rows.append([Html(what + src), target, got, self.verdict_badge(r["verdict"]), margin])
        s.html(_wrapping(html_table(self.L("outturn_header").split("|"), rows, num=[1, 2, 4])))
        notes = [self._rounding_note(r) for r in self.table.to_dict("records") if r["verdict"] == "within_rounding"]
        if notes:
            s.md("#### " + self.L("rounding_heading"))
            s.html("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
        return s

    def _qualifier(self, r: dict) -> str:
        from .report import LABELS

        q = r["inputs"][0]["qualifier"] if r["inputs"] else ""
        return LABELS[self.lang].get("q" + q, "") if q else ""

    def _rounding_note(self, r: dict) -> str:
        unit = r["unit"]
        fy, h1 = r["inputs"][0], r["inputs"][1]
        from .report import LABELS

        def shown(row) -> str:
            q = row["qualifier"]
            return (LABELS[self.lang].get("q" + q, "") if q else "") + format_number(row["value"], self.lang)

        def step(row) -> str:
            w = rounding_half_width(self.obs, row, self.reg) * 2
            return format_number(w, self.lang)

        inputs = "; ".join(self.L("rounding_input", v=format_number(x["value"], self.lang), step=step(x)) for x in (fy, h1))
        text = self.L("rounding_note", name=r["name"], p=period_label(r["period"], self.lang),
                      calc=f"{shown(fy)} − {shown(h1)}", got=self.value(r["outturn"], unit, True),
                      target=f"{r['comparator']} {self.value(r['target'], unit)}",
                      short=self.value(abs(r["margin"]), unit, True), width=self.value(r["rounding_half_width"], unit, True),
                      inputs=inputs)
        for key, x in (("qualifier_note_h1", h1), ("qualifier_note_fy", fy)):
            if x["qualifier"] == ">":
                text += " " + self.L(key, q=LABELS[self.lang]["q>"], v=format_number(x["value"], self.lang))
        return text

    def july_content(self):
        from .report import Html, Section, badge, esc, format_date_lang, html_table

        july = format_date_lang(self.july_as_of, self.lang)
        s = Section().md("### " + self.L("july_heading", y=self.year))
        s.md(self.L("july_intro", july=july))
        rows = []
        for r in self.table.to_dict("records"):
            p = r["july_p_met"]
            pt: Any = (format_pct(p * 100, self.lang, 0) if p is not None and not _isnan(p) else
                       Html(f'<span class="missing">{esc(self.L("p_none"))}</span>'))
            rows.append([f"{r['name']}, {period_label(r['period'], self.lang)}", badge(r["july_status"], self.lang), pt,
                         self.verdict_badge(r["verdict"]), self.L("agree_" + r["agreement"])])
        s.html(_wrapping(html_table(self.L("july_header", july=july).split("|"), rows, num=[2])))
        clear = self.table[self.table["agreement"].isin(["expected", "surprise"])]
        s.md(self.L("july_counts", k=len(clear), ok=int((clear["agreement"] == "expected").sum())))
        b, k = brier_score(self.table)
        s.md(self.L("brier", k=k, b=format_number(b, self.lang, 3)) if b is not None else self.L("brier_none"))
        return s

    def sources_content(self):
        from .report import Html, LABELS, Section, esc, html_table, links

        s = Section().md("### " + self.L("sources_heading"))
        seen, rows = set(), []
        for r in self.table.to_dict("records"):
            for i in r["inputs"]:
                key = (i["indicator"], i["measure"], i["period"])
                if key in seen:
                    continue
                seen.add(key)
                name = self.reg.indicator_name(i["indicator"], self.lang)
                if i["measure"] != "level":
                    name += ", " + LABELS[self.lang]["m_" + i["measure"]]
                unit = "pct" if i["measure"] != "level" else i["unit"]
                status = LABELS[self.lang].get("status_" + i["status"], i["status"])
                value = ("≈" if i["status"] == "derived" else self._q(i)) + self.value(float(i["value"]), unit,
                                                                                       i["status"] == "derived")
                rows.append([name, period_label(i["period"], self.lang), value,
                             Html(f'<span class="derived">{esc(status)}</span>') if i["status"] == "derived" else status,
                             links(i["source_url"])])
        s.html(html_table(self.L("sources_header").split("|"), rows, num=[2]))
        return s

    def _q(self, row) -> str:
        from .report import LABELS

        return LABELS[self.lang].get("q" + row["qualifier"], "") if row["qualifier"] else ""

    def content(self):
        """The whole backtest, as the overview briefing shows it: title, outturns, the July assessment, sources."""
        from .report import Section

        return Section().extend(self.title_content()).extend(self.outturn_content()) \
            .extend(self.july_content()).extend(self.sources_content())


__all__ = ["OUTTURN_AS_OF", "VERDICTS", "ANCHOR", "BACKTEST_LABELS", "published_half_unit", "rounding_half_width", "margin_pct",
           "backtest", "brier_score", "Backtest"]
