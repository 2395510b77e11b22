/* alta-portal-client-appointments.c: appointments and dental requests, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-client"

#include "config.h"

#include "alta-portal-client-appointments.h"
#include "alta-portal-error.h"
#include "alta-schedule.h"

#include <string.h>

/* Cancelling is a JSON Patch of the status at the version the patient saw (the portal adds
 * the patient's cancellation reason itself); a dental request is a create of a proposed
 * Appointment with the periods that suit and the reason, as docs/api.md writes them. Both
 * are built on the client's generic writes, which carry the request id and If-Match.
 */

#define SERVICE_CATEGORY_SYSTEM "https://myaltamed.net/fhir/CodeSystem/service-category"

static void
appointment_written_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaRecordItem) item = NULL;
  GError *error = NULL;

  if (g_task_get_source_tag (task) == alta_portal_client_cancel_appointment_async)
    item = alta_portal_client_patch_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  else
    item = alta_portal_client_create_finish (ALTA_PORTAL_CLIENT (object), result, NULL, &error);

  if (item == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!ALTA_IS_APPOINTMENT (item))
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "The answer is not an Appointment");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&item), g_object_unref);
}

/**
 * alta_portal_client_cancel_appointment_async:
 * @self: an #AltaPortalClient
 * @appointment: a booked visit or a dental request, as read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the appointment as cancelled
 * @user_data: data for @callback
 *
 * Cancels a visit or a request (`PATCH /fhir/R4/Appointment/<id>`, status `cancelled`);
 * a booked visit's slot is free again.
 */
