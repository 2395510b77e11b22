/* alta-portal-client-private.h: what the portal client's source files share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void alta_portal_client_empty_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data);

G_END_DECLS
