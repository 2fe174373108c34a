"""Ensembles of the best search candidates: greedy selection and the ensemble estimators.

Selection is Caruana et al. (2004), "Ensemble selection from libraries of
models", with replacement: start from nothing, repeatedly add (again, if it
helps) the candidate whose addition makes the averaged out-of-fold prediction
score best, and keep the mixture of the best-scoring round. A candidate picked
``k`` times out of ``n`` gets weight ``k / n``. The predictions are those the
search's validation folds already produced (probabilities for classifiers,
values for regressors), so no candidate is trained again to build the ensemble.

Its score is not flattered by its own selection: the mixture scored on a
validation fold is chosen (candidates ranked, weights fitted) from the earlier
folds only, so the first fold gives no ensemble score and the ensemble's
cross-validation score is the mean over the second and later folds. The
weights of the ensemble that is finally fitted are chosen on all the folds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from autoseq._compat import num_samples
from autoseq.preprocessing.targets import read_label_mode
from autoseq.validation import check_target

__all__ = ["EnsembleClassifier", "EnsembleRegressor", "EnsembleSelection", "align_proba",
           "greedy_weights", "prediction_scorer", "select_ensemble"]

N_ITERATIONS = 25
TOP_K = 10


# -- selection -------------------------------------------------------------------------
def greedy_weights(predictions, y, score, *, n_iterations: int = N_ITERATIONS) -> np.ndarray:
    """Greedy ensemble selection with replacement (Caruana et al., 2004).

    Parameters
    ----------
    predictions : list of ndarray
        One prediction array per model, all on the same rows (probabilities
        or values, first axis the rows).
    y : ndarray
        The true targets of those rows.
    score : callable
        ``score(prediction, y) -> float``, higher is better.
    n_iterations : int, default=25
        Rounds of selection; each adds one model (possibly again).

    Returns
    -------
    ndarray of shape (n_models,)
        Weights summing to 1: how often each model was picked, up to the round
        whose mixture scored best (the earliest such round on ties). Ties
        between models go to the earlier one in ``predictions``.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.ensemble import greedy_weights
    >>> y = np.array([1.0, -1.0])
    >>> preds = [np.array([2.0, 0.0]), np.array([0.0, -2.0]), np.array([5.0, 5.0])]
    >>> greedy_weights(preds, y, lambda p, t: -np.mean((p - t) ** 2)).tolist()
    [0.5, 0.5, 0.0]
    """
    preds = [np.asarray(p, dtype=float) for p in predictions]
    counts = np.zeros(len(preds), dtype=int)
    total = np.zeros_like(preds[0])
    best_score, best_counts = -np.inf, None
    for round_ in range(1, n_iterations + 1):
        scores = np.array([score((total + p) / round_, y) for p in preds], dtype=float)
        if not np.isfinite(scores).any():
            break
        pick = int(np.nanargmax(scores))
        counts[pick] += 1
        total += preds[pick]
        if scores[pick] > best_score:
            best_score, best_counts = scores[pick], counts.copy()
    if best_counts is None:
        raise ValueError("No mixture of the candidates gave a finite score.")
    return best_counts / best_counts.sum()


def mix(predictions, weights) -> np.ndarray:
    """Weighted average of prediction arrays (weights need not sum to 1)."""
    weights = np.asarray(weights, dtype=float)
    total = sum(w * np.asarray(p, dtype=float) for p, w in zip(predictions, weights, strict=True)
                if w > 0)
    return total / weights[weights > 0].sum()


@dataclass
class EnsembleSelection:
    """The outcome of :func:`select_ensemble`.

    Attributes
    ----------
    members : list of int
        Candidate indices in the final ensemble (weights chosen on all folds).
    weights : ndarray
        Their weights, summing to 1.
    fold_scores : ndarray of shape (n_folds,)
        The ensemble's score on each validation fold, chosen on the earlier
        folds only; NaN for fold 0.
    fold_predictions : list
        Those folds' predictions (None for fold 0).
    """

    members: list
    weights: np.ndarray
    fold_scores: np.ndarray
    fold_predictions: list = field(repr=False)


def _top(fold_scores, eligible, folds, top_k):
    means = np.nanmean(fold_scores[np.ix_(eligible, folds)], axis=1)
    order = np.argsort(-means, kind="stable")
    return [eligible[i] for i in order[:top_k]]


def _choose(oof, y_folds, fold_scores, eligible, folds, score, top_k, n_iterations):
    library = _top(fold_scores, eligible, folds, top_k)
    preds = [np.concatenate([oof[c][f] for f in folds]) for c in library]
    truth = np.concatenate([y_folds[f] for f in folds])
    weights = greedy_weights(preds, truth, score, n_iterations=n_iterations)
    keep = weights > 0
    return [c for c, k in zip(library, keep, strict=True) if k], weights[keep]


def select_ensemble(oof, y_folds, fold_scores, score, *, top_k: int = TOP_K,
                    n_iterations: int = N_ITERATIONS) -> EnsembleSelection | None:
    """Choose ensemble members and weights from out-of-fold predictions.

    Parameters
    ----------
    oof : list
        ``oof[c][f]``: candidate ``c``'s predictions on validation fold ``f``
        (None where it has none).
    y_folds : list of ndarray
        The true targets of each validation fold.
    fold_scores : ndarray of shape (n_candidates, n_folds)
        The search's score of each candidate on each fold (ranks the candidates).
    score : callable
        ``score(prediction, y) -> float``, higher is better.
    top_k : int, default=10
        Only the best ``top_k`` candidates (on the folds used) enter selection.
    n_iterations : int, default=25

    Returns
    -------
    EnsembleSelection or None
        None when fewer than two candidates have predictions on every fold,
        or there are fewer than two folds.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.ensemble import select_ensemble
    >>> mse = lambda p, t: -float(np.mean((p - t) ** 2)) + 0.0
    >>> y = [np.array([1.0, -1.0])] * 3
    >>> oof = [[np.array([2.0, 0.0])] * 3, [np.array([0.0, -2.0])] * 3]
    >>> sel = select_ensemble(oof, y, np.full((2, 3), -1.0), mse)
    >>> sel.members, sel.weights.tolist(), sel.fold_scores.tolist()
    ([0, 1], [0.5, 0.5], [nan, 0.0, 0.0])
    """
    fold_scores = np.asarray(fold_scores, dtype=float)
    n_folds = len(y_folds)
    eligible = [c for c in range(len(oof))
                if all(p is not None for p in oof[c]) and np.isfinite(fold_scores[c]).all()]
    if len(eligible) < 2 or n_folds < 2:
        return None
    scores, predictions = np.full(n_folds, np.nan), [None] * n_folds
    for j in range(1, n_folds):
        members, weights = _choose(oof, y_folds, fold_scores, eligible, list(range(j)), score,
                                   top_k, n_iterations)
        predictions[j] = mix([oof[c][j] for c in members], weights)
        scores[j] = score(predictions[j], y_folds[j])
    members, weights = _choose(oof, y_folds, fold_scores, eligible, list(range(n_folds)),
                               score, top_k, n_iterations)
    return EnsembleSelection(members, weights, scores, predictions)


# -- scoring stored predictions with a scikit-learn scorer -----------------------------
class _ReplayClassifier(ClassifierMixin, BaseEstimator):
    """Answers ``predict_proba(rows)`` from stored probabilities (rows are indices)."""

    def __init__(self, proba=None, classes=None, label_mode="single"):
        self.proba = proba
        self.classes = classes
        self.label_mode = label_mode

    @property
    def classes_(self):
        return self.classes

    def predict_proba(self, rows):
        return self.proba[rows]

    def predict(self, rows):
        return _labels(self.proba[rows], self.classes, self.label_mode)


class _ReplayRegressor(RegressorMixin, BaseEstimator):
    """Answers ``predict(rows)`` from stored predictions (rows are indices)."""

    def __init__(self, values=None):
        self.values = values

    def predict(self, rows):
        return self.values[rows]


def prediction_scorer(scorer, task: str, classes=None, label_mode: str = "single"):
    """Turn a scikit-learn scorer into ``score(prediction, y)`` on stored predictions.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y)``, e.g. from :func:`sklearn.metrics.get_scorer`.
    task : {"classification", "regression"}
        Classification predictions are probabilities (``predict`` is derived
        from them); regression predictions are values.
    classes : ndarray, optional
        The class labels of the probability columns.
    label_mode : {"single", "multilabel", "per_step"}, default="single"

    Returns
    -------
    callable

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.metrics import get_scorer
    >>> from autoseq.estimators.ensemble import prediction_scorer
    >>> score = prediction_scorer(get_scorer("accuracy"), "classification", np.array(["a", "b"]))
    >>> score(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array(["a", "a"]))
    0.5
    """
    def score(prediction, y):
        rows = np.arange(len(prediction))
        if task == "classification":
            replay = _ReplayClassifier(prediction, classes, label_mode)
        else:
            replay = _ReplayRegressor(prediction)
        return float(scorer(replay, rows, y))

    return score


# -- probabilities of differently fitted members on one set of columns -----------------
def _labels(proba, classes, label_mode):
    if label_mode == "multilabel":
        return (proba >= 0.5).astype(int)
    return np.asarray(classes)[np.argmax(proba, axis=-1)]


def align_proba(proba, fitted_classes, classes, label_mode: str = "single") -> np.ndarray:
    """Put a model's probabilities on the columns of ``classes``.

    A model fitted on a fold that missed a class has no column for it (zero
    there). A list of per-label ``(n, 2)`` arrays (scikit-learn's multi-output
    form) becomes one column of positive-class probabilities per label.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.ensemble import align_proba
    >>> align_proba(np.array([[0.3, 0.7]]), np.array([0, 2]), np.array([0, 1, 2])).tolist()
    [[0.3, 0.0, 0.7]]
    """
    if isinstance(proba, list):
        proba = np.column_stack([p[:, -1] if p.ndim == 2 else p for p in proba])
    proba = np.asarray(proba, dtype=float)
    if label_mode == "multilabel" or fitted_classes is None:
        return proba
    fitted_classes, classes = np.asarray(fitted_classes), np.asarray(classes)
    if len(fitted_classes) == len(classes) and (fitted_classes == classes).all():
        return proba
    out = np.zeros(proba.shape[:-1] + (len(classes),))
    out[..., np.searchsorted(classes, fitted_classes)] = proba
    return out


# -- the ensemble estimators -------------------------------------------------------------
def _check_members(estimators, weights):
    if not isinstance(estimators, (list, tuple)) or not estimators or not all(
            isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], str) for e in estimators):
        raise ValueError(f"estimators must be a non-empty list of (name, estimator) pairs; got "
                         f"{estimators!r}.")
    if weights is None:
        return np.ones(len(estimators))
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(estimators),) or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(f"weights must be {len(estimators)} non-negative numbers, not all "
                         f"zero (one per estimator); got {list(np.atleast_1d(weights))}.")
    return weights


def _check_fit_input(ensemble, X, y):
    if y is None:
        raise ValueError(f"{type(ensemble).__name__} requires y to be passed, but the target y "
                         "is None.")
    _check_members(ensemble.estimators, ensemble.weights)
    return check_target(y, num_samples(X))


def _fit_members(ensemble, X, y):
    weights = _check_members(ensemble.estimators, ensemble.weights)
    started = time.monotonic()
    ensemble.estimators_ = [clone(est).fit(X, y) for _, est in ensemble.estimators]
    ensemble.refit_time_ = time.monotonic() - started
    ensemble.weights_ = weights / weights.sum()
    n_features = getattr(ensemble.estimators_[0], "n_features_in_", None)
    if n_features is not None:
        ensemble.n_features_in_ = n_features


def _member_tags(ensemble, tags):
    tags.input_tags.three_d_array = True
    tags.input_tags.sparse = all(get_tags(est).input_tags.sparse for _, est in ensemble.estimators)
    tags.target_tags.multi_output = all(get_tags(est).target_tags.multi_output
                                        for _, est in ensemble.estimators)
    return tags


class EnsembleClassifier(ClassifierMixin, BaseEstimator):
    """Weighted average of the class probabilities of several classifiers.

    The AutoSeq classifiers build one from their best candidates (see
    :func:`select_ensemble`); it is an ordinary scikit-learn estimator, saved
    and loaded like any pipeline.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Unfitted members (pipelines); ``fit`` fits a clone of each on all the data.
    weights : list of float, optional
        One non-negative weight per member; equal weights by default.
    label_mode : {"auto", "single", "multilabel", "per_step"}, default="auto"
        How ``y`` is read (see :class:`~autoseq.SeqClassifier`); multi-label
        probabilities are averaged per label and thresholded at 0.5.

    Attributes
    ----------
    estimators_ : list of fitted estimators
    weights_ : ndarray
        The weights, summing to 1.
    classes_ : ndarray
    label_mode_ : str
    refit_time_ : float
        Seconds spent fitting the members.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from autoseq.estimators.ensemble import EnsembleClassifier
    >>> X = np.zeros((4, 5, 1)); y = np.array([0, 1, 1, 1])
    >>> ens = EnsembleClassifier([("prior", DummyClassifier()),
    ...                           ("uniform", DummyClassifier(strategy="uniform"))],
    ...                          weights=[3, 1]).fit(X, y)
    >>> ens.predict_proba(X[:1]).round(4).tolist(), ens.predict(X[:1]).tolist()
    ([[0.3125, 0.6875]], [1])
    """

    def __init__(self, estimators, weights=None, label_mode="auto"):
        self.estimators = estimators
        self.weights = weights
        self.label_mode = label_mode

    def fit(self, X, y):
        """Fit every member on ``X, y``.

        Returns
        -------
        self
        """
        y = _check_fit_input(self, X, y)
        self.label_mode_ = read_label_mode(X, y, self.label_mode)
        self.classes_ = np.arange(y.shape[1]) if self.label_mode_ == "multilabel" else np.unique(y)
        _fit_members(self, X, y)
        return self

    def predict_proba(self, X):
        """Weighted mean of the members' probabilities (same layout as theirs)."""
        check_is_fitted(self)
        probas = [align_proba(est.predict_proba(X), getattr(est, "classes_", None), self.classes_,
                              self.label_mode_) for est in self.estimators_]
        return mix(probas, self.weights_)

    def predict(self, X):
        """The most probable class (per step), or the 0/1 matrix for multi-label."""
        return _labels(self.predict_proba(X), self.classes_, self.label_mode_)

    def __sklearn_tags__(self):
        return _member_tags(self, super().__sklearn_tags__())


