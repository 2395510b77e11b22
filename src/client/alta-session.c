/* alta-session.c: everything a signed-in person has, and nothing outside it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-session"

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "alta-allergy.h"
#include "alta-bench.h"
#include "alta-care-team.h"
#include "alta-format.h"
#include "alta-clinic.h"
#include "alta-immunization.h"
#include "alta-medication.h"
#include "alta-message.h"
#include "alta-portal-error.h"
#include "alta-problem.h"
#include "alta-refill-request.h"
#include "alta-session.h"
#include "alta-vital-sign.h"

/* The one root of patient data in the app: the account, the record shown, the list models
 * the pages bind to and what the home page counts. The window holds the session while a
 * person is signed in; signing out drops it. Its dispose empties and drops every model, and
 * nothing here talks to the portal on the way out: signing out at the portal is the
 * window's call, through the client.
 */

struct _AltaSession
{
  GObject           parent_instance;

  /* Owned references */
  AltaPortalClient *client;
  AltaPortalAccount      *account;
  gint64            idle_timeout_s;
  gint64            last_visit;       /* the account's previous sign-in (Unix time), for what is new */

  /* The record shown */
  char             *record_id;
  char             *record_name;
  gboolean          record_is_own;
  GtkStringList    *records;          /* the names of the records this account may see */

  /* Patient data */
  GListStore       *allergies;
  GListStore       *immunizations;
  GListStore       *medications;
  GListStore       *problems;
  GListStore       *reports;
  GListStore       *results;
  GListStore       *messages;
  GListStore       *vital_signs;      /* AltaVitalSign, newest first */
  GListStore       *refill_requests;  /* AltaRefillRequest, newest first */
  GHashTable       *results_by_id;    /* id → AltaLabResult, both owned by the results */
  GHashTable       *results_by_code;  /* code → GPtrArray of AltaLabResult */
  AltaAppointment  *next_appointment;
  GListStore       *upcoming;         /* AltaAppointment booked, soonest first */
  GListStore       *past;             /* AltaAppointment, newest first */
  GListStore       *dental_requests;  /* AltaAppointment, dental requests and their answers */
  GHashTable       *clinics;          /* Location id → AltaClinic, where the visits are */
  guint             appointments_generation; /* of the last refresh asked for */
  guint             new_results;
  guint             unread_messages;
  AltaLoadState     messages_state;
  AltaLoadState     appointment_state;

  /* Messages: threads made from the messages, drafts kept until sent */
  GListStore       *threads;          /* AltaMessageThread, newest first */
  GListStore       *drafts;           /* AltaMessageDraft */
  char             *care_team_id;     /* the record shown's, once a message looked it up */
  gboolean          reports_loaded;   /* what a poll finds new is new to these */
};

G_DEFINE_FINAL_TYPE (AltaSession, alta_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AltaLoadState, alta_load_state,
                    G_DEFINE_ENUM_VALUE (ALTA_LOAD_STATE_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (ALTA_LOAD_STATE_LOADED, "loaded"),
                    G_DEFINE_ENUM_VALUE (ALTA_LOAD_STATE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_OWN_NAME,
  PROP_RECORD_ID,
  PROP_RECORD_NAME,
  PROP_RECORD_IS_OWN,
  PROP_IDLE_TIMEOUT,
  PROP_RECORDS,
  PROP_ALLERGIES,
  PROP_IMMUNIZATIONS,
  PROP_MEDICATIONS,
  PROP_PROBLEMS,
  PROP_REPORTS,
  PROP_RESULTS,
  PROP_MESSAGES,
  PROP_VITAL_SIGNS,
  PROP_REFILL_REQUESTS,
  PROP_NEW_RESULTS,
  PROP_UNREAD_MESSAGES,
  PROP_MESSAGES_STATE,
  PROP_NEXT_APPOINTMENT,
  PROP_APPOINTMENT_STATE,
  PROP_THREADS,
  PROP_DRAFTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_new_results (AltaSession *self,
                 guint        new_results)
{
  if (self->new_results == new_results)
    return;

  self->new_results = new_results;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_RESULTS]);
}

static void
set_unread_messages (AltaSession *self,
                     guint        unread_messages)
{
  if (self->unread_messages == unread_messages)
    return;

  self->unread_messages = unread_messages;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_MESSAGES]);
}

static void
set_messages_state (AltaSession   *self,
                    AltaLoadState  state)
{
  if (self->messages_state == state)
    return;

  self->messages_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGES_STATE]);
}

static void
set_appointment (AltaSession     *self,
                 AltaAppointment *appointment,
                 AltaLoadState    state)
{
  if (g_set_object (&self->next_appointment, appointment))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_APPOINTMENT]);

  if (self->appointment_state != state)
    {
      self->appointment_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPOINTMENT_STATE]);
    }
}

/* Every model empty, and nothing counted; the results' index first, as it borrows from them */
static void
empty_record (AltaSession *self)
{
  GListStore *stores[] = {
    self->allergies, self->immunizations, self->medications, self->problems, self->reports,
    self->messages, self->vital_signs, self->upcoming, self->past, self->dental_requests,
    self->refill_requests,
  };

  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    if (stores[i] != NULL)
      g_list_store_remove_all (stores[i]);
  if (self->results_by_id != NULL)
    g_hash_table_remove_all (self->results_by_id);
  if (self->results_by_code != NULL)
    g_hash_table_remove_all (self->results_by_code);
  if (self->clinics != NULL)
    g_hash_table_remove_all (self->clinics);
  if (self->results != NULL)
    g_list_store_remove_all (self->results);
  if (self->threads != NULL)
    g_list_store_remove_all (self->threads);
  g_clear_pointer (&self->care_team_id, g_free);
  self->reports_loaded = FALSE;
}

static void
alta_session_dispose (GObject *object)
{
  AltaSession *self = (AltaSession *)object;

  /* Whoever still holds a model of ours keeps an empty one */
  empty_record (self);
  g_clear_object (&self->next_appointment);
  g_clear_object (&self->allergies);
  g_clear_object (&self->immunizations);
  g_clear_object (&self->medications);
  g_clear_object (&self->problems);
  g_clear_object (&self->reports);
  g_clear_object (&self->results);
  g_clear_object (&self->messages);
  g_clear_object (&self->vital_signs);
  g_clear_object (&self->upcoming);
  g_clear_object (&self->past);
  g_clear_object (&self->dental_requests);
  g_clear_object (&self->refill_requests);
  g_clear_object (&self->threads);
  /* Drafts never outlive the session: what was typed goes with it */
  if (self->drafts != NULL)
    g_list_store_remove_all (self->drafts);
  g_clear_object (&self->drafts);
  g_clear_pointer (&self->clinics, g_hash_table_unref);
  g_clear_pointer (&self->results_by_id, g_hash_table_unref);
  g_clear_pointer (&self->results_by_code, g_hash_table_unref);
  if (self->records != NULL)
    gtk_string_list_splice (self->records, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->records)), NULL);
  g_clear_object (&self->records);
  g_clear_object (&self->account);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (alta_session_parent_class)->dispose (object);
}

static void
alta_session_finalize (GObject *object)
{
  AltaSession *self = (AltaSession *)object;

  g_clear_pointer (&self->record_id, g_free);
  g_clear_pointer (&self->record_name, g_free);

  G_OBJECT_CLASS (alta_session_parent_class)->finalize (object);
}

