/* alta-mailer.h: the portal server's outgoing mail (SMTP relay or maildir outbox)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "alta-config.h"
#include "alta-store.h"

G_BEGIN_DECLS

#define ALTA_MAILER_ERROR (alta_mailer_error_quark ())

typedef enum
{
  ALTA_MAILER_ERROR_REFUSED,     /* the relay answered 4xx or 5xx */
  ALTA_MAILER_ERROR_PROTOCOL,    /* the relay's answer could not be read, or it hung up */
  ALTA_MAILER_ERROR_INVALID,     /* a queued message or address we cannot send as it is */
  ALTA_MAILER_ERROR_NO_STARTTLS, /* the relay does not offer STARTTLS, which it must */
  ALTA_MAILER_ERROR_AUTH,        /* the relay refused the username and password, or wants them */
  ALTA_MAILER_ERROR_TLS,         /* no TLS with the relay: handshake, certificate, CA file */
} AltaMailerError;

/* How the connection to the relay is encrypted */
typedef enum
{
  ALTA_MAIL_TLS_NONE,     /* plain SMTP: only to a relay on this machine */
  ALTA_MAIL_TLS_STARTTLS, /* smtp://, and the relay must offer STARTTLS */
  ALTA_MAIL_TLS_IMPLICIT, /* smtps://: TLS from the first byte */
} AltaMailTls;

/* What a notice mail tells: that something happened, never what (no health information). */
typedef enum
{
  ALTA_MAIL_NOTICE_NEW_MESSAGE,
  ALTA_MAIL_NOTICE_RESULT_RELEASED,
  ALTA_MAIL_NOTICE_DENTAL_CONFIRMED,
  ALTA_MAIL_NOTICE_DENTAL_DECLINED,
  ALTA_MAIL_NOTICE_REFILL_COMPLETED,
  ALTA_MAIL_NOTICE_REFILL_REJECTED,
  ALTA_MAIL_NOTICE_EMAIL_CHANGED,   /* to the old address */
} AltaMailNotice;

#define ALTA_TYPE_MAILER (alta_mailer_get_type ())

G_DECLARE_FINAL_TYPE (AltaMailer, alta_mailer, ALTA, MAILER, GObject)

GQuark      alta_mailer_error_quark           (void);

AltaMailTls alta_mail_choose_tls              (const char        *scheme,
                                               const char        *host,
                                               gboolean           starttls_always);

char       *alta_mail_compose_activation_code (const char        *language,
                                               const char        *from,
                                               const char        *to,
                                               const char        *formatted_code,
                                               const char        *expires_on,
                                               gint64             now);
char       *alta_mail_compose_password_reset  (const char        *language,
                                               const char        *from,
                                               const char        *to,
                                               const char        *token,
                                               gint64             now);

char       *alta_mail_compose_notice          (const char        *language,
                                               const char        *from,
                                               const char        *to,
                                               AltaMailNotice     notice,
                                               gint64             now);

AltaMailer *alta_mailer_new                   (AltaStore         *store,
                                               const AltaConfig  *config,
                                               const char        *data_dir);
void        alta_mailer_kick                  (AltaMailer        *self);
void        alta_mailer_start                 (AltaMailer        *self);
gboolean    alta_mailer_flush_sync            (AltaMailer        *self,
                                               GError           **error);

G_END_DECLS
