"""The search engine: one candidate search that every AutoSeq estimator runs through.

:class:`CandidateSearch` is scikit-learn's ``GridSearchCV`` driven by a
*schedule* (:mod:`autoseq.model_selection.schedules`): the schedule decides
which candidates are evaluated, in which rounds and with which resources (the
whole grid; successive halving over epochs; the forecaster's stages, whose
later candidates depend on the earlier results). The engine evaluates what a
schedule asks for in batches, and between batches applies one set of rules:
candidates fitted without a training loop first (a costly one starts no fold
after the search's share of the budget), a trained candidate starts only if it and the refit of the leader fit
in what is left, nothing is trained once a candidate has the best possible
score, a failing candidate is recorded and the others go on, an interruption
keeps what finished. scikit-learn builds ``cv_results_`` from every batch of
every round itself.

Out-of-fold predictions travel back from the fits inside the scores: the
scorer returns a ``float`` subclass that carries the predictions it scored (a
float to scikit-learn, pickled with its payload by joblib, so this works with
``n_jobs > 1`` and any joblib backend); the engine collects them before
scikit-learn turns the scores into arrays. They feed the ensemble and the
intervals without training any candidate again.
"""

from __future__ import annotations

import re
import sys
import time
import warnings

import numpy as np
from joblib import effective_n_jobs
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid

from autoseq import _backend
from autoseq.estimators.deadline import network_setup_seconds, search_deadline
from autoseq.model_selection.budget import SEARCH_SHARE
from autoseq.model_selection.results import best_row, describe, is_trained
from autoseq.model_selection.schedules import GridSchedule

# the refit reserved for is the slowest of this many best candidates (ensemble members)
REFIT_CANDIDATES = 3


class SearchFailedError(ValueError):
    """Every candidate of a search failed; the message lists their errors."""


class _ScoreWithPredictions(float):
    """A validation score carrying the predictions it was computed from.

    Pickling keeps the instance ``__dict__`` of a float subclass, so the
    predictions come back from joblib workers with the score.
    """


class OutOfFoldScorer:
    """Score like ``scorer`` and attach the fold's predictions to the score.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y) -> float``.
    method : {"predict_proba", "predict"}
        What is kept: ``(estimator.classes_, estimator.predict_proba(X))`` for
        classifiers, ``(None, estimator.predict(X))`` for regressors. A model
        without that method keeps nothing (it cannot join an ensemble).
    """

    def __init__(self, scorer, method):
        self.scorer = scorer
        self.method = method

    def __call__(self, estimator, X, y=None, **kwargs):
        score = _ScoreWithPredictions(self.scorer(estimator, X, y, **kwargs))
        score.predictions = None
        predict = getattr(estimator, self.method, None)
        if predict is not None:
            try:
                prediction = predict(X)
            except Exception:  # it still has its score; it just cannot join an ensemble
                return score
            classes = getattr(estimator, "classes_", None) if self.method == "predict_proba" \
                else None
            score.predictions = (classes, prediction)
        return score


