/* alta-portal-client-writes.c: what a patient changes, as typed calls of the portal client
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-client"

#include "config.h"

#include <string.h>

#include "alta-fhir-bundle.h"
#include "alta-portal-client.h"
#include "alta-portal-client-private.h"
#include "alta-portal-error.h"
#include "alta-refill-request.h"

/* Every create is conditional (docs/api.md, "Writes"): the caller gives a request id, kept
 * with its draft, that goes in the resource's identifier and in If-None-Exist. A send that
 * is retried after a lost answer then finds the first one (200) instead of making a second.
 * Built on the client's public calls only: nothing here sees its session or token.
 */

#define CLIENT_REQUEST_SYSTEM "https://myaltamed.net/fhir/sid/client-request"

typedef struct
{
  GType    type;
  gboolean created;
} Write;

static const char *
resource_type_of (GType type)
{
  g_autoptr (GTypeClass) klass = g_type_class_ref (type);

  /* Static strings of the class, which stays referenced by its instances' type */
  return ALTA_RECORD_ITEM_CLASS (klass)->resource_type;
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AltaPortalClient *self = ALTA_PORTAL_CLIENT (object);
  g_autoptr (GTask) task = user_data;
  g_autoptr (AltaPortalResponse) response = NULL;
  g_autoptr (AltaRecordItem) item = NULL;
  g_autoptr (GError) error = NULL;
  Write *write = g_task_get_task_data (task);
  GBytes *body;

  if (!(response = alta_portal_client_write_finish (self, result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  write->created = alta_portal_response_get_status (response) == 201;
  body = alta_portal_response_get_body (response);
  item = alta_fhir_resource_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   write->type, &error);
  if (item == NULL)
    {
      g_warning ("Request %s: the written resource cannot be read: %s",
                 alta_portal_response_get_request_id (response), error->message);
      g_task_return_new_error (task, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE,
                               "%s", error->message);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&item), g_object_unref);
}

static GTask *
write_task_new (AltaPortalClient    *self,
                GType                type,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Write *write = g_new0 (Write, 1);

  g_task_set_source_tag (task, source_tag);
  write->type = type;
  g_task_set_task_data (task, write, g_free);

  return task;
}

/* The resource with the request's identifier added, unless it carries it already */
static JsonNode *
node_with_request_id (JsonObject *resource,
                      const char *resource_type,
                      const char *request_id)
{
  g_autoptr (JsonNode) source = json_node_init_object (json_node_alloc (), resource);
  JsonNode *copy = json_node_copy (source);
  JsonObject *object = json_node_get_object (copy);
  JsonArray *identifiers;
  JsonObject *identifier;

  json_object_set_string_member (object, "resourceType", resource_type);
  if (!json_object_has_member (object, "identifier") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "identifier")))
    json_object_set_array_member (object, "identifier", json_array_new ());
  identifiers = json_object_get_array_member (object, "identifier");

  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonNode *element = json_array_get_element (identifiers, i);
      JsonObject *existing = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element)
                                                              : NULL;

      if (existing != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (existing, "system", NULL),
                     CLIENT_REQUEST_SYSTEM) == 0)
        {
          json_object_set_string_member (existing, "value", request_id);
          return copy;
        }
    }

  identifier = json_object_new ();
  json_object_set_string_member (identifier, "system", CLIENT_REQUEST_SYSTEM);
  json_object_set_string_member (identifier, "value", request_id);
  json_array_add_object_element (identifiers, identifier);

  return copy;
}

/**
 * alta_portal_client_create_async:
 * @self: an #AltaPortalClient
 * @type: the #AltaRecordItem subclass of the resource, which names its type
 * @resource: the resource to create; it is copied
 * @request_id: the id of this request, the same for every retry of it (a UUID kept with the
 *   draft)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the created resource
 * @user_data: data for @callback
 *
 * Creates a FHIR resource (`POST /fhir/R4/<type>` with `If-None-Exist`): booking an
 * appointment, requesting a dental visit or a refill, sending a message. A retry with the
 * same @request_id answers with the resource the first send made.
 */
