/* alta-store.h: the portal server's storage (SQLite in WAL mode)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ALTA_STORE_ERROR (alta_store_error_quark ())

typedef enum
{
  ALTA_STORE_ERROR_FAILED,       /* SQLite said no: I/O, corruption, busy past the timeout */
  ALTA_STORE_ERROR_CONSTRAINT,   /* a UNIQUE or CHECK constraint (a taken username, ...) */
  ALTA_STORE_ERROR_NOT_FOUND,
  ALTA_STORE_ERROR_SCHEMA,       /* a database made by a newer version */
} AltaStoreError;

typedef struct
{
  char   *id;
  char   *given_name;
  char   *family_name;
  char   *birth_date;      /* YYYY-MM-DD */
  char   *email;           /* nullable */
  char   *phone;           /* nullable */
  char   *language;        /* "en" or "es" */
  char   *address_json;    /* nullable: {"line":[..],"city":..,"state":..,"postal_code":..} */
  char   *gender;          /* nullable: FHIR's "male", "female", "other" or "unknown" */
} AltaPatient;

typedef struct
{
  gint64  id;
  char   *username;
  char   *role;            /* "patient" or "staff" */
  char   *patient_id;      /* nullable for staff */
  char   *password_hash;
  char   *email;           /* nullable */
  char   *phone;           /* nullable */
  char   *language;
  gint64  created_at;
} AltaAccount;

typedef struct
{
  gint64  id;
  gint64  account_id;
  gint64  created_at;
  gint64  last_activity_at;
  gint64  expires_at;      /* absolute end */
  gint64  ended_at;        /* 0 while open */
  gint64  previous_sign_in_at; /* the account's sign-in before this one; 0 for a first */
} AltaSessionRecord;

typedef struct
{
  gint64  id;
  char   *patient_id;
  char   *code_hash;
  gint64  created_at;
  gint64  expires_at;
  gint64  used_at;         /* 0 when unused */
  gint64  voided_at;       /* 0 unless a newer code replaced it */
} AltaActivationCode;

typedef struct
{
  gint64  id;
  gint64  account_id;
  char   *token_hash;
  gint64  created_at;
  gint64  expires_at;
  gint64  used_at;
} AltaResetToken;

typedef struct
{
  char   *patient_id;
  char   *relationship;    /* "child" or "dependent-adult" */
  char   *consent_form_id;
} AltaProxyGrant;

typedef struct
{
  gint64  id;
  gint64  at;
  char   *request_id;      /* nullable */
  char   *actor;
  char   *action;
  char   *target;          /* nullable */
  char   *outcome;
} AltaAuditEntry;

typedef struct
{
  gint64  id;
  char   *recipient;
  char   *message;         /* a whole RFC 5322 message */
  int     attempts;
} AltaQueuedMail;

void alta_patient_free            (AltaPatient        *patient);
void alta_account_free            (AltaAccount        *account);
void alta_session_record_free     (AltaSessionRecord  *session);
void alta_activation_code_free    (AltaActivationCode *code);
void alta_reset_token_free        (AltaResetToken     *token);
void alta_proxy_grant_free        (AltaProxyGrant     *grant);
void alta_audit_entry_free        (AltaAuditEntry     *entry);
void alta_queued_mail_free        (AltaQueuedMail     *mail);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaPatient, alta_patient_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaAccount, alta_account_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaSessionRecord, alta_session_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaActivationCode, alta_activation_code_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaResetToken, alta_reset_token_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaProxyGrant, alta_proxy_grant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaAuditEntry, alta_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaQueuedMail, alta_queued_mail_free)

#define ALTA_TYPE_STORE (alta_store_get_type ())

G_DECLARE_FINAL_TYPE (AltaStore, alta_store, ALTA, STORE, GObject)

GQuark              alta_store_error_quark            (void);
int                 alta_store_get_schema_version     (void);

AltaStore          *alta_store_open                   (const char         *path,
                                                       GError            **error);
void                alta_store_close                  (AltaStore          *self);
AltaStore          *alta_store_open_reader            (const char         *path,
                                                       AltaStore          *origin,
                                                       GError            **error);
gboolean            alta_store_begin_read             (AltaStore          *self,
                                                       guint64             generation,
                                                       GError            **error);
void                alta_store_end_read               (AltaStore          *self);
gboolean            alta_store_in_transaction         (AltaStore          *self);

/* Transactions: every write of a request is one BEGIN IMMEDIATE … COMMIT. */
gboolean            alta_store_begin                  (AltaStore          *self,
                                                       GError            **error);
gboolean            alta_store_commit                 (AltaStore          *self,
                                                       GError            **error);
void                alta_store_rollback               (AltaStore          *self);
gboolean            alta_store_sync                   (AltaStore          *self,
                                                       GError            **error);
void                alta_store_set_relaxed            (AltaStore          *self,
                                                       gboolean            relaxed);
gboolean            alta_store_check_integrity        (AltaStore          *self,
                                                       GError            **error);

/* Settings kept in the database (the demo's marker, ...) */
char               *alta_store_get_meta               (AltaStore          *self,
                                                       const char         *key);
gboolean            alta_store_set_meta               (AltaStore          *self,
                                                       const char         *key,
                                                       const char         *value,
                                                       GError            **error);

/* Patients */
gboolean            alta_store_insert_patient         (AltaStore          *self,
                                                       const AltaPatient  *patient,
                                                       GError            **error);
gboolean            alta_store_put_patient            (AltaStore          *self,
                                                       const AltaPatient  *patient,
                                                       GError            **error);
AltaPatient        *alta_store_get_patient            (AltaStore          *self,
                                                       const char         *patient_id,
                                                       GError            **error);
GPtrArray          *alta_store_find_patients          (AltaStore          *self,
                                                       const char         *family_name,
                                                       const char         *given_name,
                                                       const char         *birth_date,
                                                       guint               limit,
                                                       GError            **error);
GPtrArray          *alta_store_search_patients        (AltaStore          *self,
                                                       const char         *family_name,
                                                       const char         *given_name,
                                                       const char         *birth_date,
                                                       guint               limit,
                                                       GError            **error);
gboolean            alta_store_update_patient_contact (AltaStore          *self,
                                                       const char         *patient_id,
                                                       const char         *email,
                                                       const char         *phone,
                                                       const char         *address_json,
                                                       const char         *language,
                                                       GError            **error);

/* Accounts */
gint64              alta_store_insert_account         (AltaStore          *self,
                                                       const AltaAccount  *account,
                                                       GError            **error);
AltaAccount        *alta_store_get_account            (AltaStore          *self,
                                                       gint64              account_id,
                                                       GError            **error);
AltaAccount        *alta_store_get_account_by_username (AltaStore         *self,
                                                       const char         *username,
                                                       GError            **error);
AltaAccount        *alta_store_get_account_by_patient (AltaStore          *self,
                                                       const char         *patient_id,
                                                       GError            **error);
GPtrArray          *alta_store_find_accounts_by_email (AltaStore          *self,
                                                       const char         *email,
                                                       GError            **error);
gboolean            alta_store_update_account         (AltaStore          *self,
                                                       const AltaAccount  *account,
                                                       GError            **error);
gboolean            alta_store_set_password_hash      (AltaStore          *self,
                                                       gint64              account_id,
                                                       const char         *password_hash,
                                                       GError            **error);

/* Lockout: failures are counted per folded username, whether or not it exists. */
gboolean            alta_store_add_login_failure      (AltaStore          *self,
                                                       const char         *key,
                                                       gint64              at,
                                                       GError            **error);
int                 alta_store_count_login_failures   (AltaStore          *self,
                                                       const char         *key,
                                                       gint64              since,
                                                       GError            **error);
gboolean            alta_store_clear_login_failures   (AltaStore          *self,
                                                       const char         *key,
                                                       GError            **error);
gboolean            alta_store_set_locked_until       (AltaStore          *self,
                                                       const char         *key,
                                                       gint64              locked_until,
                                                       GError            **error);
gint64              alta_store_get_locked_until       (AltaStore          *self,
                                                       const char         *key,
                                                       GError            **error);

/* Activation codes */
gint64              alta_store_insert_activation_code (AltaStore          *self,
                                                       const char         *patient_id,
                                                       const char         *code_hash,
                                                       gint64              created_at,
                                                       gint64              expires_at,
                                                       GError            **error);
AltaActivationCode *alta_store_find_activation_code   (AltaStore          *self,
                                                       const char         *code_hash,
                                                       GError            **error);
