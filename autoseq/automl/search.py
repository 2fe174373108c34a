"""The search: AutoSeq meta-estimators over the architecture registry.

``AutoSeqClassifier`` and ``AutoSeqRegressor`` build a pipeline
(scaler -> padder -> model), a GridSearchCV grid from the registered
architectures' search spaces (one dict per architecture) plus cheap baselines,
run it with walk-forward CV, refit the winner on all the data, and report a
leaderboard. The search itself is scikit-learn's GridSearchCV, fed candidates
in small batches so it can honour a time budget, record a failing candidate and
go on, and keep what finished when interrupted.

Out-of-fold predictions travel back from the fits inside the scores: the
search's scorer returns a ``float`` subclass that carries the predictions it
scored (a float to scikit-learn, pickled with its payload by joblib, so this
works with ``n_jobs > 1`` and any joblib backend), and the search collects them
before scikit-learn turns the scores into arrays. They feed the ensemble
(:mod:`autoseq.estimators.ensemble`) and the regressor's intervals (:mod:`autoseq.model_selection.intervals`)
without training any candidate again.
"""

from __future__ import annotations

import re
import sys
import time
import warnings

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring, f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from autoseq import _backend, validation
from autoseq.baselines.numeric import candidate_name, numeric_baselines
from autoseq.estimators.ensemble import (
    EnsembleClassifier,
    EnsembleRegressor,
    align_proba,
    prediction_scorer,
    select_ensemble,
)
from autoseq.model_selection.budget import (
    check_time_budget,
    deadline_callback,
    resolve_time_budget,
    training_deadline,
    training_end,
)
from autoseq.model_selection.progress import NOT_RUN_PREFIX, Leaderboard, SearchProgress
from autoseq.model_selection.splitters import resolve_cv
from autoseq.preprocessing.padding import SequencePadder
from autoseq.preprocessing.scaling import SequenceScaler
from autoseq.registry import get_architecture, list_architectures

# small searched networks on small data converge in far fewer epochs at this rate
SEARCH_LEARNING_RATE = 3e-3
SEARCHES = ("auto", "grid", "halving")
# search="auto" halves from this many trained candidates on: below it, halving's first
# round would keep one or two of them anyway
HALVING_FROM = 7
# under a budget, candidates still training stop at this share of the time left at the
# start of the search; the rest is the refit's
SEARCH_SHARE = 0.85
# the refit reserved for is the slowest of this many best candidates (ensemble members)
REFIT_CANDIDATES = 3
# rocket_ridge's closed-form ridge holds all features (n x 10,000) and solves an n x n
# problem: past a few thousand sequences the ``rocket`` network (gradient descent) is the way
ROCKET_RIDGE_MAX_SEQUENCES = 4000


class SearchFailedError(ValueError):
    """Every candidate of a search failed; the message lists their errors."""


# -- out-of-fold predictions ride on the scores --------------------------------------
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

    def __call__(self, estimator, X, y, **kwargs):
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


def is_trained(params: dict) -> bool:
    """Whether a candidate trains a network (epochs), rather than replacing the model step
    with a model fitted without a training loop (a baseline, ``rocket_ridge``)."""
    return "model" not in params


class CandidateSearch(GridSearchCV):
    """GridSearchCV that evaluates candidates cheapest first, in batches between which it
    can stop.

    Candidates without a training loop (those that replace the ``model`` step:
    baselines, closed-form models) run first, all in one batch, and are never
    cut by the time budget. The trained candidates follow in the grid's order.

    Extra parameters
    ----------------
    time_budget : float, optional
        Seconds for the search and the refit of its winner: no trained
        candidate starts once the time spent plus the estimated refit of the
        current leader (its fold fit time scaled to all the rows) exceeds it.
    batch_size : int, default=1
        Trained candidates evaluated per call (all their folds run in parallel).
    progress : callable, optional
        Called as ``progress(done, total, best_score, elapsed)`` after each batch.
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
    skipped_ : list of dict
        Trained candidates not started because the search stopped early.
    oof_predictions_ : list
        Per row of ``cv_results_``, per fold: what an :class:`OutOfFoldScorer`
        attached to the score (None where nothing was). The rows line up with
        the folds of ``cv``; a subclass that resamples the folds per round
        (scikit-learn's ``HalvingGridSearchCV`` does) must not rely on them.
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, cv=None,
                 verbose=0, time_budget=None, batch_size=1, progress=None,
                 best_possible=None):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=False,
                         cv=cv, verbose=verbose, error_score=np.nan)
        self.time_budget = time_budget
        self.batch_size = batch_size
        self.progress = progress
        self.best_possible = best_possible

    def fit(self, X, y=None, **params):
        # a refit trains on every row, a fold on its training rows: the cost ratio
        train_sizes = ([len(train) for train, _ in self.cv]
                       if isinstance(self.cv, (list, tuple)) and self.cv else [])
        self._refit_scale = (len(X) / np.mean(train_sizes)) if train_sizes else 1.5
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
        """The best finite mean score; a tie goes to the candidate listed first."""
        if callable(refit):
            return GridSearchCV._select_best_index(refit, refit_metric, results)
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        return int(np.argmax(np.where(np.isfinite(scores), scores, -np.inf)))

    def _batches(self, candidates):
        """The free candidates as one batch, then the trained ones ``batch_size`` at a time."""
        free = [c for c in candidates if not is_trained(c)]
        trained = [c for c in candidates if is_trained(c)]
        batches = [(False, free)] if free else []
        size = max(1, int(self.batch_size))
        return batches + [(True, trained[i:i + size]) for i in range(0, len(trained), size)]

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
        return float(fit_times.max()) * self._refit_scale if fit_times.size else 0.0

    def _candidate_cost(self, results) -> float | None:
        """Seconds one more trained candidate is expected to take: the median over the
        trained candidates so far of their folds' fit and score times (None before any)."""
        trained = [i for i, p in enumerate(results["params"]) if is_trained(p)]
        if not trained:
            return None
        per_fold = (np.asarray(results["mean_fit_time"], dtype=float)[trained]
                    + np.asarray(results["mean_score_time"], dtype=float)[trained])
        per_fold = per_fold[np.isfinite(per_fold)]
        return float(np.median(per_fold)) * self._n_folds if per_fold.size else None

    def _stop_reason(self, elapsed, best, reserve, next_cost=None):
        """Why no further trained candidate may start, or None. ``next_cost`` is the
        expected cost of the next batch; None when nothing trained has run yet, and then
        a network of unknown cost starts only while half the budget is left."""
        if self.best_possible is not None and np.isfinite(best) and best >= self.best_possible:
            return "unbeatable"
        if self.time_budget is None:
            return None
        needed = self.time_budget / 2 if next_cost is None else next_cost
        if elapsed + needed + reserve >= self.time_budget:
            return "time_budget"
        return None

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        self.n_candidates_total_ = len(candidates)
        self.failures_, self.partial_failures_ = [], {}
        self.stopped_early_, self.skipped_ = None, []
        start, done, n_ok, best, reserve, cost = time.monotonic(), 0, 0, np.nan, 0.0, None
        parallel = max(1, effective_n_jobs(self.n_jobs))
        batches = self._batches(candidates)
        for b, (trained, batch) in enumerate(batches):
            if trained:
                next_cost = None if cost is None else (
                    cost * len(batch) / min(parallel, len(batch) * self._n_folds))
                self.stopped_early_ = self._stop_reason(time.monotonic() - start, best, reserve,
                                                        next_cost)
                if self.stopped_early_ is not None:
                    self.skipped_ = [c for _, rest in batches[b:] for c in rest]
                    break
            if hasattr(self.progress, "running"):
                self.progress.running(", ".join(dict.fromkeys(_describe(c) for c in batch)))
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", FitFailedWarning)
                    warnings.simplefilter("always", UserWarning)
                    results = evaluate_candidates(batch)
            except ValueError as exc:
                if "fits failed" not in str(exc):
                    raise
                self.failures_.extend((c, _error_text(str(exc))) for c in batch)
            except KeyboardInterrupt:
                self.stopped_early_ = "interrupted"
                self.skipped_ = [c for _, rest in batches[b:] for c in rest]
                break
            else:
                n_ok += len(batch)
                scores = np.asarray(results["mean_test_score"], dtype=float)
                if np.isfinite(scores).any():
                    best = np.nanmax(scores)
                reserve = self._refit_estimate(results)
                cost = self._candidate_cost(results)
                messages = [str(w.message) for w in caught
                            if issubclass(w.category, FitFailedWarning)
                            or str(w.message).startswith("Scoring failed")]
                for j in range(len(scores) - len(batch), len(scores)):
                    if messages and not np.isfinite(scores[j]):
                        self.partial_failures_[j] = _error_text(messages[0])
            finally:
                _release_memory()
            done += len(batch)
            if self.progress is not None:
                self.progress(done, len(candidates), best, time.monotonic() - start)
        if n_ok == 0:
            if self.stopped_early_ == "interrupted":
                raise KeyboardInterrupt
            errors = "\n".join(f"- {_describe(c)}: {e}" for c, e in self.failures_) or (
                "- no candidate ran before the time budget was spent")
            raise SearchFailedError(f"Every candidate of the search failed:\n{errors}")


