/* alta-help-page.c: the patient FAQ, searchable, with the numbers to call
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-help-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-a11y.h"
#include "alta-faq.h"
#include "alta-help-page.h"

/* The FAQ (resources/faq) in the language of the app's translations, one expander a
 * question, grouped as the FAQ groups them. The search hides what does not match. The phone
 * numbers are written with no-break spaces, so a narrow window never splits one.
 */

#define FAQ_RESOURCE        "/net/myaltamed/MyAltaMed/faq/myaltamed-faq.%s.txt"
/* (844) 498-3446 and (888) 499-9303, with U+00A0 and U+2011 (no-break hyphen) */
#define SUPPORT_NUMBER      "(844)\u00a0498\u20113446"
#define SERVICE_NUMBER      "(888)\u00a0499\u20119303"

struct _AltaHelpPage
{
  AdwBin          parent_instance;

  char           *language;      /* of the FAQ shown */
  GPtrArray      *entries;       /* AltaFaqEntry */
  GPtrArray      *rows;          /* AdwExpanderRow, one per entry, borrowed */
  GPtrArray      *groups;        /* AdwPreferencesGroup, borrowed */

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkLabel       *support_number;
  GtkLabel       *service_number;
  GtkBox         *groups_box;
  AdwStatusPage  *no_match;
};

G_DEFINE_FINAL_TYPE (AltaHelpPage, alta_help_page, ADW_TYPE_BIN)

/* "es" when the app speaks Spanish, else "en" */
static const char *
current_language (void)
{
  /* Translators: the language code of this translation, "es" for Spanish; keep "en" for
   * English. It chooses the language of the Help page's questions. */
  const char *code = C_("language code", "en");

  return g_str_equal (code, "es") ? "es" : "en";
}

static GPtrArray *
load_faq (const char *language)
{
  g_autofree char *path = g_strdup_printf (FAQ_RESOURCE, language);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *entries;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_critical ("The FAQ is not in the app: %s", error->message);
      return NULL;
    }

  entries = alta_faq_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  if (entries == NULL)
    g_critical ("The FAQ %s cannot be read: %s", path, error->message);

  return entries;
}

static GtkWidget *
answer_label_new (const char *answer)
{
  GtkWidget *label = gtk_label_new (answer);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_WORD);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);

  return label;
}

static void
clear_groups (AltaHelpPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->groups, 0);
}

static void
build_groups (AltaHelpPage *self)
{
  AdwPreferencesGroup *group = NULL;
  const char *group_title = NULL;

  clear_groups (self);
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      const AltaFaqEntry *entry = g_ptr_array_index (self->entries, i);
      GtkWidget *row;

      if (group == NULL || g_strcmp0 (group_title, entry->group) != 0)
        {
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, entry->group);
          g_ptr_array_add (self->groups, group);
          group_title = entry->group;
        }

      row = adw_expander_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->question);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), answer_label_new (entry->answer));
      /* The expander's own lists, which hold the question and its answer */
      alta_a11y_name_inner (row, GTK_TYPE_LIST_BOX, _("Answer"));
      adw_preferences_group_add (group, row);
      g_ptr_array_add (self->rows, row);
    }

  /* Named for a screen reader before they are shown: GTK takes roles only until then */
  for (guint i = 0; i < self->groups->len; i++)
    {
      GtkWidget *built = g_ptr_array_index (self->groups, i);

      alta_a11y_tidy (built, NULL);
      gtk_box_append (self->groups_box, built);
    }
}

static void
filter (AltaHelpPage *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint shown = 0;
  guint row_index = 0;

  for (guint g = 0; g < self->groups->len; g++)
    {
      GtkWidget *group = g_ptr_array_index (self->groups, g);
      const char *title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group));
      gboolean any = FALSE;

      for (; row_index < self->rows->len; row_index++)
        {
          const AltaFaqEntry *entry = g_ptr_array_index (self->entries, row_index);
          GtkWidget *row = g_ptr_array_index (self->rows, row_index);
          gboolean match;

          if (g_strcmp0 (entry->group, title) != 0)
            break;
          match = alta_faq_entry_matches (entry, query);
          gtk_widget_set_visible (row, match);
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
          any |= match;
          shown += match;
        }
      gtk_widget_set_visible (group, any);
    }

  /* One answer found: open it */
  if (shown == 1 && query[0] != '\0')
    for (guint i = 0; i < self->rows->len; i++)
      if (gtk_widget_get_visible (g_ptr_array_index (self->rows, i)))
        adw_expander_row_set_expanded (g_ptr_array_index (self->rows, i), TRUE);

  gtk_widget_set_visible (GTK_WIDGET (self->no_match), shown == 0);
}

static void
on_search_changed_cb (AltaHelpPage *self)
{
  filter (self);
}

/* The FAQ again when the app's language changed since it was read */
static void
reload (AltaHelpPage *self)
{
  const char *language = current_language ();

  if (g_strcmp0 (language, self->language) == 0)
    return;

  g_free (self->language);
  self->language = g_strdup (language);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = load_faq (language);
  build_groups (self);
  filter (self);
}

static void
alta_help_page_map (GtkWidget *widget)
{
  reload (ALTA_HELP_PAGE (widget));

  GTK_WIDGET_CLASS (alta_help_page_parent_class)->map (widget);
}

static void
alta_help_page_dispose (GObject *object)
{
  AltaHelpPage *self = (AltaHelpPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), ALTA_TYPE_HELP_PAGE);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (alta_help_page_parent_class)->dispose (object);
}

static void
alta_help_page_finalize (GObject *object)
{
  AltaHelpPage *self = (AltaHelpPage *)object;

  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (alta_help_page_parent_class)->finalize (object);
}

static void
alta_help_page_class_init (AltaHelpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_help_page_dispose;
  object_class->finalize = alta_help_page_finalize;
  widget_class->map = alta_help_page_map;

  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-help-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaHelpPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AltaHelpPage, support_number);
  gtk_widget_class_bind_template_child (widget_class, AltaHelpPage, service_number);
  gtk_widget_class_bind_template_child (widget_class, AltaHelpPage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, AltaHelpPage, no_match);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
}

static void
alta_help_page_init (AltaHelpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->groups = g_ptr_array_new ();
  gtk_label_set_label (self->support_number, SUPPORT_NUMBER);
  gtk_label_set_label (self->service_number, SERVICE_NUMBER);
  reload (self);
}

/**
 * alta_help_page_reset:
 *
 * Clears the search and closes every answer, as for the next person.
 */
void
alta_help_page_reset (AltaHelpPage *self)
{
  g_return_if_fail (ALTA_IS_HELP_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  filter (self);
}
