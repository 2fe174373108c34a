"""Scale-out: the search's fits on Dask or Ray workers, through joblib.

The AutoSeq searches are scikit-learn searches, so the cluster is reached the
way scikit-learn reaches it::

    with joblib.parallel_backend("dask"):
        AutoSeqClassifier(n_jobs=-1).fit(X, y)

Candidates x folds then run as tasks on the cluster's workers. What this
module adds is worker hygiene:

* :func:`limit_tensorflow_threads`: one TensorFlow fit per task should use the
  cores that task owns, not every core of the host (several tasks per host would
  otherwise oversubscribe it many times over);
* :class:`TensorFlowWorkerSetup` / :func:`setup_dask`: a Dask worker plugin that
  applies that limit on every worker, present and future, and imports
  TensorFlow once per worker process, before its first task;
* :func:`ray_runtime_env` / :func:`setup_ray`: the same for Ray (the limit as
  environment variables of Ray's worker processes) and the joblib backend;
  untested: autoseq's test suite does not install Ray, so it claims nothing
  about searches on Ray (docs/scale-out.md);
* :func:`prepare_data`: the training data in the exact form the search hands to
  its tasks, so ``joblib.parallel_backend("dask", scatter=[X, y])`` ships it once
  per worker instead of once per batch of candidates, and broadcast copies let
  the search survive a lost worker (data joblib scatters itself lives on one
  worker and dies with it; Dask's active memory manager trims copies, so stop
  it with ``client.amm.stop()`` where workers may die).
"""

from __future__ import annotations

import math
import os
import sys
import warnings

THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS")
INTEROP_VARIABLE = "TF_NUM_INTEROP_THREADS"


def limit_tensorflow_threads(n_threads: int) -> int:
    """Cap TensorFlow's threads in this process (intra-op ``n_threads``, inter-op 1-2).

    Works before TensorFlow starts its runtime; sets the environment variables
    too, so processes started from this one inherit the cap. When the runtime
    already runs with other settings, a ``RuntimeWarning`` says that the cap
    applies only to new processes.

    Parameters
    ----------
    n_threads : int
        Threads for one operation (matrix products, convolutions), at least 1.

    Returns
    -------
    int
        The intra-op thread count now in force (0: TensorFlow's default).

    Examples
    --------
    >>> from autoseq.model_selection.distributed import limit_tensorflow_threads
    >>> limit_tensorflow_threads(1)  # doctest: +SKIP
    1
    """
    if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
        raise ValueError(f"n_threads must be a positive integer; got {n_threads!r}.")
    inter = min(2, n_threads)
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n_threads)
    os.environ[INTEROP_VARIABLE] = str(inter)
    from autoseq._backend import tensorflow

    threading = tensorflow().config.threading
    try:
        threading.set_intra_op_parallelism_threads(n_threads)
        threading.set_inter_op_parallelism_threads(inter)
    except RuntimeError:  # the runtime already started: its pools are fixed for good
        if threading.get_intra_op_parallelism_threads() != n_threads:
            warnings.warn(
                f"TensorFlow already runs in this process with "
                f"{threading.get_intra_op_parallelism_threads() or 'default'} intra-op "
                f"threads; the cap of {n_threads} applies only to processes started from "
                "now on. Call limit_tensorflow_threads before the first fit.",
                RuntimeWarning, stacklevel=2)
    return threading.get_intra_op_parallelism_threads()


