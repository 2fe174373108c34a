"""``AutoSeqGenerator``: a searched next-token model and sampling from it.

``fit`` cuts the corpus into windows of the preceding symbols (token ids,
left-padded with 0) and the symbol that follows, and runs the AutoSeq search
over token-capable architectures on them: a next-token classifier, scored by
next-token accuracy on walk-forward folds. The look-back is a step of the
searched pipeline, so it is searched like any hyperparameter. ``generate``
feeds its own samples back in, one symbol at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoseq.automl.base import AutoSeqBase
from autoseq.automl.classifier import ClassificationTask
from autoseq.automl.task import SEARCH_LEARNING_RATE
from autoseq.model_selection.results import describe
from autoseq.preprocessing.text import FIRST_ID, PAD_ID, build_vocabulary

DEFAULT_LOOKBACKS = (10, 30)
NGRAM_ORDERS = (2, 4, 8)
LEVELS = ("auto", "char", "word")
GENERATOR_BATCH = 64


class NextTokenTask(ClassificationTask):
    """Windows of token ids labelled with the id that follows.

    Parameters
    ----------
    estimator : AutoSeqGenerator
    lookbacks : list of int
        The look-backs searched as the ``window`` step's parameter.
    """

    name = "generation"
    independent_samples = False  # windows of one text

    def __init__(self, estimator, lookbacks):
        super().__init__(estimator)
        self.lookbacks = list(lookbacks)

    def is_text(self, X) -> bool:
        # the windows are token ids: every input-kind decision of the search reads "tokens"
        return True

    def check_input(self, X, y):
        return X, y  # one next id per window: the label mode stays "single"

    def data_size(self, X) -> int:
        return len(X)  # one window per symbol of the corpus

    def search_task(self, y):
        return self.name

    def preprocessing(self, X):
        return [("window", _RecentTokens())]

    def model(self, input_kind):
        from autoseq.estimators.keras import SeqClassifier

        est = self.estimator
        return SeqClassifier(input_kind="tokens", epochs=est.max_epochs, early_stopping=True,
                             batch_size=GENERATOR_BATCH, learning_rate=SEARCH_LEARNING_RATE,
                             random_state=est.random_state, label_mode="single")

    def param_grid(self, X, y):
        grid = super().param_grid(X, y)
        for entry in grid:
            if "window" not in entry:  # baselines skip the window step
                entry.setdefault("window__lookback", list(self.lookbacks))
        return grid

    def baseline_models(self, X, y):
        from autoseq.baselines.text import NGramBaseline

        return [NGramBaseline()]

    def baseline_candidates(self, X, y):
        grid = super().baseline_candidates(X, y)
        for entry in grid:
            entry["model__order"] = list(NGRAM_ORDERS)
        return grid

    def finish(self, X, y):
        self.estimator.classes_ = self.estimator.best_estimator_.classes_


class AutoSeqGenerator(AutoSeqBase):
    """Find the best next-token model for a corpus and generate sequences from it.

    The search is that of :class:`~autoseq.AutoSeqClassifier`, on windows of
    token ids labelled with the id that follows: the same leaderboard,
    baselines and ensemble, with the look-back searched as a pipeline step
    (``window``). It is not a classifier: ``fit`` reads a corpus.

    Parameters
    ----------
    level : {"auto", "char", "word"}, default="auto"
        How strings are split into symbols: characters, or words (split on
        white space; generated words are joined by single spaces). "auto"
        means characters. Token sequences (lists of symbols) are used as given.
    lookback : int, list of int or None, default=None
        How many preceding symbols the model sees. A list is searched; None
        searches ``[10, 30]``.
    architectures : list of str or Architecture, optional
        None searches every registered architecture that supports generation.
    baselines : bool, default=True
        Add back-off n-gram models (:class:`~autoseq.baselines.text.NGramBaseline`,
        orders 2, 4 and 8) as candidates: the leaderboard then shows whether the
        networks beat counting.
    param_grid, cv, scoring, search, max_epochs, time_budget, \
