"""Nothing answers a stranger unless it is on the public list.

Walks every URL pattern of the project — pages, the REST API, the admin — fills each path
parameter with a sample value, and asks as an anonymous client. Anything but a redirect to
sign-in, 401, 403 or 404 fails, unless its name is in core.public.PUBLIC_URL_NAMES.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from procuracy.core.public import PUBLIC_URL_NAMES

SAMPLES = {
    IntConverter: "1",
    UUIDConverter: str(uuid.UUID(int=1)),
    SlugConverter: "sample",
    StringConverter: "sample",
    PathConverter: "sample",
}
# Values tried, in order, for a regular-expression group (the admin's app labels among them).
REGEX_CANDIDATES = ["1", "sample", "auth", "core", "people", "1/sample"]


def _route_sample(pattern: RoutePattern) -> str:
    route = str(pattern)
    for name, converter in pattern.converters.items():
        sample = next(v for k, v in SAMPLES.items() if isinstance(converter, k))
        route = re.sub(rf"<(?:\w+:)?{name}>", sample, route)
    return route


def _regex_sample(pattern: RegexPattern) -> str:
    regex = pattern.regex.pattern
    template, params = normalize(regex)[0]
    values = {}
    for param in params:
        values[param] = next(
            c for c in REGEX_CANDIDATES if re.fullmatch(_group(regex, param), c) is not None
        )
    return template % values


def _group(regex: str, name: str) -> str:
    """The body of the named group `name` in `regex` (balanced parentheses)."""
    start = regex.index(f"(?P<{name}>") + len(f"(?P<{name}>")
    depth, i = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(regex[i], 0) if regex[i - 1] != "\\" else 0
        i += 1
    return regex[start : i - 1]


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(pattern)
    return _regex_sample(pattern)


def walk(resolver=None, prefix="/", namespace=""):
    """(name, url) for every leaf pattern, with sample values in its path."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        part = _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + part, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield name, prefix + part


ROUTES = sorted(set(walk()))


def test_the_walk_finds_the_pages_the_api_and_the_admin():
    names = {name for name, _ in ROUTES}
    assert {"login", "home", "organisation:tree", "people:detail", "admin:index"} <= names
    assert any(url.startswith("/api/v1/") for _, url in ROUTES)


def test_every_sample_url_resolves_to_its_own_pattern():
    for name, url in ROUTES:
        match = resolve(url)
        assert not name or match.view_name == name, (name, url, match.view_name)


def _to_sign_in(answer) -> bool:
    if answer.status_code not in (301, 302, 303, 307, 308):
        return False
    target = urlsplit(answer["Location"]).path
    return target in (reverse(settings.LOGIN_URL), reverse("admin:login"))


def _ask(client, url):
    """GET, or the first method the URL allows when it refuses GET (a POST-only act)."""
    answer = client.get(url)
    if answer.status_code == 405:
        method = answer["Allow"].split(",")[0].strip().lower()
        answer = getattr(client, method)(url)
    return answer


PRIVATE = [(name, url) for name, url in ROUTES if name not in PUBLIC_URL_NAMES]


@pytest.mark.parametrize(("name", "url"), PRIVATE, ids=[url for _, url in PRIVATE])
def test_an_anonymous_request_is_turned_away_unless_public(world, client, name, url):
    answer = _ask(client, url)
    assert _to_sign_in(answer) or answer.status_code in (401, 403, 404), (
        f"{url} ({name or 'unnamed'}) answered {answer.status_code} to an anonymous request; "
        "require sign-in or add it to core.public.PUBLIC_URL_NAMES"
    )


def test_the_public_pages_answer_without_sign_in(world, client):
    assert client.get(reverse("healthz")).content == b"ok"
    assert client.get(reverse("login")).status_code == 200
    answer = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert answer.status_code == 302
