"""Parameter names and values: validation, command-line parsing, output names.

Parameters are data. A name must be a Python identifier (and not a keyword);
a value must be a JSON scalar (text, integer, finite number, true/false,
null) or a list of such values (lists may nest). Papermill writes them into
the injected cell as literals; :func:`check_injected_cell` then re-parses that
cell and proves it is nothing but ``name = <literal>`` assignments that
evaluate to exactly the values given, so no value can ever become code.
"""

from __future__ import annotations

import ast
import hashlib
import json
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .notebooks import Notebook, Parameter

_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
MAX_VALUE_SLUG = 48
MAX_SLUG = 150


def check_name(name: Any) -> str:
    """``name`` if it can be a notebook parameter, else ``ValueError``."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"invalid parameter name {name!r}: must be a Python identifier")
    if name.startswith("__"):
        raise ValueError(f"invalid parameter name {name!r}: names starting with '__' are reserved")
    return name


def check_value(value: Any, *, depth: int = 0) -> Any:
    """``value`` if it is a JSON scalar or a list of them, else ``ValueError``."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return value
    if isinstance(value, list | tuple):
        if depth > 8:
            raise ValueError("lists nest too deep")
        return [check_value(v, depth=depth + 1) for v in value]
    if isinstance(value, Mapping):
        raise ValueError(
            "a parameter value must be a text, number, true/false, null or a list, not a mapping"
        )
    raise ValueError(f"unsupported value of type {type(value).__name__}")


def describe(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def check_against(param: Parameter, value: Any, notebook: str) -> Any:
    """Check ``value`` against the declared type; returns it (ints are accepted for float)."""
    value = check_value(value)
    if value is None:
        if param.nullable or param.type == "any":
            return value
        raise InputError(
            f"parameter {param.name!r} of notebook {notebook}: null is not a {param.type}"
        )
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list": isinstance(value, list),
        "dict": False,
        "any": True,
    }.get(param.type, True)
    if not ok:
        hint = " (quote it in YAML)" if param.type == "str" else ""
        raise InputError(
            f"parameter {param.name!r} of notebook {notebook}: expected a"
            f" {param.type}, got {describe(value)}{hint}"
        )
    return value


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def parse_cli_value(text: str, param: Parameter | None) -> Any:
    """A ``-p NAME VALUE`` string as the value the declared type asks for.

    ``str`` parameters take the text as it is (so ``0363`` stays ``"0363"``);
    ``int``/``float``/``bool`` are parsed strictly; lists (and undeclared or
    untyped parameters) are read as JSON, falling back to the text.
    """
    kind = param.type if param is not None else "any"
    name = param.name if param is not None else "?"
    if kind == "str":
        return text
    if kind == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise InputError(f"parameter {name!r}: expected true or false, got {text!r}")
    if kind in {"int", "float"}:
        try:
            return int(text) if kind == "int" else float(text)
        except ValueError:
            raise InputError(
                f"parameter {name!r}: expected {'an integer' if kind == 'int' else 'a number'},"
                f" got {text!r}"
            ) from None
    if text.strip().lower() in {"none", "null"} and (param is None or param.nullable):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if kind == "list" and not isinstance(value, list):
        raise InputError(
            f'parameter {name!r}: expected a JSON list such as ["a", "b"], got {text!r}'
        )
    if isinstance(value, dict):
        return text
    return value


