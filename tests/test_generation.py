"""AutoSeqGenerator: next-token search on a corpus, reproducible sampling, clear errors,
the n-gram baseline, persistence."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import autoseq
from autoseq import AutoSeqGenerator, get_architecture
from autoseq.automl.generator import _sample, _windows
from autoseq.baselines.text import NGramBaseline, TfidfLogisticBaseline

HELLO = "hello world hello tensorflow hello keras "
TINY = get_architecture("gru", units=4)


@pytest.fixture(scope="module")
def deep_generator():
    """Only a network competes: what generate() returns is the LSTM's doing."""
    corpus = HELLO * 8
    one_split = [(np.arange(250), np.arange(250, len(corpus) - 1))]  # windows, in time order
    gen = AutoSeqGenerator(lookback=12, architectures=[get_architecture("lstm", units=32)],
                           max_epochs=30, cv=one_split, baselines=False, ensemble=False,
                           random_state=0)
    return gen.fit(corpus)


@pytest.fixture(scope="module")
def counting_generator():
    """A barely trained network next to the n-gram baselines, which win."""
    return AutoSeqGenerator(lookback=[4, 12], architectures=[TINY], max_epochs=1, cv=2,
                            random_state=0).fit(HELLO * 6)


def test_low_temperature_continues_hello_with_a_space(deep_generator):
    assert deep_generator.level_ == "char"
    assert deep_generator.best_params_["model__architecture"].name == "lstm"
    assert deep_generator.generate("hello", 1, temperature=0.1, random_state=0) == " "
    words = deep_generator.generate("hello", 30, temperature=0.1, random_state=0).split()
    assert set(words[:3]) <= {"world", "tensorflow", "keras", "hello"}


def test_same_random_state_gives_the_same_text(deep_generator):
    first = deep_generator.generate("hel", 40, temperature=1.5, random_state=7)
    assert deep_generator.generate("hel", 40, temperature=1.5, random_state=7) == first
    assert len(first) == 40
    others = {deep_generator.generate("hel", 40, temperature=1.5, random_state=s)
              for s in range(3)}
    assert len(others) > 1  # at a high temperature the seed matters


def test_seed_with_unknown_symbols_is_refused_naming_them(deep_generator):
    with pytest.raises(ValueError, match=r"never occur in the training corpus: \['z', 'Q'\]"):
        deep_generator.generate("hezzQ", 5)
    with pytest.raises(ValueError, match="seed is empty"):
        deep_generator.generate("", 5)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_steps": -1}, "n_steps must be a non-negative int"),
    ({"n_steps": 2.5}, "n_steps must be a non-negative int"),
    ({"n_steps": 3, "temperature": -0.5}, "temperature must be a number >= 0"),
])
def test_bad_generation_arguments(deep_generator, kwargs, match):
    with pytest.raises(ValueError, match=match):
        deep_generator.generate("hello", **kwargs)


def test_generator_round_trips_through_save_and_load(deep_generator, tmp_path):
    path = autoseq.save(deep_generator, tmp_path / "generator.autoseq")
    loaded = autoseq.load(path)
    assert loaded.generate("hello", 25, random_state=3) == (
        deep_generator.generate("hello", 25, random_state=3))
    summary = autoseq.io.persistence.info(path)["summary"]
    assert summary["task"] == "generation" and summary["n_symbols"] == len(set(HELLO))


def test_ngram_baselines_compete_and_win_on_a_deterministic_corpus(counting_generator):
    board = counting_generator.leaderboard_
    ngram = board[board["architecture"] == "ngram"]
    assert set(ngram["kind"]) == {"baseline"}
    assert sorted(p["order"] for p in ngram["params"]) == [2, 4, 8]
    deep = board[board["kind"] == "deep"]
    assert sorted(p["lookback"] for p in deep["params"]) == [4, 12]  # look-back is searched
    assert isinstance(counting_generator.best_estimator_.named_steps["model"], NGramBaseline) \
        or "members" in counting_generator.best_params_
    # the corpus is periodic: the winner reproduces it exactly
    assert counting_generator.generate("hello ", 40, temperature=0) == (HELLO * 2)[6:46]


def test_not_fitted_and_bad_settings():
    with pytest.raises(NotFittedError):
        AutoSeqGenerator().generate("a", 1)
    with pytest.raises(ValueError, match="level must be one of"):
        AutoSeqGenerator(level="byte").fit(HELLO)
    with pytest.raises(ValueError, match="lookback must be a positive int"):
        AutoSeqGenerator(lookback=[5, 0]).fit(HELLO)


