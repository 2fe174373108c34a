"""Custom Keras layers of autoseq, registered so saved models reload without
``custom_objects``."""

import numpy as np

from autoseq._backend import keras as _keras

keras = _keras()
ops = keras.ops


@keras.saving.register_keras_serializable(package="autoseq")
class PaddingMask(keras.layers.Layer):
    """Replace NaN padding by zeros and, optionally, emit a mask of real steps."""

    def __init__(self, propagate_mask: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.propagate_mask = propagate_mask
        self.supports_masking = propagate_mask

    def call(self, x):
        return ops.where(ops.isnan(x), ops.zeros_like(x), x)

    def compute_mask(self, x, mask=None):
        if not self.propagate_mask:
            return None
        return ops.logical_not(ops.all(ops.isnan(x), axis=-1))

    def get_config(self):
        return {**super().get_config(), "propagate_mask": self.propagate_mask}


@keras.saving.register_keras_serializable(package="autoseq")
class TokenPadding(keras.layers.Layer):
    """Zero the embeddings of padded tokens and, optionally, pass their mask on.

    Bodies that cannot use a mask still see padding as exact zeros, never as the
    learned embedding of token id 0.
    """

    def __init__(self, propagate_mask: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.propagate_mask = propagate_mask
        self.supports_masking = True

    def call(self, x, mask=None):
        if mask is None:
            return x
        return x * ops.cast(ops.expand_dims(mask, -1), x.dtype)

    def compute_mask(self, x, mask=None):
        return mask if self.propagate_mask else None

    def get_config(self):
        return {**super().get_config(), "propagate_mask": self.propagate_mask}


@keras.saving.register_keras_serializable(package="autoseq")
class MaskedAveragePooling(keras.layers.Layer):
    """Average over real time steps only (the mask excludes padding)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("dtype", "float32")  # a sum over many steps can overflow float16
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x, mask=None):
        if mask is None:
            return ops.mean(x, axis=1)
        m = ops.cast(ops.expand_dims(mask, -1), x.dtype)
        return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    def compute_mask(self, x, mask=None):
        return None


@keras.saving.register_keras_serializable(package="autoseq")
class SinusoidalPosition(keras.layers.Layer):
    """Add fixed sinusoidal position encodings; works for any sequence length."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x):
        steps = ops.shape(x)[1]
        dim = x.shape[-1]
        pos = ops.cast(ops.arange(steps), "float32")[:, None]
        i = ops.arange(dim)
        rates = ops.power(10000.0, -2.0 * ops.cast(i // 2, "float32") / dim)
        angles = pos * rates[None, :]
        enc = ops.where(i % 2 == 0, ops.sin(angles), ops.cos(angles))
        return x + ops.cast(enc, x.dtype)[None]


@keras.saving.register_keras_serializable(package="autoseq")
class RandomConvolutionFeatures(keras.layers.Layer):
    """Fixed random dilated kernels -> [PPV, max] per kernel over real steps."""

    def __init__(self, n_kernels=2000, seed=0, max_dilation=32, **kwargs):
        kwargs.pop("trainable", None)
        # float32 under mixed precision too: the max masks padding with -1e9 (inf in float16)
        kwargs.setdefault("dtype", "float32")
        super().__init__(trainable=False, **kwargs)
        self.n_kernels = n_kernels
        self.seed = seed
        self.max_dilation = max_dilation
        self.supports_masking = True

    def build(self, input_shape):
        channels = int(input_shape[-1])
        rng = np.random.default_rng(self.seed)
        lengths = (7, 9, 11)
        dilations = [2**i for i in range(int(np.log2(self.max_dilation)) + 1)]
        groups = [(L, d) for L in lengths for d in dilations]
        per_group = np.full(len(groups), self.n_kernels // len(groups))
        per_group[: self.n_kernels % len(groups)] += 1
        self.groups = []
        for g, ((length, dilation), n) in enumerate(zip(groups, per_group, strict=True)):
            w = rng.normal(size=(length, channels, int(n)))
            w -= w.mean(axis=0, keepdims=True)
            b = rng.uniform(-1, 1, size=int(n))
            kw = self.add_weight(name=f"kernel_{g}", shape=w.shape, trainable=False,
                                 initializer=keras.initializers.Constant(w))
            kb = self.add_weight(name=f"bias_{g}", shape=b.shape, trainable=False,
                                 initializer=keras.initializers.Constant(b))
            self.groups.append((kw, kb, dilation))

    def call(self, x, mask=None):
        if mask is None:
            valid = ops.ones(ops.shape(x)[:2], dtype=x.dtype)
        else:
            valid = ops.cast(mask, x.dtype)
        valid = ops.expand_dims(valid, -1)
        count = ops.maximum(ops.sum(valid, axis=1), 1.0)
        feats = []
        for kernel, bias, dilation in self.groups:
            z = ops.conv(x, kernel, padding="same", dilation_rate=dilation) + bias
            ppv = ops.sum(ops.cast(z > 0, x.dtype) * valid, axis=1) / count
            zmax = ops.max(z + (valid - 1.0) * 1e9, axis=1)
            feats.extend([ppv, zmax])
        return ops.concatenate(feats, axis=-1)

    def compute_mask(self, x, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "n_kernels": self.n_kernels, "seed": self.seed,
                "max_dilation": self.max_dilation}
