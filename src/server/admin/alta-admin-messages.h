/* alta-admin-messages.h: the back office's answers to refill requests and messages
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-server.h"

G_BEGIN_DECLS

#define ALTA_ADMIN_MESSAGES_USAGE \
  "  complete-refill --task ID                      a refill request is done (uses a refill)\n" \
  "  reject-refill --task ID --reason TEXT          a refill request is refused, with why\n" \
  "  reply-message --to-message ID --practitioner ID [--text TEXT]\n" \
  "                                                 answers as that clinician (the text from\n" \
  "                                                 standard input without --text)\n"

/* What every admin command shares (alta-admin.c) */
gboolean alta_admin_parse_options    (const char    *command,
                                      GOptionEntry  *entries,
                                      int           *argc,
                                      char        ***argv);
int      alta_admin_fail             (AltaServer    *server,
                                      const char    *command,
                                      GError        *error);
int      alta_admin_commit_and_mail  (AltaServer    *server,
                                      const char    *command);

int alta_admin_complete_refill (AltaServer  *server,
                                gint64       now,
                                int          argc,
                                char       **argv);
int alta_admin_reject_refill   (AltaServer  *server,
                                gint64       now,
                                int          argc,
                                char       **argv);
int alta_admin_reply_message   (AltaServer  *server,
                                gint64       now,
                                int          argc,
                                char       **argv);

G_END_DECLS
