"""Contract tests for architecture plugins, in the spirit of scikit-learn's
``check_estimator``.

A plugin author runs :func:`check_architecture` on a new
:class:`~autoseq.Architecture` before publishing it. Each check builds the body
the way autoseq does (:func:`autoseq.networks.build.build_model`: input side, body,
task head) on tiny data, so a body that passes works inside ``SeqClassifier``,
``SeqRegressor`` and the searches for every task it declares. A violation
raises :class:`ArchitectureContractError`, an ``AssertionError`` whose message
names the architecture, the check and the rule that was broken.

The rules, by check:

``class_attributes``
    ``name`` is an identifier; ``tasks`` and ``inputs`` are non-empty subsets of
    :data:`autoseq.registry.TASKS` and :data:`~autoseq.registry.INPUT_KINDS`;
    ``sequence_output`` and ``supports_masking`` are booleans; ``labelling``
    needs ``sequence_output``; ``build(self, x, *, ...)`` gives every
    hyperparameter a default (only ``return_sequences`` is special) and has no
    ``*args`` / ``**kwargs``; ``search_space`` maps keyword arguments of
    ``build`` to non-empty lists; :func:`~autoseq.register_architecture`
    accepts the class.
``params``
    ``get_params`` / ``set_params`` / :func:`sklearn.base.clone` / pickle round
    trips, and unknown hyperparameters are refused.
``body_output``
    ``build`` returns ``(batch, units)`` or ``(batch, steps, units)`` with a
    known last axis, one vector per input step when ``return_sequences=True``,
    and leaves the hyperparameters unchanged.
``task:<task>`` (one per declared task)
    The model for that task builds, trains one step on a padded and on an
    unpadded batch with finite losses, predicts finite outputs of the right
    shape (sequence lengths vary between batches: autoseq builds with
    ``n_steps=None``, except for autoencoders), ignores padded steps when it
    claims ``supports_masking``, and survives ``model.save`` /
    ``keras.saving.load_model`` without ``custom_objects`` with identical
    predictions.
``tokens``
    The same for token-id input, when the body accepts both input kinds.
``search_space``
    Every point of the default search space builds and predicts.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import os
import pickle
import tempfile
from collections.abc import Mapping

import numpy as np

from autoseq import registry
from autoseq.registry import INPUT_KINDS, TASKS, Architecture, ArchitectureError

__all__ = [
    "ArchitectureContractError",
    "architecture_checks",
    "check_architecture",
    "parametrize_with_checks",
]

# tiny data: enough to exercise every code path, small enough to be quick
BATCH = 4
N_STEPS = 10
N_CHANNELS = 2
LENGTHS = (10, 6, 8, 10)  # real steps per sequence of the padded batch
SHORT_STEPS = 7  # a second length: autoseq builds with n_steps=None
ANOMALY_STEPS = 8  # autoencoders reconstruct fixed-length windows
ANOMALY_LENGTHS = (8, 5, 8, 7)
VOCAB = 12  # token ids: 0 padding, 1 out-of-vocabulary, 2.. real tokens
EMBEDDING_DIM = 8
N_CLASSES = 3
HORIZON = 3
_POOLED_TASKS = ("classification", "regression", "forecasting", "generation")
# the task used where one task stands for all (token input, search space)
_TASK_PREFERENCE = ("classification", "regression", "forecasting", "generation",
                    "labelling", "anomaly")


class ArchitectureContractError(AssertionError):
    """An architecture breaks the plugin contract checked by :func:`check_architecture`.

    Attributes
    ----------
    architecture : str
        Registry name of the architecture (its class name when it has none).
    check : str
        The check that failed, e.g. ``"task:labelling"``.
    rule : str
        The rule within the check, e.g. ``"output_shape"``.
    """

    def __init__(self, message, *, architecture=None, check=None, rule=None):
        super().__init__(message)
        self.architecture = architecture
        self.check = check
        self.rule = rule


# -- helpers ------------------------------------------------------------------------
def _keras():
    from autoseq._backend import keras

    return keras()


def _label(cls) -> str:
    name = getattr(cls, "name", "")
    return name if isinstance(name, str) and name else cls.__name__


def _fail(arch, check, rule, detail, cause=None):
    cls = arch if isinstance(arch, type) else type(arch)
    message = (f"Architecture '{_label(cls)}' ({cls.__module__}.{cls.__qualname__}) breaks "
               f"the plugin contract: check '{check}', rule '{rule}': {detail}")
    error = ArchitectureContractError(message, architecture=_label(cls), check=check, rule=rule)
    if cause is not None:
        raise error from cause
    raise error


def _describe(exc: BaseException, limit: int = 1500) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + " [...]"


class _Rule:
    """Context manager: any exception inside becomes a contract error for ``rule``."""

    def __init__(self, arch, check, rule, doing):
        self.arch, self.check, self.rule, self.doing = arch, check, rule, doing

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, ArchitectureContractError):
            return False
        if not isinstance(exc, Exception):
            return False
        _fail(self.arch, self.check, self.rule, f"{self.doing} raised {_describe(exc)}", exc)


def _resolve(arch) -> Architecture:
    """An Architecture instance from a name, a subclass or an instance."""
    if isinstance(arch, Architecture):
        return arch
    if isinstance(arch, str):
        return registry.get_architecture(arch)
    if isinstance(arch, type) and issubclass(arch, Architecture):
        try:
            return arch()
        except Exception as exc:
            _fail(arch, "params", "default_constructor",
                  f"{arch.__name__}() must work with no arguments (every hyperparameter "
                  f"has a default); it raised {_describe(exc)}", exc)
    raise TypeError(
        "check_architecture expects an Architecture subclass, an instance or a registered "
        f"name; got {arch!r}."
    )


def _set_of_strings(value):
    if isinstance(value, str) or not isinstance(value, (set, frozenset, list, tuple)):
        return None
    if not all(isinstance(v, str) for v in value):
        return None
    return frozenset(value)


def _declared_tasks(arch) -> list[str]:
    tasks = _set_of_strings(getattr(arch, "tasks", None)) or frozenset()
    return [t for t in _TASK_PREFERENCE if t in tasks]


def _primary_input(arch) -> str:
    inputs = _set_of_strings(getattr(arch, "inputs", None)) or INPUT_KINDS
    return "numeric" if "numeric" in inputs else "tokens"


def _copy(arch: Architecture, **params) -> Architecture:
    return type(arch)(**{**arch.get_params(), **params})


# -- the task matrix ----------------------------------------------------------------
def _head(task):
    """(HeadSpec, loss) for a task, as autoseq's estimators would choose them."""
    from autoseq.networks.build import HeadSpec

    if task == "classification":
        return HeadSpec("softmax", N_CLASSES), "sparse_categorical_crossentropy"
    if task == "generation":  # next token over a vocabulary
        return HeadSpec("softmax", VOCAB), "sparse_categorical_crossentropy"
    if task == "labelling":
        return HeadSpec("softmax", N_CLASSES, per_step=True), "sparse_categorical_crossentropy"
    if task == "regression":
        return HeadSpec("linear", 1), "mse"
    if task == "forecasting":
        return HeadSpec("linear", HORIZON), "mse"
    if task == "anomaly":
        return HeadSpec("reconstruction", N_CHANNELS), "mse"
    raise ValueError(f"Unknown task '{task}'; tasks are {sorted(TASKS)}.")


