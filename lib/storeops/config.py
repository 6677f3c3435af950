"""Store settings from ``<home>/stores.toml``.

A store is a table under ``[stores.<id>]``::

    [stores.demo]
    name = "演示旗舰店"           # display name in reports
    gross_margin = 0.45          # 毛利率, for campaign profit
    sleeping_days = 30           # customer lifecycle thresholds
    lost_days = 50

A folder under ``data/raw/`` without an entry still works, with the defaults below.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field

from storeops import paths
from storeops.errors import ConfigError, UnknownStoreError

STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


# Anomaly thresholds per metric: (relative change, absolute floor in the metric's unit).
DEFAULT_ANOMALY: dict[str, tuple[float, float]] = {
    "gmv": (0.30, 500), "uv": (0.30, 200), "paid_buyers": (0.30, 10),
    "conversion_rate": (0.25, 0.005), "aov": (0.25, 20), "refund_rate": (0.50, 0.03),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """
    Every threshold the reports apply, with defaults from the seeds.

    Override any of them per store in stores.toml::

        [stores.demo.thresholds]
        dsr_line = 4.7
        ship_late_hours = 48
        anomaly = { gmv = [0.4, 1000] }
    """

    ad_cost_ratio_max: float = 0.20  # 推广费比 ceiling (seeds: promotion budget ≤ 20 % of sales)
    ctr_ratio: float = 0.5  # CTR under this share of the plan median -> 换创意
    no_sale_days: int = 7  # days of spend without an order -> 暂停关键词
    roi_days: int = 7  # window of the ROI-below-break-even rule
    dsr_line: float = 4.8
    cover_days: float = 7  # days of stock cover below which an item is flagged
    sales_days: int = 14  # sales window for the cover rate
    ship_warn_hours: int = 48
    ship_late_hours: int = 72  # the 72-hour shipping rule
    refund_baseline_days: int = 30
    recall_days: int = 30  # the 30-day recall
    anomaly: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_ANOMALY))

    def operations(self) -> dict[str, float | int]:
        """Keyword arguments of ``analysis.operations.operations_day``."""
        return {"dsr_line": self.dsr_line, "cover_days": self.cover_days,
                "sales_days": self.sales_days, "warn_hours": self.ship_warn_hours,
                "late_hours": self.ship_late_hours,
                "refund_baseline_days": self.refund_baseline_days}

    def ad_rules(self) -> dict[str, float | int]:
        """Keyword arguments of ``analysis.ads.keyword_rules``."""
        return {"ctr_ratio": self.ctr_ratio, "no_sale_days": self.no_sale_days,
                "roi_days": self.roi_days}


def _thresholds(table: object, store: str) -> Thresholds:
    if table is None:
        return Thresholds()
    if not isinstance(table, dict):
        raise ConfigError(f"stores.toml：[stores.{store}.thresholds] 必须是表")
    known = {f for f in Thresholds.__dataclass_fields__}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"stores.toml：[stores.{store}.thresholds] 没有 {', '.join(unknown)}；"
                          f"可用的有 {', '.join(sorted(known))}")
    values = dict(table)
    if "anomaly" in values:
        merged = dict(DEFAULT_ANOMALY)
        for metric, pair in values["anomaly"].items():
            if metric not in DEFAULT_ANOMALY or len(pair) != 2:
                raise ConfigError(f"stores.toml：anomaly.{metric} 应写成 [相对变化, 绝对门槛]，"
                                  f"指标只能是 {', '.join(DEFAULT_ANOMALY)}")
            merged[metric] = (float(pair[0]), float(pair[1]))
        values["anomaly"] = merged
    return Thresholds(**values)


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """One store's settings; every field has a default."""

    id: str
    name: str
    gross_margin: float = 0.45
    sleeping_days: int = 30
    lost_days: int = 50
    thresholds: Thresholds = field(default_factory=Thresholds)
    extra: dict = field(default_factory=dict)


def check_store_id(store: str) -> str:
    """Return ``store`` if it is a safe folder name, else raise ConfigError."""
    if not isinstance(store, str) or not STORE_ID.match(store):
        raise ConfigError(
            f"店铺编号 {store!r} 不合法：只能用字母、数字、'_'、'-'、'.'，且不以符号开头"
        )
    return store


def _read_toml() -> dict:
    path = paths.stores_toml()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} 无法解析（{exc}）：请修正该文件的 TOML 语法") from exc
    stores = data.get("stores", {})
    if not isinstance(stores, dict):
        raise ConfigError(f"{path}：[stores] 必须是表，例如 [stores.demo]")
    return stores


def list_stores() -> list[str]:
    """Return every store id: those in stores.toml and every folder under data/raw."""
    ids = set(_read_toml())
    root = paths.raw_root()
    if root.exists():
        ids.update(p.name for p in root.iterdir() if p.is_dir() and STORE_ID.match(p.name))
    return sorted(ids)


def get_store(store: str) -> StoreConfig:
    """
    Return one store's settings.

    Raises
    ------
    UnknownStoreError
        When the id is neither in stores.toml nor a folder under data/raw (with a suggestion).
    """
    check_store_id(store)
    table = _read_toml().get(store)
    if table is None:
        if paths.raw_dir(store).is_dir() or paths.warehouse_file(store).exists():
            return StoreConfig(id=store, name=store)
        known = list_stores()
        hint = difflib.get_close_matches(store, known, n=1)
        suggestion = f"，是否是 '{hint[0]}'？" if hint else ""
        raise UnknownStoreError(
            f"没有店铺 '{store}'：stores.toml 中没有它，data/raw/{store}/ 也不存在{suggestion}"
            f"（已知店铺：{', '.join(known) or '无'}）"
        )
    known_fields = {"name", "gross_margin", "sleeping_days", "lost_days", "thresholds"}
    return StoreConfig(
        id=store,
        name=str(table.get("name", store)),
        gross_margin=float(table.get("gross_margin", 0.45)),
        sleeping_days=int(table.get("sleeping_days", 30)),
        lost_days=int(table.get("lost_days", 50)),
        thresholds=_thresholds(table.get("thresholds"), store),
        extra={k: v for k, v in table.items() if k not in known_fields},
    )


def add_store(store: str, name: str, **settings: float | int) -> None:
    """Append a ``[stores.<id>]`` entry to stores.toml unless the store is already listed."""
    check_store_id(store)
    if store in _read_toml():
        return
    path = paths.stores_toml()
    path.parent.mkdir(parents=True, exist_ok=True)
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    existing = path.read_text("utf-8") if path.exists() else ""
    sep = "" if not existing or existing.endswith("\n") else "\n"
    extra = "".join(f"{key} = {value!r}\n" for key, value in settings.items())
    path.write_text(f'{existing}{sep}\n[stores.{store}]\nname = "{escaped}"\n{extra}', "utf-8")
