"""The AutoSeq search, shared by every task: candidates -> engine -> ensemble -> refit.

:class:`AutoSeqBase` holds the parameters every AutoSeq estimator shares and
runs one ``fit`` for a collection of sequences through its task
(:mod:`autoseq.automl.task`). :func:`search_and_refit` is the part every
estimator shares, the forecaster included: it runs the engine
(:class:`~autoseq.model_selection.search.CandidateSearch`) under the time
budget, builds the results (:mod:`autoseq.model_selection.results`), lets an
ensemble of the best candidates compete, and refits the winner inside what is
left of the budget.
"""

from __future__ import annotations

import copy
import time

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import check_scoring
from sklearn.utils.validation import check_is_fitted

from autoseq import validation
from autoseq.automl.report import report_stop, report_winner, tell_about_budget
from autoseq.estimators.deadline import deadline_callback, training_deadline
from autoseq.model_selection.budget import (
    SEARCH_SHARE,
    check_time_budget,
    resolve_time_budget,
    training_end,
)
from autoseq.model_selection.progress import SearchProgress
from autoseq.model_selection.results import (
    append_row,
    describe,
    is_trained,
    out_of_fold,
    search_results,
    set_ranks,
)
from autoseq.model_selection.search import (
    CandidateSearch,
    OutOfFoldScorer,
    SearchFailedError,
)

SEARCHES = ("auto", "grid", "halving")
# a network refitted with less than this share of the time its folds trained (scaled to
# every row) is stopped by the budget long before it learns what its score promised
REFIT_MIN_SHARE = 0.5
# a model without a training loop cannot be stopped: it may refit when it overruns the
# budget by at most this share of it
REFIT_OVERRUN = 0.1


