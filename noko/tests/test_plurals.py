"""Russian plural forms: every plural message in the code has its forms in the catalogue."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real

BLOCK = re.compile(r"{%\s*blocktranslate\s+count\s+(\w+)=[^%]*%}(.*?){%\s*plural\s*%}", re.S)
NGETTEXT = re.compile(r"\bngettext(?:_lazy)?\(\s*\"([^\"]+)\"")
SOURCE_DIRS_EXCLUDED = {".venv", "var", "node_modules", "static", "locale", "tests"}


def _sources():
    for path in Path(settings.BASE_DIR).rglob("*"):
        if path.suffix not in {".html", ".py", ".txt"} or SOURCE_DIRS_EXCLUDED & set(path.parts):
            continue
        yield path


def _plural_msgids():
    found = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="ignore")
        for _counter, singular in BLOCK.findall(text):
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular.strip())
            found[msgid] = path
        for singular in NGETTEXT.findall(text):
            found[singular] = path
    return found


def test_every_plural_message_has_russian_forms():
    catalog = trans_real.translation("ru")._catalog
    msgids = _plural_msgids()
    assert msgids, "the registry list uses a plural message"
    missing = {msgid: str(path) for msgid, path in msgids.items() if (msgid, 1) not in catalog}
    assert not missing, f"add these to locale/ru/LC_MESSAGES/django.po and run `make messages`: {missing}"


def test_counts_are_spelled_the_russian_way():
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}Найдена {{ counter }} организация"
        "{% plural %}Найдено {{ counter }} организаций{% endblocktranslate %}"
    )
    with translation.override("ru"):
        rendered = {n: template.render(Context({"n": n})) for n in (1, 2, 5, 11, 21, 22, 112)}
    assert rendered[1] == "Найдена 1 организация"
    assert rendered[2] == "Найдены 2 организации"
    assert rendered[5] == "Найдено 5 организаций"
    assert rendered[11] == "Найдено 11 организаций"
    assert rendered[21] == "Найдена 21 организация"
    assert rendered[22] == "Найдены 22 организации"
    assert rendered[112] == "Найдено 112 организаций"
