/* alta-demo.c: the demo clinic, so the app has a real portal on any machine
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-demo"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "alta-clock.h"
#include "alta-demo-records.h"
#include "alta-demo.h"
#include "alta-fhir-import.h"
#include "alta-mailer.h"
#include "alta-rules.h"
#include "alta-secrets.h"
#include "alta-server-private.h"

#define DEMO_MARKER "demo-clinic"

typedef struct
{
  const char *key;
  const char *username;       /* NULL: no account */
  const char *password;
  const char *given_name;
  const char *family_name;
  int         age_years;
  int         days_past_birthday;
  const char *language;
  const char *gender;         /* FHIR Patient.gender */
  const char *email;
  const char *phone;
  const char *shows;
} DemoPatient;

/* Birth dates are set relative to today, so that each patient stays in their age band
 * whenever the demo is made.
 */
static const DemoPatient demo_patients[] = {
  { "adult", "grace", "Orchard-Lantern-42", "Grace", "Miller", 42, 120, "en", "female",
    "grace.miller@example.org", "(323) 555-0142",
    "An adult's own record, in English" },
  { "spanish", "sofia", "Girasol-Montana-7", "Sofía", "Hernández Ruiz", 68, 200, "es", "female",
    "sofia.hernandez@example.org", "(213) 555-0168",
    "A Spanish-speaking adult: the app and her mail in Spanish" },
  { "parent", "daniel", "Harbor-Kite-1988", "Daniel", "Reyes", 37, 60, "en", "male",
    "daniel.reyes@example.org", "(626) 555-0137",
    "A parent who also sees his son Mateo (age 6) by proxy" },
  { "child", NULL, NULL, "Mateo", "Reyes", 6, 40, "en", "male",
    "daniel.reyes@example.org", NULL,
    "A child aged 0–11, seen through his father's account by proxy" },
  { "teen", "lucas", "Skate-Comet-2011", "Lucas", "Nguyen", 15, 90, "en", "male",
    "lucas.nguyen@example.org", NULL,
    "A patient aged 12–17: sign-in is refused (no portal access)" },
  { "enroll", NULL, NULL, "Elena", "Cruz", 29, 10, "es", "female",
    "elena.cruz@example.org", "(818) 555-0129",
    "No account yet: enroll with her unused activation code" },
};

#define STAFF_USERNAME "frontdesk"
#define STAFF_PASSWORD "Clinic-Desk-Station-1"

static gboolean
run_openssl (const char  *tls_dir,
             const char **args,
             GError     **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *standard_error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer)"openssl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (tls_dir, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                     &standard_error, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "openssl %s failed: %s", args[0],
                   standard_error != NULL ? standard_error : "");
      return FALSE;
    }

  return TRUE;
}

/* A private certificate authority and a server certificate for 127.0.0.1 and localhost,
 * made with the openssl tool (GnuTLS in GLib can load certificates but not make them).
 */
static gboolean
make_certificates (const char  *tls_dir,
                   GError     **error)
{
  const char *ca[] = {
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-days", "3650", "-subj", "/CN=MyAltaMed Demo Clinic CA",
    "-keyout", "ca.key", "-out", "ca.pem",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL
  };
  const char *request[] = {
    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr", NULL
  };
  const char *sign[] = {
    "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-CAcreateserial", "-days", "825", "-extfile", "server.ext", "-out", "server.pem", NULL
  };
  g_autofree char *ext_path = g_build_filename (tls_dir, "server.ext", NULL);
  g_autofree char *csr_path = g_build_filename (tls_dir, "server.csr", NULL);
  g_autofree char *srl_path = g_build_filename (tls_dir, "ca.srl", NULL);
  static const char extensions[] =
    "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n"
    "basicConstraints=CA:FALSE\n"
    "keyUsage=digitalSignature\n"
    "extendedKeyUsage=serverAuth\n";

  if (g_mkdir_with_parents (tls_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot make %s: %s",
                   tls_dir, g_strerror (errno));
      return FALSE;
    }

  if (!g_file_set_contents (ext_path, extensions, -1, error) ||
      !run_openssl (tls_dir, ca, error) ||
      !run_openssl (tls_dir, request, error) ||
      !run_openssl (tls_dir, sign, error))
    return FALSE;

  g_unlink (ext_path);
  g_unlink (csr_path);
  g_unlink (srl_path);
  return TRUE;
}

static void
birth_date_of (const DemoPatient *demo,
               GDate             *out_date)
{
  alta_clock_get_today (out_date);
  g_date_subtract_days (out_date, demo->days_past_birthday);
  g_date_subtract_years (out_date, demo->age_years);
}

