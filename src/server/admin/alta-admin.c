/* alta-admin.c: the clinic back office's command line
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-admin"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alta-admin.h"
#include "alta-admin-messages.h"
#include "alta-clock.h"
#include "alta-config.h"
#include "alta-fhir-appointments.h"
#include "alta-fhir-import.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-store.h"
#include "alta-mailer.h"
#include "alta-rules.h"
#include "alta-secrets.h"
#include "alta-server-private.h"

static const char admin_usage[] =
  "Usage: myaltamed-portald admin [--data-dir DIR] [--config F] COMMAND [OPTIONS]\n"
  "\n"
  "DIR is $STATE_DIRECTORY or " ALTA_STATE_DIR " unless named; F is\n"
  "$CONFIGURATION_DIRECTORY/" ALTA_CONFIG_FILE " or " ALTA_CONFIG_DIR "/" ALTA_CONFIG_FILE ".\n"
  "\n"
  "Commands:\n"
  "  add-patient --given NAME --family NAME --birth-date YYYY-MM-DD [--email E] [--phone P]\n"
  "              [--language en|es] [--gender male|female|other|unknown]\n"
  "                                                 prints the new patient id\n"
  "  add-staff --username U                         reads the password from standard input\n"
  "  issue-code --patient-id ID [--email E] [--verified HOW]\n"
  "                                                 prints the activation code (also mailed)\n"
  "  grant-proxy --proxy-username U --patient-id ID --relationship child|dependent-adult\n"
  "              --consent-form-id C\n"
  "  unlock --username U                            ends a lockout after wrong passwords\n"
  "  audit [--since YYYY-MM-DD|UNIX-TIME]           prints the audit trail\n"
  "  add-result --patient-id ID --panel 'LOINC|NAME' --observation 'LOINC|NAME|VALUE|UNIT[|LOW|HIGH]'...\n"
  "             [--performer Practitioner/ID] [--date YYYY-MM-DD]\n"
  "                                                 a report held until released; prints its id\n"
  "  release-result --report-id ID                  shows a report and its values to the patient\n"
  "  open-slots --practitioner ID --location ID [--service medical|dental] [--days N]\n"
  "             [--hours HH:MM-HH:MM] [--slot-minutes M] [--weekdays-only] [--time-zone TZ]\n"
  "                                                 free slots in clinic hours, clinic time\n"
  "  confirm-dental --appointment ID --slot ID      books a dental slot for a request\n"
  "  decline-dental --appointment ID --reason TEXT  declines a dental request\n"
  ALTA_ADMIN_MESSAGES_USAGE;

typedef struct
{
  AltaServer *server;
  AltaStore  *store;
  gint64      now;
} Admin;

/**
 * alta_admin_parse_options:
 * @command: the admin command's name
 * @entries: its options
 * @argc: (inout): its arguments' count
 * @argv: (inout): its arguments
 *
 * Returns: %FALSE, having said why, when the options cannot be read
 */
