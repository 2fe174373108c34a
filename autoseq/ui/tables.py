"""The tables the ``autoseq`` command reads and writes: CSV or Parquet, long format.

A long table has one row per time step: a column naming the sequence, a
column ordering its steps, to fit or evaluate a target column, and one
numeric column per channel. pandas is imported on first use.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import typer

from autoseq.ui.console import CLIError

__all__ = [
    "check_columns",
    "check_file",
    "check_output",
    "is_csv",
    "is_parquet",
    "read_table",
    "time_indexed",
    "value_columns",
    "write_table",
]


def is_parquet(path: Path) -> bool:
    """Whether ``path`` names a Parquet file (``.parquet``, ``.pq``).

    Examples
    --------
    >>> is_parquet(Path("steps.PARQUET")), is_parquet(Path("steps.csv"))
    (True, False)
    """
    return path.suffix.lower() in (".parquet", ".pq")


def is_csv(path: Path) -> bool:
    """Whether ``path`` names a CSV or TSV file, compressed or not.

    Examples
    --------
    >>> [is_csv(Path(name)) for name in ("a.csv", "a.tsv.gz", "a.txt", "a.json")]
    [True, True, True, False]
    """
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    return bool(suffixes) and (suffixes[-1] in (".csv", ".tsv", ".txt") or (
        len(suffixes) == 2 and suffixes[0] in (".csv", ".tsv") and suffixes[1] in (
            ".gz", ".bz2", ".zip", ".xz", ".zst")))


def check_file(path: Path, what: str) -> None:
    """Refuse a ``path`` that is not an existing file; ``what`` names it ("Data")."""
    if not path.exists():
        raise CLIError(f"{what} file not found: {path}")
    if not path.is_file():
        raise CLIError(f"{what} is not a file: {path}")


def read_table(path: Path):
    """The table in a CSV (.csv, .tsv, compressed) or Parquet file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    CLIError
        If the file is missing, of another kind, or not readable as its kind.
    """
    import pandas as pd

    check_file(path, "Data")
    if is_parquet(path):
        try:
            return pd.read_parquet(path)
        except ImportError as exc:
            raise CLIError("Reading Parquet needs pyarrow: pip install pyarrow") from exc
    if not is_csv(path):
        raise CLIError(f"Cannot read {path.name}: data must be CSV (.csv, .tsv, .csv.gz) "
                       "or Parquet (.parquet).")
    try:
        return pd.read_csv(path, sep="\t" if ".tsv" in path.suffixes else ",")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"Cannot read {path} as CSV: {str(exc).strip()}") from exc


def check_output(path: Path) -> None:
    """Refuse an output path before any work is done."""
    if not path.parent.is_dir():
        raise CLIError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise CLIError(f"Cannot write {path}: it is a folder.")


def write_table(df, path: Path | None) -> None:
    """Write ``df`` as CSV or Parquet, chosen by the suffix; CSV on stdout for None."""
    if path is None:
        typer.echo(df.to_csv(index=False), nl=False)
        return
    if is_parquet(path):
        try:
            df.to_parquet(path, index=False)
        except ImportError as exc:
            raise CLIError("Writing Parquet needs pyarrow: pip install pyarrow") from exc
    elif is_csv(path):
        df.to_csv(path, index=False, sep="\t" if ".tsv" in path.suffixes else ",")
    else:
        raise CLIError(f"Cannot write {path.name}: the output must be .csv, .tsv, .csv.gz "
                       "or .parquet.")


def check_columns(df, path: Path, **options) -> None:
    """Each ``--option=column`` (a keyword argument; None: not given) must be a column."""
    for option, column in options.items():
        if column is not None and column not in df.columns:
            columns = ", ".join(map(str, df.columns))
            raise CLIError(f"Column '{column}' (--{option.replace('_', '-')}) not found in "
                           f"{path.name}; its columns are: {columns}.")


def value_columns(df, exclude) -> list[str]:
    """The numeric columns of ``df`` not in ``exclude``: the channels."""
    import pandas as pd

    return [c for c in df.columns
            if c not in exclude and pd.api.types.is_numeric_dtype(df[c])]


def time_indexed(df, time_col):
    """Rows in time order, indexed by the time column (dates parsed when they are dates).

    Parameters
    ----------
    df : pandas.DataFrame
    time_col : str

    Returns
    -------
    pandas.DataFrame
        Sorted stably by ``time_col``, which becomes the index.
    """
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