class CandidateSearch(GridSearchCV):
    """GridSearchCV run by a schedule, in batches between which it can stop.

    Candidates without a training loop (those that replace the ``model`` step:
    baselines, closed-form models) run first in each call of the schedule, all
    in one batch, under :func:`~autoseq.estimators.deadline.search_deadline`: the
    costly ones start no fold after :data:`SEARCH_SHARE` of the budget. The trained
    candidates
    follow in the order the schedule gives.

    Extra parameters
    ----------------
    schedule : schedule, optional
        What to evaluate when (:mod:`autoseq.model_selection.schedules`);
        default :class:`~autoseq.model_selection.schedules.GridSchedule`: every
        candidate of ``param_grid`` once.
    time_budget : float, optional
        Seconds for the search and the refit of its winner: no trained
        candidate starts once the time spent plus its expected cost plus the
        estimated refit of the leaders (their fold fit times scaled to all the
        rows) exceeds it.
    batch_size : int or "auto", default=1
        Trained candidates evaluated per call (all their folds run in
        parallel); "auto" fills the parallel workers that ``n_jobs`` gives
        (:func:`autoseq.model_selection.distributed.candidate_batch_size`).
    progress : callable, optional
        Called as ``progress(done, total, best_score, elapsed)`` after each
        batch; ``progress.running(text)``, where defined, before it.
    best_possible : float, optional
        The highest score the scoring can give (1.0 for accuracy). Once a
        candidate reaches it, no trained candidate is started: it could at
        most tie, and a tie goes to the candidate listed first.

    Extra attributes
    ----------------
    failures_ : list of (dict, str)
        Candidates whose every fold failed, with the error text.
    partial_failures_ : dict
        Index in ``cv_results_`` -> error text, for candidates with some failed folds.
    stopped_early_ : {None, "time_budget", "unbeatable", "interrupted"}
    n_candidates_total_ : int
        Candidates of the grid (for a staged schedule: the candidates its stages gave).
    skipped_ : list of dict
        Trained candidates not started because the search stopped early.
    oof_predictions_ : list
        Per row of ``cv_results_``, per fold: what an :class:`OutOfFoldScorer`
        attached to the score (None where nothing was).
    rounds_ : list of dict
        Per round of the schedule: ``epochs``, ``n_candidates`` and
        ``n_evaluated`` (successive halving only; empty otherwise).
    refit_scale_ : float
        All rows over a fold's mean training rows: a fold's fit time times this is
        what a refit on everything is expected to take.
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, cv=None,
                 verbose=0, schedule=None, time_budget=None, batch_size=1, progress=None,
                 best_possible=None):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=False,
                         cv=cv, verbose=verbose, error_score=np.nan)
        self.schedule = schedule
        self.time_budget = time_budget
        self.batch_size = batch_size
        self.progress = progress
        self.best_possible = best_possible

    def fit(self, X, y=None, **params):
        # a refit trains on every row, a fold on its training rows: the cost ratio
        train_sizes = ([len(train) for train, _ in self.cv]
                       if isinstance(self.cv, (list, tuple)) and self.cv else [])
        self.refit_scale_ = (len(X) / np.mean(train_sizes)) if train_sizes else 1.5
        self._n_folds = len(train_sizes) or 3
        return super().fit(X, y, **params)

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        # the last moment the scores are still the objects the scorer returned
        self.oof_predictions_ = [
            [getattr(o["test_scores"], "predictions", None)
             for o in out[i * n_splits:(i + 1) * n_splits]]
            for i in range(len(candidate_params))]
        return super()._format_results(candidate_params, n_splits, out, more_results)

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        """The search's one rule (:func:`~autoseq.model_selection.results.best_row`)."""
        if callable(refit):
            return GridSearchCV._select_best_index(refit, refit_metric, results)
        return best_row(results, f"mean_test_{refit_metric}")

    # -- the rules between batches ----------------------------------------------------
    def _refit_estimate(self, results) -> float:
        """Seconds the refit of what may win is expected to take: the slowest of the
        REFIT_CANDIDATES best so far (an ensemble refits several), scaled to all rows."""
        scores = np.asarray(results["mean_test_score"], dtype=float)
        finished = np.flatnonzero(np.isfinite(scores))
        if not finished.size:
            return 0.0
        best = finished[np.argsort(-scores[finished], kind="stable")[:REFIT_CANDIDATES]]
        fit_times = np.asarray(results["mean_fit_time"], dtype=float)[best]
        fit_times = fit_times[np.isfinite(fit_times)]
        return float(fit_times.max()) * self.refit_scale_ if fit_times.size else 0.0

    def _candidate_cost(self, results, resources=None) -> float | None:
        """Seconds one more trained candidate is expected to take: the median over the
        trained candidates so far of their folds' fit and score times (None before any).

        With ``resources`` (epochs, under successive halving) and rows that record
        theirs, the median cost per epoch times ``resources``.
        """
        trained = [i for i, p in enumerate(results["params"]) if is_trained(p)]
        if not trained:
            return None
        per_fold = (np.asarray(results["mean_fit_time"], dtype=float)[trained]
                    + np.asarray(results["mean_score_time"], dtype=float)[trained])
        if resources and "n_resources" in results:
            used = np.asarray(results["n_resources"], dtype=float)[trained]
            per_fold = np.where(used > 0, per_fold / np.maximum(used, 1) * resources, np.nan)
        per_fold = per_fold[np.isfinite(per_fold)]
        return float(np.median(per_fold)) * self._n_folds if per_fold.size else None

    def _stop_reason(self, elapsed, best, reserve, next_cost=None):
        """Why no further trained candidate may start, or None. ``next_cost`` is the
        expected cost of the next batch; None when nothing trained has run yet, and then
        a network of unknown cost starts only while half the budget is left, and at least
        what starting a network costs before its training can stop
        (:func:`~autoseq.estimators.deadline.network_setup_seconds`)."""
        if self.best_possible is not None and np.isfinite(best) and best >= self.best_possible:
            return "unbeatable"
        if self.time_budget is None:
            return None
        needed = (max(self.time_budget / 2, network_setup_seconds()) if next_cost is None
                  else next_cost)
        if elapsed + needed + reserve >= self.time_budget:
            return "time_budget"
        return None

    def _make_schedule(self):
        return self.schedule if self.schedule is not None else GridSchedule()

    def _run_search(self, evaluate_candidates):
        schedule = self._make_schedule()
        candidates = list(ParameterGrid(self.param_grid))
        run = _Run(self, evaluate_candidates, schedule.planned(candidates))
        run.n_candidates = len(candidates)
        self.rounds_ = []
        try:
            schedule.run(candidates, run)
        finally:
            self.n_candidates_total_ = run.n_candidates
            self.failures_, self.partial_failures_ = run.failures, run.partial
            self.stopped_early_, self.skipped_ = run.stopped, run.skipped
            self.rounds_ = run.rounds
        if run.n_ok == 0:
            if run.stopped == "interrupted":
                raise KeyboardInterrupt
            errors = "\n".join(f"- {describe(c)}: {e}" for c, e in run.failures) or (
                "- no candidate ran before the time budget was spent")
            raise SearchFailedError(f"Every candidate of the search failed:\n{errors}")


