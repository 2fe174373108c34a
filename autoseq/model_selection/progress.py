"""Showing a search to a person: a live progress bar while it runs, and its
leaderboard as a table afterwards.

:class:`SearchProgress` is the ``progress`` callable of the searches: a rich
progress bar of candidates done / total, elapsed time, best score so far and
the time budget left. On a console that is not a terminal (a log file, CI) it
writes one line per update instead of redrawing a bar. :func:`format_leaderboard`
and :class:`Leaderboard` make ``leaderboard_`` read well in a terminal and a
notebook.
"""

from __future__ import annotations

import math
import time

import pandas as pd

__all__ = ["Leaderboard", "SearchProgress", "format_leaderboard"]

# how the leaderboard's error column begins for a candidate the search did not start
NOT_RUN_PREFIX = "not run: "


def _score_text(value) -> str:
    if value is None or not math.isfinite(float(value)):
        return "-"
    return f"{float(value):.4f}"


def _duration_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _budget_text(time_budget, elapsed: float) -> str:
    left = time_budget - elapsed
    return f"{_duration_text(math.ceil(left))} budget left" if left > 0 else "budget spent"


class SearchProgress:
    """Progress of a search: candidates done / total, elapsed, best score, budget left.

    Call it as ``progress(done, total, best_score, elapsed)`` after each batch
    of candidates (the protocol of ``CandidateSearch(progress=...)``), inside
    a ``with`` block that starts and stops the bar. On a terminal or in a
    notebook it draws a rich progress bar whose clock and budget tick while a
    candidate trains; elsewhere (a log file, CI) it writes one line per call.
    At ``verbose=0`` it shows nothing.

    Parameters
    ----------
    total : int, optional
        Number of candidates, when known before the first call (so the bar
        shows ``0/total`` from the start); every call updates it.
    time_budget : float, optional
        The search's budget in seconds; the bar then shows the time left.
    verbose : int or None, default=1
        0 shows nothing; None shows the bar on a terminal only (nothing in a
        notebook, a log file or CI).
    console : rich.console.Console, optional
        Where to draw; by default standard error.

    Attributes
    ----------
    done_ : int
        Candidates finished at the last call.
    running_ : str
        What the search said it evaluates now (:meth:`running`).
    total_ : int or None
        Candidates in all, as of the last call.
    best_score_ : float
        Best finite score seen so far (NaN before any).

    Examples
    --------
    >>> from autoseq.model_selection.progress import SearchProgress
    >>> with SearchProgress(total=2, verbose=0) as progress:
    ...     progress(1, 2, 0.75, 3.0)
    ...     progress(2, 2, 0.80, 6.0)
    >>> progress.done_, progress.best_score_
    (2, 0.8)
    """

    def __init__(self, total=None, time_budget=None, verbose=1, console=None):
        self.total = total
        self.time_budget = time_budget
        self.verbose = verbose
        self.console = console
        self.done_ = 0
        self.total_ = total
        self.best_score_ = math.nan
        self._bar = None
        self._task = None
        self._lines = None  # the console, when writing lines instead of a bar
        self.running_ = ""  # what the search is evaluating now
        self._self_started = False
        self._origin = None  # time.monotonic() when the search started

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        return False

    @property
    def active(self) -> bool:
        """Whether the bar (or line output) is started."""
        return self._bar is not None or self._lines is not None

    def start(self) -> SearchProgress:
        """Start showing progress (a no-op at ``verbose=0`` or when started)."""
        if self.verbose == 0 or self.active:
            return self
        from rich.console import Console

        console = self.console if self.console is not None else Console(stderr=True)
        if self.verbose is None and not console.is_terminal:
            return self
        if not (console.is_terminal or console.is_jupyter):
            self._lines = console
            return self
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
        )

        columns = [TextColumn("[bold]search"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("candidates"), _clock_column(self, budget=False),
                   TextColumn("best {task.fields[best]}")]
        if self.time_budget is not None:
            columns.append(_clock_column(self, budget=True))
        columns.append(TextColumn("{task.fields[running]}", style="dim"))
        if self._origin is None:
            self._origin = time.monotonic()
        # two redraws a second keep the clock alive without taking CPU from training
        self._bar = Progress(*columns, console=console, refresh_per_second=2)
        self._task = self._bar.add_task("search", total=self.total_, completed=self.done_,
                                        best=_score_text(self.best_score_),
                                        running=self._running_text())
        self._bar.start()
        return self

    def stop(self) -> None:
        """Stop the bar, leaving its last state on screen."""
        if self._bar is not None:
            self._bar.stop()
        self._bar = self._task = self._lines = self._origin = None
        self._self_started = False

    def running(self, what: str) -> None:
        """Record what the search starts evaluating now (shown on the bar)."""
        self.running_ = what
        if self._bar is not None:
            self._bar.update(self._task, running=self._running_text())

    def _running_text(self) -> str:
        return f"now: {self.running_}" if self.running_ else ""

    def __call__(self, done, total, best, elapsed) -> None:
        """Record that ``done`` of ``total`` candidates are finished."""
        self.done_, self.total_ = int(done), total
        if best is not None and math.isfinite(float(best)):
            best = float(best)
            self.best_score_ = best if math.isnan(self.best_score_) else max(
                self.best_score_, best)
        if self.verbose == 0:
            return
        self._origin = time.monotonic() - elapsed  # the search's clock is the truth
        if not self.active:  # called without a ``with`` block: the bar ends with the search
            self._self_started = True
            self.start()
            if not self.active:  # verbose=None away from a terminal
                return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done_, total=total,
                             best=_score_text(self.best_score_))
            if self._self_started and total is not None and self.done_ >= total:
                self.stop()
            return
        parts = [f"[autoseq] {self.done_}/{total if total is not None else '?'} candidates",
                 f"best {_score_text(self.best_score_)}", f"{_duration_text(elapsed)} elapsed"]
        if self.time_budget is not None:
            parts.append(_budget_text(self.time_budget, elapsed))
        self._lines.print(" | ".join(parts), highlight=False, markup=False)


