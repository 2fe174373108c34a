"""Scale-out: one search, run locally (n_jobs=1), in local processes (n_jobs=2) and on Dask.

The same AutoSeqClassifier grid (GRU and LSTM x 8 and 16 units, stratified
3-fold CV, 20 epochs max, ItalyPowerDemand's training split) is searched

* locally, one fit after the other (``n_jobs=1``);
* in 2 local processes (``n_jobs=2``, joblib's loky backend), as search.py does
  today (one candidate per batch: only its folds run in parallel) and with
  candidates batched to fill the workers
  (:func:`autoseq.model_selection.distributed.candidate_batch_size`, the change proposed for
  search.py);
* on a Dask LocalCluster of 2 worker processes x 1 thread
  (``joblib.parallel_backend("dask", scatter=[X, y])``, TensorFlow capped at one
  thread per task by :func:`autoseq.model_selection.distributed.setup_dask`), batched.

Wall times include the refit of the best candidate (always local); the CV
scores of the runs are compared to show they are the same search.

Run: ``python benchmarks/scaleout.py [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import time
import warnings
from unittest import mock

import numpy as np

try:
    from benchmarks._common import quiet_tensorflow, save
except ModuleNotFoundError:  # run as a script
    from _common import quiet_tensorflow, save


@contextlib.contextmanager
def batched_candidates():
    """search.py with the proposed change: batch size from n_jobs and the joblib backend."""
    from autoseq.model_selection.distributed import candidate_batch_size
    from autoseq.model_selection.search import CandidateSearch

    original = CandidateSearch._run_search

    def run_search(self, evaluate_candidates):
        self.batch_size = candidate_batch_size(self.n_jobs, self.n_splits_)
        return original(self, evaluate_candidates)

    with mock.patch.object(CandidateSearch, "_run_search", run_search):
        yield


def _search(n_jobs, epochs, cv):
    from autoseq import AutoSeqClassifier

    return AutoSeqClassifier(architectures=["gru", "lstm"], cv=cv, max_epochs=epochs,
                             param_grid={"gru": {"units": [8, 16]},
                                         "lstm": {"units": [8, 16], "dropout": [0.0]}},
                             baselines=False, ensemble=False, random_state=0, n_jobs=n_jobs)


def _timed(clf, X, y):
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    return {"wall_s": time.perf_counter() - t0, "search_s": clf.search_time_,
            "cv_scores": [float(s) for s in clf.cv_results_["mean_test_score"]]}


def run(quick: bool = False) -> dict:
    import joblib
    from sklearn.model_selection import StratifiedKFold

    from autoseq.io.datasets import archive_path, load_dataset
    from autoseq.model_selection.distributed import prepare_data, setup_dask

    if archive_path("ItalyPowerDemand") is None:
        return {"skipped": "../shared/data/ItalyPowerDemand not found"}
    quiet_tensorflow()
    epochs = 5 if quick else 20
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    X, y = prepare_data(_search(1, epochs, cv), *load_dataset("ItalyPowerDemand", "train"))
    out = {"setup": f"ItalyPowerDemand train ({len(X)} sequences), GRU/LSTM x 8/16 units, "
                    f"3 folds, {epochs} epochs max: 4 candidates x 3 folds = 12 fits"}
    out["local, n_jobs=1"] = _timed(_search(1, epochs, cv), X, y)
    print("[scaleout] n_jobs=1", out["local, n_jobs=1"]["wall_s"], flush=True)
    # warm the process pool (each worker imports TensorFlow once) outside the timing
    _timed(_search(2, 1, cv), X, y)
    out["local processes, n_jobs=2 (folds only)"] = _timed(_search(2, epochs, cv), X, y)
    with batched_candidates():
        out["local processes, n_jobs=2 (candidates batched)"] = _timed(
            _search(2, epochs, cv), X, y)
    print("[scaleout] n_jobs=2 done", flush=True)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        setup_dask(client, n_threads=1)
        with joblib.parallel_backend("dask", scatter=[X, y]), batched_candidates():
            _timed(_search(-1, 1, cv), X, y)  # warm-up: first task per worker
            out["Dask, 2 workers x 1 thread (candidates batched)"] = _timed(
                _search(-1, epochs, cv), X, y)
    print("[scaleout] dask done", flush=True)
    ref = np.array(out["local, n_jobs=1"]["cv_scores"])
    for value in out.values():
        if isinstance(value, dict):
            value["same_cv_scores_as_local"] = bool(np.allclose(value["cv_scores"], ref))
            value["speed_up"] = out["local, n_jobs=1"]["wall_s"] / value["wall_s"]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(save("scaleout", run(args.quick)))


if __name__ == "__main__":
    main()