static char *
birth_date_for (const DemoPatient *demo)
{
  GDate date;

  birth_date_of (demo, &date);
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

static gint64
add_account (AltaStore   *store,
             const char  *username,
             const char  *password,
             const char  *role,
             const char  *patient_id,
             const char  *email,
             const char  *language,
             gint64       now,
             GError     **error)
{
  g_autofree char *password_hash = alta_secrets_hash_password (password, error);
  AltaAccount account = { 0 };

  if (password_hash == NULL)
    return 0;

  account.username = (char *)username;
  account.role = (char *)role;
  account.patient_id = (char *)patient_id;
  account.password_hash = password_hash;
  account.email = (char *)email;
  account.language = (char *)language;
  account.created_at = now;

  return alta_store_insert_account (store, &account, error);
}

static void
add_entry (JsonBuilder *builder,
           const char  *username,
           const char  *password,
           const char  *role,
           const char  *patient_id,
           const char  *name,
           const char  *birth_date,
           int          age,
           const char  *language,
           const char  *shows,
           const char  *activation_code)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  username != NULL ? json_builder_add_string_value (builder, username)
                   : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "password");
  password != NULL ? json_builder_add_string_value (builder, password)
                   : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "patient_id");
  patient_id != NULL ? json_builder_add_string_value (builder, patient_id)
                     : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "birth_date");
  birth_date != NULL ? json_builder_add_string_value (builder, birth_date)
                     : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "age");
  age >= 0 ? json_builder_add_int_value (builder, age) : json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, language);
  json_builder_set_member_name (builder, "shows");
  json_builder_add_string_value (builder, shows);
  if (activation_code != NULL)
    {
      json_builder_set_member_name (builder, "activation_code");
      json_builder_add_string_value (builder, activation_code);
    }
  json_builder_end_object (builder);
}

/* Each demo patient's clinical record: a Bundle made for today, imported as any other. */
static gboolean
add_records (AltaStore  *store,
             gint64      now,
             GError    **error)
{
  AltaDemoRecordsPatient patients[G_N_ELEMENTS (demo_patients)];
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AltaFhirImportStats) stats = alta_fhir_import_stats_new ();
  g_autofree char *bundle = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (demo_patients); i++)
    {
      GDate date;

      birth_date_of (&demo_patients[i], &date);
      g_ptr_array_add (ids, g_strdup_printf ("demo-%s", demo_patients[i].key));
      patients[i] = (AltaDemoRecordsPatient) {
        .key = demo_patients[i].key,
        .patient_id = g_ptr_array_index (ids, i),
        .language = demo_patients[i].language,
        .birth_year = g_date_get_year (&date),
        .birth_month = g_date_get_month (&date),
        .birth_day = g_date_get_day (&date),
      };
    }

  bundle = alta_demo_records_build_bundle (patients, G_N_ELEMENTS (patients), now);
  return alta_fhir_import_data (store, "demo records", bundle, -1, ALTA_FHIR_IMPORT_STRICT, now,
                                stats, error);
}