class _Run:
    """One ``fit`` of a :class:`CandidateSearch`: what schedules call to evaluate candidates.

    :meth:`evaluate` returns each candidate's mean score (NaN: failed, or not
    run because the search stopped); once :attr:`stopped` is set, every later
    call evaluates nothing and lists its trained candidates as skipped.
    """

    def __init__(self, search, evaluate_candidates, total):
        self.search = search
        self._evaluate_candidates = evaluate_candidates
        self.total = total
        self.start = time.monotonic()
        # the costly free candidates start no fold after it (a time.time(), as workers read)
        self.free_deadline = (None if search.time_budget is None
                              else time.time() + SEARCH_SHARE * search.time_budget)
        self.done = self.n_ok = 0
        self.best, self.reserve = np.nan, 0.0
        self.results = None
        self.failures, self.partial, self.skipped, self.rounds = [], {}, [], []
        self.stopped = None
        self.parallel = max(1, effective_n_jobs(search.n_jobs))
        self.batch_size = search.batch_size
        if self.batch_size == "auto":
            from autoseq.model_selection.distributed import candidate_batch_size

            self.batch_size = candidate_batch_size(search.n_jobs, search._n_folds)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def evaluate(self, candidates, tags=None, resources=None) -> list[float]:
        """Evaluate ``candidates`` (free ones first, then trained in batches).

        Parameters
        ----------
        candidates : list of dict
        tags : callable, optional
            ``tags(candidate) -> dict`` of extra ``cv_results_`` columns (a
            schedule that tags one call must tag every call).
        resources : int, optional
            Epochs each trained candidate of this call trains for (what its cost
            is estimated from).

        Returns
        -------
        list of float
            Mean score per candidate, in the order given.
        """
        # keys sorted, as scikit-learn's ParameterGrid gives them, whoever built the candidate
        candidates = [dict(sorted(c.items())) for c in candidates]
        scores = dict.fromkeys(range(len(candidates)), np.nan)
        free = [i for i, c in enumerate(candidates) if not is_trained(c)]
        trained = [i for i, c in enumerate(candidates) if is_trained(c)]
        size = max(1, int(self.batch_size))
        batches = ([(False, free)] if free else []) + [
            (True, trained[i:i + size]) for i in range(0, len(trained), size)]
        for b, (trained_batch, batch) in enumerate(batches):
            if self.stopped is None and trained_batch:
                self.stopped = self._stop_reason(len(batch), resources)
            # a stop leaves the free candidates to run; an interruption runs nothing more
            if self.stopped == "interrupted" or (self.stopped is not None and trained_batch):
                self.skipped.extend(candidates[i] for _, rest in batches[b:] for i in rest)
                break
            with search_deadline(None if trained_batch else self.free_deadline):
                finished = self._evaluate_batch([candidates[i] for i in batch], tags, scores,
                                                batch)
            if not finished:
                self.skipped.extend(candidates[i] for _, rest in batches[b:] for i in rest)
                break
        return [scores[i] for i in range(len(candidates))]

    def _stop_reason(self, n_batch, resources):
        cost = None if self.results is None else self.search._candidate_cost(
            self.results, resources)
        next_cost = None if cost is None else (
            cost * n_batch / min(self.parallel, n_batch * self.search._n_folds))
        return self.search._stop_reason(self.elapsed(), self.best, self.reserve, next_cost)

    def _evaluate_batch(self, batch, tags, scores, positions) -> bool:
        """Evaluate one batch into ``scores``; False when the search was interrupted."""
        progress = self.search.progress
        if hasattr(progress, "running"):
            progress.running(", ".join(dict.fromkeys(describe(c) for c in batch)))
        more = None
        if tags is not None:
            rows = [tags(c) for c in batch]
            more = {key: [row[key] for row in rows] for key in rows[0]}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", FitFailedWarning)
                warnings.simplefilter("always", UserWarning)
                results = self._evaluate_candidates(batch, more_results=more)
        except ValueError as exc:
            if not _all_fits_failed(exc):
                raise
            self.failures.extend((c, _error_text(str(exc))) for c in batch)
        except KeyboardInterrupt:
            self.stopped = "interrupted"
            return False
        else:
            self.results = results
            self.n_ok += len(batch)
            all_scores = np.asarray(results["mean_test_score"], dtype=float)
            if np.isfinite(all_scores).any():
                self.best = np.nanmax(all_scores)
            self.reserve = self.search._refit_estimate(results)
            messages = [str(w.message) for w in caught
                        if issubclass(w.category, FitFailedWarning)
                        or str(w.message).startswith("Scoring failed")]
            first = len(all_scores) - len(batch)
            for j, position in enumerate(positions):
                scores[position] = all_scores[first + j]
                if messages and not np.isfinite(all_scores[first + j]):
                    self.partial[first + j] = _error_text(messages[0])
        finally:
            release_memory()
        self.done += len(batch)
        self.total = max(self.total, self.done)
        if progress is not None:
            progress(self.done, self.total, self.best, self.elapsed())
        return True


