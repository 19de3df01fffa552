"""``python -m analysis cbs ...``: fetch, import, list and show CBS data."""

from __future__ import annotations

import sys

from ..errors import InputError
from ..indicators import INDICATORS
from ..periods import PERIOD_TYPES
from ..schema import COLUMNS


def register(subparsers) -> None:
    cbs = subparsers.add_parser("cbs", help="CBS StatLine tables: fetch, import, list, show")
    sub = cbs.add_subparsers(dest="cbs_command", metavar="ACTION")

    p = sub.add_parser("fetch", help="fetch tables live from CBS with cbsodata (needs the network)")
    p.add_argument(
        "tables", nargs="*", metavar="TABLE", help="CBS table ids (default: the whole catalogue)"
    )
    p.set_defaults(func=_fetch)

    p = sub.add_parser("import", help="import CBS CSV files or folders into the cache")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--vintage", help="date or version of the data as CBS published it (recorded with it)"
    )
    p.add_argument(
        "--table", dest="table_id", help="table id for a file whose name and title do not tell"
    )
    p.set_defaults(func=_import)

    p = sub.add_parser(
        "extract", help="rebuild the embedded CBS extract (data/cbs) with the project's import"
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="CBS CSV files or folders (default: ../shared/realdata, vintage 2025-04-22)",
    )
    p.add_argument(
        "--from-cache",
        action="store_true",
        help="build from the CBS cache (e.g. after 'cbs fetch') instead of files",
    )
    p.add_argument("--vintage", help="vintage recorded for imported files")
    p.add_argument("--out", help="folder to write (default: data/cbs)")
    p.set_defaults(func=_extract)

    p = sub.add_parser("list", help="the catalogue and what the cache holds")
    p.set_defaults(func=_list)

    p = sub.add_parser("show", help="print one indicator's tidy series")
    p.add_argument("indicator", help="indicator id, e.g. jeugdhulp_pct")
    p.add_argument("--region", default="GM0344", help="region code (default GM0344, Utrecht)")
    p.add_argument("--period-type", choices=[t for t in PERIOD_TYPES if t != "month"])
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.set_defaults(func=_show)
    cbs.set_defaults(func=lambda args: (cbs.print_help(), 2)[1])


def _print_written(result, cache_dir=None) -> None:
    """One line per table written or skipped, then, once, what is still unresolved and why."""
    from ..cbs import cached_metadata, region_resolver
    from ..cbs.cache import read_cached
    from ..cbs.catalogue import REGION_TABLES

    resolver = region_resolver(cache_dir)
    unresolved: dict[str, set[str]] = {}
    for meta in result.written:
        if meta["kind"] == "data":
            frame, _ = read_cached(
                meta["table"],
                cache_dir,
                columns=["region_code", "region_label"],
                categories=["region_code", "region_label"],
            )
            labels = frame.loc[frame["region_code"].isna(), "region_label"].unique()
            for lab in labels:
                if resolver.code_for(lab) is None:
                    unresolved.setdefault(lab, set()).add(meta["table"])
        notes = "; ".join(meta.get("notes") or [])
        print(
            f"{meta['table']}: {meta['rows']} rows ({meta['kind']}), vintage {meta['vintage']}"
            f"{'; ' + notes if notes else ''}"
        )
    for path, reason in result.skipped:
        print(f"skipped {path}: {reason}")
    if unresolved:
        n_tables = len(set().union(*unresolved.values()))
        has_regions = any(m["table"] in REGION_TABLES for m in cached_metadata(cache_dir))
        if has_regions:
            print(
                f"{len(unresolved)} region labels in {n_tables} tables match no code in the cached region tables; "
                f"their rows are not used ({unresolved_kinds(unresolved)})"
            )
        else:
            print(
                f"{len(unresolved)} region labels in {n_tables} tables have no code yet; import or fetch "
                "CBS table 85755NED 'Gebieden in Nederland' to resolve them"
            )


def unresolved_kinds(labels) -> str:
    """What unresolved region labels are, counted: ``'120 wijken, 6 size classes, 60 other areas'``."""
    kinds = {
        "wijken": 0,
        "size classes": 0,
        "jeugdzorgregio's": 0,
        "former municipalities or other areas": 0,
    }
    for lab in labels:
        if lab.startswith("Wijk "):
            kinds["wijken"] += 1
        elif "inwoners" in lab:
            kinds["size classes"] += 1
        elif lab.endswith("(JZ)"):
            kinds["jeugdzorgregio's"] += 1
        else:
            kinds["former municipalities or other areas"] += 1
    return ", ".join(f"{n} {k}" for k, n in kinds.items() if n)


def _fetch(args) -> int:
    from ..cbs import cbs_cache_dir, fetch_tables

    result = fetch_tables(args.tables or None)
    _print_written(result)
    print(f"cache: {cbs_cache_dir()}")
    return 0


def _import(args) -> int:
    from ..cbs import cbs_cache_dir, import_paths

    result = import_paths(args.paths, vintage=args.vintage, table_id=args.table_id)
    _print_written(result)
    print(f"cache: {cbs_cache_dir()}")
    return 0


def _extract(args) -> int:
    from ..cbs import build_extract, cbs_cache_dir, extract_dir

    if args.from_cache and args.paths:
        raise InputError("give CBS files or --from-cache, not both")
    out = args.out or extract_dir()
    manifest = build_extract(
        args.paths or None,
        from_cache=cbs_cache_dir() if args.from_cache else None,
        vintage=args.vintage,
        out_dir=out,
    )
    rows = sum(t["rows"] for t in manifest["tables"])
    print(
        f"CBS extract: {len(manifest['tables'])} tables, {rows} rows, vintage {', '.join(manifest['vintages'])}"
    )
    print(f"written to {out}")
    return 0


def _list(args) -> int:
    from ..cbs import TABLES, cached_metadata, extract_dir

    cached = {m["table"]: m for m in cached_metadata()}
    embedded = {m["table"]: m for m in cached_metadata(extract_dir())}
    for table in TABLES.values():
        meta = cached.get(table.id)
        state = f"cached, {meta['rows']} rows, {meta['vintage']}" if meta else "not cached"
        if table.id in embedded:
            state += f"; in the extract ({embedded[table.id]['vintage']})"
        print(f"{table.id}  {table.title} [{table.period_range}]  -- {state}")
    return 0


def _show(args) -> int:
    from ..cbs import region_resolver, tables_for

    if args.indicator not in INDICATORS:
        raise InputError(f"unknown indicator {args.indicator!r}")
    try:
        tables_for(args.indicator)
    except KeyError as exc:
        raise InputError(exc.args[0]) from None
    from ..sources import load_observations, resolve_source

    source = resolve_source(
        "auto"
    )  # the cache where it holds the indicator, the embedded extract otherwise
    resolver = region_resolver(source.cache_dir)
    if not resolver.knows(args.region):
        raise InputError(
            f"unknown region code {args.region!r} (e.g. GM0344 Utrecht, NL01 Nederland, PV26)"
        )
    obs = load_observations(
        args.indicator, source, regions=[args.region], period_type=args.period_type
    )
    if obs.empty:
        raise InputError(
            f"no {args.indicator} data for region {args.region} in the CBS cache or the CBS extract"
        )
    cols = COLUMNS + (["note"] if "note" in obs and obs["note"].notna().any() else [])
    if args.format == "csv":
        obs[cols].to_csv(sys.stdout, index=False)
    else:
        with_status = obs[cols]
        print(with_status.to_string(index=False))
    return 0
