"""Model files for the ``autoseq`` command: loading them, feeding them, showing them."""

from __future__ import annotations

from pathlib import Path

from autoseq.ui.console import CLIError, stdout_console
from autoseq.ui.tables import check_file, value_columns

__all__ = ["load_model", "print_leaderboard", "sequences_for", "shape_text"]


def load_model(path: Path):
    """The estimator in a model file written by :func:`autoseq.save`.

    TensorFlow is imported quietly first, since unpickling a Keras model needs it.

    Raises
    ------
    CLIError
        If ``path`` is not a file.
    autoseq.io.persistence.PersistenceError
        If the file is not an intact model file.
    """
    from autoseq import _backend
    from autoseq.io import persistence

    check_file(path, "Model")
    _backend.keras()
    return persistence.load(path)


def sequences_for(model, df, path: Path, id_col: str, time_col: str, target=None):
    """``(X, y, ids)`` from a long table, with the channels the model was trained on.

    The channels are the model's ``feature_names_in_`` when it has them (a
    model fitted by ``autoseq fit``), else every numeric column but the id,
    time and target columns, as many as the model's ``n_features_in_``.

    Raises
    ------
    CLIError
        If the table lacks a channel, or has another number of them.
    """
    from autoseq.io.datasets import from_long

    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        value_cols = [str(c) for c in names]
        missing = [c for c in value_cols if c not in df.columns]
        if missing:
            raise CLIError(f"{path.name} lacks the channel column(s) {missing} the model was "
                           f"trained on; its columns are: {', '.join(map(str, df.columns))}.")
    else:
        value_cols = value_columns(df, {id_col, time_col, target})
        expected = getattr(model, "n_features_in_", None)
        if expected is not None and len(value_cols) != expected:
            raise CLIError(f"The model expects {expected} channel(s); {path.name} has "
                           f"{len(value_cols)} numeric value column(s): {value_cols}.")
    return from_long(df, id_col, time_col, target, value_cols=value_cols)


def shape_text(X) -> str:
    """How many sequences, steps and channels ``X`` holds, in words.

    Examples
    --------
    >>> import numpy as np
    >>> shape_text(np.zeros((4, 10, 2)))
    '4 sequences x 10 steps x 2 channel(s)'
    >>> shape_text([np.zeros((3, 1)), np.zeros((5, 1))])
    '2 sequences of 3 to 5 steps x 1 channel(s)'
    """
    if isinstance(X, list):
        lengths = [len(x) for x in X]
        return (f"{len(X)} sequences of {min(lengths)} to {max(lengths)} steps x "
                f"{X[0].shape[-1]} channel(s)")
    return f"{X.shape[0]} sequences x {X.shape[1]} steps x {X.shape[2]} channel(s)"


def print_leaderboard(board, rows: int = 10) -> None:
    """Print a leaderboard (a DataFrame, or a saved report's list of rows) if there is one.

    Parameters
    ----------
    board : pandas.DataFrame, list of dict or None
        An estimator's ``leaderboard_``, or the ``leaderboard`` of the
        report in a model file's header; None prints nothing.
    rows : int, default=10
        The rows shown; a last line says how many were left out.
    """
    if board is None:
        return
    import pandas as pd

    from autoseq.model_selection.progress import format_leaderboard

    if not isinstance(board, pd.DataFrame):  # JSON rows: null for a missing number
        board = pd.DataFrame(list(board))
        for column in ("rank", "mean_score", "std_score", "fit_time"):
            if column in board:
                board[column] = pd.to_numeric(board[column], errors="coerce")
    if len(board):
        stdout_console().print(format_leaderboard(board, max_rows=rows, title="leaderboard"))