def _batch(input_kind, n_steps, lengths, rng):
    """A batch whose sequence ``i`` has ``lengths[i]`` real steps, padded after them."""
    if input_kind == "tokens":
        X = rng.integers(2, VOCAB, size=(len(lengths), n_steps)).astype("int32")
        for i, n in enumerate(lengths):
            X[i, n:] = 0
        return X
    X = rng.normal(size=(len(lengths), n_steps, N_CHANNELS)).astype("float32")
    for i, n in enumerate(lengths):
        X[i, n:] = np.nan
    return X


def _targets(task, X, rng):
    n, steps = X.shape[0], X.shape[1]
    if task == "classification":
        return np.arange(n, dtype="int32") % N_CLASSES
    if task == "generation":
        return rng.integers(2, VOCAB, size=n).astype("int32")
    if task == "labelling":
        return (np.arange(n * steps, dtype="int32") % N_CLASSES).reshape(n, steps)
    if task == "regression":
        return rng.normal(size=(n, 1)).astype("float32")
    if task == "forecasting":
        return rng.normal(size=(n, HORIZON)).astype("float32")
    return np.nan_to_num(X.astype("float32"))  # anomaly: rebuild the (zero-padded) input


def _expected_shape(head, n, steps):
    if head.kind == "reconstruction":
        return (n, steps, N_CHANNELS)
    if head.per_step:
        return (n, steps, head.n_outputs)
    return (n, head.n_outputs)