static void
alta_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AltaSession *self = ALTA_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_OWN_NAME:
      g_value_set_string (value, alta_session_get_own_name (self));
      break;
    case PROP_RECORD_ID:
      g_value_set_string (value, self->record_id);
      break;
    case PROP_RECORD_NAME:
      g_value_set_string (value, self->record_name);
      break;
    case PROP_RECORD_IS_OWN:
      g_value_set_boolean (value, self->record_is_own);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_int64 (value, self->idle_timeout_s);
      break;
    case PROP_RECORDS:
      g_value_set_object (value, self->records);
      break;
    case PROP_ALLERGIES:
      g_value_set_object (value, self->allergies);
      break;
    case PROP_IMMUNIZATIONS:
      g_value_set_object (value, self->immunizations);
      break;
    case PROP_MEDICATIONS:
      g_value_set_object (value, self->medications);
      break;
    case PROP_PROBLEMS:
      g_value_set_object (value, self->problems);
      break;
    case PROP_REPORTS:
      g_value_set_object (value, self->reports);
      break;
    case PROP_RESULTS:
      g_value_set_object (value, self->results);
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_VITAL_SIGNS:
      g_value_set_object (value, self->vital_signs);
      break;
    case PROP_REFILL_REQUESTS:
      g_value_set_object (value, self->refill_requests);
      break;
    case PROP_NEW_RESULTS:
      g_value_set_uint (value, self->new_results);
      break;
    case PROP_UNREAD_MESSAGES:
      g_value_set_uint (value, self->unread_messages);
      break;
    case PROP_MESSAGES_STATE:
      g_value_set_enum (value, self->messages_state);
      break;
    case PROP_NEXT_APPOINTMENT:
      g_value_set_object (value, self->next_appointment);
      break;
    case PROP_APPOINTMENT_STATE:
      g_value_set_enum (value, self->appointment_state);
      break;
    case PROP_THREADS:
      g_value_set_object (value, self->threads);
      break;
    case PROP_DRAFTS:
      g_value_set_object (value, self->drafts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_session_class_init (AltaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = alta_session_dispose;
  object_class->finalize = alta_session_finalize;
  object_class->get_property = alta_session_get_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, ALTA_TYPE_PORTAL_CLIENT, flags);
  properties[PROP_OWN_NAME] = g_param_spec_string ("own-name", NULL, NULL, NULL, flags);
  properties[PROP_RECORD_ID] = g_param_spec_string ("record-id", NULL, NULL, NULL, flags);
  properties[PROP_RECORD_NAME] = g_param_spec_string ("record-name", NULL, NULL, NULL, flags);
  properties[PROP_RECORD_IS_OWN] =
    g_param_spec_boolean ("record-is-own", NULL, NULL, TRUE, flags);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_int64 ("idle-timeout", NULL, NULL, 0, G_MAXINT64, 900, flags);
  properties[PROP_RECORDS] =
    g_param_spec_object ("records", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_ALLERGIES] =
    g_param_spec_object ("allergies", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_IMMUNIZATIONS] =
    g_param_spec_object ("immunizations", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_MEDICATIONS] =
    g_param_spec_object ("medications", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_PROBLEMS] =
    g_param_spec_object ("problems", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_REPORTS] =
    g_param_spec_object ("reports", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_RESULTS] =
    g_param_spec_object ("results", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_VITAL_SIGNS] =
    g_param_spec_object ("vital-signs", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_REFILL_REQUESTS] =
    g_param_spec_object ("refill-requests", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_NEW_RESULTS] =
    g_param_spec_uint ("new-results", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_UNREAD_MESSAGES] =
    g_param_spec_uint ("unread-messages", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MESSAGES_STATE] =
    g_param_spec_enum ("messages-state", NULL, NULL, ALTA_TYPE_LOAD_STATE,
                       ALTA_LOAD_STATE_LOADING, flags);
  properties[PROP_NEXT_APPOINTMENT] =
    g_param_spec_object ("next-appointment", NULL, NULL, ALTA_TYPE_APPOINTMENT, flags);
  properties[PROP_APPOINTMENT_STATE] =
    g_param_spec_enum ("appointment-state", NULL, NULL, ALTA_TYPE_LOAD_STATE,
                       ALTA_LOAD_STATE_LOADING, flags);
  properties[PROP_THREADS] =
    g_param_spec_object ("threads", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_DRAFTS] =
    g_param_spec_object ("drafts", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_session_init (AltaSession *self)
{
  self->allergies = g_list_store_new (ALTA_TYPE_ALLERGY);
  self->immunizations = g_list_store_new (ALTA_TYPE_IMMUNIZATION);
  self->medications = g_list_store_new (ALTA_TYPE_MEDICATION);
  self->problems = g_list_store_new (ALTA_TYPE_PROBLEM);
  self->reports = g_list_store_new (ALTA_TYPE_LAB_REPORT);
  self->results = g_list_store_new (ALTA_TYPE_LAB_RESULT);
  self->vital_signs = g_list_store_new (ALTA_TYPE_VITAL_SIGN);
  self->messages = g_list_store_new (ALTA_TYPE_MESSAGE);
  self->upcoming = g_list_store_new (ALTA_TYPE_APPOINTMENT);
  self->past = g_list_store_new (ALTA_TYPE_APPOINTMENT);
  self->dental_requests = g_list_store_new (ALTA_TYPE_APPOINTMENT);
  self->refill_requests = g_list_store_new (ALTA_TYPE_REFILL_REQUEST);
  self->threads = g_list_store_new (ALTA_TYPE_MESSAGE_THREAD);
  self->drafts = g_list_store_new (ALTA_TYPE_MESSAGE_DRAFT);
  self->clinics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->results_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->results_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify)g_ptr_array_unref);
  self->records = gtk_string_list_new (NULL);
  self->record_is_own = TRUE;
  self->messages_state = ALTA_LOAD_STATE_LOADING;
  self->appointment_state = ALTA_LOAD_STATE_LOADING;
}

/**
 * alta_session_new:
 * @client: the client, holding the session's token
 * @account: the account signed in
 * @idle_timeout_s: the portal's idle limit
 *
 * Returns: (transfer full): a session showing the account's own record
 */
AltaSession *
alta_session_new (AltaPortalClient *client,
                  AltaPortalAccount      *account,
                  gint64            idle_timeout_s)
{
  AltaSession *self;

  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (client), NULL);
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (account), NULL);

  self = g_object_new (ALTA_TYPE_SESSION, NULL);
  self->client = g_object_ref (client);
  self->account = g_object_ref (account);
  self->idle_timeout_s = idle_timeout_s;
  self->last_visit = alta_portal_account_get_previous_sign_in (account);
  self->record_id = g_strdup (alta_portal_account_get_patient_id (account));
  self->record_name = g_strdup (alta_portal_account_get_own_name (account));

  for (guint i = 0; i < alta_portal_account_get_n_records (account); i++)
    gtk_string_list_append (self->records, alta_portal_account_get_record_name (account, i));

  return self;
}

AltaPortalClient *
alta_session_get_client (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->client;
}

/**
 * alta_session_get_own_name:
 *
 * Returns: (nullable): the signed-in patient's name
 */
const char *
alta_session_get_own_name (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->account != NULL ? alta_portal_account_get_own_name (self->account) : NULL;
}

/**
 * alta_session_get_record_id:
 *
 * Returns: (nullable): the patient id of the record shown
 */
const char *
alta_session_get_record_id (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->record_id;
}

/**
 * alta_session_get_record_name:
 *
 * Returns: (nullable): whose record is shown
 */
const char *
alta_session_get_record_name (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->record_name;
}

gboolean
alta_session_get_record_is_own (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), FALSE);

  return self->record_is_own;
}

gint64
alta_session_get_idle_timeout (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), 0);

  return self->idle_timeout_s;
}

/**
 * alta_session_get_records:
 *
 * Returns: (transfer none): a #GListModel of #GtkStringObject: the names of the records this
 *   account may see today, its own first
 */
GListModel *
alta_session_get_records (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return G_LIST_MODEL (self->records);
}

#define MODEL_GETTER(name) \
  GListModel * \
  alta_session_get_##name (AltaSession *self) \
  { \
    g_return_val_if_fail (ALTA_IS_SESSION (self), NULL); \
    return G_LIST_MODEL (self->name); \
  }

MODEL_GETTER (allergies)
MODEL_GETTER (immunizations)
MODEL_GETTER (medications)
MODEL_GETTER (problems)
MODEL_GETTER (reports)
MODEL_GETTER (results)
MODEL_GETTER (messages)
MODEL_GETTER (vital_signs)
MODEL_GETTER (refill_requests)
MODEL_GETTER (upcoming)
MODEL_GETTER (past)
MODEL_GETTER (dental_requests)

