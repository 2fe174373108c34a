"""The checks that build models: the body's output, each task, token input, the search space.

Each builds the architecture the way autoseq does
(:func:`autoseq.networks.build.build_model`: input side, body, task head) on
the tiny data of :mod:`autoseq.testing.data`.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from autoseq.testing.data import (
    ANOMALY_LENGTHS,
    ANOMALY_STEPS,
    BATCH,
    EMBEDDING_DIM,
    LENGTHS,
    N_CHANNELS,
    N_STEPS,
    POOLED_TASKS,
    SHORT_STEPS,
    VOCAB,
    declared_tasks,
    expected_shape,
    make_batch,
    make_targets,
    primary_input,
    task_head,
    with_params,
)
from autoseq.testing.errors import ContractRule, fail

__all__ = ["check_body_output", "check_search_space", "check_task", "check_token_input"]


def keras_module():
    """The ``keras`` module, imported quietly on first use."""
    from autoseq._backend import keras

    return keras()


def build_for_task(arch, check, task, input_kind, *, n_steps=None, context=""):
    """``(model, head, loss)``: ``arch`` built as autoseq builds it for ``task``."""
    from autoseq.networks.build import build_model

    head, loss = task_head(task)
    if task == "anomaly":
        n_steps = ANOMALY_STEPS
    with ContractRule(arch, check, "build_model",
                      f"build_model(task={task!r}, head={head}, input_kind={input_kind!r}, "
                      f"n_steps={n_steps}){context}"):
        model = build_model(arch, n_steps=n_steps, n_channels=N_CHANNELS, head=head,
                            input_kind=input_kind, vocab_size=VOCAB,
                            embedding_dim=EMBEDDING_DIM)
    return model, head, loss


def predict_batch(model, X):
    """The model's output on ``X`` (inference mode) as a NumPy array."""
    return np.asarray(model(X, training=False))


def assert_output(arch, check, rule, out, expected, what):
    """Fail ``rule`` unless ``out`` has the ``expected`` shape and finite values."""
    if tuple(out.shape) != tuple(expected):
        fail(arch, check, rule,
             f"{what}: the model output has shape {tuple(out.shape)}, expected "
             f"{tuple(expected)}.")
    if not np.isfinite(out).all():
        hint = ""
        if "padded" in what and not arch.supports_masking:
            hint = (" With supports_masking=False the body sees padded steps as zeros and "
                    "no mask; it must still give finite values.")
        fail(arch, check, "finite", f"{what}: the model output contains NaN or inf.{hint}")