class EnsembleRegressor(RegressorMixin, BaseEstimator):
    """Weighted average of the predictions of several regressors.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Unfitted members (pipelines); ``fit`` fits a clone of each on all the data.
    weights : list of float, optional
        One non-negative weight per member; equal weights by default.
    calibration_residuals : array-like of shape (n,) or (n, n_outputs), optional
        Out-of-fold residuals ``y - prediction`` of this ensemble, which
        :meth:`predict_interval` turns into split-conformal intervals. The
        AutoSeq regressor passes those of its cross-validation.

    Attributes
    ----------
    estimators_ : list of fitted estimators
    weights_ : ndarray
        The weights, summing to 1.
    refit_time_ : float
        Seconds spent fitting the members.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from autoseq.estimators.ensemble import EnsembleRegressor
    >>> X = np.zeros((4, 5, 1)); y = np.array([0.0, 1.0, 2.0, 5.0])
    >>> ens = EnsembleRegressor([("mean", DummyRegressor()),
    ...                          ("median", DummyRegressor(strategy="median"))]).fit(X, y)
    >>> ens.predict(X[:1]).tolist()
    [1.75]
    """

    def __init__(self, estimators, weights=None, calibration_residuals=None):
        self.estimators = estimators
        self.weights = weights
        self.calibration_residuals = calibration_residuals

    def fit(self, X, y):
        """Fit every member on ``X, y``.

        Returns
        -------
        self
        """
        _fit_members(self, X, _check_fit_input(self, X, y))
        return self

    def predict(self, X):
        """Weighted mean of the members' predictions."""
        check_is_fitted(self)
        return mix([est.predict(X) for est in self.estimators_], self.weights_)

    def predict_interval(self, X, coverage=0.9):
        """Split-conformal intervals around :meth:`predict` from ``calibration_residuals``.

        See :func:`autoseq.estimators.intervals.interval_frame` for the layout.
        """
        from autoseq.estimators.intervals import check_coverage, interval_frame

        check_is_fitted(self)
        check_coverage(coverage)
        if self.calibration_residuals is None:
            raise ValueError("This ensemble has no calibration_residuals, so it cannot give "
                             "intervals; pass the out-of-fold residuals y - prediction.")
        return interval_frame(self.predict(X), self.calibration_residuals, coverage)

    def __sklearn_tags__(self):
        return _member_tags(self, super().__sklearn_tags__())
