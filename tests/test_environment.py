"""environment.yml (for conda users) and pyproject.toml must list the same packages."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis import config


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())


def _conda_packages() -> set[str]:
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    names = {_name(dep) for dep in env["dependencies"] if isinstance(dep, str)}
    return names - {"python", "pip"}


def test_environment_yml_lists_every_runtime_and_test_dependency():
    project = _pyproject()["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    conda = _conda_packages()
    assert wanted - conda == set(), f"missing in environment.yml: {sorted(wanted - conda)}"
    assert conda - wanted == set(), (
        f"in environment.yml but not in pyproject.toml: {sorted(conda - wanted)}"
    )


def test_environment_yml_pins_python_311_and_installs_the_package():
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_lower_bounds_agree():
    project = _pyproject()["project"]
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    for req in project["dependencies"]:
        bound = re.search(r">=\s*([\w.]+)", req)
        if bound:
            assert f">={bound.group(1)}" in conda[_name(req)], f"{req} vs {conda[_name(req)]}"


def test_the_lock_pins_every_dependency_within_its_bounds():
    """requirements/lock.txt (make lock) pins every runtime and test package, at a version pyproject allows."""
    from packaging.requirements import Requirement

    pins = {}
    for line in (config.PROJECT_ROOT / "requirements" / "lock.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    project = _pyproject()["project"]
    for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(text)
        assert _name(req.name) in pins, f"{req.name} is not in requirements/lock.txt: run make lock"
        assert req.specifier.contains(pins[_name(req.name)]), (
            f"{req.name}=={pins[_name(req.name)]} breaks {req}"
        )
