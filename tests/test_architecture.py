"""The layering of DESIGN.md section 2: only papdesigner.ui may import PySide6.

Every module outside ``papdesigner/ui`` is imported in a fresh interpreter in
which PySide6 cannot be imported at all; any import of it there fails the test.
A second check reads the source, so a lazy import inside a function is caught too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "papdesigner"

_BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked outside papdesigner.ui")
        return None
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print("imported", len(sys.argv) - 1)
"""


def _non_ui_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts
        if "ui" in parts[1:2] or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_non_ui_modules_import_without_pyside6() -> None:
    modules = _non_ui_modules()
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKER, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"imported {len(modules)}" in result.stdout


def test_no_source_outside_ui_mentions_pyside6_imports() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "ui":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "PySide6" or n.startswith("PySide6.") for n in names):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == []


def test_lower_layers_do_not_import_upper_layers() -> None:
    """model imports nothing above it; rules only model; export/store/interop never ui."""
    forbidden = {
        "model": ("papdesigner.rules", "papdesigner.export", "papdesigner.store", "papdesigner.ui"),
        "rules": ("papdesigner.export", "papdesigner.store", "papdesigner.ui", "papdesigner.cli"),
        "export": ("papdesigner.ui", "papdesigner.cli", "papdesigner.store"),
        "store": ("papdesigner.ui", "papdesigner.cli", "papdesigner.export"),
        # interop (USDM, registration) reads the model and the diff's amendment records only
        "interop": (
            "papdesigner.ui",
            "papdesigner.cli",
            "papdesigner.store",
            "papdesigner.export",
            "papdesigner.rules",
        ),
    }
    offenders = []
    for layer, banned in forbidden.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ImportFrom)
                    and node.module
                    and node.module.startswith(banned)
                ):
                    offenders.append(
                        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.module}"
                    )
                if isinstance(node, ast.Import):
                    offenders += [
                        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {a.name}"
                        for a in node.names
                        if a.name.startswith(banned)
                    ]
    assert offenders == []


LAYERS = ("paths", "model", "rules", "store", "export", "diff", "interop", "ui", "cli")
"""Every package of papdesigner, lowest first: a module imports only its own layer or lower.

``cli`` is the entry point: it drives every layer, including ``ui`` for ``papdesigner gui``.
"""


def _layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _imported_layers(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found += [
            (node.lineno, name.split(".")[1])
            for name in names
            if name.startswith("papdesigner.") and len(name.split(".")) > 1
        ]
    return found


def test_every_package_has_a_declared_layer() -> None:
    packages = {_layer_of(p) for p in PACKAGE.rglob("*.py")} - {"__init__", "__main__"}
    assert packages == set(LAYERS)


def test_no_module_imports_a_higher_layer() -> None:
    rank = {name: index for index, name in enumerate(LAYERS)}
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer_of(path)
        if layer not in rank:
            continue  # papdesigner/__init__.py and __main__.py sit above every layer
        for line, target in _imported_layers(path):
            if rank.get(target, len(LAYERS)) > rank[layer]:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} {layer} -> {target}")
    assert offenders == []