/**
 * alta_session_find_clinic:
 * @location_id: (nullable): a Location's id, as an appointment names it
 *
 * Returns: (transfer none) (nullable): the clinic, with its address and time zone, once read
 */
AltaClinic *
alta_session_find_clinic (AltaSession *self,
                          const char  *location_id)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return location_id != NULL ? g_hash_table_lookup (self->clinics, location_id) : NULL;
}

/**
 * alta_session_get_new_results:
 *
 * Returns: how many of the record's reports were released since the last visit
 */
guint
alta_session_get_new_results (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), 0);

  return self->new_results;
}

/**
 * alta_session_get_unread_messages:
 *
 * Returns: how many messages from the care team are not read yet
 */
guint
alta_session_get_unread_messages (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), 0);

  return self->unread_messages;
}

AltaLoadState
alta_session_get_messages_state (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), ALTA_LOAD_STATE_FAILED);

  return self->messages_state;
}

/**
 * alta_session_get_next_appointment:
 *
 * Returns: (transfer none) (nullable): the next booked appointment, once loaded
 */
AltaAppointment *
alta_session_get_next_appointment (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->next_appointment;
}

AltaLoadState
alta_session_get_appointment_state (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), ALTA_LOAD_STATE_FAILED);

  return self->appointment_state;
}

/**
 * alta_session_show_record:
 * @index: a position in alta_session_get_records()
 *
 * Shows another record: every model empties, for alta_session_load_async() to fill again.
 */
void
alta_session_show_record (AltaSession *self,
                          guint        index)
{
  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->account != NULL);
  g_return_if_fail (index < alta_portal_account_get_n_records (self->account));

  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->record_id);
  g_free (self->record_name);
  self->record_id = g_strdup (alta_portal_account_get_record_id (self->account, index));
  self->record_name = g_strdup (alta_portal_account_get_record_name (self->account, index));
  self->record_is_own = index == 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD_IS_OWN]);

  empty_record (self);
  /* A refresh of the record before is no longer wanted */
  self->appointments_generation++;
  set_new_results (self, 0);
  set_unread_messages (self, 0);
  set_messages_state (self, ALTA_LOAD_STATE_LOADING);
  set_appointment (self, NULL, ALTA_LOAD_STATE_LOADING);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A report names its values by id, and a trend gathers a test's values by code: both are
 * looked up here rather than by walking thousands of results each time. The index starts
 * empty: it is emptied before the results it borrows from are replaced.
 */
static void
index_results (AltaSession *self,
               GPtrArray   *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      AltaLabResult *result = g_ptr_array_index (results, i);
      const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (result));
      const char *code = alta_lab_result_get_code (result);

      if (id != NULL)
        g_hash_table_insert (self->results_by_id, (char *)id, result);
      if (code != NULL)
        {
          GPtrArray *series = g_hash_table_lookup (self->results_by_code, code);

          if (series == NULL)
            {
              series = g_ptr_array_new ();
              g_hash_table_insert (self->results_by_code, (char *)code, series);
            }
          g_ptr_array_add (series, result);
        }
    }
}

/* Results released since the last visit, from the reports */
static void
count_new_results (AltaSession *self)
{
  GListModel *reports = G_LIST_MODEL (self->reports);
  guint n_new = 0;

  for (guint i = 0; i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (AltaRecordItem) report = g_list_model_get_item (reports, i);
      if (alta_session_report_is_new (self, ALTA_LAB_REPORT (report)))
        n_new++;
    }

  set_new_results (self, n_new);
}

/**
 * alta_session_report_is_new:
 * @report: a report of the record shown
 *
 * Returns: whether @report was released since the previous visit, as the new-results
 *   count counts it
 */
gboolean
alta_session_report_is_new (AltaSession   *self,
                            AltaLabReport *report)
{
  GDateTime *updated;

  g_return_val_if_fail (ALTA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (report), FALSE);

  updated = alta_record_item_get_updated (ALTA_RECORD_ITEM (report));
  return updated != NULL && g_date_time_to_unix (updated) > self->last_visit;
}

/**
 * alta_session_count_out_of_range:
 * @report: a report of the record shown
 *
 * Returns: how many of @report's values are flagged outside their normal range (0 until
 *   the record's results are loaded)
 */
guint
alta_session_count_out_of_range (AltaSession   *self,
                                 AltaLabReport *report)
{
  const char * const *ids;
  guint n_out = 0;

  g_return_val_if_fail (ALTA_IS_SESSION (self), 0);
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (report), 0);

  ids = alta_lab_report_get_result_ids (report);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      AltaLabResult *result = g_hash_table_lookup (self->results_by_id, ids[i]);
      AltaResultFlag flag = result != NULL ? alta_lab_result_get_flag (result)
                                           : ALTA_RESULT_FLAG_NONE;

      if (flag != ALTA_RESULT_FLAG_NONE && flag != ALTA_RESULT_FLAG_NORMAL)
        n_out++;
    }

  return n_out;
}

/**
 * alta_session_find_report:
 * @id: a report's (DiagnosticReport's) id
 *
 * Returns: (transfer none) (nullable): the report of the record shown with that id
 */
AltaLabReport *
alta_session_find_report (AltaSession *self,
                          const char  *id)
{
  GListModel *reports;

  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  reports = G_LIST_MODEL (self->reports);
  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (AltaRecordItem) report = g_list_model_get_item (reports, i);

      if (g_strcmp0 (alta_record_item_get_id (report), id) == 0)
        return ALTA_LAB_REPORT (report);
    }

  return NULL;
}

/**
 * alta_session_find_result:
 * @id: a result's (Observation's) id
 *
 * Returns: (transfer none) (nullable): the result of the record shown with that id
 */
AltaLabResult *
alta_session_find_result (AltaSession *self,
                          const char  *id)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return id != NULL ? g_hash_table_lookup (self->results_by_id, id) : NULL;
}

/**
 * alta_session_get_results_with_code:
 * @code: (nullable): a test's code
 *
 * Returns: (transfer full) (element-type AltaLabResult): the record's results of that test
 */
GPtrArray *
alta_session_get_results_with_code (AltaSession *self,
                                    const char  *code)
{
  GPtrArray *series;
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (ALTA_IS_SESSION (self), copy);

  series = code != NULL ? g_hash_table_lookup (self->results_by_code, code) : NULL;
  for (guint i = 0; series != NULL && i < series->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (series, i)));

  return copy;
}

/* One load of the record: its searches run at once; the first error of the record's lists
 * ends it. Messages and the next appointment have their own state instead: the home page
 * says when they could not be checked. */
typedef struct
{
  guint   pending;
  GError *error;
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_error (&load->error);
  g_free (load);
}

typedef enum
{
  PART_ALLERGIES,
  PART_IMMUNIZATIONS,
  PART_MEDICATIONS,
  PART_PROBLEMS,
  PART_REPORTS,
  PART_RESULTS,
  PART_VITAL_SIGNS,
  PART_REFILLS,
  PART_MESSAGES,
  PART_APPOINTMENT,
  N_PARTS
} PartKind;

typedef struct
{
  GTask    *task;
  PartKind  kind;
} Part;

/* What is current comes first: medications being taken, problems not resolved */
static gboolean
is_current (AltaRecordItem *item)
{
  const char *status = alta_record_item_get_status (item);

  if (ALTA_IS_PROBLEM (item))
    return status == NULL || g_str_equal (status, "active") ||
           g_str_equal (status, "recurrence") || g_str_equal (status, "relapse");
  return g_strcmp0 (status, "active") == 0;
}

/* Current first, each group in the search's order (newest first): the sort is stable */
static int
compare_current_first (gconstpointer a,
                       gconstpointer b)
{
  return is_current (*(AltaRecordItem **)b) - is_current (*(AltaRecordItem **)a);
}

static GListStore *
store_of_part (AltaSession *self,
               PartKind     kind)
{
  switch (kind)
    {
    case PART_ALLERGIES:
      return self->allergies;
    case PART_IMMUNIZATIONS:
      return self->immunizations;
    case PART_MEDICATIONS:
      return self->medications;
    case PART_PROBLEMS:
      return self->problems;
    case PART_REPORTS:
      return self->reports;
    case PART_RESULTS:
      return self->results;
    case PART_MESSAGES:
      return self->messages;
    case PART_VITAL_SIGNS:
      return self->vital_signs;
    case PART_REFILLS:
      return self->refill_requests;
    case PART_APPOINTMENT:
    case N_PARTS:
    default:
      return NULL;
    }
}

