"""Import TensorFlow and Keras quietly, once, and only when needed.

TensorFlow writes start-up lines (CUDA probing, oneDNN notices) straight to
file descriptor 2 from C++ before any Python logging exists, so the only way to
keep them from a user who did not ask for them is to point that descriptor at
``/dev/null`` while the import runs. Set ``AUTOSEQ_TF_LOGS=1`` to see them.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import warnings


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
        import scikeras  # noqa: F401  (makes Keras models picklable)
        import tensorflow as tf
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
    from tensorflow.python.framework import config

    config.is_op_determinism_enabled()


def tensorflow():
    """Return the ``tensorflow`` module (imported quietly through :func:`keras`)."""
    keras()
    import tensorflow as tf

    return tf
