/* alta-sign-in-page.c: signing in
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-sign-in-page"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "alta-a11y.h"
#include "alta-bench.h"
#include "alta-password-reset-form.h"
#include "alta-portal-error.h"
#include "alta-request-code-form.h"
#include "alta-sign-in-page.h"
#include "alta-sign-up-form.h"

/* (844) 498-3446 with U+00A0 and U+2011 (no-break hyphen): a narrow window never splits it */
#define SUPPORT_NUMBER "(844)\u00a0498\u20113446"

/* Username and password, and "Remember my username", which keeps the username (never the
 * password) in the keyring. Without a keyring the app just does not remember. A failed
 * sign-in keeps what was typed.
 *
 * The other ways in are pages of the page's own stack ("ways"), each with its way back
 * (Escape too): enrolling with an activation code, asking for one, and a forgotten password.
 * Enrolling and a reset end signed in, which the page says as "signed-in", as for a sign-in.
 */

struct _AltaSignInPage
{
  AdwBin               parent_instance;

  AltaPortalClient    *client;
  GSettings           *settings;
  GCancellable        *cancellable;

  GtkLabel            *notice_label;
  GtkLabel            *error_label;
  AdwActionRow        *language_row;
  GtkDropDown         *language_dropdown;
  GtkPasswordEntry    *password_row;
  AdwActionRow        *remember_row;
  GtkSwitch           *remember_switch;
  GtkButton           *sign_in_button;
  GtkSpinner          *spinner;
  GtkLabel            *support_label;
  GtkEntry            *username_row;
  GtkStack            *ways;
  AltaSignUpForm      *sign_up_form;
  AltaRequestCodeForm *request_code_form;
  AltaPasswordResetForm *password_reset_form;
};

G_DEFINE_FINAL_TYPE (AltaSignInPage, alta_sign_in_page, ADW_TYPE_BIN)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const SecretSchema username_schema = {
  .name = "net.myaltamed.MyAltaMed.Username",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
set_busy (AltaSignInPage *self,
          gboolean        busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  /* Read-only, not insensitive: an insensitive field loses the focus while its cursor
   * blinks, and GTK warns that its text got no focus-out (as the booking dialog does) */
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
}

static void
show_error (AltaSignInPage *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_notice (AltaSignInPage *self,
             const char     *notice)
{
  gtk_label_set_text (self->notice_label, notice != NULL ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), notice != NULL);
}

static void
store_username_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_message ("The username is not remembered: no keyring (%s)", error->message);
}

static void
remember_username (AltaSignInPage *self,
                   const char     *username)
{
  if (self->settings == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->remember_row)))
    return;

  if (gtk_switch_get_active (self->remember_switch))
    secret_password_store (&username_schema, SECRET_COLLECTION_DEFAULT,
                           _("MyAltaMed username"), username, NULL, store_username_cb, NULL,
                           "kind", "username", NULL);
  else
    secret_password_clear (&username_schema, NULL, NULL, NULL, "kind", "username", NULL);
}

