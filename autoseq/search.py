"""The search: AutoSeq meta-estimators over the architecture registry.

``AutoSeqClassifier`` and ``AutoSeqRegressor`` build a pipeline
(scaler -> padder -> model), a GridSearchCV grid from the registered
architectures' search spaces (one dict per architecture), run it with
walk-forward CV, refit the best pipeline on all the data, and report a
leaderboard. The search itself is scikit-learn's GridSearchCV, fed candidates
in small batches so it can honour a time budget, record a failing candidate and
go on, and keep what finished when interrupted.
"""

from __future__ import annotations

import gc
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from autoseq import validation
from autoseq.padding import SequencePadder
from autoseq.registry import get_architecture, list_architectures
from autoseq.scaling import SequenceScaler
from autoseq.splitters import resolve_cv


# small searched networks on small data converge in far fewer epochs at this rate
SEARCH_LEARNING_RATE = 3e-3


# small searched networks on small data converge in far fewer epochs at this rate
SEARCH_LEARNING_RATE = 3e-3


class SearchFailedError(ValueError):
    """Every candidate of a search failed; the message lists their errors."""


def _deadline_callback(deadline: float):
    from autoseq._backend import keras

    class Deadline(keras().callbacks.Callback):
        """Stop training once the search's time budget is spent."""

        def __init__(self, deadline):
            super().__init__()
            self.deadline = deadline

        def on_epoch_end(self, epoch, logs=None):
            if time.time() > self.deadline:
                self.model.stop_training = True

    return Deadline(deadline)


class CandidateSearch(GridSearchCV):
    """GridSearchCV that evaluates candidates in batches, between which it can stop.

    Extra parameters
    ----------------
    time_budget : float, optional
        Seconds after which no new batch of candidates is launched.
    batch_size : int, default=1
        Candidates evaluated per call (all their folds run in parallel).
    progress : callable, optional
        Called as ``progress(done, total, best_score, elapsed)`` after each batch.

    Extra attributes
    ----------------
    failures_ : list of (dict, str)
        Candidates whose every fold failed, with the error text.
    partial_failures_ : dict
        Index in ``cv_results_`` -> error text, for candidates with some failed folds.
    stopped_early_ : {None, "time_budget", "interrupted"}
    n_candidates_total_ : int
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, cv=None,
                 verbose=0, time_budget=None, batch_size=1, progress=None):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, refit=False,
                         cv=cv, verbose=verbose, error_score=np.nan)
        self.time_budget = time_budget
        self.batch_size = batch_size
        self.progress = progress

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        self.n_candidates_total_ = len(candidates)
        self.failures_, self.partial_failures_ = [], {}
        self.stopped_early_ = None
        start, done, n_ok, best = time.monotonic(), 0, 0, np.nan
        for i in range(0, len(candidates), self.batch_size):
            if self.time_budget is not None and time.monotonic() - start > self.time_budget:
                self.stopped_early_ = "time_budget"
                break
            batch = candidates[i:i + self.batch_size]
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", FitFailedWarning)
                    results = evaluate_candidates(batch)
            except ValueError as exc:
                if "fits failed" not in str(exc):
                    raise
                self.failures_.extend((c, _error_text(str(exc))) for c in batch)
            except KeyboardInterrupt:
                self.stopped_early_ = "interrupted"
                break
            else:
                n_ok += len(batch)
                scores = np.asarray(results["mean_test_score"], dtype=float)
                if np.isfinite(scores).any():
                    best = np.nanmax(scores)
                messages = [str(w.message) for w in caught
                            if issubclass(w.category, FitFailedWarning)]
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


def _error_text(message: str) -> str:
    """The last line of the first traceback in a scikit-learn fit-failure message."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    for k, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = lines[k:]
            for t in range(1, len(tail)):
                if tail[t].startswith("---") or tail[t].endswith("fits failed with the following error:"):
                    return tail[t - 1]
            return tail[-1]
    return lines[-1] if lines else message


def _release_memory() -> None:
    from autoseq._backend import keras

    keras().backend.clear_session()
    gc.collect()


