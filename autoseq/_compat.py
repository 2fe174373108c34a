"""Every reach of autoseq's core into private or undocumented upstream API, in one place.

autoseq's estimators and transformers lean on a few things scikit-learn,
scikeras, Keras and TensorFlow do not promise to keep. Each reach is made here
only, behind a name that says what autoseq needs, so that an upgrade which
moves one breaks one function here, and its test in ``tests/test_compat.py``
says which, instead of failing somewhere inside a fit.

Nothing here imports TensorFlow, Keras or scikeras when it is imported: the
functions that need them import them on first call (``import autoseq`` stays
instant).

The scikeras hooks that :class:`autoseq.SeqClassifier` and its siblings
override are listed in :data:`SCIKERAS_HOOKS`; overriding cannot go through a
function, so the test pins their signatures instead.
"""

from __future__ import annotations

import contextlib
import random
import sys
import threading

# -- scikit-learn ------------------------------------------------------------------------


def check_feature_names(estimator, X, *, reset: bool) -> None:
    """Record (``reset``) or check ``feature_names_in_`` as scikit-learn's estimators do.

    ``sklearn.utils.validation._check_feature_names``: the only way to get
    scikit-learn's exact feature-name rules and messages without its
    ``validate_data``, which cannot read sequences.
    """
    from sklearn.utils.validation import _check_feature_names

    _check_feature_names(estimator, X, reset=reset)


def num_samples(X) -> int:
    """Number of samples of any array-like, list or text collection
    (``sklearn.utils.validation._num_samples``)."""
    from sklearn.utils.validation import _num_samples

    return _num_samples(X)


def param_names(cls) -> list:
    """The ``__init__`` parameters of an estimator class, by scikit-learn's rule.

    ``BaseEstimator._get_param_names``: the scikeras wrappers replace it with a
    rule of their own (attributes set in ``__init__``), which autoseq's
    explicit signatures do not need.
    """
    from sklearn.base import BaseEstimator

    return BaseEstimator._get_param_names.__func__(cls)


def output_config(estimator, method: str = "transform") -> str:
    """The container ``set_output`` asked for: "default", "pandas" or "polars".

    Read from ``_sklearn_output_config``, where ``set_output`` stores it.
    """
    return getattr(estimator, "_sklearn_output_config", {}).get(method, "default")


def validate_pipeline_steps(pipeline) -> None:
    """Check a Pipeline's steps as ``Pipeline.fit`` does (``Pipeline._validate_steps``)."""
    pipeline._validate_steps()


# -- scikeras ----------------------------------------------------------------------------

# The protected BaseWrapper methods autoseq's Keras estimators override or call, with
# the parameters they are called with (tests/test_compat.py checks them).
SCIKERAS_HOOKS = {
    "_validate_data": ("X", "y", "reset", "y_numeric"),
    "_initialize": ("X", "y"),
    "_build_keras_model": (),
    "_fit_keras_model": ("X", "y", "sample_weight", "warm_start", "epochs", "initial_epoch"),
    "_predict_raw": ("X",),
}


def scikeras_wrapper():
    """scikeras's ``BaseWrapper``, made declarable with scikit-learn's tags API.

    scikeras 0.13 predates that API: its ``BaseWrapper`` defines only the removed
    ``_more_tags``, which scikit-learn >= 1.6 rejects on any class in the MRO.
    Making the inherited ``__sklearn_tags__`` explicit on it (a global patch,
    applied once) changes no behaviour and lets subclasses declare their tags.
    """
    from scikeras.wrappers import BaseWrapper

    if "__sklearn_tags__" not in vars(BaseWrapper):
        BaseWrapper.__sklearn_tags__ = BaseWrapper.__sklearn_tags__
    return BaseWrapper


def make_keras_picklable() -> None:
    """Let Keras models, losses, metrics and optimizers pickle (and deep-copy).

    Importing scikeras patches ``__reduce__`` (and ``Model.__deepcopy__``) on
    those Keras classes, globally; cloning, joblib workers and
    :func:`autoseq.save` rely on it.
    """
    import scikeras  # noqa: F401


def seeded(seed):
    """A block in which Python, NumPy and TensorFlow draw from ``seed`` and TensorFlow's
    ops are deterministic; the previous state is restored after. No-op for ``seed=None``.

    scikeras's ``scikeras.utils.random_state.tensorflow_random_state`` (not part
    of its documented API).
    """
    if seed is None:
        return contextlib.nullcontext()
    from scikeras.utils.random_state import tensorflow_random_state

    return tensorflow_random_state(seed)


# -- Keras -------------------------------------------------------------------------------

KERAS_SEED_MODULE = "keras.src.random.seed_generator"
_BUILD_LOCK = threading.Lock()


@contextlib.contextmanager
def keras_seeds_from(seed):
    """Draw Keras's default seeds from a private generator seeded with ``seed``.

    Keras gives every initializer, dropout and ``SeedGenerator`` created without a
    seed one drawn from Python's global ``random`` module, through
    ``python_random`` of ``keras.src.random.seed_generator`` (its
    ``make_default_seed``). Seeding that module (``keras.utils.set_random_seed``)
    is not enough where other threads of the process draw from it too: a Dask
    worker's event loop does, between the seeding and the build, so the same
    ``random_state`` built other initial weights on a Dask worker than in the
    calling process, and other ones on every run. Inside this block those draws
    come from ``random.Random(seed)``, which no other code sees; builds in one
    process take turns (a build takes milliseconds). Without a seed, or where
    Keras moved the function, it changes nothing.
    """
    module = sys.modules.get(KERAS_SEED_MODULE)
    if seed is None or not hasattr(module, "python_random"):
        yield
        return
    with _BUILD_LOCK:
        shared = module.python_random
        module.python_random = random.Random(seed)
        try:
            yield
        finally:
            module.python_random = shared


# -- TensorFlow --------------------------------------------------------------------------


def settle_op_determinism() -> None:
    """Make TensorFlow read ``TF_DETERMINISTIC_OPS`` now (see
    :func:`autoseq._backend._settle_op_determinism`), through
    ``tensorflow.python.framework.config.is_op_determinism_enabled``."""
    from tensorflow.python.framework import config

    config.is_op_determinism_enabled()


def gradient_registry():
    """TensorFlow's global ``{op type: gradient function}`` table, or None if it moved.

    ``tensorflow.python.framework.ops._gradient_registry._registry``, where every
    ``tf.custom_gradient`` traced in graph mode registers a ``CustomGradient-<n>``
    entry (see :func:`autoseq._backend.custom_gradients_owned_by`).
    """
    try:
        from tensorflow.python.framework import ops

        table = ops._gradient_registry._registry
    except (ImportError, AttributeError):
        return None
    return table if isinstance(table, dict) else None