static char *
describe_failure (const GError *error,
                  gint64        retry_after_s)
{
  if (error->domain != ALTA_PORTAL_ERROR)
    return g_strdup (_("Something went wrong. Please try again."));

  switch ((AltaPortalError)error->code)
    {
    case ALTA_PORTAL_ERROR_INVALID_CREDENTIALS:
      return g_strdup (_("The username or password is not correct. Check them and try again. If you forgot them, call the Patient Support Line at the number below."));
    case ALTA_PORTAL_ERROR_ACCOUNT_LOCKED:
      {
        int minutes = MAX (1, (int)((retry_after_s + 59) / 60));

        return g_strdup_printf (g_dngettext (NULL,
                                             "This account is locked after too many wrong passwords. You can try again in %d minute, or call the Patient Support Line at the number below.",
                                             "This account is locked after too many wrong passwords. You can try again in %d minutes, or call the Patient Support Line at the number below.",
                                             minutes),
                                minutes);
      }
    case ALTA_PORTAL_ERROR_NO_PORTAL_ACCESS:
      return g_strdup (_("MyAltaMed is not available for patients aged 12 to 17, on their own or through a parent’s account. Your care team is glad to help by phone: call the Patient Support Line at the number below."));
    case ALTA_PORTAL_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many attempts. Please wait a minute and try again."));
    case ALTA_PORTAL_ERROR_NETWORK:
    case ALTA_PORTAL_ERROR_TIMEOUT:
      return g_strdup (_("MyAltaMed cannot be reached. Check your internet connection and try again."));
    case ALTA_PORTAL_ERROR_CERTIFICATE:
      return g_strdup (_("The portal's security certificate could not be verified, so nothing was sent. Call the Patient Support Line at the number below."));
    case ALTA_PORTAL_ERROR_INVALID_RESPONSE:
    case ALTA_PORTAL_ERROR_INVALID_REQUEST:
    case ALTA_PORTAL_ERROR_CODE_INVALID:
    case ALTA_PORTAL_ERROR_CODE_EXPIRED:
    case ALTA_PORTAL_ERROR_CODE_USED:
    case ALTA_PORTAL_ERROR_USERNAME_TAKEN:
    case ALTA_PORTAL_ERROR_WEAK_PASSWORD:
    case ALTA_PORTAL_ERROR_TOKEN_INVALID:
    case ALTA_PORTAL_ERROR_TOKEN_EXPIRED:
    case ALTA_PORTAL_ERROR_SESSION_EXPIRED:
    case ALTA_PORTAL_ERROR_INVALID_FIELD:
    case ALTA_PORTAL_ERROR_FORBIDDEN:
    case ALTA_PORTAL_ERROR_NOT_FOUND:
    case ALTA_PORTAL_ERROR_HAS_ACCOUNT:
    case ALTA_PORTAL_ERROR_PROXY_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_METHOD_NOT_ALLOWED:
    case ALTA_PORTAL_ERROR_PAYLOAD_TOO_LARGE:
    case ALTA_PORTAL_ERROR_CONFLICT:
    case ALTA_PORTAL_ERROR_INTERNAL:
    case ALTA_PORTAL_ERROR_UNAVAILABLE:
    default:
      return g_strdup (_("MyAltaMed could not sign you in right now. Please try again later."));
    }
}

/* A staff account has no record: it is for the enrollment station. The portal hears
 * that the session ends, and the person is told where to go. */
