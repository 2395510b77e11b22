/* alta-session.c: everything a signed-in person has, and nothing outside it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-session"

#include "config.h"

#include "alta-allergy.h"
#include "alta-immunization.h"
#include "alta-json.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-medication.h"
#include "alta-problem.h"
#include "alta-session.h"

/* The one root of patient data in the app: the token (inside the client), the account, the
 * record shown and the list models the pages bind to. Ending the session empties every
 * model in place, so that every page bound to them shows nothing at once.
 */

struct _AltaSession
{
  GObject           parent_instance;

  AltaPortalClient *client;
  char             *username;
  char             *own_name;
  char             *record_id;
  char             *record_name;
  gboolean          record_is_own;
  gint64            idle_timeout_s;
  GPtrArray        *record_ids;     /* the records this account may see, its own first */
  GPtrArray        *record_names;

  GListStore       *allergies;
  GListStore       *immunizations;
  GListStore       *medications;
  GListStore       *problems;
  GListStore       *reports;
  GListStore       *results;
  GHashTable       *results_by_id;    /* id → AltaLabResult, both owned by the results */
  GHashTable       *results_by_code;  /* code → GPtrArray of AltaLabResult */
};

G_DEFINE_FINAL_TYPE (AltaSession, alta_session, G_TYPE_OBJECT)

static void
alta_session_finalize (GObject *object)
{
  AltaSession *self = (AltaSession *)object;

  alta_session_end (self);
  g_clear_pointer (&self->record_ids, g_ptr_array_unref);
  g_clear_pointer (&self->record_names, g_ptr_array_unref);
  g_clear_object (&self->client);
  g_clear_object (&self->allergies);
  g_clear_object (&self->immunizations);
  g_clear_object (&self->medications);
  g_clear_object (&self->problems);
  g_clear_object (&self->reports);
  g_clear_object (&self->results);
  g_clear_pointer (&self->results_by_id, g_hash_table_unref);
  g_clear_pointer (&self->results_by_code, g_hash_table_unref);

  G_OBJECT_CLASS (alta_session_parent_class)->finalize (object);
}

static void
alta_session_class_init (AltaSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = alta_session_finalize;
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
  self->results_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->results_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify)g_ptr_array_unref);
  self->record_ids = g_ptr_array_new_with_free_func (g_free);
  self->record_names = g_ptr_array_new_with_free_func (g_free);
}

/**
 * alta_session_new:
 * @client: the client, holding the session's token
 * @account: the API's `account` object
 * @idle_timeout_s: the portal's idle limit
 *
 * Returns: (transfer full): a session showing the account's own record
 */
