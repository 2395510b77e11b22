/* alta-portal-client-enrollment.h: enrollment and password reset, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-portal-client.h"

G_BEGIN_DECLS

void     alta_portal_client_activate_async                (AltaPortalClient     *self,
                                                           const char           *activation_code,
                                                           const char           *birth_date,
                                                           const char           *username,
                                                           const char           *password,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
char    *alta_portal_client_activate_finish               (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
void     alta_portal_client_request_activation_code_async (AltaPortalClient     *self,
                                                           const char           *given_name,
                                                           const char           *family_name,
                                                           const char           *birth_date,
                                                           const char           *email,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean alta_portal_client_request_activation_code_finish (AltaPortalClient    *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
void     alta_portal_client_request_password_reset_async  (AltaPortalClient     *self,
                                                           const char           *username_or_email,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean alta_portal_client_request_password_reset_finish (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
void     alta_portal_client_confirm_password_reset_async  (AltaPortalClient     *self,
                                                           const char           *token,
                                                           const char           *new_password,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean alta_portal_client_confirm_password_reset_finish (AltaPortalClient     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
