"""Scale-out: the search on Dask and Ray workers (autoseq.model_selection.distributed)."""

import logging
import os
import signal
import threading
import time
from pathlib import Path

import joblib
import numpy as np
import pytest

from autoseq import AutoSeqClassifier
from autoseq.model_selection.distributed import (
    TensorFlowWorkerSetup,
    limit_tensorflow_threads,
    prepare_data,
    ray_runtime_env,
    setup_dask,
    threads_per_task,
)

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")


def _pid_recorder(path):
    """A Keras callback (a local class: cloudpickle ships it by value) noting the fit's pid."""
    from autoseq._backend import keras

    class PidRecorder(keras().callbacks.Callback):
        def __init__(self, path):
            super().__init__()
            self.path = str(path)

        def on_train_begin(self, logs=None):
            with open(self.path, "a") as f:
                f.write(f"{os.getpid()}\n")

    return PidRecorder(path)


def _pids(path):
    return {int(p) for p in Path(path).read_text().split()} if Path(path).exists() else set()


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 6, 1))
    return X, (X.mean(axis=(1, 2)) > 0).astype(int)


def _search(record_to=None, n_jobs=-1):
    extra = {"model__callbacks": [[_pid_recorder(record_to)]]} if record_to else {}
    return AutoSeqClassifier(
        architectures=["gru", "simple_rnn"], max_epochs=3, cv=2, random_state=0,
        param_grid={"gru": {"units": [4], **extra}, "simple_rnn": {"units": [4], **extra}},
        n_jobs=n_jobs)


def _summary(clf):
    res = clf.cv_results_
    names = [getattr(p.get("model__architecture"), "name", type(p.get("model")).__name__)
             for p in res["params"]]
    return names, np.asarray(res["mean_test_score"], dtype=float)


def _fold_scores(clf):
    res = clf.cv_results_
    return np.column_stack([res[f"split{k}_test_score"] for k in range(clf.n_splits_)])


def _seeded_fit(X, y):
    """One small seeded fit, run here or as a task on a worker: its probabilities."""
    from autoseq import SeqClassifier, get_architecture

    clf = SeqClassifier(get_architecture("gru", units=4), epochs=3, batch_size=8,
                        random_state=0).fit(X, y)
    return clf.predict_proba(X)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    with Client(cluster) as client:
        yield client
    cluster.close()


def test_threads_per_task():
    assert threads_per_task(16, 4) == 4
    assert threads_per_task(2, 3) == 1
    assert threads_per_task(8, 0) == 8


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_thread_counts_are_checked(bad):
    with pytest.raises(ValueError, match="n_threads must be a positive integer"):
        limit_tensorflow_threads(bad)
    with pytest.raises(ValueError, match="n_threads must be a positive integer"):
        ray_runtime_env(bad)


def test_ray_runtime_env_caps_threads():
    env = ray_runtime_env(3)["env_vars"]
    assert env["TF_NUM_INTRAOP_THREADS"] == "3" and env["OMP_NUM_THREADS"] == "3"
    assert env["TF_NUM_INTEROP_THREADS"] == "2"


def test_prepare_data_returns_what_the_search_passes_on():
    clf = AutoSeqClassifier()
    X, y = prepare_data(clf, np.zeros((6, 5)).tolist(), [0, 1] * 3)
    assert X.shape == (6, 5, 1)
    X2, y2 = clf._make_task().check_input(X, y)
    assert X2 is X and y2 is y  # identical objects: joblib finds them among the scattered
    with pytest.raises(TypeError, match="needs an AutoSeq search estimator"):
        prepare_data(object(), X, y)


def test_worker_plugin_caps_threads_on_every_worker(client):
    threads = setup_dask(client, n_threads=1)
    assert set(threads) == set(client.scheduler_info()["workers"])
    assert set(threads.values()) == {1}
    assert TensorFlowWorkerSetup().name in str(client.run(lambda dask_worker: list(
        dask_worker.plugins)))


def test_a_seeded_fit_on_a_worker_equals_the_local_fit(client):
    # the search's promise in small: a task with the same random_state builds and trains
    # the same network on a worker process as here (see docs/scale-out.md)
    setup_dask(client, n_threads=1)
    X, y = _data()
    local = _seeded_fit(X, y)
    on_workers = client.gather([client.submit(_seeded_fit, X, y, pure=False, workers=[w])
                                for w in client.scheduler_info()["workers"]])
    for remote in on_workers:
        np.testing.assert_array_equal(remote, local)


