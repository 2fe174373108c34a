"""SequenceScaler and SequencePadder: padding ignored, forms kept, lengths learned."""

import numpy as np
import pytest

from autoseq import SequencePadder, SequenceScaler


def test_scaler_ignores_padding_and_keeps_form(rng):
    X = rng.normal(5, 2, size=(6, 10, 2))
    padded = X.copy()
    padded[0, 7:] = np.nan
    scaler = SequenceScaler().fit(X)
    out = scaler.transform(padded)
    assert out.shape == X.shape and np.isnan(out[0, 7:]).all()
    np.testing.assert_allclose(SequenceScaler().fit(padded).offset_,
                               np.nanmean(padded.reshape(-1, 2), axis=0))
    assert SequenceScaler().fit_transform(X[:, :, 0]).shape == (6, 10)
    ragged = [rng.normal(size=(3, 2)), rng.normal(size=(5, 2))]
    assert [s.shape for s in SequenceScaler().fit_transform(ragged)] == [(3, 2), (5, 2)]


def test_scaler_methods_and_inverse(rng):
    X = rng.uniform(-3, 7, size=(4, 9, 3))
    mm = SequenceScaler(method="minmax").fit(X)
    out = mm.transform(X)
    assert out.min() == pytest.approx(0) and out.max() == pytest.approx(1)
    np.testing.assert_allclose(mm.inverse_transform(out), X)
    st = SequenceScaler().fit_transform(X).reshape(-1, 3)
    np.testing.assert_allclose(st.mean(axis=0), 0, atol=1e-12)
    with pytest.raises(ValueError, match="method must be one of"):
        SequenceScaler(method="robust").fit(X)


def test_padder_learns_length_and_pads_either_side(rng):
    seqs = [np.arange(2.0), np.arange(5.0), np.arange(3.0)]
    post = SequencePadder().fit(seqs)
    assert post.length_ == 5
    out = post.transform(seqs)
    assert out.shape == (3, 5, 1) and np.isnan(out[0, 2:]).all()
    pre = SequencePadder(padding="pre").fit_transform(seqs)
    assert np.isnan(pre[0, :3]).all() and pre[0, 3:, 0].tolist() == [0.0, 1.0]


def test_padder_truncates_keeping_recent_steps_by_default():
    seqs = [np.arange(10.0), np.arange(4.0)]
    out = SequencePadder(length=3).fit_transform(seqs)
    assert out[0, :, 0].tolist() == [7.0, 8.0, 9.0]
    out = SequencePadder(length=3, truncating="post").fit_transform(seqs)
    assert out[0, :, 0].tolist() == [0.0, 1.0, 2.0]
    assert SequencePadder(length=0.5).fit(seqs).length_ == 7


def test_padder_validates_its_parameters():
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post'"):
        SequencePadder(padding="middle").fit([np.ones(3)])
    with pytest.raises(ValueError, match="length must be None"):
        SequencePadder(length=-2).fit([np.ones(3)])


@pytest.mark.parametrize("transformer", [SequenceScaler(), SequencePadder()])
def test_a_fitted_table_expects_its_columns_and_3d_input_any_length(transformer, rng):
    table = rng.normal(size=(6, 5))
    fitted = transformer.fit(table)
    assert fitted.n_features_in_ == 5 and fitted.n_channels_ == 1
    with pytest.raises(ValueError, match="expecting 5 features"):
        fitted.transform(table[:, :-1])
    assert np.shape(fitted.transform(table[:, :, None][:, :3]))[0] == 6
    with pytest.raises(ValueError, match="2 channels per step"):
        fitted.transform(rng.normal(size=(6, 5, 2)))


@pytest.mark.parametrize("transformer", [SequenceScaler(), SequencePadder()])
def test_complex_input_is_refused(transformer):
    with pytest.raises(ValueError, match="Complex data not supported"):
        transformer.fit(np.ones((3, 4)) + 1j)


