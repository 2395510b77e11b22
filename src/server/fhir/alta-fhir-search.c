/* alta-fhir-search.c: the FHIR search parameters this server understands
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-search"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alta-fhir-search.h"

/* The name of each type's date parameter ("date" is accepted for every type with a date) */
static const struct
{
  const char *type;
  const char *param;
} date_params[] = {
  { "AllergyIntolerance", "date" },
  { "Appointment", "date" },
  { "CareTeam", "date" },
  { "Communication", "sent" },
  { "Condition", "onset-date" },
  { "DiagnosticReport", "date" },
  { "Immunization", "date" },
  { "MedicationRequest", "authoredon" },
  { "Observation", "date" },
  { "Patient", "birthdate" },
  { "PractitionerRole", "date" },
  { "RelatedPerson", "date" },
  { "Schedule", "date" },
  { "Slot", "start" },
  { "Task", "authored-on" },
};

/* Reference parameters: the element holding the reference, and the type a bare id means */
static const struct
{
  const char *type;
  const char *param;
  const char *element;
  const char *target_type;
} reference_params[] = {
  { "Appointment", "actor", "participant", NULL },
  { "Appointment", "practitioner", "participant", "Practitioner" },
  { "Appointment", "location", "participant", "Location" },
  { "Appointment", "slot", "slot", "Slot" },
  { "CareTeam", "participant", "participant", NULL },
  { "Communication", "recipient", "recipient", NULL },
  { "Communication", "sender", "sender", NULL },
  { "Communication", "part-of", "partOf", NULL },
  { "DiagnosticReport", "performer", "performer", NULL },
  { "DiagnosticReport", "result", "result", "Observation" },
  { "Immunization", "location", "location", "Location" },
  { "Immunization", "performer", "performer", NULL },
  { "MedicationRequest", "requester", "requester", NULL },
  { "Observation", "performer", "performer", NULL },
  { "PractitionerRole", "practitioner", "practitioner", "Practitioner" },
  { "PractitionerRole", "organization", "organization", "Organization" },
  { "PractitionerRole", "location", "location", "Location" },
  { "Schedule", "actor", "actor", NULL },
  { "Slot", "schedule", "schedule", "Schedule" },
  { "Task", "focus", "focus", NULL },
  { "Task", "owner", "owner", NULL },
};

/* Token parameters are those of alta-fhir-resource.c's index. */
static const struct
{
  const char *type;
  const char *param;
} token_params[] = {
  { "AllergyIntolerance", "code" },
  { "AllergyIntolerance", "category" },
  { "Appointment", "service-category" },
  { "Appointment", "service-type" },
  { "CareTeam", "category" },
  { "Communication", "category" },
  { "Condition", "code" },
  { "Condition", "category" },
  { "DiagnosticReport", "code" },
  { "DiagnosticReport", "category" },
  { "Immunization", "vaccine-code" },
  { "MedicationRequest", "code" },
  { "MedicationRequest", "category" },
  { "Observation", "code" },
  { "Observation", "category" },
  { "PractitionerRole", "role" },
  { "PractitionerRole", "specialty" },
  { "Schedule", "service-category" },
  { "Slot", "service-category" },
  { "Task", "code" },
};

static void
token_value_free (gpointer data)
{
  AltaFhirTokenValue *value = data;

  g_free (value->system);
  g_free (value->code);
  g_free (value);
}

static void
filter_free (gpointer data)
{
  AltaFhirFilter *filter = data;

  g_ptr_array_unref (filter->values);
  g_free (filter);
}

void
alta_fhir_search_free (AltaFhirSearch *search)
{
  if (search == NULL)
    return;

  g_free (search->patient_id);
  g_free (search->id);
  g_clear_pointer (&search->dates, g_array_unref);
  g_clear_pointer (&search->tokens, g_ptr_array_unref);
  g_clear_pointer (&search->refs, g_ptr_array_unref);
  g_strfreev (search->statuses);
  g_strfreev (search->clinical_statuses);
  g_free (search->query_without_page);
  g_free (search);
}

static const char *
find_date_param (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (date_params); i++)
    if (strcmp (date_params[i].type, type) == 0)
      return date_params[i].param;

  return NULL;
}

static const char *
find_token_param (const char *type,
                  const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (token_params); i++)
    if (strcmp (token_params[i].type, type) == 0 && strcmp (token_params[i].param, name) == 0)
      return token_params[i].param;

  return NULL;
}

