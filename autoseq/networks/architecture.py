"""``Architecture``: the plugin contract every network body follows.

An architecture builds the *body* of a network from a Keras tensor; autoseq adds
the input side (masking, token embeddings) and the task head. Hyperparameters
are the keyword arguments of :meth:`Architecture.build`, so an architecture
instance behaves like a scikit-learn parameter object: ``get_params``,
``set_params`` and ``clone`` work, and a search reaches them as
``model__architecture__units``. Plugin authors import it as
``autoseq.Architecture`` (or from :mod:`autoseq.registry`).
"""

from __future__ import annotations

import difflib
import inspect

TASKS = frozenset(
    {"classification", "regression", "forecasting", "labelling", "anomaly", "generation"}
)
INPUT_KINDS = frozenset({"numeric", "tokens"})


class ArchitectureError(ValueError):
    """An architecture breaks the plugin contract, or a name is unknown or taken."""


class Architecture:
    """Base class of architecture plugins.

    A plugin sets ``name``, ``tasks`` and ``search_space`` and implements
    :meth:`build`; everything else has a default.

    Attributes
    ----------
    name : str
        Short registry name, e.g. ``"lstm"``.
    tasks : frozenset of str
        Subset of ``{"classification", "regression", "forecasting",
        "labelling", "anomaly", "generation"}``.
    inputs : frozenset of str, default={"numeric", "tokens"}
        Input kinds the body accepts. Tokens arrive embedded, so any body that
        reads a float tensor accepts them.
    sequence_output : bool, default=False
        Whether ``build`` accepts ``return_sequences=True`` and then returns one
        vector per time step (needed for per-step labelling and some decoders).
    supports_masking : bool, default=False
        Whether the body consumes a Keras mask for padded steps. Bodies that do
        not receive zeros at padded steps and no mask.
    search_space : dict of str to list
        The grid this architecture contributes to a search by default.
    kind : {"deep", "baseline"}, default="deep"
        How the leaderboard labels it.
    priority : int, default=50
        Its place in the default search's order, lower first: an estimate of
        accuracy per second of training relative to the other architectures.
        Under a time budget the first ones are the ones that get trained.

    Examples
    --------
    >>> from autoseq import Architecture
    >>> class TinyDense(Architecture):
    ...     name = "tiny_dense"
    ...     tasks = frozenset({"classification", "regression"})
    ...     search_space = {"units": [8, 16]}
    ...     def build(self, x, *, units=8):
    ...         keras = self.keras
    ...         x = keras.layers.GlobalAveragePooling1D()(x)
    ...         return keras.layers.Dense(units, activation="relu")(x)
    >>> TinyDense(units=16)
    TinyDense(units=16)
    """

    name: str = ""
    tasks: frozenset = frozenset()
    inputs: frozenset = INPUT_KINDS
    sequence_output: bool = False
    supports_masking: bool = False
    search_space: dict = {}
    kind: str = "deep"
    priority: int = 50

    def __init__(self, **params):
        unknown = set(params) - set(self._get_param_names())
        if unknown:
            raise TypeError(self._unknown_message(unknown))
        self._params = dict(params)

    def build(self, x, **hyperparameters):
        """Build the body on tensor ``x`` and return its output tensor.

        Parameters
        ----------
        x : keras tensor of shape (batch, n_steps, n_features)
            Scaled numeric values or token embeddings; padded steps are zero
            and, when ``supports_masking`` is true, carry a Keras mask.
        **hyperparameters
            Declared as keyword arguments with defaults in the subclass.

        Returns
        -------
        keras tensor
            ``(batch, n_units)``, or ``(batch, n_steps, n_units)`` when
            ``return_sequences=True`` was requested.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement build()")

    def fit_batch_size(self, n_train: int, batch_size: int) -> int:
        """The batch size to train on ``n_train`` sequences.

        Part of an architecture's training recipe, read by the Keras estimators
        at each ``fit``. The default keeps the estimator's choice.

        Parameters
        ----------
        n_train : int
            Sequences the network trains on (the validation tail excluded).
        batch_size : int
            The estimator's batch size, already at most ``n_train``: an upper bound.

        Returns
        -------
        int
        """
        return batch_size

    def fit_callbacks(self, *, n_train: int, epochs: int, patience: int) -> list:
        """Keras callbacks of this architecture's training recipe (e.g. a learning-rate
        schedule), added to the estimator's own at each ``fit``. Default: none.

        Parameters
        ----------
        n_train : int
            Sequences the network trains on.
        epochs : int
            Epochs of this fit at most.
        patience : int
            The estimator's early-stopping patience in epochs.

        Returns
        -------
        list of keras.callbacks.Callback
            New instances (they are not shared between fits).
        """
        return []

    @property
    def keras(self):
        """The ``keras`` module, imported quietly on first use."""
        from autoseq._backend import keras

        return keras()

    # -- scikit-learn parameter protocol -------------------------------------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.build)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name not in ("self", "x", "return_sequences")
            and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        )

    @classmethod
    def _defaults(cls) -> dict:
        signature = inspect.signature(cls.build)
        return {
            n: signature.parameters[n].default
            for n in cls._get_param_names()
            if signature.parameters[n].default is not inspect.Parameter.empty
        }

    def get_params(self, deep: bool = True) -> dict:
        """Hyperparameters of this architecture (defaults filled in)."""
        return {**self._defaults(), **self._params}

    def set_params(self, **params) -> Architecture:
        """Set hyperparameters; unknown names raise with close matches."""
        unknown = set(params) - set(self._get_param_names())
        if unknown:
            raise ValueError(self._unknown_message(unknown))
        self._params.update(params)
        return self

    def _unknown_message(self, unknown) -> str:
        names = self._get_param_names()
        hints = []
        for u in sorted(unknown):
            close = difflib.get_close_matches(u, names, n=1)
            hints.append(f"'{u}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        return (
            f"Unknown hyperparameter {', '.join(hints)} for architecture "
            f"'{self.name}'. Its hyperparameters are: {', '.join(names) or 'none'}."
        )

    def __sklearn_clone__(self):
        return type(self)(**self._params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self._params.items()))
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(map(repr, self.get_params().items())))))

    def build_body(self, x, *, return_sequences: bool = False):
        """Call :meth:`build` with this instance's hyperparameters."""
        params = self.get_params()
        if return_sequences:
            if not self.sequence_output:
                raise ArchitectureError(
                    f"Architecture '{self.name}' cannot return one vector per step "
                    "(sequence_output=False)."
                )
            params["return_sequences"] = True
        return self.build(x, **params)