/* The messages changed: their threads and the unread count follow */
static void
messages_changed (AltaSession *self)
{
  GListModel *messages = G_LIST_MODEL (self->messages);
  g_autoptr (GPtrArray) threads = alta_message_thread_collect (messages);
  guint unread = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr (AltaMessage) message = g_list_model_get_item (messages, i);

      if (alta_message_get_is_unread (message))
        unread++;
    }

  g_list_store_splice (self->threads, 0, g_list_model_get_n_items (G_LIST_MODEL (self->threads)),
                       threads->pdata, threads->len);
  set_unread_messages (self, unread);
}

static void
fill_store (AltaSession *self,
            PartKind     kind,
            GListModel  *items)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GListStore *store = store_of_part (self, kind);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    g_ptr_array_add (all, g_list_model_get_item (items, i));
  if (kind == PART_MEDICATIONS || kind == PART_PROBLEMS)
    g_ptr_array_sort (all, compare_current_first);
  if (kind == PART_RESULTS)
    {
      /* The index borrows from the results: emptied before the old ones go, and filled
       * from the new ones (which @all holds) before the store announces them, so that a
       * report row counting its values on items-changed finds them */
      g_hash_table_remove_all (self->results_by_id);
      g_hash_table_remove_all (self->results_by_code);
      index_results (self, all);
    }
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       all->pdata, all->len);

  switch (kind)
    {
    case PART_REPORTS:
      self->reports_loaded = TRUE;
      count_new_results (self);
      break;
    case PART_MESSAGES:
      messages_changed (self);
      break;
    case PART_RESULTS:
    case PART_ALLERGIES:
    case PART_IMMUNIZATIONS:
    case PART_MEDICATIONS:
    case PART_PROBLEMS:
    case PART_VITAL_SIGNS:
    case PART_REFILLS:
    case PART_APPOINTMENT:
    case N_PARTS:
    default:
      break;
    }
}

static void finish_part (GTask *task);

/* `bench load-PART-arrived` when a part's search has answered its last page, `-filled`
 * once its store is filled (tests/bench/bench-client.py logs them as a timeline) */
static void
mark_part (PartKind    kind,
           const char *what)
{
  static const char * const names[N_PARTS] = {
    [PART_ALLERGIES] = "allergies",
    [PART_IMMUNIZATIONS] = "immunizations",
    [PART_MEDICATIONS] = "medications",
    [PART_PROBLEMS] = "problems",
    [PART_REPORTS] = "reports",
    [PART_RESULTS] = "results",
    [PART_VITAL_SIGNS] = "vital-signs",
    [PART_REFILLS] = "refills",
    [PART_MESSAGES] = "messages",
    [PART_APPOINTMENT] = "appointment",
  };
  g_autofree char *event = NULL;

  if (!alta_bench_enabled ())
    return;
  event = g_strdup_printf ("load-%s-%s", names[kind], what);
  alta_bench_mark (event);
}

static void
part_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Part *part = user_data;
  g_autoptr (GTask) task = part->task;
  g_autoptr (GListStore) items = NULL;
  g_autoptr (GError) error = NULL;
  PartKind kind = part->kind;
  Load *load = g_task_get_task_data (task);
  AltaSession *self = g_task_get_source_object (task);
  gboolean cancelled;

  g_free (part);
  items = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  mark_part (kind, "arrived");
  /* A session being disposed has no models left to fill */
  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              g_cancellable_is_cancelled (g_task_get_cancellable (task)) ||
              self->reports == NULL;

  if (kind == PART_MESSAGES)
    {
      if (items != NULL && !cancelled)
        {
          fill_store (self, kind, G_LIST_MODEL (items));
          set_messages_state (self, ALTA_LOAD_STATE_LOADED);
        }
      else if (!cancelled)
        {
          g_message ("Messages could not be counted: %s", error->message);
          set_messages_state (self, ALTA_LOAD_STATE_FAILED);
        }
    }
  else if (kind == PART_REFILLS && items == NULL)
    {
      /* A FHIR server without refill requests still shows the record */
      if (!cancelled)
        g_message ("Refill requests could not be read: %s", error->message);
    }
  else if (items != NULL && !cancelled)
    fill_store (self, kind, G_LIST_MODEL (items));
  else if (error != NULL && load->error == NULL)
    load->error = g_steal_pointer (&error);

  mark_part (kind, "filled");
  finish_part (task);
}

/* The appointments' part: a refresh, which says itself when it failed */
static void
appointments_part_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Part *part = user_data;
  g_autoptr (GTask) task = part->task;

  g_free (part);
  alta_session_refresh_appointments_finish (ALTA_SESSION (object), result, NULL);
  finish_part (task);
}

