"""The URL names that answer a request without sign-in; every other page needs one.

`tests/test_public.py` walks every URL pattern and fails on one that answers an anonymous
request while missing from this list.
"""

PUBLIC_URL_NAMES = frozenset(
    {
        "login",
        "set_language",
        "healthz",
        # The power lists in force: publishing them is part of openness.
        "powers:public",
        "static",
        # Django admin's own sign-in form: it shows nothing but the form.
        "admin:login",
    }
)
