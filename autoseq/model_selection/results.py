"""A search's results: rows, out-of-fold predictions, errors, ranks and the leaderboard.

Every AutoSeq search ends in one ``cv_results_``-style dict, built by
scikit-learn from everything the engine evaluated, to which
:func:`search_results` adds an ``error`` column and a row per candidate that
failed on every fold or was not run. The ensemble adds its row with
:func:`append_row`; :func:`set_ranks` ranks; :func:`leaderboard` shows it.
One rule picks the best row everywhere: :func:`best_row`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoseq.baselines.numeric import candidate_name as model_name
from autoseq.baselines.numeric import ignores_sequences
from autoseq.estimators.deadline import BUDGET_CUT
from autoseq.model_selection.progress import NOT_RUN_PREFIX, Leaderboard

# the leaderboard's error text for the candidates a search stopped before
NOT_RUN = {"time_budget": f"{NOT_RUN_PREFIX}the time budget was spent",
           "unbeatable": f"{NOT_RUN_PREFIX}a finished candidate has the best possible score",
           "interrupted": f"{NOT_RUN_PREFIX}the search was interrupted"}


# -- what a candidate is --------------------------------------------------------------
def is_trained(params: dict) -> bool:
    """Whether a candidate trains a network (epochs), rather than replacing the model step
    with a model fitted without a training loop (a baseline, ``rocket_ridge``)."""
    return "model" not in params


def candidate_name(params: dict) -> str:
    """The leaderboard's ``architecture``: the architecture, baseline or ``ensemble``."""
    if "members" in params:
        return "ensemble"
    arch = params.get("model__architecture")
    if arch is not None:
        return arch.name
    return model_name(params.get("model"))


def hyperparameters(params: dict) -> dict:
    """The searched settings of a candidate, short names, skipped steps left out."""
    return {k.split("__")[-1]: v for k, v in params.items()
            if k not in ("model__architecture", "model")
            and not (isinstance(v, str) and v == "passthrough")}


def describe(params: dict) -> str:
    """One line naming a candidate and its settings."""
    if "members" in params:
        parts = ", ".join(f"{describe(p)}: {w:.2f}"
                          for p, w in zip(params["members"], params["weights"], strict=True))
        return f"ensemble of {len(params['members'])} ({parts})"
    name, rest = candidate_name(params), hyperparameters(params)
    return f"{name} {rest}" if rest else name


def kind(params: dict) -> str:
    """``deep``, ``baseline``, ``ensemble`` or an architecture's own kind."""
    if "members" in params:
        return "ensemble"
    arch = params.get("model__architecture")
    return getattr(arch, "kind", "deep") if arch is not None else "baseline"


# -- the rows -------------------------------------------------------------------------
def best_row(results, score_key: str = "mean_test_score") -> int:
    """The best finite score; a tie goes to the row listed first.

    Under successive halving (rows tagged with ``iter``) only the last round
    and the candidates without epochs may win: an early round's score comes
    from fewer epochs.
    """
    scores = np.where(_eligible(results, score_key),
                      np.asarray(results[score_key], dtype=float), -np.inf)
    if np.isfinite(scores).any():
        return int(np.argmax(scores))
    scores = np.asarray(results[score_key], dtype=float)
    return int(np.argmax(np.where(np.isfinite(scores), scores, -np.inf)))


