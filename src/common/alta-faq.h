/* alta-faq.h: the patient FAQ, read from its text, and searched
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *group;      /* "Enrollment Questions" */
  char *question;
  char *answer;     /* paragraphs separated by a blank line; list items start with "• " */
} AltaFaqEntry;

GPtrArray *alta_faq_parse         (const char          *text,
                                   gsize                length,
                                   GError             **error);
gboolean   alta_faq_entry_matches (const AltaFaqEntry  *entry,
                                   const char          *query);

G_END_DECLS
