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
#include "alta-clock.h"
#include "alta-mailer.h"
#include "alta-rules.h"
#include "alta-secrets.h"
#include "alta-server-private.h"

static const char admin_usage[] =
  "Usage: myaltamed-portald admin --data-dir DIR [--config F] COMMAND [OPTIONS]\n"
  "\n"
  "Commands:\n"
  "  add-patient --given NAME --family NAME --birth-date YYYY-MM-DD [--email E] [--phone P]\n"
  "              [--language en|es]                 prints the new patient id\n"
  "  add-staff --username U                         reads the password from standard input\n"
  "  issue-code --patient-id ID [--email E] [--verified HOW]\n"
  "                                                 prints the activation code (also mailed)\n"
  "  grant-proxy --proxy-username U --patient-id ID --relationship child|dependent-adult\n"
  "              --consent-form-id C\n"
  "  unlock --username U                            ends a lockout after wrong passwords\n"
  "  audit [--since YYYY-MM-DD|UNIX-TIME]           prints the audit trail\n";

typedef struct
{
  AltaServer *server;
  AltaStore  *store;
  gint64      now;
} Admin;

static gboolean
parse_options (const char    *command,
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

static int
report_failure (Admin      *admin,
                const char *command,
                GError     *error)
{
  g_printerr ("admin %s: %s\n", command, error->message);
  alta_store_rollback (admin->store);
  return 1;
}

static int
commit_and_mail (Admin      *admin,
                 const char *command)
{
  g_autoptr (GError) error = NULL;

  if (!alta_store_commit (admin->store, &error))
    {
      g_printerr ("admin %s: %s\n", command, error->message);
      alta_store_rollback (admin->store);
      return 1;
    }

  if (!alta_mailer_flush_sync (admin->server->mailer, &error))
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
    { NULL }
  };

  if (!parse_options ("add-patient", entries, &argc, &argv))
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

  id = g_uuid_string_random ();
  patient.id = id;
  patient.given_name = given;
  patient.family_name = family;
  patient.birth_date = birth_date;
  patient.email = email;
  patient.phone = phone;
  patient.language = language != NULL ? language : (char *)"en";

  target = g_strconcat ("patient:", id, NULL);
  if (!alta_store_begin (admin->store, &error) ||
      !alta_store_insert_patient (admin->store, &patient, &error) ||
      !alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "patient.add", target,
                         "success", &error))
    return report_failure (admin, "add-patient", error);

  if (commit_and_mail (admin, "add-patient") != 0)
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

  if (!parse_options ("add-staff", entries, &argc, &argv))
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
    return report_failure (admin, "add-staff", error);

  account.username = username;
  account.role = (char *)"staff";
  account.password_hash = password_hash;
  account.language = (char *)"en";
  account.created_at = admin->now;

  if (!alta_store_begin (admin->store, &error) ||
      (id = alta_store_insert_account (admin->store, &account, &error)) == 0)
    return report_failure (admin, "add-staff", error);

  target = g_strdup_printf ("account:%" G_GINT64_FORMAT, id);
  if (!alta_store_audit (admin->store, admin->now, NULL, "admin-cli", "staff.add", target,
                         "success", &error))
    return report_failure (admin, "add-staff", error);

  return commit_and_mail (admin, "add-staff");
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

  if (!parse_options ("issue-code", entries, &argc, &argv))
    return 2;

  if (patient_id == NULL)
    {
      g_printerr ("admin issue-code: --patient-id is required\n");
      return 2;
    }

  patient = alta_store_get_patient (admin->store, patient_id, &error);
  if (patient == NULL)
    return report_failure (admin, "issue-code", error);

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
    return report_failure (admin, "issue-code", error);

  if (commit_and_mail (admin, "issue-code") != 0)
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

  if (!parse_options ("grant-proxy", entries, &argc, &argv))
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
    return report_failure (admin, "grant-proxy", error);
  patient = alta_store_get_patient (admin->store, patient_id, &error);
  if (patient == NULL)
    return report_failure (admin, "grant-proxy", error);

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
    return report_failure (admin, "grant-proxy", error);

  return commit_and_mail (admin, "grant-proxy");
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

  if (!parse_options ("unlock", entries, &argc, &argv))
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
    return report_failure (admin, "unlock", error);

  return commit_and_mail (admin, "unlock");
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

  if (!parse_options ("audit", entries, &argc, &argv))
    return 2;

  if (since_text != NULL && !parse_since (since_text, &since))
    {
      g_printerr ("admin audit: --since takes YYYY-MM-DD or a Unix time\n");
      return 2;
    }

  entries_found = alta_store_list_audit (admin->store, since, &error);
  if (entries_found == NULL)
    return report_failure (admin, "audit", error);

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

  if (data_dir == NULL || i >= argc)
    {
      g_printerr ("%s", admin_usage);
      return 2;
    }

  command = argv[i];
  config = alta_config_load (config_path, &error);
  if (config == NULL)
    {
      g_printerr ("admin: %s: %s\n", config_path, error->message);
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

  g_printerr ("admin: unknown command “%s”\n%s", command, admin_usage);
  return 2;
}
