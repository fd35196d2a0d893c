"""The site's routes, read from the URL resolver, and concrete paths for a side's objects.

The security sweeps take their routes from here, so a new route joins them by itself.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.scenes import Side

METHODS = ("get", "post", "put", "patch", "delete")


def all_routes() -> list[tuple[str, URLPattern]]:
    """Return every URL pattern of the site as (route, pattern), admin included."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    return list(walk(get_resolver().url_patterns))


def supported_methods(pattern: URLPattern) -> set[str]:
    """Return the methods a view handles; a plain function view takes every method."""
    view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
    if view is None:
        return set(METHODS)
    return {method for method in METHODS if hasattr(view, method)}


def fill(route: str, side: Side) -> str:
    """Return a concrete path for a route, with the side's objects in its parameters."""
    values = {
        "<slug:slug>": side.debate.slug,
        "<int:pk>": str(side.open_doc.pk),
        "<int:document_id>": str(side.open_doc.pk),
        "<path:object_id>": str(side.actor.pk),
        "<path:content_type_id>": "1",
        "<id>": str(side.user("annotator").pk),
        "<str:username>": side.user("annotator").get_username(),
        "<int:token_id>": "1",
        "<uidb64>": "MQ",
        "<token>": "set-password",
        "^(?P<app_label>auth|axes|accounts|debate|annotations)/$": "debate/",
        "(?P<url>.*)$": "nowhere/",
    }
    # Routes of one kind of object take that object's id.
    for prefix, obj in (
        ("api/v1/spans/", side.span),
        ("api/v1/relations/", side.relation),
        ("api/v1/map-builds/", side.map_build),
        ("api/v1/maps/", side.map_version),
    ):
        if route.startswith(prefix):
            values["<int:pk>"] = str(obj.pk)
    path = route
    for pattern, value in values.items():
        path = path.replace(pattern, value)
    assert "<" not in path and "(" not in path, path
    return "/" + path
