"""``lstm``: one LSTM layer (the tutorials' workhorse), dropout searched."""

from autoseq.networks.architectures._recurrent import RecurrentArchitecture


class LSTM(RecurrentArchitecture):
    """LSTM(units) with input and recurrent dropout; ``layers`` stacks more."""

    name = "lstm"

    priority = 50
    cell = "LSTM"
    search_space = {"units": [32], "dropout": [0.1], "recurrent_dropout": [0.0]}
