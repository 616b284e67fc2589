"""The ``kg-metrics`` command: list targets, check data, build briefings."""
from __future__ import annotations

import argparse
import difflib
import functools
import os
import re
import sys
from pathlib import Path

from kg_metrics import paths
from kg_metrics.build.keys import briefing_sectors
from kg_metrics.build.manifest import Finding, verify
from kg_metrics.build.pipeline import build
from kg_metrics.build.publish import Locked, OutputsRefused
from kg_metrics.build.render import write_atomic
from kg_metrics.data.periods import period_label
from kg_metrics.errors import DataError, ParameterError, one_line
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import LANGS, format_number, format_pct

#: Exit codes, documented in the README for scheduled runs.
EXIT_OK = 0
EXIT_BRIEFINGS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_VERIFY_FAILED = 4
EXIT_INTERNAL_ERROR = 5  # a bug, not the input: one line on standard error, the traceback in a log file
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)

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

    from kg_metrics.data.params import check_as_of  # lazy: light, but only check needs it here

    check_as_of(args.as_of)  # a bad date is bad input (exit 2), never a silent empty view
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
            failed=len(failed), index=Path(args.out or paths.OUTPUTS_DIR) / "index.html"))
    for r in failed:
        _error(f"FAILED {r.job.key}: {r.error}")
    return EXIT_BRIEFINGS_FAILED if failed else EXIT_OK


def cmd_extract(args) -> int:
    from kg_metrics.data.validation import read_text_document  # lazy: as the others (it needs no pandas)

    try:  # missing, empty, binary, not UTF-8, not a resolution: one line each
        read_text_document(args.resolution, str(args.resolution), what="a resolution's text (UTF-8)")
        from kg_metrics.data.extract import check_resolution_file, coverage, extract_targets  # lazy: pandas

        check_resolution_file(args.resolution)
    except DataError as exc:
        _error(f"kg-metrics: bad input: {exc.problems[0]}")
        return EXIT_BAD_INPUT
    draft = extract_targets(args.resolution)
    text = draft.to_csv(index=False, lineterminator="\n")
    if args.output:
        try:
            write_atomic(args.output, text)
        except (OSError, ValueError) as exc:
            _error(f"kg-metrics: bad parameter: cannot write {one_line(args.output, 300)}: "
                   f"{one_line(getattr(exc, 'strerror', None) or exc, 200)}")
            return EXIT_BAD_INPUT
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


def rebuild_command(f: Finding) -> str:
    """The command that rebuilds what ``f`` is about: ``kg-metrics build``, with ``--scenario NAME`` for a
    scenario pack (``outputs/scenarios/NAME/``: a plain build leaves it as it is), and the data directory
    the pack was built from when it is not the project's."""
    words = ["kg-metrics", "build"]
    if f.scenario:
        words += ["--scenario", f.scenario]
    if f.data_dir and Path(f.data_dir) != paths.default_data_dir():
        words += ["--data-dir", f.data_dir]
    return " ".join(w if re.fullmatch(r"[\w./:=@%+-]+", w) else repr(w) for w in words)


def cmd_verify(args) -> int:
    out = Path(args.out) if args.out else paths.OUTPUTS_DIR
    problems = verify(out)
    for p in problems:
        print(finding_text(p, args.lang))
    if problems:
        packs = sorted(problems, key=lambda f: (f.scenario, f.data_dir))  # the plain briefings first
        commands = ", ".join(f"`{c}`" for c in dict.fromkeys(map(rebuild_command, packs)))
        print(t("cli.verify_summary.problems", args.lang, n=len(problems), commands=commands), file=sys.stderr)
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


def explore_command(notebook: Path, port: int, open_browser: bool) -> list[str]:
    """The Voilà command line that serves ``notebook`` as a web app: outputs only, no code."""
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--strip_sources=True",
            "--theme=light", *([] if open_browser else ["--no-browser"])]


