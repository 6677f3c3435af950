from __future__ import annotations

from datetime import date

from storeops import paths


def test_everything_derives_from_home(home):
    assert paths.home() == home.resolve()
    assert paths.warehouse_file("s") == home / "data/processed/s/warehouse.duckdb"
    assert paths.raw_dir("s") == home / "data/raw/s"
    day = date(2026, 11, 26)
    assert paths.report_file("s", day, "daily_review", ".html") == (
        home / "reports/s/2026-11-26/daily_review.html")
    assert paths.metrics_file("s", day, "daily_review").name == "daily_review.metrics.json"
    assert paths.index_file() == home / "reports/index.html"


def test_default_home_is_the_repository(monkeypatch):
    monkeypatch.delenv("STOREOPS_HOME", raising=False)
    assert paths.home() == paths.REPO
    assert (paths.REPO / "pyproject.toml").exists()


def test_set_home_reaches_child_processes(tmp_path, monkeypatch):
    monkeypatch.delenv("STOREOPS_HOME", raising=False)
    import os

    paths.set_home(tmp_path)
    assert os.environ["STOREOPS_HOME"] == str(tmp_path.resolve())
    assert paths.home() == tmp_path.resolve()
