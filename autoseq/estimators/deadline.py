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
import time

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "autoseq_training_deadline", default=None)
_search_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "autoseq_search_deadline", default=None)


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
            raise TimeBudgetSpent(f"time budget spent: {type(model).__name__} did not start "
                                  "this fold")


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
        raise TimeBudgetSpent(f"time budget spent: {type(model).__name__} did not start "
                              "this fold")


@contextlib.contextmanager
def _holding(variable: contextvars.ContextVar, value):
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