static void
finish_part (GTask *task)
{
  Load *load = g_task_get_task_data (task);

  if (--load->pending > 0 || g_task_return_error_if_cancelled (task))
    return;

  if (load->error != NULL)
    g_task_return_error (task, g_steal_pointer (&load->error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * alta_session_load_async:
 *
 * Loads the record shown: allergies, immunizations, medications, problems, reports and
 * their results, vital signs, messages and the next appointment.
 */
void
alta_session_load_async (AltaSession         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  const char *id;
  Load *load;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_load_async);
  load = g_new0 (Load, 1);
  load->pending = N_PARTS;
  g_task_set_task_data (task, load, load_free);
  alta_bench_mark ("load-start");

  id = self->record_id != NULL ? self->record_id : "";
  {
    /* The long lists (thousands of results for some patients) in the largest pages */
    const char *largest_page = G_STRINGIFY (ALTA_PORTAL_CLIENT_LARGEST_PAGE);
    const struct
    {
      GType               type;
      const char * const *params;
    } parts[N_PARTS] = {
      [PART_ALLERGIES] = { ALTA_TYPE_ALLERGY, (const char *[]) { "patient", id, NULL } },
      [PART_IMMUNIZATIONS] = { ALTA_TYPE_IMMUNIZATION,
                               (const char *[]) { "patient", id, "_sort", "-date", NULL } },
      [PART_MEDICATIONS] = { ALTA_TYPE_MEDICATION,
                             (const char *[]) { "patient", id, "_sort", "-authoredon", NULL } },
      [PART_PROBLEMS] = { ALTA_TYPE_PROBLEM,
                          (const char *[]) { "patient", id, "_sort", "-onset-date", NULL } },
      [PART_REPORTS] = { ALTA_TYPE_LAB_REPORT,
                         (const char *[]) { "patient", id, "_sort", "-date",
                                            "_count", largest_page, NULL } },
      [PART_RESULTS] = { ALTA_TYPE_LAB_RESULT,
                         (const char *[]) { "patient", id, "category", "laboratory",
                                            "_sort", "-date", "_count", largest_page, NULL } },
      [PART_VITAL_SIGNS] = { ALTA_TYPE_VITAL_SIGN,
                             (const char *[]) { "patient", id, "category", "vital-signs",
                                                "_sort", "-date", "_count", largest_page, NULL } },
      [PART_REFILLS] = { ALTA_TYPE_REFILL_REQUEST,
                         (const char *[]) { "patient", id, "code", "refill-request",
                                            "_sort", "-authored-on", "_count", "200", NULL } },
      [PART_MESSAGES] = { ALTA_TYPE_MESSAGE,
                          (const char *[]) { "patient", id, "_sort", "-sent", "_count", "200", NULL } },
      [PART_APPOINTMENT] = { ALTA_TYPE_APPOINTMENT, NULL },
    };

    for (guint i = 0; i < N_PARTS; i++)
      {
        Part *part = g_new0 (Part, 1);

        part->task = g_object_ref (task);
        part->kind = i;
        if (i == PART_APPOINTMENT)
          alta_session_refresh_appointments_async (self, cancellable, appointments_part_cb, part);
        else
          alta_portal_client_search_async (self->client, parts[i].type, parts[i].params,
                                           ALTA_REQUEST_NONE, cancellable, part_cb, part);
      }
  }
}

gboolean
alta_session_load_finish (AltaSession   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * alta_session_get_account:
 *
 * Returns: (transfer none): the signed-in account, with the records it may see
 */
AltaPortalAccount *
alta_session_get_account (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return self->account;
}

/**
 * alta_session_set_account:
 * @account: the account as the portal answered a change of it
 *
 * Keeps the session's account in step with what Preferences saved (contact details,
 * language). The records shown stay as they are.
 */
void
alta_session_set_account (AltaSession       *self,
                          AltaPortalAccount *account)
{
  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (ALTA_IS_PORTAL_ACCOUNT (account));

  g_set_object (&self->account, account);
}

/* Appointments: one search of the record's visits and requests, sorted here into what is
 * coming, what is past and the dental requests; then the clinics they name, for their
 * addresses and time zones. A refresh asked for later, or a record switch, makes an earlier
 * one drop what it read. */
typedef struct
{
  char       *record_id;
  guint       generation;
  GListStore *appointments;
  guint       pending;        /* clinic reads */
} Refresh;

static void
refresh_free (gpointer data)
{
  Refresh *refresh = data;

  g_free (refresh->record_id);
  g_clear_object (&refresh->appointments);
  g_free (refresh);
}

static gboolean
refresh_is_stale (AltaSession *self,
                  Refresh     *refresh)
{
  return self->upcoming == NULL || refresh->generation != self->appointments_generation ||
         g_strcmp0 (refresh->record_id, self->record_id) != 0;
}

static int
compare_soonest_first (gconstpointer a,
                       gconstpointer b)
{
  GDateTime *start_a = alta_appointment_get_start (*(AltaAppointment **)a);
  GDateTime *start_b = alta_appointment_get_start (*(AltaAppointment **)b);

  if (start_a == NULL || start_b == NULL)
    return (start_a == NULL) - (start_b == NULL);
  return g_date_time_compare (start_a, start_b);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  return compare_soonest_first (b, a);
}

static void
splice_all (GListStore *store,
            GPtrArray  *items)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata,
                       items->len);
}

static void
fill_appointments (AltaSession *self,
                   GListModel  *appointments)
{
  g_autoptr (GPtrArray) upcoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) past = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < g_list_model_get_n_items (appointments); i++)
    {
      g_autoptr (AltaAppointment) appointment = g_list_model_get_item (appointments, i);
      AltaAppointmentState state = alta_appointment_get_state (appointment);
      GDateTime *start = alta_appointment_get_start (appointment);
      gboolean is_request = alta_appointment_get_service (appointment) == ALTA_SERVICE_DENTAL &&
                            alta_appointment_get_n_requested_periods (appointment) > 0;

      /* A dental request shows as one while waiting, and with its answer after */
      if (is_request && (state == ALTA_APPOINTMENT_REQUESTED || state == ALTA_APPOINTMENT_DECLINED ||
                         state == ALTA_APPOINTMENT_BOOKED))
        g_ptr_array_add (requests, g_object_ref (appointment));

      if (start == NULL)
        continue;
      if (state == ALTA_APPOINTMENT_BOOKED && g_date_time_compare (start, now) >= 0)
        g_ptr_array_add (upcoming, g_object_ref (appointment));
      else if (g_date_time_compare (start, now) < 0 &&
               (state == ALTA_APPOINTMENT_BOOKED || state == ALTA_APPOINTMENT_ATTENDED ||
                state == ALTA_APPOINTMENT_MISSED))
        g_ptr_array_add (past, g_object_ref (appointment));
    }

  g_ptr_array_sort (upcoming, compare_soonest_first);
  g_ptr_array_sort (past, compare_newest_first);
  splice_all (self->upcoming, upcoming);
  splice_all (self->past, past);
  splice_all (self->dental_requests, requests);
  set_appointment (self, upcoming->len > 0 ? g_ptr_array_index (upcoming, 0) : NULL,
                   ALTA_LOAD_STATE_LOADED);
}

static void
refresh_done (GTask *task)
{
  AltaSession *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);

  if (refresh_is_stale (self, refresh))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "A newer refresh replaced this one");
      return;
    }

  fill_appointments (self, G_LIST_MODEL (refresh->appointments));
  g_task_return_boolean (task, TRUE);
}

static void
clinic_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AltaSession *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr (AltaRecordItem) clinic = NULL;
  g_autoptr (GError) error = NULL;

  clinic = alta_portal_client_read_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (clinic != NULL && ALTA_IS_CLINIC (clinic) && !refresh_is_stale (self, refresh) &&
      alta_record_item_get_id (clinic) != NULL)
    g_hash_table_replace (self->clinics, g_strdup (alta_record_item_get_id (clinic)),
                          g_object_ref (clinic));
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The visit still shows, with the clinic's name and without its address */
    g_message ("A clinic could not be read: %s", error->message);

  if (--refresh->pending == 0)
    refresh_done (task);
}

static void
appointments_searched_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AltaSession *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr (GHashTable) asked = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  refresh->appointments = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result,
                                                            &error);
  if (refresh->appointments == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !refresh_is_stale (self, refresh))
        {
          /* What was shown stays; the pages say it could not be checked */
          g_message ("Appointments could not be read: %s", error->message);
          set_appointment (self, self->next_appointment, ALTA_LOAD_STATE_FAILED);
        }
      g_task_return_error (task, error);
      return;
    }

  if (refresh_is_stale (self, refresh))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "A newer refresh replaced this one");
      return;
    }

  refresh->pending = 1;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (refresh->appointments)); i++)
    {
      g_autoptr (AltaAppointment) appointment = g_list_model_get_item (G_LIST_MODEL (refresh->appointments), i);
      const char *location_id = alta_appointment_get_location_id (appointment);

      if (location_id == NULL || g_hash_table_contains (self->clinics, location_id) ||
          g_hash_table_contains (asked, location_id))
        continue;

      g_hash_table_add (asked, (char *)location_id);
      refresh->pending++;
      alta_portal_client_read_async (self->client, ALTA_TYPE_CLINIC, location_id,
                                     ALTA_REQUEST_NONE, g_task_get_cancellable (task),
                                     clinic_read_cb, g_object_ref (task));
    }

  if (--refresh->pending == 0)
    refresh_done (task);
}

/**
 * alta_session_refresh_appointments_async:
 *
 * Reads the record's appointments and dental requests again, with their clinics: after a
 * booking, a cancellation or a request, or when the person asks. What is shown stays until
 * the new lists replace it.
 */
void
alta_session_refresh_appointments_async (AltaSession         *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Refresh *refresh;
  const char *id;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_refresh_appointments_async);
  refresh = g_new0 (Refresh, 1);
  refresh->record_id = g_strdup (self->record_id);
  refresh->generation = ++self->appointments_generation;
  g_task_set_task_data (task, refresh, refresh_free);

  id = self->record_id != NULL ? self->record_id : "";
  alta_portal_client_search_async (self->client, ALTA_TYPE_APPOINTMENT,
                                   (const char *[]) { "patient", id, "_sort", "-date",
                                                      "_count", "200", NULL },
                                   ALTA_REQUEST_NONE, cancellable, appointments_searched_cb,
                                   g_steal_pointer (&task));
}

gboolean
alta_session_refresh_appointments_finish (AltaSession   *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * alta_session_find_refill_request:
 * @medication_id: (nullable): a prescription's (MedicationRequest's) id
 *
 * Returns: (transfer none) (nullable): the newest refill request for that prescription
 */
AltaRefillRequest *
alta_session_find_refill_request (AltaSession *self,
                                  const char  *medication_id)
{
  GListModel *requests;

  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  requests = G_LIST_MODEL (self->refill_requests);
  for (guint i = 0; medication_id != NULL && i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr (AltaRefillRequest) request = g_list_model_get_item (requests, i);

      if (g_strcmp0 (alta_refill_request_get_medication_id (request), medication_id) == 0)
        return request;
    }

  return NULL;
}

