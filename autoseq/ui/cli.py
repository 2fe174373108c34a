"""The ``autoseq`` command: demo, fit, predict, evaluate, info, architectures.

Data comes as a long table (CSV or Parquet, one row per time step) with a
column naming the sequence, a column ordering its steps and, to fit or
evaluate, a target column; every other numeric column is a channel. A model
is one file written by :func:`autoseq.save`.

Errors (a missing file or column, a task that does not fit the target, a
damaged model file) are one line on standard error and a non-zero exit status;
``--debug`` shows the traceback and TensorFlow's own logs instead. Importing
this module imports neither TensorFlow nor pandas, so ``autoseq --help`` is
instant.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="autoseq",
    help="Find, cross-validate and use the best Keras sequence model for your data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's own help layout: rich help (Typer 0.29) lists on/off flags as "--quiet <bool>",
    # as if they took a value, which they refuse ("--quiet true" is an extra argument)
    rich_markup_mode=None,
)

# integer targets with at most this many distinct values are read as classes
MAX_INFERRED_CLASSES = 20
_STATE = {"debug": False}


class Task(str, Enum):
    classification = "classification"
    regression = "regression"
    forecasting = "forecasting"
    anomaly = "anomaly"


class CLIError(Exception):
    """An error the command reports as one line, without a traceback."""


# -- output and errors -------------------------------------------------------------------


def _out():
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, markup=False)
    if not console.is_terminal:  # a file or a pipe: tables need not fit 80 columns
        console.width = max(console.width, 120)
    return console


def _err():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    if any(part in str(filename) for part in ("/keras/", "/tensorflow/", "/absl/")):
        return  # library internals: shown with --debug only
    _err().print(f"warning: {message}", style="yellow", markup=False)


def _message(exc: BaseException) -> str:
    if isinstance(exc, (CLIError, ValueError, TypeError, OSError, ImportError)):
        text = str(exc) or type(exc).__name__
        if isinstance(exc, FileNotFoundError) and exc.filename and exc.strerror:
            text = f"{exc.strerror}: {exc.filename}"
        return text
    return f"{type(exc).__name__}: {exc} (run with --debug for the traceback)"


@contextlib.contextmanager
def _reported_errors():
    """Turn exceptions into one ``error:`` line and exit status 1 (tracebacks with --debug)."""
    with warnings.catch_warnings():
        if not _STATE["debug"]:
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.showwarning = _show_warning
        try:
            yield
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            _err().print("interrupted", style="red")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _STATE["debug"]:
                raise
            _err().print(f"error: {_message(exc)}", style="red", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks and TensorFlow's own log messages.")] = False,
):
    _STATE["debug"] = debug
    if debug:  # read by autoseq._backend when it imports TensorFlow
        os.environ["AUTOSEQ_TF_LOGS"] = "1"


# -- reading and writing tables -------------------------------------------------------------


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _is_csv(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    return bool(suffixes) and (suffixes[-1] in (".csv", ".tsv", ".txt") or (
        len(suffixes) == 2 and suffixes[0] in (".csv", ".tsv") and suffixes[1] in (
            ".gz", ".bz2", ".zip", ".xz", ".zst")))


def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise CLIError(f"{what} file not found: {path}")
    if not path.is_file():
        raise CLIError(f"{what} is not a file: {path}")


def _read_table(path: Path):
    import pandas as pd

    _check_file(path, "Data")
    if _is_parquet(path):
        try:
            return pd.read_parquet(path)
        except ImportError as exc:
            raise CLIError("Reading Parquet needs pyarrow: pip install pyarrow") from exc
    if not _is_csv(path):
        raise CLIError(f"Cannot read {path.name}: data must be CSV (.csv, .tsv, .csv.gz) "
                       "or Parquet (.parquet).")
    try:
        return pd.read_csv(path, sep="\t" if ".tsv" in path.suffixes else ",")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"Cannot read {path} as CSV: {str(exc).strip()}") from exc


def _check_output(path: Path) -> None:
    """Refuse an output path before any work is done."""
    if not path.parent.is_dir():
        raise CLIError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise CLIError(f"Cannot write {path}: it is a folder.")


def _write_table(df, path: Path | None) -> None:
    if path is None:
        typer.echo(df.to_csv(index=False), nl=False)
        return
    if _is_parquet(path):
        try:
            df.to_parquet(path, index=False)
        except ImportError as exc:
            raise CLIError("Writing Parquet needs pyarrow: pip install pyarrow") from exc
    elif _is_csv(path):
        df.to_csv(path, index=False, sep="\t" if ".tsv" in path.suffixes else ",")
    else:
        raise CLIError(f"Cannot write {path.name}: the output must be .csv, .tsv, .csv.gz "
                       "or .parquet.")


def _check_columns(df, path: Path, **options) -> None:
    """Each ``--option=column`` must name a column of the table."""
    for option, column in options.items():
        if column is not None and column not in df.columns:
            columns = ", ".join(map(str, df.columns))
            raise CLIError(f"Column '{column}' (--{option.replace('_', '-')}) not found in "
                           f"{path.name}; its columns are: {columns}.")


def _value_columns(df, exclude) -> list[str]:
    import pandas as pd

    return [c for c in df.columns
            if c not in exclude and pd.api.types.is_numeric_dtype(df[c])]


# -- tasks -------------------------------------------------------------------------------


def _infer_task(y) -> tuple[str, str]:
    """The task a target column suggests, and why."""
    import numpy as np
    import pandas as pd

    values = pd.Series(np.asarray(y, dtype=object).ravel()).infer_objects()
    n_distinct = values.nunique()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "classification", f"it holds labels ({n_distinct} distinct)"
    if pd.api.types.is_integer_dtype(values) and n_distinct <= MAX_INFERRED_CLASSES:
        return "classification", f"it holds {n_distinct} distinct integers"
    kind = "integers" if pd.api.types.is_integer_dtype(values) else "non-integer numbers"
    return "regression", f"it holds {kind} ({n_distinct} distinct values)"


def _check_task(task: str, y, target: str) -> None:
    """Refuse a task the target column cannot serve, before any training."""
    import numpy as np
    import pandas as pd

    values = pd.Series(np.asarray(y, dtype=object).ravel()).infer_objects()
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


def _architecture_list(architectures: str | None) -> list[str] | None:
    if architectures is None:
        return None
    from autoseq.registry import get_architecture

    names = [n.strip() for n in architectures.split(",") if n.strip()]
    if not names:
        raise CLIError("--architectures needs at least one name, e.g. --architectures rocket,gru.")
    for name in names:
        get_architecture(name)  # an unknown name fails here, with close matches
    return names


def _estimator_class(task: str):
    import autoseq

    names = {"classification": "AutoSeqClassifier", "regression": "AutoSeqRegressor",
             "forecasting": "AutoSeqForecaster", "anomaly": "AutoSeqAnomalyDetector"}
    try:
        return getattr(autoseq, names[task])
    except (ImportError, AttributeError) as exc:
        raise CLIError(f"--task {task} needs autoseq.{names[task]}, which this installation "
                       "of autoseq does not provide yet.") from exc


# -- models ------------------------------------------------------------------------------


def _load_model(path: Path):
    from autoseq import _backend
    from autoseq.io import persistence

    _check_file(path, "Model")
    _backend.keras()  # import TensorFlow quietly before unpickling needs it
    return persistence.load(path)


def _sequences_for(model, df, path: Path, id_col: str, time_col: str, target=None):
    """(X, y, ids) from a table, with the channels the model was trained on."""
    from autoseq.io.datasets import from_long

    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        value_cols = [str(c) for c in names]
        missing = [c for c in value_cols if c not in df.columns]
        if missing:
            raise CLIError(f"{path.name} lacks the channel column(s) {missing} the model was "
                           f"trained on; its columns are: {', '.join(map(str, df.columns))}.")
    else:
        value_cols = _value_columns(df, {id_col, time_col, target})
        expected = getattr(model, "n_features_in_", None)
        if expected is not None and len(value_cols) != expected:
            raise CLIError(f"The model expects {expected} channel(s); {path.name} has "
                           f"{len(value_cols)} numeric value column(s): {value_cols}.")
    return from_long(df, id_col, time_col, target, value_cols=value_cols)


def _model_task(model) -> str:
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(model):
        return "classification"
    if is_regressor(model):
        return "regression"
    return getattr(model, "_task", type(model).__name__)


def _shape_text(X) -> str:
    if isinstance(X, list):
        lengths = [len(x) for x in X]
        return (f"{len(X)} sequences of {min(lengths)} to {max(lengths)} steps x "
                f"{X[0].shape[-1]} channel(s)")
    return f"{X.shape[0]} sequences x {X.shape[1]} steps x {X.shape[2]} channel(s)"


def _print_leaderboard(est, rows: int = 10) -> None:
    from autoseq.model_selection.progress import format_leaderboard

    board = getattr(est, "leaderboard_", None)
    if board is not None:
        _out().print(format_leaderboard(board, max_rows=rows, title="leaderboard"))


# -- commands ----------------------------------------------------------------------------


@app.command()
def demo(
    full: Annotated[bool, typer.Option(
        "--full", help="No time budget: try every candidate (minutes) instead of about a "
                       "minute's worth.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Find a classifier for the bundled GunPoint data and score it on its test split."""
    with _reported_errors():
        from autoseq import AutoSeqClassifier, load_dataset

        X, y = load_dataset("gunpoint", "train")
        X_test, y_test = load_dataset("gunpoint", "test")
        out = _out()
        out.print(f"GunPoint: {len(X)} training and {len(X_test)} test sequences of "
                  f"{X.shape[1]} steps; the default search"
                  f"{' without a time budget' if full else ''}.")
        est = AutoSeqClassifier(random_state=0, time_budget=None if full else "auto",
                                verbose=0 if quiet else 1)
        est.fit(X, y)
        _print_leaderboard(est)
        board = est.leaderboard_
        rank = est.cv_results_["rank_test_score"][est.best_index_]
        best = board.loc[board["rank"] == rank, "architecture"].iloc[0]
        out.print(f"test accuracy: {est.score(X_test, y_test):.3f} "
                  f"(best: {best}, cv accuracy {est.best_score_:.3f}; "
                  f"search and refit {est.search_time_ + est.refit_time_:.0f} s)")


