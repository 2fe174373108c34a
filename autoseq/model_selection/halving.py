"""Successive halving over candidates, with training epochs as the resource.

``AutoSeq*(search="halving")`` uses :class:`HalvingCandidateSearch`: every
candidate is first cross-validated with a fraction of the epoch budget, the best
``1 / factor`` go on to the next round with ``factor`` times more epochs, and
the last round trains the survivors with the full budget. Each round runs
through :class:`~autoseq.automl.search.CandidateSearch`, so batching, the time budget,
failed candidates and interruption behave exactly as in the grid search.
"""

from __future__ import annotations

import math
import time

import numpy as np
from sklearn.model_selection import ParameterGrid

from autoseq.automl.search import CandidateSearch, SearchFailedError

RESOURCE = "model__epochs"
# fewer epochs than this rank recurrent networks by their initialisation, not their fit
MIN_EPOCHS = 10


def halving_schedule(n_candidates: int, max_epochs: int, *, factor: int = 3,
                     min_epochs: int | None = None) -> list[tuple[int, int]]:
    """Rounds of a successive-halving search as ``(n_candidates, epochs)`` pairs.

    Rounds continue while more than one candidate is left and the epochs can
    still grow by ``factor`` from ``min_epochs``; the last round always trains
    with ``max_epochs``.

    Parameters
    ----------
    n_candidates : int
        Candidates entering the first round.
    max_epochs : int
        Epochs of the last round.
    factor : int, default=3
        Each round keeps ``ceil(n / factor)`` candidates and trains ``factor``
        times longer.
    min_epochs : int, optional
        Epochs of the first round at least; default ``min(max_epochs, 10)``.

    Returns
    -------
    list of (int, int)

    Examples
    --------
    >>> from autoseq.model_selection.halving import halving_schedule
    >>> halving_schedule(12, 80)
    [(12, 27), (4, 80)]
    >>> halving_schedule(27, 270, min_epochs=10)
    [(27, 10), (9, 30), (3, 90), (1, 270)]
    """
    if isinstance(factor, bool) or not isinstance(factor, int) or factor < 2:
        raise ValueError(f"factor must be an integer >= 2; got {factor!r}.")
    if n_candidates < 1 or max_epochs < 1:
        raise ValueError(f"Need at least one candidate and one epoch; got "
                         f"n_candidates={n_candidates}, max_epochs={max_epochs}.")
    floor = min(max_epochs, MIN_EPOCHS if min_epochs is None else max(1, int(min_epochs)))
    by_candidates = 1 + int(math.floor(math.log(n_candidates) / math.log(factor) + 1e-9))
    by_epochs = 1 + int(math.floor(math.log(max_epochs / floor) / math.log(factor) + 1e-9))
    n_rounds = min(by_candidates, by_epochs)
    return [(math.ceil(n_candidates / factor**i),
             max(floor, round(max_epochs / factor ** (n_rounds - 1 - i))))
            for i in range(n_rounds)]


