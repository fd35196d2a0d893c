"""What collectstatic ships of the frontend, and the page scripts' module graphs.

The JavaScript unit tests live in frontend/tests/js/, outside every static folder, so the
collected files hold none of them. Each page loads one entry module (the <script
type="module"> of its template) that imports the rest by relative path: every module it
reaches must exist, and the annotate page preloads exactly the modules its entry reaches
(ANNOTATE_MODULES), so it loads them in one round of requests.
"""

import posixpath
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from frontend.views import ANNOTATE_MODULES

FRONTEND = Path(settings.BASE_DIR) / "frontend"
JS = FRONTEND / "static" / "frontend" / "js"
TEMPLATES = FRONTEND / "templates" / "frontend"
PAGES = ("annotate", "review", "map", "dashboard")

# Static imports and re-exports, with a relative specifier: import {a} from "./x.js";,
# import "./x.js";, export {a} from "../x.js";. Statements may span lines.
IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\b[^;"']*?\bfrom|import)\s*["'](\.{1,2}/[^"']+)["']""",
    flags=re.M,
)
ENTRY = re.compile(r"""<script type="module" src="\{% static ["']frontend/js/([^"']+)["'] %\}">""")


def imports_of(module: str) -> list[str]:
    """Return what ``module`` imports, each by its path under frontend/js/."""
    source = (JS / module).read_text(encoding="utf-8")
    folder = posixpath.dirname(module)
    return [posixpath.normpath(posixpath.join(folder, spec)) for spec in IMPORT.findall(source)]


def module_graph(entry: str) -> tuple[set[str], set[str]]:
    """Return the modules ``entry`` reaches (itself left out) and those of them that are missing."""
    reached, missing, todo = set(), set(), [entry]
    while todo:
        for module in imports_of(todo.pop()):
            if module in reached or module == entry:
                continue
            reached.add(module)
            if (JS / module).is_file():
                todo.append(module)
            else:
                missing.add(module)
    return reached, missing


def page_entries() -> dict[str, str]:
    """Return each page's entry module, read from the script tag of its template."""
    entries = {}
    for page in PAGES:
        found = ENTRY.findall((TEMPLATES / f"{page}.html").read_text(encoding="utf-8"))
        assert len(found) == 1, f"{page}.html should load one module script, not {found}"
        entries[page] = found[0]
    return entries


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.staticfiles.storage.StaticFilesStorage",
        # What production serves (settings.STORAGES when DJANGO_ENV=production).
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ],
)
def test_collectstatic_ships_the_page_modules_and_no_test(settings, tmp_path, backend):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}

    call_command("collectstatic", interactive=False, verbosity=0)

    collected = {
        path.relative_to(settings.STATIC_ROOT).as_posix()
        for path in settings.STATIC_ROOT.rglob("*")
        if path.is_file()
    }
    assert collected, "collectstatic collected nothing"
    assert [name for name in collected if name.endswith(".test.mjs")] == []
    assert [name for name in collected if "tests" in name.split("/")] == []
    for entry in page_entries().values():
        assert f"frontend/js/{entry}" in collected


def test_each_page_has_its_own_entry_module():
    assert page_entries() == {page: f"{page}/main.js" for page in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_every_module_a_page_imports_exists(page):
    entry = page_entries()[page]
    assert (JS / entry).is_file()
    reached, missing = module_graph(entry)

    assert missing == set()
    assert reached, f"{entry} imports nothing"


def test_the_annotate_page_preloads_every_module_of_its_graph_once():
    reached, _ = module_graph(page_entries()["annotate"])

    assert len(ANNOTATE_MODULES) == len(set(ANNOTATE_MODULES))
    assert reached <= set(ANNOTATE_MODULES), "not preloaded: " + ", ".join(
        sorted(reached - set(ANNOTATE_MODULES))
    )
    assert set(ANNOTATE_MODULES) <= reached, "preloaded but never imported: " + ", ".join(
        sorted(set(ANNOTATE_MODULES) - reached)
    )


def test_the_import_parser_reads_every_form_the_modules_use():
    # The graph above is only as good as this parser: check it on the forms it must read.
    source = """
import { a } from "./a.js";
import {
  b,
  c,
} from "../lib/b.js";
import "./side-effect.js";
export { d } from "./d.js";
const notAnImport = "./e.js";
export const alsoNot = "./f.js";
// import { g } from "./g.js";
"""
    found = IMPORT.findall(source)
    assert found == ["./a.js", "../lib/b.js", "./side-effect.js", "./d.js"]
