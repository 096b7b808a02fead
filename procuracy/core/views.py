"""The pages every signed-in person passes through (sign-in, sign-out, home), the health
check, and the two helpers every page with facts or forms shares."""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from procuracy.core.actors import actor_of
from procuracy.core.errors import ActDenied, RuleViolation


class Fact(NamedTuple):
    """One row of the definition-list component: a link when `url`, a badge when `tone`."""

    label: str
    value: object
    url: str = ""
    tone: str = ""


def perform(form, act, **kwargs):
    """Call a service function for a valid form and put its refusal on the form.

    A broken rule lands on the field it names (or above the fields); a denied act puts its
    reason above the fields and marks the form `denied`, so the view can answer 403.
    Returns the service's result, or None when refused.
    """
    form.denied = False
    try:
        return act(**kwargs)
    except RuleViolation as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.rule)
    except ActDenied as denied:
        form.add_error(None, denied.reason)
        form.denied = True
    return None


def refused_status(form) -> int:
    """403 for a denied act; bad input re-renders its page as Django's form views do, 200."""
    return 403 if getattr(form, "denied", False) else 200


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link cannot sign anyone out."""


def home(request):
    """Straight to one's own procuratorate; administrators without a post see the tree."""
    actor = actor_of(request)
    if actor.staff is not None:
        return redirect("organisation:procuratorate", pk=actor.staff.procuratorate_id)
    return redirect("organisation:tree")


@login_not_required
@require_GET
def healthz(request):
    """The cheapest answer the site can give: the benchmark's baseline and the probe's target."""
    return HttpResponse("ok", content_type="text/plain")
