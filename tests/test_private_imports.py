"""No module of the package reaches into another module's private names.

A seam is public or it is not a seam (GUIDE): when one module needs another's
``_name``, the name becomes public (with a docstring) instead. This test reads
every module of ``src/analysis`` and lists each private name it imports from,
or reads off, another module of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _target(module: str, path: Path, node: ast.ImportFrom) -> str | None:
    """The absolute module an ``ImportFrom`` names, or None when it is outside the package."""
    if node.level == 0:
        return node.module if (node.module or "").split(".")[0] == "analysis" else None
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(path: Path, root: Path = SRC) -> list[str]:
    """``file:line name`` for every private name ``path`` takes from another module of the package."""
    module = _module_name(path, root)
    where = path.relative_to(root.parent).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = _target(module, path, node)
        if target is None:
            continue
        for alias in node.names:
            bound = alias.asname or alias.name
            if _private(alias.name) and target != module:
                found.append(f"{where}:{node.lineno} {target}.{alias.name}")
            modules.add(bound)  # may be a module (from . import plotting); checked below
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "analysis":
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{where}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_the_checker_finds_private_names_taken_across_modules(tmp_path):
    pkg = tmp_path / "analysis"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text(
        "from .b import _hidden, shown\nfrom . import plotting\nplotting._finish()\n"
    )
    (pkg / "sub" / "c.py").write_text(
        "from ..b import _other\nfrom . import _own\nfrom .c import _self\n"
    )
    a = private_imports(pkg / "a.py", pkg)
    c = private_imports(pkg / "sub" / "c.py", pkg)
    assert a == ["analysis/a.py:1 analysis.b._hidden", "analysis/a.py:3 plotting._finish"]
    assert c == ["analysis/sub/c.py:1 analysis.b._other", "analysis/sub/c.py:2 analysis.sub._own"]


def test_no_private_name_crosses_a_module_boundary():
    found = [hit for path in sorted(SRC.rglob("*.py")) for hit in private_imports(path)]
    assert found == [], "private names used across modules (make them public):\n" + "\n".join(found)
