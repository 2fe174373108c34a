"""The core issue's claims on real archive data (skipped when ../shared/data is absent)."""

import numpy as np
import pytest
from conftest import archive

import autoseq
from autoseq import AutoSeqClassifier, AutoSeqRegressor


def test_regressor_fits_2d_univariate_covid3month_and_predicts_one_number_each():
    archive("Covid3Month")
    X, y = autoseq.load_dataset("Covid3Month")
    X_test, y_test = autoseq.load_dataset("Covid3Month", "test")
    X, X_test = np.asarray(X)[:, :, 0], np.asarray(X_test)[:, :, 0]  # 2-D: one channel
    reg = AutoSeqRegressor(architectures=["gru"], max_epochs=2, cv=2, random_state=0).fit(X, y)
    pred = reg.predict(X_test)
    assert pred.shape == (len(y_test),) and np.isfinite(pred).all()
    # a 2-D table's columns are its features, as in scikit-learn; the sequences have 1 channel
    assert reg.n_features_in_ == 84 and reg.n_channels_ == 1
    assert {"gru", "mean"} <= set(reg.leaderboard_["architecture"])


def test_variable_length_japanese_vowels_needs_no_padding_by_the_user():
    archive("JapaneseVowels")
    X, y = autoseq.load_dataset("JapaneseVowels")
    X_test, y_test = autoseq.load_dataset("JapaneseVowels", "test")
    assert isinstance(X, list) and len({len(s) for s in X}) > 1
    clf = AutoSeqClassifier(architectures=["gru"], max_epochs=4, ensemble=False, cv=2,
                            random_state=0).fit(X, y)
    assert clf.predict(X_test).shape == (len(y_test),)
    assert clf.score(X_test, y_test) > 0.5  # 9 classes: chance is about 0.11


@pytest.mark.slow
def test_default_classifier_on_gunpoint(tmp_path):
    archive("GunPoint")
    X, y = autoseq.load_dataset("GunPoint")
    X_test, y_test = autoseq.load_dataset("GunPoint", "test")
    clf = AutoSeqClassifier(random_state=0).fit(X, y)
    assert clf.score(X_test, y_test) >= 0.90
    # at least three networks were trained and scored: baselines, failed rows and the
    # ensemble do not count
    board = clf.leaderboard_
    deep = board[(board["kind"] == "deep") & board["mean_score"].notna()]["architecture"]
    assert deep.nunique() >= 3, board
    autoseq.save(clf, tmp_path / "gunpoint.autoseq")
    same = autoseq.load(tmp_path / "gunpoint.autoseq")
    np.testing.assert_array_equal(same.predict(X_test), clf.predict(X_test))
