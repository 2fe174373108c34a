"""SeqClassifier / SeqRegressor behaviour: labels, probabilities, history, early
stopping on the time-ordered tail, determinism, variable length, token input."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from autoseq import SeqClassifier, SeqRegressor, SequenceScaler, get_architecture

GRU4 = get_architecture("gru", units=4)


def test_string_labels_multiclass_proba_and_history(rng):
    X = rng.normal(size=(45, 8, 1))
    y = np.array(["low", "mid", "high"])[np.digitize(X[:, :, 0].mean(axis=1), [-0.15, 0.15])]
    clf = SeqClassifier(GRU4, epochs=3, random_state=0).fit(X, y)
    assert set(clf.classes_) == {"low", "mid", "high"}
    proba = clf.predict_proba(X[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert len(clf.history_["loss"]) == 3


def test_early_stopping_validates_on_the_most_recent_sequences(rng):
    X = rng.normal(size=(200, 6, 1))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    seen = {}

    from autoseq._backend import keras

    class Spy(keras().callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["train_size"] = True

    clf = SeqClassifier(GRU4, epochs=2, early_stopping=True, validation_fraction=0.1,
                        callbacks=[Spy()], random_state=0).fit(X, y)
    assert "val_loss" in clf.history_ and seen
    # too small a tail: the training loss is watched instead, no validation split
    small = SeqClassifier(GRU4, epochs=2, early_stopping=True, random_state=0).fit(X[:40], y[:40])
    assert "val_loss" not in small.history_


def test_readme_says_from_how_many_sequences_early_stopping_holds_out_a_tail(rng):
    from pathlib import Path

    from autoseq.estimators.keras import MIN_VALIDATION

    fraction = SeqClassifier().validation_fraction
    tail = lambda n: int(round(n * fraction))  # noqa: E731  (as _fit_keras_model splits)
    first = next(n for n in range(1, 10_000)
                 if tail(n) >= MIN_VALIDATION and n - tail(n) >= MIN_VALIDATION)
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert f"only from {first} training sequences on" in readme
    X = rng.normal(size=(first, 3, 1))
    y = np.arange(first) % 2
    for n, held_out in ((first - 1, False), (first, True)):
        clf = SeqClassifier(GRU4, epochs=1, early_stopping=True, random_state=0).fit(X[:n], y[:n])
        assert ("val_loss" in clf.history_) is held_out


def test_same_random_state_same_predictions(binary_sequences):
    X, y = binary_sequences
    a = SeqClassifier(GRU4, epochs=2, random_state=3).fit(X, y).predict_proba(X)
    b = SeqClassifier(GRU4, epochs=2, random_state=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_same_random_state_same_network_whatever_else_draws_from_random(binary_sequences,
                                                                          monkeypatch):
    # Keras seeds each unseeded initializer from Python's global `random`; on a Dask
    # worker the event loop draws from it too, between our seeding and the build, which
    # gave another network than a local fit. Here a draw lands exactly there.
    import random

    import autoseq.estimators.keras

    X, y = binary_sequences
    alone = SeqClassifier(GRU4, epochs=2, random_state=3).fit(X, y).predict_proba(X)
    build = autoseq.estimators.keras.build_model

    def build_after_another_draw(*args, **kwargs):
        random.random()  # what another thread of the process may do at any time
        return build(*args, **kwargs)

    monkeypatch.setattr(autoseq.estimators.keras, "build_model", build_after_another_draw)
    crowded = SeqClassifier(GRU4, epochs=2, random_state=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(crowded, alone)


def test_variable_length_sequences_without_user_padding(rng):
    X = [rng.normal(size=(rng.integers(4, 12), 2)) for _ in range(30)]
    y = np.array([int(s[:, 0].mean() > 0) for s in X])
    clf = SeqClassifier(GRU4, epochs=2, random_state=0).fit(X, y)
    assert clf.predict(X[:4]).shape == (4,)
    assert clf.predict([rng.normal(size=(20, 2))]).shape == (1,)


def test_padding_does_not_change_masked_predictions(rng):
    X = rng.normal(size=(20, 6, 1))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    clf = SeqClassifier(GRU4, epochs=1, random_state=0).fit(X, y)
    padded = np.concatenate([X, np.full((20, 4, 1), np.nan)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(padded), clf.predict_proba(X), rtol=1e-5)


def test_regressor_returns_original_units_and_multi_output(rng):
    X = rng.normal(size=(40, 5, 1))
    y = 1000 + 50 * X[:, :, 0].sum(axis=1)
    reg = SeqRegressor(GRU4, epochs=2, random_state=0).fit(X, y)
    assert abs(reg.predict(X).mean() - 1000) < 200
    Y = np.column_stack([y, -y])
    assert SeqRegressor(GRU4, epochs=1, random_state=0).fit(X, Y).predict(X[:3]).shape == (3, 2)


def test_token_input_with_unseen_ids(rng):
    X = rng.integers(2, 20, size=(30, 7))
    y = (X[:, 0] > 10).astype(int)
    clf = SeqClassifier(GRU4, input_kind="tokens", epochs=2, random_state=0).fit(X, y)
    assert clf.predict(np.full((2, 7), 999)).shape == (2,)  # unseen ids map to 1


def test_nested_params_clone_pipeline_and_grid_search(binary_sequences):
    X, y = binary_sequences
    clf = SeqClassifier(GRU4, epochs=1, random_state=0)
    assert clf.get_params()["architecture__units"] == 4
    clf.set_params(architecture__units=6)
    assert clf.architecture.get_params()["units"] == 6
    assert clone(clf).architecture is not clf.architecture
    pipe = Pipeline([("scaler", SequenceScaler()), ("model", clf)])
    search = GridSearchCV(pipe, {"model__architecture__units": [2, 4]}, cv=2).fit(X, y)
    assert search.best_params_["model__architecture__units"] in (2, 4)
    assert len(cross_val_score(pipe, X, y, cv=2)) == 2


def test_unknown_hyperparameter_and_unsupported_task(binary_sequences):
    X, y = binary_sequences
    with pytest.raises(ValueError, match="did you mean 'units'"):
        SeqClassifier(epochs=1).set_params(architecture=get_architecture("gru")).set_params(
            architecture__unit=3)
    with pytest.raises(ValueError, match="does not support the task 'labelling'"):
        SeqClassifier("rocket", epochs=1, label_mode="per_step").fit(X, (X[:, :, 0] > 0))


def test_pickle_round_trip_predicts_identically(binary_sequences):
    X, y = binary_sequences
    clf = SeqClassifier(GRU4, epochs=1, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_class_weight_shifts_predictions_to_the_heavy_class(rng):
    X = rng.normal(size=(60, 6, 1))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    plain = SeqClassifier(GRU4, epochs=15, learning_rate=0.02, random_state=0).fit(X, y)
    heavy = SeqClassifier(GRU4, epochs=15, learning_rate=0.02, random_state=0,
                          class_weight={0: 1000.0, 1: 1e-4}).fit(X, y)
    assert np.mean(heavy.predict(X) == 0) > 0.9
    assert np.mean(heavy.predict(X) == 0) > np.mean(plain.predict(X) == 0)


def test_predict_leaves_the_fitted_estimator_unchanged(binary_sequences):
    X, y = binary_sequences
    clf = SeqClassifier(GRU4, epochs=1, random_state=0).fit(X, y)
    before = dict(vars(clf))
    clf.predict(X)
    clf.predict_proba(X)
    assert vars(clf).keys() == before.keys()
    assert all(vars(clf)[k] is before[k] for k in before)


def test_a_table_keeps_its_columns_and_lists_may_vary_in_length(rng):
    X = rng.normal(size=(30, 8))
    y = (X.mean(axis=1) > 0).astype(int)
    clf = SeqClassifier(GRU4, epochs=1, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 8
    with pytest.raises(ValueError, match="8 features"):
        clf.predict(X[:, :-1])
    ragged = SeqClassifier(GRU4, epochs=1, random_state=0).fit(list(X), y)
    assert ragged.predict([x[:5] for x in X]).shape == (30,)


def test_a_seeded_fit_leaves_later_unseeded_fits_working():
    # a fresh process: TensorFlow caches its determinism setting on first use
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from autoseq import SeqClassifier, get_architecture\n"
        "from tensorflow.python.framework import config\n"
        "X = np.random.default_rng(0).normal(size=(20, 5, 1)); y = np.tile([0, 1], 10)\n"
        "gru = get_architecture('gru', units=2)\n"
        "SeqClassifier(gru, epochs=1, random_state=0).fit(X, y)\n"
        "assert not config.is_op_determinism_enabled()\n"
        "SeqClassifier(gru, epochs=1).fit(X, y)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
