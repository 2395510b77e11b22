/* alta-clipboard.h: text copied from the app does not outlive the session
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void alta_clipboard_wipe_own (GtkWidget *widget);

G_END_DECLS