gboolean
alta_admin_parse_options (const char    *command,
                          GOptionEntry  *entries,
                          int           *argc,
                          char        ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (command);
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("admin %s: %s\n", command, error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_admin_fail:
 * @server: the server the command runs in
 * @command: the admin command's name
 * @error: what went wrong
 *
 * Says what went wrong and rolls back the command's transaction.
 *
 * Returns: the command's exit status, 1
 */
int
alta_admin_fail (AltaServer *server,
                 const char *command,
                 GError     *error)
{
  g_printerr ("admin %s: %s\n", command, error->message);
  alta_store_rollback (alta_server_get_store (server));
  return 1;
}

/**
 * alta_admin_commit_and_mail:
 * @server: the server the command runs in
 * @command: the admin command's name
 *
 * Commits the command's transaction, then tries to send the mail it queued: mail the relay
 * does not take stays queued for the server.
 *
 * Returns: the command's exit status
 */
int
alta_admin_commit_and_mail (AltaServer *server,
                            const char *command)
{
  g_autoptr (GError) error = NULL;

  if (!alta_store_commit (alta_server_get_store (server), &error))
    return alta_admin_fail (server, command, error);

  if (!alta_mailer_flush_sync (server->mailer, &error))
    g_printerr ("admin %s: mail stays queued for the server to retry: %s\n", command,
                error->message);

  return 0;
}

static int
add_patient (Admin  *admin,
             int     argc,
             char  **argv)
{
  g_autofree char *given = NULL;
  g_autofree char *family = NULL;
  g_autofree char *birth_date = NULL;
  g_autofree char *email = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *language = NULL;
  g_autofree char *gender = NULL;
  g_autofree char *id = NULL;
  g_autofree char *target = NULL;
  g_autoptr (GError) error = NULL;
  AltaPatient patient = { 0 };
  GDate date;
  GOptionEntry entries[] = {
    { "given", 0, 0, G_OPTION_ARG_STRING, &given, "Given name", "NAME" },
    { "family", 0, 0, G_OPTION_ARG_STRING, &family, "Family name", "NAME" },
    { "birth-date", 0, 0, G_OPTION_ARG_STRING, &birth_date, "Date of birth", "YYYY-MM-DD" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "E-mail address", "E" },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, "Phone number", "P" },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language, "en or es", "L" },
    { "gender", 0, 0, G_OPTION_ARG_STRING, &gender, "male, female, other or unknown", "G" },
    { NULL }
  };

  if (!alta_admin_parse_options ("add-patient", entries, &argc, &argv))
    return 2;

  if (given == NULL || family == NULL || birth_date == NULL ||
      !alta_rules_parse_date (birth_date, &date))
    {
      g_printerr ("admin add-patient: --given, --family and a valid --birth-date are required\n");
      return 2;
    }
  if (email != NULL && !alta_rules_is_valid_email (email))
    {
      g_printerr ("admin add-patient: --email is not a valid address\n");
      return 2;
    }
  if (language != NULL && !alta_rules_is_valid_language (language))
    {
      g_printerr ("admin add-patient: --language must be en or es\n");
      return 2;
    }
  if (gender != NULL &&
      !g_strv_contains ((const char *[]) { "male", "female", "other", "unknown", NULL }, gender))
    {
      g_printerr ("admin add-patient: --gender must be male, female, other or unknown\n");
      return 2;
    }

  id = g_uuid_string_random ();
  patient.id = id;
  patient.given_name = given;
  patient.family_name = family;
  patient.birth_date = birth_date;
  patient.email = email;
  patient.phone = phone;
  patient.language = language != NULL ? language : (char *)"en";
  patient.gender = gender;

  target = g_strconcat ("patient:", id, NULL);
  if (!alta_store_begin (admin->store, &error) ||
      !alta_store_insert_patient (admin->store, &patient, &error) ||
      !alta_fhir_import_patient (admin->store, &patient, admin->now, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "patient.add", target,
                         "success", &error))
    return alta_admin_fail (admin->server, "add-patient", error);

  if (alta_admin_commit_and_mail (admin->server, "add-patient") != 0)
    return 1;

  g_print ("%s\n", id);
  return 0;
}

static char *
read_password_from_stdin (void)
{
  char buffer[1100];
  gsize length;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;

  length = strlen (buffer);
  while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r'))
    buffer[--length] = '\0';

  return g_strdup (buffer);
}

static int
add_staff (Admin  *admin,
           int     argc,
           char  **argv)
{
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autofree char *password_hash = NULL;
  g_autofree char *target = NULL;
  g_autoptr (GError) error = NULL;
  AltaAccount account = { 0 };
  gint64 id;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Username", "U" },
    { NULL }
  };

  if (!alta_admin_parse_options ("add-staff", entries, &argc, &argv))
    return 2;

  if (!alta_rules_is_valid_username (username))
    {
      g_printerr ("admin add-staff: --username must be 3–64 letters, digits or . _ - @\n");
      return 2;
    }

  password = read_password_from_stdin ();
  if (password == NULL || alta_rules_check_password (password, username) != ALTA_PASSWORD_OK)
    {
      g_printerr ("admin add-staff: give a password of at least 8 characters on standard input, "
                  "not the username and not a common password\n");
      return 2;
    }

  password_hash = alta_secrets_hash_password (password, &error);
  if (password_hash == NULL)
    return alta_admin_fail (admin->server, "add-staff", error);

  account.username = username;
  account.role = (char *)"staff";
  account.password_hash = password_hash;
  account.language = (char *)"en";
  account.created_at = admin->now;

  if (!alta_store_begin (admin->store, &error) ||
      (id = alta_store_insert_account (admin->store, &account, &error)) == 0)
    return alta_admin_fail (admin->server, "add-staff", error);

  target = g_strdup_printf ("account:%" G_GINT64_FORMAT, id);
  if (!alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "staff.add", target,
                         "success", &error))
    return alta_admin_fail (admin->server, "add-staff", error);

  return alta_admin_commit_and_mail (admin->server, "add-staff");
}

