/* alta-i18n.h: per-request translations for programs that serve two languages at once
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *alta_i18n_gettext              (const char *language,
                                            const char *msgid);
const char *alta_i18n_language_from_header (const char *accept_language);
GHashTable *alta_i18n_parse_mo             (const guint8 *data,
                                            gsize         size,
                                            GError      **error);

G_END_DECLS
