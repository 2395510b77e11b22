/* alta-portal-account.c: a signed-in account and the records it may see
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-account"

#include "config.h"

#include "alta-portal-account.h"
#include "alta-json.h"
#include "alta-portal-error.h"

/* The API's `account` object, read once: the records come in the order the app offers them,
 * the account's own first, then those it sees by proxy today.
 */

typedef struct
{
  char *patient_id;
  char *name;
  char *relationship;
  char *birth_date;
  char *gender;
} Record;

struct _AltaPortalAccount
{
  GObject  parent_instance;

  char    *username;
  char    *role;
  char    *language;
  char    *patient_id;
  char    *email;
  char    *phone;
  char   **address_lines;  /* NULL when no address is on file */
  char    *city;
  char    *state;
  char    *postal_code;
  gint64   previous_sign_in;  /* Unix time; 0 on the account's first sign-in */
  GArray  *records;     /* of Record */
};

G_DEFINE_FINAL_TYPE (AltaPortalAccount, alta_portal_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_LANGUAGE,
  PROP_PATIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
record_clear (gpointer data)
{
  Record *record = data;

  g_clear_pointer (&record->patient_id, g_free);
  g_clear_pointer (&record->name, g_free);
  g_clear_pointer (&record->relationship, g_free);
  g_clear_pointer (&record->birth_date, g_free);
  g_clear_pointer (&record->gender, g_free);
}

static void
alta_portal_account_finalize (GObject *object)
{
  AltaPortalAccount *self = (AltaPortalAccount *)object;

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->role, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->address_lines, g_strfreev);
  g_clear_pointer (&self->city, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->postal_code, g_free);
  g_clear_pointer (&self->records, g_array_unref);

  G_OBJECT_CLASS (alta_portal_account_parent_class)->finalize (object);
}

static void
alta_portal_account_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AltaPortalAccount *self = ALTA_PORTAL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_PATIENT_ID:
      g_value_set_string (value, self->patient_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_portal_account_class_init (AltaPortalAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = alta_portal_account_finalize;
  object_class->get_property = alta_portal_account_get_property;

  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_portal_account_init (AltaPortalAccount *self)
{
  self->records = g_array_new (FALSE, TRUE, sizeof (Record));
  g_array_set_clear_func (self->records, record_clear);
}

/* An RFC 3339 time as Unix time; 0 for none or one that does not parse */
static gint64
parse_time (const char *text)
{
  g_autoptr (GDateTime) time = NULL;

  if (text == NULL)
    return 0;

  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    {
      g_warning ("The portal sent a previous sign-in time that is not RFC 3339");
      return 0;
    }

  return g_date_time_to_unix (time);
}

/* The account's `address` ({line:[..], city, state, postal_code}, or null) */
static void
read_address (AltaPortalAccount *self,
              JsonObject        *account)
{
  JsonObject *address = alta_json_get_object (account, "address");
  JsonArray *lines;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (address == NULL)
    return;

  builder = g_strv_builder_new ();
  lines = alta_json_get_array (address, "line");
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonNode *line = json_array_get_element (lines, i);

      if (JSON_NODE_HOLDS_VALUE (line) && json_node_get_value_type (line) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (line));
    }
  self->address_lines = g_strv_builder_end (builder);
  self->city = g_strdup (alta_json_get_string (address, "city"));
  self->state = g_strdup (alta_json_get_string (address, "state"));
  self->postal_code = g_strdup (alta_json_get_string (address, "postal_code"));
}

/**
 * alta_portal_account_new_from_json:
 * @account: the API's `account` object
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with
 *   %ALTA_PORTAL_ERROR_INVALID_RESPONSE when @account has no username
 */
AltaPortalAccount *
alta_portal_account_new_from_json (JsonObject  *account,
                            GError     **error)
{
  g_autoptr (AltaPortalAccount) self = NULL;
  JsonArray *records;

  if (alta_json_get_string (account, "username") == NULL)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                           "The account has no username");
      return NULL;
    }

  self = g_object_new (ALTA_TYPE_PORTAL_ACCOUNT, NULL);
  self->username = g_strdup (alta_json_get_string (account, "username"));
  self->role = g_strdup (alta_json_get_string (account, "role"));
  self->language = g_strdup (alta_json_get_string (account, "language"));
  self->patient_id = g_strdup (alta_json_get_string (account, "patient_id"));
  self->email = g_strdup (alta_json_get_string (account, "email"));
  self->phone = g_strdup (alta_json_get_string (account, "phone"));
  read_address (self, account);
  self->previous_sign_in = parse_time (alta_json_get_string (account, "previous_sign_in_at"));

  records = alta_json_get_array (account, "records");
  for (guint i = 0; records != NULL && i < json_array_get_length (records); i++)
    {
      JsonObject *object = alta_json_array_get_object (records, i);
      const char *id = alta_json_get_string (object, "patient_id");
      const char *name = alta_json_get_string (object, "name");
      Record record = { 0 };

      if (id == NULL)
        continue;

      record.patient_id = g_strdup (id);
      record.name = g_strdup (name != NULL ? name : id);
      record.relationship = g_strdup (alta_json_get_string (object, "relationship"));
      record.birth_date = g_strdup (alta_json_get_string (object, "birth_date"));
      record.gender = g_strdup (alta_json_get_string (object, "gender"));
      if (g_strcmp0 (record.relationship, "self") == 0)
        g_array_prepend_val (self->records, record);
      else
        g_array_append_val (self->records, record);
    }

  return g_steal_pointer (&self);
}