static gboolean
refuse_staff (AltaSignInPage    *self,
              AltaPortalAccount *account)
{
  if (g_strcmp0 (alta_portal_account_get_role (account), "staff") != 0)
    return FALSE;

  g_message ("A staff account signed in to the patient app: signed out again");
  alta_portal_client_sign_out_async (self->client, NULL, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  alta_sign_up_form_clear (self->sign_up_form);
  alta_password_reset_form_clear (self->password_reset_form);
  gtk_stack_set_visible_child_name (self->ways, "sign-in");
  show_error (self, NULL);
  show_notice (self, _("This is a staff account, for the enrollment station. To help a patient enroll, sign in at the enrollment station. To see your own health record, sign in here with your patient account."));
  gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  return TRUE;
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (AltaSignInPage) self = user_data;
  g_autoptr (AltaPortalAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 idle_timeout_s;
  gint64 retry_after_s;

  account = alta_portal_client_sign_in_finish (ALTA_PORTAL_CLIENT (object), result,
                                               &idle_timeout_s, &retry_after_s, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (account == NULL)
    {
      g_message ("Sign-in failed: %s", error->message);
      message = describe_failure (error, retry_after_s);
      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  if (refuse_staff (self, account))
    return;

  remember_username (self, gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);

  g_signal_emit (self, signals[SIGNED_IN], 0, account, idle_timeout_s);
}

static void
sign_in_submit_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AltaSignInPage *self = ALTA_SIGN_IN_PAGE (widget);
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  g_return_if_fail (self->client != NULL);

  /* Enter pressed again while the portal is asked */
  if (!gtk_editable_get_editable (GTK_EDITABLE (self->password_row)))
    return;

  if (username[0] == '\0' || password[0] == '\0')
    {
      show_error (self, _("Enter your username and password."));
      gtk_widget_grab_focus (GTK_WIDGET (username[0] == '\0' ? (GtkWidget *)self->username_row
                                                             : (GtkWidget *)self->password_row));
      return;
    }

  alta_bench_mark ("sign-in-submit");
  show_error (self, NULL);
  show_notice (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  alta_portal_client_sign_in_async (self->client, username, password, self->cancellable,
                                    sign_in_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (AltaSignInPage *self,
                       GtkWidget      *row)
{
  if (row == GTK_WIDGET (self->username_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

/* The languages in the order of the language row */
static const char * const languages[] = { "en", "es" };

static void
on_language_selected_cb (AltaSignInPage *self,
                         GParamSpec     *pspec,
                         GtkDropDown    *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->client == NULL || selected >= G_N_ELEMENTS (languages) ||
      g_str_equal (languages[selected], alta_portal_client_get_language (self->client)))
    return;

  /* The application saves the choice and builds the window again in that language */
  gtk_widget_activate_action (GTK_WIDGET (self), "app.language", "s", languages[selected]);
}

static void
show_way (AltaSignInPage *self,
          const char     *way)
{
  gtk_stack_set_visible_child_name (self->ways, way);

  if (g_str_equal (way, "sign-up"))
    alta_sign_up_form_focus (self->sign_up_form);
  else if (g_str_equal (way, "request-code"))
    alta_request_code_form_focus (self->request_code_form);
  else if (g_str_equal (way, "reset-password"))
    alta_password_reset_form_focus (self->password_reset_form);
  else
    alta_sign_in_page_focus (self);
}

static void
sign_in_show_way_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaSignInPage *self = ALTA_SIGN_IN_PAGE (widget);
  const char *way = g_variant_get_string (parameter, NULL);

  if (gtk_stack_get_child_by_name (self->ways, way) == NULL)
    {
      g_warning ("No way in called %s", way);
      return;
    }
  /* Escape where there is no way back does nothing */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->ways), way) == 0)
    return;
  show_way (self, way);
}

/* Escape goes back to the sign-in form; on the sign-in form itself it is not ours, so
 * that a kiosk's window takes it back to its welcome page */
static gboolean
sign_in_escape_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  AltaSignInPage *self = ALTA_SIGN_IN_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->ways), "sign-in") == 0)
    return FALSE;
  show_way (self, "sign-in");
  return TRUE;
}

static void
on_enroll_cb (AltaSignInPage *self)
{
  show_way (self, "sign-up");
}

static void
on_form_signed_in_cb (AltaSignInPage    *self,
                      AltaPortalAccount *account,
                      gint64             idle_timeout_s,
                      GtkWidget         *form)
{
  if (refuse_staff (self, account))
    return;

  /* The next time nobody is signed in, the page starts from signing in, every form empty */
  alta_sign_up_form_clear (self->sign_up_form);
  alta_request_code_form_clear (self->request_code_form);
  alta_password_reset_form_clear (self->password_reset_form);
  show_error (self, NULL);
  show_notice (self, NULL);
  gtk_stack_set_visible_child_name (self->ways, "sign-in");

  g_signal_emit (self, signals[SIGNED_IN], 0, account, idle_timeout_s);
}

static void
alta_sign_in_page_dispose (GObject *object)
{
  AltaSignInPage *self = ALTA_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (alta_sign_in_page_parent_class)->dispose (object);
}

static void
alta_sign_in_page_class_init (AltaSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_sign_in_page_dispose;

  /**
   * AltaSignInPage::signed-in:
   * @account: the account signed in; the page's client holds its token
   * @idle_timeout_s: the portal's idle limit for the session
   */
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, ALTA_TYPE_PORTAL_ACCOUNT,
                                     G_TYPE_INT64);

  g_type_ensure (ALTA_TYPE_SIGN_UP_FORM);
  g_type_ensure (ALTA_TYPE_REQUEST_CODE_FORM);
  g_type_ensure (ALTA_TYPE_PASSWORD_RESET_FORM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-sign-in-page.ui");
  /* A page is not read itself: its heading and fields are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, language_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, remember_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, support_label);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, ways);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, sign_up_form);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, request_code_form);
  gtk_widget_class_bind_template_child (widget_class, AltaSignInPage, password_reset_form);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_enroll_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_language_selected_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, sign_in_submit_action);
  gtk_widget_class_install_action (widget_class, "sign-in.show-way", "s", sign_in_show_way_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, sign_in_escape_cb, NULL);
}

static void
alta_sign_in_page_init (AltaSignInPage *self)
{
  g_autofree char *support = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The one place of the page with the number: messages point to it */
  /* Translators: %s is the Patient Support Line's phone number */
  support = g_strdup_printf (_("Forgot your username or password, or need help? Call the MyAltaMed Patient Support Line at %s."),
                             SUPPORT_NUMBER);
  gtk_label_set_text (self->support_label, support);
  /* The switch has its own name and names its row (the .ui); the label libadwaita adds to it
   * would make it say its name twice */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->remember_switch),
                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  alta_a11y_name_drop_down (self->language_dropdown,
                            /* Translators: keep the English after your words, as in
                             * “Language · Idioma” */
                            _("Show the languages · Ver los idiomas"),
                            _("Languages · Idiomas"));
}

