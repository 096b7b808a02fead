"""REST API under /api/v1 (django-ninja): the reads the pages show, and one write to show the
spine. Every operation needs a signed-in session; the schema is committed as openapi.json.

Answers besides 200/201: 401 not signed in, 403 the act is denied (with the reason), 404 not
found or outside the person's scope (the two look alike on purpose), 422 bad input with a
message per field in the request's language.
"""

import json
import re

from django.apps import apps
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from procuracy.core.errors import ActDenied, RuleViolation


class LocalSwagger(Swagger):
    """Swagger UI from the copy ninja ships (static/ninja/), never from a CDN: government
    intranets have no internet. Needs "ninja" in INSTALLED_APPS for its template and assets."""

    def render_page(self, request, api, **kwargs):
        if not apps.is_installed("ninja"):
            raise ImproperlyConfigured('The API docs need "ninja" in INSTALLED_APPS.')
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render(request, self.template, context)


class Renderer(JSONRenderer):
    # Chinese as it is, not as \u escapes: half the bytes, and readable in a log.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="procuracy API",
    version="1",
    description="检察权运行监督平台 REST API。所有操作须先登录(会话)。",
    urls_namespace="api",
    # Session sign-in; CSRF is checked on unsafe methods (SessionAuth's csrf=True).
    auth=django_auth,
    docs=LocalSwagger(),
    docs_decorator=login_required,
    renderer=Renderer(),
)

api.add_router("/procuratorates", "procuracy.organisation.api.router")
api.add_router("/staff", "procuracy.people.api.router")
api.add_router("/caseorgs", "procuracy.caseorgs.api.router")
api.add_router("/figures", "procuracy.figures.api.router")
api.add_router("/ledger", "procuracy.ledger.api.router")
api.add_router("/powers", "procuracy.powers.api.router")
api.add_router("/cases", "procuracy.cases.api.router")
api.add_router("/case-types", "procuracy.cases.api.types_router")
api.add_router("/desk", "procuracy.cases.api.desk_router")
api.add_router("/assignment", "procuracy.assignment.api.router")
api.add_router("/assignment-schemes", "procuracy.assignment.scheme_api.router")
api.add_router("/oversight", "procuracy.oversight.api.router")


# Error answers ----------------------------------------------------------------------------

_DATE = gettext_lazy("请填写有效的日期,格式为 YYYY-MM-DD。")
_CHOICE = gettext_lazy("请从以下选项中选择:%(expected)s。")
_INVALID = gettext_lazy("填写的内容无效。")

# Messages for pydantic's error types, in the request's language; the rest say "invalid".
_MESSAGES = {
    "missing": gettext_lazy("此项必须填写。"),
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "int_parsing": gettext_lazy("请填写整数。"),
    "int_type": gettext_lazy("请填写整数。"),
    "bool_parsing": gettext_lazy("请填写 true 或 false。"),
    "bool_type": gettext_lazy("请填写 true 或 false。"),
    "string_type": gettext_lazy("请填写文字。"),
    "string_too_long": gettext_lazy("最多 %(max_length)s 个字符。"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s。"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s。"),
    "enum": _CHOICE,
    "literal_error": _CHOICE,
}


def _message(error: dict) -> str:
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        # Pydantic lists choices in English ("'a', 'b' or 'c'"); keep only the codes.
        ctx["expected"] = "、".join(re.findall(r"'([^']*)'", str(ctx["expected"])))
    try:
        return str(_MESSAGES.get(error["type"], _INVALID)) % ctx
    except (KeyError, TypeError, ValueError):
        return str(_INVALID)


def _field(loc: tuple | list) -> str:
    """The field a location names: ("query", "on") → "on"; a body is ("body", param, field…)."""
    parts = [str(p) for p in loc[2 if loc and loc[0] == "body" else 1 :]]
    return ".".join(parts) or "__all__"


def _invalid(request, errors: dict[str, list[str]]):
    body = {"detail": _("提交的内容有误,请按提示修改。"), "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(ValidationError)
def schema_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error["loc"]), []).append(_message(error))
    return _invalid(request, errors)


@api.exception_handler(RuleViolation)
def rule_violation(request, exc: RuleViolation):
    if hasattr(exc, "error_dict"):
        return _invalid(request, exc.message_dict)
    return _invalid(request, {"__all__": exc.messages})


@api.exception_handler(ActDenied)
def act_denied(request, exc: ActDenied):
    return api.create_response(request, {"detail": exc.reason}, status=403)


def _not_found(request, exc):
    # Out of scope and not there answer alike, so a 404 reveals nothing.
    return api.create_response(request, {"detail": _("未找到该记录。")}, status=404)


api.add_exception_handler(ObjectDoesNotExist, _not_found)
api.add_exception_handler(Http404, _not_found)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(request, {"detail": _("请先登录。")}, status=401)


# What ninja's own HttpErrors mean here, said in the request's language: a body that is not
# JSON, and (the only 403 ninja raises itself) a session request without its CSRF token.
_HTTP_ERRORS = {
    400: lambda: _("请求内容无法解析,请提交有效的 JSON。"),
    403: lambda: _("安全校验(CSRF)未通过,请刷新页面后重试。"),
}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    describe = _HTTP_ERRORS.get(exc.status_code)
    detail = describe() if describe else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


# URLs -------------------------------------------------------------------------------------


def _urls():
    """The API's URL patterns. The operations answer 401 themselves, so the site's
    LoginRequiredMiddleware must not redirect them to the sign-in page; the docs page and
    the schema keep the redirect (docs_decorator)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name not in ("openapi-json", "openapi-view", "api-root"):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [path("", _urls())]