static int
find_reference_param (const char *type,
                      const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (reference_params); i++)
    if (strcmp (reference_params[i].type, type) == 0 &&
        strcmp (reference_params[i].param, name) == 0)
      return i;

  return -1;
}

/**
 * alta_fhir_search_list_params:
 * @type: a served type
 *
 * Returns: (transfer container) (element-type AltaFhirSearchParamInfo): the parameters
 *   of @type's searches, which capability-statement.json must list (test-fhir-capability
 *   checks it does)
 */
GPtrArray *
alta_fhir_search_list_params (const char *type)
{
  static const AltaFhirSearchParamInfo patient = { "patient", "reference" };
  static const AltaFhirSearchParamInfo id = { "_id", "token" };
  static const AltaFhirSearchParamInfo status = { "status", "token" };
  static const AltaFhirSearchParamInfo clinical_status = { "clinical-status", "token" };
  static AltaFhirSearchParamInfo dates[G_N_ELEMENTS (date_params)];
  static AltaFhirSearchParamInfo tokens[G_N_ELEMENTS (token_params)];
  static AltaFhirSearchParamInfo refs[G_N_ELEMENTS (reference_params)];
  const AltaFhirTypeInfo *info = alta_fhir_type_lookup (type);
  GPtrArray *params = g_ptr_array_new ();

  g_return_val_if_fail (info != NULL, params);

  g_ptr_array_add (params, (gpointer)&id);
  if (info->scope == ALTA_FHIR_SCOPE_PATIENT && strcmp (type, "Patient") != 0)
    g_ptr_array_add (params, (gpointer)&patient);
  if (info->status_element != NULL)
    g_ptr_array_add (params, (gpointer)&status);
  if (info->clinical_status_element != NULL)
    g_ptr_array_add (params, (gpointer)&clinical_status);

  for (guint i = 0; i < G_N_ELEMENTS (date_params); i++)
    if (strcmp (date_params[i].type, type) == 0)
      {
        dates[i] = (AltaFhirSearchParamInfo) { date_params[i].param, "date" };
        g_ptr_array_add (params, &dates[i]);
      }
  for (guint i = 0; i < G_N_ELEMENTS (token_params); i++)
    if (strcmp (token_params[i].type, type) == 0)
      {
        tokens[i] = (AltaFhirSearchParamInfo) { token_params[i].param, "token" };
        g_ptr_array_add (params, &tokens[i]);
      }
  for (guint i = 0; i < G_N_ELEMENTS (reference_params); i++)
    if (strcmp (reference_params[i].type, type) == 0)
      {
        refs[i] = (AltaFhirSearchParamInfo) { reference_params[i].param, "reference" };
        g_ptr_array_add (params, &refs[i]);
      }

  return params;
}

static gboolean
parse_date_value (const char         *text,
                  AltaFhirDateFilter *filter)
{
  static const struct
  {
    const char     *name;
    AltaFhirPrefix  prefix;
  } prefixes[] = {
    { "eq", ALTA_FHIR_PREFIX_EQ }, { "ne", ALTA_FHIR_PREFIX_NE },
    { "gt", ALTA_FHIR_PREFIX_GT }, { "lt", ALTA_FHIR_PREFIX_LT },
    { "ge", ALTA_FHIR_PREFIX_GE }, { "le", ALTA_FHIR_PREFIX_LE },
  };

  filter->prefix = ALTA_FHIR_PREFIX_EQ;
  if (g_ascii_isalpha (text[0]))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        if (strncmp (text, prefixes[i].name, 2) == 0)
          {
            filter->prefix = prefixes[i].prefix;
            known = TRUE;
          }
      if (!known)
        return FALSE;
      text += 2;
    }

  return alta_fhir_parse_date_range (text, &filter->start, &filter->end);
}

static GPtrArray *
parse_token_values (const char *text)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (token_value_free);
  g_auto (GStrv) alternatives = g_strsplit (text, ",", 32);

  for (guint i = 0; alternatives[i] != NULL; i++)
    {
      AltaFhirTokenValue *value = g_new0 (AltaFhirTokenValue, 1);
      const char *bar = strchr (alternatives[i], '|');

      g_ptr_array_add (values, value);
      if (bar != NULL)
        {
          value->has_system = TRUE;
          if (bar != alternatives[i])
            value->system = g_strndup (alternatives[i], bar - alternatives[i]);
          if (bar[1] != '\0')
            value->code = g_strdup (bar + 1);
          if (value->system == NULL && value->code == NULL)
            return NULL;
        }
      else if (alternatives[i][0] != '\0')
        value->code = g_strdup (alternatives[i]);
      else
        return NULL;
    }

  return values->len > 0 ? g_steal_pointer (&values) : NULL;
}

