/* alta-connect-page.c: reaching the portal, and what went wrong
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-connect-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-connect-page.h"
#include "alta-portal-error.h"

/* One screen for each way of not reaching the portal, each with a way forward: the window's
 * "win.retry" action. A certificate problem says so plainly and is not "try again" material
 * only: it may be an attack, and nothing was sent.
 */

struct _AltaConnectPage
{
  AdwBin          parent_instance;

  AdwStatusPage  *status_page;
  GtkButton      *retry_button;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (AltaConnectPage, alta_connect_page, ADW_TYPE_BIN)

static void
alta_connect_page_dispose (GObject *object)
{
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_CONNECT_PAGE);

  G_OBJECT_CLASS (alta_connect_page_parent_class)->dispose (object);
}

static void
alta_connect_page_class_init (AltaConnectPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_connect_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-connect-page.ui");
  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_bind_template_child (widget_class, AltaConnectPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, AltaConnectPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaConnectPage, status_page);
}

static void
alta_connect_page_init (AltaConnectPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
alta_connect_page_show_connecting (AltaConnectPage *self)
{
  g_return_if_fail (ALTA_IS_CONNECT_PAGE (self));

  adw_status_page_set_icon_name (self->status_page, "network-transmit-receive-symbolic");
  adw_status_page_set_title (self->status_page, _("Connecting to MyAltaMed…"));
  adw_status_page_set_description (self->status_page, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
}

/**
 * alta_connect_page_show_error:
 * @error: why the portal could not be reached (an #ALTA_PORTAL_ERROR)
 */
void
alta_connect_page_show_error (AltaConnectPage *self,
                              const GError    *error)
{
  const char *icon = "network-offline-symbolic";
  const char *title = _("Cannot Reach MyAltaMed");
  const char *description = _("Check that this computer is connected to the internet, then try again. If the problem continues, call the MyAltaMed Patient Support Line at (844) 498-3446.");

  g_return_if_fail (ALTA_IS_CONNECT_PAGE (self));

  if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_CERTIFICATE))
    {
      icon = "channel-insecure-symbolic";
      title = _("The Connection Is Not Secure");
      description = _("The portal's security certificate could not be verified, so MyAltaMed did not connect and sent nothing. Someone may be trying to imitate the portal. Call the MyAltaMed Patient Support Line at (844) 498-3446.");
    }
  else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_TIMEOUT))
    {
      icon = "network-no-route-symbolic";
      title = _("MyAltaMed Is Taking Too Long");
      description = _("The portal did not answer in time. Your connection may be slow. Try again in a moment.");
    }
  else if (g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INTERNAL) ||
           g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_UNAVAILABLE) ||
           g_error_matches (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE))
    {
      icon = "dialog-warning-symbolic";
      title = _("MyAltaMed Is Not Available");
      description = _("The portal has a problem on its side. Nothing is wrong with this computer. Try again later.");
    }

  g_message ("Cannot reach the portal: %s", error->message);

  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), TRUE);
}

/**
 * alta_connect_page_show_kiosk_down:
 * @error: why the portal could not be reached (for the log only)
 *
 * In a lobby kiosk: the portal cannot be reached, said kindly, with the front desk to ask;
 * no technical words and no button, for the kiosk tries again by itself.
 */
void
alta_connect_page_show_kiosk_down (AltaConnectPage *self,
                                   const GError    *error)
{
  g_return_if_fail (ALTA_IS_CONNECT_PAGE (self));
  g_return_if_fail (error != NULL);

  g_message ("Cannot reach the portal (the kiosk tries again): %s", error->message);
  adw_status_page_set_icon_name (self->status_page, "network-transmit-receive-symbolic");
  adw_status_page_set_title (self->status_page, _("MyAltaMed Will Be Back Shortly"));
  adw_status_page_set_description (self->status_page,
                                   _("We are sorry: MyAltaMed cannot be reached right now. This screen will be ready again by itself in a few moments. If you need help now, please ask at the front desk."));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
}
