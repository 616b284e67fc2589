"""The index page of a release (``outputs/index.html``): every briefing, the scenario packs, the status
of every target, and the build's provenance."""
from __future__ import annotations

from pathlib import Path

from kg_metrics.analysis.assessment import assess_targets, summary_rows
from kg_metrics.analysis.backtest import ANCHOR as BACKTEST_ANCHOR
from kg_metrics.build.jobs import briefing_title
from kg_metrics.build.render import cover_date, render_page, write_atomic
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import LANGS, format_timestamp


def index_labels(lang: str) -> dict[str, str]:
    """The index page's labels: the cover's (``cover.*``, shared wording), the index's own (``index.*``)
    where they differ, and the authority."""
    cat = catalog(lang)
    return {**cat.prefixed("cover."), **cat.prefixed("index."), "authority": cat["build.authority"]}


def _briefing_rows(out_dir: Path, reg, lang: str, langs: list[str]) -> list[dict]:
    """One row per briefing found in ``out_dir``, with its files per language; the backtest, the
    overview's last part, as a row of its own."""
    rows = []
    for name in ["overview", *reg.briefing_sectors]:
        by_lang = {}
        for lg in langs:
            if (out_dir / lg / f"{name}.html").exists():
                failed = not (out_dir / lg / f"{name}.pdf").exists()
                by_lang[lg] = {"html": f"{lg}/{name}.html", "pdf": f"{lg}/{name}.pdf", "failed": failed}
        if by_lang:
            rows.append({"name": name, "title": briefing_title(name, lang, reg), "by_lang": by_lang})
    overview = next((r for r in rows if r["name"] == "overview"), None)
    if overview is not None:
        rows.append({"name": "backtest", "title": t("build.title.backtest", lang), "by_lang": {
            lg: {**b, "html": f"{b['html']}#{BACKTEST_ANCHOR}", "pdf": f"{b['pdf']}#{BACKTEST_ANCHOR}"}
            for lg, b in overview["by_lang"].items() if not b["failed"]}})
    return rows


def _scenario_groups(out_dir: Path, reg, lang: str) -> list[dict]:
    """The scenario packs in ``out_dir/scenarios``: each one's briefings, in every language."""
    groups = []
    for d in sorted((out_dir / "scenarios").glob("*")):
        items = [{"title": f"{briefing_title(p.stem, lang, reg)} ({p.parent.name})",
                  "html": f"scenarios/{d.name}/{p.parent.name}/{p.name}",
                  "pdf": f"scenarios/{d.name}/{p.parent.name}/{p.stem}.pdf"} for p in sorted(d.glob("*/*.html"))]
        if items:
            groups.append({"name": d.name, "briefings": items})
    return groups


def write_index(out_dir: Path, reg, obs, common: dict, lang: str = "vi") -> Path:
    """``outputs/index.html``: every briefing found in ``out_dir``, the status table, build time, vintage."""
    langs = [lg for lg in LANGS if any((out_dir / lg).glob("*.html"))] or [lang]
    rows = _briefing_rows(out_dir, reg, lang, langs)
    failures = [{"title": f"{r['title']} ({lg})", "href": b["html"]}
                for r in rows for lg, b in r["by_lang"].items() if b["failed"]]
    page = render_page(
        "index.html.j2", lang=lang, L=index_labels(lang), build_time=format_timestamp(common["build_time"], lang),
        vintage=cover_date(common["vintage"], lang), as_of=cover_date(common["as_of"], lang),
        commit=common["commit"], resolution=common[f"resolution_{lang}"], langs=langs, briefings=rows,
        failures=failures, scenario_groups=_scenario_groups(out_dir, reg, lang),
        targets=summary_rows(assess_targets(reg, obs, as_of=common["as_of"], lang=lang), reg, lang),
        data_checksum=common["data_checksum"], versions=common["versions"])
    path = out_dir / "index.html"
    write_atomic(path, page)
    return path
