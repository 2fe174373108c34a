"""``bilstm``: bidirectional LSTM, stacked when ``layers`` > 1."""

from autoseq.networks.architectures._recurrent import RecurrentArchitecture


class BiLSTM(RecurrentArchitecture):
    """Bidirectional(LSTM(units)); ``layers=2`` gives the stacked bidirectional model."""

    name = "bilstm"

    priority = 40
    cell = "LSTM"
    bidirectional = True
    search_space = {"units": [32], "dropout": [0.0], "recurrent_dropout": [0.0]}
