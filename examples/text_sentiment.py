"""Sentiment of short reviews from raw text, tested on sentences full of new words.

The tutorials' movie-review task (Embedding -> LSTM, CNN-LSTM; vocabulary and
length limited, the same vocabulary at prediction time). The reviews are
generated here from templates: the label is carried by a sentiment word, the
rest is filler. The test reviews talk about things the training reviews never
mention ("soundtrack", "villain", ...), so every test sentence holds words the
model has never seen; they map to the out-of-vocabulary id and must not matter.

``AutoSeqClassifier().fit(list_of_strings, y)`` tokenizes inside the pipeline
(the vocabulary is learned in each CV fold and saved with the model), searches
the token-capable architectures, and puts TF-IDF + logistic regression on the
leaderboard as the baseline to beat.

Run from the project root::

    python examples/text_sentiment.py            # LSTM and CNN-LSTM, searched (minutes)
    python examples/text_sentiment.py --quick    # one small LSTM
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

POSITIVE = ["good", "great", "excellent", "wonderful", "superb", "brilliant", "lovely",
            "fantastic", "moving", "gripping"]
NEGATIVE = ["bad", "awful", "terrible", "boring", "dreadful", "poor", "horrible", "dull",
            "tedious", "clumsy"]
SUBJECTS = (["film", "movie", "story", "plot", "cast", "acting", "script", "ending"],
            ["soundtrack", "cinematography", "sequel", "villain", "dialogue", "pacing"])
FILLERS = (["really", "truly", "quite", "very", "so", "rather"],
           ["utterly", "remarkably", "frankly", "incredibly"])
TEMPLATES = ["the {s} was {f} {a}", "what a {f} {a} {s}", "i thought the {s} was {a}",
             "{a} {s} and a {f} {a} {s}", "this {s} is {f} {a} overall",
             "honestly the {s} felt {a} to me", "my friends said the {s} was {f} {a}"]


def reviews(n: int, *, seed: int, unseen: bool = False) -> tuple[list[str], np.ndarray]:
    """Generate ``n`` labelled reviews (1 = positive).

    Parameters
    ----------
    n : int
    seed : int
    unseen : bool, default=False
        Use subjects and fillers that the training reviews never contain.

    Returns
    -------
    list of str, ndarray of int

    Examples
    --------
    >>> X, y = reviews(3, seed=0)
    >>> len(X), y.shape
    (3, (3,))
    """
    rng = np.random.default_rng(seed)
    subjects, fillers = SUBJECTS[unseen], FILLERS[unseen]
    y = rng.integers(0, 2, size=n)
    X = [TEMPLATES[rng.integers(len(TEMPLATES))].format(
        s=rng.choice(subjects), f=rng.choice(fillers),
        a=rng.choice(POSITIVE if label else NEGATIVE)) for label in y]
    return X, y


def main(quick: bool = False) -> None:
    import autoseq
    from autoseq import AutoSeqClassifier

    X, y = reviews(300 if quick else 600, seed=0)
    X_test, y_test = reviews(500, seed=1, unseen=True)
    if quick:
        clf = AutoSeqClassifier(architectures=["lstm"], param_grid={"lstm": {"units": [16]}},
                                max_epochs=20, ensemble=False, random_state=0, verbose=1)
    else:
        grid = {"lstm": {"units": [32], "model__embedding_dim": [16, 32]},
                "cnn_lstm": {"units": [32], "tokenizer__padding": ["pre"]}}
        clf = AutoSeqClassifier(architectures=["lstm", "cnn_lstm"], param_grid=grid,
                                max_epochs=30, random_state=0, verbose=1)
    started = time.perf_counter()
    clf.fit(X, y)
    print(clf.leaderboard_[["rank", "architecture", "kind", "params", "mean_score",
                            "fit_time"]].to_string(index=False))
    print(f"search and refit: {time.perf_counter() - started:.0f}s")

    print(f"accuracy on {len(X_test)} reviews with unseen words: {clf.score(X_test, y_test):.3f}")
    for text in X_test[:3]:
        print(f"  {text!r} -> {clf.predict([text])[0]}")

    with tempfile.TemporaryDirectory() as folder:
        path = autoseq.save(clf, Path(folder) / "sentiment.autoseq")
        same = np.array_equal(autoseq.load(path).predict_proba(X_test), clf.predict_proba(X_test))
    print(f"saved and loaded: identical probabilities: {same}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small LSTM")
    main(parser.parse_args().quick)
