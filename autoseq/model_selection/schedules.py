"""Schedules: what a :class:`~autoseq.model_selection.search.CandidateSearch` evaluates when.

A schedule has two methods: ``planned(candidates)``, how many evaluations it
expects (for the progress display), and ``run(candidates, run)``, which calls
``run.evaluate(candidates, tags=None, resources=None)`` as often as it likes
and reads the returned mean scores (NaN: failed or not run) to decide what
comes next. It stops once ``run.stopped`` is set. Schedules keep no state of
their own between fits.

* :class:`GridSchedule`: every candidate once (the grid search);
* :class:`~autoseq.model_selection.halving.HalvingSchedule`: successive
  halving over training epochs;
* :class:`StagedSchedule`: stages whose candidates depend on the results of
  the stages before (the forecaster: baselines, statistical models, then the
  window settings one at a time, then every architecture).
"""

from __future__ import annotations


class GridSchedule:
    """Every candidate of the grid, once, in the grid's order."""

    def planned(self, candidates) -> int:
        return len(candidates)

    def run(self, candidates, run) -> None:
        run.evaluate(candidates)


class StagedSchedule:
    """Stages evaluated one after the other, each built from the results so far.

    Parameters
    ----------
    stages : list of callable
        ``stage(history) -> list of candidates``, where ``history`` lists the
        ``(candidate, mean score)`` pairs evaluated so far, in order. A stage
        may return an empty list. The search's ``param_grid`` is not read.

    Examples
    --------
    >>> from autoseq.model_selection.schedules import StagedSchedule
    >>> first = lambda history: [{"C": [1.0]}]
    >>> schedule = StagedSchedule([first])
    >>> schedule.planned([])
    0
    """

    def __init__(self, stages):
        self.stages = stages

    def planned(self, candidates) -> int:
        return 0  # unknown before the stages run: the progress total grows

    def run(self, candidates, run) -> None:
        history = []
        run.n_candidates = 0
        for stage in self.stages:
            batch = list(stage(list(history)))
            if not batch:
                continue
            run.n_candidates += len(batch)
            history.extend(zip(batch, run.evaluate(batch), strict=True))
            if run.stopped is not None:
                return
