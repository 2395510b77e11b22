/* alta-clipboard.c: text copied from the app does not outlive the session
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-clipboard.h"

/**
 * alta_clipboard_wipe_own:
 * @widget: a widget of the app, for its display
 *
 * Empties the clipboard and the primary selection (what a selection offers to a middle
 * click), a username or a value copied during a session, but only while they hold the
 * app's own text: what another program offers is not the app's to drop.
 */
void
alta_clipboard_wipe_own (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  GdkClipboard *clipboards[] = {
    gdk_display_get_clipboard (display),
    gdk_display_get_primary_clipboard (display),
  };

  for (guint i = 0; i < G_N_ELEMENTS (clipboards); i++)
    if (gdk_clipboard_is_local (clipboards[i]))
      gdk_clipboard_set_content (clipboards[i], NULL);
}
