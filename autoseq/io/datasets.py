"""Data helpers: long-format tables to sequences, the small real data sets bundled
with autoseq (one per problem kind), and the benchmark archive in ``../shared/data``
when it is present."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

# collections of sequences bundled with the package: lower-case name -> file stem
BUNDLED = {"gunpoint": "gunpoint", "covid3month": "covid3month"}
SERIES = ("airline",)
STREAMS = ("kdd_tsad_135",)
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
                  Path(__file__).resolve().parents[3] / "shared" / "data"]
    for c in candidates:
        if c and Path(c).is_dir():
            return Path(c) / name if name else Path(c)
    return None


def load_dataset(name: str, split: str = "train"):
    """Load a collection data set as ``(X, y)``, on the archive's own train/test split.

    ``"gunpoint"`` (classification, 50 / 150 sequences of 150 steps) and
    ``"covid3month"`` (regression, 140 / 61 sequences of 84 steps) ship inside
    autoseq. The other UCR/UEA sets (``"ItalyPowerDemand"``, ``"BasicMotions"``,
    ``"JapaneseVowels"``) are read from the benchmark archive when it is present.

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
        df = _bundled(f"{BUNDLED[name.lower()]}_{split}")
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


def load_series(name: str = "airline") -> pd.Series:
    """Load a bundled series for forecasting.

    ``"airline"``: monthly international airline passengers, 1949-1960 (144
    values, Box & Jenkins), on a monthly ``PeriodIndex``. The usual test is
    the last 12 months.

    Parameters
    ----------
    name : {"airline"}

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> from autoseq.io.datasets import load_series
    >>> y = load_series("airline")
    >>> len(y), str(y.index[0]), int(y.iloc[0])
    (144, '1949-01', 112)
    """
    if name.lower() not in SERIES:
        raise ValueError(f"Unknown series {name!r}; bundled: {', '.join(SERIES)}.")
    df = _bundled(name.lower())
    index = pd.PeriodIndex(df["Date"], freq="M", name="month")
    return pd.Series(df["Passengers"].to_numpy(dtype=float), index=index, name="passengers")


def load_stream(name: str = "kdd_tsad_135", split: str = "test"):
    """Load a bundled labelled stream for anomaly detection.

    ``"kdd_tsad_135"``: series 135 of the UCR anomaly archive (KDD Cup 2021):
    1,200 anomaly-free training points and a 7,501-point test stream with one
    labelled anomalous stretch. The archive's score: the lowest anomaly score
    lies within 100 rows of the labelled stretch.

    Parameters
    ----------
    name : {"kdd_tsad_135"}
    split : {"train", "test"}

    Returns
    -------
    stream : pandas.Series
        One value per row.
    is_anomaly : ndarray of bool
        The label of each row (all False in the training part).

    Examples
    --------
    >>> from autoseq.io.datasets import load_stream
    >>> stream, is_anomaly = load_stream("kdd_tsad_135", "test")
    >>> len(stream), int(is_anomaly.sum()) > 0
    (7501, True)
    """
    if name.lower() not in STREAMS:
        raise ValueError(f"Unknown stream {name!r}; bundled: {', '.join(STREAMS)}.")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    df = _bundled(f"{name.lower()}_{split}")
    return (pd.Series(df["value"].to_numpy(dtype=float), name="value"),
            df["is_anomaly"].to_numpy().astype(bool))


def load_text(n_characters: int | None = None) -> str:
    """Real English prose for next-token models: the descriptions of scikit-learn's
    bundled data sets (iris, wine, breast cancer, diabetes, digits, linnerud), with
    white space folded; about 13,000 characters.

    Parameters
    ----------
    n_characters : int, optional
        Keep the first ``n_characters`` only.

    Returns
    -------
    str

    Examples
    --------
    >>> from autoseq.io.datasets import load_text
    >>> len(load_text(5000))
    5000
    """
    from sklearn import datasets

    loaders = (datasets.load_iris, datasets.load_wine, datasets.load_breast_cancer,
               datasets.load_diabetes, datasets.load_digits, datasets.load_linnerud)
    text = " ".join(" ".join(loader().DESCR.split()) for loader in loaders)
    return text if n_characters is None else text[:n_characters]


def _bundled(stem: str) -> pd.DataFrame:
    ref = resources.files("autoseq") / "_data" / f"{stem}.csv.gz"
    with resources.as_file(ref) as path:
        return pd.read_csv(path)
