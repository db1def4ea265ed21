"""``cyberreview_register_change_systems``: change systems registered like every other
kind, named, and clashes reported by plugin."""

from __future__ import annotations

from collections.abc import Callable

from cyberreview_policy.changes import ChangeSystemType
from cyberreview_policy.connectors import ConnectorSettings
from cyberreview_policy.plugin import hookimpl, make_host


class One:
    @hookimpl
    def cyberreview_register_change_systems(
        self, register: Callable[[ChangeSystemType], None]
    ) -> None:
        register(ChangeSystemType("itsm", config=ConnectorSettings, connect="x:y"))


def test_change_systems_register_through_the_hook() -> None:
    host = make_host(entry_points=False, extra=[("one", One())])
    systems = host.registry.objects("change_systems")
    assert list(systems) == ["itsm"]
    assert systems["itsm"].settings_model() is ConnectorSettings
    assert host.plugins["one"].registered == {"change_systems": ["itsm"]}


def test_a_change_system_registered_twice_is_the_second_plugins_error() -> None:
    host = make_host(entry_points=False, extra=[("one", One()), ("two", One())])
    assert list(host.registry.objects("change_systems")) == ["itsm"]
    assert host.plugins["two"].error == (
        "cyberreview_register_change_systems: PluginError: plugin 'two': "
        "change system 'itsm' is already registered by plugin 'one'"
    )
    assert host.plugins["one"].error is None