def _build(arch, check, task, input_kind, *, n_steps=None, context=""):
    from autoseq.networks.build import build_model

    head, loss = _head(task)
    if task == "anomaly":
        n_steps = ANOMALY_STEPS
    with _Rule(arch, check, "build_model",
               f"build_model(task={task!r}, head={head}, input_kind={input_kind!r}, "
               f"n_steps={n_steps}){context}"):
        model = build_model(arch, n_steps=n_steps, n_channels=N_CHANNELS, head=head,
                            input_kind=input_kind, vocab_size=VOCAB,
                            embedding_dim=EMBEDDING_DIM)
    return model, head, loss


def _predict(model, X):
    return np.asarray(model(X, training=False))


def _assert_output(arch, check, rule, out, expected, what):
    if tuple(out.shape) != tuple(expected):
        _fail(arch, check, rule,
              f"{what}: the model output has shape {tuple(out.shape)}, expected "
              f"{tuple(expected)}.")
    if not np.isfinite(out).all():
        hint = ""
        if "padded" in what and not arch.supports_masking:
            hint = (" With supports_masking=False the body sees padded steps as zeros and "
                    "no mask; it must still give finite values.")
        _fail(arch, check, "finite", f"{what}: the model output contains NaN or inf.{hint}")


def _run_task(arch, task, input_kind, check, *, eager=False):
    keras = _keras()
    rng = np.random.default_rng(0)
    anomaly = task == "anomaly"
    steps = ANOMALY_STEPS if anomaly else N_STEPS
    lengths = ANOMALY_LENGTHS if anomaly else LENGTHS
    if anomaly and input_kind != "numeric":
        _fail(arch, check, "inputs",
              "the 'anomaly' task reconstructs numeric windows, so an architecture that "
              "declares it must accept 'numeric' input.")

    model, head, loss = _build(arch, check, task, input_kind)
    X_pad = _batch(input_kind, steps, lengths, rng)
    X_full = _batch(input_kind, steps, (steps,) * BATCH, rng)
    y_pad, y_full = _targets(task, X_pad, rng), _targets(task, X_full, rng)

    # one optimiser step on each batch (one shape, so one trace of the train step)
    mode = "eagerly" if eager else "as a tf.function, like Model.fit"
    with _Rule(arch, check, "train", f"model.compile / model.train_on_batch (run {mode})"):
        model.compile(optimizer="adam", loss=loss, jit_compile=False, run_eagerly=eager)
        # create the optimizer's slots now: otherwise TF traces the train step twice
        model.optimizer.build(model.trainable_variables)
        losses = [model.train_on_batch(X_pad, y_pad), model.train_on_batch(X_full, y_full)]
    for batch, value in zip(("padded", "unpadded"), losses, strict=True):
        if not np.all(np.isfinite(np.asarray(value, dtype="float64"))):
            _fail(arch, check, "train",
                  f"the training loss on the {batch} batch is not finite ({value}).")

    with _Rule(arch, check, "predict", "calling the trained model"):
        out_pad = _predict(model, X_pad)
        out_full = _predict(model, X_full)
    _assert_output(arch, check, "output_shape", out_pad,
                   _expected_shape(head, BATCH, steps), "padded batch")
    _assert_output(arch, check, "output_shape", out_full,
                   _expected_shape(head, BATCH, steps), "unpadded batch")

    if not anomaly:
        X_short = _batch(input_kind, SHORT_STEPS, (SHORT_STEPS,) * BATCH, rng)
        with _Rule(arch, check, "variable_length",
                   f"predicting {SHORT_STEPS}-step sequences with a model first used on "
                   f"{steps}-step ones (autoseq builds with n_steps=None)"):
            out_short = _predict(model, X_short)
        _assert_output(arch, check, "variable_length", out_short,
                       _expected_shape(head, BATCH, SHORT_STEPS), f"{SHORT_STEPS}-step batch")

        if arch.supports_masking:
            i = int(np.argmin(lengths))
            n = lengths[i]
            with _Rule(arch, check, "masking", "predicting an unpadded sequence"):
                alone = _predict(model, X_pad[i:i + 1, :n])[0]
            padded = out_pad[i, :n] if head.per_step else out_pad[i]
            if not np.allclose(alone, padded, rtol=1e-3, atol=1e-4):
                _fail(arch, check, "masking",
                      f"supports_masking=True, but padding changes the output: a sequence of "
                      f"{n} steps gives {np.round(alone.ravel()[:4], 5).tolist()} alone and "
                      f"{np.round(padded.ravel()[:4], 5).tolist()} padded to {steps} steps "
                      f"(max difference {np.max(np.abs(alone - padded)):.3g}). Consume the "
                      "Keras mask in every layer, or set supports_masking=False.")

    with tempfile.TemporaryDirectory(prefix="autoseq-check-") as tmp:
        path = os.path.join(tmp, "m.keras")
        with _Rule(arch, check, "save_load",
                   "model.save() then keras.saving.load_model() without custom_objects "
                   "(decorate custom layers with "
                   "@keras.saving.register_keras_serializable(package=...) and give them "
                   "a complete get_config())"):
            model.save(path)
            loaded = keras.saving.load_model(path)
            out_loaded = _predict(loaded, X_pad)
    if out_loaded.shape != out_pad.shape:
        _fail(arch, check, "save_load",
              f"the reloaded model predicts shape {out_loaded.shape}, the saved one "
              f"{out_pad.shape}.")
    if not np.allclose(out_loaded, out_pad, rtol=1e-5, atol=1e-6):
        _fail(arch, check, "save_load",
              "the reloaded model predicts differently from the saved one (max difference "
              f"{np.max(np.abs(out_loaded - out_pad)):.3g}); create every weight through "
              "add_weight or sub-layers and return every constructor argument from "
              "get_config().")


