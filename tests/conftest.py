"""Shared fixtures: every test works in its own temporary storeops home; browser tests share
the path of Debian's chromium."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh, empty storeops home (STOREOPS_HOME) for one test."""
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of chromium; installed with apt-get when missing and root, else skip loudly."""
    exe = shutil.which("chromium")
    if exe is None:
        if os.geteuid() != 0:
            pytest.skip("!!! BROWSER TESTS SKIPPED: `chromium` is not on PATH and we are not "
                        "root to install it — run `sudo apt-get install -y chromium` !!!")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        packages = ["chromium"]
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,
                               check=False) if shutil.which("fc-list") else None
        if fonts is None or not fonts.stdout.strip():
            packages.append("fonts-noto-cjk")  # CJK glyphs, as on the owner's phone
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env,
                       timeout=900)
        exe = shutil.which("chromium")
        assert exe, "apt-get install chromium succeeded but chromium is not on PATH"
    return exe
