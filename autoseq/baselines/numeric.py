"""Trivial reference models for numeric leaderboards: the majority class and the mean.

They ignore the sequences and predict from the training targets alone, so any
model that learned something from ``X`` must beat them. They take every input
form the AutoSeq estimators accept (3-D arrays, ragged lists, text), because
only ``len(X)`` is read, and their outputs have the shapes of
:class:`~autoseq.SeqClassifier`'s in each label mode, so they mix into an
ensemble like any other candidate.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.utils.validation import check_is_fitted

from autoseq._compat import num_samples
from autoseq.preprocessing.targets import read_label_mode
from autoseq.validation import check_target

__all__ = ["MajorityClassifier", "candidate_name", "numeric_baselines"]


class MajorityClassifier(ClassifierMixin, BaseEstimator):
    """Predict the most frequent class; probabilities are the training frequencies.

    Parameters
    ----------
    label_mode : {"auto", "single", "multilabel", "per_step"}, default="auto"
        How ``y`` is read, with the rule of :class:`~autoseq.SeqClassifier`.
        Multi-label: each label's frequency, predicted present when it is at
        least 0.5. Per-step: the class frequencies over all steps, the same at
        every step.

    Attributes
    ----------
    classes_ : ndarray
        Class labels, or label indices ``0..n_labels-1`` for multi-label ``y``.
    class_prior_ : ndarray
        Frequency of each class (or label) in the training targets.
    label_mode_ : str
        The reading of ``y`` that was used.
    n_steps_ : int
        Steps per sequence (per-step labels only).

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.numeric import MajorityClassifier
    >>> X = np.zeros((4, 10, 1))
    >>> clf = MajorityClassifier().fit(X, ["a", "b", "b", "b"])
    >>> clf.predict(X[:2]).tolist(), clf.predict_proba(X[:1]).tolist()
    (['b', 'b'], [[0.25, 0.75]])
    """

    # how the AutoSeq leaderboard names this candidate
    leaderboard_name_ = "majority"
    # a floor to beat: the search's one-standard-error rule never prefers it
    ignores_sequences = True

    def __init__(self, label_mode="auto"):
        self.label_mode = label_mode

    def fit(self, X, y):
        """Learn the class frequencies of ``y``; ``X`` only gives the number of sequences.

        Parameters
        ----------
        X : sequences of any accepted form
        y : array-like of shape (n_sequences,) or (n_sequences, n_labels | n_steps)

        Returns
        -------
        self
        """
        y = check_target(y, num_samples(X))
        self.label_mode_ = read_label_mode(X, y, self.label_mode)
        if self.label_mode_ == "multilabel":
            self.classes_ = np.arange(y.shape[1])
            self.class_prior_ = y.astype(float).mean(axis=0)
            return self
        self.classes_, counts = np.unique(y, return_counts=True)
        self.class_prior_ = counts / counts.sum()
        if self.label_mode_ == "per_step":
            self.n_steps_ = y.shape[1]
        return self

    def predict_proba(self, X):
        """Training frequencies: ``(n, n_classes)``, ``(n, n_labels)`` for multi-label,
        ``(n, n_steps, n_classes)`` for per-step labels."""
        check_is_fitted(self)
        n = num_samples(X)
        if self.label_mode_ == "per_step":
            return np.broadcast_to(self.class_prior_, (n, self.n_steps_, len(self.classes_))).copy()
        return np.tile(self.class_prior_, (n, 1))

    def predict(self, X):
        """The majority class (per label, or at every step)."""
        check_is_fitted(self)
        n = num_samples(X)
        if self.label_mode_ == "multilabel":
            return np.tile((self.class_prior_ >= 0.5).astype(int), (n, 1))
        majority = self.classes_[np.argmax(self.class_prior_)]
        shape = (n, self.n_steps_) if self.label_mode_ == "per_step" else (n,)
        return np.full(shape, majority, dtype=self.classes_.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.no_validation = True
        return tags


def ignores_sequences(model) -> bool:
    """Whether ``model`` predicts from the training targets alone (the majority class, the
    mean): a reference to beat, never preferred for being cheap."""
    return bool(getattr(model, "ignores_sequences", False)) or isinstance(
        model, (DummyClassifier, DummyRegressor))


def numeric_baselines(task: str, label_mode: str = "single") -> list:
    """The trivial reference models of a task, unfitted.

    Parameters
    ----------
    task : {"classification", "labelling", "regression"}
    label_mode : str, default="single"
        The classifier's resolved label mode.

    Returns
    -------
    list of estimators
        ``[MajorityClassifier]`` for classification and labelling,
        ``[DummyRegressor(strategy="mean")]`` for regression, else empty.

    Examples
    --------
    >>> from autoseq.baselines.numeric import numeric_baselines
    >>> numeric_baselines("regression")
    [DummyRegressor()]
    """
    if task in ("classification", "labelling"):
        return [MajorityClassifier(label_mode=label_mode)]
    if task == "regression":
        return [DummyRegressor(strategy="mean")]
    return []


def candidate_name(model) -> str:
    """The leaderboard name of a non-architecture candidate.

    A model's class attribute ``leaderboard_name_`` wins; scikit-learn's dummy
    models are named after their strategy; anything else by its class name.

    Examples
    --------
    >>> from sklearn.dummy import DummyRegressor
    >>> from autoseq.baselines.numeric import candidate_name
    >>> candidate_name(DummyRegressor()), candidate_name(MajorityClassifier())
    ('mean', 'majority')
    """
    name = getattr(model, "leaderboard_name_", None)
    if isinstance(name, str) and name:
        return name
    if isinstance(model, DummyRegressor):
        return str(model.strategy)
    if isinstance(model, DummyClassifier):
        return "majority" if model.strategy in ("prior", "most_frequent") else str(model.strategy)
    return type(model).__name__