# -- the checks ---------------------------------------------------------------------
def check_class_attributes(arch) -> None:
    """Class attributes and the ``build`` signature follow the contract."""
    check = "class_attributes"
    cls = arch if isinstance(arch, type) else type(arch)
    name = cls.name
    if not isinstance(name, str) or not name.isidentifier():
        _fail(cls, check, "name",
              f"name must be a short identifier such as 'my_lstm'; got {name!r}.")
    tasks = _set_of_strings(cls.tasks)
    if tasks is None:
        _fail(cls, check, "tasks", f"tasks must be a set of task names; got {cls.tasks!r}.")
    if not tasks or not tasks <= TASKS:
        _fail(cls, check, "tasks",
              f"tasks must be a non-empty subset of {sorted(TASKS)}; got {sorted(tasks)}"
              + (f" (unknown: {sorted(tasks - TASKS)})." if tasks - TASKS else "."))
    inputs = _set_of_strings(cls.inputs)
    if inputs is None or not inputs or not inputs <= INPUT_KINDS:
        _fail(cls, check, "inputs",
              f"inputs must be a non-empty subset of {sorted(INPUT_KINDS)}; got {cls.inputs!r}.")
    for flag in ("sequence_output", "supports_masking"):
        if not isinstance(getattr(cls, flag), bool):
            _fail(cls, check, flag, f"{flag} must be True or False; got {getattr(cls, flag)!r}.")
    if cls.kind not in ("deep", "baseline"):
        _fail(cls, check, "kind", f"kind must be 'deep' or 'baseline'; got {cls.kind!r}.")
    if "labelling" in tasks and not cls.sequence_output:
        _fail(cls, check, "sequence_output",
              "the 'labelling' task needs one vector per step: set sequence_output=True and "
              "accept build(..., return_sequences=False).")

    if cls.build is Architecture.build:
        _fail(cls, check, "build", "build(self, x, *, <hyperparameters>) is not implemented.")
    try:
        params = list(inspect.signature(cls.build).parameters.values())
    except (TypeError, ValueError) as exc:
        _fail(cls, check, "build", f"build has no readable signature ({exc}).", exc)
    P = inspect.Parameter
    if len(params) < 2 or params[1].kind not in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD):
        _fail(cls, check, "build",
              "build must take the input tensor as its first argument after self: "
              "build(self, x, *, <hyperparameters with defaults>).")
    names = []
    for p in params[2:]:
        if p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            _fail(cls, check, "build",
                  f"build must not take {'*' if p.kind is P.VAR_POSITIONAL else '**'}{p.name}: "
                  "hyperparameters are its named keyword arguments, so declare each one.")
        if p.default is P.empty:
            _fail(cls, check, "defaults",
                  f"build's argument '{p.name}' has no default; every hyperparameter needs "
                  f"one, e.g. build(self, x, *, {p.name}=32).")
        if p.name == "return_sequences":
            if p.default is not False:
                _fail(cls, check, "return_sequences",
                      f"return_sequences must default to False; got {p.default!r}.")
            continue
        if "__" in p.name or p.name.startswith("_"):
            _fail(cls, check, "hyperparameter_names",
                  f"hyperparameter '{p.name}' must not start with '_' or contain '__' "
                  "(scikit-learn reads '__' as nesting: model__architecture__units).")
        names.append(p.name)
    accepts_sequences = any(p.name == "return_sequences" for p in params[2:])
    if cls.sequence_output and not accepts_sequences:
        _fail(cls, check, "return_sequences",
              "sequence_output=True, so build must accept return_sequences=False and return "
              "one vector per step when it is True.")

    space = cls.search_space
    if not isinstance(space, Mapping):
        _fail(cls, check, "search_space",
              f"search_space must be a dict of hyperparameter name to list; got {space!r}.")
    for key, values in space.items():
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            _fail(cls, check, "search_space",
                  f"search_space names '{key}'{hint}, which is not a keyword argument of "
                  f"build(); build accepts: {sorted(names)}.")
        if not isinstance(values, (list, tuple)) or len(values) == 0:
            _fail(cls, check, "search_space",
                  f"search_space['{key}'] must be a non-empty list of values; got {values!r}.")
    try:
        registry._validate_class(cls)
    except ArchitectureError as exc:
        _fail(cls, check, "registry", f"register_architecture refuses it: {exc}", exc)