def forget_fitted(estimator) -> None:
    """Drop the fitted attributes of an earlier ``fit``, so a failed refit leaves none."""
    for attr in [a for a in vars(estimator) if a.endswith("_") and not a.startswith("_")]:
        delattr(estimator, attr)


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
            raised = [ln for ln in tail if re.match(r"^[\w.]*(Error|Exception|Interrupt)\b", ln)]
            return prefix + (raised[-1] if raised else tail[-1] if tail else line)
    return prefix + (lines[-1] if lines else message)


def _release_memory() -> None:
    """Free what the last candidate left: Keras' global state, cycles, free C heap."""
    # only a process that built Keras models has a session to clear (baselines need none)
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
    _backend.collect_garbage()  # also frees the training graphs of the models collected
    _backend.trim_heap()  # glibc keeps freed pages otherwise (~25 MB after a fit)


def _candidate_name(params: dict) -> str:
    if "members" in params:
        return "ensemble"
    arch = params.get("model__architecture")
    if arch is not None:
        return arch.name
    return candidate_name(params.get("model"))


def _hyperparameters(params: dict) -> dict:
    """The searched settings of a candidate, short names, skipped steps left out."""
    return {k.split("__")[-1]: v for k, v in params.items()
            if k not in ("model__architecture", "model")
            and not (isinstance(v, str) and v == "passthrough")}


def _describe(params: dict) -> str:
    if "members" in params:
        parts = ", ".join(f"{_describe(p)}: {w:.2f}"
                          for p, w in zip(params["members"], params["weights"], strict=True))
        return f"ensemble of {len(params['members'])} ({parts})"
    name, rest = _candidate_name(params), _hyperparameters(params)
    return f"{name} {rest}" if rest else name


def _kind(params: dict) -> str:
    if "members" in params:
        return "ensemble"
    arch = params.get("model__architecture")
    return getattr(arch, "kind", "deep") if arch is not None else "baseline"

class _EnsembleOutcome:
    """What the ensemble step decided (see ``_AutoSeqBase._select_ensemble``)."""

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


