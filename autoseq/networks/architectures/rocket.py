"""``rocket``: random convolution kernels with fixed weights and a trained linear head.

In the spirit of ROCKET (Dempster et al., 2020): many random dilated kernels,
never trained, each summarised by the proportion of positive values (PPV) and
the maximum over the real (unpadded) steps. Only the task head learns, so a fit
is fast, and the result is the strong, cheap baseline every leaderboard shows.
"""

from autoseq.networks.architecture import Architecture


class Rocket(Architecture):
    """Random convolution kernels (fixed) -> PPV and max features -> normalisation.

    Only the task head is trained. ``n_kernels`` random kernels of lengths 7, 9
    and 11 and dilations 1 to ``max_dilation`` give ``2 * n_kernels`` features.
    """

    name = "rocket"

    priority = 10
    kind = "baseline"
    tasks = frozenset({"classification", "regression", "forecasting", "anomaly"})
    supports_masking = True
    search_space = {"n_kernels": [2000]}

    def build(self, x, *, n_kernels=2000, max_dilation=32, seed=0, dropout=0.0):
        k = self.keras
        from autoseq.networks.layers import RandomConvolutionFeatures

        x = RandomConvolutionFeatures(n_kernels=n_kernels, seed=seed, max_dilation=max_dilation,
                               name="rocket_features")(x)
        # Searches train for a few hundred steps only: with Keras's default momentum
        # (0.99) the inference statistics would still lean on their initial values.
        x = k.layers.BatchNormalization(momentum=0.9, name="rocket_normalization")(x)
        if dropout:
            x = k.layers.Dropout(dropout, name="rocket_dropout")(x)
        return x