/**
 * alta_session_count_completed_refills:
 * @medication_id: (nullable): a prescription's id
 *
 * Returns: how many refills of that prescription the clinic has sent: each one uses one of
 *   the refills it allows
 */
guint
alta_session_count_completed_refills (AltaSession *self,
                                      const char  *medication_id)
{
  GListModel *requests;
  guint n_completed = 0;

  g_return_val_if_fail (ALTA_IS_SESSION (self), 0);

  requests = G_LIST_MODEL (self->refill_requests);
  for (guint i = 0; medication_id != NULL && i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr (AltaRefillRequest) request = g_list_model_get_item (requests, i);

      if (g_strcmp0 (alta_refill_request_get_medication_id (request), medication_id) == 0 &&
          alta_refill_request_get_state (request) == ALTA_REFILL_COMPLETED)
        n_completed++;
    }

  return n_completed;
}

/**
 * alta_session_add_refill_request:
 * @request: a refill request the portal just made, of the record shown
 *
 * Puts @request first (the newest), in place of an older copy of it.
 */
void
alta_session_add_refill_request (AltaSession       *self,
                                 AltaRefillRequest *request)
{
  GListModel *requests;
  const char *id;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (ALTA_IS_REFILL_REQUEST (request));

  requests = G_LIST_MODEL (self->refill_requests);
  id = alta_record_item_get_id (ALTA_RECORD_ITEM (request));
  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr (AltaRecordItem) other = g_list_model_get_item (requests, i);

      if (g_strcmp0 (alta_record_item_get_id (other), id) == 0)
        {
          g_list_store_remove (self->refill_requests, i);
          break;
        }
    }
  g_list_store_insert (self->refill_requests, 0, request);
}

static void
refresh_refill_requests_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GListStore) items = NULL;
  g_autoptr (GError) error = NULL;
  AltaSession *self = g_task_get_source_object (task);
  const char *record_id = g_task_get_task_data (task);

  items = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Still the record it was asked for, and a session not signed out meanwhile */
  if (self->refill_requests != NULL && g_strcmp0 (record_id, self->record_id) == 0 &&
      !g_task_return_error_if_cancelled (task))
    {
      fill_store (self, PART_REFILLS, G_LIST_MODEL (items));
      g_task_return_boolean (task, TRUE);
    }
  else if (!g_task_had_error (task))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Another record is shown");
}

/**
 * alta_session_refresh_refill_requests_async:
 *
 * Reads the refill requests of the record shown again, on the app's own initiative (the
 * clinic answers them while the app runs).
 */
void
alta_session_refresh_refill_requests_async (AltaSession         *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  const char *id;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_refresh_refill_requests_async);
  id = self->record_id != NULL ? self->record_id : "";
  g_task_set_task_data (task, g_strdup (id), g_free);
  alta_portal_client_search_async (self->client, ALTA_TYPE_REFILL_REQUEST,
                                   (const char *[]) { "patient", id, "code", "refill-request",
                                                      "_sort", "-authored-on", "_count", "200",
                                                      NULL },
                                   ALTA_REQUEST_BACKGROUND, cancellable,
                                   refresh_refill_requests_cb, g_steal_pointer (&task));
}

gboolean
alta_session_refresh_refill_requests_finish (AltaSession   *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * alta_session_check_refill:
 * @medication: a prescription of the record shown
 * @out_left: (out) (optional): the refills it still allows
 *
 * The portal's own rules (docs/api.md, "Refill requests"), from what the record shows: a
 * refill is for a prescription still taken, with refills left (those it allows minus those
 * the clinic sent), and with no request waiting. The portal has the last word.
 *
 * Returns: whether a refill can be requested, or why not
 */
AltaRefillCheck
alta_session_check_refill (AltaSession    *self,
                           AltaMedication *medication,
                           int            *out_left)
{
  const char *id;
  AltaRefillRequest *last;
  int left;

  g_return_val_if_fail (ALTA_IS_SESSION (self), ALTA_REFILL_CHECK_NOT_ACTIVE);
  g_return_val_if_fail (ALTA_IS_MEDICATION (medication), ALTA_REFILL_CHECK_NOT_ACTIVE);

  id = alta_record_item_get_id (ALTA_RECORD_ITEM (medication));
  last = alta_session_find_refill_request (self, id);
  /* None written is none allowed */
  left = MAX (alta_medication_get_refills (medication), 0);
  left = MAX (left - (int)alta_session_count_completed_refills (self, id), 0);
  if (out_left != NULL)
    *out_left = left;

  if (g_strcmp0 (alta_record_item_get_status (ALTA_RECORD_ITEM (medication)), "active") != 0)
    return ALTA_REFILL_CHECK_NOT_ACTIVE;
  if (last != NULL && alta_refill_request_get_state (last) == ALTA_REFILL_PENDING)
    return ALTA_REFILL_CHECK_PENDING;
  if (left == 0)
    return ALTA_REFILL_CHECK_NONE_LEFT;
  return ALTA_REFILL_CHECK_ALLOWED;
}

/**
 * alta_session_get_threads:
 *
 * Returns: (transfer none): the record's conversations (#AltaMessageThread), the one with
 *   the newest message first
 */
GListModel *
alta_session_get_threads (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return G_LIST_MODEL (self->threads);
}

/**
 * alta_session_find_thread:
 * @id: (nullable): the id of a thread's first message
 *
 * Returns: (transfer none) (nullable): that thread of the record shown
 */
AltaMessageThread *
alta_session_find_thread (AltaSession *self,
                          const char  *id)
{
  GListModel *threads;

  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  threads = G_LIST_MODEL (self->threads);
  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (threads); i++)
    {
      g_autoptr (AltaMessageThread) thread = g_list_model_get_item (threads, i);

      if (g_strcmp0 (alta_message_thread_get_id (thread), id) == 0)
        return thread;
    }

  return NULL;
}

/**
 * alta_session_get_drafts:
 *
 * Returns: (transfer none): every message being written (#AltaMessageDraft), of any record
 *   this account sees; dropped with the session
 */
GListModel *
alta_session_get_drafts (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);

  return G_LIST_MODEL (self->drafts);
}

/**
 * alta_session_get_draft:
 * @thread_id: (nullable): the thread answered, or %NULL for a new conversation
 *
 * Returns: (transfer none): the draft of the record shown for @thread_id, made empty the
 *   first time it is asked for
 */
AltaMessageDraft *
alta_session_get_draft (AltaSession *self,
                        const char  *thread_id)
{
  g_autoptr (AltaMessageDraft) draft = NULL;
  GListModel *drafts;

  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);
  g_return_val_if_fail (self->record_id != NULL, NULL);

  drafts = G_LIST_MODEL (self->drafts);
  for (guint i = 0; i < g_list_model_get_n_items (drafts); i++)
    {
      g_autoptr (AltaMessageDraft) each = g_list_model_get_item (drafts, i);

      if (g_strcmp0 (alta_message_draft_get_record_id (each), self->record_id) == 0 &&
          g_strcmp0 (alta_message_draft_get_thread_id (each), thread_id) == 0)
        return each;
    }

  draft = alta_message_draft_new (self->record_id, thread_id);
  g_list_store_append (self->drafts, draft);
  return draft;
}

/* The position of the message of that id in the messages, or G_MAXUINT */
static guint
find_message (AltaSession *self,
              const char  *id)
{
  GListModel *messages = G_LIST_MODEL (self->messages);

  for (guint i = 0; id != NULL && i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr (AltaRecordItem) message = g_list_model_get_item (messages, i);

      if (g_strcmp0 (alta_record_item_get_id (message), id) == 0)
        return i;
    }

  return G_MAXUINT;
}

/* A message the portal gave back (sent, or read) takes its place among the record's */
static void
put_message (AltaSession *self,
             AltaMessage *message)
{
  guint position = find_message (self, alta_record_item_get_id (ALTA_RECORD_ITEM (message)));

  if (position == G_MAXUINT)
    g_list_store_insert (self->messages, 0, message);
  else
    g_list_store_splice (self->messages, position, 1, (gpointer *)&message, 1);
}