@pytest.mark.parametrize("corpus, error, match", [
    ("", ValueError, "needs at least two distinct symbols"),
    ("aaaaaaa", ValueError, "needs at least two distinct symbols"),
    ([], ValueError, "corpus is empty"),
    (42, TypeError, "got int"),
    (["some text", [1, 2]], TypeError, r"mixes strings \(corpus\[0\]\) and other items \(corpus\[1\] is list\)"),
    ([[1, 2], 3], TypeError, r"corpus\[1\] is int"),
    ([[[1], [2]], [[3]]], TypeError, "must be hashable"),
])
def test_bad_corpora_are_refused_before_training(corpus, error, match):
    with pytest.raises(error, match=match):
        AutoSeqGenerator(architectures=[TINY], max_epochs=1).fit(corpus)


def test_word_level_and_token_sequences():
    # one time-ordered split and no ensemble: the network only has to be there
    quick = dict(lookback=4, architectures=[TINY], max_epochs=1, ensemble=False, random_state=0)
    words = AutoSeqGenerator(level="word", cv=[(np.arange(40), np.arange(40, 55))],
                             **quick).fit("the cat sat on the mat . " * 8)  # 55 windows
    assert words.level_ == "word"
    assert words.generate("cat sat", 4, temperature=0) == "on the mat ."
    with pytest.raises(ValueError, match=r"\['dog'\]"):
        words.generate("the dog", 1)

    songs = [[1, 2, 3, 4, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5]] * 5
    ids = AutoSeqGenerator(cv=[(np.arange(45), np.arange(45, 60))], **quick).fit(songs)
    assert ids.level_ == "tokens"
    assert ids.generate([3, 4, 1], 3, temperature=0) == [2, 3, 4]
    with pytest.raises(TypeError, match="sequence of symbols"):
        ids.generate("3 4", 1)


def test_generator_follows_the_sklearn_contract():
    gen = AutoSeqGenerator(level="word", lookback=[3, 6], max_epochs=2)
    assert clone(gen).get_params() == gen.get_params()
    assert gen.get_params()["lookback"] == [3, 6]
    assert set(vars(gen)) == set(gen.get_params())  # __init__ stores its arguments only
    assert not is_classifier(gen)  # fit takes a corpus, not (X, y)
    assert not gen.__sklearn_tags__().target_tags.required


# -- the pieces ------------------------------------------------------------------------
def test_windows_are_left_padded_and_never_cross_sequences():
    X, y = _windows([[2, 3, 4], [5, 6]], length=2)
    np.testing.assert_array_equal(X, [[0, 2], [2, 3], [0, 5]])
    np.testing.assert_array_equal(y, [3, 4, 6])


def test_sampling_temperature_and_reproducibility():
    proba = np.array([0.1, 0.6, 0.3])
    assert _sample(proba, 0.0, np.random.default_rng(0)) == 1
    draws = [_sample(proba, 1.0, np.random.default_rng(s)) for s in range(300)]
    assert draws == [_sample(proba, 1.0, np.random.default_rng(s)) for s in range(300)]
    cold = [_sample(proba, 0.2, np.random.default_rng(s)) for s in range(300)]
    hot = [_sample(proba, 5.0, np.random.default_rng(s)) for s in range(300)]
    assert np.mean(np.array(cold) == 1) > 0.95 > np.mean(np.array(draws) == 1) > 0.45
    assert np.mean(np.array(hot) == 1) < 0.45


def test_ngram_baseline_backs_off_to_shorter_contexts():
    X = np.array([[0, 0, 2], [0, 2, 3], [2, 3, 2], [3, 2, 3], [2, 3, 4]])
    y = np.array([3, 2, 3, 4, 2])
    model = NGramBaseline(order=2).fit(X, y)
    np.testing.assert_array_equal(model.classes_, [2, 3, 4])
    # (2, 3) was followed once by 2 and once by 4...
    np.testing.assert_allclose(model.predict_proba([[9, 2, 3]]), [[0.5, 0, 0.5]])
    # ...an unseen pair falls back to the last id, an unseen id to all next ids
    np.testing.assert_allclose(model.predict_proba([[7, 9, 4]]), [[1, 0, 0]])
    np.testing.assert_allclose(model.predict_proba([[7, 9, 8]]), [[0.4, 0.4, 0.2]])
    assert model.predict([[5, 5, 3]]).tolist() == [2]
    assert model.score(X, y) == 0.8
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    with pytest.raises(ValueError, match="X has 2 features"):
        model.predict([[2, 3]])
    with pytest.raises(ValueError, match="order must be a non-negative int"):
        NGramBaseline(order=-1).fit(X, y)
    assert TfidfLogisticBaseline.leaderboard_name_ != NGramBaseline.leaderboard_name_


@parametrize_with_checks([NGramBaseline()])
def test_ngram_baseline_passes_the_sklearn_checks(estimator, check):
    check(estimator)
