"""Puts the signed-in actor into every template."""

from procuracy.core.actors import actor_of


def actor(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None}
    return {"actor": actor_of(request)}
