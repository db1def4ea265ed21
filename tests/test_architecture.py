"""The layout keeps its shape (docs/architecture.md): imports run one way between
folders, the package root stays small, the CLI loads only the subcommand it runs,
and first-party plugins use public paths only.

``pytest tests/test_architecture.py -s`` prints the import graph between folders.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cyberreview_policy"
#: what first-party plugins and the tutorial may import of the core
PUBLIC = {
    "cyberreview_policy",
    "cyberreview_policy.cases",
    "cyberreview_policy.changes",
    "cyberreview_policy.connectors",
    "cyberreview_policy.connectors.dotted",
    "cyberreview_policy.errors",
    "cyberreview_policy.plugin",
    "cyberreview_policy.plugin.types",
    "cyberreview_policy.testing",
    "cyberreview_policy.testing.cli",
    "cyberreview_policy.trackers",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _runtime_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Every import of a module, at any depth, except those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        test = getattr(node, "test", None)
        if isinstance(node, ast.If) and (
            (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
        ):
            skip.update(id(inner) for child in node.body for inner in ast.walk(child))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skip
    ]


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".")
    if node.level:
        keep = len(base) - node.level + (1 if path.name == "__init__.py" else 0)
        prefix = ".".join(base[:keep] + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [prefix, *(f"{prefix}.{alias.name}" for alias in node.names)]


def _folder(module: str) -> str:
    """The folder of a module (a root module is a folder of its own)."""
    return module.split(".")[1]


def folder_graph() -> dict[str, dict[str, str]]:
    """``{folder: {folder it imports: one import that does it}}``."""
    modules = _modules()
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for module, path in modules.items():
        if module == "cyberreview_policy":
            continue  # the root's public names are imported lazily (by name, on use)
        for node in _runtime_imports(path):
            for named in _targets(module, path, node):
                target = named
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if not target or target == "cyberreview_policy":
                    continue  # __version__
                here, there = _folder(module), _folder(target)
                if here != there:
                    graph[here].setdefault(there, f"{module} imports {target}")
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one folder (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_run_one_way_between_folders() -> None:
    graph = folder_graph()
    for folder in sorted(graph):
        print(f"{folder:12} -> {', '.join(sorted(graph[folder]))}")
    found = cycles(graph)
    print(f"import cycles between folders: {len(found)}")
    explained = [
        "; ".join(graph[a][b] for a in group for b in group if b in graph[a]) for group in found
    ]
    assert not found, f"imports run back up between folders: {explained}"


def test_the_cycle_check_sees_a_cycle() -> None:
    graph = {"a": {"b": "a.x imports b.y"}, "b": {"c": "..."}, "c": {"a": "..."}, "d": {}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_package_root_holds_at_most_ten_modules() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= 10, root


@pytest.mark.slow
def test_a_subcommand_loads_only_its_own_module(tmp_path: Path) -> None:
    from cyberreview_policy.cli.commands import COMMANDS

    record = ROOT / "examples" / "po-117.json"
    code = (
        "import sys\n"
        "from cyberreview_policy.cli import main\n"
        f"main(['gate', '--record', {str(record)!r}, '--no-cases', '--as-of', '2021-06-01'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('cyberreview_policy.cli.')))\n"
    )
    env = {"CYBERREVIEW_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    loaded = {m.rsplit(".", 1)[1] for m in eval(done.stdout.strip().splitlines()[-1])}
    assert "gate" in loaded, done.stderr
    assert not loaded & (set(COMMANDS) - {"gate"}), loaded


def _plugin_sources() -> list[Path]:
    return sorted(ROOT.glob("plugins/*/src/**/*.py")) + sorted(
        ROOT.glob("examples/connector-tutorial/src/**/*.py")
    )


def test_first_party_plugins_import_public_paths_only() -> None:
    sources = _plugin_sources()
    assert len(sources) >= 20
    private = []
    for path in sources:
        for node in _runtime_imports(path):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                name = node.module
            elif isinstance(node, ast.Import):
                name = node.names[0].name
            else:
                continue
            if name.startswith("cyberreview_policy") and name not in PUBLIC:
                private.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not private, private
