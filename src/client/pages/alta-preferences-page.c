/* alta-preferences-page.c: the signed-in account's contact details, language and password
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-preferences-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-a11y.h"
#include "alta-new-password-row.h"
#include "alta-password-policy.h"
#include "alta-password-row.h"
#include "alta-portal-error.h"
#include "alta-preferences-page.h"
#include "alta-format.h"
#include "alta-rules.h"

/* The account's, not the record shown: a parent looking at a child's record still changes
 * their own email here. Each group saves on its own, confirms with a toast in the window,
 * and on a failure keeps what was typed. A new email needs the current password (the portal
 * refuses it otherwise); the password policy of alta-rules.c is shown as the person types.
 * The language switches the app at once (app.language builds the window again, and the new
 * window's page takes over what was typed here), then is saved to the account.
 */

typedef enum
{
  BUSY_EMAIL    = 1 << 0,
  BUSY_CONTACT  = 1 << 1,
  BUSY_PASSWORD = 1 << 2,
  BUSY_LANGUAGE = 1 << 3,
} Busy;

struct _AltaPreferencesPage
{
  AdwBin              parent_instance;

  AltaSession        *session;
  GCancellable       *cancellable;
  Busy                busy;

  /* Template widgets */
  GtkSpinner         *contact_spinner;
  AltaPasswordRow    *current_password_row;
  AltaPasswordRow    *email_password_row;
  AdwEntryRow        *email_row;
  GtkSpinner         *email_spinner;
  AdwEntryRow        *city_row;
  GtkDropDown        *language_dropdown;
  GtkSpinner         *language_spinner;
  AltaNewPasswordRow *new_password_row;
  GtkSpinner         *password_spinner;
  AdwEntryRow        *phone_row;
  AdwEntryRow        *postal_code_row;
  AdwEntryRow        *state_row;
  AdwEntryRow        *street2_row;
  AdwEntryRow        *street_row;
};