def _describe(params: dict) -> str:
    arch = params.get("model__architecture")
    name = getattr(arch, "name", None) or type(params.get("model")).__name__
    rest = {k.split("__")[-1]: v for k, v in params.items()
            if k not in ("model__architecture", "model")}
    return f"{name} {rest}" if rest else str(name)


class _AutoSeqBase(BaseEstimator):
    """Shared search logic of the AutoSeq estimators."""

    _task = "classification"

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="grid", max_epochs=80, time_budget=None, baselines=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=0):
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

    def _make_model(self):
        raise NotImplementedError

    def _preprocessing(self, X):
        """Steps before the model, chosen from the input (numeric sequences here)."""
        return [("scaler", SequenceScaler()), ("padder", SequencePadder())]

    def _check_input(self, X, y):
        X = validation.check_sequences(X)
        return X, validation.check_target(y, len(X))

    def _architecture_names(self, X, y):
        task = self._search_task(y)
        if self.architectures is None:
            names = list_architectures(task)
        else:
            names = [self.architectures] if isinstance(self.architectures, str) else list(
                self.architectures)
            for name in names:
                arch = get_architecture(name)
                if task not in arch.tasks:
                    raise ValueError(
                        f"Architecture '{arch.name}' does not support the task '{task}'; "
                        f"architectures that do: {', '.join(list_architectures(task))}."
                    )
        if not names:
            raise ValueError(f"No registered architecture supports the task '{task}'.")
        return names

    def _search_task(self, y):
        return self._task

    def _extra_candidates(self, X, y):
        """Grid dicts of non-architecture candidates (baselines); none by default."""
        return []

    # -- the search -----------------------------------------------------------------
    def _param_grid(self, X, y):
        grid = []
        overrides = self.param_grid or {}
        variable_length = isinstance(X, list)
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
        return grid + self._extra_candidates(X, y)

    def fit(self, X, y):
        """Search the registered architectures and refit the best pipeline.

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
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        if self.search not in ("grid",):
            raise ValueError(f"search must be 'grid'; got {self.search!r}.")
        if self.time_budget is not None and not self.time_budget > 0:
            raise ValueError(f"time_budget must be a positive number of seconds; got "
                             f"{self.time_budget!r}.")
        X, y = self._check_input(X, y)
        grid = self._param_grid(X, y)
        cv = resolve_cv(self.cv, y, classifier=self._task == "classification" and np.ndim(y) == 1,
                        n_samples=len(X), random_state=self.random_state)
        pipeline = Pipeline(self._preprocessing(X) + [("model", self._make_model())])
        searched = clone(pipeline)
        if self.time_budget is not None:
            searched.set_params(model__callbacks=[_deadline_callback(
                time.time() + self.time_budget)])
        progress = _progress_printer(self.verbose) if self.verbose else None
        search = CandidateSearch(
            searched, grid, scoring=self.scoring or self._default_scoring(), cv=cv,
            n_jobs=self.n_jobs, time_budget=self.time_budget, progress=progress,
            verbose=max(0, self.verbose - 1))
        started = time.monotonic()
        search.fit(X, y)
        search_time = time.monotonic() - started
        results = _with_failures(search)
        scores = np.asarray(results["mean_test_score"], dtype=float)
        best_index = int(np.nanargmax(scores))
        best_params = results["params"][best_index]
        self._report_stop(search)
        started = time.monotonic()
        best = clone(pipeline).set_params(**clone(best_params, safe=False)).fit(X, y)
        refit_time = time.monotonic() - started
        # only now does the estimator become fitted: an interrupted refit leaves no half state
        self.best_estimator_ = best
        self.best_params_ = best_params
        self.best_index_ = best_index
        self.best_score_ = float(scores[best_index])
        self.cv_results_ = results
        self.leaderboard_ = _leaderboard(results)
        self.search_time_ = search_time
        self.refit_time_ = refit_time
        self.stopped_early_ = search.stopped_early_
        self.n_splits_ = search.n_splits_
        self.scorer_ = search.scorer_
        self.n_features_in_ = validation.n_channels(X)
        self._after_fit(X, y)
        if self.verbose:
            _say(f"best: {_describe(best_params)}  cv score {self.best_score_:.4f}  "
                 f"(search {search_time:.0f}s, refit {refit_time:.0f}s)")
        return self

    def _after_fit(self, X, y):
        pass

    def _report_stop(self, search):
        if search.stopped_early_ == "time_budget":
            warnings.warn(
                f"time_budget={self.time_budget}s was spent after "
                f"{len(search.cv_results_['params'])} of {search.n_candidates_total_} "
                "candidates; the rest were not tried. The best finished candidate is refitted.",
                UserWarning, stacklevel=3)
        elif search.stopped_early_ == "interrupted":
            warnings.warn(
                "Search interrupted: keeping the best of the "
                f"{len(search.cv_results_['params'])} candidates finished so far and refitting "
                "it on all the data (interrupt again to abandon the fit).",
                UserWarning, stacklevel=3)

    # -- prediction -----------------------------------------------------------------
    def predict(self, X):
        """Predict with the best pipeline."""
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_.predict(X)

    def score(self, X, y):
        """Score of the best pipeline with the search's scoring."""
        check_is_fitted(self, "best_estimator_")
        return self.scorer_(self.best_estimator_, X, y)

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "best_estimator_"):
            return {}
        return {"best": _describe(self.best_params_), "cv_score": self.best_score_,
                "task": self._task, "n_features_in": int(self.n_features_in_)}


