/* alta-value-row.c: one value of a report, with its range and flag
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-value-row"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-app-mode.h"
#include "alta-format.h"
#include "alta-medlineplus.h"
#include "alta-value-row.h"

/* The test's name, its value with unit (the row's prominent text) and normal range, and
 * its flag said in words and shown by an icon (not by colour alone). A screen reader
 * hears all of it as one sentence. The row and its trend button both name the
 * "results.show-trend" action with the result's id; the button is there for a numeric
 * value only.
 */

struct _AltaValueRow
{
  AdwActionRow   parent_instance;

  AltaLabResult *result;

  /* Template widgets */
  GtkWidget     *flag_box;
  GtkImage      *flag_icon;
  GtkLabel      *flag_label;
  GtkLinkButton *learn_more_button;
  GtkButton     *trend_button;
  GtkLabel      *value_label;
};

G_DEFINE_FINAL_TYPE (AltaValueRow, alta_value_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
flag_text (AltaResultFlag flag)
{
  switch (flag)
    {
    case ALTA_RESULT_FLAG_LOW:
      return _("Low");
    case ALTA_RESULT_FLAG_HIGH:
      return _("High");
    case ALTA_RESULT_FLAG_CRITICAL_LOW:
      return _("Critically low");
    case ALTA_RESULT_FLAG_CRITICAL_HIGH:
      return _("Critically high");
    case ALTA_RESULT_FLAG_ABNORMAL:
      return _("Outside the normal range");
    case ALTA_RESULT_FLAG_NORMAL:
      return _("Normal");
    case ALTA_RESULT_FLAG_NONE:
    default:
      return NULL;
    }
}

static const char *
flag_icon (AltaResultFlag flag)
{
  switch (flag)
    {
    case ALTA_RESULT_FLAG_LOW:
    case ALTA_RESULT_FLAG_CRITICAL_LOW:
      return "go-down-symbolic";
    case ALTA_RESULT_FLAG_HIGH:
    case ALTA_RESULT_FLAG_CRITICAL_HIGH:
      return "go-up-symbolic";
    case ALTA_RESULT_FLAG_ABNORMAL:
      return "dialog-warning-symbolic";
    case ALTA_RESULT_FLAG_NORMAL:
      return "object-select-symbolic";
    case ALTA_RESULT_FLAG_NONE:
    default:
      return NULL;
    }
}

/* The flag as said after the value, in a sentence */
static const char *
flag_words (AltaResultFlag flag)
{
  switch (flag)
    {
    case ALTA_RESULT_FLAG_LOW:
      return C_("flag, spoken", "low");
    case ALTA_RESULT_FLAG_HIGH:
      return C_("flag, spoken", "high");
    case ALTA_RESULT_FLAG_CRITICAL_LOW:
      return C_("flag, spoken", "critically low");
    case ALTA_RESULT_FLAG_CRITICAL_HIGH:
      return C_("flag, spoken", "critically high");
    case ALTA_RESULT_FLAG_ABNORMAL:
      return C_("flag, spoken", "outside the normal range");
    case ALTA_RESULT_FLAG_NORMAL:
      return C_("flag, spoken", "normal");
    case ALTA_RESULT_FLAG_NONE:
    default:
      return NULL;
    }
}

/* What a screen reader says for the row, in the order a patient reads it: "Glucose,
 * 124 mg/dL, normal range 70 to 99, high" */
static char *
describe_result (const char    *title,
                 const char    *value,
                 AltaLabResult *result)
{
  g_autofree char *range = alta_lab_result_dup_range_description (result);
  const char *flag = flag_words (alta_lab_result_get_flag (result));
  g_autoptr (GString) text = g_string_new (title);

  /* Translators: joins the parts a screen reader says of a value: its name, the value, its
   * range, its flag ("Glucose, 124 mg/dL, normal range 70 to 99, high") */
  g_string_append_printf (text, C_("spoken parts", ", %s"), value);
  if (range != NULL)
    g_string_append_printf (text, C_("spoken parts", ", %s"), range);
  if (flag != NULL)
    g_string_append_printf (text, C_("spoken parts", ", %s"), flag);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "Learn more about Glucose": MedlinePlus Connect's page for the test's (LOINC) code */
static void
show_learn_more (AltaValueRow  *self,
                 AltaLabResult *result)
{
  const char *title = alta_record_item_get_title (ALTA_RECORD_ITEM (result));
  g_autofree char *url = alta_medlineplus_dup_url (alta_lab_result_get_code_system (result),
                                                   alta_lab_result_get_code (result),
                                                   alta_format_language ());

  gtk_widget_set_visible (GTK_WIDGET (self->learn_more_button), url != NULL && title != NULL);
  if (url != NULL && title != NULL)
    {
      /* Translators: %s is a test's name, "Glucose"; the link opens MedlinePlus about it */
      g_autofree char *label = g_strdup_printf (_("Learn more about %s"), title);

      gtk_link_button_set_uri (self->learn_more_button, url);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->learn_more_button),
                                   alta_app_mode_link_tooltip ());
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->learn_more_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
}

static void
show_result (AltaValueRow *self)
{
  AltaLabResult *result = self->result;
  const char *title = alta_record_item_get_title (ALTA_RECORD_ITEM (result));
  const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (result));
  AltaResultFlag flag = alta_lab_result_get_flag (result);
  g_autofree char *value = alta_lab_result_dup_value_with_unit (result);
  g_autofree char *range = alta_lab_result_dup_range (result);
  g_autofree char *name = NULL;

  if (title == NULL)
    title = _("Unnamed test");
  if (value == NULL)
    value = g_strdup (_("No value"));

  /* The value is what the patient looks for: the prominent text, its range beneath the
   * test's name */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), range != NULL ? range : "");
  gtk_label_set_text (self->value_label, value);

  /* One sentence, not the title's and the subtitle's labels read one after another */
  name = describe_result (title, value, result);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* Targets first: an action named without its target would not match the action */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", id != NULL ? id : "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "results.show-trend");

  gtk_widget_set_visible (GTK_WIDGET (self->trend_button), alta_lab_result_get_has_value (result));
  if (alta_lab_result_get_has_value (result))
    {
      g_autofree char *label = g_strdup_printf (_("Show the trend of %s"),
                                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self)));

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->trend_button), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->trend_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      /* The tooltip says what the name says: a screen reader reads it once */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->trend_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->trend_button), "s",
                                        id != NULL ? id : "");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->trend_button), "results.show-trend");
    }

  show_learn_more (self, result);

  gtk_widget_set_visible (self->flag_box, flag_text (flag) != NULL);
  if (flag_text (flag) != NULL)
    {
      /* The icon is presentation: the word beside it says the flag */
      gtk_image_set_from_icon_name (self->flag_icon, flag_icon (flag));
      gtk_label_set_text (self->flag_label, flag_text (flag));
      if (flag != ALTA_RESULT_FLAG_NORMAL)
        {
          gtk_widget_add_css_class (self->flag_box, "error");
          gtk_widget_add_css_class (GTK_WIDGET (self->flag_label), "heading");
        }
      else
        {
          gtk_widget_remove_css_class (self->flag_box, "error");
          gtk_widget_remove_css_class (GTK_WIDGET (self->flag_label), "heading");
        }
    }
}

