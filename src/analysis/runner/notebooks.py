"""The notebook collection: discovery and declared parameters.

Every ``NN_name.ipynb`` in the notebooks folder is a report. Its parameters
are the assignments in the cell tagged ``parameters`` (papermill's
convention), read with :func:`papermill.inspect_notebook`: name, default,
the type annotation if any and the trailing ``# comment`` as help::

    region = "GM0344"  # CBS region code (gemeente GMxxxx or wijk WKxxxxxx)
    year: int = 2024  # reporting year

Without an annotation the type is that of the default literal; a default of
``None`` or an expression accepts any value.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

NOTEBOOK_PATTERN = re.compile(r"^(?P<number>\d{2})_(?P<slug>[A-Za-z0-9][A-Za-z0-9_-]*)\.ipynb$")

_TYPE_NAMES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "list": "list",
    "tuple": "list",
    "sequence": "list",
    "dict": "dict",
    "mapping": "dict",
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a notebook."""

    name: str
    type: str  # str | int | float | bool | list | dict | any
    default: str  # the default as written in the notebook (source text)
    help: str = ""
    nullable: bool = False

    @property
    def default_value(self) -> Any:
        """The default as a Python value, or the source text if it is an expression."""
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return self.default


@dataclass
class Notebook:
    """A report notebook of the collection."""

    name: str  # file stem, e.g. 04_jeugdzorg_cbs
    path: Path
    parameters: dict[str, Parameter] = field(default_factory=dict)
    title: str = ""
    has_parameters_cell: bool = False

    @property
    def number(self) -> str:
        m = NOTEBOOK_PATTERN.match(self.path.name)
        return m.group("number") if m else ""

    def sha256(self) -> str:
        return "sha256:" + hashlib.sha256(self.path.read_bytes()).hexdigest()


def _type_from_annotation(annotation: str) -> tuple[str | None, bool]:
    """(type, nullable) from an annotation such as ``int``, ``list[str]``, ``Optional[str]``."""
    text = annotation.strip().strip("'\"")
    if not text or text == "None":
        return None, False
    nullable = False
    m = re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text)
    if m:
        text, nullable = m.group(1), True
    parts = [p.strip() for p in text.split("|")]
    if "None" in parts:
        nullable = True
        parts = [p for p in parts if p != "None"]
    if len(parts) != 1:
        return "any", nullable
    base = re.split(r"\[", parts[0], maxsplit=1)[0].split(".")[-1].lower()
    return _TYPE_NAMES.get(base, "any"), nullable


def _type_from_default(default: str) -> tuple[str, bool]:
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return "any", True
    if value is None:
        return "any", True
    if isinstance(value, bool):
        return "bool", False
    for kind, name in (
        (int, "int"),
        (float, "float"),
        (str, "str"),
        (list, "list"),
        (tuple, "list"),
        (dict, "dict"),
    ):
        if isinstance(value, kind):
            return name, False
    return "any", True


def _title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
            break
    return ""


def inspect(path: Path) -> Notebook:
    """Read a notebook's declared parameters and title."""
    import nbformat
    from papermill import inspect_notebook

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
        raw = inspect_notebook(str(path))
    except Exception as exc:
        raise InputError(f"cannot read notebook: {type(exc).__name__}: {exc}", file=path) from None
    has_cell = any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    params: dict[str, Parameter] = {}
    for name, info in raw.items():
        default = str(info.get("default", "")).strip()
        kind, nullable = _type_from_annotation(str(info.get("inferred_type_name") or ""))
        if kind is None:
            kind, nullable = _type_from_default(default)
        elif default == "None":
            nullable = True
        params[name] = Parameter(
            name=name,
            type=kind,
            default=default,
            help=str(info.get("help") or "").strip(),
            nullable=nullable,
        )
    return Notebook(
        name=path.stem,
        path=path.resolve(),
        parameters=params,
        title=_title(nb),
        has_parameters_cell=has_cell,
    )


def discover(directory: Path) -> list[Notebook]:
    """Every ``NN_name.ipynb`` in ``directory``, in name order."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("notebooks folder not found", file=directory)
    paths = sorted(p for p in directory.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    return [inspect(p) for p in paths]


def select(collection: list[Notebook], names: list[str], *, where: str = "") -> list[Notebook]:
    """The notebooks named by ``names`` (stem, ``NN`` number, name without number, or a path).

    An unknown name raises :class:`InputError` listing what exists.
    """
    chosen: list[Notebook] = []
    for name in names:
        found = _find(collection, name)
        if found is None:
            path = Path(name)
            if path.suffix == ".ipynb" and path.is_file():
                found = inspect(path)
            else:
                known = ", ".join(nb.name for nb in collection) or "none"
                prefix = f"{where}: " if where else ""
                raise InputError(f"{prefix}unknown notebook {name!r} (known: {known})")
        if all(found.path != nb.path for nb in chosen):
            chosen.append(found)
    return chosen


def _find(collection: list[Notebook], name: str) -> Notebook | None:
    key = Path(name).name.removesuffix(".ipynb")
    for nb in collection:
        m = NOTEBOOK_PATTERN.match(nb.path.name)
        if key in {nb.name, m.group("number") if m else None, m.group("slug") if m else None}:
            return nb
    return None
