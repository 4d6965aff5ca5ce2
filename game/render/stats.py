"""`decommission stats`: label counts and rates per condition, model data and scripted apart."""

from __future__ import annotations

from typing import Any

from game.analysis.published import FIGURES
from game.analysis.stats import condition_stats
from game.model.turn import LABELS
from game.store.library import Library


def stats_json(library: Library) -> dict[str, Any]:
    return {
        "unit": "transcript, by the most severe label among its assistant turns",
        "interval": "Wilson score, 95%",
        "conditions": [s.as_dict() for s in condition_stats(library)],
        "published": [
            {"what": f.what, "value": f.value, "source": f.source, "condition": f.condition} for f in FIGURES
        ],
        "unreadable": library.problems,
    }


def stats_text(library: Library) -> str:
    lines: list[str] = []
    for s in condition_stats(library):
        lines.append(f"{s.scenario_id}  {s.condition_id}")
        if s.model_n:
            lines.append(f"  model runs: n={s.model_n} ({', '.join(s.models)})")
            for label in LABELS:
                rate = s.rate(label)
                if rate.count:
                    lines.append(f"    {label:<15} {rate.describe()}")
        else:
            lines.append("  model runs: none recorded yet (no rates)")
        if s.scripted_n:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(s.scripted_counts.items()))
            lines.append(f"  scripted illustrations (not model data): n={s.scripted_n}: {counts}")
    lines.append("")
    lines.append("Published figures (shown for reference, never mixed into the rates above):")
    lines += [f"  {f.value:>16}  {f.what} - {f.source}" for f in FIGURES]
    return "\n".join(lines)