static int
issue_code (Admin  *admin,
            int     argc,
            char  **argv)
{
  g_autofree char *patient_id = NULL;
  g_autofree char *email = NULL;
  g_autofree char *verified = NULL;
  g_autofree char *code = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *target = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (AltaAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  gint64 expires_at;
  GOptionEntry entries[] = {
    { "patient-id", 0, 0, G_OPTION_ARG_STRING, &patient_id, "The patient", "ID" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "Where to mail it (default: on file)", "E" },
    { "verified", 0, 0, G_OPTION_ARG_STRING, &verified, "How identity was verified", "HOW" },
    { NULL }
  };

  if (!alta_admin_parse_options ("issue-code", entries, &argc, &argv))
    return 2;

  if (patient_id == NULL)
    {
      g_printerr ("admin issue-code: --patient-id is required\n");
      return 2;
    }

  patient = alta_store_get_patient (admin->store, patient_id, &error);
  if (patient == NULL)
    return alta_admin_fail (admin->server, "issue-code", error);

  account = alta_store_get_account_by_patient (admin->store, patient_id, NULL);
  if (account != NULL)
    {
      g_printerr ("admin issue-code: this patient already has an account\n");
      return 1;
    }

  if (!alta_server_patient_has_access (admin->server, patient, admin->now))
    {
      g_printerr ("admin issue-code: patients aged 12–17 have no portal access\n");
      return 1;
    }

  target = g_strconcat ("patient:", patient_id, NULL);
  if (email == NULL)
    email = g_strdup (patient->email);
  if (email == NULL || !alta_rules_is_valid_email (email))
    {
      g_printerr ("admin issue-code: no valid e-mail address (give --email)\n");
      return 2;
    }

  if (!alta_store_begin (admin->store, &error) ||
      !alta_server_issue_activation_code (admin->server, NULL, patient, email, &code, &expires_at,
                                          &error) ||
      (verified != NULL &&
       !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "identity.verify",
                          target, verified, &error)))
    return alta_admin_fail (admin->server, "issue-code", error);

  if (alta_admin_commit_and_mail (admin->server, "issue-code") != 0)
    return 1;

  expires = alta_clock_format_iso8601 (expires_at);
  g_print ("%s\t%s\n", code, expires);
  return 0;
}

static int
grant_proxy (Admin  *admin,
             int     argc,
             char  **argv)
{
  g_autofree char *proxy_username = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *relationship_text = NULL;
  g_autofree char *consent_form_id = NULL;
  g_autofree char *target = NULL;
  g_autoptr (AltaAccount) proxy = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (GError) error = NULL;
  AltaRelationship relationship;
  GDate birth_date, today;
  GOptionEntry entries[] = {
    { "proxy-username", 0, 0, G_OPTION_ARG_STRING, &proxy_username, "The parent or guardian", "U" },
    { "patient-id", 0, 0, G_OPTION_ARG_STRING, &patient_id, "The child or dependent adult", "ID" },
    { "relationship", 0, 0, G_OPTION_ARG_STRING, &relationship_text, "child or dependent-adult", "R" },
    { "consent-form-id", 0, 0, G_OPTION_ARG_STRING, &consent_form_id, "The signed Proxy Consent Form", "C" },
    { NULL }
  };

  if (!alta_admin_parse_options ("grant-proxy", entries, &argc, &argv))
    return 2;

  if (proxy_username == NULL || patient_id == NULL || consent_form_id == NULL ||
      !alta_rules_parse_relationship (relationship_text, &relationship) ||
      relationship == ALTA_RELATIONSHIP_SELF)
    {
      g_printerr ("admin grant-proxy: --proxy-username, --patient-id, --relationship "
                  "(child or dependent-adult) and --consent-form-id are required\n");
      return 2;
    }

  proxy = alta_store_get_account_by_username (admin->store, proxy_username, &error);
  if (proxy == NULL)
    return alta_admin_fail (admin->server, "grant-proxy", error);
  patient = alta_store_get_patient (admin->store, patient_id, &error);
  if (patient == NULL)
    return alta_admin_fail (admin->server, "grant-proxy", error);

  alta_clock_date_of (admin->now, &today);
  if (proxy->patient_id == NULL || g_strcmp0 (proxy->patient_id, patient_id) == 0 ||
      !alta_rules_parse_date (patient->birth_date, &birth_date) ||
      !alta_rules_proxy_allowed (relationship, &birth_date, &today))
    {
      g_printerr ("admin grant-proxy: not allowed: a child must be 0–11, a dependent adult 18 "
                  "or older, and patients aged 12–17 have no proxy access\n");
      return 1;
    }

  target = g_strconcat ("patient:", patient_id, NULL);
  if (!alta_store_begin (admin->store, &error) ||
      !alta_store_insert_proxy_grant (admin->store, proxy->id, patient_id, relationship_text,
                                      consent_form_id, admin->now, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "proxy.grant", target,
                         "success", &error))
    return alta_admin_fail (admin->server, "grant-proxy", error);

  return alta_admin_commit_and_mail (admin->server, "grant-proxy");
}

