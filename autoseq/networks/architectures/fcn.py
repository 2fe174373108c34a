"""``fcn``: the fully convolutional network of Wang et al. (2017), a strong deep baseline.

Z. Wang, W. Yan, T. Oates, "Time series classification from scratch with deep
neural networks: a strong baseline", IJCNN 2017; the version reviewed by Ismail
Fawaz et al. (2019): three Conv1D + BatchNorm + ReLU blocks of 128, 256 and 128
filters (kernels 8, 5, 3), global average pooling, trained with Adam, batch size
``min(16, n_train / 10)`` and the learning rate halved when the training loss
stalls (:class:`ConvolutionRecipe`, which ``resnet`` shares).
"""

from autoseq.networks.architecture import Architecture

# the paper's ReduceLROnPlateau: halve the rate on a stalled training loss, down to 1e-4
LR_FACTOR = 0.5
LR_MIN = 1e-4
LR_PATIENCE = 50  # epochs, of the paper's 1500-2000
# BatchNorm's statistics of batches of 1-3 sequences (the paper's n_train / 10 on a small
# training set) are far from its moving averages after autoseq's few epochs: on GunPoint's
# 18-sequence fold, training accuracy at inference fell to 0.28
MIN_BATCH = 8


class ConvolutionRecipe:
    """The training recipe of FCN and ResNet (Ismail Fawaz et al., 2019), as a mixin.

    * batch size ``min(batch_size, n_train // 10)``: the paper's
      ``min(16, n_train / 10)`` with the estimator's ``batch_size`` as the cap,
      but at least 8 (or ``batch_size`` if smaller) for BatchNorm's sake;
    * ``ReduceLROnPlateau(monitor="loss", factor=0.5, min_lr=1e-4)`` with the
      paper's patience of 50 epochs cut to half the early-stopping patience
      (at least 2), so the rate is halved before early stopping gives up; the
      paper's 1500-2000 epochs are far beyond autoseq's budgets.
    """

    def fit_batch_size(self, n_train, batch_size):
        return max(min(batch_size, MIN_BATCH), min(batch_size, n_train // 10))

    def fit_callbacks(self, *, n_train, epochs, patience):
        return [self.keras.callbacks.ReduceLROnPlateau(
            monitor="loss", factor=LR_FACTOR, min_lr=LR_MIN,
            patience=min(LR_PATIENCE, max(2, patience // 2)))]


class FCN(ConvolutionRecipe, Architecture):
    """Three Conv1D + BatchNorm + ReLU blocks, then global average pooling.

    Parameters
    ----------
    filters : tuple of int, default=(128, 256, 128)
        Filters of the three blocks (the paper's widths; any length works).
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel length of each block.

    Notes
    -----
    ``supports_masking`` is False: convolutions mix neighbouring steps, so pad
    little or use equal-length sequences. With ``return_sequences=True`` the
    body skips the pooling and returns the last block's maps, one vector per
    step (per-step labelling).
    """

    name = "fcn"

    priority = 35
    tasks = frozenset({"classification", "regression", "forecasting", "labelling"})
    sequence_output = True
    search_space = {"filters": [(128, 256, 128)]}

    def build(self, x, *, filters=(128, 256, 128), kernel_sizes=(8, 5, 3),
              return_sequences=False):
        k = self.keras
        if len(filters) != len(kernel_sizes) or not filters:
            raise ValueError("filters and kernel_sizes need the same (non-zero) length; got "
                             f"{filters!r} and {kernel_sizes!r}.")
        for i, (n, size) in enumerate(zip(filters, kernel_sizes, strict=True)):
            x = k.layers.Conv1D(n, size, padding="same", name=f"fcn_conv{i + 1}")(x)
            x = k.layers.BatchNormalization(momentum=0.9, name=f"fcn_bn{i + 1}")(x)
            x = k.layers.Activation("relu", name=f"fcn_relu{i + 1}")(x)
        if return_sequences:
            return x
        return k.layers.GlobalAveragePooling1D(name="fcn_pooling")(x)
