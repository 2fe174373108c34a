"""What each ``autoseq`` command does, given its parsed options.

:mod:`autoseq.ui.cli` declares the options and calls these functions inside
:func:`~autoseq.ui.console.reported_errors`; they raise
:class:`~autoseq.ui.console.CLIError` for a mistake the user can mend.
"""

from __future__ import annotations

from pathlib import Path

import typer

from autoseq.ui.console import CLIError, stdout_console
from autoseq.ui.models import load_model, print_leaderboard, sequences_for, shape_text
from autoseq.ui.tables import (
    check_columns,
    check_file,
    check_output,
    read_table,
    time_indexed,
    value_columns,
    write_table,
)
from autoseq.ui.tasks import (
    architecture_list,
    check_task,
    estimator_class,
    infer_task,
    model_task,
    parse_time_budget,
    task_metrics,
)

__all__ = ["architectures", "demo", "evaluate", "fit", "info", "predict"]


def demo(*, full: bool, quiet: bool) -> None:
    """Find a classifier for the bundled GunPoint data and score it on its test split."""
    from autoseq import AutoSeqClassifier, load_dataset

    X, y = load_dataset("gunpoint", "train")
    X_test, y_test = load_dataset("gunpoint", "test")
    out = stdout_console()
    out.print(f"GunPoint: {len(X)} training and {len(X_test)} test sequences of "
              f"{X.shape[1]} steps; the default search"
              f"{' without a time budget' if full else ''}.")
    est = AutoSeqClassifier(random_state=0, time_budget=None if full else "auto",
                            verbose=0 if quiet else 1)
    est.fit(X, y)
    print_leaderboard(est.leaderboard_)
    board = est.leaderboard_
    rank = est.cv_results_["rank_test_score"][est.best_index_]
    best = board.loc[board["rank"] == rank, "architecture"].iloc[0]
    out.print(f"test accuracy: {est.score(X_test, y_test):.3f} "
              f"(best: {best}, cv accuracy {est.best_score_:.3f}; "
              f"search and refit {est.search_time_ + est.refit_time_:.0f} s)")


def fit(*, data: Path, out: Path, time_col: str, target: str | None, id_col: str | None,
        task: str | None, time_budget: str, architectures: str | None,
        max_epochs: int | None, random_state: int | None, horizon: int, quiet: bool) -> None:
    """Search the registered architectures on ``data`` and save the best model to ``out``."""
    check_output(out)
    names = architecture_list(architectures)
    df = read_table(data)
    check_columns(df, data, id_col=id_col, time_col=time_col, target=target)
    if task != "anomaly" and target is None:
        raise CLIError("--target is required (the column to learn), except for "
                       "--task anomaly.")
    if task in (None, "classification", "regression") and id_col is None:
        raise CLIError("--id-col is required: the column naming each sequence.")
    settings = {"architectures": names, "time_budget": parse_time_budget(time_budget),
                "random_state": random_state, "verbose": 0 if quiet else 1}
    if max_epochs is not None:
        settings["max_epochs"] = max_epochs
    if task in ("forecasting", "anomaly"):
        est = _fit_series_task(task, df, data, id_col, time_col, target, horizon, settings)
    else:
        est = _fit_collection(task, df, data, id_col, time_col, target, settings)
    from autoseq.io.persistence import save

    save(est, out)
    print_leaderboard(getattr(est, "leaderboard_", None))
    summary = f"best cv score {est.best_score_:.4f}" if hasattr(est, "best_score_") else ""
    stdout_console().print(f"saved {out}" + (f" ({summary})" if summary else ""))


def _fit_collection(task, df, path, id_col, time_col, target, settings):
    """Classification and regression: one target per sequence."""
    from autoseq.io.datasets import from_long

    value_cols = value_columns(df, {id_col, time_col, target})
    if not value_cols:
        raise CLIError(f"{path.name} has no numeric value columns besides --id-col, "
                       "--time-col and --target.")
    X, y, _ = from_long(df, id_col, time_col, target, value_cols=value_cols)
    out = stdout_console()
    if task is None:
        task, reason = infer_task(y)
        out.print(f"task: {task} (inferred from --target {target}: {reason}; "
                  "pass --task to override)")
    else:
        out.print(f"task: {task}")
    check_task(task, y, target)
    out.print(f"data: {shape_text(X)} ({', '.join(map(str, value_cols))})")
    est = estimator_class(task)(**settings)
    from autoseq import _backend

    _backend.keras()
    est.fit(X, y)
    import numpy as np

    # scikit-learn's attribute for the input's column names: predict reads the same channels
    est.feature_names_in_ = np.asarray(value_cols, dtype=object)
    return est


def _fit_series_task(task, df, path, id_col, time_col, target, horizon, settings):
    """Forecasting and anomaly detection: one series (or a collection for anomaly)."""
    from autoseq.io.datasets import from_long

    cls = estimator_class(task)
    value_cols = value_columns(df, {id_col, time_col, target})
    stdout_console().print(f"task: {task}")
    if task == "forecasting":
        check_task(task, df[target], target)
        if id_col is not None and df[id_col].nunique() > 1:
            raise CLIError(f"--task forecasting fits one series, but --id-col {id_col} names "
                           f"{df[id_col].nunique()}; keep the rows of one series.")
        series = time_indexed(df, time_col)
        exogenous = series[value_cols] if value_cols else None
        return cls(horizon=horizon, **settings).fit(series[target], X=exogenous)
    if not value_cols:
        raise CLIError(f"{path.name} has no numeric value columns to score.")
    if id_col is None or df[id_col].nunique() == 1:
        stream = time_indexed(df, time_col)[value_cols]
        return cls(**settings).fit(stream)
    X, _, _ = from_long(df, id_col, time_col, None, value_cols=value_cols)
    return cls(**settings).fit(X)


