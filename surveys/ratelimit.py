"""Fixed-window counters in the Django cache, for the public form.

With the default in-process cache each worker process counts on its own; a deployment with
several processes points CACHES at Redis (or the database cache) so the limits are shared.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one event for KEY; False once more than LIMIT events fell in the current WINDOW seconds."""
    if limit <= 0:
        return True
    slot = int(time.time() // window)
    digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    name = f"surveys:rl:{scope}:{digest}:{slot}"
    if cache.add(name, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 5)
        return True
    return count <= limit
