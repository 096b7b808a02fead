"""A person signs in and walks the site in a real browser: the tree, a procuratorate, the
staff list with live search by pinyin initials, a staff page, an organisation, the figures.

Every page is saved as a full-page screenshot in test-artifacts/screenshots/, and no page
may report an error to the console (a Content-Security-Policy violation is one).
"""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, login: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def nav(page, name: str):
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name)


def figures_url() -> str | None:
    try:
        return reverse("figures:index")
    except NoReverseMatch:
        return None


def test_a_chief_signs_in_and_tours_the_pages(browser_world, page, shoot):
    world = browser_world
    page.goto("/login/")
    assert page.console.errors == []  # the style sheet and scripts are served (no CDN)
    shoot(page, "01-login")
    sign_in(page, "city_chief")
    assert page.url.endswith(reverse("organisation:procuratorate", args=[world.city.pk]))

    nav(page, "组织机构").click()
    tree = page.locator("[data-tree]")
    assert tree.get_by_role("link", name="兰州市城关区人民检察院(演示)").is_visible()
    page.get_by_role("button", name="全部收起").click()  # only shown when our script runs
    assert not tree.get_by_role("link", name="兰州市城关区人民检察院(演示)").is_visible()
    page.get_by_role("button", name="全部展开").click()
    shoot(page, "02-tree")

    tree.get_by_role("link", name="兰州市城关区人民检察院(演示)").click()
    page.get_by_role("heading", name="兰州市城关区人民检察院(演示)").wait_for()
    assert page.get_by_role("link", name="刑事第一办案组").is_visible()
    shoot(page, "03-procuratorate")

    page.get_by_label("查看日期").fill("2019-06-30")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="2019-06-30 的内设机构").wait_for()
    assert "on=2019-06-30" in page.url

    page.get_by_role("link", name="刑事第一办案组").click()
    page.get_by_role("heading", name="当前成员").wait_for()
    shoot(page, "06-caseorg")

    nav(page, "人员").click()
    page.get_by_role("heading", name="人员", exact=True).wait_for()
    shoot(page, "04-staff-list")

    page.locator("#staff-results").get_by_role("link", name="安丽").click()
    page.get_by_role("heading", name="安丽").wait_for()
    shoot(page, "05-staff")

    if figures_url():
        nav(page, "数据统计").click()
        page.wait_for_load_state()
        shoot(page, "07-figures")

    assert page.console.errors == []


def test_live_search_by_pinyin_initials_updates_the_list_in_place(browser_world, page, shoot):
    sign_in(page, "alice")
    page.goto("/people/")
    rows = page.locator("#staff-results tbody tr")
    assert rows.count() == 9
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("搜索").press_sequentially("al", delay=50)
    page.wait_for_url(re.compile(r"q=al"))
    rows.filter(has_text="安丽").wait_for()
    assert rows.count() == 1
    assert page.locator("#staff-count").inner_text() == "共 1 人"
    assert page.evaluate("window.__sameDocument") is True  # swapped by htmx, not reloaded
    shoot(page, "04b-staff-search")

    page.get_by_label("人员类别").select_option("assistant")
    page.get_by_label("搜索").fill("")
    page.get_by_label("搜索").press("Backspace")
    rows.filter(has_text="鄂琳").wait_for()
    page.wait_for_function("document.querySelectorAll('#staff-results tbody tr').length === 1")
    assert page.console.errors == []


def test_the_keyboard_reaches_the_skip_link_first_and_it_leads_to_the_content(browser_world, page):
    sign_in(page, "alice")
    page.goto("/org/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_bad_absence_is_refused_beside_its_field_in_the_browser(browser_world, page, shoot):
    sign_in(page, "grace")
    page.goto(reverse("people:detail", args=[browser_world.bob.pk]))
    page.get_by_label("开始日期").fill("2024-03-08")
    page.get_by_label("结束日期").fill("2024-03-01")
    page.get_by_role("button", name="登记离岗").click()
    error = page.locator("#id_ends_on_error")
    error.wait_for()
    assert error.inner_text() == "结束日期不能早于开始日期。"
    shoot(page, "08-absence-error")
    assert page.console.errors == []


def test_the_pages_switch_to_english(browser_world, page, shoot):
    sign_in(page, "alice")
    page.goto("/org/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Organisation", exact=True).is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    shoot(page, "09-tree-english")
    assert page.console.errors == []