def run_task(arch, task, input_kind, check, *, eager=False):
    """Build, train one step, predict and save/load the model of one task."""
    keras = keras_module()
    rng = np.random.default_rng(0)
    anomaly = task == "anomaly"
    steps = ANOMALY_STEPS if anomaly else N_STEPS
    lengths = ANOMALY_LENGTHS if anomaly else LENGTHS
    if anomaly and input_kind != "numeric":
        fail(arch, check, "inputs",
             "the 'anomaly' task reconstructs numeric windows, so an architecture that "
             "declares it must accept 'numeric' input.")

    model, head, loss = build_for_task(arch, check, task, input_kind)
    X_pad = make_batch(input_kind, steps, lengths, rng)
    X_full = make_batch(input_kind, steps, (steps,) * BATCH, rng)
    y_pad, y_full = make_targets(task, X_pad, rng), make_targets(task, X_full, rng)

    # one optimiser step on each batch (one shape, so one trace of the train step)
    mode = "eagerly" if eager else "as a tf.function, like Model.fit"
    with ContractRule(arch, check, "train", f"model.compile / model.train_on_batch (run {mode})"):
        model.compile(optimizer="adam", loss=loss, jit_compile=False, run_eagerly=eager)
        # create the optimizer's slots now: otherwise TF traces the train step twice
        model.optimizer.build(model.trainable_variables)
        losses = [model.train_on_batch(X_pad, y_pad), model.train_on_batch(X_full, y_full)]
    for batch, value in zip(("padded", "unpadded"), losses, strict=True):
        if not np.all(np.isfinite(np.asarray(value, dtype="float64"))):
            fail(arch, check, "train",
                 f"the training loss on the {batch} batch is not finite ({value}).")

    with ContractRule(arch, check, "predict", "calling the trained model"):
        out_pad = predict_batch(model, X_pad)
        out_full = predict_batch(model, X_full)
    assert_output(arch, check, "output_shape", out_pad,
                  expected_shape(head, BATCH, steps), "padded batch")
    assert_output(arch, check, "output_shape", out_full,
                  expected_shape(head, BATCH, steps), "unpadded batch")

    if not anomaly:
        X_short = make_batch(input_kind, SHORT_STEPS, (SHORT_STEPS,) * BATCH, rng)
        with ContractRule(arch, check, "variable_length",
                          f"predicting {SHORT_STEPS}-step sequences with a model first used on "
                          f"{steps}-step ones (autoseq builds with n_steps=None)"):
            out_short = predict_batch(model, X_short)
        assert_output(arch, check, "variable_length", out_short,
                      expected_shape(head, BATCH, SHORT_STEPS), f"{SHORT_STEPS}-step batch")

        if arch.supports_masking:
            i = int(np.argmin(lengths))
            n = lengths[i]
            with ContractRule(arch, check, "masking", "predicting an unpadded sequence"):
                alone = predict_batch(model, X_pad[i:i + 1, :n])[0]
            padded = out_pad[i, :n] if head.per_step else out_pad[i]
            if not np.allclose(alone, padded, rtol=1e-3, atol=1e-4):
                fail(arch, check, "masking",
                     f"supports_masking=True, but padding changes the output: a sequence of "
                     f"{n} steps gives {np.round(alone.ravel()[:4], 5).tolist()} alone and "
                     f"{np.round(padded.ravel()[:4], 5).tolist()} padded to {steps} steps "
                     f"(max difference {np.max(np.abs(alone - padded)):.3g}). Consume the "
                     "Keras mask in every layer, or set supports_masking=False.")

    with tempfile.TemporaryDirectory(prefix="autoseq-check-") as tmp:
        path = os.path.join(tmp, "m.keras")
        with ContractRule(arch, check, "save_load",
                          "model.save() then keras.saving.load_model() without custom_objects "
                          "(decorate custom layers with "
                          "@keras.saving.register_keras_serializable(package=...) and give them "
                          "a complete get_config())"):
            model.save(path)
            loaded = keras.saving.load_model(path)
            out_loaded = predict_batch(loaded, X_pad)
    if out_loaded.shape != out_pad.shape:
        fail(arch, check, "save_load",
             f"the reloaded model predicts shape {out_loaded.shape}, the saved one "
             f"{out_pad.shape}.")
    if not np.allclose(out_loaded, out_pad, rtol=1e-5, atol=1e-6):
        fail(arch, check, "save_load",
             "the reloaded model predicts differently from the saved one (max difference "
             f"{np.max(np.abs(out_loaded - out_pad)):.3g}); create every weight through "
             "add_weight or sub-layers and return every constructor argument from "
             "get_config().")


def check_body_output(arch) -> None:
    """``build`` returns a 2-D or 3-D float tensor, per-step when asked."""
    keras = keras_module()
    check = "body_output"
    before = arch.get_params()
    for steps in (None, ANOMALY_STEPS):
        x = keras.Input(shape=(steps, N_CHANNELS))
        with ContractRule(arch, check, "build", f"build() on an input of shape {x.shape}"):
            out = arch.build_body(x)
        check_tensor(arch, check, out, x, per_step=False)
        if arch.sequence_output:
            x = keras.Input(shape=(steps, N_CHANNELS))
            with ContractRule(arch, check, "build",
                              f"build(return_sequences=True) on an input of shape {x.shape}"):
                out = arch.build_body(x, return_sequences=True)
            check_tensor(arch, check, out, x, per_step=True)
    if arch.get_params() != before:
        fail(arch, check, "immutable",
             f"build changed the hyperparameters from {before} to {arch.get_params()}; "
             "build must only read them.")


