"""Search wall time: AutoSeqClassifier vs a plain GridSearchCV over scikeras.

Same data (GunPoint, archive train/test split), same grid (LSTM and GRU x 16 and
64 units), same folds (stratified 3-fold, shuffled with seed 0), same epoch
cap (50). The scikeras side is what a user writes by hand: a build function, a
KerasClassifier, GridSearchCV with refit. The autoseq side is
``AutoSeqClassifier`` with that grid (scaling, early stopping and the compiled
predict path included), as a grid search and with ``search="halving"``. Times
include the refit of the best candidate; accuracy is on the test split.

Run: ``python benchmarks/search_time.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

try:
    from benchmarks._common import quiet_tensorflow, save
except ModuleNotFoundError:  # run as a script
    from _common import quiet_tensorflow, save

UNITS = [16, 64]
CELLS = ["LSTM", "GRU"]


def _build(meta, cell="LSTM", units=16):
    keras = quiet_tensorflow()
    inputs = keras.Input(shape=meta["X_shape_"][1:])
    x = getattr(keras.layers, cell)(units)(inputs)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def scikeras_grid(X, y, X_test, y_test, cv, epochs):
    from scikeras.wrappers import KerasClassifier
    from sklearn.model_selection import GridSearchCV

    clf = KerasClassifier(model=_build, model__cell="LSTM", model__units=16, epochs=epochs,
                          verbose=0, random_state=0)
    grid = GridSearchCV(clf, {"model__cell": CELLS, "model__units": UNITS}, cv=cv)
    t0 = time.perf_counter()
    grid.fit(X, y)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "test_accuracy": float(grid.score(X_test, y_test)),
            "cv_score": float(grid.best_score_), "best": str(grid.best_params_)}


def autoseq_search(X, y, X_test, y_test, cv, epochs, search="grid"):
    from autoseq import AutoSeqClassifier

    clf = AutoSeqClassifier(architectures=["lstm", "gru"], search=search, cv=cv,
                            param_grid={"lstm": {"units": UNITS, "dropout": [0.0]},
                                        "gru": {"units": UNITS}},
                            max_epochs=epochs, baselines=False, ensemble=False,
                            random_state=0)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "search_s": clf.search_time_, "refit_s": clf.refit_time_,
            "test_accuracy": float(np.mean(clf.predict(X_test) == y_test)),
            "cv_score": float(clf.best_score_), "n_rows": len(clf.leaderboard_),
            "best": f"{clf.leaderboard_.iloc[0]['architecture']} "
                    f"{clf.leaderboard_.iloc[0]['params']}"}


def run(quick: bool = False) -> dict:
    from sklearn.model_selection import StratifiedKFold

    from autoseq.io.datasets import archive_path, load_dataset

    if archive_path("GunPoint") is None:
        return {"skipped": "../shared/data/GunPoint not found"}
    quiet_tensorflow()
    epochs = 10 if quick else 50
    X, y = load_dataset("GunPoint", "train")
    X_test, y_test = load_dataset("GunPoint", "test")
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    out = {"setup": f"GunPoint, LSTM/GRU x {UNITS} units, 3 folds, {epochs} epochs max",
           "scikeras GridSearchCV": scikeras_grid(X, y, X_test, y_test, cv, epochs)}
    print("[search_time] scikeras", out["scikeras GridSearchCV"], flush=True)
    out["AutoSeqClassifier (grid)"] = autoseq_search(X, y, X_test, y_test, cv, epochs)
    print("[search_time] autoseq grid", out["AutoSeqClassifier (grid)"], flush=True)
    out["AutoSeqClassifier (halving)"] = autoseq_search(X, y, X_test, y_test, cv, epochs,
                                                        "halving")
    print("[search_time] autoseq halving", out["AutoSeqClassifier (halving)"], flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(save("search_time", run(args.quick)))


if __name__ == "__main__":
    main()