AltaSession *
alta_session_new (AltaPortalClient *client,
                  JsonObject       *account,
                  gint64            idle_timeout_s)
{
  AltaSession *self = g_object_new (ALTA_TYPE_SESSION, NULL);
  JsonArray *records = alta_json_get_array (account, "records");

  self->client = g_object_ref (client);
  self->username = g_strdup (alta_json_get_string (account, "username"));
  self->record_id = g_strdup (alta_json_get_string (account, "patient_id"));
  self->record_is_own = TRUE;
  self->idle_timeout_s = idle_timeout_s;

  for (guint i = 0; records != NULL && i < json_array_get_length (records); i++)
    {
      JsonObject *record = alta_json_array_get_object (records, i);

      const char *id = alta_json_get_string (record, "patient_id");
      const char *name = alta_json_get_string (record, "name");

      if (id == NULL)
        continue;

      if (g_strcmp0 (alta_json_get_string (record, "relationship"), "self") == 0)
        {
          self->own_name = g_strdup (name);
          self->record_name = g_strdup (self->own_name);
          g_ptr_array_insert (self->record_ids, 0, g_strdup (id));
          g_ptr_array_insert (self->record_names, 0, g_strdup (name != NULL ? name : id));
        }
      else
        {
          g_ptr_array_add (self->record_ids, g_strdup (id));
          g_ptr_array_add (self->record_names, g_strdup (name != NULL ? name : id));
        }
    }

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
  return self->own_name;
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

/**
 * alta_session_get_record_names:
 *
 * Returns: (transfer none) (element-type utf8): the names of the records this account may
 *   see today, its own first
 */
GPtrArray *
alta_session_get_record_names (AltaSession *self)
{
  g_return_val_if_fail (ALTA_IS_SESSION (self), NULL);
  return self->record_names;
}

/* Every model empty; the results' index first, as it borrows from them */
static void
empty_record (AltaSession *self)
{
  g_list_store_remove_all (self->allergies);
  g_list_store_remove_all (self->immunizations);
  g_list_store_remove_all (self->medications);
  g_list_store_remove_all (self->problems);
  g_list_store_remove_all (self->reports);
  g_hash_table_remove_all (self->results_by_id);
  g_hash_table_remove_all (self->results_by_code);
  g_list_store_remove_all (self->results);
}

/**
 * alta_session_show_record:
 * @index: a position in alta_session_get_record_names()
 *
 * Shows another record: every model empties, for alta_session_load_async() to fill again.
 */
void
alta_session_show_record (AltaSession *self,
                          guint        index)
{
  g_return_if_fail (ALTA_IS_SESSION (self));
  g_return_if_fail (index < self->record_ids->len);

  g_free (self->record_id);
  g_free (self->record_name);
  self->record_id = g_strdup (g_ptr_array_index (self->record_ids, index));
  self->record_name = g_strdup (g_ptr_array_index (self->record_names, index));
  self->record_is_own = index == 0;

  empty_record (self);
}

/* One load of the record: its searches run at once; the first error ends it */
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

typedef struct
{
  GTask      *task;
  GListStore *store;
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

/* A report names its values by id, and a trend gathers a test's values by code: both are
 * looked up here rather than by walking thousands of results each time. The index starts
 * empty: it is emptied before the results it borrows from are replaced.
 */
static void
index_results (AltaSession *self)
{
  GListModel *results = G_LIST_MODEL (self->results);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr (AltaLabResult) result = g_list_model_get_item (results, i);
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

static void
part_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Part *part = user_data;
  g_autoptr (GTask) task = part->task;
  g_autoptr (GListStore) items = NULL;
  g_autoptr (GError) error = NULL;
  Load *load = g_task_get_task_data (task);
  AltaSession *self = g_task_get_source_object (task);

  items = alta_portal_client_search_finish (ALTA_PORTAL_CLIENT (object), result, &error);
  if (items != NULL && !g_task_get_completed (task))
    {
      g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (items)); i++)
        g_ptr_array_add (all, g_list_model_get_item (G_LIST_MODEL (items), i));
      if (g_list_model_get_item_type (G_LIST_MODEL (part->store)) == ALTA_TYPE_MEDICATION ||
          g_list_model_get_item_type (G_LIST_MODEL (part->store)) == ALTA_TYPE_PROBLEM)
        g_ptr_array_sort (all, compare_current_first);
      if (part->store == self->results)
        {
          /* The index borrows from the results: emptied before them */
          g_hash_table_remove_all (self->results_by_id);
          g_hash_table_remove_all (self->results_by_code);
        }
      g_list_store_splice (part->store, 0, g_list_model_get_n_items (G_LIST_MODEL (part->store)),
                           all->pdata, all->len);
      if (part->store == self->results)
        index_results (self);
    }
  else if (error != NULL && load->error == NULL)
    load->error = g_steal_pointer (&error);

  g_object_unref (part->store);
  g_free (part);

  if (--load->pending > 0)
    return;

  if (load->error != NULL)
    g_task_return_error (task, g_steal_pointer (&load->error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * alta_session_load_async:
 *
 * Loads the record shown: allergies, immunizations, medications, problems and reports.
 */
void
alta_session_load_async (AltaSession         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  const struct
  {
    const char *search;
    GListStore *store;
  } parts[] = {
    { "AllergyIntolerance?patient=%s", self->allergies },
    { "Immunization?patient=%s&_sort=-date", self->immunizations },
    { "MedicationRequest?patient=%s&_sort=-authoredon", self->medications },
    { "Condition?patient=%s&_sort=-onset-date", self->problems },
    { "DiagnosticReport?patient=%s&_sort=-date&_count=200", self->reports },
    { "Observation?patient=%s&category=laboratory&_sort=-date&_count=500", self->results },
  };
  Load *load;

  g_return_if_fail (ALTA_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, alta_session_load_async);
  load = g_new0 (Load, 1);
  load->pending = G_N_ELEMENTS (parts);
  g_task_set_task_data (task, load, load_free);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (self->record_id != NULL ? self->record_id : "",
                                                      NULL, FALSE);
      g_autofree char *search = NULL;
      g_autofree char *path = NULL;
      Part *part = g_new0 (Part, 1);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      search = g_strdup_printf (parts[i].search, escaped);
#pragma GCC diagnostic pop
      path = g_strconcat ("/fhir/R4/", search, NULL);
      part->task = g_object_ref (task);
      part->store = g_object_ref (parts[i].store);
      alta_portal_client_search_async (self->client, path,
                                       g_list_model_get_item_type (G_LIST_MODEL (parts[i].store)),
                                       ALTA_REQUEST_NONE, cancellable, part_cb, part);
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
 * alta_session_end:
 *
 * Signs out at the portal (without waiting) and forgets everything: the token, the
 * account, and every item of every model.
 */
void
alta_session_end (AltaSession *self)
{
  g_return_if_fail (ALTA_IS_SESSION (self));

  if (self->client != NULL && alta_portal_client_get_access_token (self->client) != NULL)
    {
      alta_portal_client_call_async (self->client, "DELETE", "/api/v1/sessions/current", NULL,
                                     ALTA_REQUEST_BACKGROUND, NULL, NULL, NULL);
      alta_portal_client_set_access_token (self->client, NULL);
    }

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->own_name, g_free);
  g_clear_pointer (&self->record_id, g_free);
  g_clear_pointer (&self->record_name, g_free);
  if (self->record_ids != NULL)
    g_ptr_array_set_size (self->record_ids, 0);
  if (self->record_names != NULL)
    g_ptr_array_set_size (self->record_names, 0);
  empty_record (self);
}
