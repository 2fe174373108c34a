"""Time budgets: how long a default search may take, and the clock that ends training.

Every AutoSeq estimator takes ``time_budget``: ``"auto"`` (the default), a number
of seconds, or None. ``"auto"`` is :func:`default_time_budget` of the training
data's size: about a minute on small data, growing with the data. The budget
is the wall time of the whole ``fit``, the final refit included. What always
runs, whatever the budget: the candidates fitted without a training loop
(baselines, closed-form models such as ``rocket_ridge``). None means no bound:
every candidate of the grid is tried, and under a fixed ``random_state`` the
result is identical from run to run. With a budget, which trained candidates
get their turn depends on the machine's speed, so two runs on different
machines (or a loaded one) may differ.

Training stops at the next batch end once a deadline passes: candidates in the
search get a :func:`~autoseq.estimators.deadline.deadline_callback` in their
``callbacks``; the costly closed-form fits check
:func:`~autoseq.estimators.deadline.search_deadline` (in the search's process; under
``n_jobs > 1`` only the trained candidates are stopped); the final refit runs inside
:func:`~autoseq.estimators.deadline.training_deadline`, which every autoseq
network fitted in this process honours.
"""

from __future__ import annotations

import numbers
import time

# the default budget: a minute for up to BUDGET_VALUES_PER_MINUTE numbers of training data,
# proportionally more beyond, at most MAX_AUTO_BUDGET seconds
MIN_AUTO_BUDGET = 60.0
BUDGET_VALUES_PER_MINUTE = 250_000
MAX_AUTO_BUDGET = 1800.0
# the share of a budget kept for the work after the final refit's training stops
FINISH_MARGIN = 0.03
# the share of what is left at the search's start after which no fold starts training or
# a costly closed-form fit (the rest is the refit's)
SEARCH_SHARE = 0.85



def default_time_budget(n_values: int) -> float:
    """Seconds the default search of ``n_values`` training numbers may take.

    One minute for up to 250,000 numbers (sequences x steps x channels, or
    tokens), one minute per 250,000 numbers beyond that, at most 30 minutes.

    Parameters
    ----------
    n_values : int
        Size of the training data.

    Returns
    -------
    float

    Examples
    --------
    >>> from autoseq.model_selection.budget import default_time_budget
    >>> default_time_budget(50 * 150)          # GunPoint: 50 sequences x 150 steps
    60.0
    >>> default_time_budget(1_000_000)
    240.0
    >>> default_time_budget(10**9)
    1800.0
    """
    seconds = max(MIN_AUTO_BUDGET, 60.0 * max(0, int(n_values)) / BUDGET_VALUES_PER_MINUTE)
    return round(min(MAX_AUTO_BUDGET, seconds), 1)


def training_end(started: float, budget: float | None) -> float | None:
    """The ``time.time()`` at which training must stop for ``fit`` to end within
    ``budget`` seconds of ``started`` (a ``time.monotonic()`` value).

    Training ends :data:`FINISH_MARGIN` of the budget early: the work after the
    last network stops (calibration, the report) fits in that margin.
    """
    if budget is None:
        return None
    return time.time() + budget * (1.0 - FINISH_MARGIN) - (time.monotonic() - started)


def check_time_budget(time_budget) -> None:
    """Refuse anything but ``"auto"``, None or a positive number of seconds."""
    if time_budget is None or (isinstance(time_budget, str) and time_budget == "auto"):
        return
    if (isinstance(time_budget, bool) or not isinstance(time_budget, numbers.Real)
            or not time_budget > 0):
        raise ValueError(f"time_budget must be 'auto', None (no bound) or a positive number "
                         f"of seconds; got {time_budget!r}.")


def resolve_time_budget(time_budget, n_values: int) -> float | None:
    """The budget in seconds (None: unbounded) for ``time_budget`` on data of that size."""
    check_time_budget(time_budget)
    if isinstance(time_budget, str):
        return default_time_budget(n_values)
    return None if time_budget is None else float(time_budget)
