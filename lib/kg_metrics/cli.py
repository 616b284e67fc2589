"""The ``kg-metrics`` command: list targets, check data, build briefings."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg_metrics import paths
from kg_metrics.build.manifest import Finding, verify
from kg_metrics.build.pipeline import build
from kg_metrics.build.publish import Locked
from kg_metrics.build.render import write_atomic
from kg_metrics.data.periods import period_label
from kg_metrics.errors import DataError, ParameterError
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import LANGS, format_number, format_pct

#: Exit codes, documented in the README for scheduled runs.
EXIT_OK = 0
EXIT_BRIEFINGS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_VERIFY_FAILED = 4

# The commands that read the data need pandas (~0.5 s to import); `kg-metrics build` with nothing to do
# must not load it, so they import the data and analysis layers when they run (each marked "lazy").


def _error(text: str) -> None:
    """A message for the operator (English by design), on standard error."""
    print(text, file=sys.stderr)


def cmd_targets(args) -> int:
    import pandas as pd  # lazy: a no-op build must not load pandas

    from kg_metrics.data.registry import load_registry  # lazy: pandas

    reg = load_registry(args.data_dir)
    lang = args.lang
    rows = []
    for tg in reg.targets.to_dict("records"):
        value = format_number(tg["value"], lang)
        unit = reg.unit_symbol(tg["unit"], lang)
        rows.append({
            "id": tg["target_id"], "sector": tg["sector"], "indicator": tg[f"name_{lang}"],
            "period": period_label(tg["period"], lang),
            "target": f"{tg['comparator']} {value}{unit if unit == '%' else ' ' + unit}",
            "clause": tg["clause"],
        })
    table = pd.DataFrame(rows).rename(columns=catalog(lang).prefixed("cli.targets.column."))
    with pd.option_context("display.max_colwidth", 70, "display.width", 250):
        print(table.to_string(index=False))
    print("\n" + t("cli.targets.total", lang, n=len(rows), resolution=reg.catalog.resolution))
    return EXIT_OK


def cmd_check(args) -> int:
    from kg_metrics.analysis.assessment import assess_targets, grdp_requirement  # lazy: pandas
    from kg_metrics.analysis.checks import anomalies  # lazy: pandas
    from kg_metrics.data.observations import check_observations, load_observations  # lazy: pandas
    from kg_metrics.data.registry import load_registry  # lazy: pandas

    reg = load_registry(args.data_dir)
    obs = load_observations(reg)
    lang = args.lang
    n_derived = int((obs["status"] == "derived").sum())
    print(t("cli.check.data_ok", lang, targets=len(reg.targets), sourced=len(obs) - n_derived, derived=n_derived,
            resolution=reg.catalog.resolution))
    for w in check_observations(obs, as_of=args.as_of):
        print(t("cli.check.warning", lang, warning=w))
    req = grdp_requirement(reg, obs, as_of=args.as_of, lang=lang)
    if req["required_h2_growth_pct"] is None:
        res = req["resolution_h2_growth_pct"]
        print("\n" + t("cli.check.required_none", lang, as_of=args.as_of, missing="; ".join(req["missing"]),
                       resolution="—" if res is None else format_pct(res, lang)))
    else:
        w1 = format_number(req["h1_weight"], lang, 4)
        base = req["base_fy"]
        print("\n" + t("cli.check.required", lang, required=format_pct(req["required_h2_growth_pct"], lang),
                       resolution=format_pct(req["resolution_h2_growth_pct"], lang)))
        print("  " + t("cli.check.formula", lang, g=format_pct(req["target_growth_pct"], lang), w1=w1,
                       g1=format_pct(req["h1_growth_pct"], lang)))
        print("  " + t("cli.check.weight", lang, h1=format_number(req["base_h1_bn_vnd"], lang),
                       fy=format_number(req["base_fy_bn_vnd"], lang), status=base["status"],
                       source=base["derivation"] or base["source_url"]))
    found = anomalies(assess_targets(reg, obs, as_of=args.as_of, lang=lang), lang)
    marks = catalog(lang).prefixed("cli.check.mark.")
    width = max(map(len, marks.values()))
    print("\n" + t("cli.check.anomalies", lang))
    for a in found.to_dict("records"):
        mark = marks["flagged" if a["flagged"] else ("ok" if a["assessable"] else "not_assessable")]
        print(f"  [{mark:<{width}}] {a['indicator']:<14} {a['check']:<10} {a['message']}")
    print("\n" + t("cli.check.flagged", lang, flagged=int(found["flagged"].sum()), n=len(found)))
    return EXIT_OK


def cmd_build(args) -> int:
    if args.params:
        from kg_metrics.build.params import load_build_params  # lazy: imports data.registry, hence pandas

        p = load_build_params(args.params)
    else:
        p = {}
    langs = tuple(dict.fromkeys(args.lang or p.get("langs") or LANGS))  # default: every language, Vietnamese first
    try:
        results = build(args.out, sectors=args.sector or p.get("sectors"), langs=langs,
                        data_dir=args.data_dir or "", as_of=args.as_of or p.get("as_of") or "2024-07-18",
                        workers=args.workers, progress=not args.quiet,
                        overview=True if args.overview else p.get("overview"),
                        force=args.force or p.get("force", False), wait_seconds=args.wait,
                        scenario=args.scenario or "")
    except Locked as exc:
        _error(f"kg-metrics: {exc}")
        return EXIT_LOCKED
    failed = [r for r in results if r.status == "failed"]
    built = sum(r.status == "built" for r in results)
    print(t("cli.build.summary", langs[0], built=built, unchanged=len(results) - built - len(failed),
            failed=len(failed), index=f"{(args.out or 'outputs').rstrip('/')}/index.html"))
    for r in failed:
        _error(f"FAILED {r.job.key}: {r.error}")
    return EXIT_BRIEFINGS_FAILED if failed else EXIT_OK


def cmd_extract(args) -> int:
    from kg_metrics.data.extract import coverage, extract_targets  # lazy: pandas

    draft = extract_targets(args.resolution)
    text = draft.to_csv(index=False, lineterminator="\n")
    if args.output:
        write_atomic(args.output, text)
        print(f"draft registry: {len(draft)} targets -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    cov = coverage(args.resolution)
    counts = cov["kind"].value_counts().to_dict()
    print("numbers: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" (of {len(cov)})",
          file=sys.stderr)
    unclassified = cov[cov["kind"].isin(["unclassified", "flagged"])]
    for r in unclassified.to_dict("records"):
        print(f"  {r['kind']}: {r['token']!r} in {r['clause']}: {r['reason']}", file=sys.stderr)
    return EXIT_OK if unclassified.empty else EXIT_BAD_INPUT


def finding_text(f: Finding, lang: str) -> str:
    """One line of ``kg-metrics verify``'s report."""
    fields = dict(f.fields)
    if f.code == "stale":
        changed = list(fields.pop("files")) + ([t("cli.verify_changed.environment", lang)]
                                               if fields.pop("environment") else [])
        fields["changed"] = ", ".join(changed) or t("cli.verify_changed.parameters", lang)
    return t(f"cli.verify.{f.code}", lang, **fields)