def _with_failures(search) -> dict:
    """cv_results_ with an ``error`` column and one row per fully failed candidate."""
    results = {k: (list(v) if not isinstance(v, np.ndarray) else v)
               for k, v in search.cv_results_.items()}
    n = len(results["params"])
    errors = [search.partial_failures_.get(i, "") for i in range(n)]
    for params, error in search.failures_:
        for key, value in list(results.items()):
            if key == "params":
                value.append(params)
            elif key.startswith("param_"):
                name = key[len("param_"):]
                results[key] = np.ma.append(value, np.ma.masked_array(
                    [params.get(name)], mask=[name not in params], dtype=object))
            elif isinstance(value, np.ndarray):
                results[key] = np.append(value, np.nan if value.dtype.kind == "f" else 0)
        errors.append(error)
    results["error"] = np.array(errors, dtype=object)
    scores = np.asarray(results["mean_test_score"], dtype=float)
    order = np.argsort(np.where(np.isfinite(scores), -scores, np.inf), kind="stable")
    rank = np.empty(len(scores), dtype=np.int32)
    rank[order] = np.arange(1, len(scores) + 1)
    results["rank_test_score"] = rank
    return results


def _leaderboard(results) -> pd.DataFrame:
    rows = []
    for i, params in enumerate(results["params"]):
        arch = params.get("model__architecture")
        if arch is not None:
            name, kind = arch.name, getattr(arch, "kind", "deep")
        else:
            model = params.get("model")
            name = getattr(model, "leaderboard_name_", type(model).__name__)
            kind = "baseline"
        hyper = {k.split("__")[-1]: v for k, v in params.items()
                 if k not in ("model__architecture", "model")}
        rows.append({
            "rank": int(results["rank_test_score"][i]), "architecture": name, "kind": kind,
            "params": hyper, "mean_score": float(results["mean_test_score"][i]),
            "std_score": float(results["std_test_score"][i]),
            "fit_time": float(results["mean_fit_time"][i]), "error": results["error"][i],
        })
    board = pd.DataFrame(rows).sort_values("rank").reset_index(drop=True)
    return board


