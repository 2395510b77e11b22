/* alta-portal-response.c: one answer of the portal, as it came
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-portal-response"

#include "config.h"

#include "alta-json.h"
#include "alta-portal-error.h"
#include "alta-portal-response.h"

struct _AltaPortalResponse
{
  GObject             parent_instance;

  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;

  /* Parsed on first use */
  gboolean            parsed;
  JsonNode           *json;
};

G_DEFINE_FINAL_TYPE (AltaPortalResponse, alta_portal_response, G_TYPE_OBJECT)

static void
alta_portal_response_finalize (GObject *object)
{
  AltaPortalResponse *self = (AltaPortalResponse *)object;

  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->json, json_node_unref);

  G_OBJECT_CLASS (alta_portal_response_parent_class)->finalize (object);
}

static void
alta_portal_response_class_init (AltaPortalResponseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = alta_portal_response_finalize;
}

static void
alta_portal_response_init (AltaPortalResponse *self)
{
}

/**
 * alta_portal_response_new:
 * @status: the HTTP status
 * @headers: (nullable): the response headers
 * @body: (nullable): the response body
 *
 * Returns: (transfer full): a new #AltaPortalResponse
 */
AltaPortalResponse *
alta_portal_response_new (guint               status,
                          SoupMessageHeaders *headers,
                          GBytes             *body)
{
  AltaPortalResponse *self = g_object_new (ALTA_TYPE_PORTAL_RESPONSE, NULL);

  self->status = status;
  self->headers = headers != NULL ? soup_message_headers_ref (headers) : NULL;
  self->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);

  return self;
}

guint
alta_portal_response_get_status (AltaPortalResponse *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_RESPONSE (self), 0);

  return self->status;
}

/**
 * alta_portal_response_get_header:
 * @self: an #AltaPortalResponse
 * @name: a header name
 *
 * Returns: (nullable): the header's value
 */
const char *
alta_portal_response_get_header (AltaPortalResponse *self,
                                 const char         *name)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_RESPONSE (self), NULL);

  if (self->headers == NULL)
    return NULL;

  return soup_message_headers_get_one (self->headers, name);
}

/**
 * alta_portal_response_get_request_id:
 * @self: an #AltaPortalResponse
 *
 * Returns: (nullable): the server's X-Request-Id, for log lines
 */
const char *
alta_portal_response_get_request_id (AltaPortalResponse *self)
{
  return alta_portal_response_get_header (self, "X-Request-Id");
}

/**
 * alta_portal_response_get_body:
 * @self: an #AltaPortalResponse
 *
 * Returns: (transfer none): the body, possibly empty
 */
GBytes *
alta_portal_response_get_body (AltaPortalResponse *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_RESPONSE (self), NULL);

  return self->body;
}

/**
 * alta_portal_response_get_json:
 * @self: an #AltaPortalResponse
 *
 * Returns: (transfer none) (nullable): the body as JSON, or %NULL when it is empty or not
 *   valid JSON
 */
JsonNode *
alta_portal_response_get_json (AltaPortalResponse *self)
{
  g_return_val_if_fail (ALTA_IS_PORTAL_RESPONSE (self), NULL);

  if (!self->parsed)
    {
      g_autoptr (JsonParser) parser = json_parser_new_immutable ();
      gsize size;
      const char *data = g_bytes_get_data (self->body, &size);

      self->parsed = TRUE;
      if (size > 0 && g_utf8_validate (data, size, NULL) &&
          json_parser_load_from_data (parser, data, size, NULL))
        self->json = json_parser_steal_root (parser);
    }

  return self->json;
}

/**
 * alta_portal_response_get_error_code:
 * @self: an #AltaPortalResponse
 *
 * Returns: (nullable): the account API's `error` code of the body, if it has one
 */
const char *
alta_portal_response_get_error_code (AltaPortalResponse *self)
{
  JsonNode *json = alta_portal_response_get_json (self);
  JsonObject *object;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    return NULL;

  object = json_node_get_object (json);
  if (alta_json_get_string (object, "error") != NULL)
    return alta_json_get_string (object, "error");

  /* The FHIR half answers with an OperationOutcome, whose issue carries the same code. */
  return alta_json_get_string (alta_json_get_object (alta_json_array_get_object (
                                 alta_json_get_array (object, "issue"), 0), "details"),
                               "text");
}

static const char *
get_server_message (AltaPortalResponse *self)
{
  JsonNode *json = alta_portal_response_get_json (self);
  JsonObject *object;
  JsonNode *member;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    return NULL;

  object = json_node_get_object (json);
  member = json_object_get_member (object, "message");
  if (member != NULL && json_node_get_value_type (member) == G_TYPE_STRING)
    return json_node_get_string (member);

  /* A FHIR OperationOutcome carries its text in issue[0].diagnostics. */
  member = json_object_get_member (object, "issue");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member) &&
      json_array_get_length (json_node_get_array (member)) > 0)
    {
      JsonNode *issue = json_array_get_element (json_node_get_array (member), 0);

      if (JSON_NODE_HOLDS_OBJECT (issue))
        {
          JsonNode *diagnostics = json_object_get_member (json_node_get_object (issue),
                                                          "diagnostics");

          if (diagnostics != NULL && json_node_get_value_type (diagnostics) == G_TYPE_STRING)
            return json_node_get_string (diagnostics);
        }
    }

  return NULL;
}

/**
 * alta_portal_response_check:
 * @self: an #AltaPortalResponse
 * @error: return location for a #GError
 *
 * Turns an answer that is not 2xx into an #ALTA_PORTAL_ERROR with the API's code; the
 * message is the server's (for the log), never shown as it is.
 *
 * Returns: %TRUE for a 2xx answer
 */
gboolean
alta_portal_response_check (AltaPortalResponse  *self,
                            GError             **error)
{
  AltaPortalError code;
  const char *message;

  g_return_val_if_fail (ALTA_IS_PORTAL_RESPONSE (self), FALSE);

  if (self->status >= 200 && self->status < 300)
    return TRUE;

  if (!alta_portal_error_from_code (alta_portal_response_get_error_code (self), &code))
    code = alta_portal_error_from_status (self->status);

  message = get_server_message (self);
  g_set_error (error, ALTA_PORTAL_ERROR, code, "HTTP %u: %s", self->status,
               message != NULL ? message : alta_portal_error_get_message (code));
  return FALSE;
}
