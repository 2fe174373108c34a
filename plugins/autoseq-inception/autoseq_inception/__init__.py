"""InceptionTime as an autoseq architecture plugin.

Installing this distribution registers the architecture ``"inception"`` with
autoseq through the ``autoseq.architectures`` entry point; autoseq itself never
imports this package::

    pip install autoseq-inception

    from autoseq import SeqClassifier
    SeqClassifier(architecture="inception").fit(X, y)

Reference: H. Ismail Fawaz, B. Lucas, G. Forestier et al., "InceptionTime:
Finding AlexNet for time series classification", Data Mining and Knowledge
Discovery 34, 1936-1962 (2020).
"""

from __future__ import annotations

from autoseq.registry import Architecture

__version__ = "0.1.0"
__all__ = ["InceptionTime"]


class InceptionTime(Architecture):
    """InceptionTime body: stacked inception modules with residual shortcuts.

    Each inception module reduces the channels with a 1x1 *bottleneck*
    convolution, runs three convolutions of decreasing kernel size in parallel
    (``kernel_size``, ``kernel_size // 2``, ``kernel_size // 4``) next to a
    max-pooling branch followed by a 1x1 convolution, and concatenates the four
    branches (``4 * n_filters`` channels) before BatchNorm and ReLU. Every third
    module adds a residual shortcut (1x1 convolution + BatchNorm) from the input
    of the block. Global average pooling over time closes the body; autoseq
    adds the task head.

    The paper uses ``kernel_size=40`` (kernels 40, 20, 10), ``n_filters=32``,
    ``bottleneck_size=32`` and ``depth=6``. For short sequences a smaller
    ``kernel_size`` (e.g. 10 or 20) trains faster and loses little: kernels
    longer than the sequence only see zero padding at its edges.

    Parameters
    ----------
    n_filters : int, default=32
        Filters per branch; a module outputs ``4 * n_filters`` channels.
    depth : int, default=6
        Number of inception modules.
    kernel_size : int, default=40
        Length of the longest kernel; the others are a half and a quarter of it
        (at least 1; duplicates are dropped).
    bottleneck_size : int, default=32
        Channels of the 1x1 bottleneck; 0 disables it. It is skipped for
        single-channel input, as in the paper.
    residual : bool, default=True
        Add a residual shortcut every three modules.

    Notes
    -----
    ``supports_masking`` is False: convolutions mix neighbouring steps, so
    padded steps (zeros) reach the real ones near the end of a padded
    sequence. Pad as little as possible, or use equal-length sequences.

    Examples
    --------
    >>> from autoseq_inception import InceptionTime
    >>> InceptionTime(depth=3, kernel_size=20)
    InceptionTime(depth=3, kernel_size=20)
    """

    name = "inception"

    priority = 30
    tasks = frozenset({"classification", "regression", "forecasting"})
    search_space = {"n_filters": [16], "depth": [3, 6]}

    def build(self, x, *, n_filters=32, depth=6, kernel_size=40, bottleneck_size=32,
              residual=True):
        if depth < 1 or n_filters < 1 or kernel_size < 1:
            raise ValueError(
                "InceptionTime needs depth >= 1, n_filters >= 1 and kernel_size >= 1; got "
                f"depth={depth}, n_filters={n_filters}, kernel_size={kernel_size}."
            )
        k = self.keras
        kernel_sizes = sorted({max(1, kernel_size // 2**i) for i in range(3)}, reverse=True)
        shortcut = x
        for i in range(depth):
            x = _inception_module(k, x, f"inception_{i + 1}", n_filters, kernel_sizes,
                                  bottleneck_size)
            if residual and i % 3 == 2:
                x = _residual(k, shortcut, x, f"inception_shortcut_{i // 3 + 1}")
                shortcut = x
        return k.layers.GlobalAveragePooling1D(name="inception_pooling")(x)


def _inception_module(k, x, prefix, n_filters, kernel_sizes, bottleneck_size):
    """Bottleneck -> parallel convolutions + max-pool branch -> concat -> BN -> ReLU."""
    source = x
    if bottleneck_size and int(x.shape[-1]) > 1:
        source = k.layers.Conv1D(bottleneck_size, 1, padding="same", use_bias=False,
                                 name=f"{prefix}_bottleneck")(x)
    branches = [
        k.layers.Conv1D(n_filters, size, padding="same", use_bias=False,
                        name=f"{prefix}_conv{size}")(source)
        for size in kernel_sizes
    ]
    pooled = k.layers.MaxPooling1D(3, strides=1, padding="same", name=f"{prefix}_maxpool")(x)
    branches.append(k.layers.Conv1D(n_filters, 1, padding="same", use_bias=False,
                                    name=f"{prefix}_pool_conv")(pooled))
    x = k.layers.Concatenate(axis=-1, name=f"{prefix}_concat")(branches)
    x = k.layers.BatchNormalization(momentum=0.9, name=f"{prefix}_bn")(x)
    return k.layers.Activation("relu", name=f"{prefix}_relu")(x)


def _residual(k, shortcut, x, prefix):
    """Project the block input to the block output's channels and add it."""
    shortcut = k.layers.Conv1D(int(x.shape[-1]), 1, padding="same", use_bias=False,
                               name=f"{prefix}_conv")(shortcut)
    shortcut = k.layers.BatchNormalization(momentum=0.9, name=f"{prefix}_bn")(shortcut)
    x = k.layers.Add(name=f"{prefix}_add")([shortcut, x])
    return k.layers.Activation("relu", name=f"{prefix}_relu")(x)
