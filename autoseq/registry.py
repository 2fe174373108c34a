"""The architecture registry: the plugin contract and how plugins are found.

An architecture builds the *body* of a network from a Keras tensor; autoseq adds
the input side (masking, token embeddings) and the task head. Hyperparameters
are the keyword arguments of :meth:`Architecture.build`, so an architecture
instance behaves like a scikit-learn parameter object: ``get_params``,
``set_params`` and ``clone`` work, and a search reaches them as
``model__architecture__units``.

Third-party packages register architectures through the entry-point group
``autoseq.architectures``; they are read lazily, on the first lookup. Set
``AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD=1`` to skip them.
"""

from __future__ import annotations

import difflib
import inspect
import os
import threading
import warnings
from importlib import metadata

TASKS = frozenset(
    {"classification", "regression", "forecasting", "labelling", "anomaly", "generation"}
)
INPUT_KINDS = frozenset({"numeric", "tokens"})
ENTRY_POINT_GROUP = "autoseq.architectures"


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


# -- the registry -----------------------------------------------------------------
_REGISTRY: dict[str, type[Architecture]] = {}
_LOCK = threading.RLock()
_PLUGINS_LOADED = False
_BUILTINS_LOADED = False


def _validate_class(cls) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Architecture)):
        raise ArchitectureError(
            f"register_architecture expects a subclass of autoseq.Architecture; got {cls!r}."
        )
    if not isinstance(cls.name, str) or not cls.name.isidentifier():
        raise ArchitectureError(
            f"{cls.__name__}.name must be a short identifier such as 'my_lstm'; got {cls.name!r}."
        )
    tasks = frozenset(cls.tasks)
    if not tasks or not tasks <= TASKS:
        raise ArchitectureError(
            f"{cls.__name__}.tasks must be a non-empty subset of {sorted(TASKS)}; "
            f"got {sorted(tasks) if tasks else 'nothing'}."
        )
    if not frozenset(cls.inputs) <= INPUT_KINDS or not cls.inputs:
        raise ArchitectureError(
            f"{cls.__name__}.inputs must be a non-empty subset of {sorted(INPUT_KINDS)}."
        )
    if cls.build is Architecture.build:
        raise ArchitectureError(f"{cls.__name__} must implement build(self, x, **hyperparameters).")
    names = set(cls._get_param_names())
    for key, values in dict(cls.search_space).items():
        if key not in names:
            raise ArchitectureError(
                f"{cls.__name__}.search_space names '{key}', which is not a keyword "
                f"argument of build(); build accepts: {sorted(names)}."
            )
        if not isinstance(values, (list, tuple)) or len(values) == 0:
            raise ArchitectureError(
                f"{cls.__name__}.search_space['{key}'] must be a non-empty list; got {values!r}."
            )


def register_architecture(cls=None, *, replace: bool = False):
    """Register an :class:`Architecture` subclass; usable as a decorator.

    Parameters
    ----------
    cls : type
        The subclass to register.
    replace : bool, default=False
        Replace an architecture registered under the same name instead of
        raising.

    Returns
    -------
    type
        ``cls`` unchanged, so the function works as a class decorator.
    """
    if cls is None:
        return lambda c: register_architecture(c, replace=replace)
    _validate_class(cls)
    with _LOCK:
        existing = _REGISTRY.get(cls.name)
        if existing is not None and existing is not cls and not replace:
            raise ArchitectureError(
                f"An architecture named '{cls.name}' is already registered "
                f"({existing.__module__}.{existing.__qualname__}); choose another name "
                "or pass replace=True."
            )
        _REGISTRY[cls.name] = cls
    return cls


def unregister_architecture(name: str) -> None:
    """Remove an architecture from the registry (mainly for tests)."""
    with _LOCK:
        _REGISTRY.pop(name, None)


def _load_builtins() -> None:
    global _BUILTINS_LOADED
    if not _BUILTINS_LOADED:
        _BUILTINS_LOADED = True
        import autoseq.networks.architectures  # noqa: F401  (registers the catalogue)


def _load_plugins() -> None:
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED or os.environ.get("AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD"):
        return
    _PLUGINS_LOADED = True
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep.dist, "name", "unknown distribution")
        try:
            obj = ep.load()
            classes = obj if isinstance(obj, (list, tuple)) else [obj]
            for cls in classes:
                if _REGISTRY.get(cls.name) is not cls:
                    register_architecture(cls)
        except Exception as exc:  # a broken plugin must never break autoseq
            warnings.warn(
                f"autoseq could not load architecture plugin '{ep.name}' from "
                f"distribution '{dist}' ({type(exc).__name__}: {exc}); it is skipped.",
                RuntimeWarning,
                stacklevel=3,
            )


def _ensure_loaded() -> None:
    with _LOCK:
        _load_builtins()
        _load_plugins()


def reload_plugins() -> None:
    """Read the ``autoseq.architectures`` entry points again (after an install)."""
    global _PLUGINS_LOADED
    with _LOCK:
        _PLUGINS_LOADED = False
        _ensure_loaded()


def get_architecture(name, **params) -> Architecture:
    """Return a new instance of a registered architecture.

    Parameters
    ----------
    name : str or Architecture
        Registry name (``"lstm"``), or an instance, returned as a copy with
        ``params`` applied.
    **params
        Hyperparameters, e.g. ``units=64``.

    Returns
    -------
    Architecture

    Raises
    ------
    ArchitectureError
        For an unknown name, with close matches and the registered names.
    """
    if isinstance(name, Architecture):
        return type(name)(**{**name._params, **params})
    if isinstance(name, type) and issubclass(name, Architecture):
        return name(**params)
    if not isinstance(name, str):
        raise TypeError(
            f"architecture must be a registry name or an Architecture; got {type(name).__name__}."
        )
    _ensure_loaded()
    cls = _REGISTRY.get(name)
    if cls is None:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ArchitectureError(
            f"Unknown architecture '{name}'.{hint} Registered: {', '.join(sorted(_REGISTRY))}."
        )
    return cls(**params)


def list_architectures(task: str | None = None, *, input_kind: str | None = None,
                       sequence_output: bool | None = None) -> list[str]:
    """Names of registered architectures, optionally filtered by capability.

    Parameters
    ----------
    task : str, optional
        Keep those that declare this task.
    input_kind : {"numeric", "tokens"}, optional
        Keep those that accept this input kind.
    sequence_output : bool, optional
        Keep those that can (True) or cannot (False) return one vector per step.

    Returns
    -------
    list of str
        Sorted names.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"Unknown task '{task}'; tasks are {sorted(TASKS)}.")
    _ensure_loaded()
    with _LOCK:
        classes = list(_REGISTRY.values())
    return sorted(
        c.name
        for c in classes
        if (task is None or task in c.tasks)
        and (input_kind is None or input_kind in c.inputs)
        and (sequence_output is None or c.sequence_output == sequence_output)
    )
