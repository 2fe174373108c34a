"""Import TensorFlow and Keras quietly, once, and only when needed.

TensorFlow writes start-up lines (CUDA probing, oneDNN notices) straight to
file descriptor 2 from C++ before any Python logging exists, so the only way to
keep them from a user who did not ask for them is to point that descriptor at
``/dev/null`` while the import runs. Set ``AUTOSEQ_TF_LOGS=1`` to see them.

Also here: what keeps memory flat over many fits in one process
(:func:`custom_gradients_owned_by`, :func:`collect_garbage`, :func:`trim_heap`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import sys
import warnings
import weakref

from autoseq import _compat


@contextlib.contextmanager
def _stderr_silenced():
    if os.environ.get("AUTOSEQ_TF_LOGS"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real descriptor (some notebooks)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@functools.cache
def keras():
    """Return the ``keras`` module, importing TensorFlow quietly on first use."""
    if not os.environ.get("AUTOSEQ_TF_LOGS"):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _stderr_silenced(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import keras as _keras
        import tensorflow as tf

        _compat.make_keras_picklable()
    if not os.environ.get("AUTOSEQ_TF_LOGS"):
        tf.get_logger().setLevel(logging.ERROR)
        logging.getLogger("absl").setLevel(logging.ERROR)
    _settle_op_determinism()
    return _keras


def _settle_op_determinism():
    """Read TF_DETERMINISTIC_OPS now, while it holds the user's setting.

    TensorFlow reads that variable once, on the first determinism query, and
    keeps the answer. scikeras sets it to 1 just before its first query when a
    model is fitted with a ``random_state``, so without this, determinism would
    stay on for the rest of the process and every later fit without a seed
    would fail ("Random ops require a seed to be set when determinism is
    enabled").
    """
    _compat.settle_op_determinism()


def tensorflow():
    """Return the ``tensorflow`` module (imported quietly through :func:`keras`)."""
    keras()
    import tensorflow as tf

    return tf


# -- TensorFlow's global table of custom gradients ------------------------------------
_gradient_registry = _compat.gradient_registry


@contextlib.contextmanager
def custom_gradients_owned_by(owner):
    """Unregister the custom gradients TensorFlow registers in this block once ``owner`` dies.

    Each ``tf.custom_gradient`` call traced in graph mode (inside a ``tf.function``)
    registers a closure as ``CustomGradient-<n>`` in TensorFlow's process-wide
    gradient registry and never removes it (tensorflow/tensorflow#97697). The
    closure holds the traced graph's tensors, so the whole graph stays alive. Keras
    traces one on every new training function (its optimizer all-reduces the
    gradients through one), so without this every ``fit`` leaves its compiled
    training step behind: about 9,400 Python objects and 5-7 MB per fit, which
    ``keras.backend.clear_session()`` does not release.

    The entries are needed only to differentiate the graphs traced here, which
    live no longer than ``owner`` (the Keras model whose training function was
    traced), so they are unregistered when ``owner`` is garbage-collected.
    """
    table = _gradient_registry()
    before = set(table) if table is not None else None
    try:
        yield
    finally:
        if table is not None:
            added = [name for name in set(table) - before
                     if isinstance(name, str) and name.startswith("CustomGradient-")]
            if added:
                weakref.finalize(owner, _unregister, table, added).atexit = False


_n_unregistered = 0  # custom gradients unregistered so far (see collect_garbage)


def _unregister(table, names):
    global _n_unregistered
    for name in names:
        table.pop(name, None)
    _n_unregistered += len(names)


def collect_garbage() -> None:
    """``gc.collect()``, and once more when that unregistered custom gradients.

    The finalizer that unregisters a model's custom gradients runs while the
    model is collected; the graphs those entries held become unreachable only
    then, so a second pass frees them now rather than at some later collection.
    """
    before = _n_unregistered
    gc.collect()
    if _n_unregistered != before:
        gc.collect()


# -- the C heap -----------------------------------------------------------------------
@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None on any other C library or system."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own C library; glibc only
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def trim_heap() -> bool:
    """Give the C heap's free pages back to the operating system (glibc only).

    TensorFlow allocates through ``malloc``; after a model is freed, glibc keeps
    the freed pages (about 25 MB after a small LSTM fit) for reuse instead of
    returning them. ``malloc_trim(0)`` returns them (a few milliseconds).
    Returns whether it ran: False, doing nothing, on other systems.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
