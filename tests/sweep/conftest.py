"""The tutorial connector's fixtures (a configured ``buyly`` source and its local server)."""

from tests.cli.test_sources import buyly, config  # noqa: F401