static int
unlock (Admin  *admin,
        int     argc,
        char  **argv)
{
  g_autofree char *username = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "The locked username", "U" },
    { NULL }
  };

  if (!alta_admin_parse_options ("unlock", entries, &argc, &argv))
    return 2;

  if (username == NULL)
    {
      g_printerr ("admin unlock: --username is required\n");
      return 2;
    }

  key = g_utf8_casefold (username, -1);
  if (!alta_store_begin (admin->store, &error) ||
      !alta_store_clear_login_failures (admin->store, key, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "account.unlock", NULL,
                         "success", &error))
    return alta_admin_fail (admin->server, "unlock", error);

  return alta_admin_commit_and_mail (admin->server, "unlock");
}

static gboolean
parse_since (const char *text,
             gint64     *out_since)
{
  GDate date;
  char *end = NULL;
  gint64 value;

  if (alta_rules_parse_date (text, &date))
    {
      g_autoptr (GDateTime) start = g_date_time_new_local (g_date_get_year (&date),
                                                           g_date_get_month (&date),
                                                           g_date_get_day (&date), 0, 0, 0);

      *out_since = g_date_time_to_unix (start);
      return TRUE;
    }

  value = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0' || value < 0)
    return FALSE;

  *out_since = value;
  return TRUE;
}

static int
audit (Admin  *admin,
       int     argc,
       char  **argv)
{
  g_autofree char *since_text = NULL;
  g_autoptr (GPtrArray) entries_found = NULL;
  g_autoptr (GError) error = NULL;
  gint64 since = 0;
  GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "Only entries from then on", "WHEN" },
    { NULL }
  };

  if (!alta_admin_parse_options ("audit", entries, &argc, &argv))
    return 2;

  if (since_text != NULL && !parse_since (since_text, &since))
    {
      g_printerr ("admin audit: --since takes YYYY-MM-DD or a Unix time\n");
      return 2;
    }

  entries_found = alta_store_list_audit (admin->store, since, &error);
  if (entries_found == NULL)
    return alta_admin_fail (admin->server, "audit", error);

  g_print ("time\trequest\tactor\taction\ttarget\toutcome\n");
  for (guint i = 0; i < entries_found->len; i++)
    {
      AltaAuditEntry *entry = g_ptr_array_index (entries_found, i);
      g_autofree char *time = alta_clock_format_iso8601 (entry->at);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", time,
               entry->request_id != NULL ? entry->request_id : "-", entry->actor, entry->action,
               entry->target != NULL ? entry->target : "-", entry->outcome);
    }

  return 0;
}

/**
 * alta_admin_run:
 * @argc: the arguments' count, from "admin" on
 * @argv: the arguments
 *
 * Returns: the process's exit status: 0 done, 1 failed, 2 wrong usage
 */

static JsonNode *
make_coding_concept (const char *system,
                     const char *code,
                     const char *display)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "coding");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "system");
  json_builder_add_string_value (builder, system);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "display");
  json_builder_add_string_value (builder, display);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, display);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
make_quantity (double      value,
               const char *unit)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, unit);
  json_builder_set_member_name (builder, "system");
  json_builder_add_string_value (builder, "http://unitsofmeasure.org");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, unit);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return *end == '\0';
}

static gboolean
put_new_resource (Admin       *admin,
                  JsonObject  *resource,
                  const char  *id,
                  const char  *patient_id,
                  GError     **error)
{
  g_autoptr (AltaFhirIndex) index = alta_fhir_index_resource (resource, error);

  return index != NULL &&
         alta_fhir_store_put (admin->store, resource, index, id, patient_id, NULL, 0, FALSE,
                              admin->now, NULL, error);
}

/* add-result: a DiagnosticReport and its Observations, final from the laboratory but not
 * shown to the patient until a clinician releases them.
 */
