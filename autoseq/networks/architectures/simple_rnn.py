"""``simple_rnn``: the plain RNN the tutorials compare LSTM against."""

from autoseq.networks.architectures._recurrent import RecurrentArchitecture


class SimpleRNN(RecurrentArchitecture):
    """SimpleRNN(units): fewer weights and faster than LSTM, weaker on long memory."""

    name = "simple_rnn"

    priority = 70
    cell = "SimpleRNN"
    search_space = {"units": [32], "dropout": [0.0], "recurrent_dropout": [0.0]}
