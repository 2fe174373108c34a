"""One architecture, no search: ``SeqClassifier`` and ``SeqRegressor``.

Built on scikeras's ``BaseWrapper`` (its fit loop,
target-encoder protocol and pickling of Keras models), with what sequence
models and today's scikit-learn need on top:

* sequence input in every accepted form (:mod:`autoseq.validation`), NaN-marked
  padding turned into a Keras mask inside the network;
* the network assembled from a registered architecture (:mod:`autoseq.networks.build`);
* explicit keyword parameters (so ``get_params`` is honest), the
  ``__sklearn_tags__`` API, and mixins to the left of the wrapper;
* early stopping on a time-ordered validation tail;
* a compiled forward pass for prediction instead of ``Model.predict``'s
  per-call machinery.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from autoseq import _compat, validation
from autoseq._backend import custom_gradients_owned_by
from autoseq._backend import keras as _keras
from autoseq._backend import tensorflow as _tensorflow
from autoseq._compat import keras_seeds_from
from autoseq.estimators.deadline import (
    active_deadline_callbacks,
    check_callback_deadlines,
    setup_clock,
)
from autoseq.networks.build import build_model
from autoseq.preprocessing.padding import pad_sequences
from autoseq.preprocessing.targets import (
    ClassTargetEncoder,
    StandardTargetEncoder,
    read_label_mode,
)
from autoseq.registry import Architecture, get_architecture

keras = _keras()
tf = _tensorflow()
BaseWrapper = _compat.scikeras_wrapper()

__all__ = ["SeqClassifier", "SeqRegressor", "SequenceEstimatorMixin", "keras_seeds_from",
           "pad_sequences"]

PREDICT_CHUNK = 4096
# fewer validation sequences than this give too noisy a loss to stop on
MIN_VALIDATION = 16
# the dtypes the network reads numeric input in: float32 input is used as it is
_NUMERIC_DTYPES = (np.float64, np.float32)


class SequenceEstimatorMixin:
    """Behaviour shared by the Keras estimators (left of the scikeras base): parameters,
    input checks, the network's build and training loop, prediction.

    A subclass declares its parameters in an explicit ``__init__`` signature and
    stores them with ``self._store_params(locals())``; it builds its network in
    :meth:`_build_network`.
    """

    _task = "classification"

    # -- parameters: signature based, as in scikit-learn ---------------------------
    @classmethod
    def _get_param_names(cls):
        return _compat.param_names(cls)

    def _store_params(self, params: dict) -> None:
        """Store the arguments of the calling ``__init__`` as given (``params``: its
        ``locals()``, taken before anything else is assigned)."""
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    def set_params(self, **params):
        return BaseEstimator.set_params(self, **params)

    def __repr__(self, N_CHAR_MAX=700):
        return BaseEstimator.__repr__(self, N_CHAR_MAX=N_CHAR_MAX)

    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else dict(vars(self))
        state = dict(state)
        state.pop("_forward_fn", None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False  # NaN only as SequencePadder's padding of 3-D input
        tags.input_tags.sparse = False
        tags.non_deterministic = self.random_state is None
        return tags

    # -- input ---------------------------------------------------------------------
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        if X is not None:
            _compat.check_feature_names(self, X, reset=reset)
            X = self._check_X(X, reset=reset)
        if y is not None or (reset and X is not None):
            y = validation.check_target(y, len(X)) if X is not None else np.asarray(y)
        return X, y

    def _check_X(self, X, reset):
        raw = X
        tokens = self.input_kind == "tokens"
        if tokens:
            X = _check_tokens(X)
        else:
            X = validation.check_sequences(X, allow_nan="padding", dtype=_NUMERIC_DTYPES)
            X = pad_sequences(X)
        two_d = tokens or (isinstance(raw, np.ndarray) and raw.ndim == 2) or _is_frame(raw)
        if reset:
            # a 2-D X is a table: its columns (steps) are the features, as in scikit-learn
            self.input_ndim_ = 2 if two_d else 3
            self.n_features_in_ = X.shape[1] if two_d else X.shape[2]
            self.n_steps_in_ = X.shape[1]
            self.X_shape_ = X.shape
            self.X_dtype_ = X.dtype
            if tokens:
                self.vocab_size_ = int(max(X.max(), 1)) + 1
        elif tokens:
            X = np.where(X >= self.vocab_size_, 1, X).astype("int32")
        else:
            self._check_n_features(X, two_d)
        return X

    def _check_n_features(self, X, two_d):
        if self.input_ndim_ == 2 and two_d:
            got, what = X.shape[1], "steps; a 2-D X is a table of one channel, so pass "
            what += "sequences of another length as a list or a 3-D array"
        else:
            expected_channels = 1 if self.input_ndim_ == 2 else self.n_features_in_
            if X.shape[2] == expected_channels:
                return
            got, what = X.shape[2], "channels of each time step"
            if self.input_ndim_ == 2:
                raise ValueError(
                    f"X has {got} channels, but {type(self).__name__} was fitted on a 2-D X "
                    "(one channel)."
                )
        if got != self.n_features_in_:
            raise ValueError(
                f"X has {got} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input (features are the {what})."
            )

    # -- model ---------------------------------------------------------------------
    def _architecture(self) -> Architecture:
        arch = get_architecture(self.architecture)
        task = "labelling" if self._head().per_step else self._task
        if task not in arch.tasks:
            raise ValueError(
                f"Architecture '{arch.name}' does not support the task '{task}'; it declares "
                f"{sorted(arch.tasks)}."
            )
        kind = self.input_kind
        if kind not in arch.inputs:
            raise ValueError(f"Architecture '{arch.name}' does not accept {kind} input.")
        return arch

    def _head(self):
        return self.target_encoder_.head

    def _precision(self) -> str | None:
        """The Keras dtype policy to build under (None: the global one, for an estimator
        without a ``precision`` parameter)."""
        precision = self.precision
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(map(repr, PRECISIONS))}; "
                             f"got {precision!r}.")
        return precision

    def _build_keras_model(self):
        arch = self._architecture()
        seed = self._random_state
        with _compat.seeded(seed), dtype_policy(self._precision()):
            if seed is not None:
                keras.utils.set_random_seed(seed)
            with keras_seeds_from(seed):  # the same weights in any process, any thread
                model = self._build_network(arch)
            optimizer = keras.optimizers.get(
                {"class_name": self.optimizer,
                 "config": {"learning_rate": self.learning_rate, "clipnorm": 1.0}})
            model.compile(optimizer=optimizer, loss=self.target_encoder_.loss,
                          jit_compile=False)
            # creating the optimizer's slots now keeps that work out of the first
            # (traced) training step, which TF would otherwise trace twice
            model.optimizer.build(model.trainable_variables)
        self._forward_fn = None
        return model

    def _build_network(self, arch):
        """The uncompiled Keras model around the body of ``arch``."""
        return build_model(
            arch, n_steps=None,
            n_channels=self.X_shape_[-1] if self.input_kind != "tokens" else 1,
            head=self._head(), input_kind=self.input_kind,
            vocab_size=getattr(self, "vocab_size_", None),
            embedding_dim=self.embedding_dim,
        )

    def _fit_keras_model(self, X, y, sample_weight, warm_start, epochs, initial_epoch,
                         **kwargs):
        callbacks, validation_data = [], None
        if self.early_stopping:
            n_val = int(round(len(X) * self.validation_fraction))
            monitor = "loss"
            if n_val >= MIN_VALIDATION and len(X) - n_val >= MIN_VALIDATION:
                # the most recent sequences validate: never train on the future
                validation_data = (X[-n_val:], y[-n_val:])
                if sample_weight is not None:
                    validation_data += (sample_weight[-n_val:],)
                    sample_weight = sample_weight[:-n_val]
                X, y = X[:-n_val], y[:-n_val]
                monitor = "val_loss"
            callbacks.append(keras.callbacks.EarlyStopping(
                monitor=monitor, patience=self.patience, restore_best_weights=True))
        # the architecture's training recipe: a learning-rate schedule, its batch size
        arch = self._architecture()
        callbacks.extend(arch.fit_callbacks(n_train=len(X), epochs=epochs,
                                            patience=self.patience))
        callbacks.extend(self.callbacks or [])
        callbacks.extend(active_deadline_callbacks())  # a budgeted refit stops in time
        if getattr(self, "_setup_started", None) is not None:  # a fresh network, not a warm start
            callbacks.append(setup_clock(self._setup_started))
            self._setup_started = None
        fit_args = dict(
            x=X, y=y, sample_weight=sample_weight,
            batch_size=_balanced_batch_size(
                len(X), arch.fit_batch_size(len(X), min(self.batch_size, len(X)))),
            epochs=initial_epoch + epochs, initial_epoch=initial_epoch,
            validation_data=validation_data, callbacks=callbacks,
            verbose=2 if self.verbose else 0, shuffle=self.shuffle,
        )
        with (_compat.seeded(self._random_state),
              custom_gradients_owned_by(self.model_)):  # else each fit's graph stays alive
            hist = self.model_.fit(**fit_args)
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = defaultdict(list)
        for key, val in hist.history.items():
            self.history_[key] += list(val)
        # made here, not on first predict, so predicting never changes the estimator
        self._forward_fn = self._make_forward()

    # -- prediction ----------------------------------------------------------------
    def _predict_raw(self, X, **kwargs):
        check_is_fitted(self, "model_")
        X, _ = self._validate_data(X=X)
        return self._forward(X)

    def _forward(self, X):
        """Run the network through a compiled call, in chunks; no per-call overhead."""
        if getattr(self, "_forward_fn", None) is None:  # e.g. just unpickled
            self._forward_fn = self._make_forward()
        dtype = "int32" if self.input_kind == "tokens" else "float32"
        outs = [self._forward_fn(tf.constant(X[i:i + PREDICT_CHUNK], dtype=dtype)).numpy()
                for i in range(0, len(X), PREDICT_CHUNK)]
        return np.concatenate(outs, axis=0)

    def _make_forward(self):
        model = self.model_
        if self.input_kind == "tokens":
            spec = tf.TensorSpec((None, None), dtype="int32")
        else:
            spec = tf.TensorSpec((None,) * (len(model.inputs[0].shape) - 1)
                                 + tuple(model.inputs[0].shape[-1:]),
                                 dtype=model.inputs[0].dtype)
        return tf.function(lambda x: model(x, training=False), input_signature=[spec])

    def _initialize(self, X, y=None):
        # a fold that would start after its deadline would only build and compile a network
        check_callback_deadlines(self.callbacks, self)
        self._setup_started = time.monotonic()
        self._forward_fn = None
        return super()._initialize(X, y)


def _balanced_batch_size(n: int, batch_size: int) -> int:
    """The largest batch size up to ``batch_size`` that splits ``n`` sequences into as many
    batches of near-equal size (34 at 16: 12, 12, 10, not 16, 16, 2).

    Adam takes a step of the same size from every batch, so a runt last batch of one or
    two sequences pulls the weights towards those few at the end of every epoch; on small
    data that alone kept the recurrent networks at chance.
    """
    batch_size = max(1, min(int(batch_size), n))
    n_batches = -(-n // batch_size)
    return -(-n // n_batches)


def _check_class_labels(y, n_steps, label_mode):
    import warnings

    from sklearn.exceptions import DataConversionWarning
    from sklearn.utils.multiclass import type_of_target

    if y.ndim == 2 and y.shape[1] == 1 and n_steps != 1 and label_mode == "auto":
        warnings.warn("A column-vector y was passed when a 1d array was expected; it is "
                      "raveled.", DataConversionWarning, stacklevel=4)
        y = y.ravel()
    if y.ndim == 1 and type_of_target(y) == "continuous":
        raise ValueError(
            "Unknown label type: continuous. A classifier needs class labels; for numeric "
            "targets use SeqRegressor or AutoSeqRegressor."
        )
    return y


def _is_frame(X) -> bool:
    import pandas as pd

    return isinstance(X, pd.DataFrame)


PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


@contextlib.contextmanager
def dtype_policy(name: str | None):
    """Build Keras layers under dtype policy ``name``; the global policy is restored after.

    None builds under the global policy as it is.
    """
    if name is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _check_tokens(X):
    if isinstance(X, np.ndarray) and X.dtype != object:
        arr = X
    else:
        try:
            seqs = [np.asarray(s) for s in X]
        except TypeError:
            raise TypeError(
                f"Token input must be integer id sequences; got {type(X).__name__}."
            ) from None
        if not seqs:
            raise ValueError("X is empty; at least one token sequence is needed.")
        for i, s in enumerate(seqs):
            if s.ndim != 1:
                raise ValueError(f"X[{i}] must be a 1-D sequence of token ids; got shape {s.shape}.")
        arr = pad_sequences(seqs, value=0, dtype=np.int64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(
            f"Token input must be a 2-D array (n_sequences, n_steps) of integer ids or a list "
            f"of id sequences; got shape {arr.shape}."
        )
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
        raise TypeError(f"Token ids must be integers; got dtype {arr.dtype}.")
    if (arr < 0).any():
        raise ValueError("Token ids must be >= 0 (0 is padding, 1 out-of-vocabulary).")
    return arr.astype("int32")


_COMMON_DOC = """
    architecture : str or Architecture, default="{default_arch}"
        Registry name (see :func:`autoseq.list_architectures`) or an
        :class:`~autoseq.Architecture` instance carrying hyperparameters, e.g.
        ``autoseq.get_architecture("lstm", units=64)``. A search reaches its
        hyperparameters as ``architecture__units``.
    input_kind : {{"numeric", "tokens"}}, default="numeric"
        Float sequences, or integer token ids (0 = padding, 1 = unknown).
    epochs : int, default=20
        Maximum passes over the training data.
    batch_size : int, default=32
        At most this many sequences a batch: the training sequences are split
        into ``ceil(n / batch_size)`` batches of near-equal size (no runt last
        batch), and an architecture's recipe may ask for smaller ones
        (:meth:`~autoseq.Architecture.fit_batch_size`).
    learning_rate : float, default=1e-3
    optimizer : str, default="adam"
        Any Keras optimizer name.
    early_stopping : bool, default=False
        Stop when the loss on the most recent ``validation_fraction`` of the
        sequences (time order, never shuffled in) stops improving, and keep the
        best weights. When the tail would hold fewer than 16 sequences, or leave
        fewer than 16 to train on, the training loss is watched instead: with
        the default ``validation_fraction=0.1``, below 155 training sequences.
    validation_fraction : float, default=0.1
    patience : int, default=8
    embedding_dim : int, default=32
        Width of the token embedding (``input_kind="tokens"``).
    shuffle : bool, default=True
        Shuffle batches within the training part.
    callbacks : list of keras.callbacks.Callback, optional
    warm_start : bool, default=False
        Continue training the existing network on the next ``fit``.
    random_state : int, optional
        Seeds Python, NumPy, TensorFlow and Keras and turns on deterministic
        TensorFlow ops for the fit, so repeated fits give identical models.
    verbose : int, default=0
        0 is silent; 1 prints one line per epoch.
    precision : {{"float32", "mixed_float16", "mixed_bfloat16"}}, default="float32"
        Keras dtype policy of the network. The mixed policies compute in 16 bits
        and keep float32 weights, outputs and autoseq's own masking and feature
        layers (``mixed_float16`` with automatic loss scaling): on a GPU with
        tensor cores (``mixed_float16``) or a TPU/recent CPU (``mixed_bfloat16``)
        they train faster; elsewhere they are slower than float32."""


class SeqClassifier(SequenceEstimatorMixin, ClassifierMixin, BaseWrapper):
    __doc__ = f"""A Keras sequence classifier built from one registered architecture.

    Parameters
    ----------{_COMMON_DOC.format(default_arch="lstm")}
    label_mode : {{"auto", "single", "multilabel", "per_step"}}, default="auto"
        How ``y`` is read: one label per sequence, a 0/1 multi-label indicator
        matrix, or one label per time step. "auto" reads a 1-D ``y`` as single
        labels, a 2-D ``y`` with one column per time step as per-step labels
        and any other 2-D 0/1 matrix as multi-label.
    class_weight : dict or "balanced", optional

    Attributes
    ----------
    model_ : keras.Model
    classes_ : ndarray
    label_mode_ : str
        The reading of ``y`` that was used.
    history_ : dict of lists
        Loss (and validation loss) per epoch.
    n_features_in_ : int
        Channels per time step.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SeqClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 12, 2)); y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    >>> clf = SeqClassifier(architecture="gru", epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    def __init__(self, architecture="lstm", *, input_kind="numeric", epochs=20, batch_size=32,
                 learning_rate=1e-3, optimizer="adam", early_stopping=False,
                 validation_fraction=0.1, patience=8, embedding_dim=32, shuffle=True,
                 callbacks=None, warm_start=False, random_state=None, verbose=0,
                 label_mode="auto", class_weight=None, precision="float32"):
        self._store_params(locals())

    @property
    def target_encoder(self):
        return ClassTargetEncoder(label_mode=self.label_mode_)

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        X, y = super()._validate_data(X, y, reset=reset)
        if reset and y is not None:
            y = _check_class_labels(y, X.shape[1], self.label_mode)
            self.label_mode_ = read_label_mode(X, y, self.label_mode)
        return X, y

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : sequences
            Any form accepted by :func:`autoseq.validation.check_sequences`, or
            token ids with ``input_kind="tokens"``.
        y : array-like of shape (n_sequences,) or (n_sequences, n_labels | n_steps)
        sample_weight : array-like of shape (n_sequences,), optional

        Returns
        -------
        self
        """
        if self.class_weight is not None and np.ndim(y) == 1:
            from sklearn.utils.class_weight import compute_sample_weight

            weights = compute_sample_weight(self.class_weight, np.asarray(y))
            sample_weight = weights if sample_weight is None else np.asarray(
                sample_weight, dtype=float) * weights
        return super().fit(X, y, sample_weight=sample_weight, **kwargs)

    def predict_proba(self, X):
        """Class probabilities: ``(n, n_classes)``, per label for multi-label,
        ``(n, n_steps, n_classes)`` for per-step labels."""
        check_is_fitted(self, "model_")
        return self.target_encoder_.inverse_transform(self._predict_raw(X), return_proba=True)

    def score(self, X, y, sample_weight=None):
        """Accuracy; per-step accuracy for per-step labels, subset accuracy for multi-label."""
        y_pred = self.predict(X)
        y = np.asarray(y)
        if getattr(self, "label_mode_", "single") == "per_step":
            return float(np.mean(y_pred == y))
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, y_pred, sample_weight=sample_weight)


class SeqRegressor(SequenceEstimatorMixin, RegressorMixin, BaseWrapper):
    __doc__ = f"""A Keras sequence regressor built from one registered architecture.

    Targets are standardised inside ``fit`` and predictions returned in the
    original units; ``y`` may be 2-D for several values per sequence (e.g. a
    multi-step forecast).

    Parameters
    ----------{_COMMON_DOC.format(default_arch="lstm")}

    Attributes
    ----------
    model_ : keras.Model
    history_ : dict of lists
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import SeqRegressor
    >>> X = np.random.default_rng(0).normal(size=(30, 8)); y = X.sum(axis=1)
    >>> SeqRegressor(architecture="gru", epochs=2, random_state=0).fit(X, y).predict(X[:2]).shape
    (2,)
    """

    _task = "regression"

    def __init__(self, architecture="lstm", *, input_kind="numeric", epochs=20, batch_size=32,
                 learning_rate=1e-3, optimizer="adam", early_stopping=False,
                 validation_fraction=0.1, patience=8, embedding_dim=32, shuffle=True,
                 callbacks=None, warm_start=False, random_state=None, verbose=0,
                 precision="float32"):
        self._store_params(locals())

    @property
    def target_encoder(self):
        return StandardTargetEncoder()

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        X, y = super()._validate_data(X, y, reset=reset)
        if y is not None:
            try:
                y = np.asarray(y, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"y must be numeric for regression; got dtype {np.asarray(y).dtype}."
                ) from None
            if not np.isfinite(y).all():
                raise ValueError("y contains NaN or infinite values; remove those sequences.")
        return X, y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # a 2-D y: several values per sequence
        return tags

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the predictions."""
        from sklearn.metrics import r2_score

        return r2_score(y, self.predict(X), sample_weight=sample_weight)
