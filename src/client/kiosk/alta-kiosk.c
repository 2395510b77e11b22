/* alta-kiosk.c: the patient app on a clinic lobby's shared screen
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-kiosk"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "alta-notifier.h"

#include "alta-kiosk.h"

/* The kiosk (`--kiosk`, or /etc/myaltamed/kiosk.conf; docs/kiosk-mode.md) is the patient
 * app, AltaWindow, with what a shared screen in a lobby must not do taken away, on the
 * station's notions (alta-app-mode.c): fullscreen and no way to close it, settings in
 * memory, no keyring. Besides: no desktop notifications, no file chooser, no browser (a
 * link shows its address as a QR code, for the patient's own phone), an idle limit the site
 * may shorten and nothing turns off, and a welcome page whenever nobody is signed in, with
 * the two ways on (sign in, sign up) and the language.
 */

/**
 * alta_kiosk_choose_renderer:
 *
 * Lobby machines have no GPU: software GL scrolls at 24–40 frames a second where cairo
 * holds 60. Sets GSK_RENDERER (before GTK starts) to the site's choice, else to cairo,
 * unless the environment already says.
 */
void
alta_kiosk_choose_renderer (const AltaKioskConfig *config)
{
  const char *renderer = config != NULL && config->renderer != NULL ? config->renderer : "cairo";
  const char *from_env = g_getenv ("GSK_RENDERER");

  if (from_env != NULL && from_env[0] != '\0')
    {
      g_message ("Renderer: %s (from the environment)", from_env);
      return;
    }
  g_setenv ("GSK_RENDERER", renderer, TRUE);
  g_message ("Renderer: %s", renderer);
}

/**
 * alta_kiosk_new_qr_texture:
 * @text: what the code says (a URL)
 * @module_px: the side of one of the code's squares, in pixels
 *
 * Returns: (transfer full) (nullable): @text as a QR code, black on white with its quiet
 *   zone; %NULL when it is too long for one
 */
GdkTexture *
alta_kiosk_new_qr_texture (const char *text,
                           int         module_px)
{
  const int quiet = 4;
  g_autoptr (GBytes) bytes = NULL;
  QRcode *code;
  guchar *pixels;
  int side;
  int stride;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_px > 0, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_message ("A link cannot be shown as a QR code: %s", g_strerror (errno));
      return NULL;
    }

  side = (code->width + 2 * quiet) * module_px;
  stride = side * 3;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if ((code->data[y * code->width + x] & 1) == 0)
          continue;
        for (int dy = 0; dy < module_px; dy++)
          memset (pixels + ((y + quiet) * module_px + dy) * stride + (x + quiet) * module_px * 3,
                  0, module_px * 3);
      }
  QRcode_free (code);

  bytes = g_bytes_new_take (pixels, stride * side);
  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, stride);
}

/**
 * alta_kiosk_show_link:
 * @from: the link pressed
 * @uri: its address
 *
 * Shows @uri as a QR code to scan with a phone: a kiosk opens no browser.
 */