def _say(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(message, highlight=False)


def _progress_printer(verbose):
    def report(done, total, best, elapsed):
        _say(f"[autoseq] {done}/{total} candidates  best {best:.4f}  {elapsed:.0f}s")

    return report


class AutoSeqClassifier(ClassifierMixin, _AutoSeqBase):
    """Find, cross-validate and refit the best Keras sequence classifier.

    Every registered architecture that supports classification contributes
    its search space to one GridSearchCV over the pipeline
    ``scaler -> padder -> model``; every step that learns from data is fitted
    inside each fold. The default CV is walk-forward (sequences in time order);
    when its training folds would miss a class, stratified folds are used with a
    warning.

    Parameters
    ----------
    architectures : list of str, optional
        Registry names to search; None searches every registered architecture
        that supports the task.
    param_grid : dict, optional
        ``{architecture name: {hyperparameter: [values]}}`` replacing those
        architectures' default search spaces. Keys with ``__`` (e.g.
        ``"padder__padding"``) address pipeline steps directly.
    cv : int, splitter or iterable, optional
        None: walk-forward CV with up to 3 folds.
    scoring : str or callable, optional
        Default "accuracy".
    search : {"grid"}, default="grid"
    max_epochs : int, default=80
        Epoch cap per fit; early stopping ends most fits sooner.
    time_budget : float, optional
        Seconds; once spent, no new candidate starts and running fits stop
        at their next epoch end. The best finished candidate is refitted.
    baselines, ensemble : bool, default=True
        Include cheap baselines; build an ensemble of the best candidates.
    n_jobs : int, optional
        Parallel fits (joblib; works with Dask and Ray backends).
    random_state : int, optional
        Same value and data give the same leaderboard and predictions.
    verbose : int, default=0
        1 prints the search's progress; 2 adds scikit-learn's own lines.
    label_mode : {"auto", "single", "multilabel", "per_step"}, default="auto"
        How a 2-D ``y`` is read (see :class:`SeqClassifier`).

    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline
    best_params_ : dict
    best_score_ : float
    cv_results_ : dict
        GridSearchCV's results plus an ``error`` entry per candidate; failed
        candidates appear with NaN scores.
    leaderboard_ : pandas.DataFrame
        One row per candidate, best first.
    classes_ : ndarray
    stopped_early_ : {None, "time_budget", "interrupted"}

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 10)); y = (X.mean(axis=1) > 0).astype(int)
    >>> clf = AutoSeqClassifier(architectures=["gru"], max_epochs=2, random_state=0)
    >>> clf.fit(X, y).leaderboard_.shape[0] >= 1
    True
    """

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="grid", max_epochs=80, time_budget=None, baselines=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=0, label_mode="auto"):
        super().__init__(architectures=architectures, param_grid=param_grid, cv=cv,
                         scoring=scoring, search=search, max_epochs=max_epochs,
                         time_budget=time_budget, baselines=baselines, ensemble=ensemble,
                         n_jobs=n_jobs, random_state=random_state, verbose=verbose)
        self.label_mode = label_mode

    def _make_model(self):
        from autoseq.estimators import SeqClassifier

        return SeqClassifier(epochs=self.max_epochs, early_stopping=True, batch_size=16,
                             learning_rate=SEARCH_LEARNING_RATE,
                             random_state=self.random_state, label_mode=self.label_mode)

    def _after_fit(self, X, y):
        self.classes_ = self.best_estimator_.classes_

    def predict_proba(self, X):
        """Class probabilities from the best pipeline."""
        check_is_fitted(self, "best_estimator_")
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
    and predictions returned in the original units. Default scoring is
    ``"neg_root_mean_squared_error"`` (higher is better).

    Parameters
    ----------
    architectures, param_grid, cv, scoring, search, max_epochs, time_budget, \
baselines, ensemble, n_jobs, random_state, verbose
        As in :class:`AutoSeqClassifier`.

    Attributes
    ----------
    best_estimator_, best_params_, best_score_, cv_results_, leaderboard_
        As in :class:`AutoSeqClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqRegressor
    >>> X = np.random.default_rng(0).normal(size=(30, 10)); y = X.sum(axis=1)
    >>> reg = AutoSeqRegressor(architectures=["gru"], max_epochs=2, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _task = "regression"

    def _default_scoring(self):
        return "neg_root_mean_squared_error"

    def _make_model(self):
        from autoseq.estimators import SeqRegressor

        return SeqRegressor(epochs=self.max_epochs, early_stopping=True, batch_size=16,
                            learning_rate=SEARCH_LEARNING_RATE, random_state=self.random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags
