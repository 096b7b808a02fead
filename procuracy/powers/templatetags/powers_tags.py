"""The "why not?" component every page puts beside an action its reader may not take, and
the small labels the power-list pages show."""

from __future__ import annotations

from django import template

from procuracy.powers import engine, selectors
from procuracy.powers.models import Holder, Power

register = template.Library()


@register.inclusion_tag("powers/why_not.html")
def why_not(decision, id=""):
    """`{% why_not decision id="why-approve" %}`: the engine's sentence and the path upward
    for a refused decision (nothing for an allowed one or none). Give the disabled control
    `aria-describedby` the same `id`, so a screen reader reads the reason with it."""
    refused = decision is not None and not decision.allowed
    return {
        "decision": decision if refused else None,
        "steps": [step.label for step in decision.path] if refused else [],
        "id": id,
    }


@register.filter
def holder_label(code: str) -> str:
    return str(Holder(code).label) if code in Holder.values else code


@register.filter
def power_label(code: str) -> str:
    return str(Power(code).label) if code in Power.values else code


@register.filter
def step(holder: str, power: str) -> str:
    """`{{ item.holder|step:item.power }}`: 检察长决定 / "chief procurator to decide"."""
    return engine.step_label(holder, power)


@register.filter
def conditions(item) -> list[tuple[str, str]]:
    return selectors.conditions(item)


@register.inclusion_tag("powers/refused_action.html")
def refused_action(label, decision, id, small=False):
    """`{% refused_action _("批准") decision "why-approve" %}`: a disabled button for an
    action the engine refused, with the "why not?" component beside it."""
    return {"label": label, "decision": decision, "id": id, "small": small}
