"""The index page of a release (``outputs/index.html``): every briefing in every language, the scenario packs,
the status of every target (filterable, and downloadable as CSV and XLSX), and the build's provenance.

One page for every language: each text is written once per language (``<span class="tr" lang="…">``) and a
language switch shows one of them, Vietnamese first. The switch and the status grid's filters (by sector, by
status) are radio buttons at the top of the page whose ``:checked`` state CSS rules read (``index.css`` and
the rules the template generates): the page runs no script, so it keeps the briefings' CSP, and without CSS
it shows everything. The downloads (:data:`STATUS_FILES`) are written beside ``index.html`` and belong to
the release like it (the manifest's ``index.outputs``).
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path

from kg_metrics import paths
from kg_metrics.analysis.assessment import assess_targets, summary_rows
from kg_metrics.analysis.backtest import ANCHOR as BACKTEST_ANCHOR
from kg_metrics.arithmetic.status import STATUSES
from kg_metrics.build.jobs import briefing_title
from kg_metrics.build.render import cover_date, render_page, write_atomic
from kg_metrics.text.catalog import catalog
from kg_metrics.text.format import LANGS, format_timestamp

INDEX = "index.html"
#: The status table as downloads, one pair per language, beside ``index.html``.
STATUS_FILES = ("status-{lang}.csv", "status-{lang}.xlsx")
#: The downloads' columns, headed by the catalog's ``index.<column>`` (``period``: the cover's label).
COLUMNS = ("target_id", "sector", "indicator", "period", "target", "status", "reason")
#: The filters' option that lets every row through (the radio buttons ``f-sector-all``, ``f-status-all``).
ALL = "all"
#: The byte order mark that makes Excel read a CSV file as UTF-8 (else it shows 'Du lá»‹ch').
BOM = "\ufeff"


def index_labels(lang: str) -> dict[str, str]:
    """The index page's labels: the cover's (``cover.*``, shared wording), the index's own (``index.*``)
    where they differ, and the authority."""
    cat = catalog(lang)
    return {**cat.prefixed("cover."), **cat.prefixed("index."), "authority": cat["build.authority"]}


def index_files(langs: tuple[str, ...] = LANGS) -> list[str]:
    """What :func:`write_index` writes, relative to the release: the page, then each language's downloads."""
    return [INDEX] + [f.format(lang=lg) for lg in langs for f in STATUS_FILES]


def _by_lang(fn) -> dict[str, str]:
    """``{lang: fn(lang)}`` for every language of the page."""
    return {lg: fn(lg) for lg in LANGS}


def _briefing_table(folder: Path, prefix: str, names: list[str], reg) -> list[dict]:
    """One row per briefing found under ``folder`` (in any language): its title per language and its files
    per language (``failed``: the HTML is the failure page and there is no PDF)."""
    rows = []
    for name in names:
        files = {}
        for lg in LANGS:
            if (folder / lg / f"{name}.html").exists():
                failed = not (folder / lg / f"{name}.pdf").exists()
                files[lg] = {"html": f"{prefix}{lg}/{name}.html", "pdf": f"{prefix}{lg}/{name}.pdf", "failed": failed}
        if files:
            rows.append({"name": name, "title": _by_lang(lambda lg: briefing_title(name, lg, reg)), "files": files})
    return rows


def _briefing_rows(out_dir: Path, reg) -> list[dict]:
    """The release's briefings; the backtest, the overview's last part, as a row of its own."""
    rows = _briefing_table(out_dir, "", ["overview", *reg.briefing_sectors], reg)
    overview = next((r for r in rows if r["name"] == "overview"), None)
    if overview is not None:
        anchored = {lg: {**b, "html": f"{b['html']}#{BACKTEST_ANCHOR}", "pdf": f"{b['pdf']}#{BACKTEST_ANCHOR}"}
                    for lg, b in overview["files"].items() if not b["failed"]}
        rows.append({"name": "backtest", "title": _by_lang(lambda lg: catalog(lg)["build.title.backtest"]),
                     "files": anchored})
    return rows


def _scenario_groups(out_dir: Path, reg) -> list[dict]:
    """The scenario packs in ``out_dir/scenarios``: each one's briefings, in every language."""
    groups = []
    for d in sorted((out_dir / "scenarios").glob("*")):
        found = {p.stem for p in d.glob("*/*.html")}
        names = [n for n in ["overview", *reg.briefing_sectors] if n in found]
        rows = _briefing_table(d, f"scenarios/{d.name}/", names, reg)
        if rows:
            groups.append({"name": d.name, "briefings": rows})
    return groups


def status_rows(reg, obs, as_of: str) -> list[dict]:
    """Every target once, in the registry's order: its id, sector and status (codes), and its texts per
    language (:func:`kg_metrics.analysis.assessment.summary_rows`)."""
    rows: list[dict] = []
    for lg in LANGS:
        assessed = assess_targets(reg, obs, as_of=as_of, lang=lg)
        codes = assessed[["target_id", "sector", "status"]].to_dict("records")
        for i, (code, shown) in enumerate(zip(codes, summary_rows(assessed, reg, lg), strict=True)):
            if len(rows) <= i:
                rows.append({**code, "text": {}})
            if rows[i]["target_id"] != code["target_id"]:  # the assessment's order is the registry's, in any language
                raise RuntimeError(f"targets out of order: {rows[i]['target_id']} / {code['target_id']}")
            rows[i]["text"][lg] = shown
    return rows


