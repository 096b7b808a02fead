"""Sign-in, sign-out, the language switch, the shared layout and the health check."""

import re

from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD


def test_signing_in_leads_home_and_home_leads_to_ones_procuratorate(world, client):
    answer = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert answer.status_code == 302 and answer.url == reverse("home")
    answer = client.get(reverse("home"))
    assert answer.url == reverse("organisation:procuratorate", args=[world.base.pk])


def test_a_wrong_password_is_refused_in_chinese(world, client):
    answer = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert answer.status_code == 200
    assert "请输入一个正确的" in answer.content.decode()


def test_an_administrator_without_a_post_lands_on_the_tree(world, client, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.login(username="root", password=PASSWORD)
    assert client.get(reverse("home")).url == reverse("organisation:tree")


def test_the_header_names_the_person_their_procuratorate_and_the_sections(world, client):
    client.login(username="alice", password=PASSWORD)
    html = client.get(reverse("organisation:tree")).content.decode()
    assert "检察权运行监督平台" in html
    assert '<span class="whoami__name">安丽</span>' in html
    assert '<span class="whoami__place">城关区院</span>' in html
    for section in ("组织机构", "人员"):
        assert section in html
    assert 'href="#main"' in html and 'id="main"' in html  # the skip link and its target


def _no_inline_script_or_style(html: str) -> bool:
    return "<script>" not in html and " style=" not in html and " onclick=" not in html


def test_pages_carry_no_inline_script_or_style(world, client):
    assert _no_inline_script_or_style(client.get(reverse("login")).content.decode())
    client.login(username="chief", password=PASSWORD)
    for url in (
        reverse("organisation:tree"),
        reverse("organisation:procuratorate", args=[world.base.pk]),
        reverse("people:list"),
        reverse("people:detail", args=[world.alice.pk]),
        reverse("caseorgs:detail", args=[world.team.pk]),
    ):
        html = client.get(url).content.decode()
        assert _no_inline_script_or_style(html), url
        assert "<script src=" in html


def test_signing_out_takes_a_post_and_ends_the_session(world, client):
    client.login(username="alice", password=PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).url == reverse("login")
    assert client.get(reverse("people:list")).url.startswith(reverse("login"))


def test_the_language_switch_turns_the_pages_english(world, client):
    client.login(username="alice", password=PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/org/"})
    html = client.get(reverse("organisation:tree")).content.decode()
    assert '<html lang="en">' in html
    assert "Organisation" in html and "Procuratorial Power Oversight Platform" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/org/"})
    assert "组织机构" in client.get(reverse("organisation:tree")).content.decode()


def test_healthz_answers_ok_to_anyone(client):
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 200 and answer.content == b"ok"


def test_every_string_has_its_english_translation():
    po = (settings.PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    entries = [e for e in po.split("\n\n") if 'msgid ""\nmsgstr ""' not in e]  # not the header
    empty = re.compile(r'^msgstr(?:\[\d+\])? ""$(?!\n")', re.MULTILINE)
    untranslated = [e.splitlines()[-2] for e in entries if empty.search(e)]
    assert untranslated == [], "run makemessages and translate these"
    assert "#, fuzzy" not in po
