"""autoseq.model_selection.progress: the search progress bar and the leaderboard's display."""

import io
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from autoseq.model_selection.progress import Leaderboard, SearchProgress, format_leaderboard


def _console(terminal):
    return Console(file=io.StringIO(), force_terminal=terminal, force_jupyter=False,
                   width=120, color_system=None)


def _text(console):
    return console.file.getvalue()


@pytest.fixture
def board():
    return pd.DataFrame({
        "rank": [1, 2, 3], "architecture": ["rocket", "gru", "tcn"],
        "kind": ["baseline", "deep", "deep"],
        "params": [{"n_kernels": 2000}, {"units": 32}, {"filters": 32, "n_blocks": 4}],
        "mean_score": [0.9, 0.8, np.nan], "std_score": [0.01, 0.05, np.nan],
        "fit_time": [1.5, 9.25, np.nan],
        "error": ["", "", "ValueError: Input 0 of layer is incompatible"],
    })


# -- SearchProgress ----------------------------------------------------------------------


def test_verbose_zero_shows_nothing_but_keeps_count():
    console = _console(terminal=True)
    with SearchProgress(total=2, time_budget=10, verbose=0, console=console) as progress:
        progress(1, 2, 0.5, 1.0)
        assert not progress.active
    assert _text(console) == ""
    assert progress.done_ == 1 and progress.best_score_ == 0.5


def test_terminal_bar_shows_count_best_and_budget():
    console = _console(terminal=True)
    with SearchProgress(total=3, time_budget=3600, console=console) as progress:
        assert progress.active
        progress(1, 3, 0.5, 1.0)
        progress(2, 3, 0.8, 2.0)
    text = _text(console)
    assert "2/3" in text and "candidates" in text
    assert "best 0.8000" in text
    assert "budget left" in text and "0:59:" in text
    assert not progress.active


def test_bar_without_budget_has_no_budget_column():
    console = _console(terminal=True)
    with SearchProgress(total=1, console=console) as progress:
        progress(1, 1, 0.5, 1.0)
    assert "budget" not in _text(console)


def test_log_output_is_one_line_per_call():
    console = _console(terminal=False)
    with SearchProgress(time_budget=30, console=console) as progress:
        progress(1, 4, 0.25, 12.0)
        progress(2, 4, float("nan"), 40.0)
    lines = _text(console).splitlines()
    assert lines == [
        "[autoseq] 1/4 candidates | best 0.2500 | 0:00:12 elapsed | 0:00:18 budget left",
        "[autoseq] 2/4 candidates | best 0.2500 | 0:00:40 elapsed | budget spent",
    ]


def test_best_is_the_running_maximum_of_finite_scores():
    progress = SearchProgress(verbose=0)
    assert math.isnan(progress.best_score_)
    for done, best in enumerate([float("nan"), 0.4, 0.3, float("nan")], start=1):
        progress(done, 4, best, float(done))
    assert progress.best_score_ == 0.4


def test_plain_callable_starts_and_stops_itself():
    console = _console(terminal=True)
    progress = SearchProgress(time_budget=600, console=console)
    progress(1, 2, 0.1, 125.0)
    assert progress.active
    progress(2, 2, 0.2, 130.0)
    assert not progress.active
    text = _text(console)
    assert "2/2" in text
    # the clock is the search's, though the bar started after its first candidate
    assert "0:02:10" in text and "0:07:50 budget left" in text


def test_total_unknown_until_first_call():
    console = _console(terminal=False)
    with SearchProgress(console=console) as progress:
        progress(1, None, 0.1, 1.0)
    assert "1/? candidates" in _text(console)


def test_drives_a_candidate_search(binary_sequences, monkeypatch):
    """The protocol CandidateSearch calls after each batch of candidates."""
    from sklearn.linear_model import LogisticRegression

    from autoseq.model_selection import search
    from autoseq.model_selection.search import CandidateSearch

    # freeing Keras memory between candidates would import TensorFlow for nothing here
    monkeypatch.setattr(search, "release_memory", lambda: None)
    X, y = binary_sequences
    console = _console(terminal=False)
    with SearchProgress(total=3, console=console) as progress:
        CandidateSearch(LogisticRegression(), {"C": [0.01, 1.0, 100.0]}, cv=2,
                        progress=progress).fit(X[:, :, 0], y)
    lines = _text(console).splitlines()
    assert [line.split(" | ")[0] for line in lines] == [
        f"[autoseq] {i}/3 candidates" for i in (1, 2, 3)]
    assert progress.done_ == 3 and 0.5 <= progress.best_score_ <= 1.0


