/* alta-session.h: everything a signed-in person has, and nothing outside it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "alta-portal-account.h"
#include "alta-appointment.h"
#include "alta-clinic.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-medication.h"
#include "alta-message-draft.h"
#include "alta-message-thread.h"
#include "alta-portal-client.h"
#include "alta-refill-request.h"

G_BEGIN_DECLS

typedef enum
{
  ALTA_LOAD_STATE_LOADING,
  ALTA_LOAD_STATE_LOADED,
  ALTA_LOAD_STATE_FAILED,
} AltaLoadState;

/* Whether a refill of a prescription can be asked for, as the record says */
typedef enum
{
  ALTA_REFILL_CHECK_ALLOWED,
  ALTA_REFILL_CHECK_NOT_ACTIVE,    /* stopped, completed...: no longer taken */
  ALTA_REFILL_CHECK_PENDING,       /* a request for it waits for the clinic */
  ALTA_REFILL_CHECK_NONE_LEFT,     /* every refill it allows was used, or it allows none */
} AltaRefillCheck;

#define ALTA_TYPE_LOAD_STATE (alta_load_state_get_type ())

GType alta_load_state_get_type (void) G_GNUC_CONST;

#define ALTA_TYPE_SESSION (alta_session_get_type ())

G_DECLARE_FINAL_TYPE (AltaSession, alta_session, ALTA, SESSION, GObject)

AltaSession      *alta_session_new                     (AltaPortalClient     *client,
                                                        AltaPortalAccount          *account,
                                                        gint64                idle_timeout_s);
AltaPortalClient *alta_session_get_client              (AltaSession          *self);
AltaPortalAccount *alta_session_get_account           (AltaSession          *self);
void              alta_session_set_account             (AltaSession          *self,
                                                        AltaPortalAccount    *account);
const char       *alta_session_get_own_name            (AltaSession          *self);
const char       *alta_session_get_record_id           (AltaSession          *self);
const char       *alta_session_get_record_name         (AltaSession          *self);
gboolean          alta_session_get_record_is_own       (AltaSession          *self);
gint64            alta_session_get_idle_timeout        (AltaSession          *self);
GListModel       *alta_session_get_records             (AltaSession          *self);
void              alta_session_show_record             (AltaSession          *self,
                                                        guint                 index);
GListModel       *alta_session_get_allergies           (AltaSession          *self);
GListModel       *alta_session_get_immunizations       (AltaSession          *self);
GListModel       *alta_session_get_medications         (AltaSession          *self);
GListModel       *alta_session_get_problems            (AltaSession          *self);
GListModel       *alta_session_get_reports             (AltaSession          *self);
GListModel       *alta_session_get_results             (AltaSession          *self);
GListModel       *alta_session_get_messages            (AltaSession          *self);
GListModel       *alta_session_get_vital_signs         (AltaSession          *self);
GListModel       *alta_session_get_refill_requests     (AltaSession          *self);
AltaRefillRequest *alta_session_find_refill_request    (AltaSession          *self,
                                                        const char           *medication_id);
guint             alta_session_count_completed_refills (AltaSession          *self,
                                                        const char           *medication_id);
AltaRefillCheck   alta_session_check_refill            (AltaSession          *self,
                                                        AltaMedication       *medication,
                                                        int                  *out_left);
void              alta_session_add_refill_request      (AltaSession          *self,
                                                        AltaRefillRequest    *request);
void              alta_session_refresh_refill_requests_async (AltaSession    *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_refresh_refill_requests_finish (AltaSession   *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
guint             alta_session_get_new_results         (AltaSession          *self);
guint             alta_session_get_unread_messages     (AltaSession          *self);
AltaLoadState     alta_session_get_messages_state      (AltaSession          *self);
AltaAppointment  *alta_session_get_next_appointment    (AltaSession          *self);
AltaLoadState     alta_session_get_appointment_state   (AltaSession          *self);
GListModel       *alta_session_get_upcoming            (AltaSession          *self);
GListModel       *alta_session_get_past                (AltaSession          *self);
GListModel       *alta_session_get_dental_requests     (AltaSession          *self);
AltaClinic       *alta_session_find_clinic             (AltaSession          *self,
                                                        const char           *location_id);
void              alta_session_refresh_appointments_async  (AltaSession      *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_refresh_appointments_finish (AltaSession      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean          alta_session_report_is_new           (AltaSession          *self,
                                                        AltaLabReport        *report);
guint             alta_session_count_out_of_range      (AltaSession          *self,
                                                        AltaLabReport        *report);
AltaLabReport    *alta_session_find_report             (AltaSession          *self,
                                                        const char           *id);
AltaLabResult    *alta_session_find_result             (AltaSession          *self,
                                                        const char           *id);
GPtrArray        *alta_session_get_results_with_code   (AltaSession          *self,
                                                        const char           *code);
void              alta_session_load_async              (AltaSession          *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_load_finish             (AltaSession          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* Messages */
void              alta_session_refresh_messages_async  (AltaSession          *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_refresh_messages_finish (AltaSession          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
GListModel       *alta_session_get_threads             (AltaSession          *self);
AltaMessageThread *alta_session_find_thread            (AltaSession          *self,
                                                        const char           *id);
GListModel       *alta_session_get_drafts              (AltaSession          *self);
AltaMessageDraft *alta_session_get_draft               (AltaSession          *self,
                                                        const char           *thread_id);
void              alta_session_send_draft_async        (AltaSession          *self,
                                                        AltaMessageDraft     *draft,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_send_draft_finish       (AltaSession          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void              alta_session_mark_thread_read_async  (AltaSession          *self,
                                                        const char           *thread_id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_mark_thread_read_finish (AltaSession          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* Polls: alta-notifier.c */
void              alta_session_poll_async              (AltaSession          *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean          alta_session_poll_finish             (AltaSession          *self,
                                                        GAsyncResult         *result,
                                                        guint                *out_new_messages,
                                                        guint                *out_new_results,
                                                        GError              **error);

G_END_DECLS
