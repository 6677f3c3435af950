"""Shared fixtures: every test works in its own temporary storeops home."""

from __future__ import annotations

import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh, empty storeops home (STOREOPS_HOME) for one test."""
    monkeypatch.setenv("STOREOPS_HOME", str(tmp_path))
    return tmp_path
