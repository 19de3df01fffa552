"""Batches: the ``runs.yml`` schema and the plan of reports to run.

A batch file lists runs; each run picks notebooks and parameter sets::

    description: Youth care for the G4 and every wijk of Utrecht
    common:                 # set wherever a selected notebook declares it
      region: GM0344
    timeout: 300            # seconds per cell (the command line wins)
    jobs: 2                 # parallel kernels (the command line wins)
    runs:
      - notebooks: all      # every notebooks/NN_name.ipynb, with `common`
      - notebooks: [04_jeugdzorg_cbs]
        grid:               # one report per combination
          region: [GM0363, GM0599, GM0518, GM0344]
      - notebooks: [01_bereik]
        grid:
          region: utrecht-wijken   # a named value set (see VALUE_SETS)
      - notebooks: [05_trends_prognoses]
        parameters: {horizon: 3}   # fixed parameters of every set of this run
        sets:                      # an explicit list of parameter sets
          - {region: GM0344}
          - {region: GM0363}

The file is validated with pydantic (unknown keys are errors) and every
parameter is checked against the notebook's declared parameters before any
kernel starts. Errors are one line: ``file, line N: key.path: problem``.

Named value sets expand a grid axis: ``g4``, ``utrecht-wijken`` and
``cbs-cache-municipalities`` (every municipality in the local CBS cache, via
:func:`cbs_cache_municipalities`). Callers may inject their own resolvers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)

from ..errors import InputError
from . import params as P
from .notebooks import Notebook, select

Resolver = Callable[[], Sequence[Any]]


# --------------------------------------------------------------------------- value sets
def cbs_cache_municipalities() -> list[str]:
    """Codes of every municipality in the local CBS cache (``analysis.cbs.cached_municipalities``).

    Raises :class:`InputError` when the CBS part of the package is not
    available or the cache holds no municipality.
    """
    try:
        from analysis.cbs import cached_municipalities  # type: ignore[attr-defined]
    except ImportError:
        raise InputError(
            "the value set 'cbs-cache-municipalities' needs analysis.cbs.cached_municipalities(),"
            " which this installation does not provide"
        ) from None
    result = cached_municipalities()
    codes = _codes(result)
    if not codes:
        raise InputError(
            "the CBS cache holds no municipality; import CBS tables first"
            " (python -m analysis cbs import DIR)"
        )
    return codes


def _codes(result: Any) -> list[str]:
    """Region codes from a list of codes, of (code, name) pairs, or a frame with ``region_code``."""
    columns = getattr(result, "columns", None)
    if columns is not None:
        column = "region_code" if "region_code" in columns else columns[0]
        result = list(result[column])
    elif isinstance(result, Mapping):
        result = list(result)
    codes = []
    for item in result:
        code = item[0] if isinstance(item, tuple | list) else item
        code = getattr(code, "code", code)
        codes.append(str(code))
    return list(dict.fromkeys(codes))


def _g4() -> list[str]:
    from analysis.regions import G4

    return list(G4)


def _utrecht_wijken() -> list[str]:
    from analysis.regions import UTRECHT_WIJKEN

    return list(UTRECHT_WIJKEN)


#: Named value sets usable as a grid axis in runs.yml.
VALUE_SETS: dict[str, Resolver] = {
    "g4": _g4,
    "utrecht-wijken": _utrecht_wijken,
    "cbs-cache-municipalities": cbs_cache_municipalities,
}


# --------------------------------------------------------------------------- schema
def _name(value: Any) -> str:
    return P.check_name(value)


def _value(value: Any) -> Any:
    return P.check_value(value)


def _axis(value: Any, info: ValidationInfo) -> Any:
    sets = (info.context or {}).get("value_sets", VALUE_SETS)
    if isinstance(value, str):
        if value not in sets:
            raise ValueError(
                f"unknown value set {value!r} (known: {', '.join(sorted(sets))};"
                " or give a list of values)"
            )
        return value
    if not isinstance(value, list) or not value:
        raise ValueError("a grid axis is a non-empty list of values or the name of a value set")
    return P.check_value(value)


def _as_list(value: Any) -> Any:
    """``notebooks:`` as a list; a bare number (YAML reads ``04`` as 4) is a notebook number."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list):
        return [f"{v:02d}" if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


ParamName = Annotated[str, AfterValidator(_name)]
Value = Annotated[Any, AfterValidator(_value)]
Axis = Annotated[Any, AfterValidator(_axis)]


class RunEntry(BaseModel):
    """One ``runs:`` item."""

    model_config = ConfigDict(extra="forbid")

    notebooks: Annotated[list[str], BeforeValidator(_as_list), Field(min_length=1)] = ["all"]
    parameters: dict[ParamName, Value] = {}
    grid: dict[ParamName, Axis] = {}
    sets: list[dict[ParamName, Value]] = []


class BatchFile(BaseModel):
    """A whole ``runs.yml``."""

    model_config = ConfigDict(extra="forbid")

    #: One text, or one per report language (``{nl: ..., en: ...}``): index.html shows
    #: the text in the run's language.
    description: str | dict[Literal["nl", "en"], str] = ""
    common: dict[ParamName, Value] = {}
    timeout: Annotated[float, Field(gt=0)] | None = None
    jobs: Annotated[int, Field(ge=1, le=64)] | None = None
    runs: Annotated[list[RunEntry], Field(min_length=1)]


_ALLOWED = {1: list(BatchFile.model_fields), 3: list(RunEntry.model_fields)}


# --------------------------------------------------------------------------- loading
class _Lines:
    """Line numbers of keys in a YAML document, by key path."""

    def __init__(self, text: str) -> None:
        try:
            self.root = yaml.compose(text)
        except yaml.YAMLError:
            self.root = None

    def line(self, loc: Sequence[Any]) -> int | None:
        node, best = self.root, None
        if node is None:
            return None
        best = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        best, node = key.start_mark.line + 1, value
                        break
                else:
                    return best
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return best
                node = node.value[part]
                best = node.start_mark.line + 1
            else:
                return best
        return best


def key_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out or "(top)"


@dataclass
class Batch:
    """A validated batch file."""

    spec: BatchFile
    path: Path | None = None
    lines: _Lines | None = None

    def error(self, loc: Sequence[Any], problem: str) -> InputError:
        row = self.lines.line(loc) if self.lines else None
        return InputError(f"{key_path(loc)}: {problem}", file=self.path, row=row)


def load_batch(path: Path, *, value_sets: Mapping[str, Resolver] | None = None) -> Batch:
    """Read and validate a ``runs.yml`` (raises :class:`InputError`, one line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("batch file not found", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read batch file: {exc}", file=path) from None
    return parse_batch(text, path=path, value_sets=value_sets)


def parse_batch(
    text: str, *, path: Path | None = None, value_sets: Mapping[str, Resolver] | None = None
) -> Batch:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"invalid YAML: {problem}", file=path, row=mark.line + 1 if mark else None
        ) from None
    lines = _Lines(text)
    if isinstance(data, list):
        data = {"runs": data}
    if not isinstance(data, dict):
        raise InputError("a batch file is a mapping with a 'runs:' list", file=path, row=1)
    context = {"value_sets": dict(value_sets if value_sets is not None else VALUE_SETS)}
    try:
        spec = BatchFile.model_validate(data, context=context)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        loc = first["loc"]
        if first["type"] == "extra_forbidden":
            allowed = _ALLOWED.get(len(loc), [])
            problem = f"unknown key {loc[-1]!r}" + (
                f" (allowed: {', '.join(allowed)})" if allowed else ""
            )
        elif first["type"] == "missing":
            problem = "required key missing"
        else:
            problem = str(first["msg"]).removeprefix("Value error, ")
            if (
                first["type"] not in {"value_error"}
                and "input" in first
                and not isinstance(first["input"], dict | list)
            ):
                problem += f" (got {first['input']!r})"
        if len(errors) > 1:
            problem += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        row = lines.line(loc)
        raise InputError(f"{key_path(loc)}: {problem}", file=path, row=row) from None
    return Batch(spec=spec, path=path, lines=lines)


# --------------------------------------------------------------------------- the plan
@dataclass
class ReportSpec:
    """One report to run: a notebook with one parameter set."""

    notebook: Notebook
    parameters: dict[str, Any]
    slug: str = ""
    origin: str = ""
    #: parameters that name the output (those of the run entry and -p, not ``common``)
    naming: tuple[str, ...] | None = None
    #: where each parameter was set: a key path in the batch file, or ``("-p",)``
    locations: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def key(self) -> tuple[str, str]:
        return (str(self.notebook.path), P.describe(sorted(self.parameters.items())))


@dataclass
class Plan:
    reports: list[ReportSpec]
    batch: Batch | None = None
    warnings: list[str] = field(default_factory=list)


def _declared(nb: Notebook) -> str:
    return ", ".join(nb.parameters) or "none"


def _resolve_axis(
    value: Any, sets: Mapping[str, Resolver], where: Callable[[str], InputError]
) -> list:
    if not isinstance(value, str):
        return list(value)
    try:
        resolved = list(sets[value]())
    except InputError as exc:
        raise where(exc.message) from None
    try:
        resolved = [P.check_value(v) for v in resolved]
    except ValueError as exc:
        raise where(f"value set {value!r} gave an invalid value: {exc}") from None
    if not resolved:
        raise where(f"value set {value!r} is empty")
    return resolved


def build_plan(
    collection: list[Notebook],
    *,
    batch: Batch | None = None,
    names: Sequence[str] = (),
    cli_params: Sequence[tuple[str, str]] = (),
    value_sets: Mapping[str, Resolver] | None = None,
    check_values: bool = True,
) -> Plan:
    """Every report to run, validated against the notebooks' declared parameters and, with
    ``check_values`` (default), against the project's own validator (:func:`check_report_values`)."""
    sets = value_sets if value_sets is not None else VALUE_SETS
    for name, _ in cli_params:
        try:
            P.check_name(name)
        except ValueError as exc:
            raise InputError(f"-p: {exc}") from None
    cli: dict[str, list[str]] = {}
    for name, raw in cli_params:
        cli.setdefault(name, []).append(raw)

    if batch is not None:
        entries = list(enumerate(batch.spec.runs))
        common = dict(batch.spec.common)
    else:
        entries = [(None, RunEntry(notebooks=list(names) or ["all"]))]
        common = {}

    def err(loc: list[Any], problem: str) -> InputError:
        if batch is None:
            return InputError(problem)
        return batch.error(loc, problem)

    restrict = select(collection, list(names)) if (batch is not None and names) else None
    reports: list[ReportSpec] = []
    used_common: set[str] = set()
    used_cli: set[str] = set()
    selected_any: list[Notebook] = []

    for index, entry in entries:
        base = ["runs", index] if index is not None else []
        if "all" in entry.notebooks:
            if len(entry.notebooks) > 1:
                raise err(base + ["notebooks"], "'all' cannot be combined with notebook names")
            if not collection:
                raise err(base + ["notebooks"], "no notebooks found (expected NN_name.ipynb files)")
            chosen = list(collection)
        else:
            try:
                chosen = select(collection, entry.notebooks)
            except InputError as exc:
                raise err(base + ["notebooks"], exc.message) from None
        if restrict is not None:
            chosen = [nb for nb in chosen if any(nb.path == r.path for r in restrict)]
        if not chosen:
            continue
        selected_any.extend(chosen)

        # parameter sets of this entry: grid x sets, plus the fixed parameters
        axes = []
        for name, value in entry.grid.items():
            axes.append(
                (
                    name,
                    _resolve_axis(
                        value, sets, lambda problem, n=name, b=base: err(b + ["grid", n], problem)
                    ),
                )
            )
        grid_rows = (
            [
                dict(zip([a for a, _ in axes], combo, strict=True))
                for combo in itertools.product(*[v for _, v in axes])
            ]
            if axes
            else [{}]
        )
        rows = []
        for g in grid_rows:
            for s_index, s in enumerate(entry.sets or [{}]):
                clash = set(g) & set(s) | (set(g) | set(s)) & set(entry.parameters)
                if clash:
                    where = base + (["sets", s_index] if entry.sets else ["parameters"])
                    raise err(
                        where,
                        f"parameter {sorted(clash)[0]!r} is set twice"
                        " (in parameters, grid or sets)",
                    )
                rows.append(({**entry.parameters, **g, **s}, s_index if entry.sets else None))

        for nb in chosen:
            for row, s_index in rows:
                values: dict[str, Any] = {}
                for name, value in common.items():
                    if name in nb.parameters:
                        values[name] = value
                        used_common.add(name)

                def section(
                    name: str, s_index: int | None = s_index, entry: RunEntry = entry
                ) -> list[Any]:
                    if s_index is not None and name in entry.sets[s_index]:
                        return ["sets", s_index, name]
                    return ["grid", name] if name in entry.grid else ["parameters", name]

                for name, value in row.items():
                    if name not in nb.parameters:
                        raise err(
                            base + section(name),
                            f"notebook {nb.name} has no parameter {name!r}"
                            f" (declared: {_declared(nb)})",
                        )
                    values[name] = value
                cli_axes = []
                for name, raws in cli.items():
                    if name in nb.parameters:
                        used_cli.add(name)
                        cli_axes.append(
                            (name, [P.parse_cli_value(r, nb.parameters[name]) for r in raws])
                        )
                combos = itertools.product(*[v for _, v in cli_axes]) if cli_axes else [()]
                for combo in combos:
                    final = {**values, **dict(zip([a for a, _ in cli_axes], combo, strict=True))}
                    for name, value in final.items():
                        try:
                            final[name] = P.check_against(nb.parameters[name], value, nb.name)
                        except InputError as exc:
                            if name in cli:
                                raise InputError(f"-p {name}: {exc.message}") from None
                            loc = base + section(name) if name in row else ["common", name]
                            raise err(loc, exc.message) from None
                    ordered = {k: final[k] for k in nb.parameters if k in final}
                    origin = f"runs[{index}]" if index is not None else "command line"
                    naming = tuple(k for k in ordered if k in row or k in cli)
                    locations = {
                        k: ("-p",)
                        if k in cli
                        else tuple(base + section(k))
                        if k in row
                        else ("common", k)
                        for k in ordered
                    }
                    reports.append(
                        ReportSpec(nb, ordered, origin=origin, naming=naming, locations=locations)
                    )

    for name in common:
        if name not in used_common:
            raise err(["common", name], f"no selected notebook declares parameter {name!r}")
    for name in cli:
        if name not in used_cli:
            which = ", ".join(dict.fromkeys(nb.name for nb in selected_any)) or "none"
            raise InputError(
                f"-p {name}: no selected notebook declares parameter {name!r} (notebooks: {which})"
            )
    if restrict is not None and not reports:
        raise InputError("none of the named notebooks is part of the batch")

    # duplicates (the same notebook with the same values) run once
    unique: dict[tuple[str, str], ReportSpec] = {}
    for report in reports:
        unique.setdefault(report.key(), report)
    reports = list(unique.values())
    if not reports:
        raise InputError("nothing to run")
    assign_slugs(reports)
    plan = Plan(reports=reports, batch=batch)
    if check_values:
        check_report_values(plan)
    return plan


def assign_slugs(reports: list[ReportSpec]) -> None:
    """Give each report a unique output name built from its parameters."""
    taken: set[str] = set()
    for report in reports:
        naming = (
            report.parameters
            if report.naming is None
            else {k: v for k, v in report.parameters.items() if k in report.naming}
        )
        slug = P.report_slug(report.notebook, naming)
        if slug.lower() in taken:
            slug = f"{slug}__{P.params_hash(report.parameters)}"
        n = 2
        base = slug
        while slug.lower() in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug.lower())
        report.slug = slug


