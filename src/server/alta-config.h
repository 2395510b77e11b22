/* alta-config.h: the portal server's configuration (a GKeyFile)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TLS 1.3 and 1.2, forward-secret key exchange, AEAD ciphers only; GnuTLS's own defaults
 * (no renegotiation from the client unless safe; none at all in 1.3) for the rest.
 */
#define ALTA_CONFIG_TLS_PRIORITY \
  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:" \
  "+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE"

typedef struct
{
  /* [server] */
  char   *listen;                     /* ADDR:PORT */
  char   *tls_cert;
  char   *tls_key;
  char   *clinic_name;
  int     password_threads;           /* 0: one per core; password hashing off the main loop */
  int     read_threads;               /* read requests off the main loop; 0: on it */
  int     password_queue;             /* 64: hashes that may wait for a thread; then 503 */
  int     handshake_timeout_s;        /* 5: from connecting to the end of the TLS handshake */
  int     keepalive_timeout_s;        /* 5: waiting for the next request; a request stalling */
  int     max_connections_per_address; /* 32: open at once from one client address */
  int     listen_backlog;             /* 511: connections the kernel queues before accepting */
  int     audit_flush_ms;             /* 100: longest a read's audit row waits to be written; 0: at once */
  char   *tls_priority;               /* GnuTLS priority string: TLS 1.2+, AEAD only */
  char   *public_url;                 /* NULL: links from the listening address; no final / */
  char  **trusted_proxies;            /* addresses and networks whose X-Forwarded-For counts */

  /* [policy]: the FAQ's numbers, adjustable for tests and clinics */
  int     idle_timeout_s;             /* 900 */
  int     session_max_s;              /* 43200 */
  int     activation_code_ttl_days;   /* 14 */
  int     reset_token_ttl_s;          /* 3600 */
  int     lockout_threshold;          /* 5 */
  int     lockout_window_s;           /* 900 */
  int     lockout_duration_s;         /* 900 */

  /* [rate-limit]: requests per minute to the public account routes */
  int     rate_limit_per_address;     /* 60 */
  int     rate_limit_per_account;     /* 20 */

  /* [mail] */
  char   *smtp_url;                   /* smtp://HOST[:PORT] or smtps://…; NULL: smtp_host */
  char   *smtp_host;                  /* smtp_url's older form; both NULL: the maildir outbox */
  int     smtp_port;                  /* 25 */
  gboolean smtp_starttls_always;      /* FALSE: STARTTLS required unless on loopback */
  char   *smtp_user;                  /* NULL: no AUTH */
  char   *smtp_password;              /* read from smtp_password_file, or smtp_password */
  char   *smtp_ca_file;               /* NULL: the system's CAs verify the relay */
  char   *mail_from;                  /* "MyAltaMed <no-reply@myaltamed.net>" */
  int     mail_retry_s;               /* 60: first retry; doubles up to an hour */

  /* [testing] */
  char   *clock_offset_file;          /* seconds to add to the real clock, re-read on change */
} AltaConfig;

/* Where a service installation keeps its files: systemd's ConfigurationDirectory= and
 * StateDirectory= name these whatever the prefix, and the environment variables below
 * override them when systemd sets them.
 */
#define ALTA_CONFIG_DIR  "/etc/myaltamed"
#define ALTA_STATE_DIR   "/var/lib/myaltamed"
#define ALTA_CONFIG_FILE "portald.conf"

AltaConfig *alta_config_new_default        (void);
AltaConfig *alta_config_load               (const char  *path,
                                            GError     **error);
char       *alta_config_dup_credential     (const char  *name);
char       *alta_config_dup_installed_path (void);
AltaConfig *alta_config_load_or_installed  (const char  *path,
                                            GError     **error);
char       *alta_config_dup_data_dir       (void);
void        alta_config_free               (AltaConfig  *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaConfig, alta_config_free)

G_END_DECLS
