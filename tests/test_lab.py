"""``make lab``: the storeops kernel spec installs into a Jupyter data dir and runs this .venv."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from storeops import paths

MAKEFILE = paths.REPO / "Makefile"


def _lab_recipe() -> str:
    text = MAKEFILE.read_text("utf-8")
    match = re.search(r"^lab:.*?\n((?:\t.*\n?)+)", text, re.M)
    assert match, "the Makefile has no lab target"
    return match.group(1)


def test_make_lab_registers_the_storeops_kernel_and_opens_the_notebooks():
    recipe = _lab_recipe()
    assert '-m ipykernel install --user --name storeops --display-name "storeops"' in recipe
    assert "jupyter lab" in recipe and "notebooks" in recipe
    assert "default_kernel_name=storeops" in recipe


def test_kernel_spec_installs_into_a_temp_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "jupyter-data"
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(data))
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name",
                    "storeops", "--display-name", "storeops"], check=True,
                   capture_output=True, timeout=120)
    spec_file = data / "kernels" / "storeops" / "kernel.json"
    spec = json.loads(spec_file.read_text("utf-8"))
    assert spec["display_name"] == "storeops" and spec["language"] == "python"
    # the kernel is this environment's python, the one papermill and the batch use
    assert Path(spec["argv"][0]).resolve() == Path(sys.executable).resolve()
    found = KernelSpecManager().find_kernel_specs()
    assert Path(found["storeops"]).resolve() == spec_file.parent.resolve()
    # the notebooks ask for python3: it must resolve too (lab and papermill start it)
    assert "python3" in found


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_ask_for_the_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
