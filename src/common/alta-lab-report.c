/* alta-lab-report.c: a test report and its values (FHIR DiagnosticReport)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-lab-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-lab-report.h"
#include "alta-json.h"
struct _AltaLabReport
{
  AltaRecordItem parent_instance;

  char      *category;   /* the kind of report, as text */
  char      *performer;   /* who reported it */
  char      *conclusion;   /* the clinician's conclusion */
  char      *text;   /* the report's text, from its presented form */
  GStrv      result_ids;   /* the ids of its Observations */
};

G_DEFINE_FINAL_TYPE (AltaLabReport, alta_lab_report, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_CATEGORY,
  PROP_PERFORMER,
  PROP_CONCLUSION,
  PROP_TEXT,
  PROP_RESULT_IDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A character reference's character, or 0 */
static gunichar
read_entity (const char  *p,
             const char **end)
{
  static const struct
  {
    const char *name;
    gunichar    c;
  } names[] = {
    { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' }, { "apos;", '\'' },
    { "nbsp;", ' ' }, { "#39;", '\'' },
  };
  const char *semicolon;
  gint64 code;
  char *digits_end;

  g_assert (*p == '&');
  p++;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_has_prefix (p, names[i].name))
      {
        *end = p + strlen (names[i].name);
        return names[i].c;
      }

  /* Looked for nearby only: a text of ampersands must not be read again at each one */
  semicolon = memchr (p, ';', strnlen (p, 10));
  if (p[0] != '#' || semicolon == NULL)
    return 0;
  if (p[1] == 'x' || p[1] == 'X')
    code = g_ascii_strtoll (p + 2, &digits_end, 16);
  else
    code = g_ascii_strtoll (p + 1, &digits_end, 10);
  if (digits_end != semicolon || code <= 0 || code > 0x10FFFF ||
      !g_unichar_validate ((gunichar)code) || (code < 0x20 && code != '\n' && code != '\t'))
    return 0;

  *end = semicolon + 1;
  return (gunichar)code;
}

/* Whether the tag at @p (after its "<" and any "/") is named @name */
static gboolean
tag_is (const char *p,
        const char *name)
{
  gsize length = strlen (name);

  return g_ascii_strncasecmp (p, name, length) == 0 &&
         (p[length] == '>' || p[length] == '/' || g_ascii_isspace (p[length]));
}

/**
 * alta_fhir_html_to_text:
 * @html: UTF-8 HTML, such as a report's presented form
 *
 * The text a person reads of @html: no tags, no scripts or styles, entities decoded,
 * paragraphs, line breaks and list items kept as lines, other runs of white space as one
 * space. Nothing of @html is interpreted beyond that, so no markup reaches a label.
 *
 * Returns: (transfer full): the text
 */
