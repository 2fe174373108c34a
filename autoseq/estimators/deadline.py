"""The clocks that end work: a deadline every autoseq network honours, and one every costly
model fitted without a training loop checks before it starts.

The time budget itself (how long a search may take) is :mod:`autoseq.model_selection.budget`;
this module only stops training once a deadline passes, at the next batch or epoch end, and
refuses to start a costly closed-form fit (:func:`check_search_deadline`) once the search's
share of the budget is spent.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from collections import deque

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "autoseq_training_deadline", default=None)
_search_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "autoseq_search_deadline", default=None)
_stoppable: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "autoseq_stoppable_fit", default=False)


# seconds a network's fold runs before its training can first stop (building the graph,
# compiling the training step, the first batch) and it is scored, before this process
# measured any: the slowest built-in on a 10,000-point stream took 9 s on the 2-core
# development machine (a TCN autoencoder: 6.4 s to its first batch end); importing
# TensorFlow, when it is not loaded yet, adds TENSORFLOW_IMPORT_SECONDS
NETWORK_SETUP_SECONDS = 10.0
TENSORFLOW_IMPORT_SECONDS = 4.0
_setups_seen: deque[float] = deque(maxlen=32)
# how the message of a fold the budget did not start begins (the leaderboard shows it)
BUDGET_CUT = "time budget spent"


class TimeBudgetSpent(RuntimeError):
    """A costly model was asked to start fitting after the search's deadline."""


def deadline_callback(deadline: float):
    """A Keras callback that stops training at the first batch or epoch end after
    ``deadline``.

    Parameters
    ----------
    deadline : float
        A ``time.time()`` value (wall clock, so it means the same in a worker process).
    """
    from autoseq._backend import keras

    class Deadline(keras().callbacks.Callback):
        """Stop training once the time budget is spent."""

        is_autoseq_deadline = True

        def __init__(self, deadline):
            super().__init__()
            self.deadline = deadline

        def _check(self):
            if time.time() > self.deadline:
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            self._check()  # an epoch over much data can outlast the budget

        def on_epoch_end(self, epoch, logs=None):
            self._check()

    return Deadline(deadline)


def training_deadline(deadline: float | None):
    """Make every autoseq network fitted in this block stop training after ``deadline``.

    Parameters
    ----------
    deadline : float or None
        A ``time.time()`` value; None sets no deadline.
    """
    return _holding(_deadline, deadline)


def check_callback_deadlines(callbacks, model) -> None:
    """Raise :class:`TimeBudgetSpent` when one of ``callbacks`` is a
    :func:`deadline_callback` whose deadline has passed: a search's fold that would
    start after it would only build and compile a network, then stop.

    Parameters
    ----------
    callbacks : list of keras.callbacks.Callback or None
    model : estimator
        The model about to fit (named in the message).
    """
    now = time.time()
    for callback in callbacks or []:
        if getattr(callback, "is_autoseq_deadline", False) and now > callback.deadline:
            raise TimeBudgetSpent(f"{BUDGET_CUT}: {type(model).__name__} did not start "
                                  "this fold")


def record_network_setup(seconds: float) -> None:
    """Note what one network fold took from its start to the end of its first batch."""
    _setups_seen.append(float(seconds))


def network_setup_seconds() -> float:
    """Seconds a network fold is expected to run before its training can first stop.

    A deadline is checked at batch ends, so a fold started with less time left than
    this overruns the budget. The slowest fold this process measured
    (:func:`record_network_setup`, the last 32), else :data:`NETWORK_SETUP_SECONDS`;
    plus :data:`TENSORFLOW_IMPORT_SECONDS` while TensorFlow is not imported.
    """
    setup = max(_setups_seen, default=NETWORK_SETUP_SECONDS)
    return setup + (0.0 if "tensorflow" in sys.modules else TENSORFLOW_IMPORT_SECONDS)


def setup_clock(started: float):
    """A Keras callback that records, at its first batch end, the seconds since
    ``started`` (a ``time.monotonic()`` value) with :func:`record_network_setup`."""
    from autoseq._backend import keras

    class SetupClock(keras().callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.pending = True

        def on_train_batch_end(self, batch, logs=None):
            if self.pending:
                self.pending = False
                record_network_setup(time.monotonic() - started)

    return SetupClock()


def current_deadline() -> float | None:
    """The deadline :func:`training_deadline` set for this block (None outside one)."""
    return _deadline.get()


def active_deadline_callbacks() -> list:
    """``[deadline_callback(...)]`` inside :func:`training_deadline`, else ``[]``."""
    deadline = _deadline.get()
    return [] if deadline is None else [deadline_callback(deadline)]


def search_deadline(deadline: float | None):
    """Make every costly model fitted without a training loop in this block refuse to
    start after ``deadline`` (see :func:`check_search_deadline`).

    The search sets it around its free candidates; the final refit runs outside it,
    so a winner is always refitted.

    Parameters
    ----------
    deadline : float or None
        A ``time.time()`` value; None sets no deadline.
    """
    return _holding(_search_deadline, deadline)


def check_search_deadline(model) -> None:
    """Raise :class:`TimeBudgetSpent` when the search's deadline has passed.

    Called at the start of ``fit`` by the models whose cost grows with the data
    (``rocket_ridge``, the linear and statistical forecasters, the window
    detectors), so that a fold that would start after the deadline fails fast
    and the candidate is reported as cut by the time budget; the trivial
    baselines never call it and always get their score. A no-op outside
    :func:`search_deadline` (in a worker process too).

    Parameters
    ----------
    model : estimator
        The model about to fit (named in the message).
    """
    deadline = _search_deadline.get()
    if deadline is not None and time.time() > deadline:
        raise TimeBudgetSpent(f"{BUDGET_CUT}: {type(model).__name__} did not start "
                              "this fold")


def stoppable_fit():
    """Let :func:`check_search_deadline_during` stop the work in this block: a costly
    model's ``fit`` wraps its long computation in it (its predictions, which score a
    fold that finished fitting, are never stopped)."""
    return _holding(_stoppable, True)


def check_search_deadline_during(what: str) -> None:
    """Raise :class:`TimeBudgetSpent` when the search's deadline passed while ``what`` (a
    long closed-form computation, checked between its chunks) was running inside
    :func:`stoppable_fit`: one fold on much data can otherwise outlast the whole budget.
    A no-op outside :func:`search_deadline`, so a refit always finishes."""
    deadline = _search_deadline.get()
    if _stoppable.get() and deadline is not None and time.time() > deadline:
        raise TimeBudgetSpent(f"{BUDGET_CUT}: {what} stopped in this fold")


@contextlib.contextmanager
def _holding(variable: contextvars.ContextVar, value):
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