def check_params(arch) -> None:
    """``get_params`` / ``set_params`` / ``clone`` / pickle round trips."""
    from sklearn.base import clone

    check = "params"
    cls = type(arch)
    with _Rule(arch, check, "default_constructor", f"{cls.__name__}()"):
        default = cls()
    signature = inspect.signature(cls.build).parameters
    expected = {n: signature[n].default for n in cls._get_param_names()}
    with _Rule(arch, check, "get_params",
               "get_params() (if you override __init__, call super().__init__(**params): "
               "the base class stores the hyperparameters)"):
        got = default.get_params()
    if set(got) != set(expected):
        _fail(arch, check, "get_params",
              f"get_params() returns {sorted(got)}, but the hyperparameters (keyword "
              f"arguments of build) are {sorted(expected)}.")
    for key, value in expected.items():
        if not _same(got[key], value):
            _fail(arch, check, "get_params",
                  f"get_params()['{key}'] is {got[key]!r} on a default instance, but build's "
                  f"default is {value!r}.")

    with _Rule(arch, check, "constructor", f"{cls.__name__}(**get_params())"):
        rebuilt = cls(**arch.get_params())
    if rebuilt.get_params() != arch.get_params():
        _fail(arch, check, "constructor",
              f"{cls.__name__}(**params).get_params() differs from params.")

    for key, values in dict(cls.search_space).items():
        value = values[-1]
        with _Rule(arch, check, "set_params", f"set_params({key}={value!r})"):
            copy = clone(arch)
            returned = copy.set_params(**{key: value})
        if returned is not copy:
            _fail(arch, check, "set_params", "set_params must return the instance itself.")
        if not _same(copy.get_params()[key], value):
            _fail(arch, check, "set_params",
                  f"after set_params({key}={value!r}), get_params()['{key}'] is "
                  f"{copy.get_params()[key]!r}.")
        if "_params" in vars(arch) and copy._params is arch._params:
            _fail(arch, check, "clone", "clone shares its parameter dict with the original.")

    with _Rule(arch, check, "clone", "sklearn.base.clone(architecture)"):
        twin = clone(arch)
    if twin is arch or type(twin) is not cls or twin.get_params() != arch.get_params():
        _fail(arch, check, "clone",
              "sklearn.base.clone must return a new instance of the same class with the same "
              f"hyperparameters; got {twin!r} from {arch!r}.")
    if twin != arch or hash(twin) != hash(arch):
        _fail(arch, check, "clone", "a clone must compare equal and hash equal to the original.")
    with _Rule(arch, check, "get_architecture", "autoseq.get_architecture(instance)"):
        copied = registry.get_architecture(arch)
    if copied is arch or copied != arch:
        _fail(arch, check, "get_architecture",
              "get_architecture(instance) must return an equal copy.")

    for call, exc_type in ((lambda: clone(arch).set_params(not_a_hyperparameter_x=1), ValueError),
                           (lambda: cls(not_a_hyperparameter_x=1), TypeError)):
        try:
            call()
        except exc_type:
            pass
        except Exception as exc:
            _fail(arch, check, "unknown_hyperparameter",
                  f"an unknown hyperparameter must raise {exc_type.__name__}; got "
                  f"{_describe(exc)}.", exc)
        else:
            _fail(arch, check, "unknown_hyperparameter",
                  "an unknown hyperparameter was accepted silently; do not override "
                  "__init__ / set_params, or keep their checks.")

    with _Rule(arch, check, "repr", "repr(architecture)"):
        text = repr(arch)
    if not isinstance(text, str) or cls.__name__ not in text:
        _fail(arch, check, "repr", f"repr should name the class; got {text!r}.")

    with _Rule(arch, check, "pickle",
               "pickle.dumps / pickle.loads (estimators are saved and sent to workers with "
               "their architecture; define the class at module level)"):
        restored = pickle.loads(pickle.dumps(arch))
    if restored != arch:
        _fail(arch, check, "pickle", f"unpickled {restored!r}, which differs from {arch!r}.")


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. arrays: no single truth value
        return False


