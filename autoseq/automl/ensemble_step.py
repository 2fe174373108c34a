"""The ensemble step of a search: do the best candidates, mixed, beat the best one?"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import clone

from autoseq.automl.report import say
from autoseq.estimators.ensemble import select_ensemble as select_members
from autoseq.model_selection.results import candidate_name, describe


class EnsembleOutcome:
    """What the ensemble step decided: its row, its score against the best single
    candidate's on the same folds, and the unfitted ensemble estimator."""

    def __init__(self, params, fold_scores, score, single_score, wins, estimator, fit_time,
                 residuals):
        self.params = params
        self.fold_scores = fold_scores
        self.score = score
        self.single_score = single_score
        self.wins = wins
        self.estimator = estimator
        self.fit_time = fit_time
        self.residuals = residuals
        # set when it won on the folds but its refit would not fit in the time budget
        self.refit_estimate = self.refit_left = None



def select_ensemble(task, pipeline, results, oof, y_folds, y, scorer, best_single,
                    verbose=None):
    """The ensemble of the best candidates as an :class:`EnsembleOutcome`, or None.

    Members and weights for fold ``j`` are chosen on the folds before it
    (:func:`autoseq.estimators.ensemble.select_ensemble`); the ensemble wins
    only if it beats the best single candidate on those same folds.
    """
    if oof is None:
        warnings.warn(f"search={task.estimator.search!r} kept no out-of-fold predictions, "
                      "so no ensemble is built; use search='grid' for one.", UserWarning,
                      stacklevel=3)
        return None
    n_splits = len(y_folds)
    fold_scores = np.column_stack([np.asarray(results[f"split{k}_test_score"], dtype=float)
                                   for k in range(n_splits)])
    selection = select_members(oof, y_folds, fold_scores, task.prediction_score(scorer, y))
    if selection is None:
        if verbose:
            say("no ensemble: it needs at least two candidates that finished every fold")
        return None
    if len(selection.members) < 2:  # one member: the candidate itself, not an ensemble
        if verbose:
            say(f"no ensemble: the selection kept one candidate only "
                f"({describe(results['params'][selection.members[0]])})")
        return None
    params = {"members": [results["params"][c] for c in selection.members],
              "weights": [float(w) for w in selection.weights]}
    members = [(f"{candidate_name(p)}_{c}", clone(pipeline).set_params(**clone(p, safe=False)))
               for c, p in zip(selection.members, params["members"], strict=True)]
    residuals = task.residuals(selection.fold_predictions[1:], y_folds[1:])
    estimator = task.make_ensemble(members, params["weights"], residuals)
    if estimator is None:
        return None
    score = float(np.mean(selection.fold_scores[1:]))
    single = float(np.nanmean(fold_scores[best_single, 1:]))
    fit_time = float(sum(results["mean_fit_time"][c] for c in selection.members))
    return EnsembleOutcome(params, selection.fold_scores, score, single, wins=score > single,
                           estimator=estimator, fit_time=fit_time, residuals=residuals)
