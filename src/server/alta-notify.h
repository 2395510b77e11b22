/* alta-notify.h: telling systemd how the server is doing (sd_notify's protocol)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean alta_notify_service_manager (const char *state);

G_END_DECLS
