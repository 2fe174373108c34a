"""Cross-validation splitters: walk-forward for sequences in time order, stratified
(or shuffled) folds for independent ones, repeated on tiny data.

:func:`resolve_cv` turns an estimator's ``cv`` parameter into a splitter and
:func:`describe_cv` names it for the log and the leaderboard.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    TimeSeriesSplit,
    check_cv,
)

# the names ``cv`` accepts besides an int, a splitter or an iterable of folds
CV_SCHEMES = ("walk_forward", "shuffled")
# independent sequences: folds by collection size; under REPEAT_BELOW sequences the folds
# are drawn twice (a fold of a few sequences scores in steps of 10-20 points)
FOLDS_BELOW_100, FOLDS_FROM_100 = 5, 3
REPEAT_BELOW, REPEATS = 50, 2


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


def check_cv_param(cv, *, independent: bool, owner: str) -> None:
    """Refuse a ``cv`` string other than :data:`CV_SCHEMES`, and ``"shuffled"`` where the
    sequences cannot be independent (windows of one stream or text)."""
    if not isinstance(cv, str):
        return
    if cv not in CV_SCHEMES:
        raise ValueError(f"cv must be None, 'walk_forward', 'shuffled', a number of folds, a "
                         f"splitter or an iterable of (train, test) folds; got {cv!r}.")
    if cv == "shuffled" and not independent:
        raise ValueError(f"cv='shuffled' is for independent sequences; {owner} cuts its "
                         "windows from one series, so its folds must be walk-forward "
                         "(cv=None or 'walk_forward').")


def resolve_cv(cv, y=None, *, classifier=False, n_samples=None, random_state=None,
               independent=False):
    """Turn the ``cv`` parameter of an AutoSeq estimator into a splitter.

    Parameters
    ----------
    cv : None, "walk_forward", "shuffled", int, splitter or iterable
        None chooses by ``independent``. "walk_forward": 3 folds, 2 under 100
        sequences, each validating on the sequences after its training part.
        "shuffled": stratified folds for a classifier with one label per
        sequence, else shuffled k-fold: 5 folds under 100 sequences, 3 from
        100, drawn twice under 50 sequences. Anything else goes to
        scikit-learn's :func:`~sklearn.model_selection.check_cv`.
    y : array-like, optional
    classifier : bool
        Stratify (and check that walk-forward training folds hold every class).
    n_samples : int, optional
    random_state : int, optional
        Seeds the shuffled folds (0 when None: the same folds on every run).
    independent : bool
        Whether the sequences are independent samples (no time order declared or
        found): what None means.

    Returns
    -------
    splitter
    """
    if cv is not None and not isinstance(cv, str):
        return check_cv(cv, y, classifier=classifier)
    n = n_samples if n_samples is not None else len(y)
    if n < 3:
        raise ValueError(
            f"Cross-validation needs at least 3 sequences; got {n}. Pass more data or cv=..."
        )
    if cv == "shuffled" or (cv is None and independent):
        return _shuffled(n, y, classifier, random_state)
    # two folds under 100 sequences: three would train on a handful of them
    splitter = WalkForwardSplit(n_splits=3 if n >= 100 else 2)
    if not classifier or y is None or np.ndim(y) != 1:
        return splitter
    y = np.asarray(y)
    classes = np.unique(y)
    for train, _ in splitter.split(np.zeros(n)):
        if len(np.unique(y[train])) < len(classes):
            fallback = _shuffled(n, y, classifier, random_state)
            warnings.warn(
                "Walk-forward folds would train without some classes (the sequences seem "
                f"sorted by class, not by time), so autoseq uses {describe_cv(fallback)} "
                "instead. If the order is time, pass cv= with a splitter of your own, e.g. "
                "cv=autoseq.WalkForwardSplit(5).",
                ClassFallbackWarning,
                stacklevel=3,
            )
            return fallback
    return splitter


def _shuffled(n, y, classifier, random_state):
    seed = random_state if isinstance(random_state, numbers.Integral) else 0
    k = FOLDS_FROM_100 if n >= 100 else FOLDS_BELOW_100
    stratify = classifier and y is not None and np.ndim(y) == 1
    if stratify:
        counts = np.unique(np.asarray(y), return_counts=True)[1]
        if counts.max() < 2:  # one sequence per class (one-shot data): nothing to stratify
            stratify = False
        else:  # no more folds than the smallest class has sequences (at least two)
            k = int(min(k, max(2, counts.min())))
    if n < REPEAT_BELOW:
        make = RepeatedStratifiedKFold if stratify else RepeatedKFold
        return make(n_splits=k, n_repeats=REPEATS, random_state=seed)
    make = StratifiedKFold if stratify else KFold
    return make(n_splits=k, shuffle=True, random_state=seed)


def split_quietly(cv, X, y=None) -> list:
    """``list(cv.split(X, y))`` without scikit-learn's warning that a class has fewer
    sequences than folds (tiny data; :func:`resolve_cv` already chose the fewest folds)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class in y has only",
                                category=UserWarning)
        return list(cv.split(X, y))


def describe_cv(cv) -> str:
    """A short name of a splitter: "stratified 5-fold, 2 repeats", "walk-forward, 3 folds".

    Examples
    --------
    >>> from sklearn.model_selection import RepeatedStratifiedKFold
    >>> from autoseq.model_selection.splitters import WalkForwardSplit, describe_cv
    >>> describe_cv(WalkForwardSplit(3))
    'walk-forward, 3 folds'
    >>> describe_cv(RepeatedStratifiedKFold(n_splits=5, n_repeats=2))
    'stratified 5-fold, 2 repeats'
    """
    if isinstance(cv, TimeSeriesSplit):
        return f"walk-forward, {cv.n_splits} folds"
    if isinstance(cv, (RepeatedStratifiedKFold, RepeatedKFold)):
        k = cv.cvargs["n_splits"]
        strat = "stratified " if isinstance(cv, RepeatedStratifiedKFold) else "shuffled "
        return f"{strat}{k}-fold, {cv.n_repeats} repeats"
    if isinstance(cv, StratifiedKFold):
        return f"stratified {cv.n_splits}-fold" + ("" if cv.shuffle else ", in order")
    if isinstance(cv, KFold):
        return f"{'shuffled ' if cv.shuffle else ''}{cv.n_splits}-fold"
    n = cv.get_n_splits() if hasattr(cv, "get_n_splits") else None
    if type(cv).__name__ == "_CVIterableWrapper":
        return f"{n} given folds"
    return f"{type(cv).__name__}" + ("" if n is None else f", {n} folds")


def has_time_order(X) -> bool:
    """Whether ``X`` says its sequences are in time order: a pandas table or series of
    sequences indexed by time, or a list of pandas sequences indexed by time whose starts
    increase."""
    import pandas as pd

    def timed(index):
        return isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex))

    if isinstance(X, (pd.DataFrame, pd.Series)):
        return timed(X.index)
    if isinstance(X, (list, tuple)) and len(X) > 1 and all(
            isinstance(x, (pd.DataFrame, pd.Series)) and timed(x.index) and len(x) for x in X):
        try:
            starts = [x.index[0] for x in X]
            return all(a <= b for a, b in zip(starts[:-1], starts[1:], strict=True))
        except TypeError:  # time zones or kinds that do not compare
            return False
    return False