gboolean            alta_store_mark_activation_code_used (AltaStore       *self,
                                                       gint64              code_id,
                                                       gint64              at,
                                                       GError            **error);

/* Sessions */
gint64              alta_store_insert_session         (AltaStore          *self,
                                                       gint64              account_id,
                                                       const char         *token_hash,
                                                       gint64              created_at,
                                                       gint64              expires_at,
                                                       gint64             *out_previous_sign_in_at,
                                                       GError            **error);
AltaSessionRecord  *alta_store_find_session           (AltaStore          *self,
                                                       const char         *token_hash,
                                                       GError            **error);
gboolean            alta_store_touch_session          (AltaStore          *self,
                                                       gint64              session_id,
                                                       gint64              at,
                                                       GError            **error);
gboolean            alta_store_end_session            (AltaStore          *self,
                                                       gint64              session_id,
                                                       gint64              at,
                                                       const char         *reason,
                                                       GError            **error);
int                 alta_store_end_account_sessions   (AltaStore          *self,
                                                       gint64              account_id,
                                                       gint64              except_session_id,
                                                       gint64              at,
                                                       const char         *reason,
                                                       GError            **error);
GArray             *alta_store_list_stale_sessions    (AltaStore          *self,
                                                       gint64              idle_before,
                                                       gint64              now,
                                                       GError            **error);

/* Password reset tokens */
gboolean            alta_store_insert_reset_token     (AltaStore          *self,
                                                       gint64              account_id,
                                                       const char         *token_hash,
                                                       gint64              created_at,
                                                       gint64              expires_at,
                                                       GError            **error);
gboolean            alta_store_void_reset_tokens      (AltaStore          *self,
                                                       gint64              account_id,
                                                       GError            **error);
AltaResetToken     *alta_store_find_reset_token       (AltaStore          *self,
                                                       const char         *token_hash,
                                                       GError            **error);
gboolean            alta_store_mark_reset_token_used  (AltaStore          *self,
                                                       gint64              token_id,
                                                       gint64              at,
                                                       GError            **error);

/* Proxy access */
gboolean            alta_store_insert_proxy_grant     (AltaStore          *self,
                                                       gint64              proxy_account_id,
                                                       const char         *patient_id,
                                                       const char         *relationship,
                                                       const char         *consent_form_id,
                                                       gint64              granted_at,
                                                       GError            **error);
GPtrArray          *alta_store_list_proxy_grants      (AltaStore          *self,
                                                       gint64              proxy_account_id,
                                                       GError            **error);

GArray             *alta_store_list_proxies_of        (AltaStore          *self,
                                                       const char         *patient_id,
                                                       GError            **error);

/* Audit trail */
gboolean            alta_store_audit                  (AltaStore          *self,
                                                       gint64              at,
                                                       const char         *request_id,
                                                       const char         *actor,
                                                       const char         *action,
                                                       const char         *target,
                                                       const char         *outcome,
                                                       GError            **error);
/* The most audit rows alta_store_audit_later() keeps back: past it, reads are refused */
#define ALTA_STORE_MAX_PENDING_AUDIT 4096
gboolean            alta_store_audit_later            (AltaStore          *self,
                                                       gint64              at,
                                                       const char         *request_id,
                                                       const char         *actor,
                                                       const char         *action,
                                                       const char         *target,
                                                       const char         *outcome,
                                                       GError            **error);
guint               alta_store_get_n_pending_audit    (AltaStore          *self);
gboolean            alta_store_flush_audit            (AltaStore          *self,
                                                       GError            **error);
GPtrArray          *alta_store_list_audit             (AltaStore          *self,
                                                       gint64              since,
                                                       GError            **error);

/* Outgoing mail, queued in the same transaction as what it announces */
gboolean            alta_store_enqueue_mail           (AltaStore          *self,
                                                       const char         *recipient,
                                                       const char         *message,
                                                       gint64              at,
                                                       GError            **error);
GPtrArray          *alta_store_list_due_mail          (AltaStore          *self,
                                                       gint64              now,
                                                       guint               limit,
                                                       GError            **error);
gboolean            alta_store_mark_mail_sent         (AltaStore          *self,
                                                       gint64              mail_id,
                                                       GError            **error);
gboolean            alta_store_mark_mail_failed       (AltaStore          *self,
                                                       gint64              mail_id,
                                                       gint64              next_attempt_at,
                                                       GError            **error);

G_END_DECLS
