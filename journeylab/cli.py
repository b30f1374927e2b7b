"""Command line: ``journeylab validate | simulate | report | audiences | history | config-schema``.

A user mistake (bad data, bad config) is printed as a plain message and exits with status 2,
without a Python traceback; a failed report exits with status 1.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from journeylab import __version__
from journeylab.errors import JourneylabError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except JourneylabError as exc:
        print(f"journeylab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("journeylab: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="journeylab",
        description="Customer-journey analytics for web shops: validate shop data, simulate shops, build reports.",
    )
    parser.add_argument("--version", action="version", version=f"journeylab {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("validate", help="load a shop, print its data-quality table, exit non-zero on bad data")
    p.add_argument("config", help="shop or client config (YAML)")
    p.set_defaults(func=_validate)

    p = sub.add_parser("report", help="build the report of one client config, or of several (a batch)")
    p.add_argument("configs", nargs="+", help="client config(s) (YAML)")
    p.add_argument("--out", default="reports", help="folder for reports/<client>/<run>/ (default: reports)")
    p.add_argument("--no-progress", action="store_true", help="do not show progress bars")
    p.add_argument("--no-pdf", action="store_true", help="do not print report.pdf (HTML and summary.json only)")
    p.set_defaults(func=_report)

    p = sub.add_parser("audiences", help="write one CSV per audience (segment, phase, status, involvement, targets) "
                                         "for e-mail and ad tools; ids pseudonymised (docs/audiences.md)")
    p.add_argument("config", help="client config (YAML)")
    p.add_argument("--out", required=True, help="folder for the audience files (no e-mail addresses)")
    p.add_argument("--layout", choices=("generic", "klaviyo", "mailchimp"), default="generic",
                   help="name the e-mail column of a re-identified copy as this tool's list import expects")
    p.add_argument("--reidentify", metavar="CUSTOMERS_CSV",
                   help="the shop's own customer file (customer_id, email): add e-mail addresses, matched locally "
                        "through the project's keyed hash, in a copy written to --reidentified-out")
    p.add_argument("--reidentified-out", metavar="FOLDER",
                   help="folder for the copy with e-mail addresses; must lie outside --out and every report folder")
    p.add_argument("--language", choices=("en", "nl"), help="language of names and actions (default: the report's)")
    p.set_defaults(func=_audiences)

    p = sub.add_parser("history", help="the trend of a client's headline figures over all its good report runs")
    p.add_argument("client", help="the client's name (its folder under --reports)")
    p.add_argument("--out", required=True, help="folder for history.csv and history.png")
    p.add_argument("--reports", default="reports", help="the reports folder journeylab report wrote to (default: reports)")
    p.add_argument("--language", choices=("en", "nl"), help="language of the chart (default: the last report's)")
    p.set_defaults(func=_history)

    p = sub.add_parser("config-schema", help="write the JSON Schema of a client config (for editors, see docs/config.md)")
    p.add_argument("--out", metavar="FILE", help="write it to FILE (default: standard output)")
    p.set_defaults(func=_config_schema)

    try:
        from journeylab.simulate.cli import add_simulate_parser
    except ImportError:  # the simulator is optional while it is being built
        pass
    else:
        add_simulate_parser(sub)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from journeylab.data.shop import load_shop

    shop = load_shop(args.config)
    dq = shop.data_quality
    shown = dq[(dq["rows"] > 0) | dq["action"].isin(["read", "kept"])]
    import pandas as pd

    from journeylab.i18n import rule_label

    shown = shown.assign(rule=shown["rule"].map(rule_label))  # the rule's words, not its id

    with pd.option_context("display.width", 160, "display.max_colwidth", 60, "display.max_rows", 200):
        print(f"shop {shop.name}: observation end {shop.observation_end:%Y-%m-%d}, currency {shop.currency}")
        print(shown[["table", "rule", "action", "rows", "revenue"]].to_string(index=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    from journeylab.report.run import run_batch

    results = run_batch(args.configs, out_root=args.out, progress=not args.no_progress, pdf=not args.no_pdf)
    failed = [r for r in results if not r.ok]
    for r in results:
        print(r.describe())
    return 1 if failed else 0


def _audiences(args: argparse.Namespace) -> int:
    from journeylab.report.audiences import run_audiences

    result = run_audiences(args.config, args.out, layout=args.layout, reidentify=args.reidentify,
                           reidentified_out=args.reidentified_out, lang=args.language)
    for line in result.describe():
        print(line)
    return 0


def _history(args: argparse.Namespace) -> int:
    from journeylab.report.history import write_history

    written = write_history(args.reports, args.client, args.out, lang=args.language)
    print(f"history of {args.client}: {written['csv']} and {written['png']}")
    return 0


def _config_schema(args: argparse.Namespace) -> int:
    from journeylab.data.config_schema import config_json_schema_text

    text = config_json_schema_text()
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