def threads_per_task(cores: int, concurrent_tasks: int) -> int:
    """Threads each of ``concurrent_tasks`` tasks may use on a host with ``cores`` cores.

    Examples
    --------
    >>> from autoseq.model_selection.distributed import threads_per_task
    >>> threads_per_task(16, 4), threads_per_task(2, 4)
    (4, 1)
    """
    return max(1, int(cores) // max(1, int(concurrent_tasks)))


def candidate_batch_size(n_jobs, n_splits: int) -> int:
    """Candidates per batch so that a batch's fits keep every parallel worker busy.

    A search that evaluates one candidate at a time runs only its ``n_splits``
    fits in parallel; with more workers than folds the rest wait. This sizes
    the batch to about two waves of fits over the workers that ``n_jobs`` gives
    under the active joblib backend (local processes, Dask, Ray), and 1 when
    the fits run one after the other (then a time budget is checked after every
    candidate).

    Parameters
    ----------
    n_jobs : int or None
        As passed to the search (None and -1 follow the active joblib backend).
    n_splits : int
        Folds per candidate.

    Returns
    -------
    int

    Examples
    --------
    >>> from autoseq.model_selection.distributed import candidate_batch_size
    >>> candidate_batch_size(1, 3), candidate_batch_size(2, 3), candidate_batch_size(16, 3)
    (1, 2, 11)
    """
    from joblib import effective_n_jobs

    workers = effective_n_jobs(n_jobs)
    if workers <= 1:
        return 1
    return max(1, math.ceil(2 * workers / max(1, int(n_splits))))


def _worker_plugin_base():
    try:
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:  # without Dask the plugin is still a plain, picklable class
        return object
    return WorkerPlugin


class TensorFlowWorkerSetup(_worker_plugin_base()):
    """Dask worker plugin: cap TensorFlow's threads and import it once per worker.

    Parameters
    ----------
    n_threads : int, optional
        Intra-op threads per task. None: the worker's cores divided by the
        tasks it runs at once (``nthreads``), at least 1.

    Attributes
    ----------
    name : str
        Plugin name in Dask (registering again replaces it).

    Examples
    --------
    >>> from autoseq.model_selection.distributed import TensorFlowWorkerSetup
    >>> plugin = TensorFlowWorkerSetup(n_threads=1)
    >>> client.register_plugin(plugin)  # doctest: +SKIP
    """

    name = "autoseq-tensorflow"

    def __init__(self, n_threads=None):
        self.n_threads = n_threads

    def setup(self, worker):
        n = self.n_threads or threads_per_task(_usable_cores(), worker.state.nthreads)
        limit_tensorflow_threads(int(n))
        import autoseq.estimators.keras  # noqa: F401  (TensorFlow, Keras, scikeras: once)


def setup_dask(client, n_threads: int | None = None):
    """Register :class:`TensorFlowWorkerSetup` on every worker of ``client``'s cluster.

    Parameters
    ----------
    client : distributed.Client
    n_threads : int, optional
        Intra-op threads per task; None derives it per worker.

    Returns
    -------
    dict
        Worker address -> the intra-op thread count now in force there.

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster  # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))  # doctest: +SKIP
    >>> setup_dask(client)  # doctest: +SKIP
    {'tcp://127.0.0.1:40123': 1, 'tcp://127.0.0.1:40125': 1}
    """
    if n_threads is not None and (isinstance(n_threads, bool) or not isinstance(n_threads, int)
                                  or n_threads < 1):
        raise ValueError(f"n_threads must be a positive integer or None; got {n_threads!r}.")
    client.register_plugin(TensorFlowWorkerSetup(n_threads))
    return client.run(_intra_op_threads)


def ray_runtime_env(n_threads: int = 1) -> dict:
    """``runtime_env`` for ``ray.init`` that caps TensorFlow's threads in Ray's workers.

    Examples
    --------
    >>> from autoseq.model_selection.distributed import ray_runtime_env
    >>> ray_runtime_env(2)["env_vars"]["TF_NUM_INTRAOP_THREADS"]
    '2'
    """
    if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
        raise ValueError(f"n_threads must be a positive integer; got {n_threads!r}.")
    env = {name: str(n_threads) for name in THREAD_VARIABLES}
    env[INTEROP_VARIABLE] = str(min(2, n_threads))
    return {"env_vars": env}


def setup_ray(n_threads: int = 1, **init_kwargs):
    """Start (or join) Ray with the thread cap and register joblib's ``"ray"`` backend.

    Untested: autoseq's test suite does not install Ray, so it claims nothing
    about a search on Ray (see docs/scale-out.md); Dask is the tested way.

    Parameters
    ----------
    n_threads : int, default=1
        Intra-op TensorFlow threads per Ray task.
    **init_kwargs
        Passed to ``ray.init`` (``address=``, ``num_cpus=``, ...).

    Examples
    --------
    >>> import joblib
    >>> from autoseq.model_selection.distributed import setup_ray
    >>> setup_ray(num_cpus=2)  # doctest: +SKIP
    >>> with joblib.parallel_backend("ray"):  # doctest: +SKIP
    ...     AutoSeqClassifier(n_jobs=-1).fit(X, y)
    """
    try:
        import ray
        from ray.util.joblib import register_ray
    except ImportError:
        raise ImportError("Ray is not installed (`pip install \"ray[default]\"` installs it; "
                          "autoseq does not test Ray: Dask is the tested backend).") from None
    env = ray_runtime_env(n_threads)
    if ray.is_initialized():
        warnings.warn("Ray was already initialised; its workers keep their own thread "
                      "settings.", RuntimeWarning, stacklevel=2)
    else:
        runtime_env = dict(init_kwargs.pop("runtime_env", None) or {})
        runtime_env["env_vars"] = {**env["env_vars"], **runtime_env.get("env_vars", {})}
        ray.init(runtime_env=runtime_env, **init_kwargs)
    register_ray()


def prepare_data(estimator, X, y):
    """``X`` and ``y`` as ``estimator.fit`` hands them to the search's tasks.

    Fitting on the returned objects, inside
    ``joblib.parallel_backend("dask", scatter=[X, y])``, lets joblib recognise
    them in every task and ship them to each worker once. Numeric input only:
    variable-length sequences and text are rebuilt on every ``fit`` and so
    cannot be pre-scattered (joblib then ships them with each batch).

    Parameters
    ----------
    estimator : AutoSeqClassifier, AutoSeqRegressor or another AutoSeq search
    X, y : sequences and targets, any accepted form

    Returns
    -------
    X, y

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqClassifier
    >>> from autoseq.model_selection.distributed import prepare_data
    >>> clf = AutoSeqClassifier()
    >>> X, y = prepare_data(clf, np.zeros((6, 5)), [0, 1] * 3)
    >>> X.shape, prepare_data(clf, X, y)[0] is X
    ((6, 5, 1), True)
    """
    make_task = getattr(estimator, "_make_task", None)
    if make_task is None:
        raise TypeError(f"prepare_data needs an AutoSeq search estimator; got "
                        f"{type(estimator).__name__}.")
    return make_task().check_input(X, y)


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _intra_op_threads() -> int:
    tf = sys.modules.get("tensorflow")
    return tf.config.threading.get_intra_op_parallelism_threads() if tf else 0