def run_server(cmd: list[str], env: dict[str, str]) -> int:
    """Run a server in the foreground until it stops; Ctrl-C reaches it too (same process group)."""
    import subprocess  # lazy: only `explore` starts a server

    proc = subprocess.Popen(cmd, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the server got the Ctrl-C as well: let it finish
        proc.wait()
        return EXIT_OK


def cmd_explore(args) -> int:
    """``kg-metrics explore``: notebooks/explorer.ipynb (``paths.NOTEBOOKS_DIR``) as a standalone web app, with Voilà.

    ``--data-dir`` reaches the notebook as ``KG_METRICS_DATA_DIR``; ``--lang``/``--scenario`` other than the
    defaults are injected (papermill's parameter cell) into a temporary copy, which Voilà serves instead.
    Runs until Voilà stops (Ctrl-C).
    """
    import os  # lazy: only `explore` starts a server
    import tempfile  # lazy: only `explore` starts a server

    notebook = paths.NOTEBOOKS_DIR / "explorer.ipynb"
    env = dict(os.environ)
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        env["KG_METRICS_DATA_DIR"] = str(Path(data_dir).resolve())
    params = {k: v for k, v in (("lang", args.lang), ("scenario", args.scenario)) if v is not None}
    with tempfile.TemporaryDirectory(prefix="kg-metrics-explore-") as tmp:  # not prose: a folder name
        if params:
            import nbformat  # lazy: only a parameterised app needs a copy of the notebook
            from papermill.iorw import load_notebook_node  # lazy: as above; heavy
            from papermill.parameterize import parameterize_notebook  # lazy: as above; heavy

            nb = parameterize_notebook(load_notebook_node(str(notebook)), params)
            notebook = Path(tmp) / notebook.name
            nbformat.write(nb, notebook)
        return run_server(explore_command(notebook, args.port, not args.no_browser), env)


def cmd_init(args) -> int:
    """``kg-metrics init DIR``: a new project folder, ``DIR/data/`` (the shipped data, or ``--data-dir``'s) and
    ``DIR/outputs/``. Refuses a folder that exists and is not empty (exit 2)."""
    dest = args.dir or args.project or os.environ.get(paths.PROJECT_ENV)
    if not dest:
        _error("kg-metrics: init needs the new project's folder: kg-metrics init DIR")
        return EXIT_BAD_INPUT
    try:
        root = paths.init_project(dest, Path(args.data_dir) if args.data_dir else None)
    except OSError as exc:  # ProjectExistsError among them
        _error(f"kg-metrics: init: {exc}")
        return EXIT_BAD_INPUT
    print(t("cli.init.done", args.lang, project=root, data=root / paths.PROJECT_DATA,
            outputs=root / paths.PROJECT_OUTPUTS))
    print(t("cli.init.next", args.lang, project=root))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------- the parser
_EXIT_CODES_HELP = """\
exit codes:
  0  success (build: everything built or already up to date; verify: all verified)
  1  some briefings failed: the others were published, each failed one with a failure page in the index
  2  bad input (data or parameters, an unknown command or sector, no project found, init into a folder
     that is not empty): nothing was built or published
  3  another build holds the lock (after --wait seconds, default 600)
  4  verify found outputs altered after the build, or stale because an input changed
     (coverage: data/README.md's table differs from the data)
"""  # not prose: argparse help, for the operator (English by design)


def _sectors_for_help(location: dict) -> tuple[list[str], str]:
    """The valid ``--sector`` values and where they were read: the project's registry, else the shipped data."""
    try:
        root = paths.find_project(location.get("project"), location.get("data_dir"))
        with paths.use_project(root, location.get("data_dir")):
            data = paths.default_data_dir()
        return briefing_sectors(data), str(data)
    except Exception:  # no project, or data that cannot be read: help still lists the shipped sectors
        return briefing_sectors(paths.SHIPPED_DATA_DIR), "the shipped data"  # not prose: argparse help


class _ArgumentParser(argparse.ArgumentParser):
    """argparse with plain-text help (no reST) that ends with the exit codes (and the valid sectors, where
    ``sectors_help``), and a "did you mean" for a misspelt command or choice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.sectors_help = False
        #: --project / --data-dir as given on the command line (shared with the subcommands): the help's sectors
        self.location: dict = {}

    def parse_known_args(self, args=None, namespace=None):
        args = sys.argv[1:] if args is None else list(args)
        scan = argparse.ArgumentParser(add_help=False, exit_on_error=False)
        scan.add_argument("--project")
        scan.add_argument("--data-dir")
        try:
            self.location.update({k: v for k, v in vars(scan.parse_known_args(args)[0]).items() if v})
        except (argparse.ArgumentError, SystemExit):
            pass  # the real parse reports it
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        text = super().format_help()
        if self.sectors_help:
            sectors, where = _sectors_for_help(self.location)
            text += f"\nsectors (--sector; read from {where}):\n  {', '.join(sectors)}\n"  # not prose: argparse help
        return text + "\n" + _EXIT_CODES_HELP

    def error(self, message: str):
        found = re.search(r"invalid choice: '?([^' ]*)'? \(choose from (.*)\)", message)
        close = difflib.get_close_matches(found.group(1), [c.strip(" '\"") for c in found.group(2).split(",")],
                                          n=1) if found else []
        super().error(f"{message}; did you mean {close[0]!r}?" if close else message)


class _Version(argparse.Action):
    """``--version``: ``kg-metrics <version>`` of the installed distribution, on standard output."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib import metadata  # lazy: only --version reads the installed metadata

        try:
            version = metadata.version("kg_metrics")
        except metadata.PackageNotFoundError:  # a clone on PYTHONPATH, not installed
            import kg_metrics  # lazy: as above (the package's own number)

            version = kg_metrics.__version__
        print(f"kg-metrics {version}")
        parser.exit()


def _add_location_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--project", metavar="DIR", default=default,
                        help="the project folder (default: $KG_METRICS_PROJECT, else the current folder or the "
                             "nearest one above it that holds data/catalog.yml, else this clone)")
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help="data directory used instead of the project's data/ (default: $KG_METRICS_DATA_DIR, "
                             "else the project's data/); with init, the data to copy")


