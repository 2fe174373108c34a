"""``SeqAutoencoder``: a sequence autoencoder as a scikit-learn outlier detector.

An autoencoder learns to rebuild windows of normal data through a narrow
bottleneck; a window it rebuilds badly is unlike anything it learned. The
encoder is any registered architecture that declares the "anomaly" task; the
bottleneck and the decoder are added here, the reconstruction head by
:func:`autoseq.networks.build.build_model`. Scoring (per sequence, or per row of a
stream), thresholds and the shared outlier-detector API come from
:mod:`autoseq.estimators.window_scoring`.
"""


import numbers

import numpy as np
from sklearn.base import OutlierMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from autoseq import _compat
from autoseq._backend import keras as _keras
from autoseq.estimators.keras import MIN_VALIDATION, SequenceEstimatorMixin
from autoseq.estimators.window_scoring import WindowDetectorMixin, as_stream
from autoseq.networks.build import HeadSpec, build_model
from autoseq.networks.layers import MaskedAveragePooling, SinusoidalPosition
from autoseq.registry import get_architecture, list_architectures

keras = _keras()
BaseWrapper = _compat.scikeras_wrapper()

# models that score the training data out of fold (SeqAutoencoder's training_folds)
TRAINING_FOLDS = 2


@keras.saving.register_keras_serializable(package="autoseq")
def masked_reconstruction_error(y_true, y_pred):
    """Mean squared error over real steps; ``y_true``'s last channel is 1 there, 0 at padding."""
    ops = keras.ops
    mask = y_true[..., -1:]
    squared = ops.square(y_true[..., :-1] - y_pred) * mask
    per_sequence = ops.sum(squared, axis=(1, 2))
    return per_sequence / ops.maximum(ops.sum(mask, axis=(1, 2)) * y_pred.shape[-1], 1.0)


class _ReconstructionTarget:
    """scikeras target encoder for an autoencoder: the input itself, plus a padding mask."""

    loss = staticmethod(masked_reconstruction_error)

    def fit(self, y):
        self.n_channels_ = y.shape[-1] - 1
        return self

    @property
    def head(self) -> HeadSpec:
        return HeadSpec("reconstruction", self.n_channels_)

    def transform(self, y):
        return np.asarray(y, dtype="float32")

    def inverse_transform(self, raw):
        return raw

    def get_metadata(self) -> dict:
        return {"n_outputs_expected_": 1}


def _with_mask(windows: np.ndarray) -> np.ndarray:
    """The training target: windows with NaN padding zeroed and a last channel marking real steps."""
    real = ~np.isnan(windows).all(axis=2, keepdims=True)
    return np.concatenate([np.nan_to_num(windows), real], axis=2).astype("float32")


class _AutoencoderBody:
    """An architecture seen through an autoencoder: encoder, bottleneck, mirrored decoder.

    :func:`autoseq.networks.build.build_model` asks it for the code (``build_body(x)``)
    and, since it can return one vector per step, for the decoder of the
    repeated code (``build_body(h, return_sequences=True)``). The decoder is the
    same body in a sub-model of its own, so its layer names cannot clash with the
    encoder's, fed with positions added to the code so that convolution and
    attention bodies can tell the steps apart. Bodies that cannot return one
    vector per step get the network's LSTM decoder instead.
    """

    def __init__(self, body, bottleneck):
        self.body = body
        self.bottleneck = bottleneck
        self.name = body.name
        self.supports_masking = body.supports_masking
        self.sequence_output = body.sequence_output

    def build_body(self, x, *, return_sequences=False):
        if return_sequences:
            inputs = keras.Input(shape=tuple(x.shape[1:]), name="repeated_code")
            h = SinusoidalPosition(name="decoder_positions")(inputs)
            outputs = self.body.build_body(h, return_sequences=True)
            return keras.Model(inputs, outputs, name="decoder")(x)
        code = self.body.build_body(x)
        if len(code.shape) == 3:
            code = MaskedAveragePooling(name="encoder_pooling")(code)
        if self.bottleneck:
            code = keras.layers.Dense(self.bottleneck, name="bottleneck")(code)
        return code


