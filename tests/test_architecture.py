"""The layout rules of docs/architecture.md, checked: no import circles between the newsroom's
modules, a search index that knows no model, and modules small enough to read."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

NEWS = Path(__file__).resolve().parent.parent / "news"
#: A module past this many lines mixes concepts: split it by concept (demo data and migrations
#: aside, which are data, not logic).
MAX_MODULE_LINES = 400
LONG_BY_NATURE = {"news.demo"}


def module_name(path: Path) -> str:
    parts = path.relative_to(NEWS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def news_modules() -> dict[str, Path]:
    return {
        module_name(path): path for path in NEWS.rglob("*.py") if "migrations" not in path.parts
    }


def module_level_imports(name: str, path: Path) -> set[str]:
    """The news.* modules `name` imports when it is first loaded (not imports inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    modules = news_modules()
    return {imported for imported in found if imported in modules and imported != name}


def test_no_module_of_the_newsroom_imports_itself_in_a_circle():
    graph = {name: module_level_imports(name, path) for name, path in news_modules().items()}
    circles = []

    def visit(name, trail):
        if name in trail:
            circles.append(" → ".join([*trail[trail.index(name) :], name]))
            return
        if name in finished:
            return
        for imported in sorted(graph[name]):
            visit(imported, [*trail, name])
        finished.add(name)

    finished: set[str] = set()
    for name in sorted(graph):
        visit(name, [])
    assert circles == []


def test_the_search_index_imports_no_model():
    imports = module_level_imports("news.search.index", NEWS / "search" / "index.py")
    assert imports == set()
    source = (NEWS / "search" / "index.py").read_text(encoding="utf-8")
    assert "django.db.models" not in source and "apps.get_model" not in source
    # In a fresh interpreter, with no app registry set up, it still imports: it needs no model.
    script = (
        "import sys, news.search.index as index; "
        "assert not [m for m in sys.modules if m.startswith('news.models')], 'models loaded'; "
        "print(index.uses_full_text.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=NEWS.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cityinno.settings"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "uses_full_text"


@pytest.mark.parametrize("package", ["news.models", "news.services", "news.admin", "news.views"])
def test_each_package_imports_first_in_a_fresh_interpreter(package):
    """Imported before anything else (after Django's own set-up), each package loads."""
    script = (
        "import django; django.setup(set_prefix=False); "
        f"import importlib; importlib.import_module({package!r}); print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=NEWS.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cityinno.settings", "DEBUG": "true"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_modules_stay_small_enough_to_read():
    long_modules = {
        name: lines
        for name, path in news_modules().items()
        if name not in LONG_BY_NATURE
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long_modules == {}
