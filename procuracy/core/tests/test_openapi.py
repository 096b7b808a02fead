"""The committed OpenAPI schema matches the code, every operation needs sign-in, and the docs
page is served from the app's own assets."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from conftest import PASSWORD
from procuracy.core.management.commands import openapi

METHODS = {"get", "post", "put", "patch", "delete"}


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(openapi.render_schema())


def test_the_committed_schema_is_the_one_the_code_generates():
    committed = openapi.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == openapi.render_schema(), (
        "procuracy/openapi.json is stale: run `procuracy openapi` and commit the file"
    )


def test_every_operation_declares_that_it_needs_a_signed_in_session(schema):
    assert schema["components"]["securitySchemes"]["SessionAuth"]["in"] == "cookie"
    found = list(operations(schema))
    assert len(found) >= 8
    for path, method, operation in found:
        assert operation.get("security") == [{"SessionAuth": []}], f"{method} {path}"
        assert "401" in operation["responses"], f"{method} {path}"


@pytest.mark.django_db
def test_every_operation_answers_an_anonymous_request_with_401(client, schema):
    for path, method, _operation in operations(schema):
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = getattr(client, method)(url, content_type="application/json")
        assert answer.status_code == 401, f"{method} {path}"


def test_the_check_passes_on_the_committed_schema(capsys):
    call_command("openapi", "--check")
    assert "一致" in capsys.readouterr().out


def test_the_check_fails_with_a_diff_when_the_schema_is_stale(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "openapi.json"
    stale.write_text(openapi.render_schema().replace('"version": "1"', '"version": "0"'))
    monkeypatch.setattr(openapi, "SCHEMA_PATH", stale)
    with pytest.raises(CommandError) as failed:
        call_command("openapi", "--check")
    assert failed.value.returncode == 1
    diff = capsys.readouterr().err
    assert '-    "version": "0"' in diff
    assert '+    "version": "1"' in diff


def test_the_command_writes_the_schema(tmp_path, monkeypatch):
    target = tmp_path / "openapi.json"
    monkeypatch.setattr(openapi, "SCHEMA_PATH", target)
    call_command("openapi")
    assert target.read_text(encoding="utf-8") == openapi.render_schema()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_the_docs_and_the_schema_need_sign_in(client, url):
    answer = client.get(url)
    assert answer.status_code == 302
    assert "next=" in answer["Location"]


def test_the_docs_page_uses_the_apps_own_assets_and_no_inline_script(world, client):
    assert client.login(username="alice", password=PASSWORD)
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    html = answer.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources, html
    for source in sources:
        assert source.startswith("/static/ninja/"), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not served"
    # The page's only inline <script> holds JSON settings, which a browser does not run,
    # so the site's script-src 'self' applies unchanged.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    assert client.get("/api/v1/openapi.json").status_code == 200
