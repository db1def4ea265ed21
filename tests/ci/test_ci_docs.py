"""docs/ci.md: its pipeline examples are valid YAML and their commands valid command lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from cyberreview_policy.cli import build_parser

DOC = Path(__file__).parents[2] / "docs" / "ci.md"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def commands(node: Any) -> list[str]:
    """Every ``cyberreview ...`` line in the ``run:`` and ``script:`` of a pipeline."""
    found: list[str] = []
    if isinstance(node, dict):
        for value in node.values():
            found += commands(value)
    elif isinstance(node, list):
        for value in node:
            found += commands(value)
    elif isinstance(node, str) and node.lstrip().startswith("cyberreview "):
        found.append(" ".join(node.split()))
    return found


def test_the_examples_are_there() -> None:
    assert len(yaml_blocks()) == 3
    assert sum(len(commands(yaml.safe_load(block))) for block in yaml_blocks()) == 3


@pytest.mark.parametrize("block", yaml_blocks())
def test_pipeline_commands_parse(block: str) -> None:
    data = yaml.safe_load(block)
    assert isinstance(data, (dict, list))
    parser = build_parser()
    for line in commands(data):
        args = parser.parse_args(shlex.split(line)[1:])
        assert args.ci, line  # each example asks for CI outputs
