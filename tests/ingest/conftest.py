"""Fixtures for the ingest tests: a throw-away storeops home and a way to drop raw files in it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from storeops import paths

from .exports import STORE


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh storeops home under tmp_path (``STOREOPS_HOME``), with an empty raw folder."""
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    paths.raw_dir(STORE).mkdir(parents=True)
    return tmp_path


@pytest.fixture
def put_raw(home: Path) -> Callable[..., Path]:
    """Write a raw export into ``data/raw/<store>/``; ``mtime`` pins the file time (epoch s)."""

    def put(name: str, data: bytes, *, mtime: float | None = None) -> Path:
        path = paths.raw_dir(STORE) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    return put
