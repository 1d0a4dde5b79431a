"""Environment variable objects with MLflow's interface: ``get``, ``set``, ``unset``, ``is_set``.

:class:`EnvironmentVariable` reads one variable and converts it to its type;
:class:`BooleanEnvironmentVariable` accepts ``true``/``false``/``1``/``0``; and
:class:`SettingVariable` is the ``MLFLOW_`` face of a :mod:`heron.config` setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from heron.config import Setting


def comma_separated(value: str) -> list[str]:
    """The non-empty, stripped items of a comma-separated list."""
    return [item.strip() for item in value.split(",") if item.strip()]


class EnvironmentVariable:
    """One environment variable with a type and a default.

    Args:
        name: The variable's name (``MLFLOW_...``).
        type_: Converts the variable's text (``str``, ``int``, ``float``, ...).
        default: The value when the variable is not set.
    """

    def __init__(self, name: str, type_: Callable[[str], Any], default: Any) -> None:
        self.name = name
        self.type = type_
        self.default = default

    @property
    def defined(self) -> bool:
        """Whether the variable is set."""
        return self.is_set()

    def get_raw(self) -> str | None:
        """The variable's text, or None."""
        return os.environ.get(self.name)

    def set(self, value: Any) -> None:
        """Set the variable to ``str(value)`` in this process's environment."""
        os.environ[self.name] = str(value)

    def unset(self) -> None:
        """Remove the variable from this process's environment."""
        os.environ.pop(self.name, None)

    def is_set(self) -> bool:
        """Whether the variable is set."""
        return self.name in os.environ

    def get(self) -> Any:
        """The converted value, or the default when the variable is not set.

        Raises:
            ValueError: The text does not convert to the variable's type.
        """
        raw = self.get_raw()
        if raw is None:
            return self.default
        try:
            return self.type(raw)
        except Exception as error:
            raise ValueError(f"Failed to convert {raw!r} for {self.name}: {error}") from error

    def __str__(self) -> str:
        return f"{self.name} (default: {self.default})"

    def __repr__(self) -> str:
        return repr(self.name)

    def __format__(self, format_spec: str) -> str:
        return self.name.__format__(format_spec)


class BooleanEnvironmentVariable(EnvironmentVariable):
    """A variable holding ``true``/``false``/``1``/``0`` (any case).

    Raises:
        ValueError: A default other than True, False or None.
    """

    def __init__(self, name: str, default: bool | None) -> None:
        if not (default is True or default is False or default is None):
            raise ValueError(f"{name} default value must be one of [True, False, None]")
        super().__init__(name, bool, default)

    def get(self) -> Any:
        """True or False from the variable, or the default when it is not set.

        Raises:
            ValueError: Text other than true, false, 1 or 0.
        """
        raw = self.get_raw()
        if raw is None:
            return self.default
        lowered = raw.lower()
        if lowered not in ("true", "false", "1", "0"):
            raise ValueError(
                f"{self.name} value must be one of ['true', 'false', '1', '0'] "
                f"(case-insensitive), but got {raw}"
            )
        return lowered in ("true", "1")


class SettingVariable(EnvironmentVariable):
    """The ``MLFLOW_<NAME>`` variable of a Heron setting, read the way Heron reads it.

    Args:
        setting: The :mod:`heron.config` setting.
        convert: Turns the setting's value into MLflow's type (a list for comma lists).
    """

    def __init__(self, setting: Setting[Any], convert: Callable[[str], Any] | None = None):
        super().__init__(setting.env_names[1], convert or setting.kind, setting.default)
        self.setting = setting
        self._convert = convert
        if convert is not None and isinstance(setting.default, str):
            self.default = convert(setting.default)

    def get_raw(self) -> str | None:
        """The text Heron uses: ``HERON_<NAME>`` when set, else ``MLFLOW_<NAME>``."""
        return self.setting.raw()

    def is_set(self) -> bool:
        """Whether ``HERON_<NAME>`` or ``MLFLOW_<NAME>`` is set."""
        return self.setting.is_set()

    def set(self, value: Any) -> None:
        """Set ``MLFLOW_<NAME>`` and drop ``HERON_<NAME>``, so Heron uses ``value``."""
        os.environ.pop(self.setting.env_names[0], None)
        super().set(value)

    def unset(self) -> None:
        """Remove both variables: Heron's default applies."""
        os.environ.pop(self.setting.env_names[0], None)
        super().unset()

    def get(self) -> Any:
        """The value Heron uses (see :meth:`heron.config.Setting.get`).

        Raises:
            InvalidParameter: The text does not convert to the setting's type.
        """
        value = self.setting.get()
        if self._convert is not None and isinstance(value, str):
            return self._convert(value)
        return value


def text(name: str, default: str | None = None) -> EnvironmentVariable:
    """``MLFLOW_<name>`` holding a string."""
    return EnvironmentVariable(f"MLFLOW_{name}", str, default)


def integer(name: str, default: int | None = None) -> EnvironmentVariable:
    """``MLFLOW_<name>`` holding an integer."""
    return EnvironmentVariable(f"MLFLOW_{name}", int, default)


def number(name: str, default: float | None = None) -> EnvironmentVariable:
    """``MLFLOW_<name>`` holding a float."""
    return EnvironmentVariable(f"MLFLOW_{name}", float, default)


def flag(name: str, default: bool | None) -> BooleanEnvironmentVariable:
    """``MLFLOW_<name>`` holding a boolean."""
    return BooleanEnvironmentVariable(f"MLFLOW_{name}", default)


def name_list(name: str, default: list[str] | None = None) -> EnvironmentVariable:
    """``MLFLOW_<name>`` holding a comma-separated list."""
    return EnvironmentVariable(f"MLFLOW_{name}", comma_separated, default)
