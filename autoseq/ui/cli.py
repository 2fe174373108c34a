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

This module declares the options; :mod:`autoseq.ui.commands` does the work,
with :mod:`~autoseq.ui.tables` (reading and writing tables),
:mod:`~autoseq.ui.tasks` (the task and its settings),
:mod:`~autoseq.ui.models` (model files) and :mod:`~autoseq.ui.console`
(output and errors).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from autoseq.ui import commands
from autoseq.ui.console import CLIError, reported_errors, set_debug

__all__ = ["CLIError", "Task", "app", "main"]

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

MODEL_FILE = "Model file written by `autoseq fit`."
LONG_TABLE = "Long-format CSV or Parquet, one row per step."


class Task(str, Enum):
    """The tasks ``autoseq fit --task`` accepts."""

    classification = "classification"
    regression = "regression"
    forecasting = "forecasting"
    anomaly = "anomaly"


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks and TensorFlow's own log messages.")] = False,
):
    set_debug(debug)


@app.command()
def demo(
    full: Annotated[bool, typer.Option(
        "--full", help="No time budget: try every candidate (minutes) instead of about a "
                       "minute's worth.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
):
    """Find a classifier for the bundled GunPoint data and score it on its test split."""
    with reported_errors():
        commands.demo(full=full, quiet=quiet)


@app.command()
def fit(
    data: Annotated[Path, typer.Argument(help=LONG_TABLE)],
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
    with reported_errors():
        commands.fit(data=data, out=out, time_col=time_col, target=target, id_col=id_col,
                     task=None if task is None else task.value, time_budget=time_budget,
                     architectures=architectures, max_epochs=max_epochs,
                     random_state=random_state, horizon=horizon, quiet=quiet)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help=MODEL_FILE)],
    data: Annotated[Path, typer.Argument(help=LONG_TABLE)],
    id_col: Annotated[str, typer.Option(help="Column naming each sequence.")],
    time_col: Annotated[str, typer.Option(help="Column ordering the steps.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV or Parquet file to write (default: CSV on standard "
                            "output).")] = None,
    proba: Annotated[bool, typer.Option(
        "--proba", help="Add one probability column per class (classifiers).")] = False,
):
    """Predict one row per sequence: the id column, then the prediction."""
    with reported_errors():
        commands.predict(model=model, data=data, id_col=id_col, time_col=time_col, out=out,
                         proba=proba)


@app.command()
def evaluate(
    model: Annotated[Path, typer.Argument(help=MODEL_FILE)],
    data: Annotated[Path, typer.Argument(help="Long-format CSV or Parquet with the target.")],
    id_col: Annotated[str, typer.Option(help="Column naming each sequence.")],
    target: Annotated[str, typer.Option(help="Column holding the true target.")],
    time_col: Annotated[str, typer.Option(help="Column ordering the steps.")],
):
    """Score a model on labelled DATA with the task's metrics.

    Classification: accuracy, balanced accuracy, F1 macro. Regression: RMSE, MAE, R2.
    """
    with reported_errors():
        commands.evaluate(model=model, data=data, id_col=id_col, target=target,
                          time_col=time_col)


@app.command()
def info(
    model: Annotated[Path, typer.Argument(help=MODEL_FILE)],
    load: Annotated[bool, typer.Option(
        "--load", help="Also load the model, to check that it loads and show what the header "
                       "lacks (loading runs code from the file: only for files you "
                       "trust).")] = False,
):
    """What a model file holds, read from its header without loading it."""
    with reported_errors():
        commands.info(model=model, load=load)


@app.command("architectures")
def architectures_(
    task: Annotated[str | None, typer.Option(help="Only those supporting this task.")] = None,
):
    """One line per registered architecture: name, kind and tasks."""
    with reported_errors():
        commands.architectures(task=task)


def main() -> None:
    """Entry point of the ``autoseq`` console script."""
    app(prog_name="autoseq")


if __name__ == "__main__":
    main()
