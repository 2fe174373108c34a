"""hydra_ridge against rocket_ridge (and both feature sets in one ridge) on archive splits.

Per data set, on its archive train/test split: test accuracy and fit seconds of

rocket_ridge
    :class:`~autoseq.RocketRidgeClassifier` (5,000 kernels, 10,000 features).
hydra_ridge
    :class:`~autoseq.estimators.hydra_ridge.HydraRidgeClassifier` (64 groups of 8).
hydra_sparse
    hydra_ridge with the reference's ``SparseScaler`` on the counts (square root, zeros
    kept at zero) before rocket_ridge's standardise-and-clip.
concat
    one ridge on ROCKET's and Hydra's features side by side:
    :class:`~autoseq.estimators.hydra_ridge.RocketHydraRidgeClassifier` (``rocket_hydra_ridge``).

Each model sits behind ``SequenceScaler`` and ``SequencePadder``, as
``benchmarks/archive.py`` runs ``rocket_ridge``; all with ``random_state=0``. Fit seconds
are cold: each fit traces its own compiled feature function (a search's later folds reuse
it). The sets: GunPoint, ItalyPowerDemand, BasicMotions and JapaneseVowels (the CSVs of
``../shared/data``), then ``--sample`` UCR sets of the archive wheels (see
``benchmarks/archive.py``): the sets in a random order drawn with ``--seed``, the first
ones whose ``(n_train + n_test) * length`` is at most ``--max-cells`` (the 2-core
machine's budget), the published MiniRocket and MultiRocket-Hydra accuracies next to them.

Run (from the repository root; niced on a shared machine)::

    nice -n 10 python benchmarks/hydra_check.py --sample 8 --seed 0
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import DEFAULT_DATA_DIR, UcrCollection, published_figures  # noqa: E402

from autoseq._backend import tensorflow  # noqa: E402
from autoseq.estimators import hydra_ridge, rocket_ridge  # noqa: E402
from autoseq.estimators.hydra_ridge import (  # noqa: E402
    HydraRidgeClassifier,
    RocketHydraRidgeClassifier,
)
from autoseq.estimators.rocket_ridge import RocketRidgeClassifier  # noqa: E402

CSV_SETS = ("GunPoint", "ItalyPowerDemand", "BasicMotions", "JapaneseVowels")
MODELS = ("rocket_ridge", "hydra_ridge", "hydra_sparse", "concat")


class _SparseHydraRidgeClassifier(HydraRidgeClassifier):
    """Hydra's counts through the reference's ``SparseScaler`` (square root of the counts
    clamped at 0, centred and scaled with an epsilon that grows with the share of zeros,
    zeros kept at zero), then rocket_ridge's head (standardise, clip, ridge)."""

    def _fit_features(self, X):
        self.sparse_ = None  # the scaler's statistics, from the training features
        return super()._fit_features(X)

    def _features(self, seqs):
        features = np.sqrt(np.maximum(super()._features(seqs), 0.0))
        if self.sparse_ is None:
            epsilon = (features == 0).mean(axis=0) ** 4 + 1e-8
            self.sparse_ = features.mean(axis=0), features.std(axis=0, ddof=1) + epsilon
        mu, sigma = self.sparse_
        return (features - mu) * (features != 0) / sigma


def _model(name):
    from sklearn.pipeline import Pipeline

    from autoseq import SequencePadder, SequenceScaler

    model = {"rocket_ridge": RocketRidgeClassifier, "hydra_ridge": HydraRidgeClassifier,
             "hydra_sparse": _SparseHydraRidgeClassifier,
             "concat": RocketHydraRidgeClassifier}[name](random_state=0)
    return Pipeline([("scaler", SequenceScaler()), ("padder", SequencePadder()),
                     ("model", model)])


def _score(name, X_train, y_train, X_test, y_test):
    """Test accuracy and fit seconds; every fit traces its own feature function (cold)."""
    rocket_ridge._extractor.cache_clear()
    hydra_ridge._extractor.cache_clear()
    model = _model(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(X_test) == y_test))
    return {"acc": accuracy, "fit_s": fit_s}


def _length(X):
    return max(len(s) for s in X) if isinstance(X, list) else np.shape(X)[1]


def data_sets(sample: int, seed: int, max_cells: float):
    """``(name, X_train, y_train, X_test, y_test)``: the CSV sets, then the UCR sample."""
    from autoseq import load_dataset

    for name in CSV_SETS:
        yield (name, *load_dataset(name, "train"), *load_dataset(name, "test"))
    ucr = UcrCollection(DEFAULT_DATA_DIR)
    items = [item for item in ucr.items() if item not in CSV_SETS]
    taken = 0
    for i in np.random.default_rng(seed).permutation(len(items)):
        if taken == sample:
            break
        X_train, y_train, X_test, y_test, _ = ucr.load(items[i])
        cells = (len(y_train) + len(y_test)) * max(_length(X_train), _length(X_test))
        if cells <= max_cells:
            taken += 1
            yield items[i], X_train, y_train, X_test, y_test


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=8, help="UCR sets beyond the four")
    parser.add_argument("--seed", type=int, default=0, help="seed of the UCR sample")
    parser.add_argument("--max-cells", type=float, default=400_000,
                        help="largest (n_train + n_test) * length of a UCR set taken")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--out", type=Path, help="also write the rows as JSON lines here")
    args = parser.parse_args(argv)

    tensorflow()  # imported before any clock starts
    published = published_figures()
    rows = []
    header = ["data set", "n_train", "length"] + [f"{m} acc" for m in args.models] + [
        f"{m} fit_s" for m in args.models] + ["MiniRocket", "MR-Hydra"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header), flush=True)
    for name, X_train, y_train, X_test, y_test in data_sets(args.sample, args.seed,
                                                            args.max_cells):
        row = {"data_set": name, "n_train": len(y_train), "length": _length(X_train)}
        for model in args.models:
            row[model] = _score(model, X_train, y_train, X_test, y_test)
        row["published"] = published.get(name, {})
        rows.append(row)
        if args.out:
            with open(args.out, "a") as f:
                f.write(json.dumps(row) + "\n")
        cells = [name, str(row["n_train"]), str(row["length"])]
        cells += [f"{row[m]['acc']:.3f}" for m in args.models]
        cells += [f"{row[m]['fit_s']:.1f}" for m in args.models]
        cells += [f"{row['published'][p]:.3f}" if p in row["published"] else "-"
                  for p in ("MiniRocket", "MR-Hydra")]
        print("| " + " | ".join(cells) + " |", flush=True)
    mean = ["**mean**", "", ""]
    mean += [f"{np.mean([r[m]['acc'] for r in rows]):.3f}" for m in args.models]
    mean += [f"{np.mean([r[m]['fit_s'] for r in rows]):.1f}" for m in args.models]
    mean += ["", ""]
    print("| " + " | ".join(mean) + " |")
    for a, b in (("hydra_ridge", "rocket_ridge"), ("concat", "rocket_ridge"),
                 ("hydra_sparse", "hydra_ridge")):
        if a in args.models and b in args.models:
            diff = np.array([r[a]["acc"] - r[b]["acc"] for r in rows])
            print(f"{a} vs {b}: wins {int((diff > 0).sum())}, ties {int((diff == 0).sum())}, "
                  f"losses {int((diff < 0).sum())}, mean difference {diff.mean():+.3f}")


if __name__ == "__main__":
    main()