# -- the leaderboard -----------------------------------------------------------------------


def _rendered(renderable, width=100):
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_format_leaderboard_table(board):
    text = _rendered(format_leaderboard(board))
    assert "0.9000 ± 0.0100" in text and "0.8000 ± 0.0500" in text
    assert "n_kernels=2000" in text and "9.2s" in text
    rows = [line for line in text.splitlines() if "rocket" in line or "gru" in line]
    assert "rocket" in rows[0]  # best first
    # a failed candidate says so, and its error is a note below the table
    assert "failed" in text
    assert "#3 tcn: ValueError: Input 0 of layer is incompatible" in text


def test_format_leaderboard_fits_a_narrow_terminal(board):
    text = _rendered(format_leaderboard(board), width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    for cell in ("rocket", "baseline", "0.9000 ± 0.0100", "1.5s"):
        assert cell in text


def test_format_leaderboard_max_rows(board):
    text = _rendered(format_leaderboard(board, max_rows=1))
    assert "rocket" in text and "gru" not in text
    assert "2 more candidates not shown" in text


def test_leaderboard_prints_compactly(board):
    shown = Leaderboard(board)
    text = repr(shown)
    assert "units=32" in text and "{" not in text
    assert "0.9000 ± 0.0100" in text
    assert "std_score" not in text
    html = shown._repr_html_()
    assert "<table" in html and "0.9000 ± 0.0100" in html and "units=32" in html
    assert "0.9000 ± 0.0100" in _rendered(shown)


def test_parameters_read_plainly(board, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    board.at[1, "params"] = {"members": ["gru {'units': 32}", "rocket"], "weights": [0.75, 0.25]}
    expected = "members=[gru {'units': 32}, rocket], weights=[0.75, 0.25]"
    assert expected in repr(Leaderboard(board))
    assert expected in _rendered(format_leaderboard(board), width=200)  # not read as markup


@pytest.mark.parametrize("columns", [80, 120])
def test_printed_leaderboard_fits_the_terminal(board, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))  # what shutil.get_terminal_size reads first
    members = [f"gru {{'units': {u}, 'dropout': 0.1, 'recurrent_dropout': 0.0}}"
               for u in range(10)]
    board.at[1, "params"] = {"members": members, "weights": [0.1] * 10}
    board.at[2, "error"] = "ValueError: " + "x" * 300
    lines = repr(Leaderboard(board)).splitlines()
    assert max(map(len, lines)) <= columns
    assert all(line == line.rstrip() for line in lines)  # no padding to the widest cell
    text = "\n".join(lines)
    for cell in ("rocket", "n_kernels=", "0.9000 ± 0.0100", "0.8000 ± 0.0500", "9.2s",
                 "members=", "ValueError", "..."):
        assert cell in text  # the numbers whole, the parameters and errors cut short
    if columns >= 120:
        assert "n_kernels=2000" in text  # short cells stay whole where there is room
    assert Leaderboard(board)["params"][1]["members"] == members  # the frame keeps it all


def test_further_score_columns_are_rounded(board):
    board.insert(5, "mase", [0.45591653832233786, 0.5, np.nan])
    text = repr(Leaderboard(board))
    assert "0.4559" in text and "0.45591" not in text
    table = _rendered(format_leaderboard(board), width=80)
    assert "mase" in table and "0.4559" in table and "0.45591" not in table


def test_leaderboard_hides_an_empty_error_column(board):
    text = repr(Leaderboard(board.iloc[:2]))
    assert "error" not in text


def test_leaderboard_stays_a_dataframe(board):
    shown = Leaderboard(board)
    assert type(shown.sort_values("fit_time")) is Leaderboard
    assert type(shown[["rank", "architecture"]]) is Leaderboard
    assert shown["mean_score"].max() == 0.9
    assert type(pickle.loads(pickle.dumps(shown))) is Leaderboard
    pd.testing.assert_frame_equal(pd.DataFrame(shown), board)
    # a reshaped board falls back to pandas' own display
    assert "count" in repr(shown.describe())
    assert "rocket" in repr(shown.T)