def one_standard_error_row(results, score_key: str = "mean_test_score") -> int:
    """The cheapest candidate whose mean score lies within one standard error of the best.

    On a few small folds the best mean is partly luck: a network that scores
    0.97 +- 0.03 against 0.96 +- 0.02 for a model fitted in a second has not
    shown it is better. Breiman's one-standard-error rule: among the rows
    :func:`best_row` could choose whose mean is at least the best mean minus its
    standard error (the folds' standard deviation over the square root of
    their number), the one with the least mean fit time wins; a tie goes to the
    row listed first. A model that ignores the sequences (the majority class,
    the mean) is a floor to beat, never preferred for being cheap: it wins only
    with the best mean.
    """
    best = best_row(results, score_key)
    scores = np.asarray(results[score_key], dtype=float)
    folds = _split_scores(results, score_key)
    n_folds = int(np.isfinite(folds[best]).sum()) if folds is not None else 0
    std = float(np.asarray(results[score_key.replace("mean_", "std_", 1)], dtype=float)[best])
    if n_folds < 2 or not np.isfinite(std):
        return best
    margin = std / np.sqrt(n_folds)
    close = _eligible(results, score_key) & (scores >= scores[best] - margin)
    close &= np.array([not ignores_sequences(p.get("model")) for p in results["params"]])
    close[best] = True
    cost = np.asarray(results["mean_fit_time"], dtype=float)
    cost = np.where(close & np.isfinite(cost), cost, np.inf)
    if not np.isfinite(cost).any():
        return best
    return int(np.argmin(cost))


def _eligible(results, score_key) -> np.ndarray:
    """Rows with a finite score that may win (under halving: the last round, or none)."""
    eligible = np.isfinite(np.asarray(results[score_key], dtype=float))
    if "iter" in results:
        rounds = np.asarray(results["iter"])
        eligible &= (rounds == rounds.max()) | (np.asarray(results["n_resources"]) == 0)
    return eligible


def _split_scores(results, score_key):
    """``(rows, folds)`` of the fold scores behind ``score_key`` (None without any)."""
    name = score_key.replace("mean_", "", 1)
    keys = [k for k in results if k.startswith("split") and k.endswith(f"_{name}")]
    if not keys:
        return None
    return np.column_stack([np.asarray(results[f"split{k}_{name}"], dtype=float)
                            for k in range(len(keys))])


def append_row(results, params, split_scores=None, fit_time=np.nan, error="") -> None:
    """Add one candidate row to ``cv_results``-style ``results`` (in place)."""
    split_scores = np.asarray(split_scores, dtype=float) if split_scores is not None else None
    for key, value in list(results.items()):
        if key == "params":
            value.append(params)
        elif key == "error":
            results[key] = np.append(value, np.array([error], dtype=object))
        elif key.startswith("param_"):
            name = key[len("param_"):]
            results[key] = np.ma.append(value, np.ma.masked_array(
                [params.get(name)], mask=[name not in params], dtype=object))
        elif isinstance(value, np.ndarray):
            new = np.nan if value.dtype.kind == "f" else 0
            if key.startswith("split") and key.endswith("_test_score") and split_scores is not None:
                new = split_scores[int(key[len("split"):-len("_test_score")])]
            elif key == "mean_test_score" and split_scores is not None:
                new = np.nanmean(split_scores)
            elif key == "std_test_score" and split_scores is not None:
                new = np.nanstd(split_scores)
            elif key == "mean_fit_time":
                new = fit_time
            results[key] = np.append(value, new)


def search_results(search) -> dict:
    """A finished search's ``cv_results_`` with an ``error`` column, one row per fully
    failed candidate and one per candidate the search stopped before, ranked."""
    results = {k: (list(v) if not isinstance(v, np.ndarray) else v)
               for k, v in search.cv_results_.items()}
    n = len(results["params"])
    results["error"] = np.array([search.partial_failures_.get(i, "") for i in range(n)],
                                dtype=object)
    score_scored_folds(results)
    for params, error in search.failures_:
        append_row(results, params, error=error)
    for params in getattr(search, "skipped_", []):
        append_row(results, params, error=NOT_RUN[search.stopped_early_])
    set_ranks(results)
    return results


def score_scored_folds(results) -> None:
    """Give a candidate whose later folds the time budget did not start its mean over the
    folds it finished (in place; the leaderboard's ``folds`` column shows which).

    Without it, a closed-form model cut after two of three folds would have no score,
    and on a loaded machine a trivial baseline could win instead.
    """
    folds = _split_scores(results, "mean_test_score")
    if folds is None:
        return
    for i, error in enumerate(results["error"]):
        scored = np.isfinite(folds[i])
        if str(error).startswith(BUDGET_CUT) and scored.any() and not scored.all():
            results["mean_test_score"][i] = float(np.mean(folds[i][scored]))
            results["std_test_score"][i] = float(np.std(folds[i][scored]))


