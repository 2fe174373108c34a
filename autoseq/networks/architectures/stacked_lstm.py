"""``stacked_lstm``: LSTM -> Dropout -> LSTM -> Dropout -> Dense, as in the tutorials."""

from autoseq.networks.architecture import Architecture
from autoseq.networks.architectures._recurrent import RECURRENT_TASKS


class StackedLSTM(Architecture):
    """LSTM(units, return_sequences) -> Dropout -> LSTM(units) -> Dropout -> Dense(dense_units)."""

    name = "stacked_lstm"

    priority = 60
    tasks = RECURRENT_TASKS
    sequence_output = True
    supports_masking = True
    search_space = {"units": [50], "dropout": [0.2], "recurrent_dropout": [0.0]}

    def build(self, x, *, units=50, layers=2, dropout=0.2, recurrent_dropout=0.0,
              dense_units=25, return_sequences=False):
        k = self.keras
        for i in range(layers):
            last = i == layers - 1
            x = k.layers.LSTM(units, recurrent_dropout=recurrent_dropout,
                              return_sequences=return_sequences or not last,
                              name=f"stacked_lstm_{i + 1}")(x)
            x = k.layers.Dropout(dropout, name=f"stacked_dropout_{i + 1}")(x)
        return k.layers.Dense(dense_units, activation="relu", name="stacked_dense")(x)
