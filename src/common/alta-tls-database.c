/* alta-tls-database.c: the system's certificate authorities, and a clinic's own
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-tls-database"

#include "config.h"

#include "alta-tls-database.h"

/* GIO's file database replaces the system's trust store; a clinic that runs its own portal
 * behind its own authority still wants the public ones trusted. A chain is good when
 * either database verifies it.
 */

struct _AltaTlsDatabase
{
  GTlsDatabase  parent_instance;

  GTlsDatabase *extra;
  GTlsDatabase *system;
};

G_DEFINE_FINAL_TYPE (AltaTlsDatabase, alta_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
alta_tls_database_verify_chain (GTlsDatabase             *database,
                                GTlsCertificate          *chain,
                                const char               *purpose,
                                GSocketConnectable       *identity,
                                GTlsInteraction          *interaction,
                                GTlsDatabaseVerifyFlags   flags,
                                GCancellable             *cancellable,
                                GError                  **error)
{
  AltaTlsDatabase *self = ALTA_TLS_DATABASE (database);
  GTlsCertificateFlags result;

  result = g_tls_database_verify_chain (self->extra, chain, purpose, identity, interaction, flags,
                                        cancellable, error);
  if (result == 0 || self->system == NULL || (error != NULL && *error != NULL))
    return result;

  return g_tls_database_verify_chain (self->system, chain, purpose, identity, interaction, flags,
                                      cancellable, error);
}

static void
alta_tls_database_finalize (GObject *object)
{
  AltaTlsDatabase *self = ALTA_TLS_DATABASE (object);

  g_clear_object (&self->extra);
  g_clear_object (&self->system);

  G_OBJECT_CLASS (alta_tls_database_parent_class)->finalize (object);
}

static void
alta_tls_database_class_init (AltaTlsDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = alta_tls_database_finalize;
  G_TLS_DATABASE_CLASS (klass)->verify_chain = alta_tls_database_verify_chain;
}

static void
alta_tls_database_init (AltaTlsDatabase *self)
{
}

/**
 * alta_tls_database_new:
 * @ca_file: a PEM file of certificate authorities
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a database trusting @ca_file's authorities and the
 *   system's
 */
GTlsDatabase *
alta_tls_database_new (const char  *ca_file,
                       GError     **error)
{
  g_autoptr (GTlsDatabase) extra = g_tls_file_database_new (ca_file, error);
  AltaTlsDatabase *self;

  if (extra == NULL)
    return NULL;

  self = g_object_new (ALTA_TYPE_TLS_DATABASE, NULL);
  self->extra = g_steal_pointer (&extra);
  self->system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  return G_TLS_DATABASE (self);
}