class _AutoSeqBase(BaseEstimator):
    """Shared search logic of the AutoSeq estimators.

    A task plugs in through these hooks (defaults in brackets):
    ``_make_model(input_kind)`` the pipeline's model step; ``_preprocessing(X)``
    the steps before it; ``_check_input(X, y)``; ``_search_task(y)`` [``_task``];
    ``_default_scoring()``; ``_baseline_models(X, y)`` trivial references, run on
    the raw input [none]; ``_rocket_ridge()`` the task's closed-form candidate,
    first in the grid of a default numeric search [none];
    ``_extra_candidates(X, y)`` grid dicts of other non-architecture candidates
    [the baselines]; ``_oof_method`` what each fold
    keeps ["predict"]; ``_oof_array(kept, y)`` and ``_prediction_score(scorer, y)``
    how kept predictions are mixed and scored; ``_make_ensemble(members,
    weights, residuals)`` the unfitted ensemble estimator [None: no ensemble];
    ``_residuals(predictions, y_folds)`` and ``_calibrate(residuals)``
    interval calibration [none]; ``_after_fit(X, y)``.
    """

    _task = "classification"
    _accepts_text = False
    # the best score the default scoring can give (None: unbounded or never reached)
    _best_possible_score = None

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

    # -- pieces subclasses and other tasks override ---------------------------------
    def _default_scoring(self):
        return "accuracy"

    def _make_model(self, input_kind="numeric"):
        raise NotImplementedError

    def _preprocessing(self, X):
        """Steps before the model: a tokenizer for text, else scaler and padder."""
        if self._is_text(X):
            from autoseq.preprocessing.text import TextTokenizer

            return [("tokenizer", TextTokenizer())]
        return [("scaler", SequenceScaler()), ("padder", SequencePadder())]

    def _is_text(self, X) -> bool:
        return self._accepts_text and validation.is_text(X)

    def _check_input(self, X, y):
        if self._is_text(X):
            X = [str(x) for x in X]
        else:
            X = validation.check_sequences(X)
        return X, validation.check_target(y, len(X))

    def _architecture_names(self, X, y):
        task = self._search_task(y)
        input_kind = "tokens" if self._is_text(X) else "numeric"
        per_step = True if task == "labelling" else None
        if self.architectures is None:
            names = list_architectures(task, input_kind=input_kind, sequence_output=per_step)
            if not self.baselines:
                names = [n for n in names if get_architecture(n).kind != "baseline"]
        else:
            names = [self.architectures] if isinstance(self.architectures, str) else list(
                self.architectures)
            for name in names:
                arch = get_architecture(name)
                if task not in arch.tasks or (per_step and not arch.sequence_output):
                    able = list_architectures(task, sequence_output=per_step)
                    raise ValueError(
                        f"Architecture '{arch.name}' does not support the task '{task}'; "
                        f"architectures that do: {', '.join(able)}."
                    )
        if not names and self.architectures is None:
            raise ValueError(f"No registered architecture supports the task '{task}' with "
                             f"{input_kind} input; registered: "
                             f"{', '.join(list_architectures()) or 'none'}.")
        if not names and not self.baselines:
            raise ValueError("Nothing to search: architectures=[] (baselines only) and "
                             "baselines=False.")
        return names

    def _search_task(self, y):
        return self._task

    def _baseline_models(self, X, y):
        """Unfitted baseline models of this task (see :mod:`autoseq.baselines.numeric`)."""
        return []

    def _extra_candidates(self, X, y):
        """Grid dicts of non-architecture candidates: the baselines, on the raw input.

        None when ``baselines=False``. Baselines skip the preprocessing steps
        (they read the sequences themselves, or only count them).
        """
        models = self._baseline_models(X, y) if self.baselines else []
        if not models:
            return []
        skipped = {name: ["passthrough"] for name, _ in self._preprocessing(X)}
        return [{**skipped, "model": models}]

    def _closed_form_models(self, X, y):
        """Models fitted without gradient descent, behind the usual preprocessing: the
        task's rocket_ridge for numeric sequences, up to ROCKET_RIDGE_MAX_SEQUENCES."""
        if self._is_text(X) or len(X) > ROCKET_RIDGE_MAX_SEQUENCES:
            return []
        model = self._rocket_ridge()
        return [model] if model is not None else []

    def _rocket_ridge(self):
        """The task's unfitted rocket_ridge estimator [None: the task has none]."""
        return None

    # what the folds keep for the ensemble and the intervals
    _oof_method = "predict"

    def _oof_array(self, kept, y):
        """The array the ensemble mixes, from what the scorer kept: ``(classes, prediction)``."""
        return np.asarray(kept[1], dtype=float)

    def _prediction_score(self, scorer, y):
        return prediction_scorer(scorer, "regression")

    def _make_ensemble(self, members, weights, residuals):
        """The unfitted ensemble estimator of this task; None: the task has no ensemble."""
        return None

    def _residuals(self, predictions, y_folds):
        """Calibration residuals from per-fold predictions; None where intervals do not apply."""
        return None

    def _calibrate(self, residuals):
        pass

    def _after_fit(self, X, y):
        pass

    def _data_size(self, X) -> int:
        """How many numbers (characters, for text) the training data holds: what the
        default time budget grows with."""
        if self._is_text(X):
            return int(sum(len(x) for x in X))
        if isinstance(X, np.ndarray):
            return int(X.size)
        return int(sum(np.size(x) for x in X))

    def _resolve_search(self, grid) -> str:
        """``search``, with "auto" read as halving for many trained candidates, else grid."""
        if self.search != "auto":
            return self.search
        n_trained = sum(1 for c in ParameterGrid(grid) if is_trained(c))
        return "halving" if n_trained >= HALVING_FROM else "grid"

    def _best_possible(self):
        """The score after which no trained candidate is worth starting: the default
        scoring's maximum, in the default search only (named architectures all run)."""
        if self.architectures is None and self.scoring is None:
            return self._best_possible_score
        return None

    # -- the search -----------------------------------------------------------------
    def _param_grid(self, X, y):
        grid = []
        overrides = self.param_grid or {}
        variable_length = isinstance(X, list) and not self._is_text(X)
        for name in self._architecture_names(X, y):
            arch = get_architecture(name)
            if isinstance(name, str):
                space = dict(overrides.get(arch.name, arch.search_space))
                arch = get_architecture(arch.name)
            else:  # an instance: its hyperparameters are fixed, nothing to search
                space = {}
            unknown = {k for k in space if "__" not in k} - set(arch._get_param_names())
            if unknown:
                raise ValueError(arch._unknown_message(unknown))
            entry = {"model__architecture": [arch]}
            for k, values in space.items():
                full = k if "__" in k else f"model__architecture__{k}"
                entry[full] = list(values) if isinstance(values, (list, tuple)) else [values]
            if variable_length and not arch.supports_masking and "padder__padding" not in entry:
                entry["padder__padding"] = ["post", "pre"]
            grid.append(entry)
        # the default search and architectures=[] (baselines only) include the closed-form
        # candidates; naming architectures searches those alone (and the trivial baselines)
        only_baselines = (isinstance(self.architectures, (list, tuple))
                          and len(self.architectures) == 0)
        closed_form = (self._closed_form_models(X, y) if self.baselines and (
            self.architectures is None or only_baselines) else [])
        # listed first because they run first and a tie in CV score goes to the first
        # candidate: on equal evidence, the model that fits in seconds
        first = [{"model": closed_form}] if closed_form else []
        if self.architectures is None:  # the default search: most value per second first
            grid.sort(key=lambda entry: entry["model__architecture"][0].priority)
        return first + self._extra_candidates(X, y) + grid

    def _check_params(self):
        if self.search not in SEARCHES:
            raise ValueError(f"search must be 'auto', 'grid' or 'halving'; got {self.search!r}.")
        check_time_budget(self.time_budget)
        for name in ("baselines", "ensemble"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
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
        started = time.monotonic()
        forget_fitted(self)
        self._check_params()
        raw_X = X
        X, y = self._check_input(X, y)
        budget = resolve_time_budget(self.time_budget, self._data_size(X))
        grid = self._param_grid(X, y)
        cv = resolve_cv(self.cv, y, classifier=self._task == "classification" and np.ndim(y) == 1,
                        n_samples=len(X), random_state=self.random_state)
        # fixed folds: the ensemble and the intervals need to know which rows each fold scored
        splits = list(cv.split(X, y))
        input_kind = "tokens" if self._is_text(X) else "numeric"
        pipeline = Pipeline(self._preprocessing(X) + [("model", self._make_model(input_kind))])
        scorer = check_scoring(pipeline, scoring=self.scoring or self._default_scoring())
        searched = clone(pipeline)
        left = None if budget is None else budget - (time.monotonic() - started)
        if left is not None and "model__callbacks" in searched.get_params():
            searched.set_params(model__callbacks=[deadline_callback(
                time.time() + SEARCH_SHARE * left)])
        search_kind = self._resolve_search(grid)
        progress = SearchProgress(time_budget=left, verbose=self.verbose)
        search_class = CandidateSearch
        if search_kind == "halving":
            from autoseq.model_selection.halving import HalvingCandidateSearch as search_class
        search = search_class(
            searched, grid, scoring=OutOfFoldScorer(scorer, self._oof_method), cv=splits,
            n_jobs=self.n_jobs, time_budget=left, progress=progress,
            verbose=max(0, (self.verbose or 0) - 1), best_possible=self._best_possible())
        search_started = time.monotonic()
        with progress:
            search.fit(X, y)
        search_time = time.monotonic() - search_started
        self._report_stop(search, budget)

        results = _with_failures(search)
        scores = np.asarray(results["mean_test_score"], dtype=float)
        if not np.isfinite(scores).any():
            errors = "\n".join(f"- {_describe(p)}: {e or 'no finite score'}"
                               for p, e in zip(results["params"], results["error"], strict=True))
            raise SearchFailedError(f"No candidate of the search got a score:\n{errors}")
        y_folds = [y[test] for _, test in splits]
        oof = self._out_of_fold(search, len(results["params"]), splits, y)
        # the search's own rule: ties go to the first listed; halving: last round only
        best_single = search._select_best_index(False, "score", results)
        winner, outcome, ensemble_index = best_single, None, None
        if self.ensemble:
            outcome = self._select_ensemble(pipeline, results, oof, y_folds, y, scorer,
                                            best_single)
        if outcome is not None:
            _append_row(results, outcome.params, outcome.fold_scores, outcome.fit_time)
            ensemble_index = len(results["params"]) - 1
            if outcome.wins:
                winner = ensemble_index
        _set_ranks(results, ensemble_index, outcome is not None and outcome.wins, best_single)

        refit_started = time.monotonic()
        # the refit is inside the budget: networks stop training when it is spent
        deadline = training_end(started, budget)
        with training_deadline(deadline):
            if winner == ensemble_index:
                best = clone(outcome.estimator).fit(X, y)
                residuals = outcome.residuals
            else:
                best = clone(pipeline).set_params(**clone(results["params"][winner], safe=False))
                best.fit(X, y)
                residuals = None if oof is None else self._residuals(oof[best_single], y_folds)
        refit_time = time.monotonic() - refit_started
        # only now does the estimator become fitted: an interrupted refit leaves no half state
        self.best_estimator_ = best
        self.best_params_ = results["params"][winner]
        self.best_index_ = winner
        self.best_score_ = float(results["mean_test_score"][winner])
        self.cv_results_ = results
        self.leaderboard_ = _leaderboard(results)
        self.search_time_ = search_time
        self.refit_time_ = refit_time
        self.ensemble_ = None if outcome is None else (
            best if winner == ensemble_index else outcome.estimator)
        self.ensemble_refit_time_ = refit_time if winner == ensemble_index else None
        self.stopped_early_ = search.stopped_early_
        self.time_budget_ = budget
        self.search_ = search_kind
        self.n_splits_ = len(splits)
        self.scorer_ = scorer
        self.input_kind_ = input_kind
        self._training_data = f"{len(X)} texts"
        if input_kind == "numeric":
            # classifiers and regressors: a 2-D table's columns (as in scikit-learn), else
            # channels, which predict checks; other tasks read X their own way: channels
            samples = self._task in ("classification", "regression")
            self.n_features_in_ = validation.record_features(self, raw_X if samples else X, X)
            steps = validation.lengths(X)
            steps = (str(steps[0]) if steps.min() == steps.max()
                     else f"{steps.min()} to {steps.max()}")
            self._training_data = (f"{len(X)} sequences x {steps} steps x "
                                   f"{self.n_channels_} channel(s)")
        self._calibrate(residuals)
        self._after_fit(X, y)
        if self.verbose:
            self._report_winner(outcome, best_single, search_time, refit_time)
        return self

    def _out_of_fold(self, search, n_rows, splits, y):
        """``oof[row][fold]``: the arrays the ensemble mixes (None where missing)."""
        kept = getattr(search, "oof_predictions_", None)
        if kept is None:
            return None
        oof = [[None] * len(splits) for _ in range(n_rows)]
        for i, row in enumerate(kept):
            for f, item in enumerate(row):
                if item is None:
                    continue
                prediction = self._oof_array(item, y)
                if len(prediction) == len(splits[f][1]):
                    oof[i][f] = prediction
        return oof

    def _select_ensemble(self, pipeline, results, oof, y_folds, y, scorer, best_single):
        if oof is None:
            warnings.warn(f"search={self.search!r} kept no out-of-fold predictions, so no "
                          "ensemble is built; use search='grid' for one.", UserWarning,
                          stacklevel=3)
            return None
        n_splits = len(y_folds)
        fold_scores = np.column_stack([np.asarray(results[f"split{k}_test_score"], dtype=float)
                                       for k in range(n_splits)])
        selection = select_ensemble(oof, y_folds, fold_scores, self._prediction_score(scorer, y))
        if selection is None:
            if self.verbose:
                _say("no ensemble: it needs at least two candidates that finished every fold")
            return None
        if len(selection.members) < 2:  # one member: the candidate itself, not an ensemble
            if self.verbose:
                _say(f"no ensemble: the selection kept one candidate only "
                     f"({_describe(results['params'][selection.members[0]])})")
            return None
        params = {"members": [results["params"][c] for c in selection.members],
                  "weights": [float(w) for w in selection.weights]}
        members = [(f"{_candidate_name(p)}_{c}", clone(pipeline).set_params(**clone(p, safe=False)))
                   for c, p in zip(selection.members, params["members"], strict=True)]
        residuals = self._residuals(selection.fold_predictions[1:], y_folds[1:])
        estimator = self._make_ensemble(members, params["weights"], residuals)
        if estimator is None:
            return None
        score = float(np.mean(selection.fold_scores[1:]))
        single = float(np.nanmean(fold_scores[best_single, 1:]))
        fit_time = float(sum(results["mean_fit_time"][c] for c in selection.members))
        return _EnsembleOutcome(params, selection.fold_scores, score, single,
                                wins=score > single,
                                estimator=estimator, fit_time=fit_time, residuals=residuals)

    def _report_stop(self, search, budget=None):
        n_run = len(search.cv_results_["params"])
        if search.stopped_early_ == "time_budget":
            setting = (f"time_budget='auto' ({budget:.0f}s)" if isinstance(self.time_budget, str)
                       and budget is not None else f"time_budget={self.time_budget}s")
            message = (f"{setting} was spent after {n_run} of "
                       f"{search.n_candidates_total_} candidates; the rest were not tried (they "
                       "are on the leaderboard as not run). The best finished candidate is "
                       "refitted.")
            if isinstance(self.time_budget, str):  # the default budget: expected, not a fault
                if self.verbose:
                    _say(message)
            else:
                warnings.warn(message, UserWarning, stacklevel=3)
        elif search.stopped_early_ == "unbeatable" and self.verbose:
            _say(f"a candidate scored the best possible cv score after {n_run} candidates; "
                 f"the {len(search.skipped_)} trained candidates left could at most tie, so "
                 "they were not trained")
        elif search.stopped_early_ == "interrupted":
            warnings.warn(
                "Search interrupted: keeping the best of the "
                f"{n_run} candidates finished so far and refitting "
                "it on all the data (interrupt again to abandon the fit).",
                UserWarning, stacklevel=3)

    def _report_winner(self, outcome, best_single, search_time, refit_time):
        results = self.cv_results_
        single = results["params"][best_single]
        _say(f"best: {_describe(self.best_params_)}  cv score {self.best_score_:.4f}  "
             f"(search {search_time:.0f}s, refit {refit_time:.0f}s)")
        if outcome is not None:
            folds = f"folds 2-{self.n_splits_}" if self.n_splits_ > 2 else "fold 2"
            if outcome.wins:
                _say(f"the ensemble won: {outcome.score:.4f} on {folds} against "
                     f"{outcome.single_score:.4f} for the best single candidate "
                     f"({_describe(single)}) on the same folds")
            elif outcome.score == outcome.single_score:
                _say(f"the ensemble only tied the best single candidate ({_describe(single)}): "
                     f"{outcome.score:.4f} on {folds}; the single candidate is kept (the "
                     "ensemble is in ensemble_)")
            else:
                _say(f"the best single candidate ({_describe(single)}) won: "
                     f"{outcome.single_score:.4f} on {folds} against {outcome.score:.4f} for "
                     "the ensemble (kept in ensemble_)")
        if _kind(self.best_params_) != "baseline":
            return
        scores = np.asarray(results["mean_test_score"], dtype=float)
        name = _candidate_name(self.best_params_)
        deep = [i for i, p in enumerate(results["params"]) if _kind(p) == "deep"]
        finished = [i for i in deep if np.isfinite(scores[i])]
        if finished:
            top = max(finished, key=lambda i: scores[i])
            _say(f"no deep model beat the baseline {name}: the best deep model, "
                 f"{_describe(results['params'][top])}, scored {scores[top]:.4f}")
        elif self.stopped_early_ == "unbeatable":
            pass  # said when the search stopped
        elif deep:
            _say(f"no deep model finished, so the baseline {name} is used")
        else:
            _say(f"only baselines were searched; {name} is used")

    # -- prediction -----------------------------------------------------------------
    def predict(self, X):
        """Predict with the best pipeline (or the ensemble, when it won)."""
        check_is_fitted(self, "best_estimator_")
        self._check_features(X)
        return self.best_estimator_.predict(X)

    def _check_features(self, X):
        """Refuse numeric X that does not match fit's (values, channels, a table's columns)."""
        if (getattr(self, "input_kind_", None) == "numeric"
                and self._task in ("classification", "regression")):
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

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "best_estimator_"):
            return {}
        summary = {"best": _describe(self.best_params_), "cv_score": self.best_score_,
                   "task": self._task}
        if hasattr(self, "n_features_in_"):
            summary["n_features_in"] = int(self.n_features_in_)
        if hasattr(self, "_training_data"):
            summary["training_data"] = self._training_data
        return summary