def _table(rows: list[dict], lang: str) -> list[list[str]]:
    """The status table in ``lang``: a header row, then one row per target (:data:`COLUMNS`)."""
    labels = index_labels(lang)
    body = []
    for r in rows:
        shown = r["text"][lang]
        cells = {"target_id": r["target_id"], "indicator": shown["name"], "status": shown["status_label"],
                 **{c: shown[c] for c in ("sector", "period", "target", "reason")}}
        body.append([cells[c] for c in COLUMNS])
    return [[labels[c] for c in COLUMNS], *body]


def status_csv(rows: list[dict], lang: str) -> str:
    """The status table as CSV (RFC 4180: commas, CRLF), starting with a byte order mark for Excel."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(_table(rows, lang))
    return BOM + buf.getvalue()


def status_xlsx(rows: list[dict], lang: str, build_time: str = "") -> bytes:
    """The status table as an Excel workbook: one sheet, a bold frozen header with a filter, one row per target."""
    from openpyxl import Workbook  # lazy: ~0.45 s to import; only builds that write the index need it
    from openpyxl.styles import Alignment, Font  # lazy: as above

    table = _table(rows, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = index_labels(lang)["status_table"][:31]  # Excel's limit for a sheet name
    for row in table:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = (24, 28, 40, 20, 24, 22, 70)
    for col, width in zip(ws.columns, widths, strict=True):
        ws.column_dimensions[col[0].column_letter].width = width
        for cell in col[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.properties.creator = "kg_metrics"  # not prose: the product's name
    wb.properties.title = index_labels(lang)["status_table"]
    wb.properties.language = lang
    try:
        created = datetime.fromisoformat(build_time)
        wb.properties.created = (created.astimezone(timezone.utc) if created.tzinfo else created).replace(tzinfo=None)
    except ValueError:
        pass  # no build time (a test's): openpyxl's default, now
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _counts(rows: list[dict], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r[key]] = out.get(r[key], 0) + 1
    return out


def write_index(out_dir: Path, reg, obs, common: dict, lang: str = LANGS[0]) -> list[Path]:
    """``out_dir/index.html`` (opening in ``lang``) and the status table's downloads beside it, each written
    atomically; returns their paths (:func:`index_files`), the page first."""
    out_dir = Path(out_dir)
    rows = status_rows(reg, obs, common["as_of"])
    briefings = _briefing_rows(out_dir, reg)
    labels = {lg: index_labels(lg) for lg in LANGS}
    views = [{"lang": lg, "L": labels[lg], "opening": lg == lang,
              "lang_names": {other: labels[lg][f"lang.{other}"] for other in LANGS}}
             for lg in LANGS]
    failures = [{"href": f["html"], "lang": lg,
                 "title": {v: f"{b['title'][v]} ({labels[v][f'in_lang.{lg}']})" for v in LANGS}}
                for b in briefings for lg, f in b["files"].items() if f["failed"]]
    by_sector, by_status = _counts(rows, "sector"), _counts(rows, "status")
    sectors = [{"code": s, "name": _by_lang(lambda lg: reg.sector_name(s, lg)), "count": by_sector[s]}
               for s in reg.sector_ids if s in by_sector]
    statuses = [{"code": s, "label": _by_lang(lambda lg: catalog(lg)[f"status.{s}"]), "count": by_status.get(s, 0)}
                for s in STATUSES]
    present = {(r["sector"], r["status"]) for r in rows}
    # The filter combinations no target passes: the page says so instead of showing an empty table.
    empty = [(se, st) for se in [ALL, *(s["code"] for s in sectors)] for st in [ALL, *STATUSES]
             if not any(se in (ALL, a) and st in (ALL, b) for a, b in present)]
    # The radio buttons (the language switch, the filters), whose label shows whether it is chosen.
    controls = ([f"lang-{lg}" for lg in LANGS] + [f"f-sector-{s}" for s in [ALL, *(x["code"] for x in sectors)]]
                + [f"f-status-{s}" for s in [ALL, *STATUSES]])
    downloads = [{"lang": lg, "csv": STATUS_FILES[0].format(lang=lg), "xlsx": STATUS_FILES[1].format(lang=lg)}
                 for lg in LANGS]
    page = render_page(
        "index.html.j2", lang=lang, views=views, title=labels[lang]["title"],
        index_css=(paths.TEMPLATES_DIR / "index.css").read_text(encoding="utf-8"),
        build_time=_by_lang(lambda lg: format_timestamp(common["build_time"], lg)),
        vintage=_by_lang(lambda lg: cover_date(common["vintage"], lg)),
        as_of=_by_lang(lambda lg: cover_date(common["as_of"], lg)),
        resolution=_by_lang(lambda lg: common[f"resolution_{lg}"]), commit=common["commit"],
        langs=list(LANGS), briefings=briefings, failures=failures, scenario_groups=_scenario_groups(out_dir, reg),
        targets=rows, sectors=sectors, statuses=statuses, empty=empty, controls=controls, downloads=downloads,
        data_checksum=common["data_checksum"], versions=common["versions"])
    write_atomic(out_dir / INDEX, page)
    written = [out_dir / INDEX]
    for d in downloads:
        for rel, data in ((d["csv"], status_csv(rows, d["lang"])),
                          (d["xlsx"], status_xlsx(rows, d["lang"], common.get("build_time", "")))):
            write_atomic(out_dir / rel, data)
            written.append(out_dir / rel)
    return written