ensemble, n_jobs, random_state, verbose
        As in :class:`~autoseq.AutoSeqClassifier`. ``cv`` defaults to walk-forward
        folds over the windows in corpus order; ``scoring`` to next-token accuracy.

    Attributes
    ----------
    vocabulary_ : dict
        Symbol -> token id (ids from 2, most frequent first).
    symbols_ : list
        Token id -> symbol (``None`` at the reserved ids 0 and 1).
    level_ : {"char", "word", "tokens"}
        How the corpus was read.
    window_length_ : int
        Ids per window fed to ``best_estimator_`` (the longest look-back
        searched); the winner's own look-back is ``best_params_["window__lookback"]``.
    best_estimator_ : sklearn.pipeline.Pipeline or EnsembleClassifier
        ``window -> model``; the model classifies windows of ids into next ids.
    classes_ : ndarray
        The token ids the model can produce.
    best_params_, best_score_, cv_results_, leaderboard_, ensemble_
        As in :class:`~autoseq.AutoSeqClassifier`.

    Examples
    --------
    >>> from autoseq import AutoSeqGenerator, get_architecture
    >>> gen = AutoSeqGenerator(lookback=4, architectures=[get_architecture("gru", units=8)],
    ...                        max_epochs=2, random_state=0).fit("abcabcabc" * 4)
    >>> len(gen.generate("ab", n_steps=5, random_state=0))
    5
    """

    _task_name = "generation"

    def __init__(self, *, level="auto", lookback=None, architectures=None, param_grid=None,
                 cv=None, scoring=None, search="auto", max_epochs=80, time_budget="auto",
                 baselines=True, ensemble=True, n_jobs=None, random_state=None, verbose=None):
        super().__init__(architectures=architectures, param_grid=param_grid, cv=cv,
                         scoring=scoring, search=search, max_epochs=max_epochs,
                         time_budget=time_budget, baselines=baselines, ensemble=ensemble,
                         n_jobs=n_jobs, random_state=random_state, verbose=verbose)
        self.level = level
        self.lookback = lookback

    def fit(self, corpus, y=None):
        """Search next-token models on ``corpus`` and refit the best.

        Parameters
        ----------
        corpus : str, list of str or list of sequences
            One text, several texts, or token sequences (lists of hashable
            symbols such as words or integer ids). Windows never cross from one
            text or sequence into the next.
        y : None
            Ignored; present for scikit-learn's API.

        Returns
        -------
        self
        """
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {list(LEVELS)}; got {self.level!r}.")
        lookbacks = self._lookbacks()
        sequences, level = self._read_corpus(corpus)
        try:
            vocabulary = build_vocabulary(sequences)
        except TypeError as exc:
            raise TypeError(
                f"Symbols of token sequences must be hashable (words, ids); {exc}."
            ) from None
        X, y_next = _windows([[vocabulary[s] for s in seq] for seq in sequences],
                             max(lookbacks))
        if len(np.unique(y_next)) < 2:
            raise ValueError(
                f"The corpus gives {len(y_next)} next-symbol example(s) with "
                f"{len(np.unique(y_next))} distinct symbol(s); a next-token model needs at "
                "least two distinct symbols to follow others. Pass a longer corpus."
            )
        self._fit_with(self._make_task(lookbacks), X, y_next)
        self.vocabulary_ = vocabulary
        self.symbols_ = [None] * FIRST_ID + list(vocabulary)
        self.level_ = level
        self.window_length_ = max(lookbacks)
        return self

    def _make_task(self, lookbacks=None):
        return NextTokenTask(self, self._lookbacks() if lookbacks is None else lookbacks)

    def generate(self, seed, n_steps: int, temperature: float = 1.0, random_state=None):
        """Continue ``seed`` by ``n_steps`` sampled symbols.

        Parameters
        ----------
        seed : str or sequence
            The start: a string (split like the corpus) or a sequence of symbols.
            Every symbol must occur in the corpus.
        n_steps : int
            Number of symbols to generate.
        temperature : float, default=1.0
            Divides the log-probabilities before sampling: below 1 sharpens
            (more predictable), above 1 flattens; 0 always takes the most likely
            symbol.
        random_state : int or numpy Generator, optional
            Seeds the sampling: the same value gives the same output.

        Returns
        -------
        str or list
            Only the generated continuation: a string for text corpora (words
            joined by spaces at ``level="word"``), a list of symbols for token
            sequences.

        Raises
        ------
        ValueError
            An empty seed, a seed with symbols not seen in the corpus, or a
            negative ``n_steps`` or ``temperature``.
        """
        check_is_fitted(self, "vocabulary_")
        if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
            raise ValueError(f"n_steps must be a non-negative int; got {n_steps!r}.")
        if isinstance(temperature, bool) or not (
                isinstance(temperature, (int, float, np.number)) and temperature >= 0):
            raise ValueError(f"temperature must be a number >= 0; got {temperature!r}.")
        ids = self._seed_ids(seed)
        rng = np.random.default_rng(random_state)
        model = self.best_estimator_
        classes = model.classes_
        window = np.full((1, self.window_length_), PAD_ID, dtype=np.int32)
        generated = []
        for _ in range(n_steps):
            context = ids[-self.window_length_:]
            window[0] = PAD_ID
            window[0, self.window_length_ - len(context):] = context
            proba = model.predict_proba(window)[0]
            next_id = int(classes[_sample(proba, float(temperature), rng)])
            ids.append(next_id)
            generated.append(self.symbols_[next_id])
        if self.level_ == "tokens":
            return generated
        return (" " if self.level_ == "word" else "").join(generated)

    # -- corpus and seed -------------------------------------------------------------
    def _lookbacks(self) -> list[int]:
        values = DEFAULT_LOOKBACKS if self.lookback is None else self.lookback
        values = [values] if isinstance(values, (int, np.integer)) else values
        try:
            values = list(values)
        except TypeError:
            values = [values]
        if not values or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                 and v >= 1 for v in values):
            raise ValueError(
                f"lookback must be a positive int, a non-empty list of them, or None; "
                f"got {self.lookback!r}."
            )
        return sorted({int(v) for v in values})

    def _read_corpus(self, corpus):
        accepted = "a string, a list of strings, or a list of token sequences (lists of symbols)"
        if isinstance(corpus, str):
            corpus = [corpus]
        if isinstance(corpus, np.ndarray):
            corpus = list(corpus)
        if not isinstance(corpus, (list, tuple)):
            raise TypeError(f"corpus must be {accepted}; got {type(corpus).__name__}.")
        if not corpus:
            raise ValueError("corpus is empty; it needs at least two symbols.")
        is_str = [isinstance(doc, str) for doc in corpus]
        if all(is_str):
            level = "word" if self.level == "word" else "char"
            return [self._split(doc, level) for doc in corpus], level
        if any(is_str):
            i, j = is_str.index(True), is_str.index(False)
            raise TypeError(
                f"corpus mixes strings (corpus[{i}]) and other items (corpus[{j}] is "
                f"{type(corpus[j]).__name__}); pass {accepted}."
            )
        for i, seq in enumerate(corpus):
            if not isinstance(seq, (Sequence, np.ndarray)):
                raise TypeError(f"corpus[{i}] is {type(seq).__name__}; expected {accepted}.")
        return [[_plain(s) for s in seq] for seq in corpus], "tokens"

    @staticmethod
    def _split(text: str, level: str) -> list:
        return text.split() if level == "word" else list(text)

    def _seed_ids(self, seed) -> list[int]:
        if isinstance(seed, str):
            if self.level_ == "tokens":
                raise TypeError(
                    "This generator was fitted on token sequences; pass the seed as a "
                    f"sequence of symbols, not the string {seed!r}."
                )
            symbols = self._split(seed, self.level_)
        elif isinstance(seed, (Sequence, np.ndarray)):
            symbols = [_plain(s) for s in seed]
        else:
            raise TypeError(f"seed must be a string or a sequence of symbols; got "
                            f"{type(seed).__name__}.")
        if not symbols:
            raise ValueError("seed is empty; give at least one symbol to continue from.")
        unknown = [s for s in dict.fromkeys(symbols) if s not in self.vocabulary_]
        if unknown:
            known = list(self.vocabulary_)
            raise ValueError(
                f"seed contains {len(unknown)} symbol(s) that never occur in the training "
                f"corpus: {unknown[:10]!r}. The model knows {len(known)} symbols, e.g. "
                f"{known[:20]!r}."
            )
        return [self.vocabulary_[s] for s in symbols]

    def __sklearn_tags__(self):
        # fit reads a corpus, not (X, y)
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = False
        return tags

    def _persistence_summary(self) -> dict:
        if not hasattr(self, "vocabulary_"):
            return {}
        return {"best": describe(self.best_params_), "cv_score": self.best_score_,
                "task": self._task_name, "level": self.level_, "n_symbols": len(self.vocabulary_),
                "window_length": self.window_length_}


class _RecentTokens(TransformerMixin, BaseEstimator):
    """Keep the last ``lookback`` ids of each window (None keeps them all)."""

    def __init__(self, lookback=None):
        self.lookback = lookback

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        X = np.asarray(X)
        return X if self.lookback is None else X[:, -self.lookback:]


def _windows(sequences: list[list[int]], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (preceding ``length`` ids, left-padded with 0 -> next id) pair of each sequence."""
    X, y = [np.empty((0, length), dtype=np.int32)], [np.empty(0, dtype=np.int64)]
    for seq in sequences:
        if len(seq) < 2:
            continue
        ids = np.asarray(seq, dtype=np.int32)
        padded = np.concatenate([np.full(length, PAD_ID, dtype=np.int32), ids[:-1]])
        X.append(np.lib.stride_tricks.sliding_window_view(padded, length)[1:])
        y.append(ids[1:].astype(np.int64))
    return np.concatenate(X), np.concatenate(y)


def _sample(proba: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    proba = np.asarray(proba, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(proba))
    logits = np.log(np.clip(proba, 1e-12, None)) / temperature
    p = np.exp(logits - logits.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def _plain(symbol):
    """NumPy scalars as Python values, so symbols print and compare plainly."""
    return symbol.item() if isinstance(symbol, np.generic) else symbol