void
alta_portal_client_create_async (AltaPortalClient    *self,
                                 GType                type,
                                 JsonObject          *resource,
                                 const char          *request_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *condition = NULL;
  const char *resource_type;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM) && type != ALTA_TYPE_RECORD_ITEM);
  g_return_if_fail (resource != NULL);
  g_return_if_fail (request_id != NULL && *request_id != '\0' && strchr (request_id, '|') == NULL);

  task = write_task_new (self, type, alta_portal_client_create_async, cancellable, callback,
                         user_data);
  resource_type = resource_type_of (type);
  node = node_with_request_id (resource, resource_type, request_id);
  path = g_strdup_printf ("/fhir/R4/%s", resource_type);
  condition = g_strdup_printf ("identifier=%s|%s", CLIENT_REQUEST_SYSTEM, request_id);

  alta_portal_client_write_async (self, "POST", path, node,
                                  "application/fhir+json; charset=utf-8",
                                  (const char *[]) { "If-None-Exist", condition, NULL },
                                  ALTA_REQUEST_NONE, cancellable, write_cb,
                                  g_steal_pointer (&task));
}

/**
 * alta_portal_client_create_finish:
 * @self: an #AltaPortalClient
 * @result: the #GAsyncResult
 * @out_created: (out) (optional): %TRUE when this send made it, %FALSE when an earlier
 *   send of the same request had
 * @error: return location for a #GError: %ALTA_PORTAL_ERROR_CONFLICT when a slot was taken
 *   meanwhile or a refill is already pending, %ALTA_PORTAL_ERROR_INVALID_FIELD when the
 *   portal refused it (its message says why)
 *
 * Returns: (transfer full) (nullable): the resource as the portal keeps it
 */