def predict(*, model: Path, data: Path, id_col: str, time_col: str, out: Path | None,
            proba: bool) -> None:
    """Write one row per sequence: the id column, then the prediction."""
    import numpy as np
    import pandas as pd

    if out is not None:
        check_output(out)
    df = read_table(data)
    check_columns(df, data, id_col=id_col, time_col=time_col)
    est = load_model(model)
    if proba and not hasattr(est, "predict_proba"):
        raise CLIError(f"--proba needs a classifier; {model.name} holds a "
                       f"{type(est).__name__}.")
    if model_task(est) == "forecasting":
        raise CLIError("`autoseq predict` reads collections of sequences; forecast with "
                       "the Python API (model.predict()).")
    X, _, ids = sequences_for(est, df, data, id_col, time_col)
    result = pd.DataFrame({id_col: ids})
    prediction = np.asarray(est.predict(X))
    if prediction.ndim == 1:
        result["prediction"] = prediction
    else:
        for j in range(prediction.shape[1]):
            result[f"prediction_{j}"] = prediction[:, j]
    if proba:
        probabilities = np.asarray(est.predict_proba(X))
        if probabilities.ndim != 2:
            raise CLIError("--proba writes one row per sequence; this model predicts "
                           "per step.")
        for j, label in enumerate(est.classes_):
            result[f"proba_{label}"] = probabilities[:, j]
    write_table(result, out)
    if out is not None:
        stdout_console().print(f"wrote {len(result)} predictions to {out}")


def evaluate(*, model: Path, data: Path, id_col: str, target: str, time_col: str) -> None:
    """Score a model on labelled ``data`` with the task's metrics (:func:`task_metrics`)."""
    import numpy as np
    from rich import box
    from rich.table import Table

    df = read_table(data)
    check_columns(df, data, id_col=id_col, time_col=time_col, target=target)
    est = load_model(model)
    task = model_task(est)
    if task not in ("classification", "regression"):
        raise CLIError(f"`autoseq evaluate` scores classification and regression models; "
                       f"{model.name} holds a {type(est).__name__}.")
    X, y, _ = sequences_for(est, df, data, id_col, time_col, target)
    if task == "regression":
        check_task(task, y, target)
    elif not np.isin(np.ravel(y), est.classes_).any():
        raise CLIError(f"None of the values of '{target}' are classes the model knows "
                       f"({', '.join(map(str, est.classes_))}); is it the right column?")
    scores = task_metrics(task, y, est.predict(X))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in scores.items():
        table.add_row(name, f"{value:.4f}")
    out = stdout_console()
    out.print(f"{task}: {len(X)} sequences of {data.name}")
    out.print(table)


_SUMMARY_LABELS = {"best": "best candidate", "cv_score": "cv score",
                   "n_features_in": "channels"}


def info(*, model: Path, load: bool) -> None:
    """Show what a model file holds, from its header; with ``load``, load it too."""
    from rich.table import Table

    from autoseq.io import persistence

    check_file(model, "Model")
    header = persistence.info(model)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    size = model.stat().st_size
    table.add_row("file", f"{model} ({size / 1e6:.1f} MB)" if size >= 1e5
                  else f"{model} ({size / 1e3:.1f} kB)")
    table.add_row("class", str(header.get("class")))
    table.add_row("created", str(header.get("created")))
    for key, value in (header.get("summary") or {}).items():
        table.add_row(_SUMMARY_LABELS.get(key, key.replace("_", " ")),
                      f"{value:.4f}" if isinstance(value, float) else str(value))
    versions = header.get("versions") or {}
    table.add_row("saved with", ", ".join(f"{k} {v}" for k, v in versions.items() if v))
    table.add_row("signed", "yes" if header.get("signed") else "no")
    out = stdout_console()
    out.print(table)
    report = header.get("report") or {}
    names = report.get("feature_names_in")
    if names:
        out.print(f"channels: {', '.join(map(str, names))}")
    board = report.get("leaderboard")
    print_leaderboard(board)
    if not load:
        if board is None:
            out.print("(pass --load to load the model too; loading runs code from the file)",
                      style="dim")
        return
    est = load_model(model)
    out.print(f"loaded: {type(est).__name__}")
    loaded_names = getattr(est, "feature_names_in_", None)
    if not names and loaded_names is not None:
        out.print(f"channels: {', '.join(map(str, loaded_names))}")
    if board is None:
        print_leaderboard(getattr(est, "leaderboard_", None))


def architectures(*, task: str | None) -> None:
    """One line per registered architecture: name, kind and tasks."""
    from autoseq.registry import get_architecture, list_architectures

    for name in list_architectures(task):
        arch = get_architecture(name)
        typer.echo(f"{name:<16} {arch.kind:<9} {', '.join(sorted(arch.tasks))}")