void
alta_sign_in_page_set_client (AltaSignInPage   *self,
                              AltaPortalClient *client)
{
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->client, client);
  alta_sign_up_form_set_client (self->sign_up_form, client);
  alta_request_code_form_set_client (self->request_code_form, client);
  alta_password_reset_form_set_client (self->password_reset_form, client);
  gtk_widget_set_visible (GTK_WIDGET (self->language_row), client != NULL);
  if (client == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i], alta_portal_client_get_language (client)))
      {
        g_signal_handlers_block_by_func (self->language_dropdown, on_language_selected_cb, self);
        gtk_drop_down_set_selected (self->language_dropdown, i);
        g_signal_handlers_unblock_by_func (self->language_dropdown, on_language_selected_cb, self);
      }
}

static void
lookup_username_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (AltaSignInPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *username = secret_password_lookup_finish (result, &error);

  if (username == NULL)
    {
      if (error != NULL)
        g_message ("No remembered username: no keyring (%s)", error->message);
      return;
    }

  if (gtk_editable_get_text (GTK_EDITABLE (self->username_row))[0] == '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
}

/**
 * alta_sign_in_page_set_settings:
 * @may_remember: whether this mode may keep the username (desktop only)
 */
void
alta_sign_in_page_set_settings (AltaSignInPage *self,
                                GSettings      *settings,
                                gboolean        may_remember)
{
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->settings, settings);
  gtk_widget_set_visible (GTK_WIDGET (self->remember_row), may_remember);
  if (!may_remember)
    return;

  g_settings_bind (settings, "remember-username", self->remember_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  if (g_settings_get_boolean (settings, "remember-username"))
    secret_password_lookup (&username_schema, NULL, lookup_username_cb, g_object_ref (self),
                            "kind", "username", NULL);
}

/**
 * alta_sign_in_page_reset:
 * @notice: (nullable): why the person is back here ("You were signed out after…")
 *
 * Empties the form (the username stays only when remembered) and every form of the other
 * ways in, goes back to signing in, and shows @notice.
 */
void
alta_sign_in_page_reset (AltaSignInPage *self,
                         const char     *notice)
{
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  show_error (self, NULL);
  alta_sign_up_form_clear (self->sign_up_form);
  alta_request_code_form_clear (self->request_code_form);
  alta_password_reset_form_clear (self->password_reset_form);
  gtk_stack_set_visible_child_name (self->ways, "sign-in");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (self->settings == NULL || !gtk_switch_get_active (self->remember_switch))
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");

  show_notice (self, notice);
}

/**
 * alta_sign_in_page_focus:
 *
 * Puts the focus where a person starts: the username, or the password when the username is
 * there already.
 */
void
alta_sign_in_page_focus (AltaSignInPage *self)
{
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (self));

  if (gtk_editable_get_text (GTK_EDITABLE (self->username_row))[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/**
 * alta_sign_in_page_take_input:
 * @from: the same page of a window being replaced (by one in another language)
 *
 * Keeps what was typed on @from: the username and the password.
 */
void
alta_sign_in_page_take_input (AltaSignInPage *self,
                              AltaSignInPage *from)
{
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (ALTA_IS_SIGN_IN_PAGE (from));

  gtk_editable_set_text (GTK_EDITABLE (self->username_row),
                         gtk_editable_get_text (GTK_EDITABLE (from->username_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row),
                         gtk_editable_get_text (GTK_EDITABLE (from->password_row)));
}
