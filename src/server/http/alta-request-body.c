/* alta-request-body.c: reading and validating the account API's request bodies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-request-body"

#include "config.h"

#include <string.h>

#include "alta-portal-error.h"
#include "alta-json.h"
#include "alta-request-body.h"
#include "alta-rules.h"

/* Everything here reads bytes from the network: it is the code the fuzz target
 * tests/fuzz/fuzz-request-body.c runs. Strings returned in the request structs borrow from
 * the JsonObject, which must outlive them.
 */

#define MAX_NAME_BYTES     100
#define MAX_SECRET_BYTES   1024
#define MAX_ID_BYTES       64

static gboolean
field_error (GError     **error,
             int          code,
             const char  *field)
{
  g_set_error (error, ALTA_PORTAL_ERROR, code, ALTA_FIELD_ERROR_PREFIX "%s", field);
  return FALSE;
}

/**
 * alta_request_body_error_field:
 * @error: an error from one of the readers here
 *
 * Returns: (nullable): the name of the field @error is about
 */
const char *
alta_request_body_error_field (const GError *error)
{
  if (error == NULL || error->domain != ALTA_PORTAL_ERROR ||
      !g_str_has_prefix (error->message, ALTA_FIELD_ERROR_PREFIX))
    return NULL;

  return error->message + strlen (ALTA_FIELD_ERROR_PREFIX);
}

/**
 * alta_request_body_parse:
 * @data: the request body
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the body's JSON object, or %NULL with
 *   %ALTA_PORTAL_ERROR_INVALID_REQUEST when it is not valid UTF-8, not JSON, too deeply
 *   nested or not an object
 */
JsonObject *
alta_request_body_parse (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           "The request has no body");
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           "The body is not valid UTF-8");
      return NULL;
    }

  if (!alta_json_check_depth (data, length, ALTA_MAX_BODY_DEPTH))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           "The body is nested too deeply");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                   "The body is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_REQUEST,
                           "The body is not a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar)*p < 0x20 || *p == 0x7f)
        return TRUE;
    }

  return FALSE;
}

/* Reads a string member. Absent or null is fine for an optional field (*out = NULL); an
 * empty string counts as absent. Anything else of the wrong type, too long or with control
 * characters is INVALID_REQUEST naming the field.
 */
static gboolean
read_string (JsonObject   *body,
             const char   *field,
             gboolean      required,
             gsize         max_bytes,
             const char  **out,
             GError      **error)
{
  JsonNode *node = json_object_get_member (body, field);
  const char *value;

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field) : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field);

  value = json_node_get_string (node);
  if (value == NULL || value[0] == '\0')
    return required ? field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field) : TRUE;

  if (strlen (value) > max_bytes || has_control_characters (value))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field);

  *out = value;
  return TRUE;
}

static gboolean
read_date (JsonObject   *body,
           const char   *field,
           const char  **out,
           GError      **error)
{
  GDate date;

  if (!read_string (body, field, TRUE, 10, out, error))
    return FALSE;

  if (!alta_rules_parse_date (*out, &date))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field);

  return TRUE;
}

static gboolean
read_email (JsonObject   *body,
            const char   *field,
            gboolean      required,
            int           bad_value_code,
            const char  **out,
            GError      **error)
{
  if (!read_string (body, field, required, 254, out, error))
    return FALSE;

  if (*out != NULL && !alta_rules_is_valid_email (*out))
    return field_error (error, bad_value_code, field);

  return TRUE;
}

static gboolean
read_token_word (JsonObject   *body,
                 const char   *field,
                 gsize         max_bytes,
                 const char  **out,
                 GError      **error)
{
  if (!read_string (body, field, TRUE, max_bytes, out, error))
    return FALSE;

  for (const char *p = *out; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, field);
    }

  return TRUE;
}

gboolean
alta_request_body_read_code_request (JsonObject       *body,
                                     AltaCodeRequest  *out,
                                     GError          **error)
{
  return read_string (body, "given_name", TRUE, MAX_NAME_BYTES, &out->given_name, error) &&
         read_string (body, "family_name", TRUE, MAX_NAME_BYTES, &out->family_name, error) &&
         read_date (body, "birth_date", &out->birth_date, error) &&
         read_email (body, "email", TRUE, ALTA_PORTAL_ERROR_INVALID_REQUEST, &out->email, error);
}

gboolean
alta_request_body_read_activate (JsonObject           *body,
                                 AltaActivateRequest  *out,
                                 GError              **error)
{
  if (!read_string (body, "activation_code", TRUE, MAX_ID_BYTES, &out->activation_code, error) ||
      !read_date (body, "birth_date", &out->birth_date, error) ||
      !read_string (body, "username", TRUE, MAX_ID_BYTES, &out->username, error) ||
      !read_string (body, "password", TRUE, MAX_SECRET_BYTES, &out->password, error) ||
      !read_email (body, "email", FALSE, ALTA_PORTAL_ERROR_INVALID_REQUEST, &out->email, error))
    return FALSE;

  if (!alta_rules_is_valid_username (out->username))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, "username");

  return TRUE;
}

gboolean
alta_request_body_read_sign_in (JsonObject         *body,
                                AltaSignInRequest  *out,
                                GError            **error)
{
  return read_string (body, "username", TRUE, MAX_ID_BYTES, &out->username, error) &&
         read_string (body, "password", TRUE, MAX_SECRET_BYTES, &out->password, error);
}

gboolean
alta_request_body_read_reset (JsonObject        *body,
                              AltaResetRequest  *out,
                              GError           **error)
{
  if (!read_string (body, "username", FALSE, MAX_ID_BYTES, &out->username, error) ||
      !read_email (body, "email", FALSE, ALTA_PORTAL_ERROR_INVALID_REQUEST, &out->email, error))
    return FALSE;

  if (out->username == NULL && out->email == NULL)
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, "username");

  return TRUE;
}