static int
add_result (Admin  *admin,
            int     argc,
            char  **argv)
{
  g_autofree char *patient_id = NULL;
  g_autofree char *panel = NULL;
  g_autofree char *performer = NULL;
  g_autofree char *date = NULL;
  g_auto (GStrv) observations = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaPatient) patient = NULL;
  g_autoptr (JsonObject) report = json_object_new ();
  g_autoptr (JsonArray) results = json_array_new ();
  g_auto (GStrv) panel_parts = NULL;
  g_autofree char *report_id = g_uuid_string_random ();
  g_autofree char *subject = NULL;
  g_autofree char *effective = NULL;
  g_autofree char *target = NULL;
  GOptionEntry entries[] = {
    { "patient-id", 0, 0, G_OPTION_ARG_STRING, &patient_id, "Patient id", "ID" },
    { "panel", 0, 0, G_OPTION_ARG_STRING, &panel, "The report's LOINC code and name", "LOINC|NAME" },
    { "observation", 0, 0, G_OPTION_ARG_STRING_ARRAY, &observations, "A value", "LOINC|NAME|VALUE|UNIT[|LOW|HIGH]" },
    { "performer", 0, 0, G_OPTION_ARG_STRING, &performer, "Who reported it", "Practitioner/ID" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "When the sample was taken (default today)", "YYYY-MM-DD" },
    { NULL }
  };
  gint64 start, end;

  if (!alta_admin_parse_options ("add-result", entries, &argc, &argv))
    return 2;

  if (patient_id == NULL || panel == NULL || observations == NULL ||
      (panel_parts = g_strsplit (panel, "|", 2))[1] == NULL ||
      (date != NULL && !alta_fhir_parse_date_range (date, &start, &end)) ||
      (performer != NULL && !alta_fhir_split_reference (performer, NULL, NULL)))
    {
      g_printerr ("admin add-result: --patient-id, --panel 'LOINC|NAME' and at least one "
                  "--observation are required (and --date YYYY-MM-DD, --performer Type/ID)\n");
      return 2;
    }

  patient = alta_store_get_patient (admin->store, patient_id, &error);
  if (patient == NULL)
    {
      g_printerr ("admin add-result: no patient %s\n", patient_id);
      return 1;
    }

  subject = g_strconcat ("Patient/", patient_id, NULL);
  effective = date != NULL ? g_strconcat (date, "T08:00:00Z", NULL)
                           : alta_fhir_format_instant (admin->now);

  if (!alta_store_begin (admin->store, &error))
    return alta_admin_fail (admin->server, "add-result", error);

  for (guint i = 0; observations[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (observations[i], "|", 6);
      g_autoptr (JsonObject) observation = json_object_new ();
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *reference = g_strconcat ("Observation/", id, NULL);
      JsonObject *subject_object = json_object_new ();
      JsonObject *result_reference = json_object_new ();
      double value, low = 0, high = 0;
      gboolean has_range;

      if (g_strv_length (parts) < 4 || !parse_number (parts[2], &value) ||
          (g_strv_length (parts) == 6 && (!parse_number (parts[4], &low) ||
                                          !parse_number (parts[5], &high))) ||
          g_strv_length (parts) == 5)
        {
          alta_store_rollback (admin->store);
          g_printerr ("admin add-result: “%s” is not LOINC|NAME|VALUE|UNIT[|LOW|HIGH]\n",
                      observations[i]);
          return 2;
        }
      has_range = g_strv_length (parts) == 6;

      json_object_set_string_member (observation, "resourceType", "Observation");
      json_object_set_string_member (observation, "status", "final");
      json_object_set_member (observation, "category",
                              json_node_init_array (json_node_alloc (), json_array_new ()));
      json_array_add_element (json_object_get_array_member (observation, "category"),
                              make_coding_concept ("http://terminology.hl7.org/CodeSystem/observation-category",
                                                   "laboratory", "Laboratory"));
      json_object_set_member (observation, "code",
                              make_coding_concept ("http://loinc.org", parts[0], parts[1]));
      json_object_set_string_member (subject_object, "reference", subject);
      json_object_set_object_member (observation, "subject", subject_object);
      json_object_set_string_member (observation, "effectiveDateTime", effective);
      json_object_set_member (observation, "valueQuantity", make_quantity (value, parts[3]));
      if (has_range)
        {
          JsonObject *range = json_object_new ();
          JsonArray *ranges = json_array_new ();

          json_object_set_member (range, "low", make_quantity (low, parts[3]));
          json_object_set_member (range, "high", make_quantity (high, parts[3]));
          json_array_add_object_element (ranges, range);
          json_object_set_array_member (observation, "referenceRange", ranges);
          if (value < low || value > high)
            {
              JsonArray *interpretation = json_array_new ();

              json_array_add_element (interpretation,
                                      make_coding_concept ("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                                           value < low ? "L" : "H",
                                                           value < low ? "Low" : "High"));
              json_object_set_array_member (observation, "interpretation", interpretation);
            }
        }

      if (!put_new_resource (admin, observation, id, patient_id, &error))
        return alta_admin_fail (admin->server, "add-result", error);

      json_object_set_string_member (result_reference, "reference", reference);
      json_array_add_object_element (results, result_reference);
    }

  json_object_set_string_member (report, "resourceType", "DiagnosticReport");
  json_object_set_string_member (report, "status", "final");
  json_object_set_member (report, "category",
                          json_node_init_array (json_node_alloc (), json_array_new ()));
  json_array_add_element (json_object_get_array_member (report, "category"),
                          make_coding_concept ("http://terminology.hl7.org/CodeSystem/v2-0074",
                                               "LAB", "Laboratory"));
  json_object_set_member (report, "code",
                          make_coding_concept ("http://loinc.org", panel_parts[0], panel_parts[1]));
  {
    JsonObject *subject_object = json_object_new ();

    json_object_set_string_member (subject_object, "reference", subject);
    json_object_set_object_member (report, "subject", subject_object);
  }
  json_object_set_string_member (report, "effectiveDateTime", effective);
  json_object_set_string_member (report, "issued", effective);
  if (performer != NULL)
    {
      JsonArray *performers = json_array_new ();
      JsonObject *reference = json_object_new ();

      json_object_set_string_member (reference, "reference", performer);
      json_array_add_object_element (performers, reference);
      json_object_set_array_member (report, "performer", performers);
    }
  json_object_set_array_member (report, "result", json_array_ref (results));

  target = g_strconcat ("DiagnosticReport/", report_id, NULL);
  if (!put_new_resource (admin, report, report_id, patient_id, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "result.add", target,
                         "success", &error))
    return alta_admin_fail (admin->server, "add-result", error);

  if (alta_admin_commit_and_mail (admin->server, "add-result") != 0)
    return 1;

  g_print ("%s\n", report_id);
  return 0;
}

