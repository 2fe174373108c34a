"""``lstm_attention``: an LSTM followed by dot-product attention over its outputs."""

from autoseq.networks.architecture import Architecture
from autoseq.networks.architectures._recurrent import RECURRENT_TASKS


class LSTMAttention(Architecture):
    """LSTM(units, return_sequences) -> dot-product self-attention -> per-step vectors."""

    name = "lstm_attention"

    priority = 65
    tasks = RECURRENT_TASKS
    sequence_output = True
    supports_masking = True
    search_space = {"units": [32], "dropout": [0.0], "recurrent_dropout": [0.0]}

    def build(self, x, *, units=32, dropout=0.0, recurrent_dropout=0.0,
              return_sequences=False):
        k = self.keras
        seq = k.layers.LSTM(units, dropout=dropout, recurrent_dropout=recurrent_dropout,
                            return_sequences=True, name="attention_lstm")(x)
        context = k.layers.Attention(name="dot_product_attention")([seq, seq])
        out = k.layers.Concatenate(name="attention_concat")([seq, context])
        # a 3-D output is pooled over real steps by the head when one vector is needed
        return out
