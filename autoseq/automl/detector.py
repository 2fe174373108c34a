"""``AutoSeqAnomalyDetector``: the search for the best anomaly detector.

The search runs the non-deep baselines first (the matrix-profile discord and the
nearest-window reconstruction, :mod:`autoseq.baselines.anomaly`) and ranks the
autoencoders (:class:`~autoseq.estimators.autoencoder.SeqAutoencoder`) against
them on the same windows; the period detector chooses the default window lengths.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import OutlierMixin
from sklearn.utils.validation import check_is_fitted

from autoseq import validation
from autoseq.automl.base import AutoSeqBase
from autoseq.automl.task import SEARCH_LEARNING_RATE, Task
from autoseq.baselines.anomaly import MatrixProfileDetector, NearestWindowDetector
from autoseq.estimators.autoencoder import TRAINING_FOLDS, SeqAutoencoder
from autoseq.estimators.window_scoring import (
    as_stream,
    check_scoring_params,
    detect_period,
    is_stream,
)
from autoseq.preprocessing.padding import SequencePadder
from autoseq.preprocessing.scaling import SequenceScaler
from autoseq.registry import list_architectures

# window lengths without a clear period
DEFAULT_WINDOWS = (32, 64)
# the matrix-profile baseline is searched on windows (or sequences) of at least this many
# steps: z-normalized, shorter ones match nearly anything
MIN_PROFILE_WINDOW = 8
# the default search: architectures that rebuild windows well and train fast on CPUs, each
# with its search space's first setting (pass ``architectures`` to search others)
DEFAULT_ARCHITECTURES = ("gru", "tcn")
# an autoencoder's default window is at most this long (longer ones train slowly)
MAX_AUTOENCODER_WINDOW = 64
# ... and trains on at most this many windows of the stream (a stride spreads them out)
DEFAULT_TRAIN_WINDOWS = 600
# gradient steps per default training: epochs = this / batches per epoch, within
# [MIN_EPOCHS, MAX_DEFAULT_EPOCHS] (an epoch has a fixed cost too: few windows, few epochs)
DEFAULT_TRAINING_STEPS = 150
MIN_EPOCHS = 4
MAX_DEFAULT_EPOCHS = 12
DEFAULT_BATCH_SIZE = 32


def default_window_lengths(rows: np.ndarray, n_splits: int = 3) -> list[int]:
    """Window lengths worth searching on a stream: half of its period, and the period.

    The period comes from :func:`~autoseq.estimators.window_scoring.detect_period`
    (autocorrelation over lags up to a third of the stream, so long periods
    count); a window of one period holds one whole cycle, the unit a discord
    is found in. Without a clear period, 32 and 64 rows. Lengths are kept
    between 8 and a third of the smallest training fold, so every fold yields
    enough windows.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq.automl.detector import default_window_lengths
    >>> default_window_lengths(np.sin(2 * np.pi * np.arange(2000) / 100)[:, None])
    [50, 100]
    """
    smallest_fold = len(rows) // (n_splits + 1)
    upper = max(8, smallest_fold // 3)
    period = detect_period(rows)
    candidates = (period // 2, period) if period else DEFAULT_WINDOWS
    return sorted({int(min(max(c, 8), upper)) for c in candidates})


def _neg_reconstruction_error(estimator, X, y=None) -> float:
    """Search scorer: minus the mean reconstruction error on held-out normal data."""
    return float(np.mean(estimator.score_samples(X)))


class AnomalyTask(Task):
    """Normal data in, a detector out: candidates ranked by held-out reconstruction error.

    ``y`` never reaches the search: labels, when given, only set the threshold
    after the refit (:meth:`finish`). No ensemble: reconstruction errors of
    different models do not average into a detector.
    """

    name = "anomaly"
    # the folds keep each candidate's out-of-fold scores; the winner's set the threshold
    oof_method = "score_samples"

    def __init__(self, estimator):
        super().__init__(estimator)
        self.stream = False
        self.labels = None
        self.oof_scores = None

    def check_input(self, X, y):
        est = self.estimator
        if est.contamination != "auto" and y is not None:
            raise ValueError("Pass either labels y (they choose the threshold) or a float "
                             f"contamination, not both; got contamination={est.contamination!r}.")
        check_scoring_params(est.aggregate, est.contamination)
        self.stream = is_stream(X)
        X = est._internal(X, self.stream)
        self.labels = None if y is None else _check_labels(y, len(X))
        return X, None

    def preprocessing(self, X):
        if self.stream:
            return [("scaler", SequenceScaler())]
        return [("scaler", SequenceScaler()), ("padder", SequencePadder())]

    def model(self, input_kind):
        # candidates score only held-out data; the winner's training data is scored out of
        # fold after the refit (finish), so the search pays for no extra trainings
        est = self.estimator
        return SeqAutoencoder(aggregate=est.aggregate, contamination=est.contamination,
                              epochs=est.max_epochs, learning_rate=SEARCH_LEARNING_RATE,
                              batch_size=DEFAULT_BATCH_SIZE, random_state=est.random_state,
                              training_folds=0)

    def default_scoring(self):
        return _neg_reconstruction_error

    def architecture_names(self, X, y):
        est = self.estimator
        if isinstance(est.architectures, (list, tuple)) and len(est.architectures) == 0:
            return []  # the baselines only
        if est.architectures is None:
            able = set(list_architectures("anomaly"))
            names = [n for n in DEFAULT_ARCHITECTURES if n in able]
            if not names:
                raise ValueError(
                    f"None of the default architectures {list(DEFAULT_ARCHITECTURES)} is "
                    f"registered for the task 'anomaly'; name some with architectures=[...] "
                    f"(registered: {', '.join(sorted(able)) or 'none'}), or pass "
                    "architectures=[] to search the baselines only.")
            return names
        return super().architecture_names(X, y)

    def param_grid(self, X, y):
        est = self.estimator
        baselines = self.baseline_candidates(X, y)
        names = self.architecture_names(X, y)
        if not names and not baselines:
            raise ValueError("Nothing to search: architectures=[] means the baselines only, "
                             "and baselines=False leaves none. Name architectures or set "
                             "baselines=True.")
        deep = [e for e in super().param_grid(X, y) if "model__architecture" in e] \
            if names else []
        bottlenecks = _as_list(est.bottleneck, "bottleneck")
        overridden = set(est.param_grid or {})
        n_windows = len(X)
        windows = [None]
        if self.stream:
            windows = self.window_lengths(X)
            if est.window_length is None:
                windows = [min(windows[0], MAX_AUTOENCODER_WINDOW)]
        grid = []
        for entry in deep:
            entry = dict(entry)
            arch = entry["model__architecture"][0]
            if est.architectures is None and arch.name not in overridden:
                # the default search: one setting per architecture, its first
                entry = {k: v[:1] if k.startswith("model__architecture__") else v
                         for k, v in entry.items()}
            entry.setdefault("model__bottleneck", bottlenecks)
            for w in windows:
                sized = dict(entry)
                if w is not None:
                    sized.setdefault("model__window_length", [w])
                    n_windows = len(X) - w + 1
                    stride = max(1, w // SeqAutoencoder.windows_per_length,
                                 -(-n_windows // DEFAULT_TRAIN_WINDOWS))
                    sized.setdefault("model__stride", [stride])
                    n_windows = -(-n_windows // stride)
                batches = max(1, -(-int(n_windows * 0.9) // DEFAULT_BATCH_SIZE))
                epochs = min(est.max_epochs, MAX_DEFAULT_EPOCHS,
                             max(MIN_EPOCHS, -(-DEFAULT_TRAINING_STEPS // batches)))
                sized.setdefault("model__epochs", [epochs])
                grid.append(sized)
        # baselines first: they finish in seconds and are what a deep model must beat
        return baselines + grid

    def baseline_candidates(self, X, y):
        est = self.estimator
        if not est.baselines:
            return []
        profile = {"model": [MatrixProfileDetector(aggregate=est.aggregate,
                                                   contamination=est.contamination)]}
        nearest = {"model": [NearestWindowDetector(aggregate=est.aggregate,
                                                   contamination=est.contamination)]}
        windows = self.window_lengths(X)
        if windows:
            nearest["model__window_length"] = windows
            # z-normalized, a window of a few steps matches almost anything: no discord
            windows = [w for w in windows if w >= MIN_PROFILE_WINDOW]
            profile["model__window_length"] = windows
        elif validation.lengths(X).max() < MIN_PROFILE_WINDOW:
            windows = []
        return [profile, nearest] if windows != [] else [nearest]

    def window_lengths(self, X):
        est = self.estimator
        if not self.stream:
            return None
        if est.window_length is None:
            return default_window_lengths(X[:, 0, :])
        return _as_list(est.window_length, "window_length", minimum=2)

    def residuals(self, predictions, y_folds):
        # the last fold's model trained on the most data: the closest to the refitted one
        kept = [p for p in predictions if p is not None]
        return kept[-1] if kept else None

    def calibrate(self, residuals):
        self.oof_scores = residuals

    def select_ensemble(self, *args, **kwargs):
        return None

    def finish(self, X, y):
        est = self.estimator
        est.stream_ = self.stream
        labels, oof = self.labels, self.oof_scores
        model = est.best_estimator_[-1]
        if isinstance(model, SeqAutoencoder) and not model.training_folds:
            # the refitted autoencoder scores its own training data out of fold
            model.score_training_data(est.best_estimator_[:-1].transform(X), TRAINING_FOLDS)
            if est.contamination != "auto" and hasattr(model, "training_scores_"):
                model.offset_ = float(np.percentile(model.training_scores_,
                                                    100 * est.contamination))
        if labels is not None:
            est.offset_ = _best_f1_offset(est.best_estimator_.score_samples(X), labels)
            est.threshold_source_ = "labels"
        elif est.contamination != "auto":
            est.offset_ = model.offset_
            est.threshold_source_ = "contamination"
        elif oof is not None and len(oof):
            est.offset_ = float(np.min(oof))
            est.threshold_source_ = "out_of_fold"
        else:
            est.offset_ = model.offset_
            est.threshold_source_ = "held_out_tail"
        est.window_length_ = model.window_length_


class AutoSeqAnomalyDetector(OutlierMixin, AutoSeqBase):
    """Find, cross-validate and refit the best autoencoder anomaly detector.

    ``fit`` takes normal data. On a **collection** of sequences each sequence
    gets one score; on one **stream** (a pandas Series or DataFrame, rows are
    time steps and columns channels, or a 1-D array) every row gets one score,
    aggregated over the windows that cover it. scikit-learn's outlier-detector
    API: ``score_samples`` (lower is more abnormal), ``decision_function``
    (``score_samples - offset_``), ``predict`` (1 normal, -1 anomalous).

    The search is a GridSearchCV over two non-deep baselines, run first: the
    matrix-profile discord (:class:`~autoseq.baselines.anomaly.MatrixProfileDetector`)
    and the nearest-window reconstruction
    (:class:`~autoseq.baselines.anomaly.NearestWindowDetector`), then
    autoencoders (:class:`SeqAutoencoder`). With no labels to learn from,
    candidates are ranked by reconstruction error on time-ordered validation
    folds of the normal data (walk-forward CV over the rows of a stream, or
    over the sequences; a validation block is scored from the windows inside
    it). The pipeline scales each channel (fitted inside each fold) before the
    model. Only the default window lengths are read from the whole training
    stream (its period), to choose the grid.

    The default grid is small, so that it finishes in minutes on a laptop: the
    baselines at the default window lengths, and ``DEFAULT_ARCHITECTURES``
    (a GRU and a TCN, each with its first search-space setting) at one window
    of at most ``MAX_AUTOENCODER_WINDOW`` rows, trained on at most
    ``DEFAULT_TRAIN_WINDOWS`` windows (a stride spreads them over a long
    stream) for about ``DEFAULT_TRAINING_STEPS`` gradient steps
    (``max_epochs`` at most). Naming architectures, windows or bottlenecks
    searches exactly those.

    Training data is scored honestly (as scikit-learn's ``LocalOutlierFactor``
    does with ``novelty=False``): ``fit_predict(X)`` and ``score_samples(X)``
    of the very data ``fit`` saw (the same shape and values) compare no
    window with itself or the windows it overlaps, and a winning autoencoder
    scores it out of fold (``training_folds``), so anomalies inside the
    training data are found. Other data is scored against all of it.

    Parameters
    ----------
    architectures : list of str, optional
        Registry names; None: ``DEFAULT_ARCHITECTURES``, each with the first
        setting of its search space. ``[]``: the baselines only.
    param_grid : dict, optional
        ``{architecture name: {hyperparameter: [values]}}`` replacing its search
        space; keys with ``__`` address pipeline steps, e.g.
        ``"model__window_length"``.
    cv : int, splitter or iterable, optional
        None: walk-forward CV with up to 3 folds.
    scoring : callable, optional
        Default: minus the mean reconstruction error (per row, or per sequence).
    search : {"auto", "grid", "halving"}, default="auto"
        As in :class:`~autoseq.AutoSeqRegressor`.
    max_epochs : int, default=80
        The most epochs an autoencoder trains. Unless ``param_grid`` sets
        ``model__epochs``, an autoencoder trains for about
        ``DEFAULT_TRAINING_STEPS`` gradient steps, between ``MIN_EPOCHS`` and
        ``MAX_DEFAULT_EPOCHS`` epochs (few windows: more epochs), never more
        than ``max_epochs``.
    time_budget : "auto", float or None, default="auto"
        As in :class:`~autoseq.AutoSeqRegressor`: seconds for the whole
        ``fit``; the baselines run first, and start no fold once 85% of the
        budget is spent.
    baselines : bool, default=True
        Include the matrix-profile and nearest-window baselines (kind
        "baseline" on the leaderboard, searched first).
    n_jobs : int, optional
    random_state : int, optional
    verbose : int, optional
        None (default): a progress bar while searching when standard error is
        a terminal, nothing otherwise. 0: nothing. 1 and more: as in
        :class:`~autoseq.AutoSeqClassifier`.
    window_length : int or list of int, optional
        Window lengths searched on a stream; None: half the stream's dominant
        period and the period (see :func:`default_window_lengths`), the
        shorter one, at most ``MAX_AUTOENCODER_WINDOW``, for autoencoders.
        Ignored for collections, whose sequences are the windows.
    bottleneck : int or list of int, default=8
        Code widths searched.
    aggregate : {"mean", "max"}, default="mean"
        How a row's errors in the windows covering it combine.
    contamination : "auto" or float, default="auto"
        "auto": the threshold is the largest reconstruction error the winning
        candidate made out of fold on the last CV fold (rows its model never
        saw; of all folds' models it trained on the most data). A float in
        (0, 0.5]: that share of the training data is flagged by the refitted
        model. Labels passed to ``fit`` override both.

    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline
        ``scaler -> model`` (stream) or ``scaler -> padder -> model`` (collection).
    best_params_, best_score_, cv_results_ : as in GridSearchCV
    leaderboard_ : pandas.DataFrame
        One row per candidate, best first; ``kind`` is "deep" or "baseline".
    offset_ : float
        ``decision_function = score_samples - offset_``.
    threshold_source_ : {"out_of_fold", "held_out_tail", "contamination", "labels"}
        What set ``offset_``: the last fold's out-of-fold scores, the refitted
        model's own held-out tail (when the search kept no fold scores), the
        share of training data flagged by the refitted model, or labels.
    stream_ : bool
        Whether it was fitted on one stream.
    n_features_in_ : int
        Channels per time step.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from autoseq import AutoSeqAnomalyDetector
    >>> t = np.arange(800.0)
    >>> normal = pd.Series(np.sin(2 * np.pi * t / 40))
    >>> det = AutoSeqAnomalyDetector(architectures=["gru"], window_length=20, bottleneck=4,
    ...                              max_epochs=2, random_state=0).fit(normal)
    >>> det.score_samples(normal).shape, sorted(set(det.leaderboard_["kind"]))
    ((800,), ['baseline', 'deep'])
    """

    _task_name = "anomaly"

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="auto", max_epochs=80, time_budget="auto", baselines=True, n_jobs=None,
                 random_state=None, verbose=None, window_length=None, bottleneck=8,
                 aggregate="mean", contamination="auto"):
        self.architectures = architectures
        self.param_grid = param_grid
        self.cv = cv
        self.scoring = scoring
        self.search = search
        self.max_epochs = max_epochs
        self.time_budget = time_budget
        self.baselines = baselines
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.window_length = window_length
        self.bottleneck = bottleneck
        self.aggregate = aggregate
        self.contamination = contamination

    def fit(self, X, y=None):
        """Search autoencoders (and the baseline) on normal data and refit the best.

        Parameters
        ----------
        X : one stream or a collection of sequences
            Normal data.
        y : array-like of {0, 1} or {1, -1}, optional
            Anomaly labels (1 or -1 marks an anomaly respectively), one per row
            of a stream or per sequence. They only choose the threshold: the
            one that best separates them (highest F1); models and the search
            never see them.

        Returns
        -------
        self
        """
        return self._fit_with(self._make_task(), X, y)

    def _make_task(self):
        return AnomalyTask(self)

    def _internal(self, X, stream=None):
        """A stream as rows ``(n_rows, 1, n_channels)`` (what the scaler scales per channel)."""
        if self.stream_ if stream is None else stream:
            return as_stream(X)[:, np.newaxis, :]
        return validation.check_sequences(X, allow_nan="padding")

    # -- the outlier-detector API ---------------------------------------------------------
    def score_samples(self, X):
        """Opposite of the reconstruction error: lower means more abnormal.

        Returns
        -------
        ndarray of shape (n_rows,) for a stream, (n_sequences,) for a collection
        """
        check_is_fitted(self, "best_estimator_")
        if is_stream(X) != self.stream_:
            fitted = "one stream" if self.stream_ else "a collection of sequences"
            raise ValueError(f"This detector was fitted on {fitted}; score data of the same "
                             f"form (got {type(X).__name__}).")
        return self.best_estimator_.score_samples(self._internal(X))

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for anomalies."""
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """1 for normal, -1 for anomalous (per row of a stream, or per sequence)."""
        return np.where(self.decision_function(X) < 0, -1, 1)

    def score(self, X, y=None):
        """Minus the mean reconstruction error of ``X`` under the best model."""
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = False
        tags.non_deterministic = self.random_state is None
        return tags


def _as_list(value, name, minimum=1):
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values or not all(isinstance(v, numbers.Integral) and v >= minimum for v in values):
        raise ValueError(f"{name} must be an int >= {minimum} or a list of them; got {value!r}.")
    return values


def _check_labels(y, n: int) -> np.ndarray:
    """Anomaly labels as a boolean array (True = anomaly)."""
    y = validation.check_target(y, n)
    if y.ndim != 1:
        raise ValueError(f"y must be one label per row or sequence (1-D); got shape {y.shape}.")
    values = set(np.unique(y).tolist())
    if values <= {0, 1} and len(values) == 2:
        return y == 1
    if values <= {-1, 1} and len(values) == 2:
        return y == -1
    raise ValueError(
        f"y must mark anomalies with both classes present, as 0/1 (1 = anomaly) or 1/-1 "
        f"(-1 = anomaly, scikit-learn's convention); got the values {sorted(values)[:5]}.")


def _best_f1_offset(scores: np.ndarray, anomalous: np.ndarray) -> float:
    """The offset whose flags (scores below it) best match the labels, by F1."""
    order = np.argsort(scores, kind="stable")
    hits = np.cumsum(anomalous[order])
    flagged = np.arange(1, len(scores) + 1)
    f1 = 2 * hits / (flagged + anomalous.sum())
    k = int(np.argmax(f1))
    sorted_scores = scores[order]
    if k + 1 < len(scores):
        return float((sorted_scores[k] + sorted_scores[k + 1]) / 2)
    return float(np.nextafter(sorted_scores[k], np.inf))