static gboolean
create_clinic (AltaServer  *server,
               const char  *data_dir,
               GError     **error)
{
  AltaStore *store = alta_server_get_store (server);
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json_path = g_build_filename (data_dir, "demo-accounts.json", NULL);
  g_autofree char *parent_patient_id = NULL;
  g_autofree char *child_patient_id = NULL;
  gint64 now = alta_clock_now ();
  gint64 parent_account_id = 0;

  if (!alta_store_begin (store, error))
    return FALSE;

  json_builder_begin_array (builder);

  for (guint i = 0; i < G_N_ELEMENTS (demo_patients); i++)
    {
      const DemoPatient *demo = &demo_patients[i];
      g_autofree char *id = g_strdup_printf ("demo-%s", demo->key);
      g_autofree char *birth_date = birth_date_for (demo);
      g_autofree char *name = g_strdup_printf ("%s %s", demo->given_name, demo->family_name);
      g_autofree char *code = NULL;
      AltaPatient patient = {
        .id = id,
        .given_name = (char *)demo->given_name,
        .family_name = (char *)demo->family_name,
        .birth_date = birth_date,
        .email = (char *)demo->email,
        .phone = (char *)demo->phone,
        .language = (char *)demo->language,
        .gender = (char *)demo->gender,
      };
      gint64 account_id = 0;

      if (!alta_store_insert_patient (store, &patient, error) ||
          !alta_fhir_import_patient (store, &patient, now, error))
        goto failed;

      if (demo->username != NULL &&
          (account_id = add_account (store, demo->username, demo->password, "patient", id,
                                     demo->email, demo->language, now, error)) == 0)
        goto failed;

      if (g_str_equal (demo->key, "parent"))
        {
          parent_account_id = account_id;
          parent_patient_id = g_strdup (id);
        }
      else if (g_str_equal (demo->key, "child"))
        child_patient_id = g_strdup (id);
      else if (g_str_equal (demo->key, "enroll") &&
               !alta_server_issue_activation_code (server, NULL, &patient, demo->email, &code,
                                                   NULL, error))
        goto failed;

      add_entry (builder, demo->username, demo->password, "patient", id, name, birth_date,
                 demo->age_years, demo->language, demo->shows, code);
    }

  if (!add_records (store, now, error))
    goto failed;

  g_assert (parent_account_id != 0 && child_patient_id != NULL);
  if (!alta_store_insert_proxy_grant (store, parent_account_id, child_patient_id, "child",
                                      "DEMO-CONSENT-0001", now, error))
    goto failed;

  if (add_account (store, STAFF_USERNAME, STAFF_PASSWORD, "staff", NULL,
                   "frontdesk@myaltamed.example", "en", now, error) == 0)
    goto failed;

  add_entry (builder, STAFF_USERNAME, STAFF_PASSWORD, "staff", NULL, "Front Desk", NULL, -1, "en",
             "Staff at the enrollment station: find a patient, verify identity, issue a code",
             NULL);
  json_builder_end_array (builder);

  if (!alta_store_set_meta (store, DEMO_MARKER, "1", error) ||
      !alta_store_audit (store, now, NULL, "admin-cli", "demo.create", NULL, "success", error) ||
      !alta_store_commit (store, error))
    goto failed;

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  if (!json_generator_to_file (generator, json_path, error))
    return FALSE;

  return TRUE;

failed:
  alta_store_rollback (store);
  return FALSE;
}

/* "Carolyne559" → "carolyne" (Synthea numbers its names) */
static char *
username_for (const char *given_name)
{
  GString *name = g_string_new (NULL);

  for (const char *p = given_name; *p != '\0' && *p != ' '; p++)
    if (g_ascii_isalpha (*p))
      g_string_append_c (name, g_ascii_tolower (*p));

  if (name->len < 3)
    g_string_append (name, "patient");
  return g_string_free (name, FALSE);
}

/**
 * alta_demo_import:
 * @server: a server on the demo's data folder, already prepared
 * @data_dir: the data folder
 * @paths: FHIR Bundles and NDJSON files
 * @error: return location for a #GError
 *
 * Imports the files and gives each imported patient who has none an account (children aged
 * 0–11 are added to the demo parent's account by proxy instead), listed in
 * `demo-accounts.json` with the rest.
 *
 * Returns: %TRUE when every file was imported
 */
gboolean
alta_demo_import (AltaServer          *server,
                  const char          *data_dir,
                  const char * const  *paths,
                  GError             **error)
{
  AltaStore *store = alta_server_get_store (server);
  g_autofree char *json_path = g_build_filename (data_dir, "demo-accounts.json", NULL);
  g_autoptr (GPtrArray) patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (AltaAccount) parent = NULL;
  g_autoptr (GError) import_error = NULL;
  JsonArray *existing;
  gint64 now = alta_clock_now ();
  GDate today;

  alta_clock_get_today (&today);
  alta_fhir_import_files (store, paths, now, FALSE, patient_ids, &import_error);

  if (!json_parser_load_from_file (parser, json_path, error))
    return FALSE;
  existing = json_node_get_array (json_parser_get_root (parser));

  parent = alta_store_get_account_by_username (store, "daniel", NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (existing); i++)
    json_builder_add_value (builder, json_node_copy (json_array_get_element (existing, i)));

  if (!alta_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < patient_ids->len; i++)
    {
      const char *id = g_ptr_array_index (patient_ids, i);
      g_autoptr (AltaPatient) patient = alta_store_get_patient (store, id, NULL);
      g_autoptr (AltaAccount) account = NULL;
      g_autofree char *base = NULL;
      g_autofree char *username = NULL;
      g_autofree char *password = NULL;
      g_autofree char *name = NULL;
      g_autofree char *shows = NULL;
      GDate birth_date;
      int age;

      if (patient == NULL || !alta_rules_parse_date (patient->birth_date, &birth_date))
        continue;
      account = alta_store_get_account_by_patient (store, id, NULL);
      if (account != NULL)
        continue;

      age = alta_rules_age_on (&birth_date, &today);
      name = g_strdup_printf ("%s %s", patient->given_name, patient->family_name);

      if (age < 12 && parent != NULL)
        {
          if (!alta_store_insert_proxy_grant (store, parent->id, id, "child", "DEMO-IMPORT",
                                              now, error))
            goto failed;
          add_entry (builder, NULL, NULL, "patient", id, name, patient->birth_date, age,
                     patient->language, "Imported child aged 0–11: seen through daniel's account",
                     NULL);
          continue;
        }

      base = username_for (patient->given_name);
      username = g_strdup (base);
      for (int n = 2; ; n++)
        {
          g_autoptr (AltaAccount) taken = alta_store_get_account_by_username (store, username, NULL);

          if (taken == NULL)
            break;
          g_free (username);
          username = g_strdup_printf ("%s%d", base, n);
        }
      password = g_strdup_printf ("Imported-%s-Record-1", username);
      if (add_account (store, username, password, "patient", id, patient->email,
                       patient->language, now, error) == 0)
        goto failed;

      shows = age >= 12 && age <= 17
                ? g_strdup ("Imported patient aged 12–17: sign-in is refused")
                : g_strdup ("An imported Synthea patient's record");
      add_entry (builder, username, password, "patient", id, name, patient->birth_date, age,
                 patient->language, shows, NULL);
    }

  if (!alta_store_commit (store, error))
    goto failed;

  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  if (!json_generator_to_file (generator, json_path, error))
    return FALSE;

  if (import_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&import_error));
      return FALSE;
    }
  return TRUE;

