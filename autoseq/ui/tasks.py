"""What the ``autoseq`` command learns: the task, its estimator, its settings and metrics.

Each check runs before any training, so that a wrong option is one line at
once rather than a failure after minutes.
"""

from __future__ import annotations

from autoseq.ui.console import CLIError

__all__ = [
    "ESTIMATORS",
    "MAX_INFERRED_CLASSES",
    "architecture_list",
    "check_task",
    "estimator_class",
    "infer_task",
    "model_task",
    "parse_time_budget",
    "task_metrics",
]

#: integer targets with at most this many distinct values are read as classes
MAX_INFERRED_CLASSES = 20
#: the autoseq estimator of each task
ESTIMATORS = {"classification": "AutoSeqClassifier", "regression": "AutoSeqRegressor",
              "forecasting": "AutoSeqForecaster", "anomaly": "AutoSeqAnomalyDetector"}


def _values(y):
    import numpy as np
    import pandas as pd

    return pd.Series(np.asarray(y, dtype=object).ravel()).infer_objects()


def infer_task(y) -> tuple[str, str]:
    """The task a target column suggests, and why.

    Parameters
    ----------
    y : array-like

    Returns
    -------
    task : {"classification", "regression"}
    reason : str

    Examples
    --------
    >>> infer_task(["up", "down", "up"])
    ('classification', 'it holds labels (2 distinct)')
    >>> infer_task([0.5, 1.25, 3.0])
    ('regression', 'it holds non-integer numbers (3 distinct values)')
    """
    import pandas as pd

    values = _values(y)
    n_distinct = values.nunique()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "classification", f"it holds labels ({n_distinct} distinct)"
    if pd.api.types.is_integer_dtype(values) and n_distinct <= MAX_INFERRED_CLASSES:
        return "classification", f"it holds {n_distinct} distinct integers"
    kind = "integers" if pd.api.types.is_integer_dtype(values) else "non-integer numbers"
    return "regression", f"it holds {kind} ({n_distinct} distinct values)"


def check_task(task: str, y, target: str) -> None:
    """Refuse a task the target column cannot serve, before any training.

    Parameters
    ----------
    task : str
    y : array-like
        The target's values.
    target : str
        The target column's name, for the message.

    Raises
    ------
    CLIError
        A numeric task on labels, or classification on non-integer numbers.
    """
    import numpy as np
    import pandas as pd

    values = _values(y)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if task in ("regression", "forecasting") and not numeric:
        example = values.dropna().iloc[0] if values.notna().any() else None
        raise CLIError(f"--task {task} needs a numeric target, but column '{target}' holds "
                       f"labels (e.g. {example!r}); use --task classification.")
    if task == "classification" and numeric:
        floats = values.dropna().to_numpy(dtype=float)
        fractional = floats[floats != np.round(floats)]
        if len(fractional):
            raise CLIError(f"--task classification needs class labels, but column '{target}' "
                           f"holds non-integer numbers (e.g. {fractional[0]:g}); use "
                           "--task regression.")


def architecture_list(architectures: str | None) -> list[str] | None:
    """The ``--architectures`` option as registry names (None: not given).

    Raises
    ------
    CLIError
        If it names nothing.
    ValueError
        If a name is not registered (the message suggests close matches).
    """
    if architectures is None:
        return None
    from autoseq.registry import get_architecture

    names = [n.strip() for n in architectures.split(",") if n.strip()]
    if not names:
        raise CLIError("--architectures needs at least one name, e.g. --architectures rocket,gru.")
    for name in names:
        get_architecture(name)  # an unknown name fails here, with close matches
    return names


def estimator_class(task: str):
    """The autoseq estimator class of ``task`` (see :data:`ESTIMATORS`)."""
    import autoseq

    try:
        return getattr(autoseq, ESTIMATORS[task])
    except (ImportError, AttributeError) as exc:
        raise CLIError(f"--task {task} needs autoseq.{ESTIMATORS[task]}, which this "
                       "installation of autoseq does not provide yet.") from exc


def parse_time_budget(text: str):
    """The --time-budget option: "auto", "none" or a positive number of seconds.

    Parameters
    ----------
    text : str

    Returns
    -------
    "auto", None or float
        As the estimators' ``time_budget`` takes it.

    Raises
    ------
    CLIError
        For anything else.

    Examples
    --------
    >>> parse_time_budget("auto"), parse_time_budget("None"), parse_time_budget("90")
    ('auto', None, 90.0)
    """
    if text.strip().lower() in ("auto", "none"):
        return None if text.strip().lower() == "none" else "auto"
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise CLIError(f"--time-budget must be 'auto', 'none' or a positive number of seconds; "
                       f"got {text!r}.")
    return seconds


def model_task(model) -> str:
    """The task a loaded model serves; its class name when it is none of the known ones.

    A classifier or regressor (an AutoSeq estimator, or its fitted pipeline)
    is "classification" or "regression"; the forecaster, anomaly detector and
    generator are "forecasting", "anomaly" and "generation".
    """
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(model):
        return "classification"
    if is_regressor(model):
        return "regression"
    import autoseq

    for task, name in (("forecasting", "AutoSeqForecaster"),
                       ("anomaly", "AutoSeqAnomalyDetector"),
                       ("generation", "AutoSeqGenerator")):
        try:
            if isinstance(model, getattr(autoseq, name)):
                return task
        except (ImportError, AttributeError):
            continue
    return type(model).__name__


def task_metrics(task: str, y_true, y_pred) -> dict:
    """The metrics ``autoseq evaluate`` shows, by name.

    Parameters
    ----------
    task : {"classification", "regression"}
    y_true, y_pred : array-like

    Returns
    -------
    dict
        Classification: accuracy, balanced accuracy, F1 macro. Regression:
        RMSE, MAE, R2.

    Examples
    --------
    >>> scores = task_metrics("classification", ["a", "b", "b"], ["a", "b", "a"])
    >>> round(float(scores["accuracy"]), 3)
    0.667
    """
    import numpy as np
    from sklearn import metrics

    if task == "classification":
        y_true, y_pred = np.ravel(y_true), np.ravel(y_pred)
        return {"accuracy": metrics.accuracy_score(y_true, y_pred),
                "balanced accuracy": metrics.balanced_accuracy_score(y_true, y_pred),
                "F1 macro": metrics.f1_score(y_true, y_pred, average="macro")}
    y_true = np.asarray(y_true, dtype=float)
    return {"RMSE": metrics.root_mean_squared_error(y_true, y_pred),
            "MAE": metrics.mean_absolute_error(y_true, y_pred),
            "R2": metrics.r2_score(y_true, y_pred)}