def _clock_column(progress: SearchProgress, *, budget: bool):
    """A bar column with the search's elapsed time, or the budget left, ticking live."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class ClockColumn(ProgressColumn):
        def render(self, task):
            elapsed = time.monotonic() - progress._origin
            if budget:
                return Text(_budget_text(progress.time_budget, elapsed), style="cyan")
            return Text(_duration_text(elapsed), style="yellow")

    return ClockColumn()


# -- the leaderboard ---------------------------------------------------------------------


def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_value_text, value)) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _params_text(params) -> str:
    if isinstance(params, dict):
        return ", ".join(f"{k}={_value_text(v)}" for k, v in params.items()) or "-"
    return "-" if params is None else str(params)


def _error_text(error, width: int = 70) -> str:
    text = "" if error is None or (isinstance(error, float) and math.isnan(error)) else str(error)
    return text if len(text) <= width else text[: width - 3] + "..."


def _display_frame(board: pd.DataFrame) -> pd.DataFrame:
    """A plain DataFrame of strings: one readable cell per leaderboard entry."""
    shown = pd.DataFrame(board).copy()
    if "params" in shown:
        shown["params"] = [_params_text(p) for p in shown["params"]]
    if "mean_score" in shown:
        scores = [_score_text(v) for v in shown["mean_score"]]
        if "std_score" in shown:
            scores = [s if s == "-" else f"{s} ± {_score_text(d)}"
                      for s, d in zip(scores, shown["std_score"], strict=True)]
            shown = shown.drop(columns="std_score")
        shown["mean_score"] = scores
        shown = shown.rename(columns={"mean_score": "score"})
    if "fit_time" in shown:
        shown["fit_time"] = [f"{t:.1f}s" if math.isfinite(t) else "-" for t in shown["fit_time"]]
    for column in shown.columns:  # further scores (e.g. a forecaster's MASE)
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = [_score_text(v) for v in shown[column]]
    if "error" in shown:
        errors = [_error_text(e) for e in shown["error"]]
        if any(errors):
            shown["error"] = errors
        else:
            shown = shown.drop(columns="error")
    return shown


_HEADERS = {"rank": "#", "fit_time": "fit time"}


def format_leaderboard(board: pd.DataFrame, max_rows: int | None = 20, title=None):
    """A rich table of a leaderboard, best first, for a terminal.

    Parameters
    ----------
    board : pandas.DataFrame
        A ``leaderboard_`` (rank, architecture, kind, params, mean_score,
        std_score, fit_time, error); other columns are shown as they are.
    max_rows : int or None, default=20
        Rows shown; a last line says how many were left out. None shows all.
    title : str, optional

    Returns
    -------
    rich.table.Table
        Print it with ``rich.print`` or a ``rich.console.Console``.

    Examples
    --------
    >>> import pandas as pd
    >>> from rich.console import Console
    >>> from autoseq.model_selection.progress import format_leaderboard
    >>> board = pd.DataFrame({"rank": [1, 2], "architecture": ["rocket", "gru"],
    ...                       "kind": ["baseline", "deep"], "params": [{}, {"units": 32}],
    ...                       "mean_score": [0.9, 0.8], "std_score": [0.01, 0.05],
    ...                       "fit_time": [1.5, 9.0], "error": ["", ""]})
    >>> console = Console(width=80, record=True, file=open("/dev/null", "w"))
    >>> console.print(format_leaderboard(board))
    >>> "0.9000 ± 0.0100" in console.export_text()
    True
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    shown = _display_frame(board)
    errors = shown.pop("error") if "error" in shown else pd.Series([""] * len(shown))
    n_rows = len(shown)
    if max_rows is not None and n_rows > max_rows:
        shown = shown.iloc[:max_rows]
    table = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in shown.columns:
        header = _HEADERS.get(column, str(column))
        if column in ("params", "architecture", "kind"):  # these give way on a narrow console
            table.add_column(header, no_wrap=column != "params", overflow="fold",
                             min_width=16 if column == "params" else 8)
        else:  # numbers are never cut
            width = max([len(header), *(len(str(v)) for v in shown[column])])
            table.add_column(header, justify="right", no_wrap=True, min_width=width)
    ranks = board["rank"].tolist() if "rank" in board else [None] * n_rows
    notes = []
    for i, row in enumerate(shown.itertuples(index=False)):
        cells = dict(zip(shown.columns, map(str, row), strict=True))
        style = None
        if str(errors.iloc[i]).startswith(NOT_RUN_PREFIX):
            cells["score"], style = "not run", "dim"
        elif errors.iloc[i]:
            notes.append(f"#{ranks[i] if ranks[i] is not None else i + 1} "
                         f"{cells.get('architecture', '')}: {errors.iloc[i]}")
            if cells.get("score") == "-":
                cells["score"], style = "failed", "red"
        elif ranks[i] == 1 and cells.get("score", "-") != "-":
            style = "bold green"
        table.add_row(*map(Text, cells.values()), style=style)  # Text: "[...]" is not markup
    reasons = [str(e)[len(NOT_RUN_PREFIX):] for e in board.get("error", [])
               if str(e).startswith(NOT_RUN_PREFIX)]
    for reason in dict.fromkeys(reasons):
        notes.append(f"{reasons.count(reason)} candidate(s) not run: {reason}")
    if len(shown) < n_rows:
        notes.append(f"{n_rows - len(shown)} more candidates not shown")
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