static void
clear (AltaValueRow *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), "");
  gtk_label_set_text (self->value_label, "");
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self), NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->trend_button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->trend_button), NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->trend_button), NULL);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->trend_button),
                                 GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_button), FALSE);
  gtk_widget_set_visible (self->flag_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->learn_more_button), FALSE);
}

static void
alta_value_row_dispose (GObject *object)
{
  AltaValueRow *self = ALTA_VALUE_ROW (object);

  g_clear_object (&self->result);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_VALUE_ROW);

  G_OBJECT_CLASS (alta_value_row_parent_class)->dispose (object);
}

static void
alta_value_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaValueRow *self = ALTA_VALUE_ROW (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_value_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AltaValueRow *self = ALTA_VALUE_ROW (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      alta_value_row_set_result (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_value_row_class_init (AltaValueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_value_row_dispose;
  object_class->get_property = alta_value_row_get_property;
  object_class->set_property = alta_value_row_set_property;

  properties[PROP_RESULT] =
    g_param_spec_object ("result", NULL, NULL, ALTA_TYPE_LAB_RESULT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-value-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, flag_box);
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, flag_icon);
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, flag_label);
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, learn_more_button);
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, trend_button);
  gtk_widget_class_bind_template_child (widget_class, AltaValueRow, value_label);
}

static void
alta_value_row_init (AltaValueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  alta_app_mode_adopt_link (GTK_WIDGET (self->learn_more_button));
}

/**
 * alta_value_row_new:
 * @result: the value to show
 *
 * Returns: (transfer floating): a row showing @result
 */
GtkWidget *
alta_value_row_new (AltaLabResult *result)
{
  g_return_val_if_fail (ALTA_IS_LAB_RESULT (result), NULL);

  return g_object_new (ALTA_TYPE_VALUE_ROW, "result", result, NULL);
}

/**
 * alta_value_row_get_result:
 *
 * Returns: (transfer none) (nullable): the value shown
 */
AltaLabResult *
alta_value_row_get_result (AltaValueRow *self)
{
  g_return_val_if_fail (ALTA_IS_VALUE_ROW (self), NULL);

  return self->result;
}

/**
 * alta_value_row_set_result:
 * @result: (nullable): the value to show, or %NULL to show nothing
 */
void
alta_value_row_set_result (AltaValueRow  *self,
                           AltaLabResult *result)
{
  g_return_if_fail (ALTA_IS_VALUE_ROW (self));
  g_return_if_fail (result == NULL || ALTA_IS_LAB_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;

  if (result != NULL)
    show_result (self);
  else
    clear (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}
