"""``resnet``: the residual network of Wang et al. (2017) for time series.

Z. Wang, W. Yan, T. Oates, "Time series classification from scratch with deep
neural networks: a strong baseline", IJCNN 2017; the version reviewed by Ismail
Fawaz et al. (2019), the best of its nine deep classifiers on the UCR archive:
three residual blocks of three Conv1D + BatchNorm layers (kernels 8, 5, 3;
64, 128, 128 filters) with a 1x1-convolution shortcut, global average pooling,
trained with FCN's recipe (:class:`~autoseq.networks.architectures.fcn.ConvolutionRecipe`).
"""

from autoseq.networks.architecture import Architecture
from autoseq.networks.architectures.fcn import ConvolutionRecipe


class ResNet(ConvolutionRecipe, Architecture):
    """Residual blocks of three Conv1D + BatchNorm (+ ReLU) layers, then global pooling.

    Each block adds a shortcut (a 1x1 convolution + BatchNorm where the widths
    differ, else BatchNorm alone) to its last BatchNorm's output before the ReLU.

    Parameters
    ----------
    filters : tuple of int, default=(64, 128, 128)
        Filters of each residual block (the paper's widths).
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel lengths of the three convolutions inside every block.

    Notes
    -----
    ``supports_masking`` is False (see :class:`~autoseq.networks.architectures.fcn.FCN`).
    With ``return_sequences=True`` the body returns the last block's maps
    (per-step labelling).
    """

    name = "resnet"

    priority = 38
    tasks = frozenset({"classification", "regression", "forecasting", "labelling"})
    sequence_output = True
    search_space = {"filters": [(64, 128, 128)]}

    def build(self, x, *, filters=(64, 128, 128), kernel_sizes=(8, 5, 3),
              return_sequences=False):
        k = self.keras
        if not filters or not kernel_sizes:
            raise ValueError("filters and kernel_sizes must not be empty.")
        for b, n in enumerate(filters):
            p = f"resnet_block{b + 1}"
            shortcut = x
            for j, size in enumerate(kernel_sizes):
                x = k.layers.Conv1D(n, size, padding="same", name=f"{p}_conv{j + 1}")(x)
                x = k.layers.BatchNormalization(momentum=0.9, name=f"{p}_bn{j + 1}")(x)
                if j < len(kernel_sizes) - 1:
                    x = k.layers.Activation("relu", name=f"{p}_relu{j + 1}")(x)
            if shortcut.shape[-1] != n:
                shortcut = k.layers.Conv1D(n, 1, padding="same", name=f"{p}_match")(shortcut)
            shortcut = k.layers.BatchNormalization(momentum=0.9, name=f"{p}_match_bn")(shortcut)
            x = k.layers.Add(name=f"{p}_add")([x, shortcut])
            x = k.layers.Activation("relu", name=f"{p}_out")(x)
        if return_sequences:
            return x
        return k.layers.GlobalAveragePooling1D(name="resnet_pooling")(x)