const char *
alta_portal_account_get_username (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->username;
}

/**
 * alta_portal_account_get_previous_sign_in:
 *
 * The portal keeps when the account last signed in, so that what is new since then follows
 * the patient and nothing of it is stored on the computer.
 *
 * Returns: the account's sign-in before this one (Unix time), or 0 when this is its first
 */
gint64
alta_portal_account_get_previous_sign_in (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), 0);

  return self->previous_sign_in;
}

/**
 * alta_portal_account_get_role:
 *
 * Returns: (nullable): "patient" or "staff"
 */
const char *
alta_portal_account_get_role (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->role;
}

/**
 * alta_portal_account_get_language:
 *
 * Returns: (nullable): the account's language, "en" or "es"
 */
const char *
alta_portal_account_get_language (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->language;
}

/**
 * alta_portal_account_get_patient_id:
 *
 * Returns: (nullable): the id of the account's own record
 */
const char *
alta_portal_account_get_patient_id (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->patient_id;
}

/**
 * alta_portal_account_get_own_name:
 *
 * Returns: (nullable): the name on the account's own record
 */
const char *
alta_portal_account_get_own_name (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  if (self->records->len == 0 ||
      g_strcmp0 (g_array_index (self->records, Record, 0).relationship, "self") != 0)
    return NULL;

  return g_array_index (self->records, Record, 0).name;
}

/**
 * alta_portal_account_get_n_records:
 *
 * Returns: how many records the account may see today, its own included
 */
guint
alta_portal_account_get_n_records (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), 0);

  return self->records->len;
}

const char *
alta_portal_account_get_record_id (AltaPortalAccount *self,
                            guint        index)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return g_array_index (self->records, Record, index).patient_id;
}

/**
 * alta_portal_account_get_record_name:
 *
 * Returns: the patient's name (their id when the portal gave none)
 */
const char *
alta_portal_account_get_record_name (AltaPortalAccount *self,
                              guint        index)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return g_array_index (self->records, Record, index).name;
}

/**
 * alta_portal_account_get_record_relationship:
 *
 * Returns: (nullable): "self", "child" or "dependent-adult"
 */
const char *
alta_portal_account_get_record_relationship (AltaPortalAccount *self,
                                      guint        index)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return g_array_index (self->records, Record, index).relationship;
}

/**
 * alta_portal_account_get_record_birth_date:
 * @index: a record's position
 *
 * Returns: (nullable): the birth date of the patient of the record at @index, "YYYY-MM-DD"
 */
const char *
alta_portal_account_get_record_birth_date (AltaPortalAccount *self,
                                           guint              index)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return g_array_index (self->records, Record, index).birth_date;
}

/**
 * alta_portal_account_get_record_gender:
 * @index: a record's position
 *
 * Returns: (nullable): the gender of the patient of the record at @index, as FHIR says it
 *   ("male", "female", "other" or "unknown"), or %NULL when the record does not say
 */
const char *
alta_portal_account_get_record_gender (AltaPortalAccount *self,
                                       guint              index)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);
  g_return_val_if_fail (index < self->records->len, NULL);

  return g_array_index (self->records, Record, index).gender;
}

/**
 * alta_portal_account_get_email:
 *
 * Returns: (nullable): the account's email address, where reset links and notices go
 */
const char *
alta_portal_account_get_email (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->email;
}

/**
 * alta_portal_account_get_phone:
 *
 * Returns: (nullable): the account's phone number, as the patient wrote it
 */
const char *
alta_portal_account_get_phone (AltaPortalAccount *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  return self->phone;
}

/**
 * alta_portal_account_get_address:
 * @out_city: (out) (optional) (nullable): the city
 * @out_state: (out) (optional) (nullable): the state
 * @out_postal_code: (out) (optional) (nullable): the postal code
 *
 * The home address on the patient's own record, borrowed.
 *
 * Returns: (nullable) (transfer none): the street lines, or %NULL when no address is on file
 */
const char * const *
alta_portal_account_get_address (AltaPortalAccount  *self,
                                 const char        **out_city,
                                 const char        **out_state,
                                 const char        **out_postal_code)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_ACCOUNT (self), NULL);

  if (out_city != NULL)
    *out_city = self->city;
  if (out_state != NULL)
    *out_state = self->state;
  if (out_postal_code != NULL)
    *out_postal_code = self->postal_code;
  return (const char * const *)self->address_lines;
}
