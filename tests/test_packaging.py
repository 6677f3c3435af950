"""The repository's own guarantees: dependency lists agree, lib/ is tracked, notebooks clean."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from storeops import paths

ROOT = paths.REPO
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def _spec(requirement: str) -> str:
    name = _name(requirement)
    return requirement.strip()[len(name):].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r): _spec(r) for r in project["dependencies"]}
    wanted |= {_name(r): _spec(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    listed: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            name = CONDA_TO_PYPI.get(_name(item), _name(item))
            if name not in ("python", "pip"):
                listed[name] = _spec(item)
    assert listed == wanted


def test_lib_is_not_ignored():
    result = subprocess.run(["git", "check-ignore", "-q", "lib/storeops/metrics.py"],
                            cwd=ROOT, check=False)
    assert result.returncode == 1, ".gitignore must not ignore lib/"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_notebook_is_clean(path: Path):
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_notebook_parameters_are_literals(path: Path):
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    for line in first.source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.match(r'^\w+(: \w+)? = ("[^"]*"|-?\d+(\.\d+)?|True|False)\s*(#.*)?$',
                            line), line


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_notebook_has_no_sql_or_paths(path: Path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        # the builtin open() (not storeops.open), raw SQL, paths: none belong in a notebook
        assert not re.search(r"\bSELECT\b|\bFROM\b|\.execute\(|(?<![\w.])open\(|Path\(|/data/",
                             cell.source), cell.source