failed:
  alta_store_rollback (store);
  return FALSE;
}

/**
 * alta_demo_prepare:
 * @server: a server on the demo's data folder
 * @data_dir: the data folder
 * @error: return location for a #GError
 *
 * On a new folder, makes the demo clinic: certificates, patients, accounts, a proxy grant,
 * an unused activation code and `demo-accounts.json`. On a folder already made, changes
 * nothing.
 *
 * Returns: (transfer full) (nullable): the demo's server certificate
 */
GTlsCertificate *
alta_demo_prepare (AltaServer  *server,
                   const char  *data_dir,
                   GError     **error)
{
  g_autofree char *tls_dir = g_build_filename (data_dir, "tls", NULL);
  g_autofree char *cert_path = g_build_filename (tls_dir, "server.pem", NULL);
  g_autofree char *key_path = g_build_filename (tls_dir, "server.key", NULL);
  g_autofree char *marker = alta_store_get_meta (alta_server_get_store (server), DEMO_MARKER);

  if (!g_file_test (cert_path, G_FILE_TEST_EXISTS) && !make_certificates (tls_dir, error))
    return NULL;

  if (marker == NULL)
    {
      if (!create_clinic (server, data_dir, error))
        return NULL;

      if (!alta_mailer_flush_sync (server->mailer, error))
        return NULL;
    }

  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}

/**
 * alta_demo_print_summary:
 * @data_dir: the demo's data folder
 *
 * Prints where the CA certificate is and the demo accounts, for people to sign in with.
 */
void
alta_demo_print_summary (const char *data_dir)
{
  g_autofree char *json_path = g_build_filename (data_dir, "demo-accounts.json", NULL);
  g_autofree char *ca_path = g_build_filename (data_dir, "tls", "ca.pem", NULL);
  g_autofree char *outbox = g_build_filename (data_dir, "outbox", "new", NULL);
  g_autofree char *absolute_ca = g_canonicalize_filename (ca_path, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *accounts;

  g_print ("MyAltaMed demo clinic\n");
  g_print ("  CA certificate: %s\n", absolute_ca);
  g_print ("  Mail outbox:    %s\n", outbox);
  g_print ("  Accounts (%s):\n", json_path);

  if (!json_parser_load_from_file (parser, json_path, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_print ("    (demo-accounts.json cannot be read)\n");
      return;
    }

  accounts = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *entry = json_array_get_object_element (accounts, i);
      const char *username = json_object_get_string_member_with_default (entry, "username", NULL);
      const char *password = json_object_get_string_member_with_default (entry, "password", NULL);
      const char *code = json_object_get_string_member_with_default (entry, "activation_code", NULL);
      const char *shows = json_object_get_string_member_with_default (entry, "shows", "");

      if (username != NULL)
        g_print ("    %-10s %-22s %s\n", username, password, shows);
      else if (code != NULL)
        g_print ("    %-10s code %-17s %s\n", "(none)", code, shows);
      else
        g_print ("    %-10s %-22s %s\n", "(none)", "", shows);
    }
  fflush (stdout);
}