def check_tensor(arch, check, out, x, *, per_step):
    """Fail unless the body's output ``out`` on ``x`` is a usable float tensor."""
    keras = keras_module()
    call = "build(return_sequences=True)" if per_step else "build()"
    if not isinstance(out, keras.KerasTensor):
        fail(arch, check, "tensor",
             f"{call} must return the output Keras tensor of the body; got {type(out).__name__}.")
    shape = tuple(out.shape)
    if per_step and len(shape) != 3:
        fail(arch, check, "per_step",
             f"{call} must return one vector per step, (batch, n_steps, n_units); got shape "
             f"{shape} for an input of shape {tuple(x.shape)}.")
    if len(shape) not in (2, 3):
        fail(arch, check, "rank",
             f"{call} must return a 2-D (batch, n_units) or 3-D (batch, n_steps, n_units) "
             f"tensor; got rank {len(shape)}, shape {shape}.")
    if shape[-1] is None:
        fail(arch, check, "units",
             f"{call} returned shape {shape}; the last axis (units) must be known when the "
             "model is built, so that the head can be sized.")
    if per_step and x.shape[1] is not None and shape[1] != x.shape[1]:
        fail(arch, check, "per_step",
             f"{call} must keep the time axis: an input of {x.shape[1]} steps gave shape "
             f"{shape}.")
    if "float" not in str(out.dtype):
        fail(arch, check, "dtype", f"{call} must return a float tensor; got {out.dtype}.")


def check_task(arch, task) -> None:
    """Build, train, predict and save/load the model for one declared task."""
    check = f"task:{task}"
    if task not in arch.tasks:
        raise ValueError(f"Architecture '{arch.name}' does not declare the task '{task}'.")
    input_kind = "numeric" if task == "anomaly" else primary_input(arch)
    # The pooled-output tasks share one body graph and differ only in the head, so
    # the first of them trains in graph mode (as Model.fit does) and the others
    # eagerly, which is several times quicker than tracing again.
    pooled = [t for t in declared_tasks(arch) if t in POOLED_TASKS]
    eager = task in pooled and task != pooled[0]
    run_task(arch, task, input_kind, check, eager=eager)


def check_token_input(arch, task=None) -> None:
    """The body works on token embeddings (token id 0 is padding).

    ``task`` defaults to the first declared task other than "anomaly".
    """
    if "tokens" not in arch.inputs:
        return
    task = task or next((t for t in declared_tasks(arch) if t != "anomaly"), None)
    if task is None:
        return
    # the body graph is the one the task check traced; eager training is enough here
    run_task(arch, task, "tokens", "tokens", eager=True)


def check_search_space(arch, task=None) -> None:
    """Every point of the default search space builds and predicts finite values.

    The models get the head of ``task`` (default: the first declared task).
    """
    from sklearn.model_selection import ParameterGrid

    check = "search_space"
    task = task or next(iter(declared_tasks(arch)), None)
    if task is None:
        return
    input_kind = "numeric" if task == "anomaly" else primary_input(arch)
    steps = ANOMALY_STEPS if task == "anomaly" else N_STEPS
    lengths = ANOMALY_LENGTHS if task == "anomaly" else LENGTHS
    X = make_batch(input_kind, steps, lengths, np.random.default_rng(0))
    for point in ParameterGrid(dict(arch.search_space)):
        with ContractRule(arch, check, "point", f"set_params(**{point})"):
            candidate = with_params(arch, **point)
        model, head, _ = build_for_task(candidate, check, task, input_kind,
                                        context=f" for the search-space point {point}")
        with ContractRule(arch, check, "predict",
                          f"calling the untrained model of the point {point}"):
            out = predict_batch(model, X)
        assert_output(arch, check, "output_shape", out,
                      expected_shape(head, len(lengths), steps), f"point {point}, padded batch")
