"""``cyberreview.yaml``: sources, the operator facts sources do not hold, mappings.

Found at ``--config FILE``, else ``$CYBERREVIEW_CONFIG``, else
``$CYBERREVIEW_HOME/cyberreview.yaml``.  Every error names the file, the
line and the key.  Secrets never live in the file: a setting that is a
secret takes ``{env: NAME}`` or ``{file: PATH}``, resolved when the file is
read, registered for log redaction, and never printed.
"""

from __future__ import annotations

import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .env import CONFIG_ENV, CONFIG_FILE
from .errors import ConfigError, Location, PolicyError, dotted
from .i18n.catalog import _

FILE_NAME = CONFIG_FILE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OperatorFacts(_Strict):
    """What ERPs and CMDBs do not know about the operator."""

    name: str | None = None
    ciio: bool | None = Field(None, description="Identified as CIIO by its protection department.")
    sector: str | None = None
    platform_users: int | None = None


class Mapping(_Strict):
    """Fill a record field from a value in the source's own vocabulary."""

    from_: str = Field(alias="from", description="Dotted path in what the source yields.")
    values: dict[str, Any] | None = Field(
        None, description="source value: record value (without it, the value is copied)"
    )
    default: Any = Field(None, description="For a value the table does not list.")
    missing: Any = Field(None, description="For a record that has no value at `from`.")
    unlisted: Literal["error", "keep"] = Field(
        "error",
        description="A value `values` does not list, without a default: report the record "
        "(error) or pass the value on as it is (keep).",
    )
    if_unknown: bool = Field(
        False, description="Only where the record leaves the field unknown (a fallback)."
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SourceConfig(_Strict):
    type: str = Field(description="The source type a plugin provides (cyberreview sources list).")
    settings: dict[str, Any] = Field(default_factory=dict, description="The plugin's settings.")
    operator: OperatorFacts | None = None
    defaults: dict[str, Any] = Field(
        default_factory=dict, description="dotted.path: value, for fields the source leaves unknown"
    )
    mappings: dict[str, Mapping] = Field(default_factory=dict)


class ChangeConfig(_Strict):
    """A change-management system the gate reports back to (``cyberreview changes``)."""

    type: str = Field(description="The change system type a plugin provides (cyberreview plugins).")
    settings: dict[str, Any] = Field(default_factory=dict, description="The plugin's settings.")
    source: str = Field(
        description="The configured source that fetches a change's affected CIs by their id "
        "(for ServiceNow: the servicenow CMDB source, CIs by sys_id)."
    )
    mode: Literal["approval", "work_note"] = Field(
        "approval",
        description="Report back by approving or rejecting the approval requested from "
        "`approver` (with comments), or by a work note on the change.",
    )
    approver: str | None = Field(
        None,
        description="The user whose approvals this tool gives (default: the user the "
        "settings log in as).",
    )


class TrackerConfig(_Strict):
    type: str = Field(description="The tracker type a plugin provides (cyberreview plugins).")
    settings: dict[str, Any] = Field(default_factory=dict, description="The plugin's settings.")
    instance: str | None = Field(
        None,
        description="Names this installation in the fingerprints of its issues, so two "
        "installations' CR-000001 never meet (default: the case store URL).",
    )


class PluginsConfig(_Strict):
    """Which installed plugins not to load."""

    disabled: list[str] = Field(
        default_factory=list,
        description="Plugins (entry-point or module names, as `cyberreview plugins` lists "
        "them) not to load. A plugin that fails to load stops every command that decides "
        "until it is fixed or named here.",
    )


class ConfigFile(_Strict):
    model_config = ConfigDict(extra="forbid", title="cyberreview.yaml")
    store: str | None = Field(
        None, description="Case store URL (sqlite:///... or postgresql://...)."
    )
    calendar: str | None = Field(None, description="Working-day calendar file.")
    lang: Literal["en", "zh-CN", "zh-CN+en"] | None = Field(
        None,
        description="Language of findings, reports and messages: en, zh-CN, or zh-CN+en "
        "(Chinese with English side by side). --lang and $CYBERREVIEW_LANG come first; "
        "without any, the locale (LC_ALL, LC_MESSAGES, LANG). Added in 0.7.",
    )
    operator: OperatorFacts | None = Field(None, description="Defaults for every source.")
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    changes: dict[str, ChangeConfig] = Field(
        default_factory=dict, description="Change-management systems (docs/changes.md)."
    )
    trackers: dict[str, TrackerConfig] = Field(
        default_factory=dict, description="Where cases are mirrored (cyberreview cases sync)."
    )
    plugins: PluginsConfig = Field(
        default_factory=PluginsConfig, description="Installed plugins not to load."
    )


@dataclass
class Source:
    """One configured source, its plugin settings validated and secrets resolved."""

    name: str
    config: SourceConfig
    settings: BaseModel | None
    secrets: list[str] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Config:
    path: Path | None
    file: ConfigFile
    lines: Any = None  # the file's LineMap

    def where(self, *loc: str | int) -> Location | None:
        return self.lines.location(loc) if self.lines is not None else None


def config_path(explicit: Path | None, home: Path) -> Path | None:
    """The configuration file to use, or ``None`` when there is none (the default)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(_("no such configuration file"), Location(explicit))
        return explicit
    configured = os.environ.get(CONFIG_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ConfigError(
                _("no such configuration file (from ${CONFIG_ENV})").format(CONFIG_ENV=CONFIG_ENV),
                Location(path),
            )
        return path
    default = home / FILE_NAME
    return default if default.is_file() else None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config(None, ConfigFile())
    from .policy.yamlsrc import load, validate

    try:
        data, lines = load(path)
        parsed = validate(ConfigFile, {} if data is None else data, lines)
    except PolicyError as exc:
        raise ConfigError(exc.message, exc.location, exc.field) from None
    return Config(path, parsed, lines)


def _secret_fields(model: type[BaseModel]) -> set[str]:
    out = set()
    for name, info in model.model_fields.items():
        args = typing.get_args(info.annotation) or (info.annotation,)
        if SecretStr in args:
            out.add(name)
    return out


def _resolve(value: Any, where: Location | None, key: str) -> str:
    """``{env: NAME}`` or ``{file: PATH}`` -> the secret."""
    if isinstance(value, dict) and set(value) == {"env"}:
        name = str(value["env"])
        if name not in os.environ:
            raise ConfigError(
                _("environment variable {name} is not set").format(name=name), where, key
            )
        return os.environ[name]
    if isinstance(value, dict) and set(value) == {"file"}:
        path = Path(str(value["file"])).expanduser()
        try:
            return path.read_text(encoding="utf-8").rstrip("\n")
        except OSError as exc:
            raise ConfigError(
                _("cannot read secret file {path}: {strerror}").format(
                    path=path, strerror=exc.strerror
                ),
                where,
                key,
            ) from None
    raise ConfigError(
        _("a secret comes from {env: NAME} or {file: PATH}, never from the file itself"), where, key
    )


def inline_source(
    name: str,
    source_type: str,
    model: type[BaseModel] | None,
    settings: dict[str, Any],
    **options: Any,
) -> Source:
    """A source configured in code, not in a file (tests, scaffolds): secrets given plainly.

    ``options``: ``operator``, ``defaults``, ``mappings``, as in the file.
    """
    config = SourceConfig.model_validate({"type": source_type, "settings": settings, **options})
    if model is None:
        return Source(name, config, None)
    validated = model.model_validate(settings)
    secrets = [
        value.get_secret_value()
        for key in _secret_fields(model)
        if isinstance(value := getattr(validated, key), SecretStr)
    ]
    return Source(name, config, validated, secrets)


def source_settings(config: Config, name: str, model: type[BaseModel] | None) -> Source:
    """Validate source ``name``'s settings against its plugin's model; resolve secrets."""
    source = config.file.sources[name]
    if model is None:
        return Source(name, source, None, location=config.where("sources", name))
    validated, secrets = plugin_settings(config, ("sources", name), source.settings, model)
    return Source(name, source, validated, secrets, config.where("sources", name))


def plugin_settings(
    config: Config, where: tuple[str, str], given: dict[str, Any], model: type[BaseModel]
) -> tuple[BaseModel, list[str]]:
    """``given`` (the ``settings`` of entry ``where``, e.g. ``("trackers", "jira")``)
    validated against a plugin's model, secrets resolved; and the secrets."""
    from pydantic import ValidationError

    from .errors import problems
    from .policy.yamlsrc import data_loc

    base = (*where, "settings")
    secret_names = _secret_fields(model)
    settings: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in given.items():
        at = config.where(*base, key)
        field_name = dotted((*base, key))
        if key in secret_names:
            settings[key] = _resolve(value, at, field_name)
            secrets.append(settings[key])
        elif isinstance(value, dict) and set(value) <= {"env", "file"} and len(value) == 1:
            settings[key] = _resolve(value, at, field_name)
        else:
            settings[key] = value
    try:
        validated = model.model_validate(settings)
    except ValidationError as exc:
        first = problems(exc)[0]
        loc = (*base, *data_loc(given, first.loc))
        raise ConfigError(first.message, config.where(*loc), dotted(loc)) from None
    return validated, secrets