class SeqAutoencoder(WindowDetectorMixin, SequenceEstimatorMixin, OutlierMixin, BaseWrapper):
    """An autoencoder anomaly detector built from one registered architecture.

    The encoder is the architecture's body, followed by a ``bottleneck``-wide
    code, repeated over the window and decoded back to every step and channel.
    It trains on normal data to rebuild its input; a sequence (or a row of a
    stream) it rebuilds badly is abnormal. scikit-learn's outlier-detector API:
    ``score_samples`` (lower is more abnormal), ``decision_function``,
    ``predict`` (1 normal, -1 anomalous).

    Parameters
    ----------
    architecture : str or Architecture, default="lstm"
        A registered architecture that declares the "anomaly" task.
    window_length : int, optional
        None: ``X`` is a collection of sequences, each scored (lengths are
        padded or truncated to the longest training sequence). An int: ``X``
        is one stream (rows are time steps, columns channels), cut into
        overlapping windows of this many rows; every row is scored.
    bottleneck : int, optional, default=8
        Width of the code between encoder and decoder; None keeps the body's
        own width.
    stride : int, optional
        Step between training windows of a stream; None: an eighth of the
        window length, or more to keep at most 2000 windows. Scoring uses
        every window.
    aggregate : {"mean", "max"}, default="mean"
        How a row's reconstruction errors in the windows covering it combine.
    contamination : "auto" or float, default="auto"
        "auto": the threshold is the largest error on the held-out,
        time-ordered tail of the training data (the early-stopping tail, never
        trained on); without such a tail, the largest training error. A float
        in (0, 0.5]: that share of the training data is flagged.
    epochs : int, default=20
    batch_size : int, default=32
    learning_rate : float, default=1e-3
    optimizer : str, default="adam"
    early_stopping : bool, default=True
        Stop when the loss on the last ``validation_fraction`` of the training
        windows stops improving (needs at least 16 windows there).
    validation_fraction : float, default=0.1
    patience : int, default=8
    shuffle : bool, default=True
    callbacks : list of keras.callbacks.Callback, optional
    warm_start : bool, default=False
    random_state : int, optional
        Seeds the fit, so repeated fits give identical models.
    verbose : int, default=0
    training_folds : int, default=2
        Scoring the training data itself (``fit_predict``, ``score_samples``
        of the data ``fit`` saw): each of this many consecutive blocks of it is
        scored by a copy of the model trained on the other blocks, so an
        anomaly inside the training data is not rebuilt from memory. Costs
        that many extra (smaller) trainings in ``fit``; 0 skips them, and the
        training data is then scored by the model that saw it.

    Attributes
    ----------
    model_ : keras.Model
    offset_ : float
        ``decision_function = score_samples - offset_``.
    window_length_ : int
        Steps per window (the training length for a collection).
    stream_ : bool
        Whether it was fitted on one stream.
    history_ : dict of lists
    n_features_in_ : int
        Channels per time step.
    training_scores_ : ndarray
        The out-of-fold scores of the training data (absent when
        ``training_folds=0`` or the data is too short to split).
    training_fingerprint_ : str
        Digest of the training data, by which ``score_samples`` recognises it.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.estimators.autoencoder import SeqAutoencoder
    >>> normal = np.sin(np.arange(400.0) / 4)
    >>> ae = SeqAutoencoder("gru", window_length=16, epochs=2, random_state=0).fit(normal)
    >>> ae.score_samples(normal).shape
    (400,)
    """

    _task = "anomaly"
    input_kind = "numeric"  # an autoencoder rebuilds numbers; token input is not supported
    # windows shifted by a row teach an autoencoder little more than by an eighth of a window
    windows_per_length = 8
    max_train_windows = 2000
    min_heldout = MIN_VALIDATION  # the early-stopping tail doubles as the threshold's

    def __init__(self, architecture="lstm", *, window_length=None, bottleneck=8, stride=None,
                 aggregate="mean", contamination="auto", epochs=20, batch_size=32,
                 learning_rate=1e-3, optimizer="adam", early_stopping=True,
                 validation_fraction=0.1, patience=8, shuffle=True, callbacks=None,
                 warm_start=False, random_state=None, verbose=0, training_folds=TRAINING_FOLDS):
        self._store_params(locals())

    @property
    def target_encoder(self):
        return _ReconstructionTarget()

    @available_if(lambda self: False)
    def partial_fit(self, X, y=None):
        """Not available: windows and the threshold are learned from all of ``X`` at once."""

    def fit(self, X, y=None, **kwargs):
        """Train the autoencoder to rebuild normal data ``X`` and learn the threshold.

        Parameters
        ----------
        X : collection of sequences, or one stream (with ``window_length``)
        y : ignored
            Present for API consistency.

        Returns
        -------
        self
        """
        b = self.bottleneck
        if b is not None and not (isinstance(b, numbers.Integral) and b >= 1):
            raise ValueError(f"bottleneck must be None or an int >= 1; got {b!r}.")
        arch = get_architecture(self.architecture)
        if self._task not in arch.tasks:
            raise ValueError(f"Architecture '{arch.name}' does not support the task 'anomaly'; "
                             f"architectures that do: {', '.join(list_architectures('anomaly'))}.")
        k = self.training_folds
        if isinstance(k, bool) or not (isinstance(k, numbers.Integral) and (k == 0 or k >= 2)):
            raise ValueError(f"training_folds must be 0 (score the training data with the "
                             f"fitted model) or an int >= 2; got {k!r}.")
        windows, rows = self._prepare_fit(X)
        super().fit(windows, _with_mask(windows), **kwargs)
        held_out = "val_loss" in self.history_
        n_val = self._heldout_count(len(windows)) if held_out else 0
        self.__dict__.pop("training_scores_", None)
        if k:
            self._learn_training_scores(windows, rows)
        self._set_offset(windows, rows, self._heldout_scores(windows, rows, n_val))
        return self

    def score_training_data(self, X, training_folds=None) -> None:
        """Score this fitted model's training data ``X`` out of fold (``training_scores_``).

        For a model fitted with ``training_folds=0`` (the search's candidates):
        ``training_folds`` copies (default ``self.training_folds``, at least 2)
        each trained on the other blocks score one block, as ``fit`` does with
        ``training_folds`` set. ``X`` as given to ``fit``.
        """
        check_is_fitted(self, "model_")
        if training_folds is not None:
            self.set_params(training_folds=training_folds)
        self._learn_training_scores(*self._training_input(X))

    def _learn_training_scores(self, windows, rows) -> None:
        """Set ``training_scores_``: each block of the training data scored by a copy of
        this model trained on the other blocks (nothing when a block is too short)."""
        k = self.training_folds
        data = rows if self.stream_ else windows
        n, w = len(data), self.window_length_
        bounds = np.linspace(0, n, k + 1).astype(int)
        smallest = min(np.diff(bounds))
        if (self.stream_ and smallest < w + 1) or (not self.stream_ and smallest < 2):
            return
        scores = np.empty(n)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            # the blocks around this one (joined: a few windows straddle the seam)
            fold = clone(self).set_params(training_folds=0, contamination="auto")
            fold.fit(np.concatenate([data[:lo], data[hi:]]))
            if self.stream_:
                first = max(0, lo - w + 1)
                part = fold._stream_scores(data[first:min(n, hi + w - 1)])
                scores[lo:hi] = part[lo - first:hi - first]
            else:
                # the padder drops these windows' padding and pads them to the fold's length
                scores[lo:hi] = fold._scores_of_windows(fold.padder_.transform(data[lo:hi]))
        self.training_scores_ = scores

    def _training_input(self, X):
        """``(windows, rows)`` of training data ``X`` as ``fit`` read it (the other None)."""
        if self.stream_:
            return None, as_stream(X)
        return self.padder_.transform(self._collection(X)), None

    def _training_data_scores(self, data):
        scores = getattr(self, "training_scores_", None)
        if scores is not None and len(scores) == len(data):
            return scores.copy()
        return super()._training_data_scores(data)

    def _heldout_count(self, n_windows: int) -> int:
        if not self.early_stopping:
            return 0
        return super()._heldout_count(n_windows)

    def _precision(self):
        return None  # no precision parameter: built under the global dtype policy

    def _build_network(self, arch):
        body = _AutoencoderBody(arch, self.bottleneck)
        return build_model(body, n_steps=self.n_steps_in_, n_channels=self.X_shape_[-1],
                           head=self._head(), name=f"autoencoder_{body.name}")

    def _reconstruct(self, windows, starts=None):
        return self._forward(windows)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
