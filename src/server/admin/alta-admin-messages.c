/* alta-admin-messages.c: the back office's answers to refill requests and messages
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-admin"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alta-admin-messages.h"
#include "alta-fhir-messages.h"
#include "alta-fhir-refills.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-store.h"
#include "alta-mailer.h"
#include "alta-server-private.h"

/* Each command is one transaction: the resource's new version, the audit row and the
 * notice mail to whoever may see the record, all or nothing. The mail goes out at once
 * when the relay answers, and stays queued for the server otherwise.
 */

/* Standard input, byte for byte, up to this much */
#define MAX_STDIN_BYTES (1024 * 1024)

/* Stores a new version of @resource (or a new resource) in the open transaction */
static gboolean
put_resource (AltaServer  *server,
              JsonObject  *resource,
              const char  *id,
              const char  *patient_id,
              gint64       now,
              GError     **error)
{
  g_autoptr (AltaFhirIndex) index = alta_fhir_index_resource (resource, error);

  return index != NULL &&
         alta_fhir_store_put (alta_server_get_store (server), resource, index, id, patient_id,
                              NULL, 0, FALSE, now, NULL, error);
}

static JsonObject *
parse_record (AltaFhirRecord  *record,
              GError         **error)
{
  g_autoptr (JsonNode) node = json_from_string (record->json, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s/%s is not a JSON object",
                   record->type, record->id);
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

/* complete-refill and reject-refill */
static int
close_refill (AltaServer  *server,
              gint64       now,
              const char  *command,
              const char  *task_id,
              const char  *status,
              const char  *reason)
{
  AltaStore *store = alta_server_get_store (server);
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (JsonObject) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *target = g_strconcat ("Task/", task_id, NULL);
  const char *action = g_str_equal (status, "completed") ? "Task.complete" : "Task.reject";
  AltaMailNotice notice = g_str_equal (status, "completed") ? ALTA_MAIL_NOTICE_REFILL_COMPLETED
                                                            : ALTA_MAIL_NOTICE_REFILL_REJECTED;

  if (!alta_store_begin (store, &error))
    return alta_admin_fail (server, command, error);

  record = alta_fhir_store_get (store, "Task", task_id, &error);
  if (record == NULL)
    {
      alta_store_rollback (store);
      g_printerr ("admin %s: there is no Task/%s\n", command, task_id);
      return 1;
    }

  if (record->patient_id == NULL ||
      (task = parse_record (record, &error)) == NULL ||
      !alta_fhir_refill_set_outcome (task, status, reason, now, &error))
    {
      alta_store_rollback (store);
      g_printerr ("admin %s: Task/%s: %s\n", command, task_id,
                  error != NULL ? error->message : "it is in no patient's record");
      return 1;
    }

  if (!put_resource (server, task, task_id, record->patient_id, now, &error) ||
      !alta_store_audit (store, now, NULL, "admin-cli", action, target, "success", &error) ||
      !alta_server_notify_patient (server, record->patient_id, notice, now, &error))
    return alta_admin_fail (server, command, error);

  return alta_admin_commit_and_mail (server, command);
}

/**
 * alta_admin_complete_refill:
 *
 * `admin complete-refill --task ID`: the clinic sent the refill; it counts against the
 * prescription's refills.
 *
 * Returns: the exit status: 0 done, 1 failed, 2 wrong usage
 */
int
alta_admin_complete_refill (AltaServer  *server,
                            gint64       now,
                            int          argc,
                            char       **argv)
{
  g_autofree char *task_id = NULL;
  GOptionEntry entries[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING, &task_id, "The refill request (Task id)", "ID" },
    { NULL }
  };

  if (!alta_admin_parse_options ("complete-refill", entries, &argc, &argv))
    return 2;

  if (task_id == NULL || !alta_fhir_id_is_valid (task_id))
    {
      g_printerr ("admin complete-refill: --task ID is required\n");
      return 2;
    }

  return close_refill (server, now, "complete-refill", task_id, "completed", NULL);
}

/**
 * alta_admin_reject_refill:
 *
 * `admin reject-refill --task ID --reason TEXT`: the clinic refuses the refill and says why;
 * the patient reads the reason in the Task's statusReason.
 *
 * Returns: the exit status: 0 done, 1 failed, 2 wrong usage
 */
int
alta_admin_reject_refill (AltaServer  *server,
                          gint64       now,
                          int          argc,
                          char       **argv)
{
  g_autofree char *task_id = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING, &task_id, "The refill request (Task id)", "ID" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why, for the patient to read", "TEXT" },
    { NULL }
  };

  if (!alta_admin_parse_options ("reject-refill", entries, &argc, &argv))
    return 2;

  if (task_id == NULL || !alta_fhir_id_is_valid (task_id) || reason == NULL)
    {
      g_printerr ("admin reject-refill: --task ID and --reason TEXT are required\n");
      return 2;
    }

  if (!alta_fhir_message_check_text (reason, "--reason", "en", &error))
    {
      g_printerr ("admin reject-refill: %s\n", error->message);
      return 2;
    }

  return close_refill (server, now, "reject-refill", task_id, "rejected", reason);
}