static void
send_failed (GTask  *task,
             GError *error)
{
  AltaMessageDraft *draft = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Stopped by the person or by sign-out: what was typed stays, to send again */
    alta_message_draft_set_state (draft, ALTA_DRAFT_STATE_EDITING, NULL);
  else
    {
      g_autofree char *text = alta_format_error (error);

      g_message ("A message could not be sent: %s", error->message);
      alta_message_draft_set_state (draft, ALTA_DRAFT_STATE_FAILED, text);
    }
  g_task_return_error (task, error);
}

static void
message_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaMessage) message = NULL;
  AltaSession *self = g_task_get_source_object (task);
  AltaMessageDraft *draft = g_task_get_task_data (task);
  GError *error = NULL;

  message = alta_portal_client_send_message_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (message == NULL)
    {
      send_failed (task, error);
      return;
    }

  g_debug ("Message sent (request %s)", alta_message_draft_get_request_id (draft));
  /* Signed out, or another record shown meanwhile: it is in the portal, and there only */
  if (self->messages != NULL &&
      g_strcmp0 (alta_message_draft_get_record_id (draft), self->record_id) == 0)
    {
      put_message (self, message);
      messages_changed (self);
    }
  alta_message_draft_clear (draft);
  g_task_return_boolean (task, TRUE);
}

static void
send_message (GTask *task)
{
  AltaSession *self = g_task_get_source_object (task);
  AltaMessageDraft *draft = g_task_get_task_data (task);
  const char *thread_id = alta_message_draft_get_thread_id (draft);
  AltaMessageThread *thread = alta_session_find_thread (self, thread_id);
  const char *topic = thread_id != NULL ? (thread != NULL ? alta_message_thread_get_topic (thread)
                                                          : NULL)
                                        : alta_message_draft_get_subject (draft);

  alta_portal_client_send_message_async (self->client, alta_message_draft_get_record_id (draft),
                                         self->care_team_id, topic,
                                         alta_message_draft_get_text (draft), thread_id,
                                         alta_message_draft_get_request_id (draft),
                                         g_task_get_cancellable (task), message_sent_cb,
                                         task);
}

static void
care_team_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  AltaSession *self = g_task_get_source_object (task);
  AltaMessageDraft *draft = g_task_get_task_data (task);
  g_autoptr (GListStore) teams = NULL;
  GError *error = NULL;

  teams = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (teams == NULL)
    {
      send_failed (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (teams)); i++)
    {
      g_autoptr (AltaCareTeam) team = g_list_model_get_item (G_LIST_MODEL (teams), i);

      if (alta_care_team_get_is_active (team))
        {
          g_free (self->care_team_id);
          self->care_team_id = g_strdup (alta_record_item_get_id (ALTA_RECORD_ITEM (team)));
          break;
        }
    }

  /* Another record shown meanwhile: its care team is not this draft's */
  if (g_strcmp0 (alta_message_draft_get_record_id (draft), self->record_id) != 0)
    {
      g_clear_pointer (&self->care_team_id, g_free);
      send_failed (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "Another record is shown"));
      g_object_unref (task);
      return;
    }

  if (self->care_team_id == NULL)
    {
      g_message ("A message could not be sent: the record has no active care team");
      alta_message_draft_set_state (draft, ALTA_DRAFT_STATE_FAILED,
                                    _("This record has no care team to write to. Please call the service center at (888) 499-9303."));
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_NOT_FOUND,
                               "No active care team");
      g_object_unref (task);
      return;
    }

  send_message (task);
}

/**
 * alta_session_send_draft_async:
 * @draft: a draft of the record shown that can be sent
 *
 * Sends @draft to the record's care team, with its request id: a retry after a failure
 * never sends it twice. The draft says how it goes (its state); once sent it is empty again
 * and the message is among the record's.
 */
void
alta_session_send_draft_async (AltaSession         *self,
                               AltaMessageDraft    *draft,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (ALTA_IS_MESSAGE_DRAFT (draft));
  g_return_if_fail (self->client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_send_draft_async);
  g_task_set_task_data (task, g_object_ref (draft), g_object_unref);

  if (!alta_message_draft_get_can_send (draft))
    {
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                               "The draft is empty or being sent");
      g_object_unref (task);
      return;
    }

  alta_message_draft_set_state (draft, ALTA_DRAFT_STATE_SENDING, NULL);
  if (self->care_team_id != NULL)
    {
      send_message (task);
      return;
    }

  alta_portal_client_search_async (self->client, ALTA_TYPE_CARE_TEAM,
                                   (const char *[]) { "patient",
                                                      alta_message_draft_get_record_id (draft),
                                                      NULL },
                                   ALTA_REQUEST_NONE, cancellable, care_team_cb, task);
}

gboolean
alta_session_send_draft_finish (AltaSession   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  guint   pending;
  GError *error;
  char   *record_id;
} MarkRead;

static void
mark_read_free (gpointer data)
{
  MarkRead *mark = data;

  g_clear_error (&mark->error);
  g_free (mark->record_id);
  g_free (mark);
}

static void
message_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  AltaSession *self = g_task_get_source_object (task);
  MarkRead *mark = g_task_get_task_data (task);
  g_autoptr (AltaMessage) message = NULL;
  g_autoptr (GError) error = NULL;

  message = alta_portal_client_mark_message_read_finish (ALTA_PORTAL_CLIENT (object), result,
                                                         &error);
  if (message != NULL && self->messages != NULL &&
      g_strcmp0 (mark->record_id, self->record_id) == 0)
    put_message (self, message);
  else if (message == NULL && mark->error == NULL)
    mark->error = g_steal_pointer (&error);

  if (--mark->pending > 0)
    return;

  if (self->messages != NULL)
    messages_changed (self);
  if (mark->error != NULL)
    {
      if (!g_error_matches (mark->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("A message could not be marked read: %s", mark->error->message);
      g_task_return_error (task, g_steal_pointer (&mark->error));
    }
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * alta_session_mark_thread_read_async:
 * @thread_id: the id of a thread's first message
 *
 * Tells the portal the patient read every message of that thread from the care team
 * (each one's `received`); the unread count follows.
 */
void
alta_session_mark_thread_read_async (AltaSession         *self,
                                     const char          *thread_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GPtrArray) unread = g_ptr_array_new_with_free_func (g_object_unref);
  AltaMessageThread *thread;
  GTask *task;
  MarkRead *mark;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_mark_thread_read_async);
  mark = g_new0 (MarkRead, 1);
  mark->record_id = g_strdup (self->record_id);
  g_task_set_task_data (task, mark, mark_read_free);

  thread = alta_session_find_thread (self, thread_id);
  for (guint i = 0; thread != NULL &&
                    i < g_list_model_get_n_items (alta_message_thread_get_messages (thread));
       i++)
    {
      g_autoptr (AltaMessage) message =
        g_list_model_get_item (alta_message_thread_get_messages (thread), i);

      if (alta_message_get_is_unread (message))
        g_ptr_array_add (unread, g_steal_pointer (&message));
    }

  if (unread->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  mark->pending = unread->len;
  for (guint i = 0; i < unread->len; i++)
    alta_portal_client_mark_message_read_async (self->client, g_ptr_array_index (unread, i),
                                                cancellable, message_read_cb,
                                                g_object_ref (task));
  g_object_unref (task);
}

gboolean
alta_session_mark_thread_read_finish (AltaSession   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
refresh_messages_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GListStore) items = NULL;
  AltaSession *self = g_task_get_source_object (task);
  const char *record_id = g_task_get_task_data (task);
  GError *error = NULL;

  items = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (items == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Messages could not be checked: %s", error->message);
      g_task_return_error (task, error);
      return;
    }

  /* Signed out or another record meanwhile: these are not the messages shown */
  if (self->messages != NULL && g_strcmp0 (record_id, self->record_id) == 0)
    {
      fill_store (self, PART_MESSAGES, G_LIST_MODEL (items));
      set_messages_state (self, ALTA_LOAD_STATE_LOADED);
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * alta_session_refresh_messages_async:
 *
 * Reads the record's messages again: answers that came since, and their unread count.
 */
void
alta_session_refresh_messages_async (AltaSession         *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL && self->record_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_refresh_messages_async);
  g_task_set_task_data (task, g_strdup (self->record_id), g_free);
  alta_portal_client_search_async (self->client, ALTA_TYPE_MESSAGE,
                                   (const char *[]) { "patient", self->record_id, "_sort", "-sent",
                                                      "_count", "200", NULL },
                                   ALTA_REQUEST_NONE, cancellable, refresh_messages_cb,
                                   g_steal_pointer (&task));
}

gboolean
alta_session_refresh_messages_finish (AltaSession   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Polls: what came since, asked for in the background (alta-notifier.c) */

typedef struct
{
  char       *record_id;
  GHashTable *known_messages;   /* ids of the messages shown when the poll began, or NULL */
  GHashTable *known_reports;    /* the same of the reports */
  GListStore *messages;
  GListStore *reports;
  guint       pending;
  GError     *error;
  guint       new_messages;
  guint       new_results;
} Poll;

static void
poll_free (gpointer data)
{
  Poll *poll = data;

  g_free (poll->record_id);
  g_clear_pointer (&poll->known_messages, g_hash_table_unref);
  g_clear_pointer (&poll->known_reports, g_hash_table_unref);
  g_clear_object (&poll->messages);
  g_clear_object (&poll->reports);
  g_clear_error (&poll->error);
  g_free (poll);
}

static GHashTable *
collect_ids (GListModel *items)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (AltaRecordItem) item = g_list_model_get_item (items, i);

      if (alta_record_item_get_id (item) != NULL)
        g_hash_table_add (ids, g_strdup (alta_record_item_get_id (item)));
    }

  return ids;
}

/* Whether @items holds what @store does, item by item (same ids, same versions): a poll
 * that found nothing new leaves the models, and the rows a person may be reading, alone */
static gboolean
same_items (GListModel *store,
            GListModel *items)
{
  guint n = g_list_model_get_n_items (store);

  if (n != g_list_model_get_n_items (items))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaRecordItem) a = g_list_model_get_item (store, i);
      g_autoptr (AltaRecordItem) b = g_list_model_get_item (items, i);

      if (g_strcmp0 (alta_record_item_get_id (a), alta_record_item_get_id (b)) != 0 ||
          g_strcmp0 (alta_record_item_get_version (a), alta_record_item_get_version (b)) != 0 ||
          (ALTA_IS_MESSAGE (a) && ALTA_IS_MESSAGE (b) &&
           alta_message_get_is_read (ALTA_MESSAGE (a)) != alta_message_get_is_read (ALTA_MESSAGE (b))))
        return FALSE;
    }

  return TRUE;
}