char *
alta_fhir_html_to_text (const char *html)
{
  static const char * const blocks[] = { "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4",
                                         "h5", "h6", "ul", "ol", "table", "pre", "blockquote" };
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean space = FALSE;
  const char *p = html;

  g_return_val_if_fail (html != NULL, NULL);

  while (*p != '\0')
    {
      if (*p == '<')
        {
          const char *name = p + 1 + (p[1] == '/');
          const char *close;
          gboolean block = FALSE;

          /* Comments, scripts and styles say nothing to a reader */
          if (g_str_has_prefix (p, "<!--"))
            {
              close = strstr (p + 4, "-->");
              p = close != NULL ? close + 3 : p + strlen (p);
              continue;
            }
          if (p[1] != '/' && (tag_is (name, "script") || tag_is (name, "style")))
            {
              const char *end_tag = tag_is (name, "script") ? "</script" : "</style";
              const char *q;

              for (q = name; *q != '\0' && g_ascii_strncasecmp (q, end_tag, strlen (end_tag)) != 0; q++)
                ;
              close = *q != '\0' ? strchr (q, '>') : NULL;
              p = close != NULL ? close + 1 : q;
              continue;
            }

          for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
            block = block || tag_is (name, blocks[i]);
          close = strchr (p, '>');
          p = close != NULL ? close + 1 : p + strlen (p);
          if (block && text->len > 0 && text->str[text->len - 1] != '\n')
            {
              /* A line ends here: the space before it goes */
              if (text->str[text->len - 1] == ' ')
                g_string_truncate (text, text->len - 1);
              g_string_append_c (text, '\n');
            }
          /* Inline tags keep the space before them: "break <b>bold</b>" */
          if (block)
            space = FALSE;
          continue;
        }

      if (g_ascii_isspace (*p))
        {
          space = text->len > 0 && text->str[text->len - 1] != '\n';
          p++;
          continue;
        }

      if (space)
        g_string_append_c (text, ' ');
      space = FALSE;

      if (*p == '&')
        {
          const char *end = NULL;
          gunichar c = read_entity (p, &end);

          if (c != 0)
            {
              g_string_append_unichar (text, c);
              p = end;
              continue;
            }
        }

      g_string_append_c (text, *p);
      p++;
    }

  while (text->len > 0 && g_ascii_isspace (text->str[text->len - 1]))
    g_string_truncate (text, text->len - 1);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The text of the first attachment of @forms that is plain text or HTML, its data in
 * base64 and not larger than ALTA_REPORT_MAX_FORM once decoded */
static char *
read_presented_form (JsonArray *forms)
{
  for (guint i = 0; forms != NULL && i < json_array_get_length (forms) && i < 10; i++)
    {
      JsonObject *attachment = alta_json_array_get_object (forms, i);
      const char *type = alta_json_get_string (attachment, "contentType");
      const char *data = alta_json_get_string (attachment, "data");
      g_autofree guchar *bytes = NULL;
      g_autofree char *text = NULL;
      gboolean html;
      gsize length;

      if (type == NULL || data == NULL)
        continue;
      html = g_ascii_strncasecmp (type, "text/html", strlen ("text/html")) == 0;
      if (!html && g_ascii_strncasecmp (type, "text/plain", strlen ("text/plain")) != 0)
        continue;
      /* Base64 is four characters for three bytes */
      if (strlen (data) > ALTA_REPORT_MAX_FORM / 3 * 4 + 4)
        {
          g_debug ("A presented form of %zu characters is left out", strlen (data));
          continue;
        }

      bytes = g_base64_decode (data, &length);
      if (bytes == NULL || length == 0 || memchr (bytes, '\0', length) != NULL)
        continue;
      text = g_utf8_make_valid ((const char *)bytes, length);
      if (html)
        {
          char *plain = alta_fhir_html_to_text (text);

          g_free (text);
          text = plain;
        }
      g_strstrip (text);
      if (text[0] != '\0')
        return g_steal_pointer (&text);
    }

  return NULL;
}

static void
alta_lab_report_load (AltaRecordItem *item,
                      JsonObject     *resource)
{
  AltaLabReport *self = ALTA_LAB_REPORT (item);
  static const char *dates[] = { "effectiveDateTime", "effectivePeriod", "issued", NULL };
  JsonArray *results = alta_json_get_array (resource, "result");
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *title = alta_fhir_dup_concept_text (alta_json_get_object (resource, "code"));
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->category = alta_fhir_dup_first_concept_text (alta_json_get_array (resource, "category"));
  self->performer = alta_fhir_dup_reference_display (
    alta_json_array_get_object (alta_json_get_array (resource, "performer"), 0));
  self->conclusion = alta_fhir_dup_text (alta_json_get_string (resource, "conclusion"));
  self->text = read_presented_form (alta_json_get_array (resource, "presentedForm"));

  /* "Observation/<id>" → "<id>": the results page finds them among the observations */
  for (guint i = 0; results != NULL && i < json_array_get_length (results) && i < 500; i++)
    {
      const char *reference = alta_json_get_string (alta_json_array_get_object (results, i),
                                                    "reference");

      if (reference != NULL && g_str_has_prefix (reference, "Observation/") &&
          reference[strlen ("Observation/")] != '\0' && strlen (reference) < 100)
        g_strv_builder_add (ids, reference + strlen ("Observation/"));
    }
  self->result_ids = g_strv_builder_end (ids);
}

static void
alta_lab_report_finalize (GObject *object)
{
  AltaLabReport *self = (AltaLabReport *)object;

  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->performer, g_free);
  g_clear_pointer (&self->conclusion, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->result_ids, g_strfreev);

  G_OBJECT_CLASS (alta_lab_report_parent_class)->finalize (object);
}

static void
alta_lab_report_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaLabReport *self = ALTA_LAB_REPORT (object);

  switch (prop_id)
    {
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_PERFORMER:
      g_value_set_string (value, self->performer);
      break;
    case PROP_CONCLUSION:
      g_value_set_string (value, self->conclusion);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_RESULT_IDS:
      g_value_set_boxed (value, self->result_ids);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_lab_report_class_init (AltaLabReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_lab_report_finalize;
  object_class->get_property = alta_lab_report_get_property;
  item_class->resource_type = "DiagnosticReport";
  item_class->load = alta_lab_report_load;

  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERFORMER] =
    g_param_spec_string ("performer", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONCLUSION] =
    g_param_spec_string ("conclusion", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT_IDS] =
    g_param_spec_boxed ("result-ids", NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_lab_report_init (AltaLabReport *self)
{
}

/**
 * alta_lab_report_get_category:
 *
 * Returns: (nullable) the kind of report, as text
 */
const char *
alta_lab_report_get_category (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->category;
}

/**
 * alta_lab_report_get_performer:
 *
 * Returns: (nullable) who reported it
 */
const char *
alta_lab_report_get_performer (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->performer;
}

/**
 * alta_lab_report_get_conclusion:
 *
 * Returns: (nullable) the clinician's conclusion
 */
const char *
alta_lab_report_get_conclusion (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->conclusion;
}

/**
 * alta_lab_report_get_text:
 *
 * Returns: (nullable) the report's text, from its first plain-text or HTML presented form
 */
const char *
alta_lab_report_get_text (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->text;
}

/**
 * alta_lab_report_get_result_ids:
 *
 * Returns: (nullable) the ids of its Observations
 */
const char * const *
alta_lab_report_get_result_ids (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return (const char * const *)self->result_ids;
}
