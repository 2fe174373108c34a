"""``lstm``: one LSTM layer (the tutorials' workhorse), dropout searched."""

from autoseq.networks.architectures._recurrent import RecurrentArchitecture
from autoseq.registry import register_architecture


@register_architecture
class LSTM(RecurrentArchitecture):
    """LSTM(units) with input and recurrent dropout; ``layers`` stacks more."""

    name = "lstm"

    priority = 50
    cell = "LSTM"
    search_space = {"units": [32], "dropout": [0.1], "recurrent_dropout": [0.0]}