static int
release_result (Admin  *admin,
                int     argc,
                char  **argv)
{
  g_autofree char *report_id = NULL;
  g_autofree char *target = NULL;
  g_autoptr (AltaFhirRecord) report = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "report-id", 0, 0, G_OPTION_ARG_STRING, &report_id, "DiagnosticReport id", "ID" },
    { NULL }
  };

  if (!alta_admin_parse_options ("release-result", entries, &argc, &argv))
    return 2;

  if (report_id == NULL)
    {
      g_printerr ("admin release-result: --report-id is required\n");
      return 2;
    }

  target = g_strconcat ("DiagnosticReport/", report_id, NULL);
  if (!alta_store_begin (admin->store, &error) ||
      !(report = alta_fhir_store_get (admin->store, "DiagnosticReport", report_id, &error)) ||
      !alta_fhir_store_release_report (admin->store, report_id, admin->now, &error) ||
      (report->patient_id != NULL && report->released_at == 0 &&
       !alta_server_notify_patient (admin->server, report->patient_id,
                                    ALTA_MAIL_NOTICE_RESULT_RELEASED, admin->now, &error)) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "result.release", target,
                         "success", &error))
    return alta_admin_fail (admin->server, "release-result", error);

  return alta_admin_commit_and_mail (admin->server, "release-result");
}

static gboolean
parse_clock_time (const char *text,
                  int        *out_minute)
{
  guint64 hour, minute;
  g_auto (GStrv) parts = g_strsplit (text, ":", 3);

  if (g_strv_length (parts) != 2 || strlen (parts[0]) != 2 || strlen (parts[1]) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 24, &hour, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &minute, NULL) ||
      hour * 60 + minute > 24 * 60)
    return FALSE;

  *out_minute = hour * 60 + minute;
  return TRUE;
}

