"""Data helpers: long-format tables to sequences, the bundled demo set, and the
benchmark archive in ``../shared/data`` when it is present."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

BUNDLED = {"gunpoint": "gunpoint"}
ARCHIVE_ENV = "AUTOSEQ_DATA"


def from_long(df: pd.DataFrame, id_col: str, time_col: str, target: str | None = None,
              value_cols: list[str] | None = None):
    """Turn a long table (one row per time step) into sequences and targets.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (sequence, time step).
    id_col : str
        Column naming the sequence each row belongs to.
    time_col : str
        Column ordering the steps within a sequence.
    target : str, optional
        Column holding the sequence's target (constant within a sequence) or,
        when it varies within sequences, one label per step.
    value_cols : list of str, optional
        Channel columns; by default every other numeric column.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_steps, n_channels) or list of ndarray
        A list when the sequences have different lengths.
    y : ndarray or None
        One target per sequence, or ``(n_sequences, n_steps)`` per-step labels.
    ids : ndarray
        The sequence ids, in the order of ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> from autoseq import from_long
    >>> df = pd.DataFrame({"id": [1, 1, 2, 2], "t": [0, 1, 0, 1],
    ...                    "v": [0.1, 0.2, 0.3, 0.4], "label": ["a", "a", "b", "b"]})
    >>> X, y, ids = from_long(df, "id", "t", "label")
    >>> X.shape, list(y)
    ((2, 2, 1), ['a', 'b'])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"from_long expects a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in (id_col, time_col, target) if c is not None and c not in df.columns]
    if missing:
        raise ValueError(
            f"Column(s) {missing} not found; the table has columns {list(df.columns)}."
        )
    if value_cols is None:
        skip = {id_col, time_col, target}
        value_cols = [c for c in df.columns
                      if c not in skip and pd.api.types.is_numeric_dtype(df[c])]
    if not value_cols:
        raise ValueError("No numeric value columns found; pass value_cols=[...].")
    df = df.sort_values([id_col, time_col], kind="stable")
    groups = df.groupby(id_col, sort=False)
    ids = np.array(list(groups.groups))
    seqs = [g[value_cols].to_numpy(dtype=np.float64) for _, g in groups]
    X = np.stack(seqs) if len({len(s) for s in seqs}) == 1 else seqs
    y = None
    if target is not None:
        per_seq = groups[target].nunique(dropna=False)
        if (per_seq <= 1).all():
            y = groups[target].first().to_numpy()
        else:
            y = np.stack([g[target].to_numpy() for _, g in groups])
    return X, y, ids


def archive_path(name: str | None = None) -> Path | None:
    """The benchmark archive folder (``$AUTOSEQ_DATA`` or ``../shared/data``), if present."""
    candidates = [os.environ.get(ARCHIVE_ENV), Path.cwd() / ".." / "shared" / "data",
                  Path(__file__).resolve().parents[2] / "shared" / "data"]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c) / name if name else Path(c)
    return None


def load_dataset(name: str, split: str = "train"):
    """Load a collection data set as ``(X, y)``.

    ``"gunpoint"`` ships inside autoseq (the demo). The other UCR/UEA sets
    (``"ItalyPowerDemand"``, ``"BasicMotions"``, ``"JapaneseVowels"``,
    ``"Covid3Month"``) are read from the benchmark archive when it is present.

    Parameters
    ----------
    name : str
    split : {"train", "test"}

    Returns
    -------
    X : ndarray or list of ndarray
    y : ndarray
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    if name.lower() in BUNDLED:
        ref = resources.files("autoseq") / "_data" / f"{BUNDLED[name.lower()]}_{split}.csv.gz"
        with resources.as_file(ref) as path:
            df = pd.read_csv(path)
    else:
        folder = archive_path(name)
        if folder is None or not (folder / f"{split}.csv").is_file():
            raise FileNotFoundError(
                f"Data set '{name}' is not bundled and no archive copy was found "
                f"(looked for {ARCHIVE_ENV} and ../shared/data/{name}/{split}.csv)."
            )
        df = pd.read_csv(folder / f"{split}.csv")
    target = "label" if "label" in df.columns else "target"
    X, y, _ = from_long(df, "series_id", "step", target)
    return X, y