def check_body_output(arch) -> None:
    """``build`` returns a 2-D or 3-D float tensor, per-step when asked."""
    keras = _keras()
    check = "body_output"
    before = arch.get_params()
    for steps in (None, ANOMALY_STEPS):
        x = keras.Input(shape=(steps, N_CHANNELS))
        with _Rule(arch, check, "build", f"build() on an input of shape {x.shape}"):
            out = arch.build_body(x)
        _check_tensor(arch, check, out, x, per_step=False)
        if arch.sequence_output:
            x = keras.Input(shape=(steps, N_CHANNELS))
            with _Rule(arch, check, "build",
                       f"build(return_sequences=True) on an input of shape {x.shape}"):
                out = arch.build_body(x, return_sequences=True)
            _check_tensor(arch, check, out, x, per_step=True)
    if arch.get_params() != before:
        _fail(arch, check, "immutable",
              f"build changed the hyperparameters from {before} to {arch.get_params()}; "
              "build must only read them.")


def _check_tensor(arch, check, out, x, *, per_step):
    keras = _keras()
    call = "build(return_sequences=True)" if per_step else "build()"
    if not isinstance(out, keras.KerasTensor):
        _fail(arch, check, "tensor",
              f"{call} must return the output Keras tensor of the body; got {type(out).__name__}.")
    shape = tuple(out.shape)
    if per_step and len(shape) != 3:
        _fail(arch, check, "per_step",
              f"{call} must return one vector per step, (batch, n_steps, n_units); got shape "
              f"{shape} for an input of shape {tuple(x.shape)}.")
    if len(shape) not in (2, 3):
        _fail(arch, check, "rank",
              f"{call} must return a 2-D (batch, n_units) or 3-D (batch, n_steps, n_units) "
              f"tensor; got rank {len(shape)}, shape {shape}.")
    if shape[-1] is None:
        _fail(arch, check, "units",
              f"{call} returned shape {shape}; the last axis (units) must be known when the "
              "model is built, so that the head can be sized.")
    if per_step and x.shape[1] is not None and shape[1] != x.shape[1]:
        _fail(arch, check, "per_step",
              f"{call} must keep the time axis: an input of {x.shape[1]} steps gave shape "
              f"{shape}.")
    if "float" not in str(out.dtype):
        _fail(arch, check, "dtype", f"{call} must return a float tensor; got {out.dtype}.")


