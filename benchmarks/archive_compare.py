"""Two runs of the UCR archive harness side by side: what a change did to the default
classifier, set by set, with the same-run references beside it.

Each results file comes from ``benchmarks/archive.py --collection ucr --results FILE``
(run the two code versions with the same ``--budget``, ``--sample`` and ``--seed``, one
after the other on a quiet machine). Only the sets both runs finished are compared.
Where the second run skipped MiniRocket (``--no-minirocket``), the first run's figure
for the same set is shown (aeon's MiniRocket with ``random_state=0`` on the same split).

Run::

    python benchmarks/archive_compare.py BEFORE.jsonl AFTER.jsonl --names main change
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

try:
    from benchmarks.archive import load_results
except ModuleNotFoundError:  # run as a script
    from archive import load_results


def _score(row: dict, key: str) -> float:
    part = row.get(key) or {}
    return float(part["score"]) if "score" in part else np.nan


def compare(before: Path, after: Path, names=("before", "after")) -> str:
    """A markdown table and summary of the default classifier in two archive runs."""
    (runs_a, rows_a, _), (runs_b, rows_b, _) = load_results(before), load_results(after)
    sets = [s for s in rows_a if s in rows_b and "autoseq" in rows_a[s] and "autoseq" in rows_b[s]]
    a, b = names
    lines = [f"| set | {a} | fit (s) | winner | {b} | fit (s) | winner | rocket_ridge | "
             "MiniRocket |", "|---|---|---|---|---|---|---|---|---|"]
    scores = {a: [], b: [], "rocket_ridge": [], "minirocket": []}
    fits = {a: [], b: []}
    borrowed = 0
    for s in sets:
        ra, rb = rows_a[s], rows_b[s]
        sa, sb = _score(ra, "autoseq"), _score(rb, "autoseq")
        rocket = _score(rb, "rocket_ridge")
        mini = _score(rb, "minirocket")
        if np.isnan(mini) and not np.isnan(_score(ra, "minirocket")):
            mini = _score(ra, "minirocket")  # the after run skipped it (--no-minirocket)
            borrowed += 1
        fa, fb = ra["autoseq"].get("fit_s", np.nan), rb["autoseq"].get("fit_s", np.nan)
        lines.append(f"| {s} | {sa:.3f} | {fa:.0f} | {ra['autoseq'].get('winner')} | "
                     f"{sb:.3f} | {fb:.0f} | {rb['autoseq'].get('winner')} | {rocket:.3f} | "
                     f"{mini:.3f} |")
        for key, value in ((a, sa), (b, sb), ("rocket_ridge", rocket), ("minirocket", mini)):
            scores[key].append(value)
        fits[a].append(fa)
        fits[b].append(fb)
    if not sets:
        return "No set was finished by both runs."
    arr = {k: np.asarray(v, dtype=float) for k, v in scores.items()}
    diff = arr[b] - arr[a]
    lines += ["", f"Over {len(sets)} sets: mean accuracy {a} {np.nanmean(arr[a]):.4f} "
              f"(fit {np.nanmedian(fits[a]):.0f} s median), {b} {np.nanmean(arr[b]):.4f} "
              f"(fit {np.nanmedian(fits[b]):.0f} s median); {b} - {a}: "
              f"{np.nanmean(diff):+.4f}, better / equal / worse on "
              f"{int((diff > 1e-9).sum())} / {int((np.abs(diff) <= 1e-9).sum())} / "
              f"{int((diff < -1e-9).sum())} sets. Same run as {b}: rocket_ridge "
              f"{np.nanmean(arr['rocket_ridge']):.4f}, MiniRocket "
              f"{np.nanmean(arr['minirocket']):.4f}"
              + (f" (from the {a} run on {borrowed} sets: the {b} run skipped it)."
                 if borrowed else ".")]
    for name, runs in ((a, runs_a), (b, runs_b)):
        if runs:
            r = runs[-1]
            lines.append(f"- {name}: code {r.get('code')}, {r.get('machine', {}).get('date')}, "
                         f"`{r.get('command')}`")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--names", nargs=2, default=("before", "after"))
    args = parser.parse_args(argv)
    print(compare(args.before, args.after, tuple(args.names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
