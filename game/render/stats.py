"""`decommission stats`: label counts and rates per condition, model data and scripted apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.analysis.stats import condition_stats
from game.store.library import Library

WHO = {"judge": "an LLM judge", "heuristic": "the heuristic classifier", "source": "the source's own verdict",
       "authored": "the author", "unlabelled": "nobody"}


def stats_json(library: Library, figures: Sequence[Any] = ()) -> dict[str, Any]:
    """`figures`: the published figures of the scenarios shown (FigureSpec), given apart."""
    return {
        "unit": "transcript, by the most severe label among its assistant turns",
        "interval": "Wilson score, 95%",
        "conditions": [s.as_dict() for s in condition_stats(library)],
        "published": [{"what": f.what, "value": f.value, "source": f.source, "model": f.model,
                       "condition": f.condition} for f in figures],
        "unreadable": library.problems,
    }


def stats_text(library: Library, figures: Sequence[Any] = ()) -> str:
    lines: list[str] = []
    for s in condition_stats(library):
        lines.append(f"{s.scenario_id}  {s.condition_id}")
        if s.model_n:
            lines.append(f"  model runs: n={s.model_n} ({', '.join(s.models)})")
            for label in s.labels:
                rate = s.rate(label)
                if rate.count:
                    lines.append(f"    {label:<15} {rate.describe()}")
            if len(s.by_model) > 1:  # each model apart, as the published figures are
                for model, by_label in sorted(s.by_model.items()):
                    n = sum(by_label.values())
                    shown = "; ".join(f"{label} {s.rate(label, model).describe()}" for label in s.labels
                                      if label in by_label)
                    lines.append(f"    {model}: n={n}: {shown}")
            who = ", ".join(f"{WHO.get(k, k)} {v}" for k, v in sorted(s.labelled_by.items(), key=lambda kv: -kv[1]))
            lines.append(f"    labelled by: {who}" + (f"; {s.agreement.describe()}" if s.agreement.both else ""))
            if s.source.n:
                lines.append(f"    {s.source.describe()}")
        elif not s.unlabelled_n:
            lines.append("  model runs: none recorded yet (no rates)")
        if s.unlabelled_n:
            lines.append(f"  model runs not labelled: n={s.unlabelled_n}: no classifier of ours reads this story, so "
                         "no rates (each run's own scores are in its replay and export)")
            if s.source.n and not s.model_n:
                lines.append(f"    {s.source.describe()}")
        if s.scripted_n:
            tally = ", ".join(f"{k} {v}" for k, v in sorted(s.scripted_counts.items()))
            lines.append(f"  scripted illustrations (not model data): n={s.scripted_n}: {tally}")
    lines.append("")
    lines.append("Published figures (shown for reference, never mixed into the rates above):")
    lines += [f"  {f.value:>16}  {f.what} - {f.source}" for f in figures]
    return "\n".join(lines)
