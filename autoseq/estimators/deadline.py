"""The clock that ends training: a Keras callback and a deadline every autoseq network honours.

The time budget itself (how long a search may take) is :mod:`autoseq.model_selection.budget`;
this module only stops training once a deadline passes, at the next batch or epoch end.
"""

from __future__ import annotations

import contextlib
import contextvars
import time

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "autoseq_training_deadline", default=None)


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


@contextlib.contextmanager
def training_deadline(deadline: float | None):
    """Make every autoseq network fitted in this block stop training after ``deadline``.

    Parameters
    ----------
    deadline : float or None
        A ``time.time()`` value; None sets no deadline.
    """
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def current_deadline() -> float | None:
    """The deadline :func:`training_deadline` set for this block (None outside one)."""
    return _deadline.get()


def active_deadline_callbacks() -> list:
    """``[deadline_callback(...)]`` inside :func:`training_deadline`, else ``[]``."""
    deadline = _deadline.get()
    return [] if deadline is None else [deadline_callback(deadline)]