class SearchOutcome:
    """Everything :func:`search_and_refit` found, for the estimator to keep."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def search_and_refit(estimator, task, *, X, y, pipeline, grid, splits, scorer, schedule,
                     batch_size=1, started, budget) -> SearchOutcome:
    """Search ``grid`` on ``splits`` with ``schedule``, add the ensemble, refit the winner.

    Parameters
    ----------
    estimator : AutoSeq estimator
        Its ``n_jobs``, ``verbose``, ``ensemble`` and ``time_budget`` apply.
    task : Task
    X, y : the search's data
    pipeline : Pipeline
        The unfitted pipeline every candidate's parameters are set on.
    grid : list of dict
        The candidates (a schedule that builds its own may ignore it).
    splits : list of (train, test)
    scorer : callable
    schedule : schedule
    started : float
        ``time.monotonic()`` when ``fit`` began (the budget covers all of it).
    budget : float or None
        Seconds for the whole ``fit``.

    Returns
    -------
    SearchOutcome
    """
    searched = clone(pipeline)
    left = None if budget is None else budget - (time.monotonic() - started)
    if left is not None and "model__callbacks" in searched.get_params():
        searched.set_params(model__callbacks=[deadline_callback(
            time.time() + SEARCH_SHARE * left)])
    progress = SearchProgress(time_budget=left, verbose=estimator.verbose)
    search = CandidateSearch(
        searched, grid, scoring=OutOfFoldScorer(scorer, task.oof_method), cv=splits,
        n_jobs=estimator.n_jobs, schedule=schedule, time_budget=left, batch_size=batch_size,
        progress=progress, verbose=max(0, (estimator.verbose or 0) - 1),
        best_possible=task.best_possible())
    search_started = time.monotonic()
    with progress:
        search.fit(X, y)
    search_time = time.monotonic() - search_started
    report_stop(estimator, search, budget)

    results = search_results(search)
    scores = np.asarray(results["mean_test_score"], dtype=float)
    if not np.isfinite(scores).any():
        errors = "\n".join(f"- {describe(p)}: {e or 'no finite score'}"
                           for p, e in zip(results["params"], results["error"], strict=True))
        raise SearchFailedError(f"No candidate of the search got a score:\n{errors}")
    y_folds = [None if y is None else y[test] for _, test in splits]
    oof = out_of_fold(search, len(results["params"]), splits, lambda kept: task.oof_array(kept, y))
    best_single = task.select_best(results)
    winner, ensemble, ensemble_index = best_single, None, None
    if getattr(estimator, "ensemble", False):
        ensemble = task.select_ensemble(pipeline, results, oof, y_folds, y, scorer, best_single)
    if ensemble is not None and ensemble.wins and budget is not None:
        # its members refit one after another: that must fit in what is left
        left = budget - (time.monotonic() - started)
        ensemble.refit_estimate = ensemble.fit_time * search.refit_scale_
        if ensemble.refit_estimate > left:
            ensemble.wins, ensemble.refit_left = False, left
    refit_cut = None
    if budget is not None and not (ensemble is not None and ensemble.wins):
        left = training_end(started, budget) - time.time()
        chosen = refit_within_budget(results, best_single, left, budget, search.refit_scale_)
        if chosen != best_single:
            refit_cut = (
                f"{describe(results['params'][best_single])} scored best, but its refit on "
                f"every row (~{results['mean_fit_time'][best_single] * search.refit_scale_:.0f}"
                f"s) would have been stopped by the time budget after {max(left, 0.0):.0f}s, "
                f"barely trained; {describe(results['params'][chosen])}, the best candidate "
                "whose refit fits, was refitted instead (a larger time_budget refits the best)")
            tell_about_budget(estimator, refit_cut)
            winner = best_single = chosen
    if ensemble is not None:
        append_row(results, ensemble.params, ensemble.fold_scores, ensemble.fit_time)
        ensemble_index = len(results["params"]) - 1
        if ensemble.wins:
            winner = ensemble_index
    set_ranks(results, ensemble_index, ensemble is not None and ensemble.wins, best_single)

    refit_started = time.monotonic()
    # the refit is inside the budget: networks stop training when it is spent
    with training_deadline(training_end(started, budget)):
        if winner == ensemble_index:
            best = clone(ensemble.estimator).fit(X, y)
            residuals = ensemble.residuals
        else:
            best = clone(pipeline).set_params(**clone(results["params"][winner], safe=False))
            best.fit(X, y)
            residuals = None if oof is None else task.residuals(oof[best_single], y_folds)
    refit_time = time.monotonic() - refit_started
    return SearchOutcome(
        best=best, results=results, oof=oof, y_folds=y_folds, best_single=best_single,
        winner=winner, ensemble=ensemble, ensemble_index=ensemble_index, residuals=residuals,
        search_time=search_time, refit_time=refit_time, stopped=search.stopped_early_,
        n_splits=len(splits), refit_cut=refit_cut)


def refit_within_budget(results, best, left, budget, scale) -> int:
    """The row to refit: ``best``, unless it is a network that ``left`` seconds would stop.

    A network's refit is stopped when the budget is spent; with less than
    :data:`REFIT_MIN_SHARE` of its expected time (its folds' mean fit time times
    ``scale``) it would end barely trained. The best-scored candidate whose refit
    fits is taken instead: a network given that share, or a model without a
    training loop (it always finishes) overrunning the budget by at most
    :data:`REFIT_OVERRUN` of it. None fits: ``best``, stopped wherever it is.

    Parameters
    ----------
    results : dict
        The search's results (``params``, ``mean_test_score``, ``mean_fit_time``).
    best : int
        The row the search chose.
    left : float
        Seconds of training left in the budget (negative once spent).
    budget : float
        The whole budget in seconds.
    scale : float
        A refit's cost over a fold's (all rows over a fold's training rows).

    Returns
    -------
    int
    """
    params = results["params"]
    expected = np.asarray(results["mean_fit_time"], dtype=float) * scale

    def fits(i):
        if is_trained(params[i]):
            return left >= REFIT_MIN_SHARE * expected[i]
        return expected[i] <= max(left, 0.0) + REFIT_OVERRUN * budget

    if not is_trained(params[best]) or fits(best):
        return best
    scores = np.asarray(results["mean_test_score"], dtype=float)
    ranked = [i for i in np.argsort(np.where(np.isfinite(scores), -scores, np.inf),
                                    kind="stable") if np.isfinite(scores[i])]
    return next((int(i) for i in ranked if i != best and fits(i)), best)


def forget_fitted(estimator) -> None:
    """Drop the fitted attributes of an earlier ``fit``, so a failed refit leaves none."""
    for attr in [a for a in vars(estimator) if a.endswith("_") and not a.startswith("_")]:
        delattr(estimator, attr)


class AutoSeqBase(BaseEstimator):
    """The parameters and the ``fit`` every AutoSeq estimator of sequence collections shares.

    A subclass names its task (``_make_task``) and adds its public API; the
    search itself lives in :func:`search_and_refit`.
    """

    _task_name = "classification"

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="auto", max_epochs=80, time_budget="auto", baselines=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=None):
        self.architectures = architectures
        self.param_grid = param_grid
        self.cv = cv
        self.scoring = scoring
        self.search = search
        self.max_epochs = max_epochs
        self.time_budget = time_budget
        self.baselines = baselines
        self.ensemble = ensemble
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _make_task(self):
        raise NotImplementedError

    def _check_params(self):
        if self.search not in SEARCHES:
            raise ValueError(f"search must be 'auto', 'grid' or 'halving'; got {self.search!r}.")
        check_time_budget(self.time_budget)
        for name in ("baselines", "ensemble"):
            if not isinstance(getattr(self, name, False), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False; got {getattr(self, name)!r}.")
        if isinstance(self.scoring, (dict, list, tuple, set)):
            raise ValueError(f"scoring must be one metric (a name or a callable "
                             f"scorer(estimator, X, y)); got {type(self.scoring).__name__} "
                             f"{self.scoring!r}.")

    def fit(self, X, y):
        """Search the registered architectures and baselines, refit the winner.

        Parameters
        ----------
        X : sequences
            3-D array, 2-D array (one channel), list of variable-length
            sequences or a pandas DataFrame.
        y : array-like
            Targets, one per sequence (see the estimator for 2-D forms).

        Returns
        -------
        self
        """
        return self._fit_with(self._make_task(), X, y)

    def _fit_with(self, task, X, y):
        """``fit`` for ``task``: check, search, refit, keep."""
        started = time.monotonic()
        forget_fitted(self)
        self._check_params()
        raw_X = X
        X, y = task.check_input(X, y)
        budget = resolve_time_budget(self.time_budget, task.data_size(X))
        grid = task.param_grid(X, y)
        splits = task.folds(X, y)
        pipeline = task.pipeline(X)
        scorer = check_scoring(pipeline, scoring=self.scoring or task.default_scoring())
        search_kind, schedule = task.schedule(grid)
        outcome = search_and_refit(
            self, task, X=X, y=y, pipeline=pipeline, grid=grid, splits=splits, scorer=scorer,
            schedule=schedule, batch_size="auto" if search_kind == "halving" else 1,
            started=started, budget=budget)
        self._keep(outcome, task, scorer, budget, search_kind)
        input_kind = task.input_kind(X)
        self.input_kind_ = input_kind
        self._training_data = f"{len(X)} texts"
        if input_kind == "numeric":
            # classifiers and regressors: a 2-D table's columns (as in scikit-learn), else
            # channels, which predict checks; other tasks read X their own way: channels
            samples = task.name in ("classification", "regression")
            self.n_features_in_ = validation.record_features(self, raw_X if samples else X, X)
            steps = validation.lengths(X)
            steps = (str(steps[0]) if steps.min() == steps.max()
                     else f"{steps.min()} to {steps.max()}")
            self._training_data = (f"{len(X)} sequences x {steps} steps x "
                                   f"{self.n_channels_} channel(s)")
        task.calibrate(outcome.residuals)
        task.finish(X, y)
        if self.verbose:
            report_winner(self, outcome)
        return self

    def _keep(self, outcome, task, scorer, budget, search_kind) -> None:
        """Become fitted: only now, so an interrupted refit leaves no half state."""
        results, winner = outcome.results, outcome.winner
        self.best_estimator_ = outcome.best
        self.best_params_ = results["params"][winner]
        self.best_index_ = winner
        self.best_score_ = float(results["mean_test_score"][winner])
        self.cv_results_ = results
        self.leaderboard_ = task.leaderboard(results, outcome)
        self.cv_scheme_ = task.cv_scheme
        self.leaderboard_.attrs["cv"] = task.cv_scheme
        if outcome.refit_cut is not None:
            self.leaderboard_.attrs["note"] = outcome.refit_cut
        self.search_time_ = outcome.search_time
        self.refit_time_ = outcome.refit_time
        ensemble = outcome.ensemble
        self.ensemble_ = None if ensemble is None else (
            outcome.best if winner == outcome.ensemble_index else ensemble.estimator)
        self.ensemble_refit_time_ = (outcome.refit_time if winner == outcome.ensemble_index
                                     else None)
        self.stopped_early_ = outcome.stopped
        self.time_budget_ = budget
        self.search_ = search_kind
        self.n_splits_ = outcome.n_splits
        self.scorer_ = scorer

    # -- prediction -----------------------------------------------------------------
    def predict(self, X):
        """Predict with the best pipeline (or the ensemble, when it won)."""
        check_is_fitted(self, "best_estimator_")
        self._check_features(X)
        return self.best_estimator_.predict(X)

    def _check_features(self, X):
        """Refuse numeric X that does not match fit's (values, channels, a table's columns)."""
        if (getattr(self, "input_kind_", None) == "numeric"
                and self._task_name in ("classification", "regression")):
            validation.check_features(self, X)

    def score(self, X, y):
        """Score of the best pipeline with the search's scoring (``scorer_``).

        Parameters
        ----------
        X : sequences
        y : array-like

        Returns
        -------
        float
            Higher is better (error metrics are negated, as in scikit-learn).
        """
        check_is_fitted(self, "best_estimator_")
        self._check_features(X)
        return self.scorer_(self.best_estimator_, X, y)

    def __autoseq_save__(self) -> dict:
        """What :func:`autoseq.save` writes: the fitted estimator without its search
        scaffolding (:meth:`_slim`), and its summary."""
        if not hasattr(self, "best_estimator_"):
            return {}
        return {"estimator": self._slim(), "summary": self._persistence_summary()}

    def _slim(self):
        """A copy whose ``cv_results_`` names its candidates instead of holding their
        unfitted estimators (the ``param_*`` columns go too), and without a losing
        ensemble; the fitted pipeline, the scores and the leaderboard stay."""
        slim = copy.copy(self)
        results = {k: v for k, v in self.cv_results_.items() if not k.startswith("param_")}
        results["params"] = [describe(p) for p in results["params"]]
        slim.cv_results_ = results
        if getattr(self, "ensemble_", None) is not self.best_estimator_:
            slim.ensemble_ = None
        return slim

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "best_estimator_"):
            return {}
        summary = {"best": describe(self.best_params_), "cv_score": self.best_score_,
                   "task": self._task_name}
        if hasattr(self, "n_features_in_"):
            summary["n_features_in"] = int(self.n_features_in_)
        if hasattr(self, "_training_data"):
            summary["training_data"] = self._training_data
        return summary