G_DEFINE_FINAL_TYPE (AltaPreferencesPage, alta_preferences_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The languages in the order of the language row */
static const char * const languages[] = { "en", "es" };

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* Whether @typed is what the account has (nothing typed for nothing on file) */
static gboolean
same_text (const char *typed,
           const char *on_file)
{
  g_autofree char *a = g_strstrip (g_strdup (typed != NULL ? typed : ""));

  return g_strcmp0 (a, on_file != NULL ? on_file : "") == 0;
}

static char *
dup_stripped (gpointer editable)
{
  return g_strstrip (g_strdup (text_of (editable)));
}

/* @member of @object: the text of @editable without its surrounding spaces */
static void
set_stripped_member (JsonObject *object,
                     const char *member,
                     gpointer    editable)
{
  g_autofree char *text = dup_stripped (editable);

  json_object_set_string_member (object, member, text);
}

static AltaPortalAccount *
get_account (AltaPreferencesPage *self)
{
  return self->session != NULL ? alta_session_get_account (self->session) : NULL;
}

static void
set_busy (AltaPreferencesPage *self,
          Busy                 what,
          gboolean             busy)
{
  GtkSpinner *spinner = NULL;

  if (busy)
    self->busy |= what;
  else
    self->busy &= ~what;

  switch (what)
    {
    case BUSY_EMAIL:
      spinner = self->email_spinner;
      break;
    case BUSY_CONTACT:
      spinner = self->contact_spinner;
      break;
    case BUSY_PASSWORD:
      spinner = self->password_spinner;
      break;
    case BUSY_LANGUAGE:
      spinner = self->language_spinner;
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
}

static gboolean
email_changed (AltaPreferencesPage *self)
{
  AltaPortalAccount *account = get_account (self);
  g_autofree char *typed = dup_stripped (self->email_row);
  const char *on_file = account != NULL ? alta_portal_account_get_email (account) : NULL;

  return account != NULL && typed[0] != '\0' &&
         (on_file == NULL || g_ascii_strcasecmp (typed, on_file) != 0);
}

static void
update_email (AltaPreferencesPage *self)
{
  gboolean changed = email_changed (self);
  g_autofree char *typed = dup_stripped (self->email_row);

  /* The password is asked for only once the address is a new one */
  gtk_widget_set_visible (GTK_WIDGET (self->email_password_row), changed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.save-email",
                                 changed && !(self->busy & BUSY_EMAIL) &&
                                 alta_rules_is_valid_email (typed) &&
                                 text_of (self->email_password_row)[0] != '\0');
}

static gboolean
contact_changed (AltaPreferencesPage *self,
                 gboolean            *out_phone,
                 gboolean            *out_address)
{
  AltaPortalAccount *account = get_account (self);
  const char * const *lines = NULL;
  const char *city = NULL;
  const char *state = NULL;
  const char *postal_code = NULL;
  gboolean phone;
  gboolean address;

  if (account == NULL)
    return FALSE;

  lines = alta_portal_account_get_address (account, &city, &state, &postal_code);
  phone = !same_text (text_of (self->phone_row), alta_portal_account_get_phone (account));
  address = !same_text (text_of (self->street_row), lines != NULL ? lines[0] : NULL) ||
            !same_text (text_of (self->street2_row),
                        lines != NULL && lines[0] != NULL ? lines[1] : NULL) ||
            !same_text (text_of (self->city_row), city) ||
            !same_text (text_of (self->state_row), state) ||
            !same_text (text_of (self->postal_code_row), postal_code);

  if (out_phone != NULL)
    *out_phone = phone;
  if (out_address != NULL)
    *out_address = address;
  return phone || address;
}

static void
update_contact (AltaPreferencesPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.save-contact",
                                 !(self->busy & BUSY_CONTACT) &&
                                 contact_changed (self, NULL, NULL));
}

static void
update_password (AltaPreferencesPage *self)
{
  AltaPortalAccount *account = get_account (self);
  gboolean met;

  alta_new_password_row_set_username (self->new_password_row,
                                      account != NULL ? alta_portal_account_get_username (account)
                                                      : NULL);
  met = alta_new_password_row_update (self->new_password_row);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.change-password",
                                 account != NULL && !(self->busy & BUSY_PASSWORD) &&
                                 text_of (self->current_password_row)[0] != '\0' && met);
}

static void
fill_email (AltaPreferencesPage *self)
{
  AltaPortalAccount *account = get_account (self);
  const char *email = account != NULL ? alta_portal_account_get_email (account) : NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email != NULL ? email : "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_password_row), "");
  update_email (self);
}

static void
fill_contact (AltaPreferencesPage *self)
{
  AltaPortalAccount *account = get_account (self);
  const char * const *lines = NULL;
  const char *city = NULL;
  const char *state = NULL;
  const char *postal_code = NULL;
  const char *phone = NULL;

  if (account != NULL)
    {
      lines = alta_portal_account_get_address (account, &city, &state, &postal_code);
      phone = alta_portal_account_get_phone (account);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), phone != NULL ? phone : "");
  gtk_editable_set_text (GTK_EDITABLE (self->street_row),
                         lines != NULL && lines[0] != NULL ? lines[0] : "");
  gtk_editable_set_text (GTK_EDITABLE (self->street2_row),
                         lines != NULL && lines[0] != NULL && lines[1] != NULL ? lines[1] : "");
  gtk_editable_set_text (GTK_EDITABLE (self->city_row), city != NULL ? city : "");
  gtk_editable_set_text (GTK_EDITABLE (self->state_row), state != NULL ? state : "");
  gtk_editable_set_text (GTK_EDITABLE (self->postal_code_row),
                         postal_code != NULL ? postal_code : "");
  update_contact (self);
}

static void
clear_passwords (AltaPreferencesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->current_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  update_password (self);
}

static void on_language_selected_cb (AltaPreferencesPage *self,
                                     GParamSpec          *pspec,
                                     GtkDropDown         *dropdown);

