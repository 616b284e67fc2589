"""The ``kg-metrics`` command: list targets, check data, build briefings."""
from __future__ import annotations

import argparse
import sys



from kg_metrics import paths
from kg_metrics.errors import DataError, ParameterError
from kg_metrics.text.format import LANGS, format_number, format_pct
from kg_metrics.data.periods import period_label

#: Exit codes, documented in the README for scheduled runs.
EXIT_OK = 0
EXIT_BRIEFINGS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_VERIFY_FAILED = 4


def _load(args):
    from kg_metrics.data.observations import check_observations, load_observations
    from kg_metrics.data.registry import load_registry

    reg = load_registry(args.data_dir)
    obs = load_observations(reg)
    return reg, obs, check_observations(obs)


def cmd_targets(args) -> int:
    from kg_metrics.data.registry import load_registry

    reg = load_registry(args.data_dir)
    lang = args.lang
    rows = []
    for t in reg.targets.to_dict("records"):
        value = format_number(t["value"], lang)
        unit = reg.unit_symbol(t["unit"], lang)
        rows.append({
            "id": t["target_id"], "sector": t["sector"], "indicator": t[f"name_{lang}"],
            "period": period_label(t["period"], lang),
            "target": f"{t['comparator']} {value}{unit if unit == '%' else ' ' + unit}",
            "clause": t["clause"],
        })
    import pandas as pd

    with pd.option_context("display.max_colwidth", 70, "display.width", 250):
        print(pd.DataFrame(rows).to_string(index=False))
    print(f"\n{len(rows)} targets from {reg.catalog.resolution}")
    return EXIT_OK


def cmd_check(args) -> int:
    from kg_metrics.analysis.assessment import assess_targets, grdp_requirement
    from kg_metrics.analysis.checks import anomalies

    reg, obs, warnings = _load(args)
    lang = args.lang
    n_derived = int((obs["status"] == "derived").sum())
    print(f"Data OK: {len(reg.targets)} targets, {len(obs) - n_derived} sourced observations, "
          f"{n_derived} derived figures, resolution {reg.catalog.resolution}")
    for w in warnings:
        print(f"warning: {w}")
    req = grdp_requirement(reg, obs, as_of=args.as_of)
    if req["required_h2_growth_pct"] is None:
        print("Required H2 GRDP growth: not computable (inputs missing)")
    else:
        w = req["h1_weight"]
        print("\nRequired H2 GRDP growth: " + format_pct(req["required_h2_growth_pct"], lang)
              + f"   (resolution: {format_pct(req['resolution_h2_growth_pct'], lang)})")
        print(f"  g2 = (g - w1*g1) / (1 - w1) = ({format_pct(req['target_growth_pct'], lang)} - "
              f"{format_number(w, lang, 4)} x {format_pct(req['h1_growth_pct'], lang)}) / (1 - {format_number(w, lang, 4)})")
        print(f"  w1 = H1 2023 / 2023 = {format_number(req['base_h1_bn_vnd'], lang)} / "
              f"{format_number(req['base_fy_bn_vnd'], lang)} bn VND (2010 prices; 2023 is "
              f"{req['base_fy']['status']}: {req['base_fy']['derivation'] or req['base_fy']['source_url']})")
    assessed = assess_targets(reg, obs, as_of=args.as_of, lang=lang)
    found = anomalies(assessed, lang)
    print("\nAnomaly checks:")
    for a in found.to_dict("records"):
        mark = "FLAG" if a["flagged"] else ("ok  " if a["assessable"] else "n/a ")
        print(f"  [{mark}] {a['indicator']:<14} {a['check']:<10} {a['message']}")
    print(f"\n{int(found['flagged'].sum())} flagged of {len(found)} checks")
    return EXIT_OK


def cmd_build(args) -> int:
    from kg_metrics.build.pipeline import build
    from kg_metrics.build.publish import Locked

    from kg_metrics.build.pipeline import load_build_params

    p = load_build_params(args.params) if args.params else {}
    langs = tuple(dict.fromkeys(args.lang or p.get("langs") or ["vi"]))
    try:
        results = build(args.out, sectors=args.sector or p.get("sectors"), langs=langs,
                        data_dir=args.data_dir or "", as_of=args.as_of or p.get("as_of") or "2024-07-18",
                        workers=args.workers, progress=not args.quiet,
                        overview=True if args.overview else p.get("overview"),
                        force=args.force or p.get("force", False), wait_seconds=args.wait,
                        scenario=args.scenario or "")
    except Locked as exc:
        print(f"kg-metrics: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    failed = [r for r in results if r.status == "failed"]
    built = sum(r.status == "built" for r in results)
    print(f"{built} built, {len(results) - built - len(failed)} unchanged, {len(failed)} failed; index: "
          f"{(args.out or 'outputs').rstrip('/')}/index.html")
    for r in failed:
        print(f"FAILED {r.job.key}: {r.error}", file=sys.stderr)
    return EXIT_BRIEFINGS_FAILED if failed else EXIT_OK


def cmd_extract(args) -> int:
    from kg_metrics.data.extract import coverage, extract_targets

    draft = extract_targets(args.resolution)
    text = draft.to_csv(index=False, lineterminator="\n")
    if args.output:
        from kg_metrics.build.render import write_atomic

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


def cmd_verify(args) -> int:
    from pathlib import Path

    from kg_metrics.build.provenance import verify

    out = Path(args.out) if args.out else paths.OUTPUTS_DIR
    problems = verify(out)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s): rebuild with `kg-metrics build`", file=sys.stderr)
        return EXIT_VERIFY_FAILED
    print(f"verified: every output in {out} matches its manifest and its inputs are unchanged")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg-metrics", description=__doc__)
    p.add_argument("--data-dir", default=None, help="data directory (default: this clone's data/)")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("targets", help="print the target registry")
    t.add_argument("--lang", choices=LANGS, default="vi")
    t.set_defaults(func=cmd_targets)
    c = sub.add_parser("check", help="validate all data, print the required H2 GRDP growth and anomaly findings")
    c.add_argument("--lang", choices=LANGS, default="vi")
    c.add_argument("--as-of", default="2024-07-18", help="assessment date, ISO (default: the council session)")
    c.set_defaults(func=cmd_check)
    e = sub.add_parser("extract", help="draft a target registry from a resolution's text, with a coverage check")
    e.add_argument("resolution", help="the resolution as a UTF-8 text file")
    e.add_argument("-o", "--output", help="write the draft CSV here (default: standard output)")
    e.set_defaults(func=cmd_extract)
    v = sub.add_parser("verify", help="check that published outputs are unaltered and not stale")
    v.add_argument("--out", default=None, help="output directory (default: this clone's outputs/)")
    v.set_defaults(func=cmd_verify)
    b = sub.add_parser("build", help="build briefings (HTML + PDF) and outputs/index.html")
    b.add_argument("--sector", action="append", help="build only this sector's briefing (repeatable); "
                   "default: the overview and every sector")
    b.add_argument("--lang", action="append", choices=LANGS, help="language (repeatable; default vi)")
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
        print(f"kg-metrics: bad input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ParameterError as exc:
        print(f"kg-metrics: bad parameter: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