/* Still the record the poll began on, in a session not signed out */
static gboolean
poll_is_current (AltaSession *self,
                 Poll        *poll)
{
  return self->messages != NULL && g_strcmp0 (poll->record_id, self->record_id) == 0;
}

static void
poll_results_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GListStore) results = NULL;
  AltaSession *self = g_task_get_source_object (task);
  Poll *poll = g_task_get_task_data (task);
  GError *error = NULL;

  results = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (poll_is_current (self, poll))
    {
      /* The values first: a new report's row counts them as it appears */
      fill_store (self, PART_RESULTS, G_LIST_MODEL (results));
      fill_store (self, PART_REPORTS, G_LIST_MODEL (poll->reports));
    }
  g_task_return_boolean (task, TRUE);
}

static void
poll_finish_part (GTask *task)
{
  AltaSession *self = g_task_get_source_object (task);
  Poll *poll = g_task_get_task_data (task);
  GListModel *reports;

  if (--poll->pending > 0)
    return;
  if (poll->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&poll->error));
      g_object_unref (task);
      return;
    }
  if (!poll_is_current (self, poll))
    {
      poll->new_messages = poll->new_results = 0;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (poll->known_messages != NULL)
    {
      GListModel *messages = G_LIST_MODEL (poll->messages);

      for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
        {
          g_autoptr (AltaMessage) message = g_list_model_get_item (messages, i);
          const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (message));

          if (alta_message_get_is_unread (message) && id != NULL &&
              !g_hash_table_contains (poll->known_messages, id))
            poll->new_messages++;
        }
    }
  if (self->messages_state != ALTA_LOAD_STATE_LOADED ||
      !same_items (G_LIST_MODEL (self->messages), G_LIST_MODEL (poll->messages)))
    fill_store (self, PART_MESSAGES, G_LIST_MODEL (poll->messages));
  set_messages_state (self, ALTA_LOAD_STATE_LOADED);

  reports = G_LIST_MODEL (poll->reports);
  for (guint i = 0; poll->known_reports != NULL && i < g_list_model_get_n_items (reports); i++)
    {
      g_autoptr (AltaRecordItem) report = g_list_model_get_item (reports, i);
      const char *id = alta_record_item_get_id (report);

      if (id != NULL && !g_hash_table_contains (poll->known_reports, id))
        poll->new_results++;
    }
  /* A report changed without a new one (amended, corrected): its values too */
  if (poll->new_results == 0 &&
      (!self->reports_loaded || same_items (G_LIST_MODEL (self->reports), reports)))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* A report released since: its values too, which the report rows count */
  alta_portal_client_search_async (self->client, ALTA_TYPE_LAB_RESULT,
                                   (const char *[]) { "patient", poll->record_id,
                                                      "category", "laboratory", "_sort", "-date",
                                                      "_count", "500", NULL },
                                   ALTA_REQUEST_BACKGROUND, g_task_get_cancellable (task),
                                   poll_results_cb, task);
}

static void
poll_part_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Poll *poll = g_task_get_task_data (task);
  GError *error = NULL;
  GListStore *items;

  items = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (items == NULL)
    {
      if (poll->error == NULL)
        poll->error = error;
      else
        g_error_free (error);
    }
  else if (g_list_model_get_item_type (G_LIST_MODEL (items)) == ALTA_TYPE_MESSAGE)
    poll->messages = items;
  else
    poll->reports = items;

  poll_finish_part (task);
}

/**
 * alta_session_poll_async:
 *
 * Asks the portal, in the background (requests that are not the patient's activity), for
 * the record's messages and reports: what came since fills the models, as a refresh does.
 * What the record had before the poll began is not new; before the record is loaded,
 * nothing is.
 */
void
alta_session_poll_async (AltaSession         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Poll *poll;

  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (self->client != NULL && self->record_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_poll_async);
  poll = g_new0 (Poll, 1);
  poll->record_id = g_strdup (self->record_id);
  if (self->messages_state == ALTA_LOAD_STATE_LOADED)
    poll->known_messages = collect_ids (G_LIST_MODEL (self->messages));
  if (self->reports_loaded)
    poll->known_reports = collect_ids (G_LIST_MODEL (self->reports));
  poll->pending = 2;
  g_task_set_task_data (task, poll, poll_free);

  alta_portal_client_search_async (self->client, ALTA_TYPE_MESSAGE,
                                   (const char *[]) { "patient", poll->record_id, "_sort", "-sent",
                                                      "_count", "200", NULL },
                                   ALTA_REQUEST_BACKGROUND, cancellable, poll_part_cb, task);
  alta_portal_client_search_async (self->client, ALTA_TYPE_LAB_REPORT,
                                   (const char *[]) { "patient", poll->record_id, "_sort", "-date",
                                                      "_count", "200", NULL },
                                   ALTA_REQUEST_BACKGROUND, cancellable, poll_part_cb, task);
}

/**
 * alta_session_poll_finish:
 * @out_new_messages: (out) (optional): messages from the care team that came since
 * @out_new_results: (out) (optional): reports released since
 */
gboolean
alta_session_poll_finish (AltaSession   *self,
                          GAsyncResult  *result,
                          guint         *out_new_messages,
                          guint         *out_new_results,
                          GError       **error)
{
  Poll *poll;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  poll = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_new_messages != NULL)
    *out_new_messages = poll->new_messages;
  if (out_new_results != NULL)
    *out_new_results = poll->new_results;

  return TRUE;
}
