"""What happens when a council decision approves an object of another app.

An app registers a handler for (model label, decision kind): ``register("cycles.cycle", "approve_list",
handler)`` where ``handler(user, obj, decision)`` applies the approval (and may refuse with a
``ValidationError``, which rolls the decision back). A decision about an object without a handler is
recorded with its reference and nothing else happens.
"""

from __future__ import annotations

from collections.abc import Callable

_HANDLERS: dict[tuple[str, str], Callable] = {}


def register(model_label: str, kind: str, handler: Callable) -> None:
    _HANDLERS[(model_label.lower(), kind)] = handler


def handler_for(obj, kind: str) -> Callable | None:
    return _HANDLERS.get((obj._meta.label_lower, kind))


def _approve_cycle_list(user, cycle, decision) -> None:
    from cycles.services import approve_list

    approve_list(user, cycle, decision)


register("cycles.cycle", "approve_list", _approve_cycle_list)