def _append_row(results, params, split_scores=None, fit_time=np.nan, error=""):
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


# the leaderboard's error text for the candidates a search stopped before
NOT_RUN = {"time_budget": f"{NOT_RUN_PREFIX}the time budget was spent",
           "unbeatable": f"{NOT_RUN_PREFIX}a finished candidate has the best possible score",
           "interrupted": f"{NOT_RUN_PREFIX}the search was interrupted"}


def _with_failures(search) -> dict:
    """cv_results_ with an ``error`` column, one row per fully failed candidate and one
    per candidate the search stopped before."""
    results = {k: (list(v) if not isinstance(v, np.ndarray) else v)
               for k, v in search.cv_results_.items()}
    n = len(results["params"])
    results["error"] = np.array([search.partial_failures_.get(i, "") for i in range(n)],
                                dtype=object)
    for params, error in search.failures_:
        _append_row(results, params, error=error)
    for params in getattr(search, "skipped_", []):
        _append_row(results, params, error=NOT_RUN[search.stopped_early_])
    _set_ranks(results)
    return results


def _set_ranks(results, ensemble_index=None, ensemble_wins=False, best_single=None) -> None:
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
    folds as the best single candidate, see ``_select_ensemble``).
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


def _fold_text(scored) -> str:
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


def _leaderboard(results) -> pd.DataFrame:
    n_splits = sum(1 for k in results if k.startswith("split") and k.endswith("_test_score"))
    splits = np.column_stack([np.asarray(results[f"split{k}_test_score"], dtype=float)
                              for k in range(n_splits)]) if n_splits else None
    rows = []
    for i, params in enumerate(results["params"]):
        if "members" in params:
            hyper = {"members": [_describe(p) for p in params["members"]],
                     "weights": [round(w, 4) for w in params["weights"]]}
        else:
            hyper = _hyperparameters(params)
        rows.append({
            "rank": int(results["rank_test_score"][i]), "architecture": _candidate_name(params),
            "kind": _kind(params), "params": hyper,
            "mean_score": float(results["mean_test_score"][i]),
            "std_score": float(results["std_test_score"][i]),
            # the folds behind mean_score (none when a failed fold left it NaN)
            "folds": (_fold_text(np.isfinite(splits[i]))
                      if splits is not None and np.isfinite(results["mean_test_score"][i])
                      else "-"),
            "fit_time": float(results["mean_fit_time"][i]), "error": results["error"][i],
        })
    return Leaderboard(pd.DataFrame(rows).sort_values("rank").reset_index(drop=True))