static int
open_slots (Admin  *admin,
            int     argc,
            char  **argv)
{
  g_autofree char *practitioner = NULL;
  g_autofree char *location = NULL;
  g_autofree char *service = NULL;
  g_autofree char *hours = NULL;
  g_autofree char *zone_name = NULL;
  g_autofree char *schedule_id = NULL;
  g_autofree char *target = NULL;
  g_autofree char *outcome = NULL;
  g_auto (GStrv) range = NULL;
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GError) error = NULL;
  gboolean weekdays_only = FALSE;
  int days = 30, slot_minutes = 30, first_minute, last_minute;
  guint n_created;
  GOptionEntry entries[] = {
    { "practitioner", 0, 0, G_OPTION_ARG_STRING, &practitioner, "The clinician (Practitioner id)", "ID" },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, "The clinic (Location id)", "ID" },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, "medical (default) or dental", "S" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "How many days from today (default 30)", "N" },
    { "hours", 0, 0, G_OPTION_ARG_STRING, &hours, "Clinic hours (default 09:00-12:00)", "HH:MM-HH:MM" },
    { "slot-minutes", 0, 0, G_OPTION_ARG_INT, &slot_minutes, "Each visit's length (default 30)", "M" },
    { "weekdays-only", 0, 0, G_OPTION_ARG_NONE, &weekdays_only, "No slots on Saturdays and Sundays", NULL },
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &zone_name, "The clinic's time zone (default America/Los_Angeles)", "TZ" },
    { NULL }
  };

  if (!alta_admin_parse_options ("open-slots", entries, &argc, &argv))
    return 2;

  if (practitioner == NULL || location == NULL || !alta_fhir_id_is_valid (practitioner) ||
      !alta_fhir_id_is_valid (location))
    {
      g_printerr ("admin open-slots: --practitioner and --location are required\n");
      return 2;
    }
  if (service == NULL)
    service = g_strdup ("medical");
  if (!g_str_equal (service, "medical") && !g_str_equal (service, "dental"))
    {
      g_printerr ("admin open-slots: --service must be medical or dental\n");
      return 2;
    }

  range = g_strsplit (hours != NULL ? hours : "09:00-12:00", "-", 3);
  if (g_strv_length (range) != 2 || !parse_clock_time (range[0], &first_minute) ||
      !parse_clock_time (range[1], &last_minute) || first_minute >= last_minute)
    {
      g_printerr ("admin open-slots: --hours must be like 09:00-12:00\n");
      return 2;
    }
  if (days < 1 || days > 366 || slot_minutes < 5 || slot_minutes > last_minute - first_minute)
    {
      g_printerr ("admin open-slots: --days must be 1 to 366, and --slot-minutes at least 5 "
                  "and no longer than the clinic hours\n");
      return 2;
    }

  zone = g_time_zone_new_identifier (zone_name != NULL ? zone_name : "America/Los_Angeles");
  if (zone == NULL)
    {
      g_printerr ("admin open-slots: unknown --time-zone %s\n", zone_name);
      return 2;
    }

  if (!alta_store_begin (admin->store, &error) ||
      !alta_fhir_appointments_open_slots (admin->store, practitioner, location, service, zone,
                                          days, first_minute, last_minute, slot_minutes,
                                          weekdays_only, admin->now, &schedule_id, &n_created,
                                          &error))
    return alta_admin_fail (admin->server, "open-slots", error);

  target = g_strconcat ("Schedule/", schedule_id, NULL);
  outcome = g_strdup_printf ("success: %u slots", n_created);
  if (!alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "Schedule.open-slots",
                         target, outcome, &error))
    return alta_admin_fail (admin->server, "open-slots", error);

  if (alta_admin_commit_and_mail (admin->server, "open-slots") != 0)
    return 1;

  g_print ("%s\t%u\n", target, n_created);
  return 0;
}