void
alta_kiosk_show_link (GtkWidget  *from,
                      const char *uri)
{
  g_autoptr (GdkTexture) texture = alta_kiosk_new_qr_texture (uri, 6);
  GtkRoot *root = gtk_widget_get_root (from);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *address = gtk_label_new (uri);
  GtkWidget *dialog;
  g_message ("A link shown as a QR code");
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Read It on Your Phone"),
                                   _("This screen does not open web pages. Point your phone’s camera at the code to open the page on your phone."));
  if (texture != NULL)
    {
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code of the page"),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("Scan it with your phone’s camera to open the page"),
                                      -1);
      gtk_box_append (GTK_BOX (box), picture);
    }
  gtk_label_set_wrap (GTK_LABEL (address), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (address), PANGO_WRAP_CHAR);
  gtk_label_set_selectable (GTK_LABEL (address), FALSE);
  gtk_widget_add_css_class (address, "dim-label");
  gtk_box_append (GTK_BOX (box), address);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  /* The address tells of the patient's health: gone at sign-out, with the record */
  if (ALTA_IS_WINDOW (root))
    g_signal_connect_object (root, "notify::session", G_CALLBACK (gtk_window_destroy), dialog,
                             G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_way_clicked_cb (GtkButton *button,
                   gpointer   user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  if (ALTA_IS_WINDOW (root))
    alta_window_show_sign_in_way (ALTA_WINDOW (root), user_data);
}

static void
on_language_clicked_cb (GtkButton *button,
                        gpointer   user_data)
{
  gtk_widget_activate_action (GTK_WIDGET (button), "app.language", "s", (const char *)user_data);
}

static GtkWidget *
new_big_button (const char *label,
                const char *style)
{
  /* No mnemonic: a touch screen has no keyboard shortcuts, and GTK 4.8 reads a mnemonic
   * button's name with its underscore */
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_add_css_class (button, "pill");
  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  gtk_widget_add_css_class (button, "kiosk-way");
  return button;
}

/* The welcome page: what the app is, the two ways on, and the language (each named in
 * itself, so that a patient who reads only one of them finds it) */
static GtkWidget *
new_welcome_page (void)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *languages = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *language_label = gtk_label_new (_("Language · Idioma"));
  GtkWidget *sign_in = new_big_button (_("Sign In"), "suggested-action");
  GtkWidget *sign_up = new_big_button (_("Sign Up"), NULL);
  const char *language = g_getenv ("LANGUAGE");
  gboolean spanish = language != NULL && g_str_has_prefix (language, "es");
  GtkWidget *english = gtk_toggle_button_new_with_label ("English");
  GtkWidget *espanol = gtk_toggle_button_new_with_label ("Español");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "net.myaltamed.MyAltaMed");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Welcome to MyAltaMed"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("See your health record, appointments and messages. Sign in with your MyAltaMed account, or sign up for one with the code from your clinic."));
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 420);

  g_signal_connect (sign_in, "clicked", G_CALLBACK (on_way_clicked_cb), (gpointer)"sign-in");
  g_signal_connect (sign_up, "clicked", G_CALLBACK (on_way_clicked_cb), (gpointer)"sign-up");
  gtk_box_append (GTK_BOX (box), sign_in);
  gtk_box_append (GTK_BOX (box), sign_up);

  gtk_widget_add_css_class (language_label, "heading");
  gtk_widget_set_margin_top (language_label, 12);
  gtk_box_append (GTK_BOX (box), language_label);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (spanish ? espanol : english), TRUE);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (espanol), GTK_TOGGLE_BUTTON (english));
  /* The language each button speaks, for a screen reader reading the other */
  gtk_accessible_update_property (GTK_ACCESSIBLE (english), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "English", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (espanol), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Español", -1);
  g_signal_connect (english, "clicked", G_CALLBACK (on_language_clicked_cb), (gpointer)"en");
  g_signal_connect (espanol, "clicked", G_CALLBACK (on_language_clicked_cb), (gpointer)"es");
  gtk_widget_add_css_class (english, "kiosk-way");
  gtk_widget_add_css_class (espanol, "kiosk-way");
  gtk_widget_set_hexpand (english, TRUE);
  gtk_widget_set_hexpand (espanol, TRUE);
  gtk_box_set_homogeneous (GTK_BOX (languages), TRUE);
  gtk_box_append (GTK_BOX (languages), english);
  gtk_box_append (GTK_BOX (languages), espanol);
  gtk_box_append (GTK_BOX (box), languages);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), clamp);
  gtk_widget_set_vexpand (status, TRUE);
  return status;
}

/**
 * alta_kiosk_set_up_window:
 *
 * Makes @window a kiosk's: fullscreen, no way to close it, no notifications, the site's
 * idle limit, the welcome page, touch-sized targets (the "kiosk" style class).
 */
void
alta_kiosk_set_up_window (AltaWindow            *window,
                          const AltaKioskConfig *config)
{
  g_return_if_fail (ALTA_IS_WINDOW (window));
  g_return_if_fail (config != NULL);

  alta_app_mode_lock_down_window (ALTA_APP_MODE_KIOSK, GTK_WINDOW (window));
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  alta_notifier_set_enabled (alta_window_get_notifier (window), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (window), "kiosk");
  alta_window_set_kiosk (window, config->idle_s, new_welcome_page ());
}
