"""The architecture registry: lookup, hints, registration, filters, the parameter
protocol and plugin loading through entry points."""

from __future__ import annotations

import sys
import types
import warnings
from importlib import metadata

import pytest
from sklearn.base import clone

from autoseq import registry
from autoseq.networks.architectures import CNNLSTM, LSTM, TCN
from autoseq.registry import (
    ENTRY_POINT_GROUP,
    Architecture,
    ArchitectureError,
    get_architecture,
    list_architectures,
    register_architecture,
    unregister_architecture,
)

BUILTINS = {"bilstm", "cnn_lstm", "gru", "lstm", "lstm_attention", "rocket", "simple_rnn",
            "stacked_lstm", "tcn", "transformer"}


@pytest.fixture(autouse=True)
def restore_registry():
    """Put the registry back as it was: new names unregistered, replaced ones restored."""
    before = {name: type(get_architecture(name)) for name in list_architectures()}
    yield
    for name in set(list_architectures()) - set(before):
        unregister_architecture(name)
    for name, cls in before.items():
        if name not in list_architectures() or type(get_architecture(name)) is not cls:
            register_architecture(cls, replace=True)


class Dummy(Architecture):
    name = "dummy_arch"
    tasks = frozenset({"classification", "regression"})
    search_space = {"units": [4, 8]}

    def build(self, x, *, units=4, dropout=0.0):
        return self.keras.layers.GlobalAveragePooling1D()(x)


class ClashWithLSTM(Architecture):
    name = "lstm"
    tasks = frozenset({"regression"})

    def build(self, x, *, units=4):
        return self.keras.layers.LSTM(units)(x)


# -- lookup ------------------------------------------------------------------------------
def test_get_architecture_by_name():
    arch = get_architecture("lstm")
    assert type(arch) is LSTM
    assert arch.name == "lstm"
    assert arch.get_params() == {"units": 32, "layers": 1, "dropout": 0.0,
                                 "recurrent_dropout": 0.0}
    assert repr(arch) == "LSTM()"


def test_get_architecture_with_params():
    arch = get_architecture("tcn", filters=16, n_blocks=2)
    assert type(arch) is TCN
    assert arch.get_params()["filters"] == 16
    assert arch.get_params()["n_blocks"] == 2
    assert arch.get_params()["kernel_size"] == 3  # the default fills the rest
    assert repr(arch) == "TCN(filters=16, n_blocks=2)"


def test_get_architecture_from_instance_or_class_copies():
    original = get_architecture("lstm", units=16)
    copy = get_architecture(original, dropout=0.2)
    assert copy is not original
    assert copy.get_params()["units"] == 16 and copy.get_params()["dropout"] == 0.2
    assert original.get_params()["dropout"] == 0.0
    assert get_architecture(LSTM, units=8).get_params()["units"] == 8


@pytest.mark.parametrize(("typo", "meant"), [("lstn", "lstm"), ("transfomer", "transformer"),
                                              ("bi_lstm", "bilstm")])
def test_unknown_name_suggests_close_match(typo, meant):
    with pytest.raises(ArchitectureError, match=rf"(?i)did you mean '{meant}'") as info:
        get_architecture(typo)
    message = str(info.value)
    assert f"Unknown architecture '{typo}'" in message
    assert "Registered: " in message and "gru" in message  # the catalogue is listed


def test_unknown_name_without_close_match_lists_the_registry():
    with pytest.raises(ArchitectureError, match="Registered: .*lstm") as info:
        get_architecture("zzzzzz")
    assert "did you mean" not in str(info.value).lower()


def test_architecture_error_is_a_value_error():
    assert issubclass(ArchitectureError, ValueError)


def test_lookup_of_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="registry name or an Architecture"):
        get_architecture(3)


def test_unknown_hyperparameter_suggests_close_match():
    with pytest.raises(TypeError, match=r"Unknown hyperparameter 'unit' \(did you mean 'units'\?\)"):
        get_architecture("lstm", unit=64)
    arch = get_architecture("lstm")
    with pytest.raises(ValueError, match=r"'dropuot' \(did you mean 'dropout'\?\)") as info:
        arch.set_params(dropuot=0.5)
    assert "Its hyperparameters are: dropout, layers, recurrent_dropout, units" in str(info.value)
    assert arch.get_params()["dropout"] == 0.0  # nothing was set


