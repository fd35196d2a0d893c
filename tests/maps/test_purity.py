"""The builder, the formats and the map comparison are pure: plain data in and out, no Django.

import-linter's "pure" contract checks the whole import graph (.importlinter); this checks the
source of every module in the two packages against the short list of what they may import.
"""

import ast
from pathlib import Path

from maps import builder


def test_builder_imports_no_django():
    maps_dir = Path(builder.__file__).parent.parent
    sources = sorted(
        [
            *(maps_dir / "builder").glob("*.py"),
            *(maps_dir / "formats").glob("*.py"),
            maps_dir / "compare.py",
        ]
    )
    assert sources
    for path in sources:
        source = path.read_text(encoding="utf-8")
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add((node.module or "").split(".")[0])
        assert "django" not in imported
        assert imported <= {
            "__future__",
            "array",
            "bisect",
            "collections",
            "contextlib",
            "core",
            "dataclasses",
            "datetime",
            "functools",
            "gc",
            "hashlib",
            "itertools",
            "json",
            "logging",
            "numpy",
            "operator",
            "pathlib",
            "wordllama",
            "maps",
            "math",
            # The lexical pair search compiled (maps/builder/forest_kernel.py).
            "numba",
            "orjson",
            "re",
            # Strongly connected components for DF-QuAD (maps/builder/strength.py).
            "scipy",
            "textwrap",
            "tokenizers",
            "threading",
            "types",
            "typing",
            "unicodedata",
            "weakref",
            "xml",
        }
