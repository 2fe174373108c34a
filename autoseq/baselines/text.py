"""Cheap non-deep baselines for text and token sequences.

* :class:`TfidfLogisticBaseline`: TF-IDF on word n-grams and on character
  n-grams (within word boundaries, so misspelt or unseen words still share
  features with known ones) feeding a logistic regression. Readers of the
  sentiment tutorials found that this often matches an LSTM at a fraction of
  the cost; next to the deep models it shows whether they earned their minutes.
* :class:`NGramBaseline`: next-token counts after the longest context seen in
  training (a back-off n-gram model), the reference for
  :class:`~autoseq.AutoSeqGenerator`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from autoseq.estimators.deadline import check_search_deadline
from autoseq.preprocessing.text import check_documents

# token ids stay integers; anything else numeric becomes float (object arrays are not truncated)
_ID_DTYPES = ["float64", "float32", "int64", "int32"]


class TfidfLogisticBaseline(ClassifierMixin, BaseEstimator):
    """TF-IDF of word and character n-grams + logistic regression, on raw strings.

    Parameters
    ----------
    word_ngrams : tuple of (int, int) or None, default=(1, 2)
        Range of word n-gram sizes; None leaves word features out.
    char_ngrams : tuple of (int, int) or None, default=(2, 5)
        Range of character n-gram sizes (``analyzer="char_wb"``); None leaves
        character features out.
    max_features : int, optional
        Keep only this many of the most frequent n-grams per analyzer.
    lowercase : bool, default=True
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.
    class_weight : dict or "balanced", optional
    max_iter : int, default=1000

    Attributes
    ----------
    vectorizer_ : sklearn.pipeline.FeatureUnion
        The fitted word and character TF-IDF vectorizers.
    classifier_ : LogisticRegression or OneVsRestClassifier
        One-vs-rest logistic regressions when ``y`` is a multi-label indicator matrix.
    classes_ : ndarray
        Class labels, or label indices ``0..n_labels-1`` for multi-label ``y``.
    n_features_ : int
        Number of TF-IDF features.

    Examples
    --------
    >>> from autoseq.baselines.text import TfidfLogisticBaseline
    >>> docs = ["great film", "awful film", "great fun", "awful plot"]
    >>> clf = TfidfLogisticBaseline().fit(docs, [1, 0, 1, 0])
    >>> clf.predict(["a great story"]).tolist()
    [1]
    """

    # how the AutoSeq leaderboard names this candidate
    leaderboard_name_ = "tfidf_logistic"

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(2, 5), max_features=None,
                 lowercase=True, C=10.0, class_weight=None, max_iter=1000):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_features = max_features
        self.lowercase = lowercase
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X, y):
        """Fit the vectorizers and the logistic regression.

        Parameters
        ----------
        X : list of str
        y : array-like of shape (n_documents,) or (n_documents, n_labels)
            Labels, or a 0/1 multi-label indicator matrix.

        Returns
        -------
        self
        """
        docs = check_documents(X)
        check_search_deadline(self)
        y = np.asarray(y)
        if y.shape[:1] != (len(docs),):
            raise ValueError(
                f"X has {len(docs)} documents but y has shape {y.shape}; they must match."
            )
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or a 2-D indicator matrix; got shape {y.shape}.")
        multilabel = y.ndim == 2
        if multilabel and not (y.dtype.kind in "biuf" and np.isin(y, (0, 1)).all()):
            raise ValueError(
                f"A 2-D y must be a 0/1 multi-label indicator matrix; got shape {y.shape} "
                f"with values {np.unique(y)[:5].tolist()}."
            )
        self.vectorizer_ = FeatureUnion(self._vectorizers())
        features = self.vectorizer_.fit_transform(docs)
        logistic = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                      max_iter=self.max_iter)
        self.classifier_ = OneVsRestClassifier(logistic) if multilabel else logistic
        self.classifier_.fit(features, y)
        self.classes_ = np.arange(y.shape[1]) if multilabel else self.classifier_.classes_
        self.n_features_ = features.shape[1]
        return self

    def _vectorizers(self):
        steps = []
        for analyzer, ngrams in (("word", self.word_ngrams), ("char_wb", self.char_ngrams)):
            if ngrams is None:
                continue
            if not (len(ngrams) == 2 and 1 <= ngrams[0] <= ngrams[1]):
                raise ValueError(
                    f"{'word' if analyzer == 'word' else 'char'}_ngrams must be a pair "
                    f"(min_n, max_n) with 1 <= min_n <= max_n, or None; got {ngrams!r}."
                )
            steps.append((analyzer, TfidfVectorizer(
                analyzer=analyzer, ngram_range=tuple(ngrams), lowercase=self.lowercase,
                max_features=self.max_features, sublinear_tf=True)))
        if not steps:
            raise ValueError("word_ngrams and char_ngrams are both None; keep at least one.")
        return steps

    def _features(self, X):
        check_is_fitted(self)
        return self.vectorizer_.transform(check_documents(X))

    def predict(self, X):
        """Labels (or the indicator matrix for multi-label ``y``)."""
        return self.classifier_.predict(self._features(X))

    def predict_proba(self, X):
        """Class probabilities, or one probability per label for multi-label ``y``."""
        return self.classifier_.predict_proba(self._features(X))

    def decision_function(self, X):
        """Logistic-regression scores."""
        return self.classifier_.decision_function(self._features(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        return tags


class NGramBaseline(ClassifierMixin, BaseEstimator):
    """Next-token model from counts: the distribution after the longest seen context.

    Works on windows of token ids (the preceding ids, left-padded with 0, one
    row per example), as :class:`~autoseq.AutoSeqGenerator` builds them. For each
    window, the last ``order`` ids are looked up among the training contexts; when
    that context never occurred, one id fewer is tried, down to the overall
    frequencies of the next ids.

    Parameters
    ----------
    order : int, default=4
        Longest context, in ids.

    Attributes
    ----------
    classes_ : ndarray
        The next ids seen in training.
    counts_ : list of dict
        ``counts_[k]`` maps each context of ``k`` ids to a dict of class index -> count.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.baselines.text import NGramBaseline
    >>> X = np.array([[0, 2], [2, 3], [3, 2], [2, 3]]); y = np.array([3, 2, 3, 2])
    >>> NGramBaseline(order=1).fit(X, y).predict(np.array([[9, 2]])).tolist()
    [3]
    """

    leaderboard_name_ = "ngram"

    def __init__(self, order=4):
        self.order = order

    def fit(self, X, y):
        """Count the next ids after every context of up to ``order`` ids.

        Parameters
        ----------
        X : array-like of shape (n_windows, window_length)
            Token ids (any numbers; they are compared, never added).
        y : array-like of shape (n_windows,)
            The id that follows each window.

        Returns
        -------
        self
        """
        if isinstance(self.order, bool) or not isinstance(self.order, (int, np.integer)) or (
                self.order < 0):
            raise ValueError(f"order must be a non-negative int; got {self.order!r}.")
        X, y = validate_data(self, X, y, dtype=_ID_DTYPES)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.counts_ = [{} for _ in range(self.order + 1)]
        for row, code in zip(X.tolist(), codes.tolist(), strict=True):
            for k in range(min(self.order, len(row)) + 1):
                table = self.counts_[k].setdefault(tuple(row[len(row) - k:]), Counter())
                table[code] += 1
        return self

    def predict_proba(self, X):
        """Next-id probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=_ID_DTYPES)
        proba = np.zeros((len(X), len(self.classes_)))
        for i, row in enumerate(X.tolist()):
            for k in range(min(self.order, len(row)), -1, -1):
                table = self.counts_[k].get(tuple(row[len(row) - k:]))
                if table:
                    for code, count in table.items():
                        proba[i, code] = count
                    break
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """The most frequent next id after the longest seen context."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

