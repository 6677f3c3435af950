"""The annual plan: from history and a yearly goal to month and day targets, traffic, budgets.

How the seeds plan a store's year (``seeds/000``, ``seeds/003``): the sales goal is split by
quarter and month; each month needs 访客数 × 转化率 × 客单价 to reach it (本月所需UV); the store
joins the platform's campaigns; promotion spend stays ≤ 20 % of sales; the team the store can
afford costs about 6–7 % of revenue, with a team per revenue tier.

The steps here, each a pure function:

1. :func:`history` — the last 12 complete months: GMV, 访客数, conversion and AOV by month
   (``metrics.compute``, sum-then-divide), daily GMV, a month × weekday seasonality index
   measured on normal days, and the uplift of every past platform event (GMV in the event's
   window ÷ the same-weekday baseline of the 4 weeks before it).
2. :func:`plan_calendar` — the plan year's events (the store's own windows from its 大促日历
   moved to the plan year, else the platform's usual windows), public holidays (预计 where the
   official schedule is not out) and the Spring Festival logistics stop.
3. :func:`make` — day weights = month index × weekday index × event factor × Spring Festival
   factor; the year's target is split into months and each month into days by largest
   remainder to the yuan (:func:`allocate`), so days add up to the month and months to the year.
4. The funnel (UV needed at the reference conversion and AOV, and the gap to last year's UV),
   the ad budget (≤ the 推广费比 ceiling) and the team (:data:`TEAM_TIERS`).
5. :func:`targets_rows` / :func:`write_targets_sheet` / :func:`write_targets` — the targets
   in the hand-kept 目标 format that ``storeops ingest`` reads, and straight into the warehouse.

Every assumption that did not come from the store's own history is listed in
``Plan.defaults_used`` so the report can say which figures are defaults.
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import holidays
import pandas as pd

from storeops import calendar, metrics, paths, warehouse
from storeops.config import StoreConfig
from storeops.errors import ConfigError

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- documented defaults

SCENARIO_NAMES = ("保守", "基准", "激进")


@dataclass(frozen=True, slots=True)
class Scenario:
    """
    One set of planning assumptions.

    Attributes
    ----------
    name : str
        保守 / 基准 / 激进.
    growth : float
        Growth of the year's GMV over the last 12 months (0.3 = +30 %); used when the annual
        target is proposed.
    conversion_change, aov_change : float
        Relative change of the reference 支付转化率 and 客单价 the plan assumes (0.05 = +5 %).
    uplift_scale : float
        Multiplier of every event's extra demand: expected uplift = 1 + (uplift − 1) × scale.
    """

    name: str
    growth: float
    conversion_change: float
    aov_change: float
    uplift_scale: float


DEFAULT_SCENARIOS: dict[str, Scenario] = {
    "保守": Scenario("保守", growth=0.10, conversion_change=-0.05, aov_change=0.0,
                   uplift_scale=0.8),
    "基准": Scenario("基准", growth=0.30, conversion_change=0.0, aov_change=0.0,
                   uplift_scale=1.0),
    "激进": Scenario("激进", growth=0.50, conversion_change=0.10, aov_change=0.05,
                   uplift_scale=1.2),
}
"""Defaults of the three scenarios; override per store in stores.toml::

    [stores.demo.plan.基准]
    growth = 0.25
    conversion_change = 0.02
"""

DEFAULT_EVENT_UPLIFT: dict[str, float] = {
    "年货节": 1.2, "38节": 1.3, "618": 1.6, "99大促": 1.2, "双11": 2.0, "双12": 1.3,
}
"""Expected GMV of an event window ÷ its normal-day baseline, for a store with no history of
the event. Our assumption (the seeds give no numbers): the 2 big festivals double or nearly
double a normal window, the smaller ones add 20–30 %. Override with ``event_uplift`` in the
store's ``plan`` table."""

SPRING_STOP_BEFORE = 5
"""Days before 除夕 when couriers stop taking parcels (the stop starts on 除夕 − 5)."""
SPRING_STOP_AFTER = 6
"""The stop ends on 正月初六 (除夕 + 6), when couriers are back."""
SPRING_FACTOR = 0.4
"""Demand during the stop ÷ a normal day (buyers travel, parcels wait): our default."""

STAFF_RATIO = 0.065
"""Personnel cost ÷ revenue the plan budgets (the seeds: 6 %–7 %; the middle)."""
STAFF_BAND = (0.06, 0.07)

DEFAULT_AD_RATIO = 0.10
"""推广费比 assumed when the store has no ad history (half the 20 % ceiling)."""

HISTORY_MONTHS = 12
REFERENCE_DAYS = 90
"""Conversion, AOV and 推广费比 are taken over the last 90 days (sum-then-divide)."""
BASELINE_WEEKS = 4
PROPOSE_ROUND = 1000
"""A proposed annual target is rounded half-up to the nearest ¥1,000."""

INQUIRIES_PER_AGENT = 100
"""询单人数 one 客服 handles in a day: our default (the seeds give no number; a pre-sales agent
on 千牛 typically handles 80–150 inquiring buyers a day). Override with ``inquiries_per_agent``
in the store's ``plan`` table."""

OTHER_CATEGORY = "其他"
"""Category of order lines whose 商家编码 matches no configured prefix."""

PLAN_OWNER = "年度计划（自动生成）"
"""负责人 of every target row the plan writes; the plan replaces only its own rows."""


@dataclass(frozen=True, slots=True)
class Role:
    """One role of a team tier: monthly cost (元/月) and head count (人)."""

    role: str
    people: int
    monthly_cost: int


TEAM_TIERS: tuple[tuple[str, tuple[Role, ...]], ...] = (
    ("起步", (Role("客服", 2, 4000),)),
    ("成长", (Role("客服", 3, 6500), Role("美工", 1, 5000), Role("推广", 1, 5000),
            Role("仓储物流", 1, 2500))),
    ("扩张", (Role("客服", 3, 6500), Role("美工", 1, 5000), Role("推广", 1, 5000),
            Role("仓储物流", 2, 5000))),
    ("成熟", (Role("客服", 4, 9000), Role("美工", 2, 10000), Role("推广", 1, 5000),
            Role("商品", 1, 3000), Role("仓储物流", 3, 8000), Role("策划文案", 1, 3000))),
)
"""The seeds' team per revenue tier (seeds/000 第四章 部门架构调整): each tier's roles with
their monthly cost. The seeds' tier revenues and totals do not add up (e.g. ¥38,000 of staff for
¥100,000 of revenue, "6 %–7 %" in the same paragraph), so the tier is chosen by cost: the
largest team whose monthly cost fits the 6–7 % budget of an average month. Above the top tier
the top team grows in proportion to the budget."""

_EVENT_ALIASES = (("年货", "年货节"), ("38", "38节"), ("女王", "38节"), ("618", "618"),
                  ("99", "99大促"), ("双11", "双11"), ("双十一", "双11"), ("双12", "双12"),
                  ("双十二", "双12"))

_HOLIDAY_EXTRA = {
    "Tomb-Sweeping Day": "清明", "Tomb-sweeping Day": "清明", "Labor Day": "劳动节",
    "Labour Day": "劳动节", "Chinese New Year (Spring Festival)": "春节",
    "Chinese New Year's Eve": "除夕", "Dragon Boat Festival": "端午", "National Day": "国庆",
    "Mid-Autumn Festival": "中秋", "Mid-autumn Festival": "中秋", "New Year's Day": "元旦",
}


# ---------------------------------------------------------------- parameters


def resolve_year(year: str | int, day: date) -> int:
    """
    Return the plan year: ``""`` or ``"0"`` means the year after ``day``'s year.

    Raises
    ------
    ConfigError
        When ``year`` is not a year between 2000 and 2100.
    """
    text = str(year).strip()
    if text in ("", "0"):
        return day.year + 1
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ConfigError(f"参数 year={year!r} 不是年份：请写 2027 这样的四位年份，或留空表示明年")
    return int(text)


def parse_money(text: str | int | float) -> Decimal:
    """Return a yuan amount from a parameter (``"8000000"``, ``"800万"``); ``"0"``/``""`` → 0."""
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("元", "")
    scale = Decimal(1)
    if raw.endswith("万"):
        raw, scale = raw[:-1], Decimal(10_000)
    elif raw.endswith("亿"):
        raw, scale = raw[:-1], Decimal(100_000_000)
    if raw == "":
        return Decimal(0)
    try:
        value = Decimal(raw) * scale
    except ArithmeticError as exc:
        raise ConfigError(f"参数 annual_target={text!r} 不是金额：请写 8000000 或 800万") from exc
    if not value.is_finite() or value < 0:
        raise ConfigError(f"参数 annual_target={text!r} 不是非负金额")
    return value