def _say(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(message, highlight=False, markup=False)


def _per_step_accuracy(y_true, y_pred) -> float:
    """Share of time steps labelled correctly."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def _label_mode_reason(mode, y, explicit) -> str:
    why = {"single": "one label per sequence",
           "multilabel": f"a 0/1 indicator matrix of {np.shape(y)[-1]} labels",
           "per_step": f"one label per time step ({np.shape(y)[-1]} steps)"}[mode]
    how = "set by label_mode" if explicit else "label_mode='auto'; set label_mode= to override"
    return f"label_mode: {mode} (y read as {why}; {how})"

class AutoSeqClassifier(ClassifierMixin, _AutoSeqBase):
    """Find, cross-validate and refit the best Keras sequence classifier.

    Every registered architecture that supports classification contributes
    its search space to one GridSearchCV over the pipeline
    ``scaler -> padder -> model`` (``tokenizer -> model`` for text); every step
    that learns from data is fitted inside each fold. Cheap baselines compete as
    ordinary candidates, and an ensemble of the best candidates is built from
    their out-of-fold probabilities. The default CV is walk-forward (sequences
    in time order); when its training folds would miss a class, stratified
    folds are used with a warning.

    ``y`` may be 1-D (one label per sequence), a 2-D 0/1 indicator matrix
    (multi-label: one sigmoid output per label, ``predict`` returns the
    indicator matrix) or 2-D with one label per time step (``label_mode``).

    Parameters
    ----------
    architectures : list of str, optional
        Registry names (or :class:`~autoseq.Architecture` instances) to search;
        None searches every registered architecture that supports the task
        (for per-step labels: those that return one vector per step); ``[]``
        searches the baselines only (with ``rocket_ridge``).
    param_grid : dict, optional
        ``{architecture name: {hyperparameter: [values]}}`` replacing those
        architectures' default search spaces. Keys with ``__`` (e.g.
        ``"padder__padding"``) address pipeline steps directly.
    cv : int, splitter or iterable, optional
        None: walk-forward CV (3 folds, 2 under 100 sequences).
    scoring : str or callable, optional
        One metric. Default "accuracy"; for multi-label ``y`` sample-averaged
        F1 (``"f1_samples"``, counting a sequence without labels that is
        predicted without labels as 1); for per-step labels the share of
        correctly labelled steps.
    search : {"auto", "grid", "halving"}, default="auto"
        How the trained candidates are searched. "grid" cross-validates each
        one fully; "halving" trains all of them briefly, then the best third
        three times longer (successive halving over epochs, see
        :mod:`autoseq.model_selection.halving`); "auto" halves when there are 7 or more
        trained candidates. Candidates without a training loop (baselines,
        ``rocket_ridge``) always run first, once, and are never cut by the
        budget. In the default search (``architectures=None``) the trained
        candidates come in order of expected value per second
        (:attr:`Architecture.priority`), and once a candidate reaches the
        best possible score (accuracy 1.0) the rest are not trained: they
        could at most tie, and a tie goes to the candidate listed first.
        Candidates not run are on the leaderboard with the reason.
    max_epochs : int, default=80
        Epoch cap per fit; early stopping ends most fits sooner.
    time_budget : "auto", float or None, default="auto"
        Seconds for the whole ``fit``, the final refit included: no trained
        candidate starts once the time spent plus the expected refit of the
        current leader would pass it, candidates still training stop at
        their next epoch end, and the refit stops training when the budget is
        spent. "auto" is :func:`autoseq.model_selection.budget.default_time_budget` of the
        data's size (a minute for small data, one more per 250,000 numbers,
        at most 30 minutes). None: no bound, every candidate runs, and a
        fixed ``random_state`` gives the same result on every run. Under a
        budget, which trained candidates get their turn depends on the
        machine's speed, so results can differ between machines.
    baselines : bool, default=True
        Add the trivial reference (``majority``: the most frequent class, see
        :class:`autoseq.baselines.numeric.MajorityClassifier`) and, for text, TF-IDF +
        logistic regression as candidates that can win. Architectures of kind
        ``"baseline"`` (``rocket``) are part of the default search only when
        True; naming one in ``architectures`` searches it either way. The
        default search (``architectures=None``) of numeric sequences also
        tries ``rocket_ridge`` (:class:`~autoseq.RocketRidgeClassifier`:
        ``rocket``'s random kernels with a ridge head solved in closed form, as
        ROCKET itself is fitted) on training sets of up to 4,000 sequences;
        it is listed first, so it wins a tie in cross-validation score.
    ensemble : bool, default=True
        Build a weighted ensemble of the best candidates by greedy selection
        with replacement (Caruana et al., 2004) over their out-of-fold
        probabilities; no candidate is trained again for it. Its weights for
        validation fold ``j`` are chosen on folds before ``j`` only and its
        score is the mean over folds 2 and later, so its leaderboard score is
        not flattered by its own selection. It becomes ``best_estimator_``
        only when it beats the best single candidate on those same folds.
    n_jobs : int, optional
        Parallel fits (joblib; works with a Dask backend, see docs/scale-out.md).
    random_state : int, optional
        Same value and data give the same leaderboard and predictions.
    verbose : int, optional
        None (default): a progress bar while searching when standard error is
        a terminal, nothing otherwise (notebooks and logs stay clean). 0:
        nothing. 1: the label mode, the search's progress (one line per
        update when not on a terminal) and which candidate won (and says so
        plainly when no deep model beat a baseline); 2 adds scikit-learn's
        own lines.
    label_mode : {"auto", "single", "multilabel", "per_step"}, default="auto"
        How ``y`` is read. "auto": a 1-D ``y`` is one label per sequence; a
        2-D ``y`` whose second dimension equals the number of time steps of
        ``X`` is one label per step; any other 2-D 0/1 matrix is multi-label.
        Any other value overrides the rule.

    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline or EnsembleClassifier
        The winner refitted on all the data: a pipeline (``model`` step a
        :class:`~autoseq.SeqClassifier` or a baseline), or the ensemble.
    best_params_ : dict
        The winner's parameters; for the ensemble ``{"members": [params...],
        "weights": [...]}``.
    best_index_ : int
        The winner's row in ``cv_results_``.
    best_score_ : float
    cv_results_ : dict
        GridSearchCV's results plus an ``error`` entry per candidate; failed
        candidates appear with NaN scores, the ensemble (if any) as the last
        row, with NaN on fold 1.
    leaderboard_ : pandas.DataFrame
        One row per candidate, ranked by mean_score: rank, architecture,
        kind ("deep", "baseline" or "ensemble"), params, mean_score,
        std_score, folds (the validation folds the score is the mean of:
        "2-3" for the ensemble, "-" for a candidate that did not run),
        fit_time, error (why a candidate failed or did not run). The winner
        is ``best_index_``: an ensemble that ranks first by its score on later
        folds can still lose to the best single candidate on those folds.
    ensemble_ : EnsembleClassifier or None
        The ensemble: fitted (it is ``best_estimator_``) when it won,
        unfitted otherwise (``clone(ensemble_).fit(X, y)`` fits it); None when
        fewer than two candidates finished every fold, the selection kept a
        single candidate, or ``ensemble=False``.
    ensemble_refit_time_ : float or None
        Seconds spent refitting the ensemble's members when it won.
    classes_ : ndarray
    label_mode_ : str
        The reading of ``y`` that was used.
    search_time_, refit_time_ : float
        Seconds spent searching and refitting the winner.
    stopped_early_ : {None, "time_budget", "unbeatable", "interrupted"}
        Why the search did not try every candidate ("unbeatable": one
        reached the best possible score).
    time_budget_ : float or None
        The budget in seconds the fit ran under ("auto" resolved).
    search_ : {"grid", "halving"}
        The search that ran ("auto" resolved).
    n_features_in_ : int
        A 2-D table's columns (as in scikit-learn); else channels per step.
    n_channels_ : int
        Channels per step of the training sequences; predict checks it.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 10)); y = (X.mean(axis=1) > 0).astype(int)
    >>> clf = AutoSeqClassifier(architectures=["gru"], max_epochs=2, random_state=0)
    >>> sorted(clf.fit(X, y).leaderboard_["kind"])
    ['baseline', 'deep', 'ensemble']
    """

    _accepts_text = True
    _best_possible_score = 1.0  # accuracy, F1 and per-step accuracy alike

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="auto", max_epochs=80, time_budget="auto", baselines=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=None,
                 label_mode="auto"):
        super().__init__(architectures=architectures, param_grid=param_grid, cv=cv,
                         scoring=scoring, search=search, max_epochs=max_epochs,
                         time_budget=time_budget, baselines=baselines, ensemble=ensemble,
                         n_jobs=n_jobs, random_state=random_state, verbose=verbose)
        self.label_mode = label_mode

    def _check_input(self, X, y):
        from sklearn.utils.multiclass import check_classification_targets

        from autoseq.preprocessing.targets import check_classes, infer_label_mode

        X, y = super()._check_input(X, y)
        # scikit-learn's rule: "Unknown label type" for continuous or unreadable labels
        check_classification_targets(y)
        n_steps = X.shape[1] if isinstance(X, np.ndarray) and X.ndim == 3 else None
        # resolved once for the whole search, so every fold and baseline reads y alike
        self._label_mode = infer_label_mode(y, n_steps, self.label_mode)
        check_classes(y, self._label_mode, type(self).__name__)
        if self.verbose:
            _say(_label_mode_reason(self._label_mode, y, self.label_mode != "auto"))
        return X, y

    def _search_task(self, y):
        return "labelling" if self._label_mode == "per_step" else "classification"

    def _default_scoring(self):
        if self._label_mode == "multilabel":
            # a sequence with no label, predicted with none, is exactly right
            return make_scorer(f1_score, average="samples", zero_division=1.0)
        if self._label_mode == "per_step":
            return make_scorer(_per_step_accuracy)
        return "accuracy"

    def _make_model(self, input_kind="numeric"):
        from autoseq.estimators.keras import SeqClassifier

        return SeqClassifier(input_kind=input_kind, epochs=self.max_epochs, early_stopping=True,
                             batch_size=16, learning_rate=SEARCH_LEARNING_RATE,
                             random_state=self.random_state, label_mode=self._label_mode)

    def _rocket_ridge(self):
        if self._label_mode == "per_step":
            return None
        from autoseq.estimators.rocket_ridge import RocketRidgeClassifier

        return RocketRidgeClassifier(random_state=self.random_state)

    def _baseline_models(self, X, y):
        models = numeric_baselines("classification", self._label_mode)
        if self._is_text(X) and self._label_mode != "per_step":
            from autoseq.baselines.text import TfidfLogisticBaseline

            models.append(TfidfLogisticBaseline())
        return models

    _oof_method = "predict_proba"

    def _classes(self, y):
        return np.arange(y.shape[1]) if self._label_mode == "multilabel" else np.unique(y)

    def _oof_array(self, kept, y):
        fitted_classes, proba = kept
        return align_proba(proba, fitted_classes, self._classes(y), self._label_mode)

    def _prediction_score(self, scorer, y):
        return prediction_scorer(scorer, "classification", self._classes(y), self._label_mode)

    def _make_ensemble(self, members, weights, residuals):
        return EnsembleClassifier(members, weights, label_mode=self._label_mode)

    def _after_fit(self, X, y):
        self.classes_ = self.best_estimator_.classes_
        self.label_mode_ = self._label_mode

    # the search's scoring, as GridSearchCV scores, not ClassifierMixin's accuracy
    score = _AutoSeqBase.score

    def predict_proba(self, X):
        """Class probabilities from the best pipeline (per label for multi-label ``y``)."""
        check_is_fitted(self, "best_estimator_")
        self._check_features(X)
        return self.best_estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags


class AutoSeqRegressor(RegressorMixin, _AutoSeqBase):
    """Find, cross-validate and refit the best Keras sequence regressor.

    Same search as :class:`AutoSeqClassifier`, for one number (or a vector of
    numbers, 2-D ``y``) per sequence; targets are standardised inside each fit
    and predictions returned in the original units. :meth:`score` is R^2, as for
    every scikit-learn regressor; the search's scoring is
    ``"neg_root_mean_squared_error"`` (higher is better). The trivial baseline
    is the training mean (``mean``), and the default search of up to 4,000
    sequences tries :class:`~autoseq.RocketRidgeRegressor` (``rocket_ridge``);
    the ensemble averages values.
    :meth:`predict_interval` gives split-conformal intervals from the
    out-of-fold residuals of the winner.

    Parameters
    ----------
    architectures, param_grid, cv, scoring, search, max_epochs, time_budget, \
