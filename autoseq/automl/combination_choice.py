"""The statistical combination against the search's choice: keep, mix or replace.

The mean of the forecasts of AutoETS, AutoTheta and DynamicOptimizedTheta
(:data:`~autoseq.baselines.forecast.COMBINATION`) is the forecast the M3 and
M4 competitions found hard to beat. A search over dozens of candidates on
three walk-forward folds picks the one that did best on those folds, and part
of that lead is luck. On the development series of
``benchmarks/selection_check.py`` (M3 and Tourism, none in any benchmark
sample) keeping the search's choice whenever it beat the combination on the
folds at all, by however little, forecast worse than the combination alone.
So the choice must earn its place by a margin: :func:`choose` returns the
combination unless the choice cut the combination's validation error by more
than :data:`MIX_MARGIN`, the half-and-half mix of both up to
:data:`ALONE_MARGIN`, and the choice alone beyond.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from autoseq.automl.ensemble_step import EnsembleOutcome
from autoseq.baselines.forecast import COMBINATION, COMBINED_MODELS, StatisticalForecast
from autoseq.model_selection.results import candidate_name

# the relative cut in validation error the search's choice needs for a share of the
# forecast (mixed half and half with the combination), and to stand alone
MIX_MARGIN = 0.05
ALONE_MARGIN = 0.5
MIX_SHARE = 0.5


def combination_members(results, oof):
    """Rows of the combined statistical models on the raw series, or None unless each has
    a validation forecast on every fold."""
    rows = {}
    for i, params in enumerate(results["params"]):
        model = params.get("model")
        if (isinstance(model, StatisticalForecast) and model.transform == "none"
                and model.model in COMBINED_MODELS and oof is not None
                and all(p is not None for p in oof[i])):
            rows[model.model] = i
    return [rows[n] for n in COMBINED_MODELS] if len(rows) == len(COMBINED_MODELS) else None


def split_folds(residuals, y_folds):
    """The ensemble's forecasts per fold from its residuals on folds 1..k (fold 0: None)."""
    if residuals is None:
        return [None] * len(y_folds)
    out, start = [None], 0
    for truth in y_folds[1:]:
        out.append(truth - residuals[start:start + len(truth)])
        start += len(truth)
    return out


def relative_advantage(challenger_scores, combination_scores):
    """How much the challenger cut the combination's error, as a fraction of it.

    Scores are higher-is-better (minus an error for the forecasting metrics),
    one per fold both forecast; 0.1 means a tenth less error. A combination
    without error cannot be beaten: -inf unless the challenger ties it.
    """
    challenger, combination = np.mean(challenger_scores), np.mean(combination_scores)
    if combination == 0:
        return 0.0 if challenger >= 0 else -np.inf
    return float((challenger - combination) / abs(combination))


def share_of_choice(advantage, decides=False):
    """The search's choice's weight in the forecast, the combination's being the rest."""
    if decides or not advantage > MIX_MARGIN:
        return 0.0
    return 1.0 if advantage > ALONE_MARGIN else MIX_SHARE


def unfitted(task, pipeline, params, residuals):
    """The row's unfitted estimator: the pipeline, or the task's ensemble of its members."""
    if "members" not in params:
        return clone(pipeline).set_params(**clone(params, safe=False))
    named = [(f"{candidate_name(p)}_{i}", clone(pipeline).set_params(**clone(p, safe=False)))
             for i, p in enumerate(params["members"])]
    return task.make_ensemble(named, params["weights"], residuals)


def choose(task, pipeline, results, oof, y_folds, score, best_single, outcome):
    """The forecast the search ends with, as ``(outcome, validation forecasts)``.

    Parameters
    ----------
    task : ForecastTask
    pipeline : ForecastPipeline
        The unfitted candidates' pipeline.
    results, oof, y_folds
        The search's ``cv_results``-style rows, each row's validation forecasts
        per fold, and the folds' targets.
    score : callable
        ``score(prediction, y)`` on stored forecasts, higher is better.
    best_single : int
        The row of the best single candidate.
    outcome : EnsembleOutcome or None
        The ensemble step's outcome; its ensemble is the search's choice when
        it won, else the best single candidate is.

    Returns
    -------
    outcome : EnsembleOutcome or None
        ``outcome`` itself when the choice stands alone (or the combination is
        not available); otherwise the ensemble row holding the combination,
        alone or mixed with the choice.
    oof : list of ndarray or None
        The returned row's validation forecasts per fold, None where it has
        none (or when ``outcome`` is returned).
    """
    members = combination_members(results, oof)
    if members is None:
        return outcome, None
    combined = [np.mean([oof[i][k] for i in members], axis=0) for k in range(len(y_folds))]
    if outcome is not None and outcome.wins:
        chosen, chosen_time = outcome.params, outcome.fit_time
        chosen_folds = split_folds(outcome.residuals, y_folds)
    else:
        chosen_folds, chosen = oof[best_single], results["params"][best_single]
        chosen_time = float(results["mean_fit_time"][best_single])
    done = [k for k, p in enumerate(chosen_folds) if p is not None]
    if not done:
        return outcome, None
    decides = task.combination_decides()
    advantage = relative_advantage([score(chosen_folds[k], y_folds[k]) for k in done],
                                   [score(combined[k], y_folds[k]) for k in done])
    share = share_of_choice(advantage, decides)
    if share == 1.0:
        return outcome, None
    combination = task.statistical_candidate(COMBINATION)
    fit_time = float(sum(results["mean_fit_time"][i] for i in members))
    if share == 0.0:
        params, folds = combination, combined
    else:
        parts = chosen.get("members", [chosen])
        weights = [share * w for w in chosen.get("weights", [1.0])] + [1.0 - share]
        params = {"members": [*parts, combination], "weights": weights}
        folds = [None if p is None else share * p + (1.0 - share) * c
                 for p, c in zip(chosen_folds, combined, strict=True)]
        fit_time += chosen_time
    scored = [k for k, p in enumerate(folds) if p is not None]
    residuals = task.residuals([folds[k] for k in scored], [y_folds[k] for k in scored])
    fold_scores = np.array([np.nan if p is None else score(p, t)
                            for p, t in zip(folds, y_folds, strict=True)])
    return EnsembleOutcome(
        params, fold_scores, float(np.nanmean(fold_scores)),
        float(np.mean(results["mean_test_score"][best_single])), wins=True,
        estimator=unfitted(task, pipeline, params, residuals), fit_time=fit_time,
        residuals=residuals), folds
