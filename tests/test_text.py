"""Text: TextTokenizer, token-id input, the TF-IDF baseline, and AutoSeqClassifier on
sentences whose test set holds words never seen in training."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

import autoseq
from autoseq import AutoSeqClassifier, SeqClassifier, TextTokenizer, get_architecture
from autoseq.baselines.text import TfidfLogisticBaseline

POSITIVE = ["good", "great", "excellent", "wonderful", "superb", "brilliant", "lovely", "fantastic"]
NEGATIVE = ["bad", "awful", "terrible", "boring", "dreadful", "poor", "horrible", "dull"]
NOUNS = ["film", "movie", "story", "plot", "cast", "acting", "script", "ending"]
FILLERS = ["really", "truly", "quite", "very", "so", "rather"]
# held-out sentences use only these nouns and fillers: words the training set never saw
NEW_NOUNS = ["soundtrack", "cinematography", "sequel", "villain", "dialogue"]
NEW_FILLERS = ["utterly", "remarkably", "frankly", "incredibly"]
TEMPLATES = ["the {n} was {f} {a}", "what a {f} {a} {n}", "i thought the {n} was {a}",
             "{a} {n} and a {f} {a} {n}", "this {n} is {f} {a} overall"]


def sentences(n, seed, unseen=False):
    """Sentiment sentences: the label is whether the adjective is positive."""
    rng = np.random.default_rng(seed)
    nouns, fillers = (NEW_NOUNS, NEW_FILLERS) if unseen else (NOUNS, FILLERS)
    X, y = [], rng.integers(0, 2, size=n)
    for label in y:
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        X.append(template.format(n=rng.choice(nouns), f=rng.choice(fillers),
                                 a=rng.choice(POSITIVE if label else NEGATIVE)))
    return X, y


# -- TextTokenizer -------------------------------------------------------------------
def test_vocabulary_ids_lowercasing_and_unseen_words():
    tok = TextTokenizer(length=5).fit(["The film, the END!", "a Film"])
    assert tok.vocabulary_ == {"the": 2, "film": 3, "end": 4, "a": 5}
    assert tok.n_tokens_ == 6  # 0 padding, 1 unknown, 4 words
    out = tok.transform(["the zebra film", "don't"])
    assert out.dtype == np.int32 and out.shape == (2, 5)
    np.testing.assert_array_equal(out, [[2, 1, 3, 0, 0], [1, 0, 0, 0, 0]])


def test_max_vocab_keeps_the_most_frequent_tokens():
    tok = TextTokenizer(max_vocab=2, length=4).fit(["b a b c", "a b"])
    assert tok.vocabulary_ == {"b": 2, "a": 3}
    np.testing.assert_array_equal(tok.transform(["c b a"]), [[1, 2, 3, 0]])


def test_padding_and_truncating_sides():
    docs = ["w1 w2 w3 w4", "w1"]
    pre = TextTokenizer(length=3, padding="pre", truncating="post").fit(docs)
    np.testing.assert_array_equal(pre.transform(docs), [[2, 3, 4], [0, 0, 2]])
    post = TextTokenizer(length=3).fit(docs)  # defaults: pad after, cut the start
    np.testing.assert_array_equal(post.transform(docs), [[3, 4, 5], [2, 0, 0]])


def test_learned_length_is_a_capped_high_quantile():
    docs = ["w " * k for k in range(1, 101)]
    assert TextTokenizer().fit(docs).length_ == 96  # 95th percentile, rounded up
    assert TextTokenizer(length=0.5).fit(docs).length_ == 51
    assert TextTokenizer().fit(["w " * 2000]).length_ == 500
    assert TextTokenizer(length=7).fit(docs).transform(docs).shape == (100, 7)


def test_char_level_keeps_every_character():
    tok = TextTokenizer(level="char", lowercase=False).fit(["aab!", "Ab"])
    assert tok.vocabulary_ == {"a": 2, "b": 3, "!": 4, "A": 5}
    np.testing.assert_array_equal(tok.transform(["b?"]), [[3, 1, 0, 0]])
    assert tok.inverse_transform(tok.transform(["aab!"])) == ["aab!"]


def test_inverse_transform_shows_unknown_words():
    tok = TextTokenizer().fit(["a good film"])
    assert tok.inverse_transform(tok.transform(["a new film"])) == ["a <unk> film"]


@pytest.mark.parametrize("X, error, match", [
    ("one document", TypeError, r"single string.*\[text\]"),
    (["fine", 3], TypeError, r"X\[1\] is int"),
    ([], ValueError, "empty"),
    (np.array([["a", "b"]]), ValueError, r"shape \(1, 2\)"),
    ({"a": 1}, TypeError, "got dict"),
])
def test_bad_documents_are_refused_with_what_was_received(X, error, match):
    with pytest.raises(error, match=match):
        TextTokenizer().fit(X)


@pytest.mark.parametrize("params, match", [
    ({"level": "sentence"}, "level must be 'word' or 'char'"),
    ({"padding": "both"}, "padding must be 'pre' or 'post'"),
    ({"max_vocab": 0}, "max_vocab must be a positive int"),
    ({"length": 1.5}, r"length must be None, a positive int or a float in \(0, 1\]"),
    ({"length": True}, "length must be"),
])
def test_bad_parameters_raise_in_fit_not_init(params, match):
    tok = TextTokenizer(**params)  # storing is all __init__ does
    with pytest.raises(ValueError, match=match):
        tok.fit(["a b"])


def test_sklearn_contract_clone_pickle_and_not_fitted():
    tok = TextTokenizer(max_vocab=10, level="char")
    assert clone(tok).get_params() == tok.get_params()
    with pytest.raises(NotFittedError):
        tok.transform(["a"])
    tok.fit(["abc", "cab"])
    again = pickle.loads(pickle.dumps(tok))
    assert again.vocabulary_ == tok.vocabulary_
    np.testing.assert_array_equal(again.transform(["bca"]), tok.transform(["bca"]))
    tags = tok.__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array


# -- integer token sequences ---------------------------------------------------------
def test_keras_imdb_style_token_arrays_are_accepted():
    # keras.datasets.imdb returns an object array of id lists of different lengths
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 12, size=40)
    y = rng.integers(0, 2, size=40)
    X = np.empty(40, dtype=object)
    for i, (n, label) in enumerate(zip(lengths, y, strict=True)):
        X[i] = [2 + label] + rng.integers(4, 30, size=n - 1).tolist()
    clf = SeqClassifier(get_architecture("gru", units=8), input_kind="tokens", epochs=15,
                        learning_rate=0.01, random_state=0).fit(X, y)
    assert clf.score(X, y) >= 0.9  # the first id carries the label
    unseen = np.empty(2, dtype=object)
    unseen[0], unseen[1] = [3, 500, 900], [2, 7]
    assert clf.predict(unseen).tolist() == [1, 0]  # ids beyond the vocabulary map to 1


# -- TF-IDF + logistic regression baseline ---------------------------------------------
def test_tfidf_baseline_generalises_to_unseen_words():
    X, y = sentences(120, seed=0)
    X_new, y_new = sentences(100, seed=1, unseen=True)
    clf = TfidfLogisticBaseline().fit(X, y)
    assert clf.score(X_new, y_new) >= 0.95
    proba = clf.predict_proba(X_new)
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    assert clf.decision_function(X_new).shape == (100,)
    assert clf.n_features_ == len(clf.vectorizer_.get_feature_names_out())


def test_tfidf_baseline_features_can_be_word_or_char_only():
    X, y = sentences(40, seed=0)
    words = TfidfLogisticBaseline(char_ngrams=None).fit(X, y)
    chars = TfidfLogisticBaseline(word_ngrams=None).fit(X, y)
    both = TfidfLogisticBaseline().fit(X, y)
    assert both.n_features_ == words.n_features_ + chars.n_features_
    with pytest.raises(ValueError, match="both None"):
        TfidfLogisticBaseline(word_ngrams=None, char_ngrams=None).fit(X, y)
    with pytest.raises(ValueError, match="word_ngrams must be a pair"):
        TfidfLogisticBaseline(word_ngrams=(3, 1)).fit(X, y)


def test_tfidf_baseline_multilabel_and_bad_targets():
    X, y = sentences(60, seed=0)
    has_the = np.array(["the" in x.split() for x in X], dtype=int)
    Y = np.column_stack([y, has_the])
    clf = TfidfLogisticBaseline().fit(X, Y)
    assert clf.predict(X).shape == (60, 2) and clf.predict_proba(X).shape == (60, 2)
    assert clf.score(X, Y) >= 0.9
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    with pytest.raises(ValueError, match="0/1 multi-label indicator"):
        TfidfLogisticBaseline().fit(X, np.column_stack([y, y + 5]))
    with pytest.raises(ValueError, match="X has 60 documents but y has shape"):
        TfidfLogisticBaseline().fit(X, y[:10])
    with pytest.raises(TypeError, match="single string"):
        TfidfLogisticBaseline().fit("text", [1])


def test_tfidf_baseline_in_a_passthrough_pipeline_under_grid_search():
    X, y = sentences(60, seed=0)
    pipe = Pipeline([("tokenizer", "passthrough"), ("model", TfidfLogisticBaseline())])
    search = GridSearchCV(pipe, {"model__C": [0.01, 10.0]}, cv=3).fit(X, y)
    assert search.best_params_ == {"model__C": 10.0}
    assert search.predict(["a superb villain"]).tolist() == [1]
    assert pickle.loads(pickle.dumps(search.best_estimator_)).predict(X[:5]).tolist() == (
        search.best_estimator_.predict(X[:5]).tolist())


# -- AutoSeqClassifier on text ---------------------------------------------------------
@pytest.fixture(scope="module")
def text_classifier():
    """The deep path: Embedding -> LSTM, vocabulary size and embedding width searched."""
    X, y = sentences(160, seed=0)
    grid = {"lstm": {"units": [8], "tokenizer__max_vocab": [1, 500], "tokenizer__length": [12],
                     "model__embedding_dim": [8]}}
    clf = AutoSeqClassifier(architectures=["lstm"], param_grid=grid, max_epochs=15, cv=2,
                            baselines=False, ensemble=False, random_state=0)
    return clf.fit(X, y)


def test_text_classifier_reads_held_out_sentences_with_unseen_words(text_classifier):
    X_new, y_new = sentences(200, seed=1, unseen=True)
    tokenizer = text_classifier.best_estimator_.named_steps["tokenizer"]
    assert not set(NEW_NOUNS + NEW_FILLERS) & set(tokenizer.vocabulary_)
    assert text_classifier.score(X_new, y_new) >= 0.9
    assert text_classifier.input_kind_ == "tokens"
    assert text_classifier.predict(["zzz qqq"]).shape == (1,)  # nothing known: still predicts


def test_text_classifier_predicts_identically_after_save_and_load(text_classifier, tmp_path):
    X_new, _ = sentences(50, seed=2, unseen=True)
    path = autoseq.save(text_classifier, tmp_path / "sentiment.autoseq")
    loaded = autoseq.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X_new),
                                  text_classifier.predict_proba(X_new))
    assert loaded.best_estimator_.named_steps["tokenizer"].vocabulary_ == (
        text_classifier.best_estimator_.named_steps["tokenizer"].vocabulary_)


def test_search_reaches_the_tokenizer_and_the_embedding(text_classifier):
    board = text_classifier.leaderboard_
    by_vocab = {row.params["max_vocab"]: row.mean_score for row in board.itertuples()}
    assert set(by_vocab) == {1, 500}
    assert by_vocab[500] > by_vocab[1] + 0.2  # one known word cannot tell the classes apart
    assert text_classifier.best_params_["tokenizer__max_vocab"] == 500
    best = text_classifier.best_estimator_
    assert best.named_steps["tokenizer"].max_vocab == 500
    assert best.named_steps["tokenizer"].length_ == 12
    assert best.named_steps["model"].embedding_dim == 8
    assert best.named_steps["model"].model_.get_layer("token_embedding").output_dim == 8


def test_tfidf_baseline_competes_on_the_leaderboard_and_can_win():
    X, y = sentences(80, seed=3)
    clf = AutoSeqClassifier(architectures=[get_architecture("lstm", units=4)], max_epochs=1,
                            cv=2, ensemble=False, random_state=0).fit(X, y)
    board = clf.leaderboard_
    tfidf = board[board["architecture"] == "tfidf_logistic"]
    assert len(tfidf) == 1 and tfidf["kind"].item() == "baseline"
    assert tfidf["mean_score"].item() >= 0.9
    assert (board["kind"] == "deep").any()
    # one epoch of a tiny LSTM does not beat it, so the baseline pipeline is refitted
    assert isinstance(clf.best_estimator_.named_steps["model"], TfidfLogisticBaseline)
    X_new, y_new = sentences(50, seed=4, unseen=True)
    assert clf.score(X_new, y_new) >= 0.9
