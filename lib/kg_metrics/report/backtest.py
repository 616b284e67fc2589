"""The backtest as the overview shows it: outturns against targets, the July assessment against what happened."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kg_metrics.analysis.assessment import RESOLUTION_AS_OF
from kg_metrics.text.format import format_number, format_pct, format_pp, format_quantity
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.data.registry import Registry

from kg_metrics.analysis.backtest import ANCHOR, OUTTURN_AS_OF, backtest, brier_score, is_missing, rounding_half_width
from kg_metrics.report.markup import (LABELS, Html, Section, badge, esc, format_date_lang, html_table, links, md_escape,
                                     missing)

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


def _wrapping(table_html: str) -> str:
    """Let the numeric cells of a wide table wrap between words (the stylesheet keeps them on one line)."""
    return table_html.replace('class="num"', 'class="num" style="white-space: normal"')


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
        return Html(f'<span class="status status-{_VERDICT_STYLE[verdict]} verdict-{verdict}">'
                    f"{esc(self.L('v_' + verdict))}</span>")

    def margin_text(self, r: dict) -> tuple[str, str]:
        if is_missing(r["margin"]):
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
        cat = self.reg.catalog
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
        s = Section().md("### " + self.L("outturn_heading"))
        rows = []
        for r in self.table.to_dict("records"):
            unit = r["unit"]
            target = f"{r['comparator']} {self.value(r['target'], unit)}"
            if r["outturn"] is None or is_missing(r["outturn"]):
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
        q = r["inputs"][0]["qualifier"] if r["inputs"] else ""
        return LABELS[self.lang].get("q" + q, "") if q else ""

    def _rounding_note(self, r: dict) -> str:
        unit = r["unit"]
        fy, h1 = r["inputs"][0], r["inputs"][1]
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
        july = format_date_lang(self.july_as_of, self.lang)
        s = Section().md("### " + self.L("july_heading", y=self.year))
        s.md(self.L("july_intro", july=july))
        rows = []
        for r in self.table.to_dict("records"):
            p = r["july_p_met"]
            pt: Any = (format_pct(p * 100, self.lang, 0) if p is not None and not is_missing(p) else
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
        return LABELS[self.lang].get("q" + row["qualifier"], "") if row["qualifier"] else ""

    def content(self):
        """The whole backtest, as the overview briefing shows it: title, outturns, the July assessment, sources."""
        return Section().extend(self.title_content()).extend(self.outturn_content()) \
            .extend(self.july_content()).extend(self.sources_content())