def out_of_fold(search, n_rows, splits, to_array):
    """``oof[row][fold]``: ``to_array(kept)`` of what each fold's scorer kept, None where
    nothing was or the prediction does not match the fold; None without any."""
    kept = getattr(search, "oof_predictions_", None)
    if kept is None:
        return None
    oof = [[None] * len(splits) for _ in range(n_rows)]
    for i, row in enumerate(kept):
        for f, item in enumerate(row):
            if item is None:
                continue
            prediction = to_array(item)
            if len(prediction) == len(splits[f][1]):
                oof[i][f] = prediction
    return oof


def set_ranks(results, ensemble_index=None, ensemble_wins=False, best_single=None) -> None:
    """Rank by the score shown (``mean_test_score``), best first; unscored rows last.

    Each row's score is its mean over the folds it was scored on (the
    leaderboard's ``folds`` column): every fold for a single candidate, folds 2
    and later for the ensemble, whose weights for a fold are chosen on the
    folds before it. Ties keep the search's order (the first listed ranks
    first, as it wins a tie). ``best_single``, where given, leads the single
    candidates: the search's own rule chose it (halving: only its last round
    may win), also where an early-round row of fewer epochs scored higher.
    ``ensemble_wins`` does not move the ensemble: it ranks by its score like
    any row (whether it became ``best_estimator_`` is decided on the same
    folds as the best single candidate).
    """
    scores = np.asarray(results["mean_test_score"], dtype=float)
    key = np.where(np.isfinite(scores), -scores, np.inf)
    order = [i for i in np.argsort(key, kind="stable") if i != ensemble_index]
    if best_single is not None:
        order.remove(best_single)
        order.insert(0, best_single)
    if ensemble_index is not None:
        # before the first row it beats; after the rows it ties (they were listed first)
        place = next((p for p, i in enumerate(order) if key[i] > key[ensemble_index]),
                     len(order))
        order.insert(place, ensemble_index)
    rank = np.empty(len(scores), dtype=np.int32)
    rank[order] = np.arange(1, len(scores) + 1)
    results["rank_test_score"] = rank


def fold_text(scored) -> str:
    """1-based fold numbers as ranges: ``"1-3"``, ``"2-3"``, ``"1, 3"``; ``"-"`` for none."""
    folds = [k + 1 for k, ok in enumerate(scored) if ok]
    if not folds:
        return "-"
    runs, start = [], folds[0]
    for previous, k in zip(folds, folds[1:] + [None], strict=True):
        if k != previous + 1:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
            start = k
    return ", ".join(runs)


def leaderboard(results) -> pd.DataFrame:
    """One row per candidate, best first: rank, architecture, kind, params, scores,
    the folds scored, fit time and error."""
    n_splits = sum(1 for k in results if k.startswith("split") and k.endswith("_test_score"))
    splits = np.column_stack([np.asarray(results[f"split{k}_test_score"], dtype=float)
                              for k in range(n_splits)]) if n_splits else None
    rows = []
    for i, params in enumerate(results["params"]):
        if "members" in params:
            hyper = {"members": [describe(p) for p in params["members"]],
                     "weights": [round(w, 4) for w in params["weights"]]}
        else:
            hyper = hyperparameters(params)
        rows.append({
            "rank": int(results["rank_test_score"][i]), "architecture": candidate_name(params),
            "kind": kind(params), "params": hyper,
            "mean_score": float(results["mean_test_score"][i]),
            "std_score": float(results["std_test_score"][i]),
            # the folds behind mean_score (none when a failed fold left it NaN)
            "folds": (fold_text(np.isfinite(splits[i]))
                      if splits is not None and np.isfinite(results["mean_test_score"][i])
                      else "-"),
            "fit_time": float(results["mean_fit_time"][i]), "error": results["error"][i],
        })
    return Leaderboard(pd.DataFrame(rows).sort_values("rank").reset_index(drop=True))
