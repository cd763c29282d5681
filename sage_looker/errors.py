"""The one root of every configuration error: catch `ConfigurationError` to report a bad or missing setting.

Each package keeps its own error family (`SageConfigError` is a `SageError`, `LookerConfigError` a
`LookerError`, `WarehouseConfigError` a `WarehouseError`, `CredentialsError` for the credential store,
`ConfigError` for the platform settings), and every one of those that means "the configuration is wrong"
also derives from this class, so the code-location load and the CLI catch one base instead of a list of
classes or a `ValueError` catch-all. A message names the variable and the fix, never a secret.
The lowest layer (`.importlinter`): no imports, every package may use it.
"""

from __future__ import annotations

import re

# The bullet or indent of a problem line: "  VAR: reason" or "- VAR: reason".
_ITEM = re.compile(r"^\s*(?:-\s+)?")


class ConfigurationError(ValueError):
    """A setting is invalid or missing. The message is a heading line ending in ':' followed by one line per
    bad setting (indented or '- ' bulleted), or a single line; each names the variable and how to fix it."""

    @property
    def problems(self) -> list[str]:
        """One entry per bad setting, in the order reported, without the headings or duplicates."""
        lines = [line for line in str(self).splitlines() if line.strip()]
        items = [_ITEM.sub("", line).strip() for line in lines if not line.rstrip().endswith(":")]
        return list(dict.fromkeys(items)) or [" ".join(line.strip() for line in lines)]


def report(exc: ConfigurationError) -> str:
    """What the CLI prints: one line for one problem, else a heading and one line per problem."""
    problems = exc.problems
    if len(problems) == 1:
        return f"invalid configuration: {problems[0]}"
    return "invalid configuration (fix each):\n" + "\n".join(f"- {p}" for p in problems)


__all__ = ["ConfigurationError", "report"]