def cmd_verify(args) -> int:
    out = Path(args.out) if args.out else paths.OUTPUTS_DIR
    problems = verify(out)
    for p in problems:
        print(finding_text(p, args.lang))
    if problems:
        print(t("cli.verify_summary.problems", args.lang, n=len(problems)), file=sys.stderr)
        return EXIT_VERIFY_FAILED
    print(t("cli.verify_summary.ok", args.lang, out=out))
    return EXIT_OK


def cmd_coverage(args) -> int:
    from kg_metrics.data.coverage import coverage_markdown, readme_block, replace_block  # lazy: pandas
    from kg_metrics.data.registry import load_registry  # lazy: pandas

    reg = load_registry(args.data_dir)
    block = coverage_markdown(reg)
    readme = reg.data_dir / "README.md"
    if not args.write:
        print(block)
        return EXIT_OK if readme_block(readme.read_text(encoding="utf-8")) == block else EXIT_VERIFY_FAILED
    write_atomic(readme, replace_block(readme.read_text(encoding="utf-8"), block))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg-metrics", description=__doc__)
    p.add_argument("--data-dir", default=None, help="data directory (default: this clone's data/)")
    sub = p.add_subparsers(dest="command", required=True)
    tg = sub.add_parser("targets", help="print the target registry")
    tg.add_argument("--lang", choices=LANGS, default="vi")
    tg.set_defaults(func=cmd_targets)
    c = sub.add_parser("check", help="validate all data, print the required H2 GRDP growth and anomaly findings")
    c.add_argument("--lang", choices=LANGS, default="vi")
    c.add_argument("--as-of", default="2024-07-18", help="assessment date, ISO (default: the council session)")
    c.set_defaults(func=cmd_check)
    e = sub.add_parser("extract", help="draft a target registry from a resolution's text, with a coverage check")
    e.add_argument("resolution", help="the resolution as a UTF-8 text file")
    e.add_argument("-o", "--output", help="write the draft CSV here (default: standard output)")
    e.set_defaults(func=cmd_extract)
    cv = sub.add_parser("coverage", help="print the data's coverage table (indicator × year × H1/FY/plan); exit 4 "
                        "when data/README.md's copy differs; --write updates it")
    cv.add_argument("--write", action="store_true", help="write the table into the data directory's README.md")
    cv.set_defaults(func=cmd_coverage)
    v = sub.add_parser("verify", help="check that published outputs are unaltered and not stale")
    v.add_argument("--out", default=None, help="output directory (default: this clone's outputs/)")
    v.add_argument("--lang", choices=LANGS, default="vi", help="language of the report (default vi)")
    v.set_defaults(func=cmd_verify)
    b = sub.add_parser("build", help="build briefings (HTML + PDF) and outputs/index.html")
    b.add_argument("--sector", action="append", help="build only this sector's briefing (repeatable); "
                   "default: the overview and every sector")
    b.add_argument("--lang", action="append", choices=LANGS,
                   help="language (repeatable; default: every language, vi then en); the first is also the report's "
                        "and the one the index opens in")
    b.add_argument("--overview", action="store_true", help="with --sector: build the overview too")
    b.add_argument("--scenario", default=None, metavar="NAME",
                   help="build under a scenario of data/scenarios (e.g. low, high) into outputs/scenarios/NAME/")
    b.add_argument("--as-of", default=None, help="assessment date, ISO (default: the council session, 2024-07-18)")
    b.add_argument("--params", default=None, metavar="FILE.yml",
                   help="YAML file of build parameters (sectors, langs, as_of, overview, force); "
                        "command-line options take precedence")
    b.add_argument("--out", default=None, help="output directory (default: this clone's outputs/)")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--force", action="store_true", help="rebuild everything, even briefings whose inputs are unchanged")
    b.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                   help="how long to wait for another running build before giving up with exit code 3 "
                        "(default 600; 0 = refuse at once)")
    b.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        _error(f"kg-metrics: bad input\n{exc}")
        return EXIT_BAD_INPUT
    except ParameterError as exc:
        _error(f"kg-metrics: bad parameter: {exc}")
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
