"""Explain a change of GMV: by factor (UV × CR × AOV) and by part (sources, items).

Factor split uses LMDI (logarithmic mean Divisia index): for V = UV × CR × AOV,
effect(x) = L(V₁, V₀) · ln(x₁ / x₀) with L(a, b) = (a − b) / (ln a − ln b), and the three
effects add up exactly to V₁ − V₀. Additive splits list each part's change and a residual
(未归属) so the parts always add up to the total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd


@dataclass(frozen=True, slots=True)
class FactorSplit:
    """A GMV change split into the UV, conversion and AOV effects (元, summing to total)."""

    total: Decimal
    uv: Decimal | None
    conversion: Decimal | None
    aov: Decimal | None

    @property
    def complete(self) -> bool:
        """True when all three effects are known."""
        return None not in (self.uv, self.conversion, self.aov)


def log_mean(a: float, b: float) -> float:
    """Return the logarithmic mean L(a, b) of two positive numbers (L(a, a) = a)."""
    if a <= 0 or b <= 0:
        raise ValueError("log mean needs positive numbers")
    if math.isclose(a, b, rel_tol=1e-12):
        return a
    return (a - b) / (math.log(a) - math.log(b))


def factor_split(
    gmv_now: Decimal, gmv_before: Decimal,
    uv_now: int | None, uv_before: int | None,
    buyers_now: int | None, buyers_before: int | None,
) -> FactorSplit:
    """
    Split the GMV change into UV, conversion (buyers ÷ UV) and AOV (GMV ÷ buyers) effects.

    The three effects are rounded to the cent and the AOV effect absorbs the rounding, so
    they add up exactly to ``gmv_now − gmv_before``. When a factor is missing or zero on
    either day (no traffic export, no sales) the effects are None: a log split needs
    positive values.
    """
    total = gmv_now - gmv_before
    parts = (uv_now, uv_before, buyers_now, buyers_before)
    if any(p is None or p <= 0 for p in parts) or gmv_now <= 0 or gmv_before <= 0:
        return FactorSplit(total, None, None, None)
    v1, v0 = float(gmv_now), float(gmv_before)
    weight = log_mean(v1, v0)
    cr1, cr0 = buyers_now / uv_now, buyers_before / uv_before
    aov1, aov0 = v1 / buyers_now, v0 / buyers_before
    cent = Decimal("0.01")
    uv_effect = Decimal(weight * math.log(uv_now / uv_before)).quantize(cent)
    cr_effect = Decimal(weight * math.log(cr1 / cr0)).quantize(cent)
    # The AOV effect is weight · ln(aov1 / aov0) up to rounding; taking it as the remainder
    # makes the three parts add up to the cent.
    del aov1, aov0
    aov_effect = total - uv_effect - cr_effect
    return FactorSplit(total, uv_effect, cr_effect, aov_effect)


def additive_split(now: pd.Series, before: pd.Series, total_now: Decimal,
                   total_before: Decimal, *, residual: str = "未归属") -> pd.DataFrame:
    """
    Split a total change into the changes of its parts, plus a residual so they add up.

    Parameters
    ----------
    now, before : Series
        GMV (Decimal 元) by part (source, item …), indexed by the part's name.
    total_now, total_before : Decimal
        The whole's GMV; the parts may not cover it (attribution gaps, other items).
    residual : str
        Name of the row that takes ``total change − Σ part changes``.

    Returns
    -------
    DataFrame
        ``part``, ``now``, ``before``, ``change`` (Decimal), sorted by |change| descending,
        the residual last; ``change`` sums exactly to ``total_now − total_before``.
    """
    parts = sorted(set(now.index) | set(before.index), key=str)
    zero = Decimal(0)
    rows = [{"part": p, "now": Decimal(now.get(p, zero)), "before": Decimal(before.get(p, zero))}
            for p in parts]
    for r in rows:
        r["change"] = r["now"] - r["before"]
    rows.sort(key=lambda r: (-abs(r["change"]), str(r["part"])))
    covered_now = sum((r["now"] for r in rows), zero)
    covered_before = sum((r["before"] for r in rows), zero)
    rest = {"part": residual, "now": total_now - covered_now,
            "before": total_before - covered_before}
    rest["change"] = rest["now"] - rest["before"]
    if rest["now"] != 0 or rest["before"] != 0:
        rows.append(rest)
    return pd.DataFrame(rows, columns=["part", "now", "before", "change"])