static GStrv
parse_code_list (const char *text)
{
  g_auto (GStrv) codes = g_strsplit (text, ",", 32);

  for (guint i = 0; codes[i] != NULL; i++)
    if (codes[i][0] == '\0' || strchr (codes[i], '|') != NULL)
      return NULL;

  return codes[0] != NULL ? g_steal_pointer (&codes) : NULL;
}

/* "Patient/12" or "12" for a parameter whose type is implied */
static char *
parse_reference_value (const char *text,
                       const char *implied_type)
{
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;

  if (alta_fhir_split_reference (text, &type, &id))
    {
      if (implied_type != NULL && strcmp (type, implied_type) != 0)
        return NULL;
      return g_strconcat (type, "/", id, NULL);
    }

  if (implied_type != NULL && alta_fhir_id_is_valid (text))
    return g_strconcat (implied_type, "/", text, NULL);

  return NULL;
}

static gboolean
parse_int64 (const char *text,
             gint64     *out)
{
  char *end = NULL;
  gint64 value;

  if (text[0] == '\0' || (!g_ascii_isdigit (text[0]) && text[0] != '-'))
    return FALSE;

  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return FALSE;

  *out = value;
  return TRUE;
}

char *
alta_fhir_search_encode_cursor (gint64 key,
                                gint64 rid)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "_%" G_GINT64_FORMAT, key, rid);
}

static gboolean
parse_cursor (const char     *text,
              AltaFhirSearch *search)
{
  const char *underscore = strrchr (text, '_');
  g_autofree char *key = NULL;

  if (underscore == NULL || underscore == text)
    return FALSE;

  key = g_strndup (text, underscore - text);
  if (!parse_int64 (key, &search->cursor_key) || !parse_int64 (underscore + 1, &search->cursor_rid))
    return FALSE;

  search->has_cursor = TRUE;
  return TRUE;
}

static gboolean
parse_param (AltaFhirSearch *search,
             const char     *name,
             const char     *value)
{
  const char *type = search->info->type;
  const char *date_param = find_date_param (type);
  const char *token_param;
  int reference_index;

  if (strcmp (name, "_count") == 0)
    {
      gint64 count;

      if (!parse_int64 (value, &count) || count < 0)
        return FALSE;
      search->count = MIN (count, ALTA_FHIR_SEARCH_MAX_COUNT);
      return TRUE;
    }

  if (strcmp (name, "_sort") == 0)
    {
      const char *field = value[0] == '-' ? value + 1 : value;

      if (date_param == NULL || (strcmp (field, date_param) != 0 && strcmp (field, "date") != 0))
        return FALSE;
      search->sort_by_date = TRUE;
      search->descending = value[0] == '-';
      return TRUE;
    }

  if (strcmp (name, "_page") == 0)
    return parse_cursor (value, search);

  if (strcmp (name, "_format") == 0)
    return strcmp (value, "json") == 0 || strcmp (value, "application/fhir+json") == 0 ||
           strcmp (value, "application/json") == 0;

  if (strcmp (name, "_id") == 0)
    {
      if (search->id != NULL || !alta_fhir_id_is_valid (value))
        return FALSE;
      search->id = g_strdup (value);
      return TRUE;
    }

  if ((strcmp (name, "patient") == 0 || strcmp (name, "subject") == 0) &&
      search->info->scope == ALTA_FHIR_SCOPE_PATIENT && strcmp (type, "Patient") != 0)
    {
      g_autofree char *reference = parse_reference_value (value, "Patient");

      if (reference == NULL || search->patient_id != NULL)
        return FALSE;
      search->patient_id = g_strdup (reference + strlen ("Patient/"));
      return TRUE;
    }

  if (date_param != NULL && (strcmp (name, date_param) == 0 || strcmp (name, "date") == 0))
    {
      AltaFhirDateFilter filter;

      if (!parse_date_value (value, &filter) || search->dates->len >= 8)
        return FALSE;
      g_array_append_val (search->dates, filter);
      return TRUE;
    }

  if (strcmp (name, "status") == 0 && search->info->status_element != NULL)
    {
      if (search->statuses != NULL)
        return FALSE;
      search->statuses = parse_code_list (value);
      return search->statuses != NULL;
    }

  if (strcmp (name, "clinical-status") == 0 && search->info->clinical_status_element != NULL)
    {
      if (search->clinical_statuses != NULL)
        return FALSE;
      search->clinical_statuses = parse_code_list (value);
      return search->clinical_statuses != NULL;
    }

  token_param = find_token_param (type, name);
  if (token_param != NULL)
    {
      AltaFhirFilter *filter;
      GPtrArray *values = parse_token_values (value);

      if (values == NULL || search->tokens->len >= 8)
        {
          g_clear_pointer (&values, g_ptr_array_unref);
          return FALSE;
        }
      filter = g_new0 (AltaFhirFilter, 1);
      filter->param = token_param;
      filter->values = values;
      g_ptr_array_add (search->tokens, filter);
      return TRUE;
    }

  reference_index = find_reference_param (type, name);
  if (reference_index >= 0)
    {
      g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
      g_auto (GStrv) alternatives = g_strsplit (value, ",", 32);
      AltaFhirFilter *filter;

      for (guint i = 0; alternatives[i] != NULL; i++)
        {
          char *reference = parse_reference_value (alternatives[i],
                                                   reference_params[reference_index].target_type);

          if (reference == NULL)
            return FALSE;
          g_ptr_array_add (values, reference);
        }
      if (values->len == 0 || search->refs->len >= 8)
        return FALSE;

      filter = g_new0 (AltaFhirFilter, 1);
      filter->param = reference_params[reference_index].element;
      filter->values = g_steal_pointer (&values);
      g_ptr_array_add (search->refs, filter);
      return TRUE;
    }

  return FALSE;
}