def test_scaler_pandas_output_for_tables_and_a_clear_error_for_sequences(rng):
    import pandas as pd

    frame = pd.DataFrame(rng.normal(size=(5, 4)), columns=list("abcd"))
    scaler = SequenceScaler().set_output(transform="pandas")
    out = scaler.fit_transform(frame)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list("abcd")
    with pytest.raises(ValueError, match="applies to 2-D tables only"):
        scaler.fit_transform(frame.to_numpy()[:, :, None])


# -- one padding for every caller, and input checked once per fit_transform -------------
def test_pad_sequences_pads_and_truncates_either_side():
    from autoseq.preprocessing.padding import pad_sequences

    seqs = [np.array([[1.0], [2.0], [3.0]]), np.array([[4.0]])]
    post = pad_sequences(seqs)
    assert post.dtype == np.float32 and post.shape == (2, 3, 1)
    np.testing.assert_array_equal(post[:, :, 0], [[1, 2, 3], [4, np.nan, np.nan]])
    pre = pad_sequences(seqs, 2, padding="pre", truncating="post", dtype=np.float64)
    np.testing.assert_array_equal(pre[:, :, 0], [[1, 2], [np.nan, 4]])
    ids = pad_sequences([[5, 6, 7], []], 2, value=0, dtype=np.int32)
    assert ids.tolist() == [[6, 7], [0, 0]] and ids.dtype == np.int32


@pytest.mark.parametrize("length", [3, 7, 10])
@pytest.mark.parametrize("padding", ["post", "pre"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_an_array_is_padded_as_its_sequences_one_by_one(length, padding, truncating, rng):
    from autoseq.preprocessing.padding import pad_sequences

    X = rng.normal(size=(4, 7, 2))
    kw = dict(padding=padding, truncating=truncating)
    whole = pad_sequences(X, length, **kw)
    np.testing.assert_array_equal(whole, pad_sequences(list(X), length, **kw))
    assert not np.shares_memory(whole, X)
    same = X.astype(np.float32)
    assert pad_sequences(same) is same  # no length: only cast, never copied


@pytest.mark.parametrize("length", [None, 5, 12])
def test_padder_gives_the_same_windows_for_arrays_lists_and_padded_arrays(length, rng):
    X = rng.normal(size=(6, 9, 2))
    ragged = [x[: 9 - i] for i, x in enumerate(X)]
    for padding in ("post", "pre"):
        for truncating in ("pre", "post"):
            padder = SequencePadder(length, padding=padding, truncating=truncating).fit(X)
            from_array = padder.transform(X)
            np.testing.assert_array_equal(from_array, padder.transform(list(X)))
            np.testing.assert_array_equal(from_array, padder.transform(X.astype(np.float32)))
            padded = SequencePadder(padding=padding).fit_transform(ragged)
            np.testing.assert_array_equal(padder.transform(padded), padder.transform(ragged))


@pytest.mark.parametrize("transformer", [SequenceScaler(), SequenceScaler("minmax"),
                                         SequencePadder(), SequencePadder(4, padding="pre")])
def test_fit_transform_is_fit_then_transform_with_one_check(transformer, rng, monkeypatch):
    from sklearn.base import clone

    from autoseq import validation

    X = [rng.normal(size=(n, 2)) for n in (5, 3, 6)]
    expected = clone(transformer).fit(X).transform(X)
    calls = []
    check = validation.check_sequences
    monkeypatch.setattr(validation, "check_sequences",
                        lambda *a, **k: calls.append(1) or check(*a, **k))
    fitted = clone(transformer)
    out = fitted.fit_transform(X)
    assert len(calls) == 1
    assert type(out) is type(expected) and len(out) == len(expected)
    for got, want in zip(out, expected, strict=True):  # a scaler keeps a ragged list ragged
        np.testing.assert_array_equal(got, want)
    assert fitted.n_features_in_ == 2
