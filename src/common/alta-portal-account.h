/* alta-portal-account.h: a signed-in account and the records it may see
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ALTA_TYPE_PORTAL_ACCOUNT (alta_portal_account_get_type ())

G_DECLARE_FINAL_TYPE (AltaPortalAccount, alta_portal_account, ALTA, PORTAL_ACCOUNT, GObject)

AltaPortalAccount *alta_portal_account_new_from_json(JsonObject  *account,
                                                  GError     **error);
const char  *alta_portal_account_get_username           (AltaPortalAccount *self);
const char  *alta_portal_account_get_role               (AltaPortalAccount *self);
gint64       alta_portal_account_get_previous_sign_in   (AltaPortalAccount *self);
const char  *alta_portal_account_get_language           (AltaPortalAccount *self);
const char  *alta_portal_account_get_patient_id         (AltaPortalAccount *self);
const char  *alta_portal_account_get_email              (AltaPortalAccount *self);
const char  *alta_portal_account_get_phone              (AltaPortalAccount *self);
const char * const *alta_portal_account_get_address     (AltaPortalAccount  *self,
                                                         const char        **out_city,
                                                         const char        **out_state,
                                                         const char        **out_postal_code);
const char  *alta_portal_account_get_own_name           (AltaPortalAccount *self);
guint        alta_portal_account_get_n_records          (AltaPortalAccount *self);
const char  *alta_portal_account_get_record_id          (AltaPortalAccount *self,
                                                  guint        index);
const char  *alta_portal_account_get_record_name        (AltaPortalAccount *self,
                                                  guint        index);
const char  *alta_portal_account_get_record_relationship (AltaPortalAccount *self,
                                                   guint        index);
const char  *alta_portal_account_get_record_birth_date   (AltaPortalAccount *self,
                                                   guint        index);
const char  *alta_portal_account_get_record_gender       (AltaPortalAccount *self,
                                                          guint              index);

G_END_DECLS