void
alta_portal_client_cancel_appointment_async (AltaPortalClient    *self,
                                             AltaAppointment     *appointment,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonArray) operations = json_array_new ();
  JsonObject *replace = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (ALTA_IS_APPOINTMENT (appointment));
  g_return_if_fail (alta_record_item_get_id (ALTA_RECORD_ITEM (appointment)) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_cancel_appointment_async);

  json_object_set_string_member (replace, "op", "replace");
  json_object_set_string_member (replace, "path", "/status");
  json_object_set_string_member (replace, "value", "cancelled");
  json_array_add_object_element (operations, replace);

  alta_portal_client_patch_async (self, ALTA_TYPE_APPOINTMENT,
                                  alta_record_item_get_id (ALTA_RECORD_ITEM (appointment)),
                                  operations,
                                  alta_record_item_get_version (ALTA_RECORD_ITEM (appointment)),
                                  cancellable, appointment_written_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_cancel_appointment_finish:
 * @error: %ALTA_PORTAL_ERROR_CONFLICT when the appointment changed meanwhile,
 *   %ALTA_PORTAL_ERROR_INVALID_FIELD when it can no longer be cancelled (it has begun)
 *
 * Returns: (transfer full) (nullable): the appointment as cancelled
 */
AltaAppointment *
alta_portal_client_cancel_appointment_finish (AltaPortalClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * alta_portal_client_request_dental_async:
 * @self: an #AltaPortalClient
 * @patient_id: the record the visit is for (the person's own, or a proxy record)
 * @periods: (array length=n_periods): the days and times that would suit
 * @n_periods: how many, 1 to %ALTA_APPOINTMENT_MAX_PERIODS
 * @reason: why the visit is asked for
 * @request_id: the id of this request, the same for every retry of it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the request as the portal keeps it
 * @user_data: data for @callback
 *
 * Asks the clinic for a dental visit (`POST /fhir/R4/Appointment`, status `proposed`); the
 * clinic books it or declines it later.
 */
void
alta_portal_client_request_dental_async (AltaPortalClient          *self,
                                         const char                *patient_id,
                                         const AltaRequestedPeriod *periods,
                                         guint                      n_periods,
                                         const char                *reason,
                                         const char                *request_id,
                                         GCancellable              *cancellable,
                                         GAsyncReadyCallback        callback,
                                         gpointer                   user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonObject) appointment = json_object_new ();
  g_autofree char *patient_reference = NULL;
  JsonArray *categories = json_array_new ();
  JsonObject *category = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();
  JsonArray *requested = json_array_new ();
  JsonArray *participants = json_array_new ();
  JsonObject *participant = json_object_new ();
  JsonObject *actor = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (patient_id != NULL);
  g_return_if_fail (periods != NULL && n_periods > 0 && n_periods <= ALTA_APPOINTMENT_MAX_PERIODS);
  g_return_if_fail (reason != NULL);
  g_return_if_fail (request_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_request_dental_async);

  json_object_set_string_member (appointment, "status", "proposed");
  json_object_set_string_member (coding, "system", SERVICE_CATEGORY_SYSTEM);
  json_object_set_string_member (coding, "code", "dental");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (category, "coding", codings);
  json_array_add_object_element (categories, category);
  json_object_set_array_member (appointment, "serviceCategory", categories);

  for (guint i = 0; i < n_periods; i++)
    {
      JsonObject *period = json_object_new ();
      g_autofree char *start = g_date_time_format (periods[i].start, "%FT%T%:z");
      g_autofree char *end = g_date_time_format (periods[i].end, "%FT%T%:z");

      json_object_set_string_member (period, "start", start);
      json_object_set_string_member (period, "end", end);
      json_array_add_object_element (requested, period);
    }
  json_object_set_array_member (appointment, "requestedPeriod", requested);
  json_object_set_string_member (appointment, "comment", reason);

  patient_reference = g_strconcat ("Patient/", patient_id, NULL);
  json_object_set_string_member (actor, "reference", patient_reference);
  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "status", "accepted");
  json_array_add_object_element (participants, participant);
  json_object_set_array_member (appointment, "participant", participants);

  alta_portal_client_create_async (self, ALTA_TYPE_APPOINTMENT, appointment, request_id,
                                   cancellable, appointment_written_cb, g_steal_pointer (&task));
}

/**
 * alta_portal_client_request_dental_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_FIELD when the portal refused it (a period in the past,
 *   no reason): its message says why
 *
 * Returns: (transfer full) (nullable): the request as the portal keeps it
 */
AltaAppointment *
alta_portal_client_request_dental_finish (AltaPortalClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The dental clinic: where the dental schedules are */

static void
dental_clinic_read_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AltaRecordItem *clinic;
  GError *error = NULL;

  clinic = alta_portal_client_read_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (clinic == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, clinic, g_object_unref);
}

static void
dental_schedules_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GListStore) schedules = NULL;
  const char * const *preferred = g_task_get_task_data (task);
  g_autofree char *chosen = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  schedules = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (schedules == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A clinic of the record's own dental visits first, else the first by id (the same
   * every time) */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (schedules)); i++)
    {
      g_autoptr (AltaSchedule) schedule = g_list_model_get_item (G_LIST_MODEL (schedules), i);
      const char *location = alta_schedule_get_location_id (schedule);

      if (location == NULL || alta_schedule_get_service (schedule) != ALTA_SERVICE_DENTAL)
        continue;
      if (preferred != NULL && g_strv_contains (preferred, location))
        {
          g_free (chosen);
          chosen = g_strdup (location);
          break;
        }
      if (chosen == NULL || strcmp (location, chosen) < 0)
        {
          g_free (chosen);
          chosen = g_strdup (location);
        }
    }
  if (chosen == NULL)
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND,
                               "The portal has no dental schedule");
      return;
    }

  cancellable = g_task_get_cancellable (task);
  alta_portal_client_read_async (ALTA_PORTAL_CLIENT (object), ALTA_TYPE_CLINIC, chosen,
                                 ALTA_REQUEST_NONE, cancellable, dental_clinic_read_cb,
                                 g_steal_pointer (&task));
}

/**
 * alta_portal_client_find_dental_clinic_async:
 * @preferred_ids: (nullable) (array zero-terminated=1): Location ids of the record's own
 *   dental visits, to choose first
 *
 * Finds the clinic that takes dental requests (the Location of a dental Schedule), for the
 * time zone its days and times are asked in.
 */
void
alta_portal_client_find_dental_clinic_async (AltaPortalClient    *self,
                                             const char * const  *preferred_ids,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_portal_client_find_dental_clinic_async);
  g_task_set_task_data (task, g_strdupv ((char **)preferred_ids), (GDestroyNotify)g_strfreev);
  alta_portal_client_search_async (self, ALTA_TYPE_SCHEDULE,
                                   (const char *[]) { "service-category", "dental", NULL },
                                   ALTA_REQUEST_NONE, cancellable, dental_schedules_cb, task);
}

/**
 * alta_portal_client_find_dental_clinic_finish:
 *
 * Returns: (transfer full): the dental clinic, or %NULL with %ALTA_PORTAL_ERROR_NOT_FOUND when
 *   the portal has no dental schedule
 */
AltaClinic *
alta_portal_client_find_dental_clinic_finish (AltaPortalClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
