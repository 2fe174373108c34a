"""Target encoders: what the network is trained on, and back to the user's units.

They follow scikeras's encoder protocol (``fit`` / ``transform`` /
``inverse_transform`` and ``get_metadata``), so the scikeras wrappers can
drive them, and they decide the network head (:class:`~autoseq.networks.build.HeadSpec`)
and the loss.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from autoseq.networks.heads import HeadSpec

LABEL_MODES = ("single", "multilabel", "per_step")


def infer_label_mode(y: np.ndarray, n_steps: int | None, label_mode: str = "auto") -> str:
    """Decide how a classification target is read.

    A 1-D ``y`` holds one label per sequence. A 2-D ``y`` whose second
    dimension equals the number of time steps holds one label per step; any
    other 2-D 0/1 matrix is a multi-label indicator matrix. ``label_mode``
    overrides the rule.
    """
    if label_mode not in ("auto", *LABEL_MODES):
        raise ValueError(
            f"label_mode must be 'auto', 'single', 'multilabel' or 'per_step'; got {label_mode!r}."
        )
    if y.ndim == 1:
        if label_mode not in ("auto", "single"):
            raise ValueError(f"label_mode={label_mode!r} needs a 2-D y; got shape {y.shape}.")
        return "single"
    if y.ndim != 2:
        raise ValueError(
            f"y must be 1-D (one label per sequence) or 2-D (multi-label indicators or one "
            f"label per step); got {y.ndim}-D of shape {y.shape}."
        )
    binary = y.dtype.kind in "biuf" and np.isin(y, (0, 1)).all()
    if label_mode == "per_step" or (label_mode == "auto" and n_steps == y.shape[1]):
        if n_steps != y.shape[1]:
            raise ValueError(
                f"label_mode='per_step' needs one label per time step: y has {y.shape[1]} "
                f"columns but the sequences have {n_steps} steps (they must share one length)."
            )
        return "per_step"
    if label_mode == "single":
        raise ValueError(f"label_mode='single' needs a 1-D y; got shape {y.shape}.")
    if not binary:
        raise ValueError(
            f"A 2-D y of shape {y.shape} is neither one label per time step (the sequences "
            f"have {n_steps} steps) nor a 0/1 multi-label indicator matrix. Pass a 1-D y, "
            "or set label_mode='per_step' or 'multilabel' explicitly."
        )
    return "multilabel"


def read_label_mode(X, y, label_mode: str = "auto") -> str:
    """:func:`infer_label_mode` with the number of steps read off ``X``.

    ``X`` may be raw or validated: an array of two or more dimensions has its
    second as the steps (a 2-D table's columns are steps); anything else (a
    list of sequences of varying length, text) has none, so a 2-D ``y`` is
    then read as multi-label.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.preprocessing.targets import read_label_mode
    >>> X = np.zeros((4, 3, 1))
    >>> read_label_mode(X, np.array([0, 1, 0, 1])), read_label_mode(X, np.eye(4, 3, dtype=int))
    ('single', 'per_step')
    >>> read_label_mode(list(X), np.eye(4, 3, dtype=int))
    'multilabel'
    """
    n_steps = X.shape[1] if isinstance(X, np.ndarray) and X.ndim >= 2 else None
    return infer_label_mode(np.asarray(y), n_steps, label_mode)


def check_classes(y: np.ndarray, label_mode: str, estimator: str = "Classification") -> None:
    """Refuse a classification target with nothing to tell apart.

    Parameters
    ----------
    y : ndarray
        The target, read according to ``label_mode``.
    label_mode : {"single", "multilabel", "per_step"}
    estimator : str
        Who needs the classes, for the message.

    Raises
    ------
    ValueError
        ``y`` holds one class only (for per-step labels: over all steps), or,
        for a multi-label indicator matrix, every label column is constant.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.preprocessing.targets import check_classes
    >>> check_classes(np.array(["a", "b"]), "single")
    >>> check_classes(np.array(["a", "a"]), "single")
    Traceback (most recent call last):
    ...
    ValueError: Classification needs samples of at least 2 classes in the data, but the data \
