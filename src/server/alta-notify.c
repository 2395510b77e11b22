/* alta-notify.c: telling systemd how the server is doing (sd_notify's protocol)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-notify"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "alta-notify.h"

/* A unit of Type=notify is started once the service says READY=1: one datagram of
 * newline-separated assignments to the AF_UNIX socket named in $NOTIFY_SOCKET, a path or,
 * with a leading '@', an abstract name. That is the whole of sd_notify() that the server
 * needs (systemd documents the protocol as stable, to be spoken without libsystemd), so the
 * server does not link libsystemd for it.
 */

/**
 * alta_notify_service_manager:
 * @state: newline-separated assignments, such as `READY=1` or `STOPPING=1`
 *
 * Tells the service manager @state, when one asked (systemd sets `$NOTIFY_SOCKET`).
 *
 * Returns: %TRUE when @state was sent
 */
gboolean
alta_notify_service_manager (const char *state)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GError) error = NULL;
  gsize length = strlen (state);

  if (path == NULL || path[0] == '\0')
    return FALSE;

  if (path[0] == '@')
    address = g_unix_socket_address_new_with_type (path + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  else if (path[0] == '/')
    address = g_unix_socket_address_new (path);
  else
    {
      g_warning ("$NOTIFY_SOCKET is neither a path nor an abstract socket name");
      return FALSE;
    }

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_DEFAULT, &error);
  if (socket == NULL ||
      g_socket_send_to (socket, address, state, length, NULL, &error) != (gssize)length)
    {
      g_warning ("Cannot tell the service manager %.*s: %s",
                 (int)strcspn (state, "\n="), state,
                 error != NULL ? error->message : "short write");
      return FALSE;
    }

  return TRUE;
}
