/* alta-kiosk.h: the patient app on a clinic lobby's shared screen
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "alta-app-mode.h"
#include "alta-window.h"

G_BEGIN_DECLS

void        alta_kiosk_choose_renderer  (const AltaKioskConfig *config);
void        alta_kiosk_set_up_window    (AltaWindow            *window,
                                         const AltaKioskConfig *config);
GdkTexture *alta_kiosk_new_qr_texture   (const char            *text,
                                         int                    module_px);
void        alta_kiosk_show_link        (GtkWidget             *from,
                                         const char            *uri);

G_END_DECLS
