#!/usr/bin/env bash
# check-translations.sh SRCDIR: every message marked for translation in the files of
# po/POTFILES.in has a Spanish translation in po/es.po, not fuzzy, with the same
# printf-style arguments. Prints TAP.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$src"
# The options of meson's "glib" gettext preset, and po/meson.build's own
xgettext --package-name=myaltamed --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format \
  --keyword=alta_npgettext:1c,2,3 --flag=alta_npgettext:2:pass-c-format \
  --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
  --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
  --flag=g_log:3:c-format --flag=g_print:1:c-format --flag=g_printerr:1:c-format \
  --flag=g_printf:1:c-format --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format \
  --flag=g_snprintf:3:c-format \
  --files-from=po/POTFILES.in --output="$work/myaltamed.pot"

msgmerge --quiet --no-fuzzy-matching --output-file="$work/es.po" po/es.po "$work/myaltamed.pot"
untranslated=$(msgattrib --untranslated --no-obsolete "$work/es.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$work/es.po" | grep -c '^msgid ' || true)
# Each msgid block counts the header's empty msgid too when there is anything at all
[ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))

echo "1..2"
if [ "$untranslated" -eq 0 ]; then
  echo "ok 1 every message has a Spanish translation"
else
  echo "not ok 1 $untranslated messages have no Spanish translation:"
  msgattrib --untranslated --no-obsolete "$work/es.po" | grep '^msgid ' | sed 's/^/# /'
fi
# msgfmt --check compares the printf arguments of each translation with its message
if [ "$fuzzy" -eq 0 ] && msgfmt --check --output-file=/dev/null "$work/es.po" 2>"$work/check"; then
  echo "ok 2 no translation is fuzzy and every one keeps its message's arguments"
else
  echo "not ok 2 $fuzzy fuzzy translations; msgfmt --check says:"
  sed 's/^/# /' "$work/check"
fi
[ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ] && [ ! -s "$work/check" ]