/* The row shows the language the app speaks now */
static void
fill_language (AltaPreferencesPage *self)
{
  const char *language = self->session != NULL
    ? alta_portal_client_get_language (alta_session_get_client (self->session)) : NULL;

  g_signal_handlers_block_by_func (self->language_dropdown, on_language_selected_cb, self);
  gtk_drop_down_set_selected (self->language_dropdown, 0);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (languages[i], language) == 0)
      gtk_drop_down_set_selected (self->language_dropdown, i);
  g_signal_handlers_unblock_by_func (self->language_dropdown, on_language_selected_cb, self);
}

/* A save that failed: the log says what the portal said, the person a sentence of ours */
static void
report_failure (AltaPreferencesPage *self,
                const char          *what,
                const GError        *error,
                const char          *text)
{
  g_autofree char *fallback = NULL;

  g_message ("Preferences: saving the %s failed: %s", what, error->message);
  if (text == NULL)
    text = fallback = alta_format_error (error);
  alta_a11y_add_toast (self, adw_toast_new (text));
}

static void
email_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (AltaPreferencesPage) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  const char *text = NULL;

  account = alta_portal_client_update_account_finish (ALTA_PORTAL_CLIENT (object), result,
                                                      &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, BUSY_EMAIL, FALSE);
  if (account == NULL)
    {
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS))
        text = _("The current password is not correct. Your email address was not changed.");
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD))
        text = _("The portal did not accept this email address. Check it, then try again.");
      report_failure (self, "email", error, text);
      update_email (self);
      return;
    }

  g_message ("Preferences: email saved");
  alta_session_set_account (self->session, account);
  fill_email (self);
  alta_a11y_add_toast (self, adw_toast_new (_("Email address saved. A notice went to your "
                                              "previous address.")));
}

static void
preferences_save_email_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (widget);
  g_autoptr (JsonObject) changes = json_object_new ();

  g_assert (self->session != NULL);

  set_stripped_member (changes, "email", self->email_row);
  set_busy (self, BUSY_EMAIL, TRUE);
  update_email (self);
  alta_portal_client_update_account_async (alta_session_get_client (self->session), changes,
                                           text_of (self->email_password_row),
                                           self->cancellable, email_saved_cb,
                                           g_object_ref (self));
}

static void
contact_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AltaPreferencesPage) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  account = alta_portal_client_update_account_finish (ALTA_PORTAL_CLIENT (object), result,
                                                      &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, BUSY_CONTACT, FALSE);
  if (account == NULL)
    {
      report_failure (self, "phone and address", error,
                      g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_FIELD)
                        ? _("The portal did not accept the phone number or the address. Check them, then try again.")
                        : NULL);
      update_contact (self);
      return;
    }

  g_message ("Preferences: phone and address saved");
  alta_session_set_account (self->session, account);
  fill_contact (self);
  alta_a11y_add_toast (self, adw_toast_new (_("Phone and address saved.")));
}

static void
preferences_save_contact_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (widget);
  g_autoptr (JsonObject) changes = json_object_new ();
  gboolean phone = FALSE;
  gboolean address = FALSE;

  g_assert (self->session != NULL);

  contact_changed (self, &phone, &address);
  if (phone)
    set_stripped_member (changes, "phone", self->phone_row);
  if (address)
    {
      g_autoptr (JsonObject) object = json_object_new ();
      g_autoptr (JsonArray) lines = json_array_new ();
      g_autofree char *street = dup_stripped (self->street_row);
      g_autofree char *street2 = dup_stripped (self->street2_row);

      if (street[0] != '\0')
        json_array_add_string_element (lines, street);
      if (street2[0] != '\0')
        json_array_add_string_element (lines, street2);
      json_object_set_array_member (object, "line", g_steal_pointer (&lines));
      set_stripped_member (object, "city", self->city_row);
      set_stripped_member (object, "state", self->state_row);
      set_stripped_member (object, "postal_code", self->postal_code_row);
      json_object_set_object_member (changes, "address", g_steal_pointer (&object));
    }

  set_busy (self, BUSY_CONTACT, TRUE);
  update_contact (self);
  alta_portal_client_update_account_async (alta_session_get_client (self->session), changes,
                                           NULL, self->cancellable, contact_saved_cb,
                                           g_object_ref (self));
}