AltaRecordItem *
alta_portal_client_create_finish (AltaPortalClient  *self,
                                  GAsyncResult      *result,
                                  gboolean          *out_created,
                                  GError           **error)
{
  Write *write;

  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  write = g_task_get_task_data (G_TASK (result));
  if (out_created != NULL)
    *out_created = write->created;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * alta_portal_client_patch_async:
 * @self: an #AltaPortalClient
 * @type: the #AltaRecordItem subclass of the resource
 * @id: the resource's id
 * @operations: a JSON Patch (RFC 6902): an array of operations; it is copied
 * @version: (nullable): the version it was read at (`meta.versionId`): the change is refused
 *   with %ALTA_PORTAL_ERROR_CONFLICT if it moved on
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the changed resource
 * @user_data: data for @callback
 *
 * Changes a FHIR resource (`PATCH /fhir/R4/<type>/<id>`): cancelling an appointment, marking
 * a message read.
 */
void
alta_portal_client_patch_async (AltaPortalClient    *self,
                                GType                type,
                                const char          *id,
                                JsonArray           *operations,
                                const char          *version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *match = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (g_type_is_a (type, ALTA_TYPE_RECORD_ITEM) && type != ALTA_TYPE_RECORD_ITEM);
  g_return_if_fail (id != NULL);
  g_return_if_fail (operations != NULL);

  task = write_task_new (self, type, alta_portal_client_patch_async, cancellable, callback,
                         user_data);
  node = json_node_init_array (json_node_alloc (), operations);
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strdup_printf ("/fhir/R4/%s/%s", resource_type_of (type), escaped);
  if (version != NULL)
    match = g_strdup_printf ("W/\"%s\"", version);

  alta_portal_client_write_async (self, "PATCH", path, node, "application/json-patch+json",
                                  (const char *[]) { "If-Match", match, NULL },
                                  ALTA_REQUEST_NONE, cancellable, write_cb,
                                  g_steal_pointer (&task));
}

/**
 * alta_portal_client_patch_finish:
 *
 * Returns: (transfer full) (nullable): the resource as changed
 */
AltaRecordItem *
alta_portal_client_patch_finish (AltaPortalClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * alta_portal_client_update_account_async:
 * @self: an #AltaPortalClient
 * @changes: any of `email`, `phone`, `language`, `address` as docs/api.md writes them; copied
 * @current_password: (nullable): the account's password, which a new email needs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the account as changed
 * @user_data: data for @callback
 *
 * Changes the account's contact details or language (`PATCH /api/v1/me`).
 */
void
alta_portal_client_update_account_async (AltaPortalClient    *self,
                                         JsonObject          *changes,
                                         const char          *current_password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) copy = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (changes != NULL);

  node = json_node_init_object (json_node_alloc (), changes);
  copy = json_node_copy (node);
  if (current_password != NULL)
    json_object_set_string_member (json_node_get_object (copy), "current_password",
                                   current_password);

  alta_portal_client_write_json_async (self, "PATCH", "/api/v1/me", json_node_get_object (copy),
                                       current_password != NULL ? ALTA_REQUEST_SECRET_BODY
                                                                : ALTA_REQUEST_NONE,
                                       alta_portal_client_update_account_async, cancellable,
                                       callback, user_data);
}

/**
 * alta_portal_client_update_account_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_FIELD names the field in its message;
 *   %ALTA_PORTAL_ERROR_INVALID_CREDENTIALS for a new email without the right password
 *
 * Returns: (transfer full) (nullable): the account as changed
 */
AltaPortalAccount *
alta_portal_client_update_account_finish (AltaPortalClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_autoptr (JsonObject) answer = NULL;

  if (!alta_portal_client_write_json_finish (self, result, &answer, error))
    return NULL;

  return alta_portal_account_new_from_json (answer, error);
}

/**
 * alta_portal_client_change_password_async:
 * @self: an #AltaPortalClient
 * @current_password: the password now
 * @new_password: the new one
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once changed, or not
 * @user_data: data for @callback
 *
 * Changes the password (`POST /api/v1/me/password`). This session stays; the account's other
 * sessions end.
 */
void
alta_portal_client_change_password_async (AltaPortalClient    *self,
                                          const char          *current_password,
                                          const char          *new_password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr (JsonObject) object = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (current_password != NULL);
  g_return_if_fail (new_password != NULL);

  json_object_set_string_member (object, "current_password", current_password);
  json_object_set_string_member (object, "new_password", new_password);

  alta_portal_client_write_json_async (self, "POST", "/api/v1/me/password", object,
                                       ALTA_REQUEST_SECRET_BODY,
                                       alta_portal_client_change_password_async, cancellable,
                                       callback, user_data);
}

/**
 * alta_portal_client_change_password_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_CREDENTIALS (wrong current password),
 *   %ALTA_PORTAL_ERROR_WEAK_PASSWORD, %ALTA_PORTAL_ERROR_ACCOUNT_LOCKED
 *
 * Returns: %TRUE once changed
 */
gboolean
alta_portal_client_change_password_finish (AltaPortalClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return alta_portal_client_write_json_finish (self, result, NULL, error);
}

/**
 * alta_portal_client_request_refill_async:
 * @self: an #AltaPortalClient
 * @patient_id: the record the prescription is in
 * @medication_id: the prescription (MedicationRequest) to refill
 * @note: (nullable): a note for the pharmacy; blank is none
 * @request_id: the id of this request, the same for every retry of it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the refill request
 * @user_data: data for @callback
 *
 * Asks the clinic to refill a prescription (`POST /fhir/R4/Task`, docs/api.md "Refill
 * requests").
 */
void
alta_portal_client_request_refill_async (AltaPortalClient    *self,
                                         const char          *patient_id,
                                         const char          *medication_id,
                                         const char          *note,
                                         const char          *request_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr (JsonObject) task = NULL;

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (patient_id != NULL && medication_id != NULL);

  task = alta_refill_request_new_json (patient_id, medication_id, note);
  alta_portal_client_create_async (self, ALTA_TYPE_REFILL_REQUEST, task, request_id,
                                   cancellable, callback, user_data);
}

/**
 * alta_portal_client_request_refill_finish:
 * @error: %ALTA_PORTAL_ERROR_CONFLICT when a request for it is already pending,
 *   %ALTA_PORTAL_ERROR_INVALID_FIELD when the prescription is not active or has no refills
 *   left (the portal's message says which)
 *
 * Returns: (transfer full) (nullable): the refill request as the portal keeps it
 */
AltaRefillRequest *
alta_portal_client_request_refill_finish (AltaPortalClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  AltaRecordItem *item = alta_portal_client_create_finish (self, result, NULL, error);

  g_assert (item == NULL || ALTA_IS_REFILL_REQUEST (item));
  return (AltaRefillRequest *)item;
}

static JsonObject *
reference_new (const char *type,
               const char *id)
{
  JsonObject *reference = json_object_new ();
  g_autofree char *text = g_strconcat (type, "/", id, NULL);

  json_object_set_string_member (reference, "reference", text);
  return reference;
}

/**
 * alta_portal_client_send_message_async:
 * @self: an #AltaPortalClient
 * @patient_id: the record the message is about
 * @care_team_id: the record's care team (CareTeam id), whom it goes to
 * @topic: (nullable): its subject
 * @text: what it says, as typed
 * @in_response_to: (nullable): the id of the message it answers
 * @request_id: the draft's id, the same for every retry of it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the message as sent
 * @user_data: data for @callback
 *
 * Sends a message to the care team (`POST Communication`, conditional on @request_id, so
 * that a retry after a lost answer never sends it twice). The portal names the sender: the
 * patient, or the proxy who writes.
 */
void
alta_portal_client_send_message_async (AltaPortalClient    *self,
                                       const char          *patient_id,
                                       const char          *care_team_id,
                                       const char          *topic,
                                       const char          *text,
                                       const char          *in_response_to,
                                       const char          *request_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr (JsonObject) communication = json_object_new ();
  JsonArray *recipients = json_array_new ();
  JsonArray *payloads = json_array_new ();
  JsonObject *payload = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (patient_id != NULL && care_team_id != NULL && text != NULL);

  json_object_set_string_member (communication, "status", "completed");
  json_object_set_object_member (communication, "subject", reference_new ("Patient", patient_id));
  json_array_add_object_element (recipients, reference_new ("CareTeam", care_team_id));
  json_object_set_array_member (communication, "recipient", recipients);
  if (topic != NULL && *topic != '\0')
    {
      JsonObject *concept = json_object_new ();

      json_object_set_string_member (concept, "text", topic);
      json_object_set_object_member (communication, "topic", concept);
    }
  json_object_set_string_member (payload, "contentString", text);
  json_array_add_object_element (payloads, payload);
  json_object_set_array_member (communication, "payload", payloads);
  if (in_response_to != NULL)
    {
      JsonArray *answered = json_array_new ();

      json_array_add_object_element (answered, reference_new ("Communication", in_response_to));
      json_object_set_array_member (communication, "inResponseTo", answered);
    }

  alta_portal_client_create_async (self, ALTA_TYPE_MESSAGE, communication, request_id,
                                   cancellable, callback, user_data);
}

/**
 * alta_portal_client_send_message_finish:
 * @error: %ALTA_PORTAL_ERROR_INVALID_FIELD when the portal refused it (its message says why)
 *
 * Returns: (transfer full) (nullable): the message as the portal keeps it
 */
AltaMessage *
alta_portal_client_send_message_finish (AltaPortalClient  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  return ALTA_MESSAGE (alta_portal_client_create_finish (self, result, NULL, error));
}

/**
 * alta_portal_client_mark_message_read_async:
 * @self: an #AltaPortalClient
 * @message: a message from the care team
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the message as changed
 * @user_data: data for @callback
 *
 * Says the patient read @message now (`PATCH Communication/<id>` setting `received`, the one
 * field the contract lets a patient change).
 */
void
alta_portal_client_mark_message_read_async (AltaPortalClient    *self,
                                            AltaMessage         *message,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr (JsonArray) operations = json_array_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *received = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  JsonObject *operation = json_object_new ();

  g_return_if_fail (ALTA_IS_PORTAL_CLIENT (self));
  g_return_if_fail (ALTA_IS_MESSAGE (message));

  json_object_set_string_member (operation, "op", "add");
  json_object_set_string_member (operation, "path", "/received");
  json_object_set_string_member (operation, "value", received);
  json_array_add_object_element (operations, operation);

  alta_portal_client_patch_async (self, ALTA_TYPE_MESSAGE,
                                  alta_record_item_get_id (ALTA_RECORD_ITEM (message)), operations,
                                  NULL, cancellable, callback, user_data);
}

/**
 * alta_portal_client_mark_message_read_finish:
 *
 * Returns: (transfer full) (nullable): the message as changed, read
 */
AltaMessage *
alta_portal_client_mark_message_read_finish (AltaPortalClient  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  return ALTA_MESSAGE (alta_portal_client_patch_finish (self, result, error));
}