def _time_budget(text: str):
    """The --time-budget option: "auto", "none" or a positive number of seconds."""
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


@app.command()
def fit(
    data: Annotated[Path, typer.Argument(help="Long-format CSV or Parquet, one row per step.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model file to write.")],
    time_col: Annotated[str, typer.Option(help="Column ordering the steps.")],
    target: Annotated[str | None, typer.Option(
        help="Target column (needed for every task but anomaly).")] = None,
    id_col: Annotated[str | None, typer.Option(
        help="Column naming each sequence (optional for forecasting and anomaly: one "
             "series).")] = None,
    task: Annotated[Task | None, typer.Option(
        help="What to learn; inferred from the target when not given.")] = None,
    time_budget: Annotated[str, typer.Option(
        help="Seconds for the whole fit, 'auto' (about a minute on small data, growing with "
             "it) or 'none' (no bound: every candidate).")] = "auto",
    architectures: Annotated[str | None, typer.Option(
        help="Comma-separated registry names, e.g. rocket,gru (default: all that fit).")] = None,
    max_epochs: Annotated[int | None, typer.Option(help="Epoch cap per fit.", min=1)] = None,
    random_state: Annotated[int | None, typer.Option(help="Seed for a repeatable run.")] = None,
    horizon: Annotated[int, typer.Option(help="Steps ahead (forecasting).", min=1)] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Search the registered architectures on DATA and save the best model to --out."""
    with _reported_errors():
        _check_output(out)
        names = _architecture_list(architectures)
        df = _read_table(data)
        _check_columns(df, data, id_col=id_col, time_col=time_col, target=target)
        task_name = task.value if task is not None else None
        if task_name != "anomaly" and target is None:
            raise CLIError("--target is required (the column to learn), except for "
                           "--task anomaly.")
        if task_name in (None, "classification", "regression") and id_col is None:
            raise CLIError("--id-col is required: the column naming each sequence.")
        settings = {"architectures": names, "time_budget": _time_budget(time_budget),
                    "random_state": random_state, "verbose": 0 if quiet else 1}
        if max_epochs is not None:
            settings["max_epochs"] = max_epochs
        if task_name in ("forecasting", "anomaly"):
            est = _fit_series_task(task_name, df, data, id_col, time_col, target, horizon,
                                   settings)
        else:
            est = _fit_collection(task_name, df, data, id_col, time_col, target, settings)
        from autoseq.io.persistence import save

        save(est, out)
        _print_leaderboard(est)
        summary = f"best cv score {est.best_score_:.4f}" if hasattr(est, "best_score_") else ""
        _out().print(f"saved {out}" + (f" ({summary})" if summary else ""))


def _fit_collection(task, df, path, id_col, time_col, target, settings):
    from autoseq.io.datasets import from_long

    value_cols = _value_columns(df, {id_col, time_col, target})
    if not value_cols:
        raise CLIError(f"{path.name} has no numeric value columns besides --id-col, "
                       "--time-col and --target.")
    X, y, _ = from_long(df, id_col, time_col, target, value_cols=value_cols)
    out = _out()
    if task is None:
        task, reason = _infer_task(y)
        out.print(f"task: {task} (inferred from --target {target}: {reason}; "
                  "pass --task to override)")
    else:
        out.print(f"task: {task}")
    _check_task(task, y, target)
    out.print(f"data: {_shape_text(X)} ({', '.join(map(str, value_cols))})")
    est = _estimator_class(task)(**settings)
    from autoseq import _backend

    _backend.keras()
    est.fit(X, y)
    import numpy as np

    # scikit-learn's attribute for the input's column names: predict reads the same channels
    est.feature_names_in_ = np.asarray(value_cols, dtype=object)
    return est


def _time_indexed(df, time_col):
    """Rows in time order, indexed by the time column (dates parsed when they are dates)."""
    import pandas as pd

    times = df[time_col]
    if not pd.api.types.is_numeric_dtype(times):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                times = pd.to_datetime(times)
        except (ValueError, TypeError):
            pass  # an ordinal that is not a date: kept as it is
    return df.assign(**{time_col: times}).sort_values(time_col, kind="stable").set_index(
        time_col)


def _fit_series_task(task, df, path, id_col, time_col, target, horizon, settings):
    """Forecasting and anomaly detection: one series (or a collection for anomaly)."""
    from autoseq.io.datasets import from_long

    cls = _estimator_class(task)
    value_cols = _value_columns(df, {id_col, time_col, target})
    _out().print(f"task: {task}")
    if task == "forecasting":
        _check_task(task, df[target], target)
        if id_col is not None and df[id_col].nunique() > 1:
            raise CLIError(f"--task forecasting fits one series, but --id-col {id_col} names "
                           f"{df[id_col].nunique()}; keep the rows of one series.")
        series = _time_indexed(df, time_col)
        exogenous = series[value_cols] if value_cols else None
        return cls(horizon=horizon, **settings).fit(series[target], X=exogenous)
    if not value_cols:
        raise CLIError(f"{path.name} has no numeric value columns to score.")
    if id_col is None or df[id_col].nunique() == 1:
        stream = _time_indexed(df, time_col)[value_cols]
        return cls(**settings).fit(stream)
    X, _, _ = from_long(df, id_col, time_col, None, value_cols=value_cols)
    return cls(**settings).fit(X)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="Model file written by `autoseq fit`.")],
    data: Annotated[Path, typer.Argument(help="Long-format CSV or Parquet, one row per step.")],
    id_col: Annotated[str, typer.Option(help="Column naming each sequence.")],
    time_col: Annotated[str, typer.Option(help="Column ordering the steps.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV or Parquet file to write (default: CSV on standard "
                            "output).")] = None,
    proba: Annotated[bool, typer.Option(
        "--proba", help="Add one probability column per class (classifiers).")] = False,
):
    """Predict one row per sequence: the id column, then the prediction."""
    with _reported_errors():
        import numpy as np
        import pandas as pd

        if out is not None:
            _check_output(out)
        df = _read_table(data)
        _check_columns(df, data, id_col=id_col, time_col=time_col)
        est = _load_model(model)
        if proba and not hasattr(est, "predict_proba"):
            raise CLIError(f"--proba needs a classifier; {model.name} holds a "
                           f"{type(est).__name__}.")
        if _model_task(est) == "forecasting":
            raise CLIError("`autoseq predict` reads collections of sequences; forecast with "
                           "the Python API (model.predict()).")
        X, _, ids = _sequences_for(est, df, data, id_col, time_col)
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
        _write_table(result, out)
        if out is not None:
            _out().print(f"wrote {len(result)} predictions to {out}")


def _metrics(task: str, y_true, y_pred) -> dict:
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


@app.command()
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model file written by `autoseq fit`.")],
    data: Annotated[Path, typer.Argument(help="Long-format CSV or Parquet with the target.")],
    id_col: Annotated[str, typer.Option(help="Column naming each sequence.")],
    target: Annotated[str, typer.Option(help="Column holding the true target.")],
    time_col: Annotated[str, typer.Option(help="Column ordering the steps.")],
):
    """Score a model on labelled DATA with the task's metrics.

    Classification: accuracy, balanced accuracy, F1 macro. Regression: RMSE, MAE, R2.
    """
    with _reported_errors():
        import numpy as np
        from rich import box
        from rich.table import Table

        df = _read_table(data)
        _check_columns(df, data, id_col=id_col, time_col=time_col, target=target)
        est = _load_model(model)
        task = _model_task(est)
        if task not in ("classification", "regression"):
            raise CLIError(f"`autoseq evaluate` scores classification and regression models; "
                           f"{model.name} holds a {type(est).__name__}.")
        X, y, _ = _sequences_for(est, df, data, id_col, time_col, target)
        if task == "regression":
            _check_task(task, y, target)
        elif not np.isin(np.ravel(y), est.classes_).any():
            raise CLIError(f"None of the values of '{target}' are classes the model knows "
                           f"({', '.join(map(str, est.classes_))}); is it the right column?")
        scores = _metrics(task, y, est.predict(X))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in scores.items():
            table.add_row(name, f"{value:.4f}")
        out = _out()
        out.print(f"{task}: {len(X)} sequences of {data.name}")
        out.print(table)


_SUMMARY_LABELS = {"best": "best candidate", "cv_score": "cv score",
                   "n_features_in": "channels"}


@app.command()
def info(
    model: Annotated[Path, typer.Argument(help="Model file written by `autoseq fit`.")],
    load: Annotated[bool, typer.Option(
        "--load", help="Also load the model to show its leaderboard and parameters (loading "
                       "runs code from the file: only for files you trust).")] = False,
):
    """What a model file holds, read from its header without loading it."""
    with _reported_errors():
        from rich.table import Table

        from autoseq.io import persistence

        _check_file(model, "Model")
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
        out = _out()
        out.print(table)
        if not load:
            out.print("(pass --load to show the leaderboard; loading runs code from the file)",
                      style="dim")
            return
        est = _load_model(model)
        names = getattr(est, "feature_names_in_", None)
        if names is not None:
            out.print(f"channels: {', '.join(map(str, names))}")
        _print_leaderboard(est)


@app.command("architectures")
def architectures_(
    task: Annotated[str | None, typer.Option(help="Only those supporting this task.")] = None,
):
    """One line per registered architecture: name, kind and tasks."""
    with _reported_errors():
        from autoseq.registry import get_architecture, list_architectures

        for name in list_architectures(task):
            arch = get_architecture(name)
            typer.echo(f"{name:<16} {arch.kind:<9} {', '.join(sorted(arch.tasks))}")


def main() -> None:
    """Entry point of the ``autoseq`` console script."""
    app(prog_name="autoseq")


if __name__ == "__main__":
    main()