static void
password_changed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (AltaPreferencesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  const char *text = NULL;

  if (!alta_portal_client_change_password_finish (ALTA_PORTAL_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, BUSY_PASSWORD, FALSE);
  if (error != NULL)
    {
      if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_CREDENTIALS))
        text = _("The current password is not correct. Your password was not changed.");
      else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_WEAK_PASSWORD))
        text = _("The portal did not accept this new password. Choose a longer one that is not commonly used.");
      report_failure (self, "password", error, text);
      update_password (self);
      return;
    }

  g_message ("Preferences: password changed");
  clear_passwords (self);
  alta_a11y_add_toast (self, adw_toast_new (_("Password changed. You stay signed in here.")));
}

static void
preferences_change_password_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (widget);

  g_assert (self->session != NULL);

  set_busy (self, BUSY_PASSWORD, TRUE);
  update_password (self);
  alta_portal_client_change_password_async (alta_session_get_client (self->session),
                                            text_of (self->current_password_row),
                                            text_of (self->new_password_row),
                                            self->cancellable, password_changed_cb,
                                            g_object_ref (self));
}

static void
language_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (AltaPreferencesPage) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  account = alta_portal_client_update_account_finish (ALTA_PORTAL_CLIENT (object), result,
                                                      &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, BUSY_LANGUAGE, FALSE);
  if (account == NULL)
    {
      report_failure (self, "language", error,
                      _("The language could not be saved to your account. The app keeps it for now; try again later."));
      return;
    }

  g_message ("Preferences: language saved");
  alta_session_set_account (self->session, account);
  alta_a11y_add_toast (self, adw_toast_new (_("Language saved to your account.")));
}

static void
on_language_selected_cb (AltaPreferencesPage *self,
                         GParamSpec          *pspec,
                         GtkDropDown         *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->session == NULL || selected >= G_N_ELEMENTS (languages) ||
      g_strcmp0 (languages[selected],
                 alta_portal_client_get_language (alta_session_get_client (self->session))) == 0)
    return;

  /* The application builds the window again in that language; the new window's page takes
   * over what was typed here and saves the language to the account */
  gtk_widget_activate_action (GTK_WIDGET (self), "app.language", "s", languages[selected]);
}

static void
on_email_changed_cb (AltaPreferencesPage *self)
{
  update_email (self);
}

static void
on_contact_changed_cb (AltaPreferencesPage *self)
{
  update_contact (self);
}

static void
on_password_changed_cb (AltaPreferencesPage *self)
{
  update_password (self);
}

static void
alta_preferences_page_dispose (GObject *object)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_PREFERENCES_PAGE);

  G_OBJECT_CLASS (alta_preferences_page_parent_class)->dispose (object);
}

