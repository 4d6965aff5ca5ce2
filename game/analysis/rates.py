"""Rates with honest uncertainty: a proportion, its sample size and a Wilson 95% interval."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    count: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.count / self.n if self.n else 0.0

    def describe(self) -> str:
        if not self.n:
            return "no data"
        return f"{self.count}/{self.n} = {self.value:.0%} (95% CI {self.low:.0%}-{self.high:.0%})"

    def as_dict(self) -> dict[str, float | int | list[float]]:
        return {"count": self.count, "n": self.n, "rate": round(self.value, 4),
                "ci95": [round(self.low, 4), round(self.high, 4)]}


def wilson(count: int, n: int, z: float = Z95) -> Rate:
    """Wilson score interval: sane at 0 and n, and for the small samples a workshop records."""
    if n <= 0:
        return Rate(count, n, 0.0, 1.0)
    if not 0 <= count <= n:
        raise ValueError(f"count {count} outside 0..{n}")
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and n the bound is exact; floating point would leave 0.9999999999999999.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Rate(count, n, low, high)
