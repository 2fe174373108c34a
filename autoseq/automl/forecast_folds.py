"""Walk-forward folds over a series' forecast origins, purged of overlapping targets."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import check_cv

from autoseq.model_selection.splitters import WalkForwardSplit


class SeriesTooShortError(ValueError):
    """The series leaves too few forecast origins for walk-forward validation."""


def walk_forward_folds(cv, horizon, n_samples, n, first_lookback):
    """Walk-forward (train, test) index pairs over the origins, purged of overlap.

    A number of folds takes each fold's test origins as long as the origins
    allow (at most a quarter of them per fold with 2 folds), down to one. The
    default (``cv=None``) is 3 folds, or 2 when the series is too short for
    3; a series too short for 2 raises :class:`SeriesTooShortError`, naming what
    it would need.
    """
    H = horizon
    if cv is None:
        cv = 3 if n_samples >= 3 + H + 1 else 2
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds; got {cv}.")
        # each fold's test origins, then a purge gap of H - 1, and two training origins
        test_size = max(1, min(n_samples // (2 * cv), (n_samples - H - 1) // cv))
        if n_samples < cv * test_size + (H - 1) + 2:
            raise SeriesTooShortError(
                f"y has {n} observations: with the smallest look-back {first_lookback} "
                f"and horizon {H} that leaves {n_samples} forecast origin(s), and "
                f"{cv}-fold walk-forward validation needs at least {cv + H + 1} (a series "
                f"of at least {first_lookback + 2 * H + cv}). Pass a longer series, shorter "
                "lookbacks=[...] or a smaller horizon.")
        cv = WalkForwardSplit(n_splits=int(cv), test_size=test_size, gap=H - 1)
    splits = list(check_cv(cv).split(np.zeros((n_samples, 1))))
    return [purge(train, test, H) for train, test in splits]


def purge(train, test, horizon):
    """Drop the training origins whose ``horizon``-step targets reach into ``test``."""
    train, test = np.asarray(train), np.sort(np.asarray(test))
    if len(train) and train.max() >= test.min():
        raise ValueError(
            "cv must split walk-forward: every training origin before the validation ones. "
            f"A split trains on origin {train.max()} but validates from origin {test.min()}; "
            "use autoseq.WalkForwardSplit (max_train_size=... gives sliding windows).")
    train = train[train <= test.min() - horizon]
    if len(train) == 0:
        raise ValueError(
            f"A walk-forward fold has no training origin left once those whose {horizon}-step "
            "targets reach into its validation period are dropped; use fewer folds or a "
            "longer series.")
    return train, test
