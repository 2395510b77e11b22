/* alta-client-address.c: who a request comes from, behind the clinic's own proxies
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-client-address"

#include "config.h"

#include <string.h>

#include "alta-client-address.h"

/* Behind a TLS-terminating proxy every connection comes from the proxy: rate limits and
 * the audit trail need the address the proxy saw. X-Forwarded-For carries it, but anyone
 * can send that header, so it counts only when the connection comes from a proxy the
 * configuration trusts, and then only as far as the trusted hops go: each proxy appends
 * the address it saw, so reading from the right, the first address that is not one of
 * ours is the client's. Whatever is further left, the client wrote itself.
 */

#define MAX_HOPS 32

/* ::ffff:10.0.0.1 is 10.0.0.1: a dual-stack socket reports IPv4 peers so. */
static GInetAddress *
unmap_address (GInetAddress *address)
{
  const guint8 *bytes;
  static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_object_ref (address);

  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) != 0)
    return g_object_ref (address);

  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

static gboolean
is_trusted (GInetAddress *address,
            GPtrArray    *trusted_proxies)
{
  for (guint i = 0; trusted_proxies != NULL && i < trusted_proxies->len; i++)
    {
      GInetAddressMask *mask = g_ptr_array_index (trusted_proxies, i);

      if (g_inet_address_mask_get_family (mask) == g_inet_address_get_family (address) &&
          g_inet_address_mask_matches (mask, address))
        return TRUE;
    }

  return FALSE;
}

/* One hop of X-Forwarded-For: "192.0.2.1", "2001:db8::1", "[2001:db8::1]:443" or
 * "192.0.2.1:443"; anything else is %NULL.
 */
static GInetAddress *
parse_hop (const char *text)
{
  g_autofree char *hop = g_strstrip (g_strdup (text));
  g_autoptr (GInetAddress) address = NULL;
  char *end;

  if (hop[0] == '[' && (end = strchr (hop, ']')) != NULL)
    {
      *end = '\0';
      address = g_inet_address_new_from_string (hop + 1);
    }
  else
    {
      address = g_inet_address_new_from_string (hop);
      if (address == NULL && (end = strchr (hop, ':')) != NULL && strchr (end + 1, ':') == NULL)
        {
          *end = '\0';
          address = g_inet_address_new_from_string (hop);
        }
    }

  return address != NULL ? unmap_address (address) : NULL;
}

/**
 * alta_client_address_parse_proxies:
 * @proxies: (nullable) (array zero-terminated=1): addresses ("192.0.2.7", "::1") and
 *   networks ("10.0.0.0/8", "fd00::/8")
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type GInetAddressMask) (nullable): the networks, or
 *   %NULL with %G_KEY_FILE_ERROR_INVALID_VALUE naming the one that does not parse
 */
GPtrArray *
alta_client_address_parse_proxies (const char * const  *proxies,
                                   GError             **error)
{
  g_autoptr (GPtrArray) masks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; proxies != NULL && proxies[i] != NULL; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (proxies[i]));
      g_autoptr (GError) local_error = NULL;
      GInetAddressMask *mask;

      if (text[0] == '\0')
        continue;

      mask = g_inet_address_mask_new_from_string (text, &local_error);
      if (mask == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[server] trusted_proxies: “%s” is not an address or a network (%s)",
                       text, local_error->message);
          return NULL;
        }
      g_ptr_array_add (masks, mask);
    }

  return g_steal_pointer (&masks);
}

/**
 * alta_client_address_is_trusted_proxy:
 * @peer: the address a connection comes from
 * @trusted_proxies: (nullable) (element-type GInetAddressMask): the clinic's proxies
 *
 * Returns: whether @peer is one of the clinic's own proxies, which carry many patients'
 *   connections at once
 */
gboolean
alta_client_address_is_trusted_proxy (GInetAddress *peer,
                                      GPtrArray    *trusted_proxies)
{
  g_autoptr (GInetAddress) address = unmap_address (peer);

  return is_trusted (address, trusted_proxies);
}

/**
 * alta_client_address_resolve:
 * @peer: the address the connection comes from
 * @forwarded_for: (nullable): the request's X-Forwarded-For, every header joined by commas
 * @trusted_proxies: (nullable) (element-type GInetAddressMask): the clinic's proxies
 *
 * Returns: (transfer full): the client's address as text: @peer itself unless @peer is a
 *   trusted proxy, else the right-most address of @forwarded_for that is not a trusted
 *   proxy (a hop that does not parse ends the walk at the trusted hop to its right)
 */
char *
alta_client_address_resolve (GInetAddress *peer,
                             const char   *forwarded_for,
                             GPtrArray    *trusted_proxies)
{
  g_autoptr (GInetAddress) client = unmap_address (peer);
  g_auto (GStrv) hops = NULL;
  guint n_hops;

  if (forwarded_for == NULL || !is_trusted (client, trusted_proxies))
    return g_inet_address_to_string (client);

  hops = g_strsplit (forwarded_for, ",", -1);
  n_hops = g_strv_length (hops);

  for (guint i = 0; i < n_hops && i < MAX_HOPS; i++)
    {
      g_autoptr (GInetAddress) hop = parse_hop (hops[n_hops - 1 - i]);

      if (hop == NULL)
        break;

      g_set_object (&client, hop);
      if (!is_trusted (hop, trusted_proxies))
        break;
    }

  return g_inet_address_to_string (client);
}
