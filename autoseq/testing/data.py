"""The tiny data the contract checks run on, and the head each task gets.

Batches hold :data:`BATCH` sequences of up to :data:`N_STEPS` steps and
:data:`N_CHANNELS` channels (or token ids below :data:`VOCAB`), some padded:
enough to exercise every code path, small enough to be quick.
"""

from __future__ import annotations

import numpy as np

from autoseq.registry import INPUT_KINDS, TASKS, Architecture

__all__ = [
    "ANOMALY_LENGTHS", "ANOMALY_STEPS", "BATCH", "EMBEDDING_DIM", "HORIZON", "LENGTHS",
    "N_CHANNELS", "N_CLASSES", "N_STEPS", "POOLED_TASKS", "SHORT_STEPS", "TASK_PREFERENCE",
    "VOCAB", "declared_tasks", "expected_shape", "make_batch", "make_targets", "primary_input",
    "set_of_strings", "task_head", "with_params",
]

BATCH = 4
N_STEPS = 10
N_CHANNELS = 2
LENGTHS = (10, 6, 8, 10)  # real steps per sequence of the padded batch
SHORT_STEPS = 7  # a second length: autoseq builds with n_steps=None
ANOMALY_STEPS = 8  # autoencoders reconstruct fixed-length windows
ANOMALY_LENGTHS = (8, 5, 8, 7)
VOCAB = 12  # token ids: 0 padding, 1 out-of-vocabulary, 2.. real tokens
EMBEDDING_DIM = 8
N_CLASSES = 3
HORIZON = 3
# tasks whose models pool the body's output: they share one body graph
POOLED_TASKS = ("classification", "regression", "forecasting", "generation")
# the task used where one task stands for all (token input, search space)
TASK_PREFERENCE = ("classification", "regression", "forecasting", "generation",
                   "labelling", "anomaly")


def set_of_strings(value):
    """``value`` as a frozenset when it is a collection of strings, else None."""
    if isinstance(value, str) or not isinstance(value, (set, frozenset, list, tuple)):
        return None
    if not all(isinstance(v, str) for v in value):
        return None
    return frozenset(value)


def declared_tasks(arch) -> list[str]:
    """The tasks ``arch`` declares, in :data:`TASK_PREFERENCE` order."""
    tasks = set_of_strings(getattr(arch, "tasks", None)) or frozenset()
    return [t for t in TASK_PREFERENCE if t in tasks]


def primary_input(arch) -> str:
    """The input kind the checks feed ``arch``: ``"numeric"`` when it accepts it."""
    inputs = set_of_strings(getattr(arch, "inputs", None)) or INPUT_KINDS
    return "numeric" if "numeric" in inputs else "tokens"


def with_params(arch: Architecture, **params) -> Architecture:
    """A new instance of ``arch``'s class with ``params`` over its hyperparameters."""
    return type(arch)(**{**arch.get_params(), **params})


def task_head(task):
    """(HeadSpec, loss) for a task, as autoseq's estimators would choose them."""
    from autoseq.networks.build import HeadSpec

    if task == "classification":
        return HeadSpec("softmax", N_CLASSES), "sparse_categorical_crossentropy"
    if task == "generation":  # next token over a vocabulary
        return HeadSpec("softmax", VOCAB), "sparse_categorical_crossentropy"
    if task == "labelling":
        return HeadSpec("softmax", N_CLASSES, per_step=True), "sparse_categorical_crossentropy"
    if task == "regression":
        return HeadSpec("linear", 1), "mse"
    if task == "forecasting":
        return HeadSpec("linear", HORIZON), "mse"
    if task == "anomaly":
        return HeadSpec("reconstruction", N_CHANNELS), "mse"
    raise ValueError(f"Unknown task '{task}'; tasks are {sorted(TASKS)}.")


def make_batch(input_kind, n_steps, lengths, rng):
    """A batch whose sequence ``i`` has ``lengths[i]`` real steps, padded after them."""
    if input_kind == "tokens":
        X = rng.integers(2, VOCAB, size=(len(lengths), n_steps)).astype("int32")
        for i, n in enumerate(lengths):
            X[i, n:] = 0
        return X
    X = rng.normal(size=(len(lengths), n_steps, N_CHANNELS)).astype("float32")
    for i, n in enumerate(lengths):
        X[i, n:] = np.nan
    return X


def make_targets(task, X, rng):
    """Targets for a batch ``X``, shaped as the task's head predicts them."""
    n, steps = X.shape[0], X.shape[1]
    if task == "classification":
        return np.arange(n, dtype="int32") % N_CLASSES
    if task == "generation":
        return rng.integers(2, VOCAB, size=n).astype("int32")
    if task == "labelling":
        return (np.arange(n * steps, dtype="int32") % N_CLASSES).reshape(n, steps)
    if task == "regression":
        return rng.normal(size=(n, 1)).astype("float32")
    if task == "forecasting":
        return rng.normal(size=(n, HORIZON)).astype("float32")
    return np.nan_to_num(X.astype("float32"))  # anomaly: rebuild the (zero-padded) input


def expected_shape(head, n, steps):
    """The output shape of a model with ``head`` on ``n`` sequences of ``steps`` steps."""
    if head.kind == "reconstruction":
        return (n, steps, N_CHANNELS)
    if head.per_step:
        return (n, steps, head.n_outputs)
    return (n, head.n_outputs)
