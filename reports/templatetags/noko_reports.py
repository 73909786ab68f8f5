"""Russian number formatting for pages and PDFs: ``{{ value|ru_num }}`` → «86,55»."""

from django import template

from lib.text import ru_plural
from reports.formatting import ru_int as _ru_int
from reports.formatting import ru_number, ru_percent
from scoring.models import display_code

register = template.Library()


@register.filter
def ru_num(value, places=2):
    return ru_number(value, int(places))


@register.filter
def ru_int(value):
    return _ru_int(value)


@register.filter
def ru_pct(value, places=1):
    return ru_percent(value, int(places))


@register.filter
def code(value):
    return display_code(str(value))


@register.filter
def width(value):
    """A score 0–100 as a CSS width in percent (dot decimal), for bars."""
    if value is None:
        return "0"
    return f"{max(0.0, min(100.0, float(value))):.1f}"


@register.filter
def plural(n, forms):
    """``{{ n|plural:"организация,организации,организаций" }}``"""
    one, few, many = forms.split(",")
    return ru_plural(int(n or 0), one, few, many)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key) or {}
