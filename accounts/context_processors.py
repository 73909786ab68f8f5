"""Template context every page gets: the user's scope and the navigation.

An app shows itself in the top menu by defining ``nav_items(request, scope)`` on its
AppConfig (returning ``[(label, url), …]``) and on the dashboard by listing
``dashboard_cards`` (template names included with the page context).
"""

from django.apps import apps

from accounts.scopes import scope_for


def roles(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    nav = []
    if user is not None and user.is_authenticated:
        for config in apps.get_app_configs():
            items = getattr(config, "nav_items", None)
            if items is not None:
                nav.extend({"label": label, "url": url} for label, url in items(request, scope))
    return {"scope": scope, "nav_items": nav}


def dashboard_cards() -> list[str]:
    cards: list[str] = []
    for config in apps.get_app_configs():
        cards.extend(getattr(config, "dashboard_cards", []))
    return cards
