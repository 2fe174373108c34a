"""``gru``: the third recurrent cell, cheaper than LSTM with similar memory."""

from autoseq.networks.architectures._recurrent import RecurrentArchitecture


class GRU(RecurrentArchitecture):
    """GRU(units) with input and recurrent dropout; ``layers`` stacks more."""

    name = "gru"

    priority = 55
    cell = "GRU"
    search_space = {"units": [32], "dropout": [0.0], "recurrent_dropout": [0.0]}
