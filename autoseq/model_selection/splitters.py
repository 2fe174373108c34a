"""Cross-validation splitters for sequence data: walk-forward by default.

Sequences are taken to be in time order (row order). Each validation fold only
ever comes after its training part, never before.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit, check_cv


class WalkForwardSplit(TimeSeriesSplit):
    """Expanding-window (or, with ``max_train_size``, sliding-window) time-series CV.

    A thin, named wrapper of scikit-learn's :class:`~sklearn.model_selection.TimeSeriesSplit`:
    fold ``k`` trains on everything before its validation block, minus ``gap``
    samples, and validates on the next block.

    Parameters
    ----------
    n_splits : int, default=3
    max_train_size : int, optional
        Keep only the most recent samples for training (a sliding window).
    test_size : int, optional
    gap : int, default=0
        Samples left out between training and validation.
    """

    def __init__(self, n_splits=3, *, max_train_size=None, test_size=None, gap=0):
        super().__init__(n_splits=n_splits, max_train_size=max_train_size,
                         test_size=test_size, gap=gap)


class ClassFallbackWarning(UserWarning):
    """Walk-forward folds would miss a class, so stratified folds are used instead."""


def resolve_cv(cv, y=None, *, classifier=False, n_samples=None, random_state=None):
    """Turn the ``cv`` parameter of an AutoSeq estimator into a splitter.

    ``None`` means walk-forward CV: 3 folds, or 2 under 100 sequences. For a classifier with one
    label per sequence, when a walk-forward training fold would miss a class
    (data sorted by class rather than by time), stratified shuffled folds are
    used and a :class:`ClassFallbackWarning` says so.
    """
    if cv is not None:
        return check_cv(cv, y, classifier=classifier)
    n = n_samples if n_samples is not None else len(y)
    # two folds under 100 sequences: three would train on a handful of them
    n_splits = 3 if n >= 100 else 2
    if n < 3:
        raise ValueError(
            f"Cross-validation needs at least 3 sequences; got {n}. Pass more data or cv=..."
        )
    splitter = WalkForwardSplit(n_splits=n_splits)
    if not classifier or y is None or np.ndim(y) != 1:
        return splitter
    y = np.asarray(y)
    classes = np.unique(y)
    for train, _ in splitter.split(np.zeros(n)):
        if len(np.unique(y[train])) < len(classes):
            min_count = int(min(np.sum(y == c) for c in classes))
            k = int(min(3, max(2, min_count)))
            warnings.warn(
                "Walk-forward folds would train without some classes (the sequences seem "
                "sorted by class, not by time), so autoseq uses stratified shuffled "
                f"{k}-fold CV instead. If the order is time, pass cv= with a splitter of your "
                "own, e.g. cv=autoseq.WalkForwardSplit(5).",
                ClassFallbackWarning,
                stacklevel=3,
            )
            return StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state or 0)
    return splitter