baselines, ensemble, n_jobs, random_state, verbose
        As in :class:`AutoSeqClassifier`.

    Attributes
    ----------
    best_estimator_, best_params_, best_index_, best_score_, cv_results_, leaderboard_
        As in :class:`AutoSeqClassifier`; the ensemble is an
        :class:`~autoseq.estimators.ensemble.EnsembleRegressor`.
    ensemble_, ensemble_refit_time_, search_time_, refit_time_, stopped_early_
        As in :class:`AutoSeqClassifier`.
    calibration_residuals_ : ndarray of shape (n, n_outputs) or None
        Out-of-fold residuals ``y - prediction`` of the winner (for the
        ensemble, of its predictions on folds 2 and later); None when the
        search kept no out-of-fold predictions or the winner failed on a fold.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqRegressor
    >>> X = np.random.default_rng(0).normal(size=(30, 10)); y = X.sum(axis=1)
    >>> reg = AutoSeqRegressor(architectures=["gru"], max_epochs=2, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape, list(reg.predict_interval(X[:2]).columns)
    ((2,), ['lower', 'upper'])
    """

    _task = "regression"

    def _default_scoring(self):
        return "neg_root_mean_squared_error"

    def _make_model(self, input_kind="numeric"):
        from autoseq.estimators.keras import SeqRegressor

        return SeqRegressor(input_kind=input_kind, epochs=self.max_epochs, early_stopping=True,
                            batch_size=16, learning_rate=SEARCH_LEARNING_RATE,
                            random_state=self.random_state)

    def _rocket_ridge(self):
        from autoseq.estimators.rocket_ridge import RocketRidgeRegressor

        return RocketRidgeRegressor(random_state=self.random_state)

    def _baseline_models(self, X, y):
        return numeric_baselines("regression")

    def _residuals(self, predictions, y_folds):
        if any(p is None for p in predictions):
            return None
        return np.concatenate([
            np.asarray(t, dtype=float).reshape(len(t), -1) - np.reshape(p, (len(p), -1))
            for p, t in zip(predictions, y_folds, strict=True)])

    def _calibrate(self, residuals):
        self.calibration_residuals_ = residuals

    def _make_ensemble(self, members, weights, residuals):
        return EnsembleRegressor(members, weights, calibration_residuals=residuals)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict`, as every scikit-learn regressor.

        ``cross_val_score``, ``Pipeline.score`` and other tools read ``score`` as
        R^2. The search ranks its candidates by ``scoring`` instead (default
        negated RMSE): ``best_score_``, the leaderboard's ``mean_score`` and
        ``scorer_(self, X, y)`` use that.

        Parameters
        ----------
        X : sequences
        y : array-like of shape (n,) or (n, n_outputs)
        sample_weight : array-like of shape (n,), optional

        Returns
        -------
        float
            1.0 for perfect predictions, 0.0 for predicting the mean of ``y``
            (uniform average over outputs).
        """
        from sklearn.metrics import r2_score

        check_is_fitted(self, "best_estimator_")
        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))

    def predict_interval(self, X, coverage=0.9):
        """Split-conformal prediction intervals around :meth:`predict`.

        Calibrated on the out-of-fold residuals of the chosen pipeline (see
        :mod:`autoseq.model_selection.intervals`), separately for each output; no model is
        trained for them.

        Parameters
        ----------
        X : sequences
        coverage : float or list of float, default=0.9
            Each strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per sequence (``X``'s index when it is a DataFrame),
            columns ``lower`` and ``upper``; a list of coverages gives a column
            MultiIndex ``(coverage, lower|upper)``, several outputs an
            ``output`` level before the bound.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        ValueError
            A coverage outside (0, 1), or no out-of-fold residuals were kept.
        """
        from autoseq.model_selection.intervals import check_coverage, interval_frame

        check_is_fitted(self, "best_estimator_")
        check_coverage(coverage)
        if self.calibration_residuals_ is None:
            raise ValueError("The chosen pipeline has no out-of-fold residuals to calibrate "
                             "intervals on (it failed on a fold, or the search kept no "
                             "out-of-fold predictions).")
        index = X.index if isinstance(X, pd.DataFrame) else None
        return interval_frame(self.predict(X), self.calibration_residuals_, coverage, index)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True  # a 2-D y: one column per output
        tags.non_deterministic = self.random_state is None
        return tags
