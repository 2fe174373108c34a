"""Successive halving over candidates, with training epochs as the resource.

``AutoSeq*(search="halving")`` runs the search with a :class:`HalvingSchedule`:
every candidate is first cross-validated with a fraction of the epoch budget,
the best ``1 / factor`` go on to the next round with ``factor`` times more
epochs, and the last round trains the survivors with the full budget. Every
round goes through the same engine
(:class:`~autoseq.model_selection.search.CandidateSearch`), so batching, the
time budget, failed candidates and interruption behave exactly as in the grid
search.
"""

from __future__ import annotations

import math

import numpy as np

from autoseq.model_selection.results import is_trained
from autoseq.model_selection.search import CandidateSearch

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


class HalvingSchedule:
    """Successive halving over training epochs (a schedule, see
    :mod:`autoseq.model_selection.schedules`).

    Candidates without epochs (baselines such as ``{"model": [DummyClassifier()]}``)
    are evaluated once, in the first round, and compete only for the final
    choice. Rows are tagged with ``iter`` (the round) and ``n_resources`` (the
    epochs trained, 0 for candidates without epochs).

    Parameters
    ----------
    factor : int, default=3
        Each round keeps the best ``ceil(n / factor)`` candidates and gives them
        ``factor`` times more epochs.
    min_epochs : int, optional
        Epochs of the first round at least (default 10, or the budget if smaller).
    """

    def __init__(self, factor=3, min_epochs=None):
        self.factor = factor
        self.min_epochs = min_epochs

    def _rounds(self, candidates, max_epochs):
        n_trained = sum(1 for c in candidates if is_trained(c))
        if not n_trained:
            return [(0, 0)]
        return halving_schedule(n_trained, max_epochs, factor=self.factor,
                                min_epochs=self.min_epochs)

    def planned(self, candidates) -> int:
        return len(candidates)  # the later rounds' sizes need the epoch budget: run() adds them

    def run(self, candidates, run) -> None:
        max_epochs = int(run.search.estimator.get_params().get(RESOURCE) or 1)
        rounds = self._rounds(candidates, max_epochs)
        run.total = len(candidates) + sum(n for n, _ in rounds[1:])
        fixed = [c for c in candidates if not is_trained(c)]
        alive = [c for c in candidates if is_trained(c)]
        for r, (_, epochs) in enumerate(rounds):
            origin = (fixed if r == 0 else []) + alive
            params = [c if not is_trained(c) else _with_epochs(c, epochs, max_epochs)
                      for c in origin]
            before = run.n_ok
            scores = run.evaluate(params, tags=lambda c, r=r: _tags(c, r), resources=epochs)
            if run.n_ok > before:  # a round the budget stopped before its start is no round
                run.rounds.append({"epochs": epochs, "n_candidates": len(params),
                                   "n_evaluated": run.n_ok - before})
            if run.stopped is not None or r + 1 == len(rounds):
                return
            alive = _best(origin, scores, rounds[r + 1][0])
            if not alive:
                return


class HalvingCandidateSearch(CandidateSearch):
    """:class:`~autoseq.model_selection.search.CandidateSearch` with a
    :class:`HalvingSchedule`: successive halving, training epochs as the resource.

    Parameters
    ----------
    estimator, param_grid, scoring, n_jobs, cv, verbose, time_budget, progress, best_possible
        As in :class:`~autoseq.model_selection.search.CandidateSearch`.
        ``time_budget`` covers all rounds; ``progress(done, total, best,
        elapsed)`` counts evaluations over all rounds.
    batch_size : int or "auto", default="auto"
        Candidates evaluated per batch; "auto" fills the parallel workers that
        ``n_jobs`` gives under the active joblib backend
        (:func:`autoseq.model_selection.distributed.candidate_batch_size`), 1 when sequential.
    factor, min_epochs
        As in :class:`HalvingSchedule`.

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
        As in :class:`~autoseq.model_selection.search.CandidateSearch`.

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

    def _make_schedule(self):
        return HalvingSchedule(self.factor, self.min_epochs)


def _with_epochs(params: dict, epochs: int, max_epochs: int) -> dict:
    """The candidate trained for this round: its own epoch cap scaled like the default's."""
    own = params.get(RESOURCE, max_epochs)
    scaled = max(1, round(own * epochs / max_epochs)) if own != max_epochs else epochs
    return {**params, RESOURCE: scaled}


def _tags(params: dict, round_index: int) -> dict:
    return {"iter": round_index,
            "n_resources": int(params.get(RESOURCE, 0)) if is_trained(params) else 0}


def _best(origin, scores, n_keep: int) -> list[dict]:
    """The ``n_keep`` best trained candidates of a round; failed ones never go on."""
    ranked = sorted((-score, i) for i, score in enumerate(scores)
                    if np.isfinite(score) and is_trained(origin[i]))
    return [origin[i] for _, i in ranked[:n_keep]]