gboolean
alta_request_body_read_reset_confirm (JsonObject               *body,
                                      AltaResetConfirmRequest  *out,
                                      GError                  **error)
{
  return read_string (body, "token", TRUE, 128, &out->token, error) &&
         read_string (body, "new_password", TRUE, MAX_SECRET_BYTES, &out->new_password, error);
}

gboolean
alta_request_body_read_password_change (JsonObject                 *body,
                                        AltaPasswordChangeRequest  *out,
                                        GError                    **error)
{
  return read_string (body, "current_password", TRUE, MAX_SECRET_BYTES,
                      &out->current_password, error) &&
         read_string (body, "new_password", TRUE, MAX_SECRET_BYTES, &out->new_password, error);
}

static gboolean
is_valid_phone (const char *phone)
{
  int digits = 0;

  for (const char *p = phone; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != ' ' && *p != '+' && *p != '-' && *p != '(' && *p != ')' && *p != '.')
        return FALSE;
    }

  return digits >= 7 && digits <= 15;
}

static gboolean
read_address_part (JsonObject   *address,
                   const char   *member,
                   const char   *field,
                   gsize         max_bytes,
                   JsonBuilder  *builder,
                   GError      **error)
{
  const char *value;

  if (!read_string (address, member, FALSE, max_bytes, &value, NULL))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, field);

  if (value == NULL)
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, field);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
  return TRUE;
}

static gboolean
read_address (JsonNode     *node,
              char        **out_json,
              GError      **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject *address;
  JsonNode *lines;
  guint n_lines;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, "address");

  address = json_node_get_object (node);
  lines = json_object_get_member (address, "line");
  if (lines == NULL || !JSON_NODE_HOLDS_ARRAY (lines))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "address.line");

  n_lines = json_array_get_length (json_node_get_array (lines));
  if (n_lines < 1 || n_lines > 3)
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "address.line");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "line");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_lines; i++)
    {
      JsonNode *line = json_array_get_element (json_node_get_array (lines), i);
      const char *text;

      if (!JSON_NODE_HOLDS_VALUE (line) || json_node_get_value_type (line) != G_TYPE_STRING)
        return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "address.line");

      text = json_node_get_string (line);
      if (text == NULL || text[0] == '\0' || strlen (text) > MAX_NAME_BYTES ||
          has_control_characters (text))
        return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "address.line");

      json_builder_add_string_value (builder, text);
    }
  json_builder_end_array (builder);

  if (!read_address_part (address, "city", "address.city", MAX_NAME_BYTES, builder, error) ||
      !read_address_part (address, "state", "address.state", 50, builder, error) ||
      !read_address_part (address, "postal_code", "address.postal_code", 12, builder, error))
    return FALSE;

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  *out_json = json_to_string (root, FALSE);
  return TRUE;
}

/**
 * alta_request_body_read_profile_update:
 * @body: the body of `PATCH /api/v1/me`
 * @out: (out caller-allocates): the fields present; clear it with
 *   alta_profile_update_clear()
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every field present is valid
 */
gboolean
alta_request_body_read_profile_update (JsonObject         *body,
                                       AltaProfileUpdate  *out,
                                       GError            **error)
{
  JsonNode *address;

  memset (out, 0, sizeof *out);

  if (!read_email (body, "email", FALSE, ALTA_PORTAL_ERROR_INVALID_FIELD, &out->email, error) ||
      !read_string (body, "current_password", FALSE, MAX_SECRET_BYTES, &out->current_password,
                    error) ||
      !read_string (body, "phone", FALSE, 32, &out->phone, error) ||
      !read_string (body, "language", FALSE, 8, &out->language, error))
    return FALSE;

  if (out->phone != NULL && !is_valid_phone (out->phone))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "phone");

  if (out->language != NULL && !alta_rules_is_valid_language (out->language))
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_FIELD, "language");

  address = json_object_get_member (body, "address");
  if (address != NULL && !JSON_NODE_HOLDS_NULL (address) &&
      !read_address (address, &out->address_json, error))
    return FALSE;

  return TRUE;
}

void
alta_profile_update_clear (AltaProfileUpdate *update)
{
  g_clear_pointer (&update->address_json, g_free);
}

gboolean
alta_request_body_read_issue_code (JsonObject            *body,
                                   AltaIssueCodeRequest  *out,
                                   GError               **error)
{
  return read_token_word (body, "patient_id", MAX_ID_BYTES, &out->patient_id, error) &&
         read_email (body, "email", TRUE, ALTA_PORTAL_ERROR_INVALID_REQUEST, &out->email, error) &&
         read_token_word (body, "identity_verified", 40, &out->identity_verified, error);
}

gboolean
alta_request_body_read_proxy_grant (JsonObject             *body,
                                    AltaProxyGrantRequest  *out,
                                    GError                **error)
{
  AltaRelationship relationship;

  if (!read_string (body, "proxy_username", TRUE, MAX_ID_BYTES, &out->proxy_username, error) ||
      !read_token_word (body, "patient_id", MAX_ID_BYTES, &out->patient_id, error) ||
      !read_string (body, "relationship", TRUE, 20, &out->relationship, error) ||
      !read_token_word (body, "consent_form_id", MAX_ID_BYTES, &out->consent_form_id, error))
    return FALSE;

  if (!alta_rules_parse_relationship (out->relationship, &relationship) ||
      relationship == ALTA_RELATIONSHIP_SELF)
    return field_error (error, ALTA_PORTAL_ERROR_INVALID_REQUEST, "relationship");

  return TRUE;
}