def value_slug(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        text = json.dumps(value)
    elif isinstance(value, list):
        text = "+".join(value_slug(v) for v in value)
    else:
        text = str(value)
    text = _SLUG_UNSAFE.sub("_", text).strip("._")
    return text[:MAX_VALUE_SLUG] or "x"


def report_slug(notebook: Notebook, parameters: Mapping[str, Any]) -> str:
    """Output name of a report: ``04_jeugdzorg_cbs__region-GM0363`` (safe characters only).

    Long names are cut and made unique with a hash of the parameters.
    """
    parts = [notebook.name] + [f"{value_slug(k)}-{value_slug(v)}" for k, v in parameters.items()]
    slug = "__".join(parts)
    if len(slug) > MAX_SLUG:
        slug = f"{slug[: MAX_SLUG - 10]}__{params_hash(parameters)}"
    return slug


def params_hash(parameters: Mapping[str, Any]) -> str:
    blob = json.dumps(parameters, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:8]


def check_injected_cell(source: str, parameters: Mapping[str, Any]) -> None:
    """Prove the injected cell is only ``name = literal`` lines equal to ``parameters``.

    Raises :class:`RuntimeError` otherwise (a bug in the translator would
    have to be exploited for that; the report is then not run).
    """
    tree = ast.parse(source)
    seen: dict[str, Any] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            raise RuntimeError(
                f"injected parameter cell holds a statement that is not an assignment:"
                f" {ast.dump(node)[:80]}"
            )
        seen[node.targets[0].id] = _literal(node.value)
    if list(seen) != list(parameters) or any(not _same(seen[k], parameters[k]) for k in seen):
        raise RuntimeError("injected parameter cell does not hold exactly the given values")


def _literal(node: ast.AST) -> Any:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
        raise RuntimeError("non-finite floats are not parameters")
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise RuntimeError("injected parameter cell holds a value that is not a literal") from None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- the notebooks' own validator
#: The function a project notebook calls with its parameters (analysis.notebook.start).
VALIDATOR_MODULE = "analysis.notebook"
VALIDATOR_FUNCTION = "start"


@dataclass(frozen=True)
class Argument:
    """One keyword argument of a notebook's ``notebook.start(...)`` call: the notebook
    parameter it passes (``parameter``) or a literal ``value``."""

    parameter: str | None = None
    value: Any = None


def validator_arguments(path: Path) -> dict[str, Argument] | None:
    """How a notebook calls :func:`analysis.notebook.start`, read from its code cells.

    Recognised: ``from analysis import notebook`` (any alias) then
    ``notebook.start(...)``, ``import analysis.notebook as nb`` then
    ``nb.start(...)``, and ``from analysis.notebook import start``. Cells that
    are not plain Python (magics) are skipped.

    Returns
    -------
    dict or None
        Keyword -> :class:`Argument` of the first such call; None when the
        notebook makes none, or passes something other than names and
        literals (``**kwargs``, expressions): then the runner cannot know the
        values and leaves validation to the notebook.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    modules: set[str] = set()
    functions: set[str] = set()
    package, _, module = VALIDATOR_MODULE.rpartition(".")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == package:
                modules.update(a.asname or a.name for a in node.names if a.name == module)
            elif isinstance(node, ast.ImportFrom) and node.module == VALIDATOR_MODULE:
                functions.update(
                    a.asname or a.name for a in node.names if a.name == VALIDATOR_FUNCTION
                )
            elif isinstance(node, ast.Import):
                modules.update(
                    a.asname for a in node.names if a.name == VALIDATOR_MODULE and a.asname
                )
                if any(a.name == VALIDATOR_MODULE and not a.asname for a in node.names):
                    modules.add(VALIDATOR_MODULE)
            elif isinstance(node, ast.Call) and _is_validator(node.func, modules, functions):
                return _arguments(node)
    return None


def _is_validator(func: ast.AST, modules: set[str], functions: set[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in functions
    if isinstance(func, ast.Attribute) and func.attr == VALIDATOR_FUNCTION:
        return ast.unparse(func.value) in modules
    return False


def _arguments(call: ast.Call) -> dict[str, Argument] | None:
    if call.args or any(k.arg is None for k in call.keywords):
        return None
    out: dict[str, Argument] = {}
    for keyword_ in call.keywords:
        if isinstance(keyword_.value, ast.Name):
            out[str(keyword_.arg)] = Argument(parameter=keyword_.value.id)
            continue
        try:
            out[str(keyword_.arg)] = Argument(value=ast.literal_eval(keyword_.value))
        except ValueError:
            return None
    return out
