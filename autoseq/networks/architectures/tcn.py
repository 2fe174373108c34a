"""``tcn``: a temporal convolutional network of dilated causal residual blocks."""

from autoseq.networks.architecture import Architecture


class TCN(Architecture):
    """Residual blocks of two dilated causal Conv1D layers, dilations 1, 2, 4, ...

    The receptive field is ``1 + 2 * (kernel_size - 1) * (2**n_blocks - 1)`` steps.
    """

    name = "tcn"

    priority = 25
    tasks = frozenset(
        {"classification", "regression", "forecasting", "labelling", "anomaly", "generation"}
    )
    sequence_output = True
    search_space = {"filters": [32, 64], "n_blocks": [4]}

    def build(self, x, *, filters=32, kernel_size=3, n_blocks=4, dropout=0.1,
              return_sequences=False):
        k = self.keras
        for i in range(n_blocks):
            dilation = 2**i
            shortcut = x
            for j in range(2):
                x = k.layers.Conv1D(filters, kernel_size, padding="causal",
                                    dilation_rate=dilation, activation="relu",
                                    name=f"tcn_block{i + 1}_conv{j + 1}")(x)
                x = k.layers.Dropout(dropout, name=f"tcn_block{i + 1}_dropout{j + 1}")(x)
            if shortcut.shape[-1] != filters:
                shortcut = k.layers.Conv1D(filters, 1, name=f"tcn_block{i + 1}_match")(shortcut)
            x = k.layers.Add(name=f"tcn_block{i + 1}_residual")([x, shortcut])
        if return_sequences:
            return x
        return k.layers.GlobalAveragePooling1D(name="tcn_pooling")(x)
