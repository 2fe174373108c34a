"""scikit-learn's conformance suite on every public estimator and transformer.

Expected failures are listed next to each estimator with the reason they cannot
hold for sequence models; everything else must pass.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from autoseq import SeqClassifier, SeqRegressor, SequencePadder, SequenceScaler, get_architecture

TINY = dict(architecture=get_architecture("gru", units=4), epochs=2, batch_size=16,
            random_state=0)

LIST_REASON = (
    "fit(X.tolist()) is a list of one-channel sequences (lists may vary in length), so the "
    "check's predict(X.T), two sequences of another length, is valid input; its training-"
    "score floor also assumes more than the 2 epochs the suite affords (both sides are "
    "tested in test_estimators.py)"
)
MODEL_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch gradient descent: weighting a sequence is not the same as repeating it, "
        "because the batches differ"
    ),
    "check_classifiers_train": LIST_REASON,
    "check_regressors_train": LIST_REASON,
    "check_methods_sample_order_invariance": (
        "float32 networks: another row order can change the last bit of an output (about "
        "1e-7 relative, the check's own tolerance)"
    ),
    "check_class_weight_classifiers": (
        "a 2-epoch network cannot flip its predictions on the check's noisy blobs; "
        "test_class_weight_shifts_predictions_to_the_heavy_class trains long enough"
    ),
}
TRANSFORMER_FAILURES = {}
PADDER_FAILURES = {
    "check_transformer_preserve_dtypes": "output is float32, the networks' dtype",
}


def _expected(estimator):
    if isinstance(estimator, SequencePadder):
        return PADDER_FAILURES
    if isinstance(estimator, SequenceScaler):
        return TRANSFORMER_FAILURES
    return MODEL_FAILURES


@parametrize_with_checks(
    [SeqClassifier(**TINY), SeqRegressor(**TINY), SequenceScaler(), SequencePadder()],
    expected_failed_checks=_expected,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
