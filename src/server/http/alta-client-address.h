/* alta-client-address.h: who a request comes from, behind the clinic's own proxies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GPtrArray *alta_client_address_parse_proxies (const char * const  *proxies,
                                              GError             **error);
gboolean   alta_client_address_is_trusted_proxy (GInetAddress  *peer,
                                                 GPtrArray     *trusted_proxies);
char      *alta_client_address_resolve       (GInetAddress        *peer,
                                              const char          *forwarded_for,
                                              GPtrArray           *trusted_proxies);

G_END_DECLS
