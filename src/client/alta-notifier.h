/* alta-notifier.h: desktop notifications of what came while the window was not looked at
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "alta-poll-schedule.h"
#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_NOTIFIER_MESSAGES "new-messages"
#define ALTA_NOTIFIER_RESULTS  "new-results"

#define ALTA_TYPE_NOTIFIER (alta_notifier_get_type ())

G_DECLARE_FINAL_TYPE (AltaNotifier, alta_notifier, ALTA, NOTIFIER, GObject)

AltaNotifier *alta_notifier_new          (GtkWindow    *window);
AltaSession  *alta_notifier_get_session  (AltaNotifier *self);
void          alta_notifier_set_session  (AltaNotifier *self,
                                          AltaSession  *session);
gboolean      alta_notifier_get_enabled  (AltaNotifier *self);
void          alta_notifier_set_enabled  (AltaNotifier *self,
                                          gboolean      enabled);
AltaPresence  alta_notifier_get_presence (AltaNotifier *self);

G_END_DECLS