def test_candidate_batch_size_fills_the_workers():
    from autoseq.model_selection.distributed import candidate_batch_size

    assert candidate_batch_size(1, 3) == 1
    assert candidate_batch_size(None, 3) == 1  # sequential outside a backend context
    assert candidate_batch_size(2, 3) == 2  # 6 fits: three full waves on 2 workers
    assert candidate_batch_size(8, 2) == 8
    with joblib.parallel_backend("threading", n_jobs=4):
        assert candidate_batch_size(None, 2) == 4  # follows the active backend


@pytest.mark.slow
def test_search_on_dask_matches_local_run(client, tmp_path):
    setup_dask(client, n_threads=1)
    X, y = prepare_data(AutoSeqClassifier(), *_data())
    local = _search(tmp_path / "local.pids", n_jobs=1).fit(X, y)
    on_dask = _search(tmp_path / "dask.pids")
    with joblib.parallel_backend("dask", scatter=[X, y]):
        on_dask.fit(X, y)
    workers = set(client.run(os.getpid).values())
    assert _pids(tmp_path / "local.pids") == {os.getpid()}
    # every fit of the search (2 candidates x 2 folds) ran in a worker process; the
    # refit of the winner runs here (none when a baseline wins, several for an ensemble)
    fits = [int(p) for p in (tmp_path / "dask.pids").read_text().split()]
    on_workers = [p for p in fits if p != os.getpid()]
    assert len(on_workers) == 4 and set(on_workers) <= workers
    # the same search: the same candidates, each scored on every fold
    names_local, scores_local = _summary(local)
    names_dask, scores_dask = _summary(on_dask)
    assert names_local == names_dask
    assert on_dask.n_splits_ == local.n_splits_ == 2
    # the same random_state gives the same scores, fold by fold, and the same winner
    np.testing.assert_array_equal(_fold_scores(on_dask), _fold_scores(local))
    assert on_dask.best_index_ == local.best_index_
    np.testing.assert_array_equal(on_dask.predict_proba(X), local.predict_proba(X))


@pytest.mark.slow
def test_search_survives_a_killed_worker(client, tmp_path):
    from distributed import get_task_stream

    setup_dask(client, n_threads=1)
    X, y = prepare_data(AutoSeqClassifier(), *_data())
    before = client.run(os.getpid)
    killed = []

    def kill_first_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            busy = [w for w, keys in client.processing().items() if keys and w in before]
            if busy:
                os.kill(before[busy[0]], signal.SIGKILL)
                killed.append(before[busy[0]])
            time.sleep(0.02)

    killer = threading.Thread(target=kill_first_busy_worker, daemon=True)
    clf = _search(tmp_path / "pids")
    # broadcast data survives a lost worker (joblib's own scattering keeps one copy), as
    # long as Dask's active memory manager does not trim the extra replicas
    client.amm.stop()
    with get_task_stream(client) as stream, joblib.parallel_backend("dask", scatter=[X, y]):
        killer.start()
        clf.fit(X, y)
    killer.join(timeout=5)
    assert killed, "no task was seen running on a worker, so none was killed"
    assert killed[0] not in client.run(os.getpid).values()  # the nanny started a new one
    # the search completed: every candidate is there, retried or recorded as failed
    names, scores = _summary(clf)
    assert {"gru", "simple_rnn"} <= set(names)
    assert np.isfinite(scores).any() and len(stream.data) > 0


@pytest.mark.slow
def test_search_on_ray_matches_local_run(tmp_path):
    # not in any extra and not claimed (docs/scale-out.md): runs only where Ray is installed
    ray = pytest.importorskip("ray", reason="Ray is not installed; autoseq does not test it")
    from autoseq.model_selection.distributed import setup_ray

    X, y = prepare_data(AutoSeqClassifier(), *_data())
    local = _search(n_jobs=1).fit(X, y)
    try:
        setup_ray(n_threads=1, num_cpus=2, include_dashboard=False, log_to_driver=False,
                  configure_logging=False)
    except Exception as exc:  # e.g. no shared memory in a container
        pytest.skip(f"Ray could not start here: {exc}")
    try:
        on_ray = _search(tmp_path / "ray.pids")
        with joblib.parallel_backend("ray"):
            on_ray.fit(X, y)
    finally:
        ray.shutdown()
    ray_pids = _pids(tmp_path / "ray.pids") - {os.getpid()}
    assert ray_pids, "no fit ran in a Ray worker process"
    names_local, scores_local = _summary(local)
    names_ray, scores_ray = _summary(on_ray)
    assert names_local == names_ray
    np.testing.assert_array_equal(_fold_scores(on_ray), _fold_scores(local))
    assert on_ray.best_index_ == local.best_index_
