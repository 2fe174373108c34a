"""The AutoSeq estimators, one per task.

Each describes its problem and candidates, searches them through
:mod:`autoseq.model_selection` and refits the winner.
"""
