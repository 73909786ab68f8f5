from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken
from audit.services import log_action


def issue_token(user, name: str) -> tuple[ApiToken, str]:
    with transaction.atomic():
        token, key = ApiToken.issue(user, name)
        log_action(user, "accounts.token.created", token, data={"prefix": token.prefix})
    return token, key


def revoke_token(user, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_action(user, "accounts.token.revoked", token, data={"prefix": token.prefix})