def parse_growth(text: str | float | None) -> float | None:
    """Return a growth rate from a parameter (``"0.3"``, ``"30%"``); ``""`` → None (default)."""
    if text is None:
        return None
    raw = str(text).strip()
    if raw == "":
        return None
    pct = raw.endswith("%")
    try:
        value = float(raw.rstrip("%")) / (100 if pct else 1)
    except ValueError as exc:
        raise ConfigError(f"参数 growth={text!r} 不是增长率：请写 0.3 或 30%") from exc
    if not -0.9 <= value <= 10:
        raise ConfigError(f"参数 growth={text!r} 超出范围（-90 % 到 +1000 %）")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """
    The store's plan settings: scenarios, event defaults, ratios (stores.toml ``plan``).

    Attributes
    ----------
    inquiries_per_agent : float
        询单人数 one 客服 handles a day (:data:`INQUIRIES_PER_AGENT`).
    juhuasuan_slot_fee : Decimal
        聚划算 坑位费 per campaign joined (元); 0 by default.
    juhuasuan_commission_rate : float
        聚划算 佣金 as a fraction of the campaign's GMV; 0 by default.
    juhuasuan_events : tuple of str
        The plan-year events joined with 聚划算; empty = every platform event of the year.
    juhuasuan_gmv_share : float
        Share of an event window's GMV sold through 聚划算 (the commission base); 1.0 by
        default, i.e. the whole window (an upper bound).
    categories : dict of str to tuple of str
        Category → 商家编码 prefixes of its items, in the order they are matched; empty = no
        category split.
    """

    scenarios: dict[str, Scenario]
    event_uplift: dict[str, float]
    spring_factor: float = SPRING_FACTOR
    staff_ratio: float = STAFF_RATIO
    ad_ratio_max: float = 0.20
    overridden: tuple[str, ...] = ()
    inquiries_per_agent: float = INQUIRIES_PER_AGENT
    juhuasuan_slot_fee: Decimal = Decimal(0)
    juhuasuan_commission_rate: float = 0.0
    juhuasuan_events: tuple[str, ...] = ()
    juhuasuan_gmv_share: float = 1.0
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)


_NUMBER_KEYS = {"spring_factor", "staff_ratio", "inquiries_per_agent", "juhuasuan_slot_fee",
                "juhuasuan_commission_rate", "juhuasuan_gmv_share"}
_SETTING_KEYS = {"event_uplift", "juhuasuan_events", "categories", *_NUMBER_KEYS,
                 *SCENARIO_NAMES}
_SCENARIO_KEYS = {"growth", "conversion_change", "aov_change", "uplift_scale"}


def _categories(table: object, store: str) -> dict[str, tuple[str, ...]]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"stores.toml：[stores.{store}.plan.categories] 必须是表，"
                          '例如 "卫衣" = ["WY"]（类目 = 商家编码前缀列表）')
    out: dict[str, tuple[str, ...]] = {}
    for name, prefixes in table.items():
        values = [prefixes] if isinstance(prefixes, str) else prefixes
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise ConfigError(f"stores.toml：plan.categories.{name} 应是商家编码前缀的列表，"
                              '例如 ["WY", "WT"]')
        out[str(name)] = tuple(values)
    return out


def settings(store: StoreConfig) -> Settings:
    """
    Read the store's ``[stores.<id>.plan]`` table over the documented defaults.

    Example::

        [stores.demo.plan]
        spring_factor = 0.5
        event_uplift = { "双11" = 2.4 }
        juhuasuan_slot_fee = 8000            # 聚划算 坑位费 per campaign (元); default 0
        juhuasuan_commission_rate = 0.03     # 聚划算 佣金 (fraction); default 0
        juhuasuan_events = ["618", "双11"]   # default: every platform event
        inquiries_per_agent = 120            # default INQUIRIES_PER_AGENT
        [stores.demo.plan.categories]        # category = its 商家编码 prefixes
        "卫衣" = ["WY"]                      # (TOML needs Chinese keys quoted)
        [stores.demo.plan.激进]
        growth = 0.6

    Raises
    ------
    ConfigError
        On an unknown key or a value that is not a number.
    """
    table = store.extra.get("plan", {}) or {}
    if not isinstance(table, dict):
        raise ConfigError(f"stores.toml：[stores.{store.id}.plan] 必须是表")
    unknown = sorted(set(table) - _SETTING_KEYS)
    if unknown:
        raise ConfigError(f"stores.toml：[stores.{store.id}.plan] 没有 {', '.join(unknown)}；"
                          f"可用的有 {', '.join(sorted(_SETTING_KEYS))}")
    scenarios = dict(DEFAULT_SCENARIOS)
    overridden: list[str] = []
    try:
        for name in SCENARIO_NAMES:
            values = table.get(name)
            if values is None:
                continue
            bad = sorted(set(values) - _SCENARIO_KEYS)
            if bad:
                raise ConfigError(f"stores.toml：[stores.{store.id}.plan.{name}] 没有 "
                                  f"{', '.join(bad)}；可用的有 "
                                  f"{', '.join(sorted(_SCENARIO_KEYS))}")
            scenarios[name] = replace(scenarios[name], **{k: float(v) for k, v in values.items()})
            overridden.append(f"情景{name}")
        uplift = dict(DEFAULT_EVENT_UPLIFT)
        for name, value in (table.get("event_uplift") or {}).items():
            uplift[canonical_event(str(name)) or str(name)] = float(value)
            overridden.append(f"{name}默认提升")
        spring = float(table.get("spring_factor", SPRING_FACTOR))
        staff = float(table.get("staff_ratio", STAFF_RATIO))
        per_agent = float(table.get("inquiries_per_agent", INQUIRIES_PER_AGENT))
        slot_fee = Decimal(str(table.get("juhuasuan_slot_fee", 0)))
        commission = float(table.get("juhuasuan_commission_rate", 0))
        share = float(table.get("juhuasuan_gmv_share", 1.0))
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ConfigError(
            f"stores.toml：[stores.{store.id}.plan] 的值必须是数字（{exc}）") from exc
    if per_agent <= 0 or slot_fee < 0 or not 0 <= commission < 1 or not 0 <= share <= 1:
        raise ConfigError(f"stores.toml：[stores.{store.id}.plan] inquiries_per_agent 须 > 0，"
                          "juhuasuan_slot_fee ≥ 0，juhuasuan_commission_rate 与 "
                          "juhuasuan_gmv_share 是 0 到 1 之间的比例")
    events = table.get("juhuasuan_events") or []
    if not isinstance(events, list):
        raise ConfigError(f"stores.toml：[stores.{store.id}.plan] juhuasuan_events 应是活动名"
                          '列表，例如 ["618", "双11"]')
    joined = tuple(canonical_event(str(e)) or str(e) for e in events)
    overridden += [k for k in sorted(_NUMBER_KEYS - {"spring_factor", "staff_ratio"})
                   if k in table]
    return Settings(scenarios, uplift, spring, staff, store.thresholds.ad_cost_ratio_max,
                    tuple(overridden), inquiries_per_agent=per_agent,
                    juhuasuan_slot_fee=slot_fee, juhuasuan_commission_rate=commission,
                    juhuasuan_events=joined, juhuasuan_gmv_share=share,
                    categories=_categories(table.get("categories"), store.id))


# ---------------------------------------------------------------- calendar helpers


def canonical_event(name: str) -> str | None:
    """Map a promotion name (``2026年双11``, ``38女王节``) to a platform event name, or None."""
    text = name.replace(" ", "")
    text = text.split("年", 1)[1] if text[:4].isdigit() and "年" in text[:6] else text
    for key, canon in _EVENT_ALIASES:
        if key in text:
            return canon
    return None


def new_year_eve(year: int) -> date:
    """Return 除夕 of the lunar year that starts in ``year`` (the day before 春节 初一)."""
    firsts = [d for d, n in holidays.China(years=year).items()
              if "Spring Festival" in n and "observed" not in n]
    return min(firsts) - timedelta(days=1)


def spring_stop(year: int) -> tuple[date, date]:
    """Return the Spring Festival logistics stop of ``year``: 除夕 − 5 to 正月初六, inclusive."""
    eve = new_year_eve(year)
    return eve - timedelta(days=SPRING_STOP_BEFORE), eve + timedelta(days=SPRING_STOP_AFTER)


def holiday_label(day: date) -> str | None:
    """Return the public holiday of ``day`` in Chinese (``春节（预计）`` if computed), or None."""
    name = calendar.holiday_name(day)
    if name is None:
        return None
    estimated = name.endswith("（预计）")
    base = name.removesuffix("（预计）").replace(" (observed)", "").strip()
    base = _HOLIDAY_EXTRA.get(base, base)
    return f"{base}（预计）" if estimated else base


@dataclass(frozen=True, slots=True)
class Window:
    """One event occurrence: its window (pre-heat included) and where the window came from."""

    name: str
    start: date
    main_start: date
    end: date
    source: str  # 店铺大促日历 | 平台惯例

    def days(self) -> int:
        """Return the window's length in days."""
        return (self.end - self.start).days + 1


def event_windows(year: int, promotions: list[dict[str, Any]]) -> list[Window]:
    """
    Return the platform events of ``year`` as they happened.

    The store's own window where its 大促日历 has the event in that year, else the platform's
    usual window (``calendar.platform_events``).
    """
    own: dict[str, Window] = {}
    for p in promotions:
        canon = canonical_event(str(p["name"]))
        if canon is None or p["start_date"].year != year:
            continue
        own[canon] = Window(canon, p["window_start"], p["start_date"], p["end_date"],
                            "店铺大促日历")
    out = []
    for e in calendar.platform_events(year):
        out.append(own.get(e.name, Window(e.name, e.preheat_start, e.start, e.end, "平台惯例")))
    return out