def _check_sectors(sectors: list[str] | None) -> None:
    """ParameterError, with a "did you mean", when a sector named is not one of the project's data."""
    if not sectors:
        return
    try:
        known = briefing_sectors(paths.default_data_dir())
    except Exception:  # data that cannot be read: the command's own validation names file, row and field
        return
    bad = [s for s in sectors if s not in known]
    close = difflib.get_close_matches(bad[0], known, n=1) if bad else []
    if bad:
        raise ParameterError(f"unknown sector(s) {', '.join(map(repr, bad))}; valid: {', '.join(known)}"
                             + (f"; did you mean {close[0]!r}?" if close else ""))


def _in_project(func):
    """``func`` run in the project found (see ``--project``); no project: a one-line message, exit code 2."""

    @functools.wraps(func)
    def run(args) -> int:
        if args.data_dir:
            args.data_dir = str(Path(args.data_dir).resolve())  # kernels run in another folder
        try:
            root = paths.find_project(args.project, args.data_dir)
        except paths.NoProjectError as exc:
            _error(f"kg-metrics: {exc}")
            return EXIT_BAD_INPUT
        with paths.use_project(root, args.data_dir):
            _check_sectors(getattr(args, "sector", None))
            return func(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    p = _ArgumentParser(prog="kg-metrics", description=(
        "Briefings on the Kien Giang People's Council resolution of 18 July 2024 (its H2 and full-year 2024\n"
        "targets): list the targets, check the data, build the briefings (HTML and PDF, Vietnamese and\n"
        "English) with their index page, and verify what was published."),
        epilog=(
        "project folder:\n"
        "  A project is a folder holding data/ (the resolution text, the target registry, observations,\n"
        "  scenarios, catalog.yml) and outputs/ (the briefings, index.html, manifest.json).\n"
        "  `kg-metrics init DIR` creates one from the data shipped with the tool. Every command works on\n"
        "  the project named by --project DIR (before or after the command), else $KG_METRICS_PROJECT, else\n"
        "  the current folder or the nearest folder above it that holds data/catalog.yml, else the clone\n"
        "  the tool runs from. --data-dir DIR (or $KG_METRICS_DATA_DIR) is used instead of its data/.\n"
        "  Also: python -m kg_metrics."))
    p.sectors_help = True
    p.add_argument("--version", action=_Version, help="print kg-metrics and its version, and exit")
    _add_location_options(p, None)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           title="commands (kg-metrics COMMAND -h for each one's options)")
    i = sub.add_parser("init", help="create a project folder: DIR/data/ (a copy of the shipped data) and DIR/outputs/")
    i.add_argument("dir", nargs="?", metavar="DIR",
                   help="the new project folder; must not exist or be empty (default: --project, $KG_METRICS_PROJECT)")
    i.add_argument("--lang", choices=LANGS, default="vi", help="language of the report (default vi)")
    i.set_defaults(func=cmd_init)
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
    v.add_argument("--out", default=None, help="output directory (default: the project's outputs/)")
    v.add_argument("--lang", choices=LANGS, default="vi", help="language of the report (default vi)")
    v.set_defaults(func=cmd_verify)
    b = sub.add_parser("build", help="build briefings (HTML + PDF) and their index page into the project's outputs/")
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
    b.add_argument("--out", default=None, help="output directory (default: the project's outputs/)")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--force", action="store_true", help="rebuild everything, even briefings whose inputs are unchanged")
    b.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                   help="how long to wait for another running build before giving up with exit code 3 "
                        "(default 600; 0 = refuse at once)")
    b.set_defaults(func=cmd_build)
    x = sub.add_parser("explore", help="open the scenario explorer (notebooks/explorer.ipynb) as a web app with "
                       "Voila: sliders and live results, no code; runs until Ctrl-C")
    x.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    x.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address only")
    x.add_argument("--lang", choices=LANGS, default=None, help="language of the explorer (default vi)")
    x.add_argument("--scenario", default=None, metavar="NAME",
                   help="scenario of data/scenarios to start from (default baseline)")
    x.set_defaults(func=cmd_explore)
    # Every command takes --project and --data-dir after its name too (SUPPRESS: a value given before the name
    # stands unless given again after it) and runs in the project found; init creates one instead.
    for name, command in sub.choices.items():
        _add_location_options(command, argparse.SUPPRESS)
        command.location = p.location
        command.sectors_help = name == "build"
        if name != "init":
            command.set_defaults(func=_in_project(command.get_default("func")))
    return p


