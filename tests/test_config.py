from __future__ import annotations

import pytest

from storeops import config
from storeops.errors import ConfigError, UnknownStoreError


def test_store_from_toml(home):
    (home / "stores.toml").write_text('[stores.s1]\nname = "一号店"\ngross_margin = 0.3\n',
                                      "utf-8")
    cfg = config.get_store("s1")
    assert cfg.name == "一号店"
    assert cfg.gross_margin == 0.3
    assert cfg.sleeping_days == 30


def test_raw_folder_without_entry_uses_defaults(home):
    (home / "data" / "raw" / "s2").mkdir(parents=True)
    cfg = config.get_store("s2")
    assert cfg.name == "s2" and cfg.lost_days == 50
    assert config.list_stores() == ["s2"]


def test_unknown_store_suggests_a_close_match(home):
    (home / "data" / "raw" / "demo").mkdir(parents=True)
    with pytest.raises(UnknownStoreError, match="是否是 'demo'"):
        config.get_store("demp")


@pytest.mark.parametrize("bad", ["../x", "", "a/b", "-x", 1])
def test_store_id_must_be_a_safe_name(bad):
    with pytest.raises(ConfigError):
        config.check_store_id(bad)


def test_broken_toml_is_one_clear_error(home):
    (home / "stores.toml").write_text("[stores.x\n", "utf-8")
    with pytest.raises(ConfigError, match="无法解析"):
        config.get_store("x")


def test_add_store_appends_once(home):
    config.add_store("demo", '演示"店')
    config.add_store("demo", "other")
    assert config.get_store("demo").name == '演示"店'
    assert (home / "stores.toml").read_text("utf-8").count("[stores.demo]") == 1


def test_thresholds_default_from_the_seeds_and_override_per_store(home):
    (home / "stores.toml").write_text(
        '[stores.a]\nname = "A"\n[stores.a.thresholds]\ndsr_line = 4.7\n'
        'ship_late_hours = 48\nanomaly = { gmv = [0.4, 1000] }\n', "utf-8")
    t = config.get_store("a").thresholds
    assert (t.dsr_line, t.ship_late_hours, t.ad_cost_ratio_max) == (4.7, 48, 0.20)
    assert t.anomaly["gmv"] == (0.4, 1000.0)
    assert t.anomaly["uv"] == (0.30, 200)  # untouched metrics keep their defaults
    assert t.operations()["late_hours"] == 48


@pytest.mark.parametrize("bad", ['typo = 1', 'anomaly = { sales = [0.1, 1] }'])
def test_unknown_thresholds_are_refused_with_the_known_names(home, bad):
    (home / "stores.toml").write_text(f'[stores.a]\n[stores.a.thresholds]\n{bad}\n', "utf-8")
    with pytest.raises(ConfigError):
        config.get_store("a")
