"""What a person sees: the command line and plots.

:mod:`~autoseq.ui.cli` is the ``autoseq`` command (its options;
:mod:`~autoseq.ui.commands` does the work); :mod:`~autoseq.ui.plot` draws
leaderboards, learning curves, forecasts and anomaly scores.
"""