class Leaderboard(pd.DataFrame):
    """A leaderboard DataFrame that prints as a readable table.

    It is an ordinary :class:`pandas.DataFrame` (filter, sort, save it as
    usual); only its display differs: ``print`` and the terminal show compact
    parameters and ``score ± std``, ``rich.print`` draws a table
    (:func:`format_leaderboard`) and notebooks an HTML table of the same.

    Examples
    --------
    >>> from autoseq.model_selection.progress import Leaderboard
    >>> board = Leaderboard({"rank": [1], "architecture": ["gru"], "kind": ["deep"],
    ...                      "params": [{"units": 32}], "mean_score": [0.9],
    ...                      "std_score": [0.02], "fit_time": [3.0], "error": [""]})
    >>> print(board)
     rank architecture kind   params           score fit_time
        1          gru deep units=32 0.9000 ± 0.0200     3.0s
    """

    @property
    def _constructor(self):
        return Leaderboard

    def _display(self) -> pd.DataFrame | None:
        try:
            return _display_frame(self)
        except Exception:  # a reshaped board (transposed, aggregated): show it plainly
            return None

    # the free-text columns that give way when a line is too wide
    _SHRINKABLE = ("params", "error", "architecture")
    _MIN_CELL = 12

    def __repr__(self) -> str:
        shown = self._display()
        if shown is None:
            return super().__repr__()
        import shutil

        return self._fit_to_width(shown, shutil.get_terminal_size().columns) + self._footer()

    def _footer(self) -> str:
        """The folds behind the scores (``attrs["cv"]``, set by the search) and what the
        refit changed (``attrs["note"]``), as last lines."""
        return "".join(f"\n{key}: {self.attrs[key]}" for key in ("cv", "note")
                       if self.attrs.get(key))

    @classmethod
    def _fit_to_width(cls, shown: pd.DataFrame, width: int) -> str:
        """``shown`` as text whose lines fit ``width`` characters where they can.

        The free-text cells (parameters, errors, names) are cut short with "..."; the
        numbers never are. The full values stay in the DataFrame.
        """
        def text(frame):
            lines = frame.to_string(index=False, max_rows=pd.get_option(
                "display.max_rows")).splitlines()
            return [line.rstrip() for line in lines]

        def capped(cap):
            # every free-text cell at most ``cap`` characters (never under its floor)
            frame = shown.copy()
            for column in (c for c in cls._SHRINKABLE if c in shown):
                room = max(cap, len(column), cls._MIN_CELL)
                frame[column] = [str(v) if len(str(v)) <= room else str(v)[:room - 3] + "..."
                                 for v in shown[column]]
            return text(frame)

        lines = text(shown)
        if max(map(len, lines), default=0) <= width:
            return "\n".join(lines)
        low, high = 0, max((len(str(v)) for c in cls._SHRINKABLE if c in shown
                            for v in shown[c]), default=0)
        while low < high:  # the widest cap that fits (or the floor, if none does)
            middle = (low + high + 1) // 2
            if max(map(len, capped(middle)), default=0) <= width:
                low = middle
            else:
                high = middle - 1
        lines = capped(low)
        return "\n".join(lines)

    def _repr_html_(self):
        shown = self._display()
        if shown is None:
            return super()._repr_html_()
        return shown.to_html(index=False, escape=True, max_rows=pd.get_option(
            "display.max_rows"))

    def __rich__(self):
        if self._display() is None:
            return super().__repr__()
        return format_leaderboard(self, max_rows=None)

