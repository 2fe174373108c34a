"""Shared builder for the plain recurrent bodies (LSTM, GRU, SimpleRNN, bidirectional)."""

from __future__ import annotations

from autoseq.networks.architecture import Architecture

RECURRENT_TASKS = frozenset(
    {"classification", "regression", "forecasting", "labelling", "anomaly", "generation"}
)


class RecurrentArchitecture(Architecture):
    """A stack of ``layers`` recurrent layers of one cell type, dropout between them."""

    tasks = RECURRENT_TASKS
    sequence_output = True
    supports_masking = True
    cell = "LSTM"
    bidirectional = False

    def build(self, x, *, units=32, layers=1, dropout=0.0, recurrent_dropout=0.0,
              return_sequences=False):
        k = self.keras
        cell = getattr(k.layers, self.cell)
        for i in range(layers):
            last = i == layers - 1
            layer = cell(units, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences or not last,
                         name=f"{self.name}_{self.cell.lower()}_{i + 1}")
            if self.bidirectional:
                layer = k.layers.Bidirectional(layer, name=f"{self.name}_bidirectional_{i + 1}")
            x = layer(x)
        return x
