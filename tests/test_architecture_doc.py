"""docs/architecture.md agrees with the code: its map names exactly the modules that exist, every
Python path it names exists, and the dependencies it states between the groups hold.

The map is the page's "## Layout" section. It must name, by the path from the repository's root
(`bot/core/assistant.py`), every `.py` file under bot/ and rasa_project/components/. The one
exception: a package's `__init__.py` or `__main__.py` is named only if it holds more than a
docstring (bot/__main__.py holds the command line; the `__init__.py` files hold only docstrings).
A new, renamed or deleted module fails the test, which says which.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.paths import ROOT

DOC = ROOT / "docs" / "architecture.md"
MODULE_DIRS = ("bot", "rasa_project/components")
# A module as the page names it, e.g. bot/core/assistant.py, rasa_project/components/soft_voting.py.
MODULE_PATH = re.compile(r"(?<![\w/.-])(?:bot|rasa_project/components)/[\w/]*\.py\b")
# Any path to a Python file, with at least one directory (a bare `__init__.py` is no path).
PYTHON_PATH = re.compile(r"(?<![\w/.-])(?:[\w.-]+/)+[\w.-]+\.py\b")
# Files that are modules only when they hold code.
PACKAGE_FILES = ("__init__.py", "__main__.py")
# What core may import from the bot package: itself, the paths, and the one plain-Python module
# of the Telegram package (Telegram's text limits).
CORE_MAY_IMPORT = ("bot.core", "bot.paths", "bot.telegram.limits")


def page() -> str:
    return DOC.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found is not None, f"docs/architecture.md has no '## {heading}' section"
    return found.group(1)


def holds_more_than_a_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        body = body[1:]  # a string on its own first: the docstring
    return bool(body)


def module_files() -> list[Path]:
    return [
        path
        for directory in MODULE_DIRS
        for path in sorted((ROOT / directory).rglob("*.py"))
        if path.name not in PACKAGE_FILES or holds_more_than_a_docstring(path)
    ]


def repository_path(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_map_names_exactly_the_modules_that_exist() -> None:
    named = set(MODULE_PATH.findall(section(page(), "Layout")))
    existing = {repository_path(path) for path in module_files()}
    not_named = sorted(existing - named)
    gone = sorted(named - existing)
    problems = []
    if not_named:
        problems.append(f"modules missing from the map: {', '.join(not_named)}")
    if gone:
        problems.append(f"named in the map, but no such module: {', '.join(gone)}")
    assert not problems, "docs/architecture.md, ## Layout: " + "; ".join(problems)


def test_every_python_path_on_the_page_exists() -> None:
    named = set(PYTHON_PATH.findall(page()))
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"


def imports_of(path: Path) -> set[str]:
    """Every module (or module.name) the file imports, also inside functions."""
    package = repository_path(path).removesuffix(".py").split("/")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*parts, *([node.module] if node.module else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def test_the_stated_dependencies_hold() -> None:
    problems = []
    for path in module_files():
        name = repository_path(path)
        imports = imports_of(path)
        if name.startswith("bot/core/"):
            wrong = {
                module
                for module in imports
                if within(module, ("telegram",))
                or (within(module, ("bot",)) and not within(module, CORE_MAY_IMPORT))
            }
        elif name.startswith("bot/lifecycle/"):
            wrong = {module for module in imports if within(module, ("telegram", "bot.telegram"))}
        else:
            continue
        problems += [f"{name} imports {module}" for module in sorted(wrong)]
    assert not problems, "against docs/architecture.md's dependencies: " + "; ".join(problems)


def test_importing_telegram_limits_loads_nothing_else() -> None:
    """Core imports bot/telegram/limits.py, so the package's __init__.py must stay empty of code."""
    assert not holds_more_than_a_docstring(ROOT / "bot" / "telegram" / "__init__.py")
    assert imports_of(ROOT / "bot" / "telegram" / "limits.py") <= {"__future__.annotations"}
