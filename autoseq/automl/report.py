"""What a search tells its user: why it stopped, what won and why."""

from __future__ import annotations

import warnings

import numpy as np

from autoseq.model_selection.results import candidate_name, describe, kind


def say(message: str) -> None:
    """One line on stderr, without rich's markup or highlighting."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(message, highlight=False, markup=False)


def report_stop(estimator, search, budget=None) -> None:
    """Warn (or, for the default budget, say when verbose) why the search stopped early."""
    n_run = len(search.cv_results_["params"])
    time_budget, verbose = estimator.time_budget, estimator.verbose
    if search.stopped_early_ == "time_budget":
        setting = (f"time_budget='auto' ({budget:.0f}s)" if isinstance(time_budget, str)
                   and budget is not None else f"time_budget={time_budget}s")
        message = (f"{setting} was spent after {n_run} of {search.n_candidates_total_} "
                   "candidates; the rest were "
                   "not tried (they are on the leaderboard as not run). The best finished "
                   "candidate is refitted.")
        tell_about_budget(estimator, message, stacklevel=5)
    elif search.stopped_early_ == "unbeatable" and verbose:
        say(f"a candidate scored the best possible cv score after {n_run} candidates; "
            f"the {len(search.skipped_)} trained candidates left could at most tie, so "
            "they were not trained")
    elif search.stopped_early_ == "interrupted":
        warnings.warn(
            "Search interrupted: keeping the best of the "
            f"{n_run} candidates finished so far and refitting "
            "it on all the data (interrupt again to abandon the fit).",
            UserWarning, stacklevel=4)


def tell_about_budget(estimator, message: str, stacklevel: int = 4) -> None:
    """Warn of what the time budget changed; for the default budget (expected, not a
    fault) say it only when verbose. ``stacklevel`` reaches the user's ``fit``."""
    if isinstance(estimator.time_budget, str):
        if estimator.verbose:
            say(message)
    else:
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


def report_winner(estimator, outcome) -> None:
    """Say what won, how the ensemble fared, and what a winning baseline beat."""
    results = estimator.cv_results_
    single = results["params"][outcome.best_single]
    say(f"best: {describe(estimator.best_params_)}  cv score {estimator.best_score_:.4f}  "
        f"(search {outcome.search_time:.0f}s, refit {outcome.refit_time:.0f}s)")
    ensemble = outcome.ensemble
    if ensemble is not None:
        n_splits = len(outcome.y_folds)
        folds = f"folds 2-{n_splits}" if n_splits > 2 else "fold 2"
        if ensemble.refit_left is not None:
            say(f"the ensemble scored {ensemble.score:.4f} on {folds} against "
                f"{ensemble.single_score:.4f} for the best single candidate "
                f"({describe(single)}), but refitting its members (~"
                f"{ensemble.refit_estimate:.0f}s) would not fit in the "
                f"{max(ensemble.refit_left, 0):.0f}s left of the time budget; the single "
                "candidate is kept (the ensemble is in ensemble_)")
        elif ensemble.wins:
            say(f"the ensemble won: {ensemble.score:.4f} on {folds} against "
                f"{ensemble.single_score:.4f} for the best single candidate "
                f"({describe(single)}) on the same folds")
        elif ensemble.score == ensemble.single_score:
            say(f"the ensemble only tied the best single candidate ({describe(single)}): "
                f"{ensemble.score:.4f} on {folds}; the single candidate is kept (the "
                "ensemble is in ensemble_)")
        else:
            say(f"the best single candidate ({describe(single)}) won: "
                f"{ensemble.single_score:.4f} on {folds} against {ensemble.score:.4f} for "
                "the ensemble (kept in ensemble_)")
    if kind(estimator.best_params_) != "baseline":
        return
    scores = np.asarray(results["mean_test_score"], dtype=float)
    name = candidate_name(estimator.best_params_)
    deep = [i for i, p in enumerate(results["params"]) if kind(p) == "deep"]
    finished = [i for i in deep if np.isfinite(scores[i])]
    if finished:
        top = max(finished, key=lambda i: scores[i])
        say(f"no deep model beat the baseline {name}: the best deep model, "
            f"{describe(results['params'][top])}, scored {scores[top]:.4f}")
    elif outcome.stopped == "unbeatable":
        pass  # said when the search stopped
    elif deep:
        say(f"no deep model finished, so the baseline {name} is used")
    else:
        say(f"only baselines were searched; {name} is used")