contains only one class: 'a'.
    """
    y = np.asarray(y)
    if label_mode == "multilabel":
        if y.ndim == 2 and len(y) and (y == y[:1]).all():
            raise ValueError(
                f"{estimator} needs a multi-label y in which some label is present in some "
                f"sequences and absent in others; all {y.shape[1]} label columns of y are "
                f"constant ({y[0].tolist()} for every sequence).")
        return
    classes = np.unique(y)
    if len(classes) < 2:
        where = " (over all time steps)" if label_mode == "per_step" else ""
        only = repr(classes[0].item() if hasattr(classes[0], "item") else classes[0]) if len(
            classes) else "none"
        raise ValueError(
            f"{estimator} needs samples of at least 2 classes in the data, but the data "
            f"contains only one class{where}: {only}.")


class ClassTargetEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels (any dtype) for a softmax or sigmoid head.

    Parameters
    ----------
    label_mode : {"single", "multilabel", "per_step"}
    """

    def __init__(self, label_mode: str = "single"):
        self.label_mode = label_mode

    def fit(self, y):
        y = np.asarray(y)
        if self.label_mode == "multilabel":
            self.classes_ = np.arange(y.shape[1])
        else:
            check_classes(y, self.label_mode)
            self.classes_ = np.unique(y)
        self.n_classes_ = len(self.classes_)
        return self

    @property
    def head(self) -> HeadSpec:
        if self.label_mode == "multilabel":
            return HeadSpec("sigmoid", self.n_classes_)
        if self.label_mode == "single" and self.n_classes_ == 2:
            return HeadSpec("sigmoid", 1)
        return HeadSpec("softmax", self.n_classes_, per_step=self.label_mode == "per_step")

    @property
    def loss(self) -> str:
        return "binary_crossentropy" if self.head.kind == "sigmoid" else (
            "sparse_categorical_crossentropy")

    def transform(self, y):
        y = np.asarray(y)
        if self.label_mode == "multilabel":
            return y.astype("float32")
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(
                f"y contains labels not seen in fit: {np.unique(y[unknown])[:5].tolist()}; "
                f"known classes are {self.classes_.tolist()}."
            )
        codes = np.searchsorted(self.classes_, y)
        if self.head.kind == "sigmoid":
            return codes.reshape(-1, 1).astype("float32")
        return codes.astype("int32")

    def inverse_transform(self, raw, return_proba: bool = False):
        raw = np.asarray(raw)
        if self.label_mode == "multilabel":
            return raw if return_proba else (raw >= 0.5).astype(int)
        if self.head.kind == "sigmoid":
            p1 = raw.reshape(-1)
            proba = np.column_stack([1.0 - p1, p1])
        else:
            proba = raw
        if return_proba:
            return proba
        return self.classes_[np.argmax(proba, axis=-1)]

    def get_metadata(self) -> dict:
        return {"classes_": self.classes_, "n_classes_": self.n_classes_,
                "n_outputs_expected_": 1}


class StandardTargetEncoder(TransformerMixin, BaseEstimator):
    """Standardise numeric targets (per output) so every network trains on unit scale."""

    def fit(self, y):
        y = np.asarray(y, dtype=np.float64)
        self.ndim_ = y.ndim
        y2 = y.reshape(len(y), -1)
        self.mean_ = y2.mean(axis=0)
        self.scale_ = y2.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        self.n_outputs_ = y2.shape[1]
        return self

    @property
    def head(self) -> HeadSpec:
        return HeadSpec("linear", self.n_outputs_)

    loss = "mse"

    def transform(self, y):
        y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        return ((y2 - self.mean_) / self.scale_).astype("float32")

    def inverse_transform(self, raw):
        y = np.asarray(raw, dtype=np.float64).reshape(len(raw), -1) * self.scale_ + self.mean_
        return y.ravel() if self.ndim_ == 1 else y

    def get_metadata(self) -> dict:
        return {"n_outputs_": self.n_outputs_, "n_outputs_expected_": 1}
