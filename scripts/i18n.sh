#!/usr/bin/env bash
# Regenerate the Vietnamese catalogue from the code and fill it from locale/vi-*.json
# (one JSON of msgid → translation per app: the source of truth for translations).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=tests --ignore=bench --no-obsolete -v0
for f in locale/vi-*.json; do .venv/bin/python scripts/po_fill.py locale/vi/LC_MESSAGES/django.po "$f" >/dev/null; done
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
python3 - <<'PY'
import re
text = open("locale/vi/LC_MESSAGES/django.po", encoding="utf-8").read()
blocks = [b for b in text.split("\n\n") if re.search(r'^msgid "', b, re.M)]
empty = [b.split("\n") for b in blocks if re.search(r'^msgstr(\[0\])? ""$', b, re.M) and not re.search(r'^msgid ""\nmsgstr ""', b, re.M) and '\n"' not in b.split("msgstr", 1)[1]]
for lines in empty:
    print("untranslated:", " ".join(l for l in lines if l.startswith(("msgid", '"')))[:140])
PY
