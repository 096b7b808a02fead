"""Presentation helpers of the ledger's pages and of the link record pages carry."""

from __future__ import annotations

from django import template

from procuracy.core.models import Visibility

register = template.Library()

VISIBILITY_TONES = {
    Visibility.OPEN: "green",
    Visibility.PROCURATORATE: "blue",
    Visibility.PERSONAL: "amber",
    Visibility.SEALED: "red",
}


@register.filter
def visibility_tone(visibility: str) -> str:
    return VISIBILITY_TONES.get(visibility, "slate")
