"""Reference models every search includes, one family per task.

Fitted without a training loop, so no time budget ever cuts them.
"""