def release_memory() -> None:
    """Free what the last candidate left: Keras' global state, cycles, free C heap."""
    # only a process that built Keras models has a session to clear (baselines need none)
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
    _backend.collect_garbage()  # also frees the training graphs of the models collected
    _backend.trim_heap()  # glibc keeps freed pages otherwise (~25 MB after a fit)


def _all_fits_failed(error: ValueError) -> bool:
    """Whether scikit-learn raised ``error`` because every fit of a batch failed."""
    return "fits failed" in str(error)


def _error_text(message: str) -> str:
    """The exception line of the first traceback in a scikit-learn failure message."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    prefix = "scoring failed: " if message.startswith("Scoring failed") else ""
    for k, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = lines[k + 1:]
            for t in range(len(tail)):
                if tail[t].startswith("---") or tail[t].endswith(
                        "fits failed with the following error:"):
                    tail = tail[:t]
                    break
            # the exception's own line, not the framework's lines after it
            raised = [ln for ln in tail
                      if re.match(r"^[\w.]*(Error|Exception|Interrupt|TimeBudgetSpent)\b", ln)]
            text = raised[-1] if raised else tail[-1] if tail else line
            # a fold the budget did not start: say so, without the exception's path
            return prefix + text.split("TimeBudgetSpent: ", 1)[-1]
    return prefix + (lines[-1] if lines else message)
