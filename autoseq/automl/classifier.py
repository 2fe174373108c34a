"""``AutoSeqClassifier``: the best Keras sequence classifier for a collection of sequences."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import f1_score, make_scorer
from sklearn.utils.validation import check_is_fitted

from autoseq.automl.base import AutoSeqBase
from autoseq.automl.report import say
from autoseq.automl.task import SEARCH_LEARNING_RATE, Task
from autoseq.baselines.numeric import numeric_baselines
from autoseq.estimators.ensemble import EnsembleClassifier, align_proba, prediction_scorer


class ClassificationTask(Task):
    """One label per sequence, a 0/1 indicator matrix of labels, or one label per step."""

    name = "classification"
    accepts_text = True
    best_possible_score = 1.0  # accuracy, F1 and per-step accuracy alike
    oof_method = "predict_proba"
    label_mode = "single"
    independent_samples = True

    def check_input(self, X, y):
        from sklearn.utils.multiclass import check_classification_targets

        from autoseq.preprocessing.targets import check_classes, read_label_mode

        est = self.estimator
        X, y = super().check_input(X, y)
        # scikit-learn's rule: "Unknown label type" for continuous or unreadable labels
        check_classification_targets(y)
        # resolved once for the whole search, so every fold and baseline reads y alike
        self.label_mode = read_label_mode(X, y, est.label_mode)
        check_classes(y, self.label_mode, type(est).__name__)
        if est.verbose:
            say(_label_mode_reason(self.label_mode, y, est.label_mode != "auto"))
        return X, y

    def search_task(self, y):
        return "labelling" if self.label_mode == "per_step" else "classification"

    def default_scoring(self):
        if self.label_mode == "multilabel":
            # a sequence with no label, predicted with none, is exactly right
            return make_scorer(f1_score, average="samples", zero_division=1.0)
        if self.label_mode == "per_step":
            return make_scorer(_per_step_accuracy)
        return "accuracy"

    def model(self, input_kind):
        from autoseq.estimators.keras import SeqClassifier

        est = self.estimator
        return SeqClassifier(input_kind=input_kind, epochs=est.max_epochs, early_stopping=True,
                             batch_size=16, learning_rate=SEARCH_LEARNING_RATE,
                             random_state=est.random_state, label_mode=self.label_mode)

    def rocket_ridge(self):
        if self.label_mode == "per_step":
            return None
        from autoseq.estimators.hydra_ridge import RocketHydraRidgeClassifier

        return RocketHydraRidgeClassifier(random_state=self.estimator.random_state)

    def baseline_models(self, X, y):
        models = numeric_baselines("classification", self.label_mode)
        if self.is_text(X) and self.label_mode != "per_step":
            from autoseq.baselines.text import TfidfLogisticBaseline

            models.append(TfidfLogisticBaseline())
        return models

    def classes(self, y):
        return np.arange(y.shape[1]) if self.label_mode == "multilabel" else np.unique(y)

    def oof_array(self, kept, y):
        fitted_classes, proba = kept
        return align_proba(proba, fitted_classes, self.classes(y), self.label_mode)

    def prediction_score(self, scorer, y):
        return prediction_scorer(scorer, "classification", self.classes(y), self.label_mode)

    def make_ensemble(self, members, weights, residuals):
        return EnsembleClassifier(members, weights, label_mode=self.label_mode)

    def finish(self, X, y):
        est = self.estimator
        est.classes_ = est.best_estimator_.classes_
        est.label_mode_ = self.label_mode


class AutoSeqClassifier(ClassifierMixin, AutoSeqBase):
    """Find, cross-validate and refit the best Keras sequence classifier.

    Every registered architecture that supports classification contributes
    its search space to one GridSearchCV over the pipeline
    ``scaler -> padder -> model`` (``tokenizer -> model`` for text); every step
    that learns from data is fitted inside each fold. Cheap baselines compete as
    ordinary candidates, and an ensemble of the best candidates is built from
    their out-of-fold probabilities. The default CV treats the sequences as
    independent samples (stratified folds, repeated on tiny data) unless they
    are indexed by time or ``cv="walk_forward"`` says they are in time order;
    the winner is the cheapest candidate within one standard error of the best
    mean score.

    ``y`` may be 1-D (one label per sequence), a 2-D 0/1 indicator matrix
    (multi-label: one sigmoid output per label, ``predict`` returns the
    indicator matrix) or 2-D with one label per time step (``label_mode``).

    Parameters
    ----------
    architectures : list of str, optional
        Registry names (or :class:`~autoseq.Architecture` instances) to search;
        None searches every registered architecture that supports the task
        (for per-step labels: those that return one vector per step); ``[]``
        searches the baselines only (with ``rocket_hydra_ridge``).
    param_grid : dict, optional
        ``{architecture name: {hyperparameter: [values]}}`` replacing those
        architectures' default search spaces. Keys with ``__`` (e.g.
        ``"padder__padding"``) address pipeline steps directly (they apply to an
        architecture given as an instance too). An entry that would be ignored
        (an architecture not searched, a hyperparameter of an instance) raises
        ValueError.
    cv : None, "walk_forward", "shuffled", int, splitter or iterable, optional
        None: walk-forward folds when ``X`` is indexed by time (a pandas
        DatetimeIndex or PeriodIndex on the rows, or pandas sequences indexed by
        time whose starts increase), else "shuffled". "walk_forward": 3 folds
        (2 under 100 sequences), each validating on the sequences after its
        training part; when one would train without a class, stratified
        folds with a warning. "shuffled": stratified 5-fold under 100
        sequences (no more folds than the smallest class has sequences), drawn
        twice under 50, 3-fold from 100, seeded by ``random_state``. An int or
        splitter goes to scikit-learn's ``check_cv``. ``cv_scheme_`` and the
        leaderboard's last line name the folds used.
    scoring : str or callable, optional
        One metric. Default "accuracy"; for multi-label ``y`` sample-averaged
        F1 (``"f1_samples"``, counting a sequence without labels that is
        predicted without labels as 1); for per-step labels the share of
        correctly labelled steps.
    search : {"auto", "grid", "halving"}, default="auto"
        How the trained candidates are searched. "grid" cross-validates each
        one fully; "halving" trains all of them briefly, then the best third
        three times longer (successive halving over epochs, see
        :mod:`autoseq.model_selection.halving`); "auto" halves when there are 7 or more
        trained candidates. Candidates without a training loop (baselines,
        ``rocket_hydra_ridge``) run first, once; the trivial baselines always
        finish, ``rocket_hydra_ridge`` starts no fold once the search's share of the
        budget is spent. In the default search (``architectures=None``) the trained
        candidates come in order of expected value per second
        (:attr:`Architecture.priority`), and once a candidate reaches the
        best possible score (accuracy 1.0) the rest are not trained: they
        could at most tie, and a tie goes to the candidate listed first.
        Candidates not run are on the leaderboard with the reason.
    max_epochs : int, default=80
        Epoch cap per fit; early stopping ends most fits sooner.
    time_budget : "auto", float or None, default="auto"
        Seconds for the whole ``fit``, the final refit included: no trained
        candidate starts once the time spent plus the expected refit of the
        current leader would pass it, candidates still training stop at
        their next epoch end, and the refit stops training when the budget is
        spent. "auto" is :func:`autoseq.model_selection.budget.default_time_budget` of the
        data's size (a minute for small data, one more per 250,000 numbers,
        at most 30 minutes). None: no bound, every candidate runs, and a
        fixed ``random_state`` gives the same result on every run. Under a
        budget, which trained candidates get their turn depends on the
        machine's speed, so results can differ between machines.
    baselines : bool, default=True
        Add the trivial reference (``majority``: the most frequent class, see
        :class:`autoseq.baselines.numeric.MajorityClassifier`) and, for text, TF-IDF +
        logistic regression as candidates that can win. Architectures of kind
        ``"baseline"`` (``rocket``) are part of the default search only when
        True; naming one in ``architectures`` searches it either way. The
        default search (``architectures=None``) of numeric sequences also
        tries ``rocket_hydra_ridge`` (:class:`~autoseq.RocketHydraRidgeClassifier`:
        ``rocket``'s random kernels and Hydra's competing kernels with one ridge
        head solved in closed form, as ROCKET itself is fitted) on training sets
        of up to 4,000 sequences; it runs first.
    ensemble : bool, default=True
        Build a weighted ensemble of the best candidates by greedy selection
        with replacement (Caruana et al., 2004) over their out-of-fold
        probabilities; no candidate is trained again for it. Its weights for
        validation fold ``j`` are chosen on folds before ``j`` only and its
        score is the mean over folds 2 and later, so its leaderboard score is
        not flattered by its own selection. It becomes ``best_estimator_``
        only when it beats the best single candidate on those same folds.
    n_jobs : int, optional
        Parallel fits (joblib; works with a Dask backend, see docs/scale-out.md).
    random_state : int, optional
        Same value and data give the same leaderboard and predictions.
    verbose : int, optional
        None (default): a progress bar while searching when standard error is
        a terminal, nothing otherwise (notebooks and logs stay clean). 0:
        nothing. 1: the label mode, the search's progress (one line per
        update when not on a terminal) and which candidate won (and says so
        plainly when no deep model beat a baseline); 2 adds scikit-learn's
        own lines.
    label_mode : {"auto", "single", "multilabel", "per_step"}, default="auto"
        How ``y`` is read. "auto": a 1-D ``y`` is one label per sequence; a
        2-D ``y`` whose second dimension equals the number of time steps of
        ``X`` is one label per step; any other 2-D 0/1 matrix is multi-label.
        Any other value overrides the rule.

    Attributes
    ----------
    best_estimator_ : sklearn.pipeline.Pipeline or EnsembleClassifier
        The winner refitted on all the data: a pipeline (``model`` step a
        :class:`~autoseq.SeqClassifier` or a baseline), or the ensemble.
    best_params_ : dict
        The winner's parameters; for the ensemble ``{"members": [params...],
        "weights": [...]}``.
    best_index_ : int
        The winner's row in ``cv_results_``: the ensemble when it won, else the
        cheapest single candidate (least mean fit time) whose mean score is within
        one standard error of the best mean (a model that ignores the sequences,
        like ``majority``, only by the best mean).
    best_score_ : float
    cv_scheme_ : str
        The folds the scores come from, e.g. "stratified 5-fold, 2 repeats
        (independent sequences)".
    cv_results_ : dict
        GridSearchCV's results plus an ``error`` entry per candidate; failed
        candidates appear with NaN scores, the ensemble (if any) as the last
        row, with NaN on fold 1.
    leaderboard_ : pandas.DataFrame
        One row per candidate, ranked by mean_score: rank, architecture,
        kind ("deep", "baseline" or "ensemble"), params, mean_score,
        std_score, folds (the validation folds the score is the mean of:
        "2-3" for the ensemble, "-" for a candidate that did not run),
        fit_time, error (why a candidate failed or did not run). The winner
        is ``best_index_``: an ensemble that ranks first by its score on later
        folds can still lose to the best single candidate on those folds.
        ``attrs["note"]`` says why, when the best network's refit would not
        fit in the time budget and another candidate was refitted.
    ensemble_ : EnsembleClassifier or None
        The ensemble: fitted (it is ``best_estimator_``) when it won,
        unfitted otherwise (``clone(ensemble_).fit(X, y)`` fits it); None when
        fewer than two candidates finished every fold, the selection kept a
        single candidate, or ``ensemble=False``.
    ensemble_refit_time_ : float or None
        Seconds spent refitting the ensemble's members when it won.
    classes_ : ndarray
    label_mode_ : str
        The reading of ``y`` that was used.
    search_time_, refit_time_ : float
        Seconds spent searching and refitting the winner.
    stopped_early_ : {None, "time_budget", "unbeatable", "interrupted"}
        Why the search did not try every candidate ("unbeatable": one
        reached the best possible score).
    time_budget_ : float or None
        The budget in seconds the fit ran under ("auto" resolved).
    search_ : {"grid", "halving"}
        The search that ran ("auto" resolved).
    n_features_in_ : int
        A 2-D table's columns (as in scikit-learn); else channels per step.
    n_channels_ : int
        Channels per step of the training sequences; predict checks it.

    Examples
    --------
    >>> import numpy as np
    >>> from autoseq import AutoSeqClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 10)); y = (X.mean(axis=1) > 0).astype(int)
    >>> clf = AutoSeqClassifier(architectures=["gru"], max_epochs=2, random_state=0)
    >>> sorted(clf.fit(X, y).leaderboard_["kind"])
    ['baseline', 'deep', 'ensemble']
    """

    def __init__(self, *, architectures=None, param_grid=None, cv=None, scoring=None,
                 search="auto", max_epochs=80, time_budget="auto", baselines=True,
                 ensemble=True, n_jobs=None, random_state=None, verbose=None,
                 label_mode="auto"):
        super().__init__(architectures=architectures, param_grid=param_grid, cv=cv,
                         scoring=scoring, search=search, max_epochs=max_epochs,
                         time_budget=time_budget, baselines=baselines, ensemble=ensemble,
                         n_jobs=n_jobs, random_state=random_state, verbose=verbose)
        self.label_mode = label_mode

    def _make_task(self):
        return ClassificationTask(self)

    # the search's scoring, as GridSearchCV scores, not ClassifierMixin's accuracy
    score = AutoSeqBase.score

    def predict_proba(self, X):
        """Class probabilities from the best pipeline (per label for multi-label ``y``)."""
        check_is_fitted(self, "best_estimator_")
        self._check_features(X)
        return self.best_estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags


def _per_step_accuracy(y_true, y_pred) -> float:
    """Share of time steps labelled correctly."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def _label_mode_reason(mode, y, explicit) -> str:
    why = {"single": "one label per sequence",
           "multilabel": f"a 0/1 indicator matrix of {np.shape(y)[-1]} labels",
           "per_step": f"one label per time step ({np.shape(y)[-1]} steps)"}[mode]
    how = "set by label_mode" if explicit else "label_mode='auto'; set label_mode= to override"
    return f"label_mode: {mode} (y read as {why}; {how})"