static void
alta_preferences_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_preferences_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AltaPreferencesPage *self = ALTA_PREFERENCES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_preferences_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_preferences_page_class_init (AltaPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_preferences_page_dispose;
  object_class->get_property = alta_preferences_page_get_property;
  object_class->set_property = alta_preferences_page_set_property;

  /**
   * AltaPreferencesPage:session:
   *
   * The signed-in person's session, whose account the page shows; %NULL empties every field.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ALTA_TYPE_NEW_PASSWORD_ROW);
  g_type_ensure (ALTA_TYPE_PASSWORD_POLICY);
  g_type_ensure (ALTA_TYPE_PASSWORD_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-preferences-page.ui");
  /* A page is not read itself: its groups and rows are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, city_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, contact_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, current_password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, email_password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, email_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, language_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, new_password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, password_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, postal_code_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, street2_row);
  gtk_widget_class_bind_template_child (widget_class, AltaPreferencesPage, street_row);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_email_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_language_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed_cb);

  gtk_widget_class_install_action (widget_class, "preferences.change-password", NULL,
                                   preferences_change_password_action);
  gtk_widget_class_install_action (widget_class, "preferences.save-contact", NULL,
                                   preferences_save_contact_action);
  gtk_widget_class_install_action (widget_class, "preferences.save-email", NULL,
                                   preferences_save_email_action);
}

static void
alta_preferences_page_init (AltaPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  alta_a11y_name_drop_down (self->language_dropdown, _("Show the languages"),
                            _("Languages to choose from"));
  self->cancellable = g_cancellable_new ();
  update_email (self);
  update_contact (self);
  update_password (self);
}

/**
 * alta_preferences_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_preferences_page_get_session (AltaPreferencesPage *self)
{
  g_return_val_if_fail (ALTA_IS_PREFERENCES_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_preferences_page_set_session:
 * @session: (nullable): the signed-in person's session, or %NULL at sign-out
 *
 * Shows @session's account; %NULL cancels any save under way and empties every field, what
 * was typed too.
 */
void
alta_preferences_page_set_session (AltaPreferencesPage *self,
                                   AltaSession         *session)
{
  g_return_if_fail (ALTA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (self->session == session)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, BUSY_EMAIL, FALSE);
  set_busy (self, BUSY_CONTACT, FALSE);
  set_busy (self, BUSY_PASSWORD, FALSE);
  set_busy (self, BUSY_LANGUAGE, FALSE);

  g_set_object (&self->session, session);
  fill_email (self);
  fill_contact (self);
  clear_passwords (self);
  fill_language (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * alta_preferences_page_take_typed:
 * @from: the page of the window this one replaces (the language changed)
 *
 * Shows what was typed on @from, saved or not, so that a change of language loses nothing.
 * Both pages show the same session.
 */
void
alta_preferences_page_take_typed (AltaPreferencesPage *self,
                                  AltaPreferencesPage *from)
{
  GtkEditable *mine[] = {
    GTK_EDITABLE (self->email_row), GTK_EDITABLE (self->email_password_row),
    GTK_EDITABLE (self->phone_row), GTK_EDITABLE (self->street_row),
    GTK_EDITABLE (self->street2_row), GTK_EDITABLE (self->city_row),
    GTK_EDITABLE (self->state_row), GTK_EDITABLE (self->postal_code_row),
    GTK_EDITABLE (self->current_password_row), GTK_EDITABLE (self->new_password_row),
  };
  GtkEditable *theirs[] = {
    GTK_EDITABLE (from->email_row), GTK_EDITABLE (from->email_password_row),
    GTK_EDITABLE (from->phone_row), GTK_EDITABLE (from->street_row),
    GTK_EDITABLE (from->street2_row), GTK_EDITABLE (from->city_row),
    GTK_EDITABLE (from->state_row), GTK_EDITABLE (from->postal_code_row),
    GTK_EDITABLE (from->current_password_row), GTK_EDITABLE (from->new_password_row),
  };

  g_return_if_fail (ALTA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (ALTA_IS_PREFERENCES_PAGE (from));
  g_return_if_fail (self->session == from->session);

  g_assert (G_N_ELEMENTS (mine) == G_N_ELEMENTS (theirs));
  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    gtk_editable_set_text (mine[i], gtk_editable_get_text (theirs[i]));
}

/**
 * alta_preferences_page_save_language:
 *
 * Saves the language the app speaks now to the account, when it is not the account's
 * already (the portal then writes to the patient in it), and says so in a toast.
 */
void
alta_preferences_page_save_language (AltaPreferencesPage *self)
{
  g_autoptr (JsonObject) changes = json_object_new ();
  AltaPortalClient *client;
  const char *language;

  g_return_if_fail (ALTA_IS_PREFERENCES_PAGE (self));

  if (self->session == NULL)
    return;

  client = alta_session_get_client (self->session);
  language = alta_portal_client_get_language (client);
  fill_language (self);
  if (g_strcmp0 (language,
                 alta_portal_account_get_language (alta_session_get_account (self->session))) == 0)
    return;

  json_object_set_string_member (changes, "language", language);
  set_busy (self, BUSY_LANGUAGE, TRUE);
  alta_portal_client_update_account_async (client, changes, NULL, self->cancellable,
                                           language_saved_cb, g_object_ref (self));
}
