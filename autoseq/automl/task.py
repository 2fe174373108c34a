"""Tasks: what one problem kind needs from the search.

An AutoSeq estimator holds its parameters and the public API; for each ``fit``
it makes a task object that knows how to read the data, which pipeline and
scorer to use, which candidates to search in which schedule, how the folds'
predictions mix into an ensemble and how the winner is calibrated. The search
itself (:mod:`autoseq.automl.base`, running
:mod:`autoseq.model_selection.search`) is the same for every task.

:class:`Task` is the collection-of-sequences task that classification,
regression, anomaly detection and next-token generation refine; the
forecaster's task (:mod:`autoseq.automl.forecast_task`) replaces the data
preparation and the schedule. ``docs/architecture.md`` shows how to add one.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline

from autoseq import validation
from autoseq.automl.ensemble_step import select_ensemble
from autoseq.estimators.ensemble import prediction_scorer
from autoseq.model_selection.halving import HalvingSchedule
from autoseq.model_selection.results import (
    best_row,
    is_trained,
    leaderboard,
    one_standard_error_row,
)
from autoseq.model_selection.schedules import GridSchedule
from autoseq.model_selection.splitters import (
    check_cv_param,
    describe_cv,
    has_time_order,
    resolve_cv,
    split_quietly,
)
from autoseq.preprocessing.padding import SequencePadder
from autoseq.preprocessing.scaling import SequenceScaler
from autoseq.registry import get_architecture, list_architectures

# small searched networks on small data converge in far fewer epochs at this rate
SEARCH_LEARNING_RATE = 3e-3
# search="auto" halves from this many trained candidates on: below it, halving's first
# round would keep one or two of them anyway
HALVING_FROM = 7
# the closed-form ridge holds all features (n x 10,000-17,000) and solves an n x n
# problem: past a few thousand sequences it learns from a random sample of this many
ROCKET_RIDGE_MAX_SEQUENCES = 4000


class Task:
    """The search's view of one problem kind, for one ``fit`` of ``estimator``.

    Parameters
    ----------
    estimator : AutoSeq estimator
        Whose parameters (``architectures``, ``param_grid``, ``baselines``,
        ``max_epochs``, ``random_state``, ...) the task reads. The task may keep
        what it learns from the data (e.g. the label mode) for this fit only.

    Attributes
    ----------
    name : str
        The registry task the architectures must declare.
    accepts_text : bool
        Whether a list of strings is read as text (a tokenizer step).
    best_possible_score : float or None
        The default scoring's maximum (no trained candidate starts once a
        candidate reaches it in the default search).
    oof_method : str
        What each fold keeps for the ensemble and the intervals.
    independent_samples : bool
        Whether the sequences of a collection may be independent samples (folds
        are then stratified or shuffled unless a time order is declared or found),
        and the winner is the cheapest candidate within one standard error of the
        best mean score. False: windows of one series, walk-forward folds, the best
        mean wins.
    time_ordered : bool
        Whether ``X`` carried a time index (set by :meth:`check_input`).
    cv_scheme : str
        The folds' name (set by :meth:`folds`).
    """

    name = "classification"
    accepts_text = False
    best_possible_score = None
    oof_method = "predict"
    independent_samples = False

    def __init__(self, estimator):
        self.estimator = estimator
        self.time_ordered = False
        self.cv_scheme = None

    # -- the data -----------------------------------------------------------------------
    def is_text(self, X) -> bool:
        return self.accepts_text and validation.is_text(X)

    def check_input(self, X, y):
        """Validated ``(X, y)``: X as the search reads it, y one target per sequence."""
        self.time_ordered = has_time_order(X)
        X = [str(x) for x in X] if self.is_text(X) else validation.check_sequences(X)
        return X, validation.check_target(y, len(X))

    def data_size(self, X) -> int:
        """How many numbers (characters, for text) the training data holds: what the
        default time budget grows with."""
        if self.is_text(X):
            return int(sum(len(x) for x in X))
        if isinstance(X, np.ndarray):
            return int(X.size)
        return int(sum(np.size(x) for x in X))

    def folds(self, X, y) -> list:
        """The fixed (train, test) folds: the ensemble and the intervals need to know which
        rows each fold scored. Named in :attr:`cv_scheme`."""
        est = self.estimator
        check_cv_param(est.cv, independent=self.independent_samples, owner=type(est).__name__)
        cv = resolve_cv(est.cv, y, classifier=self.name == "classification" and np.ndim(y) == 1,
                        n_samples=len(X), random_state=est.random_state,
                        independent=self.independent_samples and not self.time_ordered)
        self.cv_scheme = describe_cv(cv)
        if est.cv is None and self.independent_samples:
            self.cv_scheme += (" (sequences indexed by time)" if self.time_ordered
                               else " (independent sequences)")
        return split_quietly(cv, X, y)

    def select_best(self, results) -> int:
        """The search's winner among the single candidates: for independent samples the
        cheapest within one standard error of the best mean
        (:func:`~autoseq.model_selection.results.one_standard_error_row`), else the best
        mean."""
        return one_standard_error_row(results) if self.independent_samples else best_row(
            results)

    def input_kind(self, X) -> str:
        return "tokens" if self.is_text(X) else "numeric"

    # -- the pipeline ---------------------------------------------------------------------
    def preprocessing(self, X) -> list:
        """Steps before the model: a tokenizer for text, else scaler and padder."""
        if self.is_text(X):
            from autoseq.preprocessing.text import TextTokenizer

            return [("tokenizer", TextTokenizer())]
        return [("scaler", SequenceScaler()), ("padder", SequencePadder())]

    def model(self, input_kind: str):
        """The pipeline's unfitted model step (its architecture set by the grid)."""
        raise NotImplementedError

    def pipeline(self, X) -> Pipeline:
        return Pipeline(self.preprocessing(X) + [("model", self.model(self.input_kind(X)))])

    def default_scoring(self):
        return "accuracy"

    # -- the candidates -------------------------------------------------------------------
    def search_task(self, y) -> str:
        """The registry task the architectures are listed for."""
        return self.name

    def architecture_names(self, X, y) -> list:
        est = self.estimator
        task = self.search_task(y)
        input_kind = self.input_kind(X)
        per_step = True if task == "labelling" else None
        if est.architectures is None:
            names = list_architectures(task, input_kind=input_kind, sequence_output=per_step)
            if not est.baselines:
                names = [n for n in names if get_architecture(n).kind != "baseline"]
        else:
            names = [est.architectures] if isinstance(est.architectures, str) else list(
                est.architectures)
            for name in names:
                arch = get_architecture(name)
                if task not in arch.tasks or (per_step and not arch.sequence_output):
                    able = list_architectures(task, sequence_output=per_step)
                    raise ValueError(
                        f"Architecture '{arch.name}' does not support the task '{task}'; "
                        f"architectures that do: {', '.join(able)}."
                    )
        if not names and est.architectures is None:
            raise ValueError(f"No registered architecture supports the task '{task}' with "
                             f"{input_kind} input; registered: "
                             f"{', '.join(list_architectures()) or 'none'}.")
        if not names and not est.baselines:
            raise ValueError("Nothing to search: architectures=[] (baselines only) and "
                             "baselines=False.")
        return names

    def baseline_models(self, X, y) -> list:
        """Unfitted baseline models of this task (see :mod:`autoseq.baselines.numeric`)."""
        return []

    def baseline_candidates(self, X, y) -> list:
        """Grid dicts of the baselines, on the raw input (they skip the preprocessing:
        they read the sequences themselves, or only count them)."""
        models = self.baseline_models(X, y) if self.estimator.baselines else []
        if not models:
            return []
        skipped = {name: ["passthrough"] for name, _ in self.preprocessing(X)}
        return [{**skipped, "model": models}]

    def rocket_ridge(self):
        """The task's unfitted closed-form ROCKET model [None: the task has none]."""
        return None

    def closed_form_models(self, X, y) -> list:
        """Models fitted without gradient descent, behind the usual preprocessing: the
        task's rocket_ridge for numeric sequences, learning from at most
        ROCKET_RIDGE_MAX_SEQUENCES of them."""
        if self.is_text(X):
            return []
        model = self.rocket_ridge()
        if model is None:
            return []
        return [model.set_params(max_sequences=ROCKET_RIDGE_MAX_SEQUENCES)]

    def param_grid(self, X, y) -> list:
        """Every candidate as a list of grid dicts: closed-form models, baselines, then
        one dict per architecture with its search space."""
        est = self.estimator
        grid = []
        overrides = est.param_grid or {}
        variable_length = isinstance(X, list) and not self.is_text(X)
        names = self.architecture_names(X, y)
        check_overrides(overrides, names)
        for name in names:
            arch = get_architecture(name)
            if isinstance(name, str):
                space = dict(overrides.get(arch.name, arch.search_space))
                arch = get_architecture(arch.name)
            else:  # an instance: its hyperparameters are fixed; pipeline settings still apply
                space = {k: v for k, v in overrides.get(arch.name, {}).items() if "__" in k}
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
        only_baselines = (isinstance(est.architectures, (list, tuple))
                          and len(est.architectures) == 0)
        closed_form = (self.closed_form_models(X, y) if est.baselines and (
            est.architectures is None or only_baselines) else [])
        # listed first because they run first (and, where the best mean wins, a tie goes
        # to the first candidate: on equal evidence, the model that fits in seconds)
        first = [{"model": closed_form}] if closed_form else []
        if est.architectures is None:  # the default search: most value per second first
            grid.sort(key=lambda entry: entry["model__architecture"][0].priority)
        return first + self.baseline_candidates(X, y) + grid

    def schedule(self, grid):
        """``(kind, schedule)``: ``search`` with "auto" read as halving for many trained
        candidates, else the grid."""
        kind = self.estimator.search
        if kind == "auto":
            n_trained = sum(1 for c in ParameterGrid(grid) if is_trained(c))
            kind = "halving" if n_trained >= HALVING_FROM else "grid"
        return kind, HalvingSchedule() if kind == "halving" else GridSchedule()

    def best_possible(self):
        """The score after which no trained candidate is worth starting: the default
        scoring's maximum, in the default search only (named architectures all run)."""
        est = self.estimator
        if est.architectures is None and est.scoring is None:
            return self.best_possible_score
        return None

    # -- what the folds keep, the ensemble, the calibration ---------------------------------
    def oof_array(self, kept, y):
        """The array the ensemble mixes, from what the scorer kept: ``(classes, prediction)``."""
        return np.asarray(kept[1], dtype=float)

    def prediction_score(self, scorer, y):
        return prediction_scorer(scorer, "regression")

    def make_ensemble(self, members, weights, residuals):
        """The unfitted ensemble estimator of this task; None: the task has no ensemble."""
        return None

    def residuals(self, predictions, y_folds):
        """Calibration residuals from per-fold predictions; None where intervals do not apply."""
        return None

    def calibrate(self, residuals) -> None:
        """Set the fitted estimator's calibration from the winner's residuals."""

    def select_ensemble(self, pipeline, results, oof, y_folds, y, scorer, best_single):
        """The ensemble's :class:`~autoseq.automl.ensemble_step.EnsembleOutcome`, or None."""
        return select_ensemble(self, pipeline, results, oof, y_folds, y, scorer, best_single,
                               verbose=self.estimator.verbose)

    def leaderboard(self, results, outcome):
        """The leaderboard shown to the user (a task may add columns)."""
        return leaderboard(results)

    def finish(self, X, y) -> None:
        """Set the task's own fitted attributes on the estimator, after the refit."""


def check_overrides(overrides: dict, names: list) -> None:
    """Refuse ``param_grid`` entries that would be ignored: an architecture that is not
    searched, or hyperparameters of one given as an instance (fixed)."""
    searched = {get_architecture(n).name: n for n in names}
    unknown = sorted(set(overrides) - set(searched))
    if unknown:
        raise ValueError(
            f"param_grid names {', '.join(map(repr, unknown))}, which this search does not "
            f"include; it searches: {', '.join(searched) or 'no architecture'}.")
    for arch_name, given in overrides.items():
        fixed = sorted(k for k in given if "__" not in k)
        if fixed and not isinstance(searched[arch_name], str):
            raise ValueError(
                f"param_grid[{arch_name!r}] sets {', '.join(fixed)}, but architectures "
                f"lists a {type(searched[arch_name]).__name__} instance, whose "
                f"hyperparameters are fixed: name it {arch_name!r} to search them, or set "
                "them on the instance.")