# -- registration --------------------------------------------------------------------------
def test_register_and_unregister():
    assert register_architecture(Dummy) is Dummy
    assert "dummy_arch" in list_architectures()
    assert type(get_architecture("dummy_arch", units=8)) is Dummy
    register_architecture(Dummy)  # registering the same class again is harmless
    unregister_architecture("dummy_arch")
    assert "dummy_arch" not in list_architectures()
    unregister_architecture("dummy_arch")  # and so is unregistering twice


def test_register_as_decorator():
    @register_architecture(replace=False)
    class Decorated(Dummy):
        name = "decorated_arch"

    assert type(get_architecture("decorated_arch")) is Decorated


def test_name_clash_raises_unless_replace():
    with pytest.raises(ArchitectureError, match=r"'lstm' is already registered.*replace=True"):
        register_architecture(ClashWithLSTM)
    assert type(get_architecture("lstm")) is LSTM

    register_architecture(ClashWithLSTM, replace=True)
    assert type(get_architecture("lstm")) is ClashWithLSTM
    # the fixture puts the built-in back; check that it can
    register_architecture(LSTM, replace=True)
    assert type(get_architecture("lstm")) is LSTM


@pytest.mark.parametrize(("attrs", "message"), [
    ({"name": "bad-name"}, "short identifier"),
    ({"tasks": frozenset({"clustering"})}, "non-empty subset"),
    ({"tasks": frozenset()}, "non-empty subset"),
    ({"inputs": frozenset({"images"})}, "inputs must be"),
    ({"search_space": {"unit": [4]}}, "search_space names 'unit'"),
    ({"search_space": {"units": []}}, "non-empty list"),
])
def test_register_refuses_contract_violations(attrs, message):
    broken = type("Broken", (Dummy,), {"name": "broken_arch", **attrs})
    with pytest.raises(ArchitectureError, match=message):
        register_architecture(broken)
    assert "broken_arch" not in list_architectures()


def test_register_refuses_non_architectures():
    with pytest.raises(ArchitectureError, match="subclass of autoseq.Architecture"):
        register_architecture(object)

    class NoBuild(Architecture):
        name = "no_build"
        tasks = frozenset({"regression"})

    with pytest.raises(ArchitectureError, match="must implement build"):
        register_architecture(NoBuild)


# -- filters ---------------------------------------------------------------------------------
def test_list_architectures_contains_the_builtins_sorted():
    names = list_architectures()
    assert BUILTINS <= set(names)
    assert names == sorted(names)


def test_list_architectures_filters_by_task():
    labelling = set(list_architectures(task="labelling"))
    assert {"cnn_lstm", "rocket"}.isdisjoint(labelling)
    assert {"lstm", "bilstm", "gru", "simple_rnn", "stacked_lstm", "lstm_attention", "tcn",
            "transformer"} <= labelling
    assert "rocket" in list_architectures(task="classification")
    assert "rocket" not in list_architectures(task="generation")
    assert BUILTINS <= set(list_architectures(task="regression"))


def test_list_architectures_filters_by_capability():
    assert {"cnn_lstm", "rocket"} <= set(list_architectures(sequence_output=False))
    assert "lstm" not in list_architectures(sequence_output=False)
    assert "lstm" in list_architectures(sequence_output=True)
    assert BUILTINS <= set(list_architectures(input_kind="tokens"))
    assert BUILTINS <= set(list_architectures(input_kind="numeric"))
    assert {"cnn_lstm", "rocket"}.isdisjoint(list_architectures(task="labelling",
                                                                 sequence_output=False))


def test_list_architectures_unknown_task():
    with pytest.raises(ValueError, match="Unknown task 'clustering'"):
        list_architectures(task="clustering")


def test_new_registration_shows_in_filters():
    register_architecture(Dummy)
    assert "dummy_arch" in list_architectures(task="classification")
    assert "dummy_arch" not in list_architectures(task="forecasting")
    assert "dummy_arch" in list_architectures(sequence_output=False)


# -- the scikit-learn parameter protocol ---------------------------------------------------------
def test_clone_get_params_set_params():
    arch = get_architecture("cnn_lstm", filters=16)
    assert arch.set_params(units=64) is arch
    assert arch.get_params()["units"] == 64 and arch.get_params()["filters"] == 16
    twin = clone(arch)
    assert twin is not arch and type(twin) is CNNLSTM
    assert twin.get_params() == arch.get_params()
    assert twin == arch and hash(twin) == hash(arch)
    twin.set_params(units=8)
    assert arch.get_params()["units"] == 64  # the clone is independent
    assert twin != arch
    assert get_architecture("cnn_lstm") != get_architecture("lstm")