/**
 * alta_fhir_search_parse:
 * @type: the resource type searched
 * @query: (nullable): the query string as received (percent-encoded)
 * @out_bad_param: (out) (optional): the name of the parameter that was not understood
 * @error: return location for a #GError
 *
 * Reads a search. Parameters this server does not support are refused rather than
 * ignored: a patient's app must never show a list it believes was filtered when it was not.
 *
 * Returns: (transfer full): the search, or %NULL with %ALTA_FHIR_ERROR_INVALID
 */
AltaFhirSearch *
alta_fhir_search_parse (const char  *type,
                        const char  *query,
                        char       **out_bad_param,
                        GError     **error)
{
  g_autoptr (AltaFhirSearch) search = g_new0 (AltaFhirSearch, 1);
  g_autoptr (GString) without_page = g_string_new (NULL);
  g_auto (GStrv) pairs = NULL;

  search->info = alta_fhir_type_lookup (type);
  if (search->info == NULL)
    {
      g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_UNSERVED, "%s is not served", type);
      return NULL;
    }

  search->count = ALTA_FHIR_SEARCH_DEFAULT_COUNT;
  search->dates = g_array_new (FALSE, FALSE, sizeof (AltaFhirDateFilter));
  search->tokens = g_ptr_array_new_with_free_func (filter_free);
  search->refs = g_ptr_array_new_with_free_func (filter_free);

  pairs = g_strsplit (query != NULL ? query : "", "&", 65);
  if (g_strv_length (pairs) > 64)
    {
      /* The parameter past the limit is the one refused */
      if (out_bad_param != NULL)
        *out_bad_param = g_strndup (pairs[64], MIN (strcspn (pairs[64], "="), 64));
      g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "Too many search parameters");
      return NULL;
    }

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equals = strchr (pairs[i], '=');
      g_autofree char *raw_name = NULL;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (pairs[i][0] == '\0')
        continue;

      raw_name = equals != NULL ? g_strndup (pairs[i], equals - pairs[i]) : g_strdup (pairs[i]);
      name = g_uri_unescape_string (raw_name, NULL);
      value = equals != NULL ? g_uri_unescape_string (equals + 1, NULL) : NULL;

      if (name == NULL || value == NULL || value[0] == '\0' || strlen (value) > 2048 ||
          !g_utf8_validate (value, -1, NULL) || !parse_param (search, name, value))
        {
          if (out_bad_param != NULL)
            *out_bad_param = name != NULL && g_utf8_validate (name, -1, NULL)
                               ? g_utf8_substring (name, 0, 64) : g_strdup ("?");
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "The search parameter “%s” is not supported or its value is not valid",
                       name != NULL && g_utf8_validate (name, -1, NULL) ? name : "?");
          return NULL;
        }

      if (strcmp (name, "_page") != 0)
        {
          if (without_page->len > 0)
            g_string_append_c (without_page, '&');
          g_string_append (without_page, pairs[i]);
        }
    }

  search->query_without_page = g_string_free (g_steal_pointer (&without_page), FALSE);
  return g_steal_pointer (&search);
}
