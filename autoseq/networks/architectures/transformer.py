"""``transformer``: a small Transformer encoder with sinusoidal positions."""

from autoseq.networks.architecture import Architecture


class Transformer(Architecture):
    """Dense projection to ``d_model`` + positions, then ``n_blocks`` encoder blocks
    (multi-head self-attention and a feed-forward layer, each residual + LayerNorm)."""

    name = "transformer"

    priority = 20
    tasks = frozenset(
        {"classification", "regression", "forecasting", "labelling", "anomaly", "generation"}
    )
    sequence_output = True
    supports_masking = True
    search_space = {"d_model": [32], "n_blocks": [1]}

    def build(self, x, *, d_model=32, n_heads=4, n_blocks=1, ff_units=64, dropout=0.1,
              return_sequences=False):
        k = self.keras
        x = k.layers.Dense(d_model, name="transformer_projection")(x)
        from autoseq.networks.layers import SinusoidalPosition

        x = SinusoidalPosition(name="transformer_positions")(x)
        for i in range(n_blocks):
            attn = k.layers.MultiHeadAttention(
                n_heads, max(1, d_model // n_heads), dropout=dropout,
                name=f"transformer_attention_{i + 1}")(x, x)
            x = k.layers.LayerNormalization(name=f"transformer_norm_a{i + 1}")(
                k.layers.Add(name=f"transformer_add_a{i + 1}")([x, attn]))
            ff = k.layers.Dense(ff_units, activation="relu", name=f"transformer_ff_{i + 1}")(x)
            ff = k.layers.Dense(d_model, name=f"transformer_ff_out_{i + 1}")(ff)
            ff = k.layers.Dropout(dropout, name=f"transformer_dropout_{i + 1}")(ff)
            x = k.layers.LayerNormalization(name=f"transformer_norm_b{i + 1}")(
                k.layers.Add(name=f"transformer_add_b{i + 1}")([x, ff]))
        return x
