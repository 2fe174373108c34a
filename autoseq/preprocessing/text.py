"""``TextTokenizer``: raw strings to fixed-length integer token ids.

The vocabulary is learned in ``fit`` (inside each CV fold, like every other
learned step) and travels with the pipeline when it is pickled or saved, so
prediction uses exactly the training vocabulary. Id 0 is padding and id 1
stands for any token outside the vocabulary: new words never crash a model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from autoseq.preprocessing.padding import pad_sequences

PAD_ID = 0
OOV_ID = 1
FIRST_ID = 2
# length=None pads to this quantile of the training lengths, at most _MAX_LENGTH tokens
_LENGTH_QUANTILE = 0.95
_MAX_LENGTH = 500
_WORD = re.compile(r"\w+(?:'\w+)*")


def build_vocabulary(token_lists: Iterable[Sequence], max_size: int | None = None) -> dict:
    """Map the most frequent tokens to ids ``2, 3, ...`` (0 and 1 are reserved).

    Parameters
    ----------
    token_lists : iterable of sequences of hashable
        Tokenized documents (words, characters or any symbols).
    max_size : int, optional
        Keep only this many tokens; None keeps all of them.

    Returns
    -------
    dict
        Token -> id, most frequent first; ties keep the order of first appearance.

    Examples
    --------
    >>> build_vocabulary([["a", "b", "b"], ["c", "b"]])
    {'b': 2, 'a': 3, 'c': 4}
    """
    counts = Counter(token for tokens in token_lists for token in tokens)
    return {token: FIRST_ID + i for i, (token, _) in enumerate(counts.most_common(max_size))}


def check_documents(X, *, name: str = "X") -> list[str]:
    """Validate a collection of documents and return it as a list of str.

    Raises
    ------
    TypeError
        For a single string, or any element that is not a string.
    ValueError
        For an empty collection.
    """
    accepted = "a list, tuple, 1-D array or pandas Series of strings (one document each)"
    if isinstance(X, str):
        raise TypeError(
            f"{name} is a single string; expected {accepted}. Wrap one document as [text]."
        )
    if isinstance(X, pd.Series):
        X = X.to_list()
    elif isinstance(X, np.ndarray):
        if X.ndim != 1:
            raise ValueError(f"{name} must be {accepted}; got an array of shape {X.shape}.")
        X = X.tolist()
    if not isinstance(X, (list, tuple)):
        raise TypeError(f"{name} must be {accepted}; got {type(X).__name__}.")
    if len(X) == 0:
        raise ValueError(f"{name} is empty; at least one document is needed.")
    for i, doc in enumerate(X):
        if not isinstance(doc, str):
            raise TypeError(
                f"{name}[{i}] is {type(doc).__name__}, not a string; expected {accepted}. "
                "Integer token ids go straight to SeqClassifier(input_kind='tokens')."
            )
    return list(X)


class TextTokenizer(TransformerMixin, BaseEstimator):
    """Turn documents into padded integer token ids with a learned vocabulary.

    Parameters
    ----------
    max_vocab : int or None, default=5000
        Keep the ``max_vocab`` most frequent training tokens; the rest map to
        the out-of-vocabulary id 1. None keeps every token.
    length : int, float or None, default=None
        Tokens per document after padding/truncation. None: the 95th
        percentile of the training lengths, at most 500. A float in (0, 1]:
        that quantile of the training lengths. An int: that many tokens.
    level : {"word", "char"}, default="word"
        Split documents into words (letters, digits and inner apostrophes;
        punctuation is dropped) or into single characters (all kept).
    lowercase : bool, default=True
        Lower-case documents before splitting.
    padding : {"post", "pre"}, default="post"
        Put the padding id 0 after or before the tokens.
    truncating : {"pre", "post"}, default="pre"
        Drop tokens from the start (keep the end) or from the end of long documents.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token -> id, most frequent first, ids from 2.
    n_tokens_ : int
        Number of ids in use including padding (0) and out-of-vocabulary (1):
        the input size of an embedding.
    length_ : int
        Length of every transformed row.

    Examples
    --------
    >>> from autoseq import TextTokenizer
    >>> tok = TextTokenizer(length=4).fit(["a good film", "a bad film"])
    >>> tok.transform(["a good new film"])
    array([[2, 4, 1, 3]], dtype=int32)
    >>> tok.n_tokens_
    6
    """

    def __init__(self, max_vocab=5000, length=None, level="word", lowercase=True,
                 padding="post", truncating="pre"):
        self.max_vocab = max_vocab
        self.length = length
        self.level = level
        self.lowercase = lowercase
        self.padding = padding
        self.truncating = truncating

    def fit(self, X, y=None):
        """Learn the vocabulary and the padded length from training documents.

        Parameters
        ----------
        X : list of str
            Training documents.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        tokens = [self._split(doc) for doc in check_documents(X)]
        self.vocabulary_ = build_vocabulary(tokens, self.max_vocab)
        self.n_tokens_ = len(self.vocabulary_) + FIRST_ID
        self.length_ = self._learn_length(np.array([len(t) for t in tokens]))
        return self

    def transform(self, X):
        """Token ids, shape ``(n_documents, length_)``, dtype int32.

        Unknown tokens become 1; short documents are padded with 0.
        """
        check_is_fitted(self)
        ids = [[self.vocabulary_.get(token, OOV_ID) for token in self._split(doc)]
               for doc in check_documents(X)]
        return pad_sequences(ids, self.length_, value=PAD_ID, dtype=np.int32,
                             padding=self.padding, truncating=self.truncating)

    def inverse_transform(self, X) -> list[str]:
        """Documents rebuilt from ids (padding dropped, unknown tokens shown as ``<unk>``)."""
        check_is_fitted(self)
        symbols = {i: token for token, i in self.vocabulary_.items()}
        symbols[OOV_ID] = "<unk>"
        sep = " " if self.level == "word" else ""
        return [sep.join(symbols.get(int(i), "<unk>") for i in row if i != PAD_ID)
                for row in np.asarray(X)]

    def _split(self, doc: str) -> list[str]:
        if self.lowercase:
            doc = doc.lower()
        return _WORD.findall(doc) if self.level == "word" else list(doc)

    def _learn_length(self, lengths: np.ndarray) -> int:
        if self.length is None:
            return int(min(_MAX_LENGTH, max(1, np.ceil(np.quantile(lengths, _LENGTH_QUANTILE)))))
        if isinstance(self.length, float):
            return max(1, int(np.ceil(np.quantile(lengths, self.length))))
        return int(self.length)

    def _check_params(self) -> None:
        if self.level not in ("word", "char"):
            raise ValueError(f"level must be 'word' or 'char'; got {self.level!r}.")
        for name in ("padding", "truncating"):
            if getattr(self, name) not in ("pre", "post"):
                raise ValueError(f"{name} must be 'pre' or 'post'; got {getattr(self, name)!r}.")
        if self.max_vocab is not None and not (
                isinstance(self.max_vocab, (int, np.integer)) and not isinstance(self.max_vocab, bool)
                and self.max_vocab >= 1):
            raise ValueError(f"max_vocab must be a positive int or None; got {self.max_vocab!r}.")
        length = self.length
        ok = (length is None
              or (isinstance(length, float) and 0 < length <= 1)
              or (isinstance(length, (int, np.integer)) and not isinstance(length, bool)
                  and length > 0))
        if not ok:
            raise ValueError(
                f"length must be None, a positive int or a float in (0, 1]; got {length!r}."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
