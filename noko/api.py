"""The REST API root: one NinjaAPI; each app adds its router in its own api.py."""

from __future__ import annotations

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """Authorization: Bearer <key> with a key issued on the profile page."""

    def authenticate(self, request, token: str):
        api_token = ApiToken.objects.for_key(token)
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(
    title="НОКО API",
    version="1",
    description="Независимая оценка качества условий осуществления образовательной деятельности",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


def _register_routers() -> None:
    from registry.api import router as registry_router

    api.add_router("/", registry_router)
    for module in (
        "cycles",
        "council",
        "surveys",
        "sitecheck",
        "expertise",
        "scoring",
        "plans",
        "busgov",
        "reports",
        "portal",
    ):
        try:
            imported = __import__(f"{module}.api", fromlist=["router"])
        except ModuleNotFoundError as exc:
            if exc.name != f"{module}.api":
                raise
            continue
        api.add_router(f"/{module}/", imported.router)


_register_routers()
