"""Fill empty msgstr entries of a .po file from a JSON object {msgid: translation}.

Usage: python scripts/po_fill.py locale/vi/LC_MESSAGES/django.po new-strings.json
Prints the msgids still untranslated. Vietnamese has one plural form, so a plural
entry takes the same single translation.

An entry with a context (pgettext, `{% translate "…" context "…" %}`) is keyed as
gettext keys it: the context, the character U+0004, the msgid ("report column: the
figure of the year before\u0004Last year" in the JSON). It never takes the translation
of the same msgid without a context, and is listed as untranslated until it has its own.
"""

import json
import re
import sys


def unquote(lines):
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def main(po_path, json_path):
    translations = json.load(open(json_path, encoding="utf-8"))
    blocks = open(po_path, encoding="utf-8").read().split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        keys = [i for i, line in enumerate(lines) if re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(\[\d\])?) ", line)]
        if not keys:
            out.append(block)
            continue
        fields = {}
        for start in keys:
            end = start + 1
            while end < len(lines) and lines[end].startswith('"'):
                end += 1
            name = lines[start].split(" ", 1)[0]
            fields[name] = (start, end, unquote([lines[start].split(" ", 1)[1]] + lines[start + 1 : end]))
        msgid = fields["msgid"][2]
        if "msgctxt" in fields:
            msgid = fields["msgctxt"][2] + "\x04" + msgid
        strname = "msgstr[0]" if "msgstr[0]" in fields else "msgstr"
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if fuzzy and msgid:
            # msgmerge guessed from a similar string: never trust the guess.
            lines = [line for line in lines if not line.startswith("#|")]
            lines = [line.replace("fuzzy, ", "").replace(", fuzzy", "") for line in lines if line != "#, fuzzy"]
            keys_start = [i for i, line in enumerate(lines) if line.startswith(strname + " ")][0]
            end = keys_start + 1
            while end < len(lines) and lines[end].startswith('"'):
                end += 1
            lines[keys_start:end] = [f'{strname} ""']
            fields[strname] = (keys_start, keys_start + 1, "")
        if not msgid or fields[strname][2]:
            out.append(block)
            continue
        if msgid in translations:
            start, end, _ = fields[strname]
            lines[start:end] = [f"{strname} {quote(translations[msgid])}"]
            out.append("\n".join(lines))
        else:
            missing.append(msgid)
            out.append(block)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
