"""The project's layout rules, checked on the source: the apps depend on `practice`, never
the reverse; the site's code imports nothing from `benchmarks`; no import circles inside
an app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("articles", "contact", "hours")
PRODUCT = ("practice", *APPS)


def modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def top_level(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules("practice").values(), ids=str)
def test_practice_imports_none_of_the_apps(path):
    wrong = sorted(name for name in imports(path) if top_level(name) in APPS)
    assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}: practice must not"


@pytest.mark.parametrize("package", PRODUCT)
def test_the_site_imports_nothing_from_the_benchmarks(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(
            n for n in imports(path) if top_level(n) in {"benchmarks", "tests"}
        )
        for path in modules(package).values()
    }
    assert {path: names for path, names in wrong.items() if names} == {}


@pytest.mark.parametrize("package", APPS)
def test_no_import_circle_inside_an_app(package):
    known = modules(package)
    graph = {
        name: {other for other in imports(path) if other in known and other != name}
        for name, path in known.items()
    }
    circle = find_circle(graph)
    assert circle is None, " -> ".join(circle)


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path that comes back to where it started, or None."""
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                return [*trail[trail.index(following) :], following]
            if following not in state and (found := visit(following, [*trail, following])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_find_circle_finds_one_and_only_one():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