class HalvingCandidateSearch(CandidateSearch):
    """CandidateSearch by successive halving, training epochs as the resource.

    Candidates that replace the whole model (baselines such as
    ``{"model": [DummyClassifier()]}``) have no epochs: they are evaluated once,
    in the first round, and compete only for the final choice.

    Parameters
    ----------
    estimator, param_grid, scoring, n_jobs, cv, verbose, time_budget, progress, best_possible
        As in :class:`~autoseq.automl.search.CandidateSearch`. ``time_budget`` covers all
        rounds; ``progress(done, total, best, elapsed)`` counts evaluations over
        all rounds.
    batch_size : int or "auto", default="auto"
        Candidates evaluated per batch; "auto" fills the parallel workers that
        ``n_jobs`` gives under the active joblib backend
        (:func:`autoseq.model_selection.distributed.candidate_batch_size`), 1 when sequential.
    factor : int, default=3
        Each round keeps the best ``ceil(n / factor)`` candidates and gives them
        ``factor`` times more epochs.
    min_epochs : int, optional
        Epochs of the first round at least (default 10, or the budget if smaller).

    Attributes
    ----------
    cv_results_ : dict
        One row per (candidate, round); ``iter`` is the round and ``n_resources``
        the epochs it trained with (0 for candidates without epochs).
    best_index_ : int
        Best row among the last round and the epoch-free candidates.
    rounds_ : list of dict
        Per round: ``epochs``, ``n_candidates`` and ``n_evaluated``.
    failures_, partial_failures_, stopped_early_, n_candidates_total_, n_splits_, scorer_
        As in :class:`~autoseq.automl.search.CandidateSearch`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import Pipeline
    >>> from autoseq import SeqClassifier, SequenceScaler, get_architecture
    >>> from autoseq.model_selection.halving import HalvingCandidateSearch
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(24, 6, 1)); y = (X.mean(axis=(1, 2)) > 0).astype(int)
    >>> pipe = Pipeline([("scaler", SequenceScaler()),
    ...                  ("model", SeqClassifier(epochs=6, random_state=0))])
    >>> grid = {"model__architecture": [get_architecture("gru", units=4),
    ...                                 get_architecture("simple_rnn", units=4)]}
    >>> search = HalvingCandidateSearch(pipe, grid, cv=2, factor=2, min_epochs=3).fit(X, y)
    >>> [r["epochs"] for r in search.rounds_]
    [3, 6]
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, cv=None,
                 verbose=0, time_budget=None, batch_size="auto", progress=None, factor=3,
                 min_epochs=None, best_possible=None):
        super().__init__(estimator, param_grid, scoring=scoring, n_jobs=n_jobs, cv=cv,
                         verbose=verbose, time_budget=time_budget, batch_size=batch_size,
                         progress=progress, best_possible=best_possible)
        self.factor = factor
        self.min_epochs = min_epochs

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        trained = [c for c in candidates if "model" not in c]
        fixed = [c for c in candidates if "model" in c]
        max_epochs = int(self.estimator.get_params().get(RESOURCE) or 1)
        schedule = halving_schedule(max(len(trained), 1), max_epochs, factor=self.factor,
                                    min_epochs=self.min_epochs) if trained else [(0, 0)]
        total = len(candidates) + sum(n for n, _ in schedule[1:])
        saved = (self.param_grid, self.time_budget, self.progress, self.batch_size)
        if self.batch_size == "auto":
            from autoseq.model_selection.distributed import candidate_batch_size

            self.batch_size = candidate_batch_size(self.n_jobs, self.n_splits_)
        start, done_before = time.monotonic(), [0]
        failures, partial, self.rounds_ = [], {}, []
        stopped, alive, skipped = None, trained, []
        try:
            for r, (_, epochs) in enumerate(schedule):
                # the fixed candidates first: CandidateSearch runs them first
                origin = (fixed if r == 0 else []) + alive
                round_params = [c if "model" in c else _with_epochs(c, epochs, max_epochs)
                                for c in origin]
                rows = []
                evaluate = _recording(evaluate_candidates, r, rows)
                self.param_grid = [{k: [v] for k, v in c.items()} for c in round_params]
                if self.time_budget is not None:
                    left = self.time_budget - (time.monotonic() - start)
                    if left <= 0:
                        stopped, skipped = "time_budget", [c for c in round_params if "model" not in c]
                        break
                    self.time_budget = left
                self.progress = _shifted(saved[2], done_before[0], total, start)
                try:
                    super()._run_search(evaluate)
                except (SearchFailedError, KeyboardInterrupt) as exc:
                    failures.extend(self.failures_)
                    if r == 0:
                        self.failures_ = failures
                        raise
                    stopped = self.stopped_early_ or (
                        "interrupted" if isinstance(exc, KeyboardInterrupt) else None)
                    break
                finally:
                    done_before[0] += len(round_params)
                    self.time_budget = saved[1]
                failures.extend(self.failures_)
                partial.update(self.partial_failures_)
                self.rounds_.append({"epochs": epochs, "n_candidates": len(round_params),
                                     "n_evaluated": len(rows)})
                if self.stopped_early_ is not None:
                    stopped, skipped = self.stopped_early_, self.skipped_
                    break
                if r + 1 < len(schedule):
                    alive = _best(rows, origin, schedule[r + 1][0])
        finally:
            self.param_grid, self.time_budget, self.progress, self.batch_size = saved
        self.failures_, self.partial_failures_ = failures, partial
        self.stopped_early_, self.skipped_ = stopped, skipped
        self.n_candidates_total_ = len(candidates)

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        rounds = np.asarray(results["iter"])
        final = (rounds == rounds.max()) | (np.asarray(results["n_resources"]) == 0)
        eligible = np.where(final & np.isfinite(scores), scores, -np.inf)
        if not np.isfinite(eligible).any():
            eligible = np.where(np.isfinite(scores), scores, -np.inf)
        return int(np.argmax(eligible))


def _with_epochs(params: dict, epochs: int, max_epochs: int) -> dict:
    """The candidate trained for this round: its own epoch cap scaled like the default's."""
    own = params.get(RESOURCE, max_epochs)
    scaled = max(1, round(own * epochs / max_epochs)) if own != max_epochs else epochs
    return {**params, RESOURCE: scaled}


def _recording(evaluate_candidates, round_index, rows):
    """Wrap sklearn's ``evaluate_candidates``: tag rows with the round and keep, per
    position in the round (the parent evaluates the round's grid in order), the score."""
    position = [0]

    def evaluate(candidate_params):
        candidate_params = list(candidate_params)
        first, n = position[0], len(candidate_params)
        position[0] += n
        resources = [0 if "model" in c else int(c.get(RESOURCE, 0)) for c in candidate_params]
        results = evaluate_candidates(candidate_params, more_results={
            "iter": [round_index] * n, "n_resources": resources})
        scores = np.asarray(results["mean_test_score"], dtype=float)[-n:]
        rows.extend(zip(range(first, first + n), scores, strict=True))
        return results

    return evaluate


def _best(rows, origin, n_keep: int) -> list[dict]:
    """The ``n_keep`` best trained candidates of a round; failed ones never go on."""
    ranked = sorted((-score, i) for i, score in rows
                    if np.isfinite(score) and "model" not in origin[i])
    return [origin[i] for _, i in ranked[:n_keep]]


def _shifted(progress, done_before, total, start):
    return None if progress is None else _ShiftedProgress(progress, done_before, total, start)


class _ShiftedProgress:
    """A round's progress as a share of the whole search's."""

    def __init__(self, progress, done_before, total, start):
        self.progress, self.done_before, self.total, self.start = (
            progress, done_before, total, start)

    def __call__(self, done, _total, best, _elapsed):
        self.progress(self.done_before + done, self.total, best, time.monotonic() - self.start)

    def running(self, what: str) -> None:
        if hasattr(self.progress, "running"):
            self.progress.running(what)