static int
answer_dental (Admin  *admin,
               int     argc,
               char  **argv,
               gboolean confirm)
{
  const char *command = confirm ? "confirm-dental" : "decline-dental";
  g_autofree char *appointment_id = NULL;
  g_autofree char *slot_id = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *target = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry confirm_entries[] = {
    { "appointment", 0, 0, G_OPTION_ARG_STRING, &appointment_id, "The dental request (Appointment id)", "ID" },
    { "slot", 0, 0, G_OPTION_ARG_STRING, &slot_id, "A free dental slot (Slot id)", "ID" },
    { NULL }
  };
  GOptionEntry decline_entries[] = {
    { "appointment", 0, 0, G_OPTION_ARG_STRING, &appointment_id, "The dental request (Appointment id)", "ID" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why, for the patient to read", "TEXT" },
    { NULL }
  };

  if (!alta_admin_parse_options (command, confirm ? confirm_entries : decline_entries, &argc, &argv))
    return 2;

  if (appointment_id == NULL || (confirm ? slot_id == NULL : reason == NULL))
    {
      g_printerr (confirm ? "admin confirm-dental: --appointment and --slot are required\n"
                          : "admin decline-dental: --appointment and --reason are required\n");
      return 2;
    }

  target = g_strconcat ("Appointment/", appointment_id, NULL);
  if (!alta_store_begin (admin->store, &error) ||
      !(confirm ? alta_fhir_appointments_confirm_dental (admin->store, appointment_id, slot_id,
                                                         admin->now, &patient_id, &error)
                : alta_fhir_appointments_decline_dental (admin->store, appointment_id, reason,
                                                         admin->now, &patient_id, &error)) ||
      !alta_server_notify_patient (admin->server, patient_id,
                                   confirm ? ALTA_MAIL_NOTICE_DENTAL_CONFIRMED
                                           : ALTA_MAIL_NOTICE_DENTAL_DECLINED,
                                   admin->now, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli",
                         confirm ? "Appointment.confirm-dental" : "Appointment.decline-dental",
                         target, "success", &error))
    return alta_admin_fail (admin->server, command, error);

  return alta_admin_commit_and_mail (admin->server, command);
}

/**
 * alta_admin_import:
 *
 * `myaltamed-portald import [--data-dir DIR] [--config F] FILE...`
 */
int
alta_admin_import (int    argc,
                   char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE... - import FHIR R4 Bundles and NDJSON");
  g_autoptr (AltaServer) server = NULL;
  g_autoptr (GError) error = NULL;
  AltaConfig *config;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder (default $STATE_DIRECTORY or " ALTA_STATE_DIR ")", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "F" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("import: %s\n", error->message);
      return 2;
    }

  if (argc < 2)
    {
      g_printerr ("Usage: myaltamed-portald import [--data-dir DIR] [--config F] FILE...\n");
      return 2;
    }

  if (data_dir == NULL)
    data_dir = alta_config_dup_data_dir ();

  config = alta_config_load_or_installed (config_path, &error);
  if (config == NULL)
    {
      g_printerr ("import: %s\n", error->message);
      return 2;
    }

  server = alta_server_new (data_dir, config, &error);
  if (server == NULL)
    {
      g_printerr ("import: %s\n", error->message);
      return 1;
    }

  if (!alta_fhir_import_files (alta_server_get_store (server), (const char * const *)argv + 1,
                               alta_clock_now (), FALSE, NULL, &error))
    {
      g_printerr ("import: %s\n", error->message);
      return 1;
    }

  return 0;
}

int
alta_admin_run (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autoptr (AltaServer) server = NULL;
  g_autoptr (GError) error = NULL;
  AltaConfig *config;
  Admin admin;
  const char *command;
  int i;

  /* The global options come before the command; the command parses the rest. */
  for (i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        data_dir = g_strdup (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        data_dir = g_strdup (argv[i] + strlen ("--data-dir="));
      else if (g_str_equal (argv[i], "--config") && i + 1 < argc)
        config_path = g_strdup (argv[++i]);
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          g_print ("%s", admin_usage);
          return 0;
        }
      else
        break;
    }

  if (i >= argc)
    {
      g_printerr ("%s", admin_usage);
      return 2;
    }

  if (data_dir == NULL)
    data_dir = alta_config_dup_data_dir ();

  command = argv[i];
  config = alta_config_load_or_installed (config_path, &error);
  if (config == NULL)
    {
      g_printerr ("admin: %s\n", error->message);
      return 2;
    }

  server = alta_server_new (data_dir, config, &error);
  if (server == NULL)
    {
      g_printerr ("admin: %s\n", error->message);
      return 1;
    }

  admin.server = server;
  admin.store = alta_server_get_store (server);
  admin.now = alta_clock_now ();

  argc -= i;
  argv += i;

  if (g_str_equal (command, "add-patient"))
    return add_patient (&admin, argc, argv);
  if (g_str_equal (command, "add-staff"))
    return add_staff (&admin, argc, argv);
  if (g_str_equal (command, "issue-code"))
    return issue_code (&admin, argc, argv);
  if (g_str_equal (command, "grant-proxy"))
    return grant_proxy (&admin, argc, argv);
  if (g_str_equal (command, "unlock"))
    return unlock (&admin, argc, argv);
  if (g_str_equal (command, "audit"))
    return audit (&admin, argc, argv);
  if (g_str_equal (command, "add-result"))
    return add_result (&admin, argc, argv);
  if (g_str_equal (command, "release-result"))
    return release_result (&admin, argc, argv);
  if (g_str_equal (command, "open-slots"))
    return open_slots (&admin, argc, argv);
  if (g_str_equal (command, "confirm-dental"))
    return answer_dental (&admin, argc, argv, TRUE);
  if (g_str_equal (command, "decline-dental"))
    return answer_dental (&admin, argc, argv, FALSE);
  if (g_str_equal (command, "complete-refill"))
    return alta_admin_complete_refill (server, admin.now, argc, argv);
  if (g_str_equal (command, "reject-refill"))
    return alta_admin_reject_refill (server, admin.now, argc, argv);
  if (g_str_equal (command, "reply-message"))
    return alta_admin_reply_message (server, admin.now, argc, argv);

  g_printerr ("admin: unknown command “%s”\n%s", command, admin_usage);
  return 2;
}
