/* alta-store-proxies.c: proxy grants, the patients an account may act for (a parent for a
 * child, a carer for a dependent adult)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-store"

#include "config.h"

#include "alta-store-private.h"

void
alta_proxy_grant_free (AltaProxyGrant *grant)
{
  if (grant == NULL)
    return;

  g_free (grant->patient_id);
  g_free (grant->relationship);
  g_free (grant->consent_form_id);
  g_free (grant);
}

gboolean
alta_store_insert_proxy_grant (AltaStore   *self,
                               gint64       proxy_account_id,
                               const char  *patient_id,
                               const char  *relationship,
                               const char  *consent_form_id,
                               gint64       granted_at,
                               GError     **error)
{
  return alta_store_exec (self,
                          "INSERT INTO proxy_grants (proxy_account_id, patient_id, "
                          "  relationship, consent_form_id, granted_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5) "
                          "ON CONFLICT (proxy_account_id, patient_id) DO UPDATE SET "
                          "  relationship = excluded.relationship, "
                          "  consent_form_id = excluded.consent_form_id, "
                          "  granted_at = excluded.granted_at",
                          ALTA_BINDS (ALTA_BIND_INT (proxy_account_id),
                                      ALTA_BIND_TEXT (patient_id),
                                      ALTA_BIND_TEXT (relationship),
                                      ALTA_BIND_TEXT (consent_form_id),
                                      ALTA_BIND_INT (granted_at)),
                          error);
}

static gpointer
read_proxy_grant (sqlite3_stmt *stmt)
{
  AltaProxyGrant *grant = g_new0 (AltaProxyGrant, 1);

  grant->patient_id = alta_store_column_dup_text (stmt, 0);
  grant->relationship = alta_store_column_dup_text (stmt, 1);
  grant->consent_form_id = alta_store_column_dup_text (stmt, 2);

  return grant;
}

/**
 * alta_store_list_proxy_grants:
 * @self: an #AltaStore
 * @proxy_account_id: the proxy's account
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type AltaProxyGrant): every grant, whatever the age
 *   rules say today (the caller applies them)
 */
GPtrArray *
alta_store_list_proxy_grants (AltaStore  *self,
                              gint64      proxy_account_id,
                              GError    **error)
{
  return alta_store_query_all (self,
                               "SELECT patient_id, relationship, consent_form_id FROM proxy_grants "
                               "WHERE proxy_account_id = ?1 ORDER BY granted_at, id",
                               ALTA_BINDS (ALTA_BIND_INT (proxy_account_id)),
                               read_proxy_grant, (GDestroyNotify)alta_proxy_grant_free, error);
}

static void
append_id (sqlite3_stmt *stmt,
           gpointer      user_data)
{
  GArray *ids = user_data;
  gint64 id = sqlite3_column_int64 (stmt, 0);

  g_array_append_val (ids, id);
}

/**
 * alta_store_list_proxies_of:
 * @self: an #AltaStore
 * @patient_id: the patient
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type gint64): the accounts holding a proxy grant to
 *   the patient, whatever the age rules say today (the caller applies them)
 */
GArray *
alta_store_list_proxies_of (AltaStore   *self,
                            const char  *patient_id,
                            GError     **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!alta_store_query_each (self,
                              "SELECT proxy_account_id FROM proxy_grants "
                              "WHERE patient_id = ?1 ORDER BY granted_at, id",
                              ALTA_BINDS (ALTA_BIND_TEXT (patient_id)),
                              append_id, ids, error))
    return NULL;

  return g_steal_pointer (&ids);
}
