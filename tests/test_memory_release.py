"""Memory over many fits in one process: what each fit leaves behind is freed.

TensorFlow registers a ``CustomGradient-<n>`` closure in its process-wide
gradient registry whenever a ``tf.custom_gradient`` is traced in graph mode,
and never removes it; Keras traces one in every training step (the optimizer's
all-reduce), so each fit's whole training graph used to stay alive. These
tests fit tiny networks for one epoch.
"""

import gc
import platform
import sys

import numpy as np
import pytest

from autoseq import Architecture, SeqClassifier, _backend
from autoseq._backend import custom_gradients_owned_by, tensorflow


def _registry():
    from tensorflow.python.framework import ops

    return ops._gradient_registry._registry


def _custom_gradient_names():
    return {n for n in _registry() if n.startswith("CustomGradient-")}


def _func_graphs():
    from tensorflow.python.framework.func_graph import FuncGraph

    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, FuncGraph)]


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6, 1))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


class _Pool(Architecture):
    """Mean over time, then Dense: the cheapest body to trace (not registered)."""

    name = "memory_test_pool"
    tasks = frozenset({"classification"})
    search_space = {"units": [2]}

    def build(self, x, *, units=2):
        k = self.keras
        return k.layers.Dense(units)(k.layers.GlobalAveragePooling1D()(x))


def _tiny(**kwargs):
    return SeqClassifier(_Pool(units=2), epochs=1, batch_size=8, random_state=0, **kwargs)


def test_a_dropped_estimator_frees_its_training_graph():
    import weakref

    X, y = _data()
    names_before = _custom_gradient_names()
    graphs_before = {id(g) for g in _func_graphs()}
    clf = _tiny().fit(X, y)
    added = _custom_gradient_names() - names_before
    traced = [weakref.ref(g) for g in _func_graphs() if id(g) not in graphs_before]
    assert added, "Keras no longer traces a custom gradient: this test checks nothing"
    assert traced
    # while the network lives, its gradients stay registered (it can still be trained)
    gc.collect()
    assert added <= _custom_gradient_names()

    del clf
    _backend.collect_garbage()  # the graphs go with the entries that held them
    assert not added & _custom_gradient_names()
    assert all(ref() is None for ref in traced)


def test_the_search_frees_the_training_graphs_of_its_fits():
    from tensorflow.python.framework.func_graph import FuncGraph

    from autoseq.model_selection.search import CandidateSearch

    X, y = _data(32)
    before = {id(g) for g in _func_graphs()}
    grid = {"architecture": [_Pool(units=2), _Pool(units=3)]}
    search = CandidateSearch(_tiny(), grid, cv=2).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    # no collection here: the search's release between candidates must have freed them
    left = [g.name for g in gc.get_objects() if isinstance(g, FuncGraph) and id(g) not in before]
    assert left == []


def test_refits_do_not_accumulate_registered_gradients():
    X, y = _data()
    clf = _tiny().fit(X, y)
    gc.collect()
    after_first = _custom_gradient_names()
    clf.fit(X, y)  # a new network; the previous one is freed, its entries with it
    gc.collect()
    assert len(_custom_gradient_names()) == len(after_first)


def test_warm_start_keeps_training_the_same_network():
    X, y = _data()
    clf = _tiny(warm_start=True).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    gc.collect()
    assert clf.model_ is model
    assert clf.predict(X).shape == (len(X),)


def test_custom_gradients_owned_by_ties_entries_to_the_owner():
    tf = tensorflow()

    @tf.custom_gradient
    def double(x):
        return 2 * x, lambda dy: 2 * dy

    class Owner:
        pass

    owner = Owner()
    before = _custom_gradient_names()
    with custom_gradients_owned_by(owner):
        tf.function(lambda x: double(x))(tf.constant(1.0))
    owned = _custom_gradient_names() - before
    tf.function(lambda x: double(x))(tf.constant(1.0))  # outside the block: not owned
    outside = _custom_gradient_names() - before - owned
    try:
        assert len(owned) == 1 and len(outside) == 1
        gc.collect()
        assert owned <= _custom_gradient_names()
        del owner
        gc.collect()
        assert not owned & _custom_gradient_names()
        assert outside <= _custom_gradient_names()
    finally:
        for name in outside:
            _registry().pop(name, None)


def test_the_search_release_hook_trims_the_c_heap(monkeypatch):
    from autoseq.model_selection import search

    calls = []
    monkeypatch.setattr(_backend, "trim_heap", lambda: calls.append(1) or True)
    search.release_memory()
    assert calls == [1]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_trim_heap_calls_malloc_trim_on_glibc():
    assert _backend.trim_heap() is True


def test_trim_heap_does_nothing_elsewhere(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    _backend._malloc_trim.cache_clear()
    try:
        assert _backend.trim_heap() is False
    finally:
        monkeypatch.undo()
        _backend._malloc_trim.cache_clear()