def _shift(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 02-29
        return d.replace(year=year, day=28)


def planned_windows(year: int, promotions: list[dict[str, Any]]) -> list[Window]:
    """
    Return the plan year's event windows.

    The store's latest window of each event moved to ``year`` (same month and day), else the
    platform's usual window.
    """
    latest: dict[str, dict[str, Any]] = {}
    for p in promotions:
        canon = canonical_event(str(p["name"]))
        if canon is not None and p["start_date"].year < year:
            if canon not in latest or p["start_date"] > latest[canon]["start_date"]:
                latest[canon] = p
    out = []
    for e in calendar.platform_events(year):
        p = latest.get(e.name)
        if p is None:
            out.append(Window(e.name, e.preheat_start, e.start, e.end, "平台惯例"))
            continue
        shift = year - p["start_date"].year
        out.append(Window(e.name, _shift(p["window_start"], p["window_start"].year + shift),
                          _shift(p["start_date"], year), _shift(p["end_date"], year),
                          "店铺大促日历（往年窗口平移）"))
    return out


# ---------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class EventUplift:
    """One past event: GMV in its window ÷ the same-weekday baseline of the weeks before."""

    name: str
    year: int
    start: date
    end: date
    gmv: Decimal
    baseline: Decimal
    source: str

    @property
    def uplift(self) -> float | None:
        """Window GMV ÷ baseline; None when the baseline is 0."""
        return metrics.ratio(self.gmv, self.baseline)


@dataclass(frozen=True, slots=True)
class History:
    """
    The last 12 complete months before the report day.

    Attributes
    ----------
    start, end : date
        First and last day of the 12 months.
    months : DataFrame
        One row per month: ``month`` (YYYY-MM), ``days_covered`` (days with orders data),
        ``gmv`` (Decimal 元 or None), ``uv`` (Σ日访客, int or None: shop_daily missing or
        incomplete), ``conversion`` (fraction), ``aov`` (Decimal 元), ``paid_buyers``.
    daily : DataFrame
        ``day``, ``gmv`` (float 元, NaN outside the data), ``visitors``, ``normal`` (True on
        days outside events and the Spring Festival stop: the seasonality sample).
    month_index : dict of int to float
        Calendar month (1–12) → mean normal-day GMV ÷ the mean of all normal days; months
        without data are 1.0 and listed in ``missing_months``.
    weekday_index : dict of int to float
        Weekday (0 = Monday) → mean normal-day GMV of that weekday ÷ the mean (mean of the 7 = 1).
    matrix : DataFrame
        Month × weekday index (12 rows 1–12, 7 columns 0–6), NaN where no day was seen.
    uplifts : list of EventUplift
        Past events measured.
    reference : dict
        Last ``REFERENCE_DAYS`` days: ``gmv``, ``uv``, ``conversion``, ``aov``, ``uv_value``,
        ``aov_basis``, ``start``, ``end``.
    ads : dict
        ``cost`` (Decimal), ``clicks``, ``gmv`` of the days the ad reports cover, ``ad_ratio``,
        ``cpc`` (Decimal 元 per click), ``channels``; empty when there are no ad reports.
    promotions : list of dict
        The store's 大促日历 rows.
    report_day : date
    missing_months : tuple of int
        Calendar months without data (their index is 1.0).
    code_gmv : list of dict
        Order lines' 支付金额 by pay month and 商家编码: ``month`` (YYYY-MM), ``code``,
        ``gmv`` (Decimal 元); empty without order lines.
    inquiries : list of dict
        Days with a shop 客服 row from the history's first day to the report day: ``day``,
        ``inquiries`` (询单人数), ``agents`` (客服 who served anyone, or None), ``gmv``
        (Decimal 元 paid that day); empty without 客服 exports.
    """

    start: date
    end: date
    months: pd.DataFrame
    daily: pd.DataFrame
    month_index: dict[int, float]
    weekday_index: dict[int, float]
    matrix: pd.DataFrame
    uplifts: list[EventUplift]
    reference: dict[str, Any]
    ads: dict[str, Any]
    promotions: list[dict[str, Any]]
    report_day: date
    missing_months: tuple[int, ...] = ()
    code_gmv: list[dict[str, Any]] = field(default_factory=list)
    inquiries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def covered_days(self) -> int:
        """Days of the 12 months with orders data."""
        return int(self.daily["gmv"].notna().sum())

    @property
    def gmv_total(self) -> Decimal:
        """GMV of the 12 months (元; days without data count nothing)."""
        return sum((g for g in self.months["gmv"] if g is not None), Decimal(0))

    def expected_uplift(self, name: str) -> float | None:
        """Mean measured uplift of the event over the past years, or None when never measured."""
        found = [u.uplift for u in self.uplifts if u.name == name and u.uplift is not None]
        return sum(found) / len(found) if found else None


def history_span(day: date, months: int = HISTORY_MONTHS) -> tuple[date, date]:
    """
    Return the first and last day of the ``months`` complete months up to ``day``.

    A month counts when its last day is on or before ``day``: for 2026-11-26 the span is
    2025-11-01 … 2026-10-31; for 2026-11-30 it is 2025-12-01 … 2026-11-30.
    """
    end = day if (day + timedelta(days=1)).day == 1 else day.replace(day=1) - timedelta(days=1)
    first = end.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, end


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _special_days(years: list[int], promotions: list[dict[str, Any]]
                  ) -> tuple[set[date], list[Window]]:
    """Days in an event window or a Spring Festival stop, and the event windows, of ``years``."""
    special: set[date] = set()
    windows: list[Window] = []
    for y in years:
        for w in event_windows(y, promotions):
            windows.append(w)
            special.update(w.start + timedelta(days=i) for i in range(w.days()))
        lo, hi = spring_stop(y)
        special.update(lo + timedelta(days=i) for i in range((hi - lo).days + 1))
    return special, windows


def measure_uplift(gmv: dict[date, float | Decimal | None], w: Window,
                   excluded: set[date], *, weeks: int = BASELINE_WEEKS) -> EventUplift | None:
    """
    Measure one event: GMV of its window ÷ the baseline of the same weekdays before it.

    The baseline of each window day is the mean GMV of the same weekday in the ``weeks`` weeks
    before the window starts, skipping days in other events or the Spring Festival stop.

    Parameters
    ----------
    gmv : dict of date to money
        Daily GMV (元); None or absent where there is no data.
    w : Window
        The event's window.
    excluded : set of date
        Days not comparable (events, Spring Festival stop).

    Returns
    -------
    EventUplift or None
        None when a window day has no data, or a weekday has no comparable day before it.
    """
    window = [w.start + timedelta(days=i) for i in range(w.days())]
    if any(gmv.get(d) is None or (isinstance(gmv.get(d), float) and math.isnan(gmv[d]))
           for d in window):
        return None
    before = [w.start - timedelta(days=k) for k in range(1, 7 * weeks + 1)]
    usable = {d: Decimal(str(gmv[d])) for d in before
              if d not in excluded and gmv.get(d) is not None
              and not (isinstance(gmv[d], float) and math.isnan(gmv[d]))}
    baseline = Decimal(0)
    for d in window:
        same = [v for k, v in usable.items() if k.weekday() == d.weekday()]
        if not same:
            return None
        baseline += sum(same, Decimal(0)) / len(same)
    actual = sum((Decimal(str(gmv[d])) for d in window), Decimal(0))
    return EventUplift(w.name, w.main_start.year, w.start, w.end, actual,
                       baseline.quantize(Decimal("0.01"), ROUND_HALF_UP), w.source)


def _indices(daily: pd.DataFrame) -> tuple[dict[int, float], dict[int, float], pd.DataFrame,
                                           tuple[int, ...]]:
    normal = daily.loc[lambda d: d["normal"] & d["gmv"].notna()]
    overall = float(normal["gmv"].mean()) if len(normal) else math.nan
    month_index = {m: 1.0 for m in range(1, 13)}
    weekday_index = {w: 1.0 for w in range(7)}
    matrix = pd.DataFrame(math.nan, index=range(1, 13), columns=range(7))
    missing = tuple(range(1, 13))
    if not len(normal) or not overall > 0:
        return month_index, weekday_index, matrix, missing
    when = pd.to_datetime(normal["day"])
    by_month = normal.groupby(when.dt.month.to_numpy())["gmv"].mean() / overall
    month_index.update({int(m): float(v) for m, v in by_month.items()})
    missing = tuple(m for m in range(1, 13) if m not in by_month.index)
    # Weekday effect within months (a growing store's later months do not bias weekdays).
    month_mean = normal.groupby(when.dt.month.to_numpy())["gmv"].transform("mean")
    rel = (normal["gmv"] / month_mean).groupby(when.dt.day_of_week.to_numpy()).mean()
    if len(rel) == 7 and len(normal) >= 14:
        mean = float(rel.mean())
        weekday_index = {int(w): float(v) / mean for w, v in rel.items()}
    keys = [when.dt.month.to_numpy(), when.dt.day_of_week.to_numpy()]
    cells = normal.groupby(keys)["gmv"].mean()
    for (m, w), v in cells.items():
        matrix.loc[int(m), int(w)] = float(v) / overall
    return month_index, weekday_index, matrix, missing


def _ads(con: duckdb.DuckDBPyConnection, start: date, end: date) -> dict[str, Any]:
    rows = warehouse.query_rows(con, "plan_ad_history", start=start, end=end)
    if not rows:
        return {}
    first = min(r["first_day"] for r in rows)
    last = max(r["last_day"] for r in rows)
    cost = sum((r["cost"] or Decimal(0) for r in rows), Decimal(0))
    clicks = sum(int(r["clicks"] or 0) for r in rows)
    gmv = metrics.compute(con, first, last)[0]["gmv"]
    return {"cost": cost, "clicks": clicks, "gmv": gmv, "first": first, "last": last,
            "ad_ratio": metrics.ratio(cost, gmv),
            "cpc": metrics.money_ratio(cost, clicks) if clicks else None,
            "channels": [r["channel"] for r in rows]}


def history(con: duckdb.DuckDBPyConnection, day: date) -> History:
    """
    Read the last 12 complete months before ``day`` (see :class:`History`).

    Parameters
    ----------
    con : duckdb connection
        The store's warehouse (read-only).
    day : date
        The report day.
    """
    start, end = history_span(day)
    promotions = warehouse.query_rows(con, "plan_promotions")
    rows = []
    first = start
    while first <= end:
        last = _month_end(first)
        m = metrics.compute(con, first, last)[0]
        rows.append({"month": first.strftime("%Y-%m"), "gmv": m["gmv"], "uv": m["uv"],
                     "paid_buyers": m["paid_buyers"], "conversion": m["conversion_rate"],
                     "aov": m["aov"], "aov_basis": m["aov_basis"]})
        first = last + timedelta(days=1)
    months = pd.DataFrame(rows)
    raw = warehouse.query_rows(con, "plan_daily", start=start - timedelta(days=7 * 8), end=end)
    special, windows = _special_days(sorted({r["day"].year for r in raw} | {end.year}),
                                     promotions)
    gmv_by_day = {r["day"]: r["gmv"] for r in raw}
    daily = pd.DataFrame({
        "day": [r["day"] for r in raw],
        "gmv": [math.nan if r["gmv"] is None else float(r["gmv"]) for r in raw],
        "visitors": [r["visitors"] for r in raw],
        "normal": [r["day"] not in special for r in raw],
    })
    covered = daily.loc[lambda d: d["day"] >= start].reset_index(drop=True)
    seen = covered["gmv"].notna().groupby(
        pd.to_datetime(covered["day"]).dt.strftime("%Y-%m").to_numpy()).sum()
    months = months.assign(days_covered=[int(seen.get(m, 0)) for m in months["month"]])
    month_index, weekday_index, matrix, missing = _indices(covered)
    uplifts = []
    for w in windows:
        if w.start < start or w.end > end:
            continue
        u = measure_uplift(gmv_by_day, w, special)
        if u is not None:
            uplifts.append(u)
    ref_start = max(end - timedelta(days=REFERENCE_DAYS - 1), start)
    ref = metrics.compute(con, ref_start, end)[0]
    reference = {"start": ref_start, "end": end, "gmv": ref["gmv"], "uv": ref["uv"],
                 "conversion": ref["conversion_rate"], "aov": ref["aov"],
                 "uv_value": ref["uv_value"], "aov_basis": ref["aov_basis"]}
    if ref["uv"] is None:
        # shop_daily may cover only part of the window: take the days it covers.
        with_uv = covered.loc[lambda d: d["visitors"].notna() & d["gmv"].notna()]
        if len(with_uv):
            lo, hi = with_uv["day"].min(), with_uv["day"].max()
            part = metrics.compute(con, lo, hi)[0]
            if part["uv"]:
                reference |= {"start": lo, "end": hi, "uv": part["uv"],
                              "conversion": part["conversion_rate"],
                              "uv_value": part["uv_value"]}
    return History(start, end, months, covered, month_index, weekday_index, matrix, uplifts,
                   reference, _ads(con, ref_start, day), promotions, day, missing,
                   warehouse.query_rows(con, "plan_code_gmv", start=start, end=end),
                   warehouse.query_rows(con, "plan_inquiries", start=start, end=day))


# ---------------------------------------------------------------- allocation


def allocate(total: int, weights: list[float] | list[Fraction]) -> list[int]:
    """
    Split a whole number of yuan in proportion to weights, by largest remainder (Hamilton).

    Each part is its exact quota rounded down; the yuan left over go one each to the parts
    with the largest fractional remainders (ties to the earlier part). The parts add up to
    ``total`` exactly and each is within 1 of its exact quota.

    Parameters
    ----------
    total : int
        Amount to split (元, ≥ 0).
    weights : list of float
        Non-negative weights; all zero (or empty sum) splits evenly.

    Returns
    -------
    list of int
        One part per weight (元).
    """
    if total < 0:
        raise ValueError(f"total must be ≥ 0, not {total}")
    if not weights:
        return []
    fw = [Fraction(w) for w in weights]
    if any(w < 0 for w in fw):
        raise ValueError("weights must be ≥ 0")
    s = sum(fw)
    if s == 0:
        fw, s = [Fraction(1)] * len(fw), Fraction(len(fw))
    quotas = [total * w / s for w in fw]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(fw)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """One event of the plan year with the uplift the plan assumes."""

    name: str
    start: date
    main_start: date
    end: date
    window_source: str
    measured: float | None  # mean of past years, None when never measured
    expected_uplift: float  # after the scenario's scale
    uplift_source: str  # 历史 | 默认 | stores.toml


@dataclass(frozen=True, slots=True)
class PlanCalendar:
    """The plan year's calendar: events, holidays, the Spring Festival stop."""

    year: int
    events: list[PlannedEvent]
    holidays: list[dict[str, Any]]  # name, start, end, estimated
    spring_stop: tuple[date, date]
    spring_factor: float


def _holiday_spans(year: int) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    d = date(year, 1, 1)
    while d.year == year:
        name = holiday_label(d)
        if name is not None:
            base = name.removesuffix("（预计）")
            if spans and spans[-1]["name"] == base and spans[-1]["end"] == d - timedelta(days=1):
                spans[-1]["end"] = d
            else:
                spans.append({"name": base, "start": d, "end": d,
                              "estimated": name.endswith("（预计）")})
        d += timedelta(days=1)
    return spans


def plan_calendar(year: int, hist: History, conf: Settings, scenario: Scenario) -> PlanCalendar:
    """
    Build the plan year's calendar with each event's expected uplift.

    The uplift is the mean measured in the store's history; a store without history of an
    event gets :data:`DEFAULT_EVENT_UPLIFT` (or its stores.toml value). The scenario scales the
    extra demand: ``1 + (uplift − 1) × uplift_scale``.
    """
    events = []
    configured = {k for k in conf.event_uplift if conf.event_uplift[k]
                  != DEFAULT_EVENT_UPLIFT.get(k)}
    for w in planned_windows(year, hist.promotions):
        measured = hist.expected_uplift(w.name)
        if measured is not None:
            base, source = measured, "历史"
        else:
            base = conf.event_uplift.get(w.name, 1.0)
            source = "stores.toml" if w.name in configured else "默认"
        expected = max(0.0, 1 + (base - 1) * scenario.uplift_scale)
        events.append(PlannedEvent(w.name, w.start, w.main_start, w.end, w.source, measured,
                                   expected, source))
    return PlanCalendar(year, events, _holiday_spans(year), spring_stop(year),
                        conf.spring_factor)


PREHEAT_SHAPE = 0.5
"""Share of an event's extra demand on a pre-heat day, relative to a main day (1.0)."""
PEAK_SHAPE = 3.0
"""Share of the extra demand on the event's last day (the 0点巅峰 of 618, 双11, 双12)."""


def event_factor(e: PlannedEvent, day: date) -> float:
    """
    Return the demand factor of ``day`` inside event ``e``'s window (1.0 outside it).

    The window's extra demand, (expected uplift − 1) × days, is spread over its days in the
    shares pre-heat :data:`PREHEAT_SHAPE`, main 1, last day :data:`PEAK_SHAPE`, so the window
    as a whole is ``expected_uplift`` × a normal window and the peak falls on the last day.
    """
    if not e.start <= day <= e.end:
        return 1.0
    n = (e.end - e.start).days + 1
    pre = max(0, min((e.main_start - e.start).days, n - 1))
    main = n - pre - 1
    total = pre * PREHEAT_SHAPE + main * 1.0 + PEAK_SHAPE
    share = PEAK_SHAPE if day == e.end else PREHEAT_SHAPE if day < e.main_start else 1.0
    return max(0.0, 1 + (e.expected_uplift - 1) * n * share / total)


def day_weights(year: int, hist: History, cal: PlanCalendar) -> pd.DataFrame:
    """
    Return every day of the plan year with its weight and why.

    weight = month index × weekday index × event factor (:func:`event_factor`, in an event
    window) × Spring Festival factor (in the stop). Columns: ``day``, ``month`` (1–12),
    ``weight``, ``event``, ``holiday``, ``stop`` (bool).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    lo, hi = cal.spring_stop
    rows = []
    d = first
    while d <= last:
        factor, event = 1.0, ""
        for e in cal.events:
            f = event_factor(e, d)
            if e.start <= d <= e.end and (event == "" or f > factor):
                factor, event = f, e.name
        stop = lo <= d <= hi
        w = hist.month_index[d.month] * hist.weekday_index[d.weekday()] * factor
        if stop:
            w *= cal.spring_factor
        rows.append({"day": d, "month": d.month, "weight": w, "event": event,
                     "holiday": holiday_label(d) or "", "stop": stop})
        d += timedelta(days=1)
    return pd.DataFrame(rows)


@dataclass(frozen=True, slots=True)
class Plan:
    """
    The plan of one scenario.

    Attributes
    ----------
    year, scenario : int, Scenario
    annual_target : int
        元.
    target_source : str
        ``参数`` or how it was proposed.
    months : DataFrame
        ``month`` (YYYY-MM), ``quarter`` (1–4), ``target`` (int 元), ``last_year_gmv``
        (Decimal or None), ``growth`` (vs last year, fraction or None), ``uv_needed`` (int or
        None), ``last_year_uv``, ``uv_gap``, ``ad_budget`` (int 元), ``ad_ratio``,
        ``cap_binds`` (bool), ``staff_budget`` (int 元).
    days : DataFrame
        ``day``, ``target`` (int 元), ``event``, ``holiday``, ``stop``, ``weight``.
    quarters : list of int
        The 4 quarters' targets (元).
    conversion, aov, uv_value : float, Decimal, Decimal or None
        The funnel assumptions (reference × scenario change); None without traffic data.
    ad_ratio : float
        Planned 推广费比 before the gap top-up.
    cpc : Decimal or None
        Historic cost per click (元), the price of a paid visitor.
    team : dict
        ``tier``, ``roles`` [{role, people, monthly_cost}], ``headcount``, ``monthly_cost``,
        ``annual_cost``, ``cost_ratio``, ``in_band``.
    calendar : PlanCalendar
    defaults_used : list of str
        Assumptions that did not come from the store's history.
    categories : DataFrame or None
        From :func:`category_split`: one row per category, ``category``, ``share`` (of the
        history's order-line GMV), then one int 元 column per month (``YYYY-MM``) and
        ``total``; None when the items carry no category (``categories_note`` says why).
    categories_note : str
        Why there is no category split, or how the shares were taken.
    service : dict or None
        From :func:`service_plan`: 客服 needed by inquiry volume; None without 客服 exports.
    fees : DataFrame
        From :func:`campaign_fees`: one row per (event, month) with 聚划算 fees.

    ``months`` also carries ``campaign_fee`` (int 元, 聚划算 坑位费 + 佣金 of the month),
    ``promotion_ratio`` ((推广预算 + 活动费用) ÷ 目标) and ``over_ceiling`` (the fees alone pass
    the 推广费比 ceiling).
    """

    year: int
    scenario: Scenario
    annual_target: int
    target_source: str
    months: pd.DataFrame
    days: pd.DataFrame
    quarters: list[int]
    conversion: float | None
    aov: Decimal | None
    uv_value: Decimal | None
    ad_ratio: float
    cpc: Decimal | None
    team: dict[str, Any]
    calendar: PlanCalendar
    defaults_used: list[str] = field(default_factory=list)
    categories: pd.DataFrame | None = None
    categories_note: str = ""
    service: dict[str, Any] | None = None
    fees: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def uv_needed_total(self) -> int | None:
        """Σ of the months' UV needed (Σ日访客), None without traffic data."""
        values = list(self.months["uv_needed"])
        return None if any(v is None for v in values) else int(sum(values))

    @property
    def ad_budget_total(self) -> int:
        """Σ of the months' ad budgets (元)."""
        return int(sum(self.months["ad_budget"]))

    @property
    def staff_budget_total(self) -> int:
        """Σ of the months' personnel budgets (元)."""
        return int(sum(self.months["staff_budget"]))

    @property
    def campaign_fee_total(self) -> int:
        """Σ of the months' 聚划算 fees (元)."""
        return int(sum(self.months["campaign_fee"]))

    @property
    def promotion_ratio(self) -> float | None:
        """(推广预算 + 活动费用) ÷ 年度目标 over the year; None for a zero target."""
        if not self.annual_target:
            return None
        return metrics.ratio(Decimal(self.ad_budget_total + self.campaign_fee_total),
                             Decimal(self.annual_target))


def _round_to(value: Decimal, step: int) -> int:
    return int((value / step).quantize(Decimal(1), ROUND_HALF_UP) * step)


def propose_target(hist: History, weights: pd.DataFrame, growth: float) -> tuple[int, str]:
    """
    Propose the year's target: last 12 months' GMV × (1 + growth), rounded to ¥1,000.

    With less than 12 months of data the GMV seen is annualised by the plan's own day weights:
    GMV seen ÷ Σ weights of the days seen (same calendar day and weekday, events of the plan
    year) × Σ weights of the plan year.

    Returns
    -------
    (int, str)
        The target (元) and a sentence saying how it was made.
    """
    g = Decimal(str(growth))
    if hist.covered_days >= (hist.end - hist.start).days + 1:
        base = hist.gmv_total
        text = f"近12个月支付金额 × (1 + {growth:.0%})"
    else:
        seen = hist.daily.loc[lambda d: d["gmv"].notna()]
        if seen.empty:
            raise ConfigError(
                "没有历史订单，无法推算年度目标：请用参数 annual_target 直接给出目标")
        lookup = {(d.month, d.day, d.weekday()): w for d, w in
                  zip(weights["day"], weights["weight"], strict=True)}
        by_md = {(d.month, d.day): w for d, w in zip(weights["day"], weights["weight"],
                                                      strict=True)}
        seen_w = sum(lookup.get((d.month, d.day, d.weekday()), by_md.get((d.month, d.day), 1.0))
                     for d in seen["day"])
        seen_gmv = sum((Decimal(str(v)) for v in seen["gmv"]), Decimal(0))
        base = seen_gmv / Decimal(str(seen_w)) * Decimal(str(float(weights["weight"].sum())))
        text = (f"{len(seen)} 天历史按季节性折算全年（{base:,.0f} 元）× (1 + {growth:.0%})")
    return _round_to(base * (1 + g), PROPOSE_ROUND), text


def team_for(monthly_revenue: Decimal, ratio: float) -> dict[str, Any]:
    """
    Pick the team a monthly revenue affords at ``ratio`` of revenue (see :data:`TEAM_TIERS`).

    Parameters
    ----------
    monthly_revenue : Decimal
        Average month's revenue (元).
    ratio : float
        Personnel budget ÷ revenue (0.065).

    Returns
    -------
    dict
        ``tier``, ``roles`` (list of dict role/people/monthly_cost), ``headcount``,
        ``monthly_cost`` (元), ``budget`` (元/月), ``cost_ratio`` (team cost ÷ revenue),
        ``in_band`` (within 6–7 %).
    """
    budget = monthly_revenue * Decimal(str(ratio))
    tier_name, roles = TEAM_TIERS[0]
    for name, tier_roles in TEAM_TIERS:
        if sum(r.monthly_cost for r in tier_roles) <= budget:
            tier_name, roles = name, tier_roles
    top_name, top = TEAM_TIERS[-1]
    top_cost = sum(r.monthly_cost for r in top)
    chosen = [{"role": r.role, "people": r.people, "monthly_cost": r.monthly_cost} for r in roles]
    top_people = sum(r.people for r in top)
    # Above the top tier: grow the top team in proportion to the budget, whole people, at its
    # cost per head.
    heads = int(budget // (Decimal(top_cost) / top_people)) if tier_name == top_name else 0
    if heads > top_people:
        people = allocate(heads, [float(r.people) for r in top])
        chosen = [{"role": r.role, "people": n,
                   "monthly_cost": int((Decimal(r.monthly_cost) / r.people * n)
                                       .quantize(Decimal(1), ROUND_HALF_UP))}
                  for r, n in zip(top, people, strict=True)]
        tier_name = f"{top_name}（按预算扩编）"
    cost = sum(r["monthly_cost"] for r in chosen)
    cost_ratio = metrics.ratio(Decimal(cost), monthly_revenue) if monthly_revenue else None
    return {"tier": tier_name, "roles": chosen,
            "headcount": sum(r["people"] for r in chosen), "monthly_cost": cost,
            "budget": budget, "cost_ratio": cost_ratio,
            "in_band": cost_ratio is not None and STAFF_BAND[0] <= cost_ratio <= STAFF_BAND[1]}


def uv_needed(target: int | Decimal, uv_value: Decimal | None) -> int | None:
    """
    Return the visitors a target needs: ⌈target ÷ (转化率 × 客单价)⌉ = ⌈target ÷ UV价值⌉.

    Parameters
    ----------
    target : int or Decimal
        元.
    uv_value : Decimal or None
        元 per visitor (转化率 × 客单价); None without traffic data.

    Returns
    -------
    int or None
        Σ日访客 (人); None when ``uv_value`` is None or 0.
    """
    if uv_value is None or uv_value <= 0:
        return None
    return int((Decimal(target) / uv_value).to_integral_value(ROUND_CEILING))


def category_of(code: str, categories: dict[str, tuple[str, ...]]) -> str:
    """Return the first category one of whose 商家编码 prefixes starts ``code``, else 其他."""
    for name, prefixes in categories.items():
        if code.startswith(prefixes):
            return name
    return OTHER_CATEGORY


def category_split(year: int, month_targets: list[int], code_gmv: list[dict[str, Any]],
                   categories: dict[str, tuple[str, ...]]) -> tuple[pd.DataFrame | None, str]:
    """
    Split each month's target over the categories, by last year's share of that month.

    A category's share of a calendar month is its order lines' GMV in that month of the
    history ÷ all order lines' GMV of the month (sum, then divide); a month without order lines
    in the history takes the whole history's shares. Each month is split by largest remainder
    (:func:`allocate`), so the categories add up to the month to the yuan.

    Parameters
    ----------
    year : int
        The plan year (column names ``YYYY-MM``).
    month_targets : list of int
        The 12 month targets (元).
    code_gmv : list of dict
        ``History.code_gmv``: ``month`` (YYYY-MM), ``code`` (商家编码), ``gmv`` (Decimal 元).
    categories : dict of str to tuple of str
        Category → 商家编码 prefixes (``Settings.categories``).

    Returns
    -------
    (DataFrame or None, str)
        One row per category (configured order, then 其他 when some GMV matched none):
        ``category``, ``share`` (of the whole history), one int column per month, ``total``;
        and a sentence. None with the reason when there are no categories or no order lines.
    """
    if not categories:
        return None, ("商品没有类目：订单明细不含类目字段。在 stores.toml 的 "
                      "[stores.<店铺>.plan.categories] 按商家编码前缀配置类目"
                      '（例如 "卫衣" = ["WY"]）后即可按类目分解。')
    by_month: dict[int, dict[str, Decimal]] = {}
    whole: dict[str, Decimal] = {}
    for r in code_gmv:
        gmv = r["gmv"] or Decimal(0)
        name = category_of(str(r["code"] or ""), categories)
        month = by_month.setdefault(int(r["month"][5:7]), {})
        month[name] = month.get(name, Decimal(0)) + gmv
        whole[name] = whole.get(name, Decimal(0)) + gmv
    total = sum(whole.values(), Decimal(0))
    if total <= 0:
        return None, "历史中没有订单明细（宝贝报表）：无法按类目计算占比。"
    names = [n for n in categories if whole.get(n, Decimal(0)) > 0]
    if whole.get(OTHER_CATEGORY, Decimal(0)) > 0 and OTHER_CATEGORY not in names:
        names.append(OTHER_CATEGORY)
    columns: dict[str, list[int]] = {}
    fallback = []
    for m in range(1, 13):
        seen = by_month.get(m, {})
        basis = seen if sum(seen.values(), Decimal(0)) > 0 else whole
        if basis is whole:
            fallback.append(m)
        parts = allocate(month_targets[m - 1],
                         [Fraction(basis.get(n, Decimal(0))) for n in names])
        columns[f"{year}-{m:02d}"] = parts
    frame = pd.DataFrame({"category": names,
                          "share": [metrics.ratio(whole[n], total) for n in names], **columns})
    frame = frame.assign(total=frame[list(columns)].sum(axis=1).astype(int))
    note = "类目占比取近12个月同月订单明细支付金额（先求和再相除）"
    if fallback:
        note += "；" + "、".join(f"{m}月" for m in fallback) + "无明细，按全年占比"
    return frame, note


def service_plan(days: pd.DataFrame, inquiries: list[dict[str, Any]],
                 per_agent: float) -> dict[str, Any] | None:
    """
    Project 询单人数 from the day targets and the 客服 it takes.

    询单 per ¥10,000 = Σ 询单人数 ÷ Σ 支付金额 of the days with a shop 客服 row × 10,000
    (sum, then divide). A month's inquiries = its target × that rate; its 客服 = ⌈the month's
    inquiries per day ÷ ``per_agent``⌉. The year-round team is sized on the year's average
    day, the peak day (the largest day target) on its own.

    Parameters
    ----------
    days : DataFrame
        ``Plan.days``: ``day``, ``month``, ``target`` (元).
    inquiries : list of dict
        ``History.inquiries``.
    per_agent : float
        询单人数 one agent handles a day.

    Returns
    -------
    dict or None
        ``per_10k`` (询单 per ¥10,000), ``basis_days``, ``observed_per_agent`` (Σ询单 ÷ Σ客服
        上岗天数, or None), ``per_agent``, ``months`` (12 dicts: ``month``, ``inquiries``,
        ``per_day``, ``agents``), ``year_round`` (人), ``peak_day``, ``peak_agents`` (人);
        None without 客服 rows or with no GMV on their days.
    """
    if not inquiries:
        return None
    asked = sum(int(r["inquiries"]) for r in inquiries)
    gmv = sum((r["gmv"] or Decimal(0) for r in inquiries), Decimal(0))
    if gmv <= 0:
        return None
    rate = Decimal(asked) / gmv
    staffed = [r for r in inquiries if r.get("agents")]
    agent_days = sum(int(r["agents"]) for r in staffed)
    observed = (sum(int(r["inquiries"]) for r in staffed) / agent_days) if agent_days else None
    per = Decimal(str(per_agent))
    months = []
    for m, group in days.groupby("month"):
        asked_m = int((Decimal(int(group["target"].sum())) * rate)
                      .quantize(Decimal(1), ROUND_HALF_UP))
        per_day = Decimal(asked_m) / len(group)
        months.append({"month": int(m), "inquiries": asked_m, "per_day": float(per_day),
                       "agents": int((per_day / per).to_integral_value(ROUND_CEILING))})
    year_asked = sum(x["inquiries"] for x in months)
    peak = days.loc[days["target"].idxmax()]
    peak_asked = Decimal(int(peak["target"])) * rate
    return {"per_10k": float(rate * 10_000), "basis_days": len(inquiries),
            "observed_per_agent": observed, "per_agent": per_agent, "months": months,
            "inquiries": year_asked,
            "year_round": int((Decimal(year_asked) / len(days) / per)
                              .to_integral_value(ROUND_CEILING)),
            "peak_day": peak["day"],
            "peak_agents": int((peak_asked / per).to_integral_value(ROUND_CEILING))}


FEE_COLUMNS = ("event", "month", "slot_fee", "commission", "fee")


def campaign_fees(cal: PlanCalendar, days: pd.DataFrame, conf: Settings) -> pd.DataFrame:
    """
    Return the 聚划算 fees of the plan year: 坑位费 and 佣金 of every event joined.

    坑位费 (``juhuasuan_slot_fee``) falls in the month the event's main window starts; 佣金 =
    ``juhuasuan_commission_rate`` × ``juhuasuan_gmv_share`` × the day targets of the event's
    window, in the months of those days, each rounded half-up to the yuan.

    Returns
    -------
    DataFrame
        ``event``, ``month`` (1–12), ``slot_fee``, ``commission``, ``fee`` (int 元); no rows
        when the fees are 0 (the default) or no event is joined.
    """
    joined = set(conf.juhuasuan_events)
    rate = Decimal(str(conf.juhuasuan_commission_rate)) * Decimal(str(conf.juhuasuan_gmv_share))
    slot = conf.juhuasuan_slot_fee
    rows = []
    if slot > 0 or rate > 0:
        for e in cal.events:
            if joined and e.name not in joined:
                continue
            window = days.loc[(days["day"] >= e.start) & (days["day"] <= e.end)]
            by_month = window.groupby("month")["target"].sum()
            months = sorted({*map(int, by_month.index), e.main_start.month}
                            if e.main_start.year == cal.year else set(map(int, by_month.index)))
            for m in months:
                commission = int((Decimal(int(by_month.get(m, 0))) * rate)
                                 .quantize(Decimal(1), ROUND_HALF_UP))
                fee = int(slot.quantize(Decimal(1), ROUND_HALF_UP)) if (
                    m == e.main_start.month and e.main_start.year == cal.year) else 0
                rows.append({"event": e.name, "month": m, "slot_fee": fee,
                             "commission": commission, "fee": fee + commission})
    return pd.DataFrame(rows, columns=list(FEE_COLUMNS))


def make(hist: History, conf: Settings, *, year: int, scenario: str = "基准",
         annual_target: str | int = "0", growth: str | float | None = "") -> Plan:
    """
    Build the plan of one scenario.

    Parameters
    ----------
    hist : History
        From :func:`history`.
    conf : Settings
        From :func:`settings`.
    year : int
        The plan year.
    scenario : {"保守", "基准", "激进"}
    annual_target : str or int
        元; ``"0"`` proposes one from history and growth.
    growth : str, float or None
        Overrides the scenario's growth when given (``"0.3"``).
    """
    if scenario not in conf.scenarios:
        raise ConfigError(f"参数 scenario={scenario!r} 不存在：可选 {', '.join(SCENARIO_NAMES)}")
    sc = conf.scenarios[scenario]
    g = parse_growth(growth)
    if g is not None:
        sc = replace(sc, growth=g)
    defaults: list[str] = []
    if hist.missing_months:
        defaults.append("无历史的月份季节指数按 1.0：" + "、".join(f"{m}月" for m in
                                                          hist.missing_months))
    if hist.covered_days < 14:
        defaults.append("星期指数按 1.0（历史不足两周）")
    cal = plan_calendar(year, hist, conf, sc)
    defaults += [f"{e.name}提升 ×{e.expected_uplift:.2f}（{e.uplift_source}）"
                 for e in cal.events if e.uplift_source != "历史"]
    defaults.append(f"春节物流停运 {cal.spring_stop[0]:%m-%d}~{cal.spring_stop[1]:%m-%d} "
                    f"需求 ×{cal.spring_factor:.2f}（默认）")
    weights = day_weights(year, hist, cal)
    target = parse_money(annual_target)
    if target > 0:
        annual, source = int(target.quantize(Decimal(1), ROUND_HALF_UP)), "参数 annual_target"
    else:
        annual, source = propose_target(hist, weights, sc.growth)
    month_w = weights.groupby("month")["weight"].sum()
    month_targets = allocate(annual, [float(month_w[m]) for m in range(1, 13)])
    day_targets: list[int] = []
    for m in range(1, 13):
        day_targets += allocate(month_targets[m - 1],
                                list(weights.loc[weights["month"] == m, "weight"]))
    days = weights.assign(target=day_targets)

    ref = hist.reference
    conversion = aov = uv_value = None
    if ref["uv_value"] is not None:
        cr_f = Decimal(str(1 + sc.conversion_change))
        aov_f = Decimal(str(1 + sc.aov_change))
        uv_value = ref["uv_value"] * cr_f * aov_f
        conversion = None if ref["conversion"] is None else ref["conversion"] * float(cr_f)
        aov = None if ref["aov"] is None else ref["aov"] * aov_f
    else:
        defaults.append("无流量数据（生意参谋店铺日报）：无法计算所需访客数")
        aov = None if ref["aov"] is None else ref["aov"] * Decimal(str(1 + sc.aov_change))

    ceiling = conf.ad_ratio_max
    ads = hist.ads
    if ads.get("ad_ratio") is not None:
        ad_ratio = min(ads["ad_ratio"], ceiling)
    else:
        ad_ratio = min(DEFAULT_AD_RATIO, ceiling)
        defaults.append(f"推广费比 {ad_ratio:.0%}（无推广报表，默认）")
    cpc = ads.get("cpc")
    fees = campaign_fees(cal, days, conf)
    fee_by_month = fees.groupby("month")["fee"].sum() if len(fees) else pd.Series(dtype=int)
    if conf.juhuasuan_slot_fee == 0 and conf.juhuasuan_commission_rate == 0:
        defaults.append("聚划算坑位费、佣金按 0（stores.toml 未配置）")

    last_year = {str(m)[5:7]: r for m, r in zip(hist.months["month"],
                                                hist.months.to_dict("records"), strict=True)}
    rows = []
    for m in range(1, 13):
        t = month_targets[m - 1]
        ly = last_year.get(f"{m:02d}", {})
        ly_gmv = ly.get("gmv") if ly.get("days_covered") else None
        ly_uv = ly.get("uv")
        ly_uv = None if ly_uv is None or pd.isna(ly_uv) else int(ly_uv)
        need = uv_needed(t, uv_value)
        gap = None if need is None or ly_uv is None else need - int(ly_uv)
        base_budget = Decimal(t) * Decimal(str(ad_ratio))
        extra = (Decimal(max(gap, 0)) * cpc) if (gap is not None and cpc is not None) else 0
        fee = int(fee_by_month.get(m, 0))
        cap = Decimal(t) * Decimal(str(ceiling))
        cap_ads = max(cap - fee, Decimal(0))  # campaign fees count against the ceiling
        budget = base_budget + extra
        binds = budget > cap_ads
        budget = min(budget, cap_ads)
        spent = int(budget.quantize(Decimal(1), ROUND_HALF_UP))
        rows.append({
            "month": f"{year}-{m:02d}", "quarter": (m - 1) // 3 + 1, "target": t,
            "last_year_gmv": ly_gmv,
            "growth": metrics.ratio(Decimal(t) - ly_gmv, ly_gmv) if ly_gmv else None,
            "uv_needed": need, "last_year_uv": ly_uv, "uv_gap": gap,
            "ad_budget": spent,
            "ad_ratio": metrics.ratio(budget, Decimal(t)) if t else None,
            "cap_binds": binds,
            "campaign_fee": fee,
            "promotion_ratio": metrics.ratio(Decimal(spent + fee), Decimal(t)) if t else None,
            "over_ceiling": Decimal(fee) > cap,
            "staff_budget": int((Decimal(t) * Decimal(str(conf.staff_ratio)))
                                .quantize(Decimal(1), ROUND_HALF_UP)),
        })
    months = pd.DataFrame(rows)
    quarters = [int(months.loc[months["quarter"] == q, "target"].sum()) for q in range(1, 5)]
    team = team_for(Decimal(annual) / 12, conf.staff_ratio)
    team = team | {"annual_cost": team["monthly_cost"] * 12}
    service = service_plan(days, hist.inquiries, conf.inquiries_per_agent)
    if service is None:
        defaults.append("无客服绩效数据：客服人数只按收入档位")
    elif "inquiries_per_agent" not in conf.overridden:
        defaults.append(f"每名客服每天接待询单 {conf.inquiries_per_agent:g} 人（默认）")
    cats, cats_note = category_split(year, month_targets, hist.code_gmv, conf.categories)
    return Plan(year, sc, annual, source, months, days, quarters, conversion, aov, uv_value,
                ad_ratio, cpc, team, cal, defaults, cats, cats_note, service, fees)


def compare(hist: History, conf: Settings, *, year: int, annual_target: str | int = "0",
            growth: str | float | None = "") -> pd.DataFrame:
    """
    Build the three scenarios side by side.

    Returns
    -------
    DataFrame
        One row per scenario: ``scenario``, ``growth``, ``annual_target`` (元),
        ``uv_needed`` (Σ日访客 or None), ``ad_budget`` (元), ``staff_budget`` (元),
        ``headcount``, ``conversion``, ``aov``.
    """
    rows = []
    for name in SCENARIO_NAMES:
        p = make(hist, conf, year=year, scenario=name, annual_target=annual_target,
                 growth=growth)
        rows.append(headline(p))
    return pd.DataFrame(rows)


def headline(p: Plan) -> dict[str, Any]:
    """
    Return one plan's headline numbers (a row of :func:`compare`, the scenario panel's table).

    Returns
    -------
    dict
        ``scenario``, ``growth``, ``annual_target`` (元), ``uv_needed`` (Σ日访客 or None),
        ``ad_budget`` (元), ``campaign_fee`` (元), ``promotion_ratio`` ((推广 + 活动费用) ÷
        目标), ``cap_months`` (months where the ceiling binds), ``staff_budget`` (元),
        ``headcount`` (tier team, 人), ``cs_by_inquiry`` (人 or None), ``conversion``, ``aov``.
    """
    return {"scenario": p.scenario.name, "growth": p.scenario.growth,
            "annual_target": p.annual_target, "uv_needed": p.uv_needed_total,
            "ad_budget": p.ad_budget_total, "campaign_fee": p.campaign_fee_total,
            "promotion_ratio": p.promotion_ratio,
            "cap_months": int(p.months["cap_binds"].sum()),
            "staff_budget": p.staff_budget_total, "headcount": p.team["headcount"],
            "cs_by_inquiry": None if p.service is None else p.service["year_round"],
            "conversion": p.conversion, "aov": p.aov}


def daily_targets(p: Plan) -> pd.DataFrame:
    """
    Return the day targets the team works to: GMV, visitors, orders and ad spend per day.

    Each month's UV needed, orders (⌈目标 ÷ 客单价⌉) and ad budget are split over its days in
    proportion to the day GMV targets by largest remainder (:func:`allocate`), so every column
    adds up to its month exactly.

    Returns
    -------
    DataFrame
        ``day``, ``gmv`` (int 元), ``uv`` (人, None without traffic data), ``orders`` (笔 of
        paying buyers, None without an AOV), ``ad_spend`` (int 元), ``event``, ``holiday``.
    """
    uv: list[int | None] = []
    orders: list[int | None] = []
    spend: list[int] = []
    for r in p.months.to_dict("records"):
        m = int(r["month"][5:7])
        weights = [Fraction(int(t)) for t in p.days.loc[p.days["month"] == m, "target"]]
        n = len(weights)
        uv += [None] * n if r["uv_needed"] is None else allocate(int(r["uv_needed"]), weights)
        if p.aov is None or p.aov <= 0:
            orders += [None] * n
        else:
            month_orders = int((Decimal(int(r["target"])) / p.aov)
                               .to_integral_value(ROUND_CEILING))
            orders += allocate(month_orders, weights)
        spend += allocate(int(r["ad_budget"]), weights)
    return pd.DataFrame({"day": list(p.days["day"]),
                         "gmv": [int(t) for t in p.days["target"]],
                         "uv": uv, "orders": orders, "ad_spend": spend,
                         "event": list(p.days["event"]), "holiday": list(p.days["holiday"])})


# ---------------------------------------------------------------- targets out

TARGET_COLUMNS = ("周期类型", "周期开始", "指标", "目标值", "活动", "负责人", "备注")
"""Headers of the hand-kept 目标 sheet (ingest kind ``targets``)."""


def targets_rows(p: Plan) -> list[dict[str, Any]]:
    """
    Return the plan's targets as canonical rows (DATA_CONTRACT §9.14).

    Rows: the year's, each month's and each day's ``pay_amount`` (元); each month's
    ``visitors`` (UV needed, when known) and ``ad_cost_ratio`` (planned 推广费比); each day's
    ``visitors``, ``paid_orders`` and ``ad_cost`` (元) from :func:`daily_targets` (adding up to
    their months); each event's ``pay_amount`` over its window as a ``promo`` row starting on
    its first day.
    """
    out: list[dict[str, Any]] = [
        {"period_type": "year", "period_start": date(p.year, 1, 1), "metric": "pay_amount",
         "target_value": Decimal(p.annual_target), "promo_name": None}]
    for r in p.months.to_dict("records"):
        start = date.fromisoformat(f"{r['month']}-01")
        out.append({"period_type": "month", "period_start": start, "metric": "pay_amount",
                    "target_value": Decimal(r["target"]), "promo_name": None})
        if r["uv_needed"] is not None:
            out.append({"period_type": "month", "period_start": start, "metric": "visitors",
                        "target_value": Decimal(r["uv_needed"]), "promo_name": None})
        if r["ad_ratio"] is not None:
            out.append({"period_type": "month", "period_start": start,
                        "metric": "ad_cost_ratio",
                        "target_value": Decimal(str(round(r["ad_ratio"], 4))),
                        "promo_name": None})
    days = daily_targets(p)
    for metric, column in DAY_TARGETS.items():
        for d, t in zip(days["day"], days[column], strict=True):
            if t is not None and not pd.isna(t):
                out.append({"period_type": "day", "period_start": d, "metric": metric,
                            "target_value": Decimal(int(t)), "promo_name": None})
    for e in p.calendar.events:
        picked = p.days.loc[(p.days["day"] >= e.start) & (p.days["day"] <= e.end), "target"]
        out.append({"period_type": "promo", "period_start": e.start, "metric": "pay_amount",
                    "target_value": Decimal(int(picked.sum())), "promo_name": e.name})
    return [r | {"owner": PLAN_OWNER} for r in out]


DAY_TARGETS = {"pay_amount": "gmv", "visitors": "uv", "paid_orders": "orders",
               "ad_cost": "ad_spend"}
"""Day target metrics (targets table names) -> :func:`daily_targets` columns."""

_TYPE_ZH = {"year": "年", "month": "月", "day": "日", "promo": "大促"}
_METRIC_ZH = {"pay_amount": "支付金额", "visitors": "访客数", "ad_cost_ratio": "推广费比",
              "paid_orders": "支付订单数", "ad_cost": "推广花费"}


def targets_file(store: str, year: int) -> Path:
    """Return ``data/raw/<store>/手工/年度目标_<year>.xlsx``, the sheet the plan writes."""
    return paths.raw_dir(store) / "手工" / f"年度目标_{year}.xlsx"


def write_targets_sheet(store: str, p: Plan) -> Path:
    """
    Write the plan's targets as the hand-kept 目标 sheet that ``storeops ingest`` reads.

    The only file the plan writes under ``data/raw``: ``手工/年度目标_<year>.xlsx``, sheet
    ``年度目标``, headers :data:`TARGET_COLUMNS`, 负责人 ``年度计划（自动生成）`` and a 备注
    saying it was generated. Written to a hidden temp file (ingest skips dot files) and
    renamed, so ingest never reads half a sheet; re-running replaces the file.

    Returns
    -------
    Path
        The sheet.
    """
    import xlsxwriter

    path = targets_file(store, p.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    note = f"由 annual_plan 笔记本生成（情景：{p.scenario.name}），重新运行计划会覆盖本文件"
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        book = xlsxwriter.Workbook(str(tmp))
        book.set_properties({"title": f"年度目标 {p.year}", "author": "storeops 年度计划",
                             "comments": note})
        sheet = book.add_worksheet("年度目标")
        for c, h in enumerate(TARGET_COLUMNS):
            sheet.write_string(0, c, h)
        for i, r in enumerate(targets_rows(p), start=1):
            start = r["period_start"]
            when = {"year": str(start.year), "month": start.strftime("%Y-%m")}.get(
                r["period_type"], start.isoformat())
            value = r["target_value"]
            cells = [_TYPE_ZH[r["period_type"]], when, _METRIC_ZH[r["metric"]]]
            for c, text in enumerate(cells):
                sheet.write_string(i, c, text)
            if r["metric"] == "ad_cost_ratio":
                sheet.write_string(i, 3, f"{value * 100:.2f}%")
            else:
                sheet.write_number(i, 3, int(value))
            sheet.write_string(i, 4, r["promo_name"] or "")
            sheet.write_string(i, 5, PLAN_OWNER)
            sheet.write_string(i, 6, note if i == 1 else "")
        sheet.set_column(0, 6, 12)
        book.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("wrote %s", path)
    return path


def write_targets(con: duckdb.DuckDBPyConnection, store: str, p: Plan) -> int:
    """
    Write the plan's targets into the warehouse's ``targets`` table, replacing its earlier rows.

    One transaction: the plan's own rows of that year (负责人 ``年度计划（自动生成）``) are
    deleted, then the new rows are upserted (a hand-kept row with the same key is replaced).
    Re-running gives the same table, never duplicates. Needs a writable connection
    (``warehouse.connect(store, read_only=False)``), not a report's.

    Returns
    -------
    int
        Rows written.
    """
    rows = targets_rows(p)
    loaded = datetime.combine(date.today(), time())  # noqa: DTZ011 - a load stamp only
    frame = pd.DataFrame([{
        "shop_id": store, "period_type": r["period_type"], "period_start": r["period_start"],
        "metric": r["metric"], "target_value": str(r["target_value"]),
        "promo_name": r["promo_name"], "owner": r["owner"], "_source_file": "annual_plan",
        "_loaded_at": loaded} for r in rows])
    con.begin()
    try:
        warehouse.query_rows(con, "plan_delete_targets", store=store,
                             first=date(p.year, 1, 1), last=date(p.year, 12, 31),
                             owner=PLAN_OWNER)
        warehouse.upsert(con, "targets", frame)
    except Exception:
        con.rollback()
        raise
    con.commit()
    return len(frame)


# ---------------------------------------------------------------- figures


def _money(x: Decimal | int | None) -> float | None:
    return None if x is None else float(metrics.round_money(Decimal(x)))


def figures(p: Plan, hist: History, sheet: Path | None = None,
            workbook: Path | None = None) -> dict[str, Any]:
    """
    Return the plan's headline figures for ``annual_plan.metrics.json``.

    Besides the year, quarters, months, funnel, budget and team: ``categories`` (category →
    12 month targets, None when the items carry no category), ``headcount`` (the tier's roles
    plus ``客服（按询单量）``), ``cs_by_inquiry`` and ``campaign_fees`` (the 聚划算 inputs and
    12 monthly fees).
    """
    months = p.months
    headcount: dict[str, int | None] = {r["role"]: r["people"] for r in p.team["roles"]}
    headcount["客服（按询单量）"] = None if p.service is None else p.service["year_round"]
    svc = p.service
    cats = p.categories
    return {
        "year": p.year,
        "scenario": p.scenario.name,
        "growth": p.scenario.growth,
        "annual_target": p.annual_target,
        "target_source": p.target_source,
        "quarters": p.quarters,
        "months": dict(zip(months["month"], (int(t) for t in months["target"]), strict=True)),
        "day_targets_total": int(p.days["target"].sum()),
        "uv_needed": [None if v is None else int(v) for v in months["uv_needed"]],
        "uv_gap": [None if v is None else int(v) for v in months["uv_gap"]],
        "uv_needed_total": p.uv_needed_total,
        "ad_budget": [int(v) for v in months["ad_budget"]],
        "ad_budget_total": p.ad_budget_total,
        "ad_ratio": metrics.ratio(Decimal(p.ad_budget_total), Decimal(p.annual_target))
        if p.annual_target else None,
        "ad_cap_binds": [m for m, b in zip(months["month"], months["cap_binds"], strict=True)
                         if b],
        "staff_budget_total": p.staff_budget_total,
        "headcount": headcount,
        "cs_by_inquiry": None if svc is None else {
            "per_10k_gmv": round(svc["per_10k"], 4), "basis_days": svc["basis_days"],
            "per_agent": svc["per_agent"], "inquiries": svc["inquiries"],
            "agents_by_month": [x["agents"] for x in svc["months"]],
            "year_round": svc["year_round"], "peak_agents": svc["peak_agents"],
            "peak_day": svc["peak_day"].isoformat()},
        "categories": None if cats is None else {
            str(r["category"]): [int(r[f"{p.year}-{m:02d}"]) for m in range(1, 13)]
            for r in cats.to_dict("records")},
        "campaign_fees": {
            "juhuasuan_slot_fee": _money(Decimal(int(p.fees["slot_fee"].sum())))
            if len(p.fees) else 0.0,
            "juhuasuan_commission": int(p.fees["commission"].sum()) if len(p.fees) else 0,
            "months": [int(v) for v in months["campaign_fee"]],
            "total": p.campaign_fee_total,
            "events": sorted(set(p.fees["event"])) if len(p.fees) else []},
        "promotion_ratio": p.promotion_ratio,
        "personnel_cost_ratio": p.team["cost_ratio"],
        "conversion": p.conversion,
        "aov": _money(p.aov),
        "events": [{"name": e.name, "start": e.start.isoformat(), "end": e.end.isoformat(),
                    "expected_uplift": round(e.expected_uplift, 4), "source": e.uplift_source}
                   for e in p.calendar.events],
        "spring_stop": [p.calendar.spring_stop[0].isoformat(),
                        p.calendar.spring_stop[1].isoformat()],
        "history": {"start": hist.start.isoformat(), "end": hist.end.isoformat(),
                    "gmv": _money(hist.gmv_total), "covered_days": hist.covered_days},
        "defaults_used": p.defaults_used,
        "targets_file": None if sheet is None else str(sheet.relative_to(paths.home())),
        "workbook": None if workbook is None else str(workbook.relative_to(paths.home())),
    }
