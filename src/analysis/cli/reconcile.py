"""``python -m analysis reconcile``: check the published figures against their sources."""

from __future__ import annotations

import sys

from ..errors import InputError
from ..labels import LANGUAGES

FORMATS = ("csv", "text")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reconcile",
        help="check every published figure (data/published) against CBS and the register",
        description="Classify every figure in data/published as matches, matches_other_period, "
        "matches_other_unit, revised, unexplained or no_source (see docs/reconcile.md).",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="csv: one row per figure on stdout; text: a summary and the table (default)",
    )
    p.add_argument(
        "--source",
        default="auto",
        help="where CBS figures come from: auto (the CBS cache where it holds a table, the embedded "
        "CBS extract data/cbs otherwise; default), embedded (the extract), cbs-cache, or a folder "
        "of CBS files or a cache folder (the cache folder is ANALYSIS_CACHE_DIR/cbs, default "
        "data/cache/cbs)",
    )
    p.add_argument(
        "--register",
        default=None,
        metavar="PATH",
        help="a case register; default the synthetic register in data/synthetic",
    )
    p.add_argument(
        "--published",
        default=None,
        metavar="PATH",
        help="a CSV file or folder of published figures; default data/published",
    )
    p.add_argument(
        "--language", choices=LANGUAGES, default="nl", help="language of the evidence (default nl)"
    )
    p.set_defaults(func=_reconcile)


def _reconcile(args) -> int:
    import pandas as pd

    from .. import reconcile as rc
    from ..labels import label
    from ..published import load_published
    from ..register import load_register
    from ..sources import resolve_source

    published = load_published(args.published)
    source = resolve_source(args.source)
    if source.mode == "cbs-cache" and not rc.cache_has_tables(source.cache_dir):
        raise InputError(
            f"no CBS tables in the cache {source.cache_dir}; import them with "
            "'python -m analysis cbs import PATH'"
        )
    register = load_register(args.register)
    cbs, reg = rc.load_sources(published, source, register)
    if cbs is None:
        print(
            "note: no CBS tables (no cache, no extract in data/cbs): figures with a CBS source are classified "
            "no_source; import CBS tables with 'python -m analysis cbs import PATH' (e.g. make import-realdata)",
            file=sys.stderr,
        )
    else:
        where = sorted({w for k, w in source.used.items() if w.startswith("CBS")})
        print(f"note: CBS figures from {'; '.join(where)}", file=sys.stderr)
    if register.synthetic:
        print(
            "note: register-based figures are compared with the SYNTHETIC register (calibrated to published "
            "figures): a match there is not a verification",
            file=sys.stderr,
        )
    table = rc.reconcile(published, cbs, reg)
    if args.format == "csv":
        rc.csv_table(table, args.language).to_csv(sys.stdout, index=False)
        return 0
    conflicts = rc.publication_conflicts(published)
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 80, "display.max_rows", None
    ):
        print(
            rc.summary(table, cbs_consulted=cbs is not None, language=args.language).replace(
                "**", ""
            )
        )
        for publication, part in rc.by_publication(rc.real_checks(table), args.language):
            print(f"\n== {publication}\n{part.to_string(index=False)}")
        synthetic = rc.synthetic_checks(table)
        if len(synthetic):
            print("\n== " + label("reconcile_synthetic_heading", args.language))
            print(rc.synthetic_summary(table, args.language).replace("**", ""))
            for publication, part in rc.by_publication(synthetic, args.language):
                print(f"\n== {publication}\n{part.to_string(index=False)}")
        print(f"\n== {len(conflicts)} conflicts between publications")
        if len(conflicts):
            print(rc.conflicts_table(conflicts, args.language).to_string(index=False))
    return 0
