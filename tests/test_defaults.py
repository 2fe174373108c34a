"""What a user gets without settings: the cost-aware search and its time budget.

Everything here is tiny; the default estimators on real data run in the CI's
defaults stage (tests/defaults/) and their times are in BENCHMARKS.md.
"""

import io
import time

import numpy as np
import pytest
from rich.console import Console
from test_search import TinyPool

from autoseq import AutoSeqClassifier, AutoSeqRegressor, SeqClassifier, get_architecture
from autoseq.estimators.deadline import current_deadline, training_deadline
from autoseq.model_selection.budget import default_time_budget, resolve_time_budget
from autoseq.model_selection.progress import SearchProgress
from autoseq.model_selection.results import NOT_RUN, is_trained
from autoseq.model_selection.search import CandidateSearch
from autoseq.registry import list_architectures, register_architecture, unregister_architecture


def _separable(n=24, steps=30, seed=0):
    """Two classes no model can confuse: flat noise against a large sine."""
    rng = np.random.default_rng(seed)
    y = np.tile([0, 1], n // 2)
    t = np.linspace(0, 4 * np.pi, steps)
    X = rng.normal(scale=0.05, size=(n, steps, 1)) + (y[:, None] * 3 * np.sin(t))[:, :, None]
    return X, y


# -- the budget's size and its parameter ------------------------------------------------

def test_the_default_budget_is_a_minute_on_small_data_and_grows_with_it():
    assert default_time_budget(0) == 60.0
    assert default_time_budget(50 * 150) == 60.0  # GunPoint
    assert default_time_budget(250_000) == 60.0
    assert default_time_budget(500_000) == 120.0
    assert default_time_budget(10**10) == 1800.0
    assert resolve_time_budget("auto", 500_000) == 120.0
    assert resolve_time_budget(None, 10**9) is None
    assert resolve_time_budget(5, 10**9) == 5.0


@pytest.mark.parametrize("value", [0, -3, "fast", True, [60]])
def test_a_bad_time_budget_is_refused_naming_what_is_accepted(value):
    with pytest.raises(ValueError, match="time_budget must be 'auto', None .no bound. or a "
                                         "positive number of seconds; got"):
        resolve_time_budget(value, 100)


def test_every_autoseq_estimator_defaults_to_the_bounded_cost_aware_search():
    from autoseq import AutoSeqAnomalyDetector, AutoSeqForecaster, AutoSeqGenerator

    for estimator in (AutoSeqClassifier(), AutoSeqRegressor(), AutoSeqGenerator(),
                      AutoSeqForecaster(), AutoSeqAnomalyDetector()):
        params = estimator.get_params()
        assert (params["time_budget"], params["search"], params["verbose"]) == (
            "auto", "auto", None), type(estimator).__name__


# -- the order -----------------------------------------------------------------------------

def test_the_default_search_lists_what_fits_without_training_first_then_by_priority():
    X, y = _separable()
    clf = AutoSeqClassifier(random_state=0)
    task = clf._make_task()
    X, y = task.check_input(X, y)
    grid = task.param_grid(X, y)
    free = [entry for entry in grid if "model" in entry]
    assert grid[:len(free)] == free  # rocket_hydra_ridge and majority lead the grid
    names = [type(m).__name__ for entry in free for m in entry["model"]]
    assert names[:2] == ["RocketHydraRidgeClassifier", "MajorityClassifier"]
    priorities = [entry["model__architecture"][0].priority for entry in grid[len(free):]]
    assert priorities == sorted(priorities) and len(set(priorities)) > 3


def test_named_architectures_keep_the_order_they_are_given_in():
    X, y = _separable()
    clf = AutoSeqClassifier(architectures=["simple_rnn", "rocket"], random_state=0)
    task = clf._make_task()
    X, y = task.check_input(X, y)
    names = [e["model__architecture"][0].name for e in task.param_grid(X, y)
             if "model__architecture" in e]
    assert names == ["simple_rnn", "rocket"]
    assert get_architecture("simple_rnn").priority > get_architecture("rocket").priority


def test_candidates_without_a_training_loop_run_first_even_when_listed_last():
    from sklearn.pipeline import Pipeline

    from autoseq.baselines.numeric import MajorityClassifier

    X, y = _separable()
    pipe = Pipeline([("model", SeqClassifier(epochs=1, random_state=0))])
    grid = [{"model__architecture": [get_architecture("gru", units=2)]},
            {"model": [MajorityClassifier()]}]
    search = CandidateSearch(pipe, grid, cv=2, time_budget=1e-6).fit(X, y)
    # the budget was spent before anything ran, yet the free candidate ran, first
    assert [is_trained(p) for p in search.cv_results_["params"]] == [False]
    assert search.stopped_early_ == "time_budget"
    assert [is_trained(p) for p in search.skipped_] == [True]


def test_a_costly_closed_form_candidate_starts_no_fold_once_the_search_share_is_spent(
        monkeypatch):
    from autoseq.estimators import deadline
    from autoseq.estimators.rocket_ridge import RocketRidgeClassifier

    X, y = _separable()
    fit = RocketRidgeClassifier.fit
    calls = []  # (a fold of the search?, when), a refused fold too

    def slow_fit(self, X, y, sample_weight=None):
        calls.append((deadline._search_deadline.get() is not None, time.time()))
        time.sleep(2.5)
        return fit(self, X, y, sample_weight)

    monkeypatch.setattr(RocketRidgeClassifier, "fit", slow_fit)
    clf = AutoSeqClassifier(architectures=[], cv=4, time_budget=8.0, ensemble=False,
                            random_state=0).fit(X, y)
    board = clf.leaderboard_.set_index("architecture")
    # 6.8 s of the budget is the search's: the first fold ends in time, the third and
    # fourth start after it (each fold takes over 2.5 s) and are refused
    folds = [when for in_search, when in calls if in_search]
    assert len(folds) == 4 and folds[2] - folds[0] > 5.0
    rocket = board.loc["rocket_hydra_ridge"]
    assert "time budget spent" in rocket["error"]
    scored = np.isfinite([clf.cv_results_[f"split{k}_test_score"][0] for k in range(4)])
    assert scored[0] and not scored[3]
    # it is scored on the folds it finished, which the leaderboard names, and still wins
    assert rocket["folds"] == (f"1-{scored.sum()}" if scored.sum() > 1 else "1")
    assert rocket["mean_score"] == 1.0
    assert type(clf.best_estimator_.named_steps["model"]).__name__ == \
        "RocketHydraRidgeClassifier"
    # the trivial baseline always gets its score on every fold
    assert board.loc["majority", "folds"] == "1-4"


def test_the_search_deadline_never_stops_a_refit():
    from autoseq.estimators.deadline import check_search_deadline, search_deadline
    from autoseq.estimators.rocket_ridge import RocketRidgeClassifier

    X, y = _separable()
    with search_deadline(time.time() - 1):
        with pytest.raises(RuntimeError, match="time budget spent: RocketRidgeClassifier"):
            RocketRidgeClassifier(n_kernels=8).fit(X, y)
    check_search_deadline(RocketRidgeClassifier())  # outside a search: no deadline


def test_the_search_deadline_covers_the_folds_and_not_the_refit(monkeypatch):
    from autoseq.estimators import deadline
    from autoseq.estimators.rocket_ridge import RocketRidgeClassifier

    X, y = _separable()
    fit, seen = RocketRidgeClassifier.fit, []

    def spy(self, X, y, sample_weight=None):
        seen.append(deadline._search_deadline.get())
        return fit(self, X, y, sample_weight)

    monkeypatch.setattr(RocketRidgeClassifier, "fit", spy)
    started = time.time()
    clf = AutoSeqClassifier(architectures=[], cv=2, time_budget=30, ensemble=False,
                            random_state=0).fit(X, y)
    *folds, refit = seen
    assert len(folds) == 2 and all(started < d <= started + 0.85 * 30 + 1 for d in folds)
    assert refit is None  # the winner's refit is never refused
    assert type(clf.best_estimator_.named_steps["model"]).__name__ == \
        "RocketHydraRidgeClassifier"


# -- the early discard ---------------------------------------------------------------------

def test_no_network_is_trained_once_a_free_candidate_has_a_perfect_cv_score():
    X, y = _separable()
    clf = AutoSeqClassifier(cv=2, random_state=0, time_budget=None).fit(X, y)
    board = clf.leaderboard_
    assert clf.stopped_early_ == "unbeatable"
    assert board.iloc[0]["architecture"] == "rocket_hydra_ridge" and clf.best_score_ == 1.0
    trained = board[board["architecture"].isin(list_architectures("classification"))]
    assert len(trained) >= 10  # every registered architecture is listed ...
    assert (trained["error"] == NOT_RUN["unbeatable"]).all()  # ... and none was trained
    assert trained["mean_score"].isna().all()
    assert clf.predict(X).tolist() == y.tolist()


def test_named_architectures_are_all_trained_whatever_the_score_so_far():
    def best_possible(estimator):
        return estimator._make_task().best_possible()

    assert best_possible(AutoSeqClassifier(architectures=["gru"])) is None
    assert best_possible(AutoSeqClassifier()) == 1.0
    assert best_possible(AutoSeqClassifier(scoring="f1")) is None  # unknown maximum
    assert best_possible(AutoSeqRegressor()) is None


def test_auto_search_halves_many_trained_candidates_and_grids_a_few():
    clf = AutoSeqClassifier()
    many = [{"model__architecture": [get_architecture("gru")], "model__architecture__units":
             list(range(1, 8))}]
    few = [{"model__architecture": [get_architecture("gru")], "model__architecture__units":
            [4, 8]}, {"model": ["a", "b", "c", "d", "e", "f", "g"]}]
    def kind(estimator, grid):
        return estimator._make_task().schedule(grid)[0]

    assert kind(clf, many) == "halving"
    assert kind(clf, few) == "grid"  # free candidates do not count
    assert kind(AutoSeqClassifier(search="grid"), many) == "grid"


# -- the budget covers the refit -------------------------------------------------------------

def _results(fit_times, scores, params):
    return {"mean_fit_time": np.asarray(fit_times, dtype=float),
            "mean_score_time": np.zeros(len(fit_times)),
            "mean_test_score": np.asarray(scores, dtype=float), "params": params}


def test_no_candidate_starts_when_the_leaders_refit_would_not_fit_in_the_budget():
    search = CandidateSearch(None, {}, time_budget=60)
    search.refit_scale_, search._n_folds = 1.5, 2
    net = {"model__architecture": "x"}
    results = _results([20.0, 1.0], [0.9, 0.5], [net, {"model": "m"}])
    reserve = search._refit_estimate(results)
    assert reserve == pytest.approx(30.0)  # the leader's fold fit, scaled to all rows
    # a slow runner-up may join an ensemble's refit; the fourth best may not
    assert search._refit_estimate(_results([1.0, 8.0, 2.0, 50.0], [0.9, 0.8, 0.7, 0.1],
                                           [net] * 4)) == pytest.approx(12.0)
    cost = search._candidate_cost(results)
    assert cost == pytest.approx(40.0)  # one more network: its folds, one after another
    assert search._stop_reason(5.0, 0.9, reserve, 10.0) is None
    assert search._stop_reason(21.0, 0.9, reserve, 10.0) == "time_budget"
    assert search._stop_reason(5.0, 0.9, reserve, cost) == "time_budget"
    # before any network ran, one of unknown cost starts only while half the budget is left
    assert search._stop_reason(5.0, 0.9, 0.0) is None
    assert search._stop_reason(31.0, 0.9, 0.0) == "time_budget"
    assert CandidateSearch(None, {})._stop_reason(10**6, 0.9, reserve, cost) is None
    assert search._candidate_cost(_results([1.0], [0.5], [{"model": "m"}])) is None


def test_a_network_whose_refit_the_budget_would_cut_gives_way_to_one_that_fits():
    from autoseq.automl.base import refit_within_budget

    net, closed, trivial = {"model__architecture": "x"}, {"model": "ridge"}, {"model": "m"}
    results = _results([10.0, 20.0, 0.01], [0.9, 0.8, 0.5], [net, closed, trivial])
    # 15 s expected (10 s folds x 1.5): 8 s left trains it for more than half of that
    assert refit_within_budget(results, 0, left=8.0, budget=60, scale=1.5) == 0
    # 2 s left would stop it barely trained: the ridge (30 s) may overrun by 6 s only,
    # so the majority baseline is refitted
    assert refit_within_budget(results, 0, left=2.0, budget=60, scale=1.5) == 2
    # a larger budget lets the ridge overrun by up to 30 s: the ridge
    assert refit_within_budget(results, 0, left=2.0, budget=300, scale=1.5) == 1
    # a winner without a training loop always finishes; so does the last resort
    assert refit_within_budget(results, 1, left=-5.0, budget=60, scale=1.5) == 1
    only_nets = _results([10.0, 30.0], [0.9, 0.8], [net, net])
    assert refit_within_budget(only_nets, 0, left=1.0, budget=60, scale=1.5) == 0


def test_a_fit_whose_budget_is_spent_refits_the_baseline_not_a_cut_network(monkeypatch):
    from autoseq.automl import base

    X, y = _separable()
    # no training time left at the refit (as after a search that used the whole budget)
    monkeypatch.setattr(base, "training_end", lambda started, budget: time.time() - 1.0)
    with pytest.warns(UserWarning, match="scored best, but its refit on every row"):
        clf = AutoSeqClassifier(architectures=[get_architecture("gru", units=2)],
                                max_epochs=2, ensemble=False, time_budget=600,
                                random_state=0).fit(X, y)
    board = clf.leaderboard_
    assert not is_trained(clf.best_params_)
    assert board["architecture"].iloc[0] == "majority"
    assert board.attrs["note"].startswith("gru scored best")
    assert "\nnote: gru scored best" in repr(board)
    assert clf.cv_results_["mean_test_score"][clf.best_index_] < board["mean_score"].max()


def test_a_first_network_starts_only_if_its_setup_fits_in_what_is_left(monkeypatch):
    from collections import deque

    from autoseq.estimators import deadline

    monkeypatch.setattr(deadline, "_setups_seen", deque(maxlen=32))
    search = CandidateSearch(None, {}, time_budget=10)
    # nothing measured yet: the prior of the slowest built-in's first fold
    assert deadline.network_setup_seconds() >= deadline.NETWORK_SETUP_SECONDS
    assert search._stop_reason(1.0, 0.9, 0.0) == "time_budget"  # half is left, not 10 s
    assert CandidateSearch(None, {}, time_budget=60)._stop_reason(1.0, 0.9, 0.0) is None
    # a network fitted in this process teaches what its fold costs before it can stop
    X, y = _separable()
    SeqClassifier(get_architecture("gru", units=2), epochs=1, random_state=0).fit(X, y)
    assert len(deadline._setups_seen) == 1
    measured = deadline._setups_seen[0]
    assert 0 < measured < deadline.NETWORK_SETUP_SECONDS
    assert deadline.network_setup_seconds() == pytest.approx(measured)
    assert search._stop_reason(1.0, 0.9, 0.0) is None
    # the slowest fold seen is the floor
    deadline.record_network_setup(9.5)
    assert search._stop_reason(1.0, 0.9, 0.0) == "time_budget"


class DeadlineSpy(TinyPool):
    """Records, at each build, the training deadline in force in this process."""

    name = "deadline_spy"
    seen = []

    def build(self, x, *, units=4):
        type(self).seen.append(current_deadline())
        return super().build(x, units=units)


def test_the_refit_trains_under_the_deadline_of_the_whole_fit():
    X, y = _separable()
    DeadlineSpy.seen = []
    register_architecture(DeadlineSpy)
    try:
        started = time.time()
        clf = AutoSeqClassifier(architectures=["deadline_spy"], baselines=False, cv=2,
                                max_epochs=2, time_budget=30, random_state=0).fit(X, y)
    finally:
        unregister_architecture("deadline_spy")
    *folds, refit = DeadlineSpy.seen
    assert folds == [None, None]  # the folds stop through their own callback
    assert started + 29 < refit <= started + 30.5  # the refit: the fit's start + budget
    assert clf.time_budget_ == 30


def test_a_network_fitted_after_its_deadline_stops_after_one_batch():
    X, y = _separable()
    from autoseq._backend import keras

    class CountBatches(keras().callbacks.Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            type(self).batches += 1

    est = SeqClassifier(architecture=get_architecture("gru", units=2), epochs=5, batch_size=4,
                        early_stopping=False, random_state=0, callbacks=[CountBatches()])
    with training_deadline(time.time() - 1):
        est.fit(X, y)
    assert len(est.history_["loss"]) == 1
    assert CountBatches.batches == 1  # of the 6 batches an epoch has
    est.fit(X, y)  # outside the block no deadline remains
    assert len(est.history_["loss"]) == 5


# -- progress --------------------------------------------------------------------------------

@pytest.mark.parametrize("terminal, shown", [(True, True), (False, False)])
def test_default_progress_shows_on_a_terminal_only(terminal, shown):
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, force_jupyter=False, width=100)
    with SearchProgress(total=3, time_budget=60, verbose=None, console=console) as progress:
        progress(1, 3, 0.5, 1.0)
    assert ("search" in out.getvalue()) is shown


def test_verbose_zero_stays_silent_on_a_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with SearchProgress(total=3, verbose=0, console=console) as progress:
        progress(1, 3, 0.5, 1.0)
    assert out.getvalue() == ""


def test_an_empty_architecture_list_searches_the_baselines_only():
    X, y = _separable()
    clf = AutoSeqClassifier(architectures=[], cv=2, random_state=0, ensemble=False).fit(X, y)
    assert set(clf.leaderboard_["architecture"]) == {"rocket_hydra_ridge", "majority"}
    assert set(clf.leaderboard_["kind"]) == {"baseline"}
    with pytest.raises(ValueError, match=r"Nothing to search: architectures=\[\] .baselines "
                                         r"only. and baselines=False"):
        AutoSeqClassifier(architectures=[], baselines=False).fit(X, y)


def test_the_progress_bar_says_what_runs_now():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    with SearchProgress(total=3, time_budget=60, verbose=None, console=console) as progress:
        progress.running("gru {'units': 32}")
        progress(1, 3, 0.5, 1.0)
    assert progress.running_ == "gru {'units': 32}"
    assert "now: gru" in out.getvalue()


def test_a_search_reports_each_batch_before_it_runs():
    from sklearn.pipeline import Pipeline

    from autoseq.baselines.numeric import MajorityClassifier

    class Recorder:
        def __init__(self):
            self.said = []

        def running(self, what):
            self.said.append(what)

        def __call__(self, *args):
            pass

    X, y = _separable()
    recorder = Recorder()
    pipe = Pipeline([("model", SeqClassifier(epochs=1, random_state=0))])
    grid = [{"model__architecture": [get_architecture("gru", units=2)]},
            {"model": [MajorityClassifier()]}]
    CandidateSearch(pipe, grid, cv=2, progress=recorder).fit(X, y)
    assert recorder.said == ["majority", "gru"]


def test_the_printed_leaderboard_marks_candidates_not_run_once_with_the_reason():
    from autoseq.model_selection.progress import Leaderboard

    board = Leaderboard({
        "rank": [1, 2, 3], "architecture": ["rocket_ridge", "gru", "lstm"],
        "kind": ["baseline", "deep", "deep"], "params": [{}, {"units": 32}, {"units": 32}],
        "mean_score": [1.0, np.nan, np.nan], "std_score": [0.0, np.nan, np.nan],
        "fit_time": [1.0, np.nan, np.nan], "error": ["", NOT_RUN["unbeatable"]] * 1
        + [NOT_RUN["unbeatable"]]})
    out = io.StringIO()
    Console(file=out, width=120).print(board)
    text = out.getvalue()
    assert text.count("not run") == 3  # two cells and one note
    assert "2 candidate(s) not run: a finished candidate has the best possible score" in text
    assert "failed" not in text


def test_training_ends_early_enough_for_the_work_after_the_refit():
    import time

    from autoseq.model_selection.budget import FINISH_MARGIN, training_end

    started = time.monotonic() - 10.0  # the fit began 10 s ago
    end = training_end(started, 100.0)
    assert abs(end - (time.time() + 100.0 * (1 - FINISH_MARGIN) - 10.0)) < 0.5
    assert FINISH_MARGIN > 0
    assert training_end(started, None) is None


def test_a_network_fold_does_not_start_after_its_deadline():
    from autoseq.estimators.deadline import TimeBudgetSpent, deadline_callback

    X, y = _separable()
    late = SeqClassifier(get_architecture("gru", units=2), epochs=1, random_state=0,
                         callbacks=[deadline_callback(time.time() - 1)])
    with pytest.raises(TimeBudgetSpent, match="did not start this fold"):
        late.fit(X, y)
    # a refit carries no deadline callback of its own: it is never refused
    with training_deadline(time.time() - 1):
        SeqClassifier(get_architecture("gru", units=2), epochs=1, random_state=0).fit(X, y)