def check_task(arch, task) -> None:
    """Build, train, predict and save/load the model for one declared task."""
    check = f"task:{task}"
    if task not in arch.tasks:
        raise ValueError(f"Architecture '{arch.name}' does not declare the task '{task}'.")
    input_kind = "numeric" if task == "anomaly" else _primary_input(arch)
    # The pooled-output tasks share one body graph and differ only in the head, so
    # the first of them trains in graph mode (as Model.fit does) and the others
    # eagerly, which is several times quicker than tracing again.
    pooled = [t for t in _declared_tasks(arch) if t in _POOLED_TASKS]
    eager = task in pooled and task != pooled[0]
    _run_task(arch, task, input_kind, check, eager=eager)


def check_token_input(arch, task=None) -> None:
    """The body works on token embeddings (token id 0 is padding).

    ``task`` defaults to the first declared task other than "anomaly".
    """
    if "tokens" not in arch.inputs:
        return
    task = task or next((t for t in _declared_tasks(arch) if t != "anomaly"), None)
    if task is None:
        return
    # the body graph is the one the task check traced; eager training is enough here
    _run_task(arch, task, "tokens", "tokens", eager=True)


def check_search_space(arch, task=None) -> None:
    """Every point of the default search space builds and predicts finite values.

    The models get the head of ``task`` (default: the first declared task).
    """
    from sklearn.model_selection import ParameterGrid

    check = "search_space"
    task = task or next(iter(_declared_tasks(arch)), None)
    if task is None:
        return
    input_kind = "numeric" if task == "anomaly" else _primary_input(arch)
    steps = ANOMALY_STEPS if task == "anomaly" else N_STEPS
    lengths = ANOMALY_LENGTHS if task == "anomaly" else LENGTHS
    X = _batch(input_kind, steps, lengths, np.random.default_rng(0))
    for point in ParameterGrid(dict(arch.search_space)):
        with _Rule(arch, check, "point", f"set_params(**{point})"):
            candidate = _copy(arch, **point)
        model, head, _ = _build(candidate, check, task, input_kind,
                                context=f" for the search-space point {point}")
        with _Rule(arch, check, "predict", f"calling the untrained model of the point {point}"):
            out = _predict(model, X)
        _assert_output(arch, check, "output_shape", out,
                       _expected_shape(head, len(lengths), steps), f"point {point}, padded batch")


def architecture_checks(arch, *, tasks=None):
    """Yield the contract checks for ``arch`` as ``(check_id, check)`` pairs.

    ``check(architecture)`` runs one check; use this to see which check fails in
    a test report (see :func:`parametrize_with_checks`).

    Parameters
    ----------
    arch : Architecture subclass, instance or registered name
    tasks : iterable of str, optional
        Restrict the ``task:<task>`` checks to these declared tasks.

    Yields
    ------
    check_id : str
        ``"class_attributes"``, ``"params"``, ``"body_output"``,
        ``"task:<task>"`` per declared task, ``"tokens"`` (when both input kinds
        are accepted) and ``"search_space"``.
    check : callable
        Takes the architecture instance; raises :class:`ArchitectureContractError`.
    """
    arch = _resolve(arch)
    declared = _declared_tasks(arch)
    if tasks is not None:
        tasks = list(tasks)
        unknown = [t for t in tasks if t not in declared]
        if unknown:
            raise ValueError(
                f"Architecture '{arch.name}' does not declare {unknown}; it declares {declared}."
            )
        declared = [t for t in declared if t in tasks]
    yield "class_attributes", check_class_attributes
    yield "params", check_params
    yield "body_output", check_body_output
    for task in declared:
        yield f"task:{task}", functools.partial(check_task, task=task)
    inputs = _set_of_strings(getattr(arch, "inputs", None)) or frozenset()
    token_task = next((t for t in declared if t != "anomaly"), None)
    if {"numeric", "tokens"} <= inputs and token_task is not None:
        yield "tokens", functools.partial(check_token_input, task=token_task)
    if declared:
        yield "search_space", functools.partial(check_search_space, task=declared[0])