# --------------------------------------------------------------------------- the notebooks' validator
def report_arguments(report: ReportSpec, calls: dict[Path, Any]) -> dict[str, Any] | None:
    """The arguments ``report``'s notebook will pass to :func:`analysis.notebook.start`
    (its parameters, the notebook's defaults for those not set), or None when the
    notebook does not call it or the runner cannot tell what it passes."""
    nb = report.notebook
    if nb.path not in calls:
        calls[nb.path] = P.validator_arguments(nb.path)
    call = calls[nb.path]
    if call is None:
        return None
    values: dict[str, Any] = {}
    for keyword, argument in call.items():
        if argument.parameter is None:
            values[keyword] = argument.value
        elif argument.parameter in report.parameters:
            values[keyword] = report.parameters[argument.parameter]
        elif argument.parameter in nb.parameters:
            declared = nb.parameters[argument.parameter]
            value = declared.default_value
            if value is declared.default:  # Parameter.default_value gives the text back for an
                return None  # expression: only the kernel knows its value
            values[keyword] = value
        else:
            return None  # a variable of the notebook's own
    return values


def check_report_values(plan: Plan, *, regions: Any = None) -> None:
    """Check every report's values with the project's validator before any kernel starts.

    For each report whose notebook calls :func:`analysis.notebook.start`, the
    arguments it will pass (see :func:`report_arguments`) go through
    :func:`analysis.parameters.check_parameters` and
    :func:`analysis.parameters.check_data_periods`, the checks the notebook
    itself makes: known region, a wijk of that region, period syntax,
    ``start`` <= ``end``, and periods within the data of the chosen source.
    The region data are read once per batch, the periods once per source.

    Raises
    ------
    InputError
        One line: where the value was set (batch file line and key path, or
        ``-p``), the report, the parameter and the problem with a suggestion;
        ``(and N more reports)`` when more reports fail.
    """
    from ..errors import ParameterError
    from ..parameters import RegionCatalogue, check_data_periods, check_parameters, data_periods
    from ..sources import resolve_source

    calls: dict[Path, Any] = {}
    spans: dict[Any, Any] = {}
    first: InputError | None = None
    failed = 0
    for report in plan.reports:
        values = report_arguments(report, calls)
        if values is None:
            continue
        if regions is None:
            regions = RegionCatalogue.load()
        try:
            params = check_parameters(values, regions=regions)
            if params.source not in spans:
                spans[params.source] = data_periods(resolve_source(params.source))
            check_data_periods(params, spans[params.source], params.source)
        except ParameterError as exc:
            failed += 1
            if first is None:
                first = _value_error(plan, report, exc, calls[report.notebook.path])
        except InputError as exc:  # e.g. an unreadable CBS cache: the same for every report
            raise InputError(f"report {report.slug}: {exc.message}") from None
    if first is not None:
        if failed > 1:
            first = InputError(
                f"{first.message} (and {failed - 1} more report{'s' if failed > 2 else ''})"
            )
        raise first


def _value_error(
    plan: Plan, report: ReportSpec, exc: Any, call: dict[str, P.Argument]
) -> InputError:
    """The validator's error, said from the runner's side: where the value came from."""
    argument = call.get(exc.name)
    name = argument.parameter if argument is not None and argument.parameter else exc.name
    problem = f"report {report.slug}: parameter {name!r}: {' '.join(exc.problem.split())}"
    if name not in report.parameters:
        problem += " (the notebook's default)" if name in report.notebook.parameters else ""
    location = report.locations.get(name)
    if location == ("-p",) or location is None or plan.batch is None:
        return InputError(f"-p {name}: {problem}" if location == ("-p",) else problem)
    return plan.batch.error(list(location), problem)
