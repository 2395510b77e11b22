/* alta-session.h: everything a signed-in person has, and nothing outside it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "alta-lab-result.h"
#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SESSION (alta_session_get_type ())

G_DECLARE_FINAL_TYPE (AltaSession, alta_session, ALTA, SESSION, GObject)

AltaSession      *alta_session_new                  (AltaPortalClient     *client,
                                                     JsonObject           *account,
                                                     gint64                idle_timeout_s);
AltaPortalClient *alta_session_get_client           (AltaSession          *self);
const char       *alta_session_get_own_name         (AltaSession          *self);
const char       *alta_session_get_record_id        (AltaSession          *self);
const char       *alta_session_get_record_name      (AltaSession          *self);
gboolean          alta_session_get_record_is_own    (AltaSession          *self);
gint64            alta_session_get_idle_timeout     (AltaSession          *self);
GPtrArray        *alta_session_get_record_names     (AltaSession          *self);
void              alta_session_show_record          (AltaSession          *self,
                                                     guint                 index);
GListModel       *alta_session_get_allergies        (AltaSession          *self);
GListModel       *alta_session_get_immunizations    (AltaSession          *self);
GListModel       *alta_session_get_medications      (AltaSession          *self);
GListModel       *alta_session_get_problems         (AltaSession          *self);
GListModel       *alta_session_get_reports          (AltaSession          *self);
GListModel       *alta_session_get_results          (AltaSession          *self);
AltaLabResult    *alta_session_find_result          (AltaSession          *self,
                                                     const char           *id);
GPtrArray        *alta_session_get_results_with_code (AltaSession         *self,
                                                     const char           *code);
void              alta_session_load_async           (AltaSession          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean          alta_session_load_finish          (AltaSession          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void              alta_session_end                  (AltaSession          *self);

G_END_DECLS