def check_architecture(arch, *, tasks=None) -> list[str]:
    """Check that an architecture plugin honours autoseq's contract.

    The architecture's body is built the way autoseq builds it (input side,
    body, task head; :func:`autoseq.networks.build.build_model`) on tiny data --
    batches of 4 sequences of 6 to 10 steps and 2 channels, some padded -- for
    every task it declares, trained for one step, checked for output shapes and
    finite values, saved and reloaded. Every point of its default search space
    is built too. See :mod:`autoseq.testing` for the full list of rules. It
    takes a few seconds per declared task on a CPU.

    Parameters
    ----------
    arch : Architecture subclass, Architecture instance or str
        The architecture to check: a class (checked with its defaults), an
        instance (checked with its hyperparameters; the instance is not
        modified) or the name of a registered architecture.
    tasks : iterable of str, optional
        Check only these of the declared tasks (default: all of them).

    Returns
    -------
    list of str
        The checks that ran, e.g. ``["class_attributes", "params",
        "body_output", "task:classification", ..., "search_space"]``.

    Raises
    ------
    ArchitectureContractError
        (an ``AssertionError``) at the first broken rule; the message names the
        architecture, the check and the rule.

    See Also
    --------
    architecture_checks : the same checks one by one.
    parametrize_with_checks : one pytest test per check.

    Examples
    --------
    A registered architecture, restricted to one task:

    >>> from autoseq.testing import check_architecture
    >>> check_architecture("gru", tasks=["regression"])  # doctest: +NORMALIZE_WHITESPACE
    ['class_attributes', 'params', 'body_output', 'task:regression', 'tokens',
     'search_space']

    A plugin, in its test suite (the class must live at module level so that
    estimators using it can be pickled):

    >>> from autoseq import Architecture
    >>> class MeanDense(Architecture):
    ...     name = "mean_dense"
    ...     tasks = frozenset({"classification", "regression"})
    ...     search_space = {"units": [8, 16]}
    ...     def build(self, x, *, units=8):
    ...         keras = self.keras
    ...         x = keras.layers.GlobalAveragePooling1D(name="mean_dense_pooling")(x)
    ...         return keras.layers.Dense(units, activation="relu", name="mean_dense")(x)
    >>> check_architecture(MeanDense)  # doctest: +SKIP
    ['class_attributes', 'params', 'body_output', 'task:classification',
     'task:regression', 'tokens', 'search_space']
    """
    instance = _resolve(arch)
    done = []
    for check_id, check in architecture_checks(instance, tasks=tasks):
        check(instance)
        done.append(check_id)
    return done


def parametrize_with_checks(architectures, *, tasks=None):
    """A ``pytest.mark.parametrize`` over every check of every architecture.

    Parameters
    ----------
    architectures : list of Architecture subclasses, instances or names
    tasks : iterable of str, optional
        As in :func:`check_architecture`.

    Returns
    -------
    pytest.MarkDecorator
        Parametrizes the arguments ``architecture`` and ``check``; the test body
        calls ``check(architecture)``. Test ids read ``"<name>-<check_id>"``.

    Examples
    --------
    >>> from autoseq.testing import parametrize_with_checks
    >>> @parametrize_with_checks(["gru"])
    ... def test_contract(architecture, check):
    ...     check(architecture)
    """
    import pytest

    params = []
    for arch in architectures:
        instance = _resolve(arch)
        for check_id, check in architecture_checks(instance, tasks=tasks):
            params.append(pytest.param(instance, check, id=f"{_label(type(instance))}-{check_id}"))
    return pytest.mark.parametrize(("architecture", "check"), params)
