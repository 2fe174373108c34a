"""Assemble a Keras model: input side + architecture body + task head.

The body comes from an :class:`~autoseq.Architecture`; everything around it is
written once here, so one body serves every task it declares:

* numeric input: NaN-marked padding becomes zeros plus a Keras mask
  (:class:`PaddingMask`); bodies that cannot use a mask get only the zeros;
* token input: an ``Embedding`` with ``mask_zero=True`` (id 0 is padding);
* heads: softmax / sigmoid for labels, linear for numbers, per-step heads for
  labelling, and a reconstruction head for autoencoders.
"""

from __future__ import annotations

from autoseq._backend import keras as _keras
from autoseq.networks.heads import HeadSpec
from autoseq.networks.layers import (
    MaskedAveragePooling,
    PaddingMask,
    SinusoidalPosition,
    TokenPadding,
)

keras = _keras()

__all__ = ["HeadSpec", "build_model"]


def build_model(architecture, *, n_steps, n_channels, head: HeadSpec,
                input_kind: str = "numeric", vocab_size: int | None = None,
                embedding_dim: int = 32, name: str | None = None):
    """Build an uncompiled Keras model around ``architecture``'s body.

    Parameters
    ----------
    architecture : Architecture
        The body, with its hyperparameters set.
    n_steps : int or None
        Sequence length, or None when lengths vary between batches.
    n_channels : int
        Channels per step (ignored for tokens).
    head : HeadSpec
        The task head.
    input_kind : {"numeric", "tokens"}
        Float steps, or integer token ids (0 = padding).
    vocab_size : int, optional
        Number of token ids including padding and out-of-vocabulary, for tokens.
    embedding_dim : int, default=32
        Embedding width for tokens.

    Returns
    -------
    keras.Model
    """
    if input_kind == "tokens":
        inputs = keras.Input(shape=(n_steps,), dtype="int32", name="tokens")
        x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True,
                                   name="token_embedding")(inputs)
        x = TokenPadding(propagate_mask=architecture.supports_masking,
                         name="token_padding")(x)
    else:
        inputs = keras.Input(shape=(n_steps, n_channels), name="sequences")
        x = PaddingMask(propagate_mask=architecture.supports_masking, name="padding_mask")(inputs)

    if head.kind == "reconstruction":
        outputs = _reconstruction_head(architecture, x, n_steps, n_channels)
    else:
        body = architecture.build_body(x, return_sequences=head.per_step)
        outputs = _task_head(body, head)
    return keras.Model(inputs, outputs, name=name or f"autoseq_{architecture.name}")


def _task_head(body, head: HeadSpec):
    ndim = len(body.shape)
    if head.per_step:
        if ndim != 3:
            raise ValueError("A per-step head needs a body that returns one vector per step.")
    elif ndim == 3:
        body = MaskedAveragePooling(name="sequence_pooling")(body)
    elif ndim != 2:
        raise ValueError(f"An architecture body must return a 2-D or 3-D tensor; got {body.shape}.")
    activation = {"softmax": "softmax", "sigmoid": "sigmoid", "linear": None}[head.kind]
    # A plain Dense acts on the last axis, so it serves per-step heads too
    # (TimeDistributed mis-handles a dynamic time axis in Keras 3.15).
    name = "per_step_head" if head.per_step else "head"
    return keras.layers.Dense(head.n_outputs, activation=activation, name=name,
                              dtype="float32")(body)


def _reconstruction_head(architecture, x, n_steps, n_channels):
    """Encoder body -> bottleneck -> per-step decoder that rebuilds the input."""
    if n_steps is None:
        raise ValueError("An autoencoder needs fixed-length windows (n_steps).")
    code = architecture.build_body(x)
    if len(code.shape) == 3:
        code = MaskedAveragePooling(name="encoder_pooling")(code)
    width = int(code.shape[-1])
    h = keras.layers.RepeatVector(n_steps, name="repeat_code")(code)
    if architecture.sequence_output:
        # The decoder is a second copy of the body; as its own sub-model its
        # layer names cannot clash with the encoder's. Position encodings let
        # bodies without recurrence tell the repeated steps apart.
        decoder_in = keras.Input(shape=(n_steps, width), name="code_steps")
        decoder_out = architecture.build_body(SinusoidalPosition()(decoder_in),
                                              return_sequences=True)
        h = keras.Model(decoder_in, decoder_out, name="decoder")(h)
    else:
        h = keras.layers.LSTM(min(width, 64), return_sequences=True, name="decoder_lstm")(h)
    return keras.layers.Dense(n_channels, dtype="float32", name="reconstruction")(h)