def test_hyperparameters_are_the_build_keywords():
    assert set(LSTM().get_params()) == {"units", "layers", "dropout", "recurrent_dropout"}
    assert "return_sequences" not in TCN().get_params()
    assert set(Dummy().get_params()) == {"units", "dropout"}


def test_architecture_params_nest_in_an_estimator():
    from autoseq.estimators.keras import SeqRegressor

    est = SeqRegressor(architecture=get_architecture("gru", units=16))
    params = est.get_params(deep=True)
    assert params["architecture__units"] == 16
    est.set_params(architecture__units=8, architecture__dropout=0.1)
    assert est.architecture.get_params()["units"] == 8
    twin = clone(est)
    assert twin.architecture is not est.architecture
    assert twin.architecture == est.architecture


# -- plugins through entry points -----------------------------------------------------------------
class PluginA(Dummy):
    name = "fake_plugin_a"


class PluginB(Dummy):
    name = "fake_plugin_b"


def _entry_points(monkeypatch, *entries):
    """Make ``registry.reload_plugins`` see ``entries`` as the installed entry points."""
    module = types.ModuleType("autoseq_fake_plugin")
    module.PluginA, module.PluginB = PluginA, PluginB
    module.BOTH = [PluginA, PluginB]
    module.not_an_architecture = len
    monkeypatch.setitem(sys.modules, "autoseq_fake_plugin", module)
    eps = [metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)
           for name, value in entries]
    calls = []

    def fake_entry_points(*, group=None, **kwargs):
        calls.append(group)
        return [ep for ep in eps if ep.group == group]

    monkeypatch.setattr(metadata, "entry_points", fake_entry_points)
    return calls


def test_plugins_register_through_entry_points(monkeypatch):
    calls = _entry_points(monkeypatch, ("a", "autoseq_fake_plugin:PluginA"),
                          ("both", "autoseq_fake_plugin:BOTH"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.reload_plugins()
    assert calls == [ENTRY_POINT_GROUP]
    assert {"fake_plugin_a", "fake_plugin_b"} <= set(list_architectures())
    assert type(get_architecture("fake_plugin_b")) is PluginB
    registry.reload_plugins()  # reading them again does not clash with itself


def test_broken_plugin_warns_and_lookup_still_works(monkeypatch):
    _entry_points(monkeypatch,
                  ("broken_import", "autoseq_no_such_module_xyz:Thing"),
                  ("not_a_class", "autoseq_fake_plugin:not_an_architecture"),
                  ("a", "autoseq_fake_plugin:PluginA"))
    with pytest.warns(RuntimeWarning) as record:
        registry.reload_plugins()
    messages = [str(w.message) for w in record]
    assert any("'broken_import'" in m and "ModuleNotFoundError" in m
               and "autoseq_no_such_module_xyz" in m and "it is skipped" in m
               for m in messages), messages
    assert any("'not_a_class'" in m for m in messages), messages
    # the good plugin and the built-ins are still there
    assert type(get_architecture("lstm")) is LSTM
    assert type(get_architecture("fake_plugin_a")) is PluginA
    assert BUILTINS <= set(list_architectures())


def test_plugin_clashing_with_a_builtin_is_skipped_with_a_warning(monkeypatch):
    module = types.ModuleType("autoseq_fake_clash")
    module.Clash = ClashWithLSTM
    monkeypatch.setitem(sys.modules, "autoseq_fake_clash", module)
    ep = metadata.EntryPoint(name="clash", value="autoseq_fake_clash:Clash",
                             group=ENTRY_POINT_GROUP)
    monkeypatch.setattr(metadata, "entry_points", lambda *, group=None, **kw: [ep])
    with pytest.warns(RuntimeWarning, match=r"'clash'.*already registered"):
        registry.reload_plugins()
    assert type(get_architecture("lstm")) is LSTM


def test_disable_plugin_autoload(monkeypatch):
    calls = _entry_points(monkeypatch, ("a", "autoseq_fake_plugin:PluginA"))
    monkeypatch.setenv("AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD", "1")
    registry.reload_plugins()
    assert calls == []
    assert "fake_plugin_a" not in list_architectures()
    assert BUILTINS <= set(list_architectures())  # built-ins do not depend on plugins

    monkeypatch.delenv("AUTOSEQ_DISABLE_PLUGIN_AUTOLOAD")
    registry.reload_plugins()
    assert "fake_plugin_a" in list_architectures()
