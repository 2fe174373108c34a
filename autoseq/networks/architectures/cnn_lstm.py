"""``cnn_lstm``: Conv1D + MaxPooling1D in front of an LSTM: fewer weights, faster."""

from autoseq.networks.architecture import Architecture


class CNNLSTM(Architecture):
    """Conv1D(filters, kernel_size, relu) -> MaxPooling1D(pool_size) -> LSTM(units)."""

    name = "cnn_lstm"

    priority = 45
    tasks = frozenset({"classification", "regression", "forecasting", "anomaly", "generation"})
    search_space = {"filters": [32], "units": [32], "dropout": [0.0], "recurrent_dropout": [0.0]}

    def build(self, x, *, filters=32, kernel_size=3, pool_size=2, units=32, dropout=0.0,
              recurrent_dropout=0.0):
        k = self.keras
        x = k.layers.Conv1D(filters, kernel_size, padding="same", activation="relu",
                            name="cnn_lstm_conv")(x)
        x = k.layers.MaxPooling1D(pool_size, padding="same", name="cnn_lstm_pool")(x)
        return k.layers.LSTM(units, dropout=dropout, recurrent_dropout=recurrent_dropout,
                             name="cnn_lstm_lstm")(x)
