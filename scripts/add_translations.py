"""Add translations to one app's catalogue source: JSON of {msgid: Vietnamese} on stdin.

    python scripts/add_translations.py locale/vi-reports.json <<< '{"Year %(year)s": "Năm %(year)s"}'

Keys stay sorted; then `bash scripts/i18n.sh` regenerates and compiles the catalogue.
"""

import json
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    data = json.load(f)
data.update(json.loads(sys.stdin.read()))
with open(path, "w", encoding="utf-8") as f:
    json.dump(dict(sorted(data.items())), f, ensure_ascii=False, indent=1)
    f.write("\n")