static char *
read_stdin (gsize   *out_length,
            GError **error)
{
  GString *text = g_string_new (NULL);
  char buffer[8192];
  gsize n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    {
      g_string_append_len (text, buffer, n);
      if (text->len > MAX_STDIN_BYTES)
        {
          g_string_free (text, TRUE);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "the text on standard input is too long: at most %u characters",
                       ALTA_FHIR_MESSAGE_MAX_CHARS);
          return NULL;
        }
    }

  if (ferror (stdin))
    {
      g_string_free (text, TRUE);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "standard input cannot be read");
      return NULL;
    }

  *out_length = text->len;
  return g_string_free (text, FALSE);
}

/* The record's care team includes @practitioner_id */
static gboolean
is_on_care_team (AltaStore   *store,
                 const char  *patient_id,
                 const char  *practitioner_id,
                 GError     **error)
{
  g_autoptr (GPtrArray) teams = alta_fhir_store_list_care_teams (store, patient_id, error);
  g_autoptr (GHashTable) members = NULL;
  g_autofree char *reference = g_strconcat ("Practitioner/", practitioner_id, NULL);

  if (teams == NULL)
    return FALSE;

  members = alta_fhir_care_team_collect (teams);
  if (!g_hash_table_contains (members, reference))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Practitioner/%s is not on this patient's care team", practitioner_id);
      return FALSE;
    }

  return TRUE;
}

/**
 * alta_admin_reply_message:
 *
 * `admin reply-message --to-message ID --practitioner ID [--text TEXT]`: a clinician's
 * answer, in the thread of that message, to the patient; unread until their client says
 * otherwise. Prints the new Communication's id.
 *
 * Returns: the exit status: 0 done, 1 failed, 2 wrong usage
 */
int
alta_admin_reply_message (AltaServer  *server,
                          gint64       now,
                          int          argc,
                          char       **argv)
{
  AltaStore *store = alta_server_get_store (server);
  g_autofree char *message_id = NULL;
  g_autofree char *practitioner_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reply_id = NULL;
  g_autofree char *target = NULL;
  g_autoptr (AltaFhirRecord) record = NULL;
  g_autoptr (AltaFhirRecord) practitioner = NULL;
  g_autoptr (JsonObject) message = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  GOptionEntry entries[] = {
    { "to-message", 0, 0, G_OPTION_ARG_STRING, &message_id, "The message answered (Communication id)", "ID" },
    { "practitioner", 0, 0, G_OPTION_ARG_STRING, &practitioner_id, "The clinician who answers (Practitioner id)", "ID" },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, "The answer (default: standard input)", "TEXT" },
    { NULL }
  };

  if (!alta_admin_parse_options ("reply-message", entries, &argc, &argv))
    return 2;

  if (message_id == NULL || !alta_fhir_id_is_valid (message_id) ||
      practitioner_id == NULL || !alta_fhir_id_is_valid (practitioner_id))
    {
      g_printerr ("admin reply-message: --to-message ID and --practitioner ID are required\n");
      return 2;
    }

  if (text == NULL)
    {
      text = read_stdin (&length, &error);
      if (text == NULL)
        {
          g_printerr ("admin reply-message: %s\n", error->message);
          return 2;
        }
      if (strlen (text) != length)
        {
          g_printerr ("admin reply-message: the text on standard input has a NUL byte\n");
          return 2;
        }
    }

  if (!alta_fhir_message_check_text (text, "--text", "en", &error))
    {
      g_printerr ("admin reply-message: %s\n", error->message);
      return 2;
    }

  if (!alta_store_begin (store, &error))
    return alta_admin_fail (server, "reply-message", error);

  record = alta_fhir_store_get (store, "Communication", message_id, NULL);
  practitioner = alta_fhir_store_get (store, "Practitioner", practitioner_id, NULL);
  if (record == NULL || record->patient_id == NULL || practitioner == NULL)
    {
      alta_store_rollback (store);
      g_printerr ("admin reply-message: there is no %s/%s\n",
                  record == NULL || record->patient_id == NULL ? "Communication" : "Practitioner",
                  record == NULL || record->patient_id == NULL ? message_id : practitioner_id);
      return 1;
    }

  if (!is_on_care_team (store, record->patient_id, practitioner_id, &error) ||
      (message = parse_record (record, &error)) == NULL)
    {
      alta_store_rollback (store);
      g_printerr ("admin reply-message: %s\n", error->message);
      return 1;
    }

  reply = alta_fhir_message_new_reply (message, record->patient_id, practitioner_id, text, now);
  reply_id = g_uuid_string_random ();
  target = g_strconcat ("Communication/", reply_id, NULL);
  if (!put_resource (server, reply, reply_id, record->patient_id, now, &error) ||
      !alta_store_audit (store, now, NULL, "admin-cli", "Communication.create", target,
                         "success", &error) ||
      !alta_server_notify_patient (server, record->patient_id, ALTA_MAIL_NOTICE_NEW_MESSAGE, now,
                                   &error))
    return alta_admin_fail (server, "reply-message", error);

  if (alta_admin_commit_and_mail (server, "reply-message") != 0)
    return 1;

  g_print ("%s\n", reply_id);
  return 0;
}