def error_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Write ``exc``'s traceback to a new log file in the system's temporary folder (``$TMPDIR``, else
    ``/tmp``): ``kg-metrics-error-<UTC time>-<random>.log``, readable by its owner only. None when even that
    cannot be written."""
    import tempfile  # lazy: only when something went wrong
    import traceback  # lazy: as above
    from datetime import datetime, timezone  # lazy: as above

    now = datetime.now(timezone.utc)
    try:
        fd, name = tempfile.mkstemp(prefix=f"kg-metrics-error-{now:%Y%m%dT%H%M%SZ}-", suffix=".log")  # not prose: a file name
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(f"kg-metrics {' '.join(argv)}\n{now.isoformat()}\ncwd: {os.getcwd()}\n\n")
            fh.write("".join(traceback.format_exception(exc)))
        return Path(name)
    except Exception:  # a full disk, a read-only /tmp: the one line must still be printed
        return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = None
    try:
        args = build_parser().parse_args(argv)  # its help reads the data: inside, so that it cannot crash either
        return args.func(args)
    except DataError as exc:
        _error(f"kg-metrics: bad input\n{exc}")
        return EXIT_BAD_INPUT
    except OutputsRefused as exc:  # its one line is already in the reader's language: no English prefix
        _error(f"kg-metrics: {one_line(exc)}")
        return EXIT_BAD_INPUT
    except ParameterError as exc:
        _error(f"kg-metrics: bad parameter: {one_line(exc)}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _error("kg-metrics: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of standard output went away (`kg-metrics targets | head`)
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        except (OSError, ValueError):
            pass
        return EXIT_OK
    except Exception as exc:  # a bug: no traceback for the user, one line and a log file for the maintainer
        log = error_log(exc, argv)
        where = f"; details in {log}" if log else "; no log file could be written"  # not prose: operator message
        command = getattr(args, "command", None) or "kg-metrics"
        _error(f"kg-metrics: internal error in `{command}`: {one_line(f'{type(exc).__name__}: {exc}', 300)}"
               f"{where} (please report it)")
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
