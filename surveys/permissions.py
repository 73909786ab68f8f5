"""Who may do what with the survey of a cycle. Reading goes through ``visible_to`` querysets."""

from __future__ import annotations

from accounts.models import Role
from accounts.scopes import scope_for


def _in(user, cycle, *roles: str) -> bool:
    scope = scope_for(user)
    return scope.sees_everything or cycle.territory_id in scope.territories_for(*roles)


def can_manage(user, cycle) -> bool:
    """Publish the questionnaire, set dates and targets: the operator and the authority running the cycle."""
    return _in(user, cycle, Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)


def can_review(user, cycle) -> bool:
    """Accept, exclude or restore questionnaires: the operator and the regional authority."""
    return _in(user, cycle, Role.OPERATOR, Role.REGIONAL)


def can_enter(user, cycle) -> bool:
    """Enter paper, telephone and interview questionnaires and import them: the operator."""
    return _in(user, cycle, Role.OPERATOR)


def can_read_responses(user, cycle) -> bool:
    """See single questionnaires and export raw answers."""
    return _in(user, cycle, Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)
