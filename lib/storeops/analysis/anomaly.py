"""Flag unusual days: a metric must move by a relative amount AND an absolute floor.

The baseline is the median of the same weekday over the previous weeks (weekday patterns
are strong in e-commerce). A ¥50 store does not alarm on ±40 %: the absolute floor must be
crossed too. On festival and holiday days an anomaly is kept but muted, with the reason,
instead of raising a false alarm. A missing day of data is itself an anomaly.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from storeops import metrics
from storeops.config import DEFAULT_ANOMALY


@dataclass(frozen=True, slots=True)
class Rule:
    """When a metric's move is an anomaly: |relative change| ≥ rel and |change| ≥ floor."""

    metric: str
    rel: float  # fraction, e.g. 0.3 = 30 %
    floor: float  # in the metric's unit: 元, 人, 笔, or a fraction for ratios (0.005 = 0.5 pp)
    direction: str = "both"  # both | up | down (the bad direction for one-sided rules)


ONE_SIDED = {"refund_rate": "up"}  # only a rise of the refund rate is bad news


def rules_from(thresholds: dict[str, tuple[float, float]]) -> tuple[Rule, ...]:
    """Build the rules from ``{metric: (relative, floor)}`` (``config.Thresholds.anomaly``)."""
    return tuple(Rule(metric, rel, floor, ONE_SIDED.get(metric, "both"))
                 for metric, (rel, floor) in thresholds.items())


DEFAULT_RULES: tuple[Rule, ...] = rules_from(DEFAULT_ANOMALY)


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One flagged metric (or a missing source) on the report day."""

    metric: str
    label: str
    value: Any
    baseline: Any
    change_pct: float | None
    severity: str  # high | medium
    muted_reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the JSON form recorded in the metrics file."""
        return {
            "metric": self.metric,
            "value": metrics.to_json_value(self.metric, self.value),
            "baseline": metrics.to_json_value(self.metric, self.baseline),
            "change_pct": self.change_pct,
            "severity": self.severity,
            "muted_reason": self.muted_reason,
        }


def baseline(history: list[Any]) -> Any:
    """Median of the known values (Decimal stays Decimal); None when there are none."""
    known = [v for v in history if v is not None]
    if not known:
        return None
    if all(isinstance(v, Decimal) for v in known):
        return statistics.median(known)
    return statistics.median(float(v) for v in known)


def check(rule: Rule, value: Any, history: list[Any], *, muted: str | None = None
          ) -> Anomaly | None:
    """
    Apply one rule to the day's value against its same-weekday history.

    Returns
    -------
    Anomaly or None
        ``None`` when nothing is unusual. A missing value while history has data is a
        high-severity anomaly ("数据缺失").
    """
    label = metrics.METRICS[rule.metric].label
    base = baseline(history)
    if value is None:
        if base is None:
            return None
        return Anomaly(rule.metric, f"{label}（数据缺失）", None, base, None, "high", muted)
    if base is None or base == 0:
        return None
    delta = float(value) - float(base)
    rel = delta / float(base)
    if (rule.direction == "up" and delta <= 0) or (rule.direction == "down" and delta >= 0):
        return None
    if abs(rel) < rule.rel or abs(delta) < rule.floor:
        return None
    severe = abs(rel) >= 2 * rule.rel and abs(delta) >= 2 * rule.floor
    return Anomaly(rule.metric, label, value, base, rel, "high" if severe else "medium", muted)


def detect(today: dict[str, Any], history: list[dict[str, Any]], *,
           rules: tuple[Rule, ...] = DEFAULT_RULES, muted: str | None = None) -> list[Anomaly]:
    """
    Check every rule for the day.

    Parameters
    ----------
    today : dict
        The day's metrics (``metrics.day_metrics``).
    history : list of dict
        The same weekday's metrics in previous weeks (missing days may be absent).
    rules : tuple of Rule
        Thresholds (per store overrides come from stores.toml).
    muted : str or None
        Why the day is special (festival, holiday); anomalies are then kept but muted.

    Returns
    -------
    list of Anomaly
        Unmuted first, then by severity.
    """
    found = [a for rule in rules
             if (a := check(rule, today.get(rule.metric),
                            [h.get(rule.metric) for h in history], muted=muted))]
    return sorted(found, key=lambda a: (a.muted_reason is not None, a.severity != "high"))
