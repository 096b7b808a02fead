"""The two ways an act is refused: the actor may not do it, or it breaks a rule."""

from django.core.exceptions import ValidationError


class ActDenied(Exception):
    """The actor holds no power for this act. `reason` is a sentence a person can read."""

    def __init__(self, reason: str, decision=None):
        super().__init__(reason)
        self.reason = reason
        self.decision = decision  # the power list's answer, with the path upward, if any


class RuleViolation(ValidationError):
    """The act would break a rule of the organisation; the message says which, in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__({field: [message]} if field else message)
        self.field = field
        self.rule = message
