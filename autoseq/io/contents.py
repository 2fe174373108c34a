"""What a model file holds: the object pickled, its summary and its report.

An estimator chooses them with the ``__autoseq_save__`` method described in
:mod:`autoseq.io.persistence`; :func:`what_to_save` calls it, and supplies
the defaults for estimators without one.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Mapping

__all__ = [
    "SAVE_HOOK", "default_report", "jsonable", "jsonable_dict", "pipeline_summary", "what_to_save",
]

#: the method an estimator defines to choose what :func:`autoseq.save` writes
SAVE_HOOK = "__autoseq_save__"
_HOOK_KEYS = frozenset({"estimator", "summary", "report"})


def what_to_save(estimator):
    """What :func:`autoseq.save` writes for ``estimator``.

    Parameters
    ----------
    estimator : object

    Returns
    -------
    saved : object
        What the hook's ``"estimator"`` names, else ``estimator`` itself.
    summary : dict or None
        JSON values, for the header's ``summary`` (:func:`pipeline_summary`
        of a pipeline unless the hook gives one).
    report : dict or None
        JSON values, for the header's ``report`` (:func:`default_report`
        unless the hook gives one).

    Warns
    -----
    UserWarning
        If the hook fails: then ``(estimator, None, None)`` is returned.
    """
    hook = getattr(type(estimator), SAVE_HOOK, None)
    if not callable(hook):
        return estimator, _legacy_summary(estimator), _default_report_or_none(estimator)
    try:
        parts = hook(estimator)
        if not isinstance(parts, Mapping):
            raise TypeError(f"it returned a {type(parts).__name__}, not a dict")
        unknown = sorted(set(parts) - _HOOK_KEYS)
        if unknown:
            raise ValueError(f"unknown key(s) {unknown}; the keys are {sorted(_HOOK_KEYS)}")
        saved = parts.get("estimator", estimator)
        summary = parts.get("summary")
        summary = jsonable_dict(pipeline_summary(saved) if summary is None else summary,
                                "summary")
        report = parts.get("report")
        report = jsonable_dict(default_report(estimator) if report is None else report,
                               "report")
    except Exception as exc:  # the model matters more than its description: save it whole
        warnings.warn(f"Saved the whole estimator, without a summary or report: "
                      f"{type(estimator).__name__}.{SAVE_HOOK}() failed: {exc!r}",
                      UserWarning, stacklevel=3)
        return estimator, None, None
    return saved, summary, report


def _default_report_or_none(estimator):
    try:
        return jsonable_dict(default_report(estimator))
    except Exception as exc:  # a report is a courtesy: never lose the model over it
        warnings.warn(f"Saved without a report: {exc!r}", UserWarning, stacklevel=4)
        return None


def _legacy_summary(estimator):
    """The summary of estimators that predate ``__autoseq_save__``.

    Transitional: the AutoSeq estimators' ``_persistence_summary()``, until
    they define ``__autoseq_save__``; a plain pipeline's steps otherwise.
    """
    method = getattr(estimator, "_persistence_summary", None)
    if not callable(method):
        return pipeline_summary(estimator)
    try:
        return jsonable_dict(method(), "summary")
    except Exception as exc:  # a summary is a courtesy: never lose the model over it
        warnings.warn(f"Saved without a summary: _persistence_summary() failed: {exc!r}",
                      UserWarning, stacklevel=4)
        return None


def pipeline_summary(estimator):
    """Steps, final model and channels of a scikit-learn pipeline; None for other objects.

    Parameters
    ----------
    estimator : object

    Returns
    -------
    dict or None
        ``steps`` (``"scaler -> padder -> model"``), ``model`` (the final
        step's class, with its architecture's name when it has one) and,
        when fitted, ``n_features_in``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pipeline_summary(make_pipeline(StandardScaler(), DummyClassifier()))
    {'steps': 'standardscaler -> dummyclassifier', 'model': 'DummyClassifier'}
    """
    if "sklearn" not in sys.modules:
        return None
    from sklearn.pipeline import Pipeline

    if not isinstance(estimator, Pipeline) or not estimator.steps:
        return None
    final = estimator.steps[-1][1]
    model = type(final).__name__
    architecture = getattr(final, "architecture", None)
    if architecture is not None:
        model += f" ({getattr(architecture, 'name', None) or architecture})"
    summary = {"steps": " -> ".join(name for name, _ in estimator.steps), "model": model}
    try:
        summary["n_features_in"] = int(estimator.n_features_in_)
    except (AttributeError, TypeError, ValueError):
        pass
    return summary


def default_report(estimator):
    """The report :func:`save` writes for an estimator without its own.

    Parameters
    ----------
    estimator : object

    Returns
    -------
    dict or None
        For an estimator with a ``leaderboard_`` DataFrame: ``leaderboard``
        (one dict per row), ``settings`` (``get_params(deep=False)``, when
        it has them) and ``feature_names_in`` (when it has them); None for
        any other object. Values are not yet converted to JSON.

    Examples
    --------
    >>> import pandas as pd
    >>> class Searched:
    ...     leaderboard_ = pd.DataFrame({"rank": [1], "architecture": ["gru"]})
    >>> default_report(Searched())
    {'leaderboard': [{'rank': 1, 'architecture': 'gru'}]}
    >>> default_report(object()) is None
    True
    """
    board = getattr(estimator, "leaderboard_", None)
    if board is None or not hasattr(board, "to_dict"):
        return None
    report = {"leaderboard": board.to_dict(orient="records")}
    get_params = getattr(estimator, "get_params", None)
    if callable(get_params):
        report["settings"] = get_params(deep=False)
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        report["feature_names_in"] = list(names)
    return report


def jsonable_dict(value, what="report"):
    """:func:`jsonable` of a dict (None stays None); a TypeError for anything else."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"the {what} is a {type(value).__name__}, not a dict")
    return jsonable(value)


def jsonable(value):
    """``value`` made of JSON types only.

    Mappings become dicts with string keys, sequences and sets lists, NumPy
    scalars and arrays numbers and lists, NaN and infinities None, other
    objects their ``str``.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({"score": np.float64(0.5), "shape": (2, 3), "std": float("nan")})
    {'score': 0.5, 'shape': [2, 3], 'std': None}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # NumPy scalars and arrays
        return jsonable(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
