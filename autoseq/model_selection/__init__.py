"""The search machinery.

Folds, time budgets, the candidate search and its schedules, progress display,
prediction intervals, backtests and distributed execution.
"""
