/* alta-mailer.c: the portal server's outgoing mail (SMTP relay or maildir outbox)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-mailer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "alta-clock.h"
#include "alta-i18n.h"
#include "alta-mailer.h"

/* Mail is queued in the database in the same transaction as the code or token it
 * announces, so nothing is announced that was not stored and nothing stored goes
 * unannounced. The mailer drains that queue: to a local SMTP relay when the configuration
 * names one, otherwise into a maildir outbox that a clinic's own tools (or the tests) pick
 * up. A message that cannot be delivered stays queued and is tried again later, with a
 * delay that doubles up to an hour; it is never dropped.
 *
 * The store is only touched on the main thread. An SMTP pass lists the due messages there,
 * talks to the relay in a GTask thread, and marks each message sent or failed back on the
 * main thread. Only one pass runs at a time.
 *
 * Messages carry activation codes and reset tokens: the log names messages by their queue
 * id only, never by recipient, and never quotes a relay's answer beyond its status code
 * (relays echo addresses back).
 */

#define SUPPORT_PHONE "(844) 498-3446"
#define DEFAULT_DOMAIN "myaltamed.net"
#define DEFAULT_FROM "no-reply@" DEFAULT_DOMAIN
#define SMTP_TIMEOUT_S 30
#define SMTP_MAX_REPLY_LINES 100
#define RETRY_INTERVAL_S 15
#define MAX_RETRY_DELAY_S 3600
#define BATCH_SIZE 50

struct _AltaMailer
{
  GObject       parent_instance;

  /* Owned references */
  AltaStore    *store;
  GCancellable *cancellable;
  GMainContext *context;

  /* Settings, copied from the configuration */
  char         *smtp_host; /* NULL: the maildir outbox */
  guint16       smtp_port;
  char         *envelope_from;
  int           retry_s;
  char         *outbox_dir;

  /* Scheduling */
  guint         kick_id;
  guint         timer_id;
  guint         pass_running : 1; /* an SMTP pass is in its thread */
  guint         pass_again : 1;   /* kicked while a pass was running */
  guint         flushing : 1;     /* inside alta_mailer_flush_sync () */
};

G_DEFINE_FINAL_TYPE (AltaMailer, alta_mailer, G_TYPE_OBJECT)

G_DEFINE_QUARK (alta-mailer-error-quark, alta_mailer_error)

/* One queued message on its way out. */
typedef struct
{
  gint64   id;
  int      attempts; /* before this one */
  char    *recipient;
  char    *message;
  int      status; /* the relay's last answer, 0 when none */
  gboolean sent;
} Delivery;

/* What an SMTP pass's thread needs: copies, so the mailer may go away meanwhile. */
typedef struct
{
  GWeakRef   mailer;
  char      *host;
  guint16    port;
  char      *envelope_from;
  char      *helo_name;
  GPtrArray *deliveries; /* Delivery */
} SmtpJob;

/* One SMTP conversation. */
typedef struct
{
  GDataInputStream *input;
  GOutputStream    *output;
  GCancellable     *cancellable;
  int               last_code;
  gboolean          broken;   /* the connection cannot carry another command */
  gboolean          smtputf8; /* the relay takes UTF-8 addresses (RFC 6531) */
} Smtp;

static void schedule_pass (AltaMailer *self);

static void
free_secret (char *text)
{
  if (text == NULL)
    return;

  sodium_memzero (text, strlen (text));
  g_free (text);
}

static void
delivery_free (Delivery *delivery)
{
  g_free (delivery->recipient);
  free_secret (delivery->message);
  g_free (delivery);
}

static void
smtp_job_free (SmtpJob *job)
{
  g_weak_ref_clear (&job->mailer);
  g_free (job->host);
  g_free (job->envelope_from);
  g_free (job->helo_name);
  g_clear_pointer (&job->deliveries, g_ptr_array_unref);
  g_free (job);
}

/* Composing */

/* Header values come from the configuration and from validated addresses; a line break
 * in one would let it add headers of its own.
 */
static gboolean
is_header_safe (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f)
        return FALSE;
    }

  return g_utf8_validate (text, -1, NULL);
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p > 0x7e)
        return FALSE;
    }

  return TRUE;
}

/* "MyAltaMed <no-reply@myaltamed.net>" or "no-reply@myaltamed.net" → the address */
static char *
dup_address (const char *mailbox)
{
  const char *open = strrchr (mailbox, '<');
  const char *close = open != NULL ? strchr (open, '>') : NULL;

  if (close != NULL)
    return g_strndup (open + 1, close - open - 1);

  return g_strstrip (g_strdup (mailbox));
}

static char *
dup_domain (const char *mailbox)
{
  g_autofree char *address = dup_address (mailbox);
  const char      *at = strrchr (address, '@');

  if (at == NULL || at[1] == '\0')
    return g_strdup (DEFAULT_DOMAIN);

  for (const char *p = at + 1; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
        return g_strdup (DEFAULT_DOMAIN);
    }

  return g_ascii_strdown (at + 1, -1);
}

/* An address with an internationalized domain gets the domain's ASCII form, so only a
 * non-ASCII local part still needs a relay that speaks SMTPUTF8.
 */
static char *
dup_ascii_domain_address (const char *address)
{
  const char      *at = strrchr (address, '@');
  g_autofree char *domain = NULL;
  g_autofree char *local_part = NULL;

  if (at == NULL || is_printable_ascii (at + 1))
    return g_strdup (address);

  domain = g_hostname_to_ascii (at + 1);
  if (domain == NULL)
    return g_strdup (address);

  local_part = g_strndup (address, at - address);
  return g_strconcat (local_part, "@", domain, NULL);
}

/* RFC 2047 encoded-words of whole UTF-8 characters, folded so every line stays short. */
static void
append_encoded_words (GString    *out,
                      const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      g_autofree char *base64 = NULL;
      const char      *end = p;

      /* 39 bytes make 52 base64 characters: with "Subject: " and the markers, 73 columns. */
      while (*end != '\0' && g_utf8_next_char (end) - p <= 39)
        end = g_utf8_next_char (end);
      if (end == p)
        end = g_utf8_next_char (p);

      base64 = g_base64_encode ((const guchar *)p, end - p);
      if (p != text)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", base64);
      p = end;
    }
}

static void
append_unstructured_header (GString    *out,
                            const char *name,
                            const char *value)
{
  g_string_append_printf (out, "%s: ", name);
  if (is_printable_ascii (value))
    g_string_append (out, value);
  else
    append_encoded_words (out, value);
  g_string_append (out, "\r\n");
}

static void
append_mailbox_header (GString    *out,
                       const char *name,
                       const char *mailbox)
{
  const char      *open = strrchr (mailbox, '<');
  g_autofree char *display_name = NULL;

  g_string_append_printf (out, "%s: ", name);
  if (is_printable_ascii (mailbox) || open == NULL)
    {
      g_string_append (out, mailbox);
    }
  else
    {
      display_name = g_strstrip (g_strndup (mailbox, open - mailbox));
      if (display_name[0] == '"' && g_str_has_suffix (display_name, "\"") &&
          strlen (display_name) >= 2)
        {
          memmove (display_name, display_name + 1, strlen (display_name) - 2);
          display_name[strlen (display_name) - 2] = '\0';
        }
      append_encoded_words (out, display_name);
      g_string_append_c (out, ' ');
      g_string_append (out, open);
    }
  g_string_append (out, "\r\n");
}

static char *
format_date (gint64 unix_time)
{
  static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  if (time == NULL)
    time = g_date_time_new_from_unix_utc (0);

  /* Not g_date_time_format (): its day and month names follow the locale. */
  return g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d +0000",
                          days[g_date_time_get_day_of_week (time) - 1],
                          g_date_time_get_day_of_month (time),
                          months[g_date_time_get_month (time) - 1],
                          g_date_time_get_year (time),
                          g_date_time_get_hour (time),
                          g_date_time_get_minute (time),
                          g_date_time_get_second (time));
}

static char *
new_message_id (const char *from)
{
  g_autofree char *domain = dup_domain (from);
  guint8           bytes[16];
  char             hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);

  return g_strdup_printf ("<%s@%s>", hex, domain);
}

/* One line of text, without its line break, as quoted-printable lines of at most 76
 * characters (RFC 2045 §6.7).
 */
static void
append_quoted_printable_line (GString    *out,
                              const char *line,
                              gsize       length)
{
  gsize column = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar   c = (guchar)line[i];
      gboolean last = i + 1 == length;
      gboolean encode;
      char     token[4];
      gsize    token_length;

      if (c == ' ' || c == '\t')
        encode = last;
      else
        encode = c < 33 || c > 126 || c == '=';

      if (encode)
        {
          g_snprintf (token, sizeof token, "=%02X", c);
          token_length = 3;
        }
      else
        {
          token[0] = (char)c;
          token[1] = '\0';
          token_length = 1;
        }

      /* Leave room for the soft line break's "=" unless nothing follows on this line. */
      if (column + token_length > (last ? 76 : 75))
        {
          g_string_append (out, "=\r\n");
          column = 0;
        }

      g_string_append_len (out, token, token_length);
      column += token_length;
    }

  g_string_append (out, "\r\n");
}

static void
append_quoted_printable (GString    *out,
                         const char *text)
{
  const char *line = text;

  for (;;)
    {
      const char *end = strchr (line, '\n');
      gsize       length = end != NULL ? (gsize)(end - line) : strlen (line);

      if (length > 0 && line[length - 1] == '\r')
        length--;
      append_quoted_printable_line (out, line, length);

      if (end == NULL)
        break;
      line = end + 1;
    }
}

static char *
compose_message (const char *language,
                 const char *from,
                 const char *to,
                 const char *subject,
                 const char *body,
                 gint64      now)
{
  GString         *out = g_string_sized_new (2048);
  g_autofree char *date = format_date (now);
  g_autofree char *message_id = new_message_id (from);
  g_autofree char *to_address = dup_ascii_domain_address (to);

  g_string_append_printf (out, "Date: %s\r\n", date);
  append_mailbox_header (out, "From", from);
  /* A non-ASCII local part stays UTF-8 (RFC 6532): there is no other way to write it. */
  g_string_append_printf (out, "To: %s\r\n", to_address);
  append_unstructured_header (out, "Subject", subject);
  g_string_append_printf (out, "Message-ID: %s\r\n", message_id);
  g_string_append (out, "MIME-Version: 1.0\r\n");
  g_string_append (out, "Content-Type: text/plain; charset=UTF-8\r\n");
  g_string_append (out, "Content-Transfer-Encoding: quoted-printable\r\n");
  g_string_append_printf (out, "Content-Language: %s\r\n",
                          g_strcmp0 (language, "es") == 0 ? "es" : "en");
  g_string_append (out, "Auto-Submitted: auto-generated\r\n");
  g_string_append (out, "\r\n");
  append_quoted_printable (out, body);

  return g_string_free (out, FALSE);
}

/* Paragraphs stay unwrapped: quoted-printable keeps the encoded lines short, and mail
 * programs on phones show unwrapped text best.
 */
static void
append_paragraph (GString    *body,
                  const char *text)
{
  if (body->len > 0)
    g_string_append (body, "\n\n");
  g_string_append (body, text);
}

static void
append_translated (GString    *body,
                   const char *language,
                   const char *msgid)
{
  append_paragraph (body, alta_i18n_gettext (language, msgid));
}

/* The format comes from our own catalog, whose formats msgfmt --check-format checks. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
append_translated_printf (GString    *body,
                          const char *language,
                          const char *format,
                          const char *argument)
{
  g_autofree char *text = g_strdup_printf (alta_i18n_gettext (language, format), argument);

  append_paragraph (body, text);
}
#pragma GCC diagnostic pop

static void
append_closing (GString    *body,
                const char *language)
{
  /* Translators: the closing of the portal's e-mails, on two lines */
  append_translated (body, language, N_ ("Take care,\nThe MyAltaMed team"));
  /* Translators: the last line of the portal's e-mails, sent from an address that nobody
   * reads
   */
  append_translated (body, language, N_ ("This message was sent automatically. Please do not "
                                         "reply to it."));
}

/**
 * alta_mail_compose_activation_code:
 * @language: (nullable): the patient's language, "en" or "es"
 * @from: the sender, like `MyAltaMed <no-reply@myaltamed.net>`
 * @to: the recipient's address, already validated
 * @formatted_code: the activation code as the patient types it, like `ACDEF-GHJKL`
 * @expires_on: the code's last day, written out in @language
 * @now: the time of the message, in seconds since the epoch
 *
 * Writes the mail that brings a patient an activation code.
 *
 * Returns: (transfer full): an RFC 5322 message with CRLF line breaks
 */
char *
alta_mail_compose_activation_code (const char *language,
                                   const char *from,
                                   const char *to,
                                   const char *formatted_code,
                                   const char *expires_on,
                                   gint64      now)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *code_line = NULL;
  const char      *subject;
  char            *message;

  g_return_val_if_fail (from != NULL && is_header_safe (from), NULL);
  g_return_val_if_fail (to != NULL && is_header_safe (to), NULL);
  g_return_val_if_fail (formatted_code != NULL, NULL);
  g_return_val_if_fail (expires_on != NULL, NULL);

  code_line = g_strconcat ("    ", formatted_code, NULL);

  /* Translators: the greeting of the portal's e-mails, which do not name the patient */
  append_translated (body, language, N_ ("Hello,"));
  /* Translators: the activation code follows, on a line of its own */
  append_translated (body, language, N_ ("Welcome to MyAltaMed! Here is your activation code:"));
  append_paragraph (body, code_line);
  /* Translators: “Enroll with an activation code” is the label of the app's button, and
   * must read as it does in the app
   */
  append_translated (body, language, N_ ("To create your account, open MyAltaMed and choose "
                                         "“Enroll with an activation code”. Enter the code "
                                         "above, then choose your own username and password."));
  /* Translators: %s is the code's last day, such as “December 9, 2026” or “9 de diciembre
   * de 2026”
   */
  append_translated_printf (body, language, N_ ("This code is valid for 14 days, until %s, and "
                                                "works only once. If it expires, you can ask for "
                                                "a new one."),
                            expires_on);
  /* Translators: %s is the support line's phone number, “(844) 498-3446” */
  append_translated_printf (body, language, N_ ("If you did not ask for this code, or if you "
                                                "need any help, please call the MyAltaMed "
                                                "Patient Support Line at %s. We are happy to "
                                                "help."),
                            SUPPORT_PHONE);
  append_closing (body, language);

  /* Translators: the subject of the activation code's e-mail */
  subject = alta_i18n_gettext (language, N_ ("Your MyAltaMed activation code"));
  message = compose_message (language, from, to, subject, body->str, now);
  sodium_memzero (body->str, body->len);

  return message;
}

/**
 * alta_mail_compose_password_reset:
 * @language: (nullable): the account's language, "en" or "es"
 * @from: the sender, like `MyAltaMed <no-reply@myaltamed.net>`
 * @to: the recipient's address, already validated
 * @token: the password reset token
 * @now: the time of the message, in seconds since the epoch
 *
 * Writes the mail that brings a password reset token.
 *
 * Returns: (transfer full): an RFC 5322 message with CRLF line breaks
 */
char *
alta_mail_compose_password_reset (const char *language,
                                  const char *from,
                                  const char *to,
                                  const char *token,
                                  gint64      now)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autofree char *token_line = NULL;
  const char      *subject;
  char            *message;

  g_return_val_if_fail (from != NULL && is_header_safe (from), NULL);
  g_return_val_if_fail (to != NULL && is_header_safe (to), NULL);
  g_return_val_if_fail (token != NULL, NULL);

  token_line = g_strconcat ("    ", token, NULL);

  append_translated (body, language, N_ ("Hello,"));
  /* Translators: the reset code (a long string of letters and digits) follows, on a line
   * of its own
   */
  append_translated (body, language, N_ ("We received a request to reset the password of "
                                         "your MyAltaMed account. Here is your reset code:"));
  append_paragraph (body, token_line);
  /* Translators: “Reset password” is the title of the app's screen, and must read as it
   * does in the app
   */
  append_translated (body, language, N_ ("Open MyAltaMed, go to the “Reset password” screen, "
                                         "paste this code and choose a new password."));
  append_translated (body, language, N_ ("The code is valid for 1 hour and works only once."));
  append_translated (body, language, N_ ("If you did not ask to reset your password, you can "
                                         "ignore this message: your password stays the same."));
  /* Translators: %s is the support line's phone number, “(844) 498-3446” */
  append_translated_printf (body, language, N_ ("If you need any help, please call the "
                                                "MyAltaMed Patient Support Line at %s."),
                            SUPPORT_PHONE);
  append_closing (body, language);

  /* Translators: the subject of the password reset e-mail */
  subject = alta_i18n_gettext (language, N_ ("Reset your MyAltaMed password"));
  message = compose_message (language, from, to, subject, body->str, now);
  sodium_memzero (body->str, body->len);

  return message;
}

typedef struct
{
  const char *subject;
  const char *what;
} Notice;

/* Each notice says only that something is waiting, and where: a mail may be read by
 * anyone who shares the inbox, so it names no clinician, medication, test or time.
 */
static const Notice notices[] = {
  [ALTA_MAIL_NOTICE_NEW_MESSAGE] = {
    /* Translators: the subject of the mail that announces a message from the care team */
    N_ ("You have a new message in MyAltaMed"),
    N_ ("Your care team sent you a message in MyAltaMed."),
  },
  [ALTA_MAIL_NOTICE_RESULT_RELEASED] = {
    /* Translators: the subject of the mail that announces a released test result */
    N_ ("You have a new test result in MyAltaMed"),
    N_ ("A new test result is ready for you in MyAltaMed."),
  },
  [ALTA_MAIL_NOTICE_DENTAL_CONFIRMED] = {
    /* Translators: the subject of the mail that says a dental appointment request was booked */
    N_ ("Your dental appointment request was confirmed"),
    N_ ("The clinic confirmed your dental appointment request. You can see the day and time "
        "in MyAltaMed, under Appointments."),
  },
  [ALTA_MAIL_NOTICE_DENTAL_DECLINED] = {
    /* Translators: the subject of the mail that says a dental appointment request was not booked */
    N_ ("News about your dental appointment request"),
    N_ ("The clinic could not book your dental appointment request. You can see why in "
        "MyAltaMed, under Appointments."),
  },
  [ALTA_MAIL_NOTICE_REFILL_COMPLETED] = {
    /* Translators: the subject of the mail that says a prescription refill was approved */
    N_ ("Your refill request was approved"),
    N_ ("The clinic approved your prescription refill request. You can see it in MyAltaMed, "
        "under Medications."),
  },
  [ALTA_MAIL_NOTICE_REFILL_REJECTED] = {
    /* Translators: the subject of the mail that says a prescription refill was not approved */
    N_ ("News about your refill request"),
    N_ ("The clinic could not approve your prescription refill request. You can see why in "
        "MyAltaMed, under Medications."),
  },
};

/**
 * alta_mail_compose_notice:
 * @language: (nullable): the account's language, "en" or "es"
 * @from: the sender, like `MyAltaMed <no-reply@myaltamed.net>`
 * @to: the recipient's address, already validated
 * @notice: what happened
 * @now: the time of the message, in seconds since the epoch
 *
 * Writes the short mail that tells a patient something is waiting in MyAltaMed. It holds
 * no health information: not what the message says, which test, which medication or when.
 *
 * Returns: (transfer full): an RFC 5322 message with CRLF line breaks
 */
char *
alta_mail_compose_notice (const char     *language,
                          const char     *from,
                          const char     *to,
                          AltaMailNotice  notice,
                          gint64          now)
{
  g_autoptr (GString) body = g_string_new (NULL);
  const char *subject;

  g_return_val_if_fail (from != NULL && is_header_safe (from), NULL);
  g_return_val_if_fail (to != NULL && is_header_safe (to), NULL);
  g_return_val_if_fail ((guint)notice < G_N_ELEMENTS (notices), NULL);

  append_translated (body, language, N_ ("Hello,"));
  append_translated (body, language, notices[notice].what);
  append_translated (body, language, N_ ("Sign in to MyAltaMed to read it. For your privacy, "
                                         "this e-mail does not say more."));
  /* Translators: %s is the support line's phone number, “(844) 498-3446” */
  append_translated_printf (body, language, N_ ("If you need any help, please call the "
                                                "MyAltaMed Patient Support Line at %s."),
                            SUPPORT_PHONE);
  append_closing (body, language);

  subject = alta_i18n_gettext (language, notices[notice].subject);
  return compose_message (language, from, to, subject, body->str, now);
}

/* The maildir outbox */

static gboolean
set_error_from_errno (GError    **error,
                      int         saved_errno,
                      const char *what,
                      const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static char *
new_maildir_name (void)
{
  static int       counter;
  gint64           now = g_get_real_time ();
  GString         *host = g_string_new (NULL);
  g_autofree char *host_part = NULL;

  /* The maildir convention's escapes for the two characters a name may not hold */
  for (const char *p = g_get_host_name (); *p != '\0'; p++)
    {
      if (*p == '/')
        g_string_append (host, "\\057");
      else if (*p == ':')
        g_string_append (host, "\\072");
      else
        g_string_append_c (host, *p);
    }
  host_part = g_string_free (host, FALSE);

  return g_strdup_printf ("%" G_GINT64_FORMAT ".M%06dR%08xP%dQ%d.%s",
                          now / G_USEC_PER_SEC, (int)(now % G_USEC_PER_SEC),
                          g_random_int (), (int)getpid (),
                          g_atomic_int_add (&counter, 1) + 1, host_part);
}

static gboolean
sync_directory (const char *path,
                GError    **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved_errno;

  if (fd < 0)
    return set_error_from_errno (error, errno, "Could not open", path);

  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_error_from_errno (error, saved_errno, "Could not sync", path);
    }

  close (fd);
  return TRUE;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length,
           const char *path,
           GError    **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return set_error_from_errno (error, errno, "Could not write", path);

      data += written;
      length -= written;
    }

  return TRUE;
}

/* Maildir delivery: write the whole message under tmp/, make it durable, then rename it
 * into new/, so a reader of new/ never sees half a message.
 */
static gboolean
deliver_to_maildir (const char *outbox_dir,
                    const char *message,
                    GError    **error)
{
  static const char *folders[] = { "tmp", "new", "cur" };
  g_autofree char   *tmp_dir = g_build_filename (outbox_dir, "tmp", NULL);
  g_autofree char   *new_dir = g_build_filename (outbox_dir, "new", NULL);
  g_autofree char   *name = NULL;
  g_autofree char   *tmp_path = NULL;
  g_autofree char   *new_path = NULL;
  int                saved_errno;
  int                fd = -1;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (outbox_dir, folders[i], NULL);

      if (g_mkdir_with_parents (path, 0700) != 0)
        return set_error_from_errno (error, errno, "Could not make", path);
    }

  for (guint tries = 0; fd < 0; tries++)
    {
      g_clear_pointer (&name, g_free);
      g_clear_pointer (&tmp_path, g_free);
      name = new_maildir_name ();
      tmp_path = g_build_filename (tmp_dir, name, NULL);
      fd = open (tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 && (errno != EEXIST || tries >= 10))
        return set_error_from_errno (error, errno, "Could not create", tmp_path);
    }

  if (!write_all (fd, message, strlen (message), tmp_path, error))
    goto failed;

  if (fsync (fd) != 0)
    {
      set_error_from_errno (error, errno, "Could not sync", tmp_path);
      goto failed;
    }

  saved_errno = close (fd) == 0 ? 0 : errno;
  fd = -1;
  if (saved_errno != 0)
    {
      set_error_from_errno (error, saved_errno, "Could not write", tmp_path);
      goto failed;
    }

  new_path = g_build_filename (new_dir, name, NULL);
  if (g_rename (tmp_path, new_path) != 0)
    {
      set_error_from_errno (error, errno, "Could not move a message into", new_dir);
      goto failed;
    }

  /* A failure here leaves the message delivered but perhaps not durable: retrying would
   * deliver it twice, so it counts as delivered.
   */
  if (!sync_directory (new_dir, NULL))
    g_warning ("Could not sync the outbox folder");

  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  return FALSE;
}

static guint
deliver_to_outbox (AltaMailer *self,
                   GPtrArray  *deliveries,
                   GError    **error)
{
  guint failed = 0;

  for (guint i = 0; i < deliveries->len; i++)
    {
      Delivery *delivery = g_ptr_array_index (deliveries, i);
      g_autoptr (GError) local_error = NULL;

      delivery->sent = deliver_to_maildir (self->outbox_dir, delivery->message, &local_error);
      if (!delivery->sent)
        {
          failed++;
          if (error != NULL && *error == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
        }
    }

  return failed;
}

/* SMTP: RFC 5321, enough of it for a local relay that needs no authentication */

static gboolean
is_valid_smtp_address (const char *address)
{
  gsize length = strlen (address);

  if (length == 0 || length > 254 || strchr (address, '@') == NULL)
    return FALSE;

  for (const guchar *p = (const guchar *)address; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
        return FALSE;
    }

  return g_utf8_validate (address, -1, NULL);
}

static char *
dup_helo_name (void)
{
  const char *host = g_get_host_name ();

  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
        return g_strdup ("localhost");
    }

  return g_strdup (host[0] != '\0' ? host : "localhost");
}

/* Reads one reply, of one or more lines ("250-first", "250-more", "250 last"). Returns
 * its code, or 0 when the connection failed or the reply cannot be read.
 */
static int
smtp_read_reply (Smtp    *smtp,
                 GError **error)
{
  int code = 0;

  for (guint n = 0;; n++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *line = NULL;
      gsize            length = 0;
      int              line_code;

      line = g_data_input_stream_read_line (smtp->input, &length, smtp->cancellable,
                                            &local_error);
      if (line == NULL)
        {
          smtp->broken = TRUE;
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                                 "The mail relay closed the connection");
          return 0;
        }

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';

      if (length < 3 ||
          !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) ||
          !g_ascii_isdigit (line[2]) ||
          (length > 3 && line[3] != ' ' && line[3] != '-'))
        {
          smtp->broken = TRUE;
          g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                               "The mail relay's answer could not be read");
          return 0;
        }

      line_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (n == 0)
        code = line_code;
      else if (line_code != code)
        {
          smtp->broken = TRUE;
          g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                               "The mail relay's answer mixed status codes");
          return 0;
        }

      /* EHLO's reply lists extensions, one a line after the first */
      if (n > 0 && code == 250 && g_ascii_strcasecmp (line + 4, "SMTPUTF8") == 0)
        smtp->smtputf8 = TRUE;

      if (length == 3 || line[3] == ' ')
        return code;

      if (n + 1 >= SMTP_MAX_REPLY_LINES)
        {
          smtp->broken = TRUE;
          g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                               "The mail relay's answer was too long");
          return 0;
        }
    }
}

static gboolean
smtp_write (Smtp       *smtp,
            const char *data,
            gsize       length,
            GError    **error)
{
  if (!g_output_stream_write_all (smtp->output, data, length, NULL, smtp->cancellable, error))
    {
      smtp->broken = TRUE;
      return FALSE;
    }

  return TRUE;
}

/* Sends @command (when not %NULL) and reads the reply, which must be @expected or
 * @also_ok. @verb names the step in errors: never the command itself, which may hold an
 * address.
 */
static gboolean
smtp_expect (Smtp       *smtp,
             const char *command,
             const char *verb,
             int         expected,
             int         also_ok,
             GError    **error)
{
  int code;

  if (command != NULL)
    {
      g_autofree char *line = g_strconcat (command, "\r\n", NULL);

      if (!smtp_write (smtp, line, strlen (line), error))
        return FALSE;
    }

  code = smtp_read_reply (smtp, error);
  if (code == 0)
    return FALSE;

  smtp->last_code = code;
  g_debug ("The mail relay answered %d to %s", code, verb);
  if (code == expected || (also_ok != 0 && code == also_ok))
    return TRUE;

  /* 421: the relay is closing the connection */
  if (code == 421)
    smtp->broken = TRUE;

  g_set_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED,
               "The mail relay answered %d to %s", code, verb);
  return FALSE;
}

/* The message with CRLF line breaks, dot-stuffed, and the final "." line. */
static char *
dup_smtp_data (const char *message)
{
  GString    *out = g_string_sized_new (strlen (message) + 64);
  const char *line = message;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize       length = end != NULL ? (gsize)(end - line) : strlen (line);

      if (length > 0 && line[length - 1] == '\r')
        length--;
      if (line[0] == '.')
        g_string_append_c (out, '.');
      g_string_append_len (out, line, length);
      g_string_append (out, "\r\n");

      if (end == NULL)
        break;
      line = end + 1;
    }

  g_string_append (out, ".\r\n");
  return g_string_free (out, FALSE);
}

static gboolean
smtp_send_one (Smtp       *smtp,
               const char *envelope_from,
               Delivery   *delivery,
               GError    **error)
{
  g_autofree char *recipient = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  gboolean         utf8;
  char            *data = NULL;
  gboolean         ok;

  smtp->last_code = 0;

  if (!is_valid_smtp_address (delivery->recipient))
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_INVALID,
                           "The recipient's address cannot be sent to");
      return FALSE;
    }

  recipient = dup_ascii_domain_address (delivery->recipient);
  utf8 = !is_printable_ascii (recipient);
  if (utf8 && !smtp->smtputf8)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_INVALID,
                           "The mail relay does not take international addresses");
      return FALSE;
    }

  mail_from = g_strdup_printf ("MAIL FROM:<%s>%s", envelope_from, utf8 ? " SMTPUTF8" : "");
  rcpt_to = g_strdup_printf ("RCPT TO:<%s>", recipient);

  if (!smtp_expect (smtp, mail_from, "MAIL", 250, 0, error) ||
      !smtp_expect (smtp, rcpt_to, "RCPT", 250, 251, error) ||
      !smtp_expect (smtp, "DATA", "DATA", 354, 0, error))
    goto failed;

  data = dup_smtp_data (delivery->message);
  ok = smtp_write (smtp, data, strlen (data), error) &&
       smtp_expect (smtp, NULL, "the message", 250, 0, error);
  free_secret (data);
  if (!ok)
    goto failed;

  delivery->status = smtp->last_code;
  delivery->sent = TRUE;
  return TRUE;

failed:
  delivery->status = smtp->last_code;

  /* Clear the transaction so the next message can go on the same connection. */
  if (!smtp->broken && !smtp_expect (smtp, "RSET", "RSET", 250, 0, NULL))
    smtp->broken = TRUE;

  return FALSE;
}

static gboolean
smtp_hello (Smtp       *smtp,
            const char *helo_name,
            GError    **error)
{
  g_autofree char *ehlo = g_strconcat ("EHLO ", helo_name, NULL);
  g_autofree char *helo = g_strconcat ("HELO ", helo_name, NULL);
  g_autoptr (GError) ehlo_error = NULL;

  if (smtp_expect (smtp, ehlo, "EHLO", 250, 0, &ehlo_error))
    return TRUE;

  /* An old relay that does not know EHLO answers 500-504. */
  if (smtp->broken || smtp->last_code < 500 || smtp->last_code > 504)
    {
      g_propagate_error (error, g_steal_pointer (&ehlo_error));
      return FALSE;
    }

  return smtp_expect (smtp, helo, "HELO", 250, 0, error);
}

/* Delivers @job's messages over one connection, setting each one's sent and status.
 * Blocks: runs in a GTask thread, or in the caller of alta_mailer_flush_sync ().
 */
static gboolean
smtp_deliver_all (SmtpJob      *job,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnectable) address = g_network_address_new (job->host, job->port);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GError) first_error = NULL;
  Smtp smtp = { 0 };

  g_socket_client_set_timeout (client, SMTP_TIMEOUT_S);
  g_socket_client_set_enable_proxy (client, FALSE);

  connection = g_socket_client_connect (client, address, cancellable, error);
  if (connection == NULL)
    return FALSE;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  smtp.input = input;
  smtp.output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  smtp.cancellable = cancellable;

  if (!smtp_expect (&smtp, NULL, "the greeting", 220, 0, &first_error) ||
      !smtp_hello (&smtp, job->helo_name, &first_error))
    goto done;

  for (guint i = 0; i < job->deliveries->len && !smtp.broken; i++)
    {
      Delivery *delivery = g_ptr_array_index (job->deliveries, i);
      g_autoptr (GError) local_error = NULL;

      if (!smtp_send_one (&smtp, job->envelope_from, delivery, &local_error) &&
          first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (!smtp.broken)
    smtp_expect (&smtp, "QUIT", "QUIT", 221, 0, NULL);

done:
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static void
smtp_pass_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SmtpJob *job = task_data;
  g_autoptr (GError) error = NULL;

  if (!smtp_deliver_all (job, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Passes */

static gint64
retry_delay (int retry_s,
             int attempts)
{
  gint64 delay = MAX (retry_s, 1);

  for (int i = 0; i < attempts && delay < MAX_RETRY_DELAY_S; i++)
    delay *= 2;

  return MIN (delay, MAX_RETRY_DELAY_S);
}

/* Returns the queued messages due now, or %NULL when the store failed. */
static GPtrArray *
take_due_mail (AltaMailer *self,
               GError    **error)
{
  g_autoptr (GPtrArray) queued = NULL;
  GPtrArray *deliveries;

  queued = alta_store_list_due_mail (self->store, alta_clock_now (), BATCH_SIZE, error);
  if (queued == NULL)
    return NULL;

  deliveries = g_ptr_array_new_full (queued->len, (GDestroyNotify)delivery_free);
  for (guint i = 0; i < queued->len; i++)
    {
      AltaQueuedMail *mail = g_ptr_array_index (queued, i);
      Delivery       *delivery = g_new0 (Delivery, 1);

      delivery->id = mail->id;
      delivery->attempts = mail->attempts;
      delivery->recipient = g_steal_pointer (&mail->recipient);
      delivery->message = g_steal_pointer (&mail->message);
      g_ptr_array_add (deliveries, delivery);
    }

  return deliveries;
}

/* Marks each message sent (which deletes it) or failed (which schedules the next try).
 * Returns the number that failed.
 */
static guint
record_results (AltaMailer *self,
                GPtrArray  *deliveries)
{
  gint64 now = alta_clock_now ();
  guint  failed = 0;

  for (guint i = 0; i < deliveries->len; i++)
    {
      Delivery *delivery = g_ptr_array_index (deliveries, i);
      g_autoptr (GError) error = NULL;

      if (delivery->sent)
        {
          g_debug ("Mail %" G_GINT64_FORMAT " delivered on attempt %d",
                   delivery->id, delivery->attempts + 1);
          if (!alta_store_mark_mail_sent (self->store, delivery->id, &error))
            g_warning ("Mail %" G_GINT64_FORMAT " was delivered but stays queued: %s",
                       delivery->id, error->message);
        }
      else
        {
          gint64 delay = retry_delay (self->retry_s, delivery->attempts);

          failed++;
          g_message ("Mail %" G_GINT64_FORMAT " not delivered on attempt %d (status %d); "
                     "next try in %" G_GINT64_FORMAT " s",
                     delivery->id, delivery->attempts + 1, delivery->status, delay);
          if (!alta_store_mark_mail_failed (self->store, delivery->id, now + delay, &error))
            g_warning ("Mail %" G_GINT64_FORMAT ": could not schedule the next try: %s",
                       delivery->id, error->message);
        }
    }

  return failed;
}

static SmtpJob *
smtp_job_new (AltaMailer *self,
              GPtrArray  *deliveries)
{
  SmtpJob *job = g_new0 (SmtpJob, 1);

  g_weak_ref_init (&job->mailer, self);
  job->host = g_strdup (self->smtp_host);
  job->port = self->smtp_port;
  job->envelope_from = g_strdup (self->envelope_from);
  job->helo_name = dup_helo_name ();
  job->deliveries = deliveries;

  return job;
}

static void
on_smtp_pass_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask   *task = G_TASK (result);
  SmtpJob *job = g_task_get_task_data (task);
  g_autoptr (AltaMailer) self = g_weak_ref_get (&job->mailer);
  g_autoptr (GError) error = NULL;
  guint failed;

  g_task_propagate_boolean (task, &error);

  if (self == NULL)
    return;

  self->pass_running = FALSE;

  /* Shutting down: the store may be closed already; the messages stay queued. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (error != NULL)
    g_debug ("Mail pass: %s", error->message);

  failed = record_results (self, job->deliveries);
  if (failed > 0)
    g_message ("%u of %u messages stay queued for another try", failed, job->deliveries->len);

  /* A full batch that got through may have more behind it. */
  if (self->pass_again || (job->deliveries->len == BATCH_SIZE && failed < BATCH_SIZE))
    schedule_pass (self);
}

static void
run_pass (AltaMailer *self)
{
  g_autoptr (GPtrArray) deliveries = NULL;
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  guint failed;

  if (self->flushing || self->store == NULL)
    return;

  if (self->pass_running)
    {
      self->pass_again = TRUE;
      return;
    }
  self->pass_again = FALSE;

  deliveries = take_due_mail (self, &error);
  if (deliveries == NULL)
    {
      g_warning ("Could not read the mail queue: %s", error->message);
      return;
    }

  if (deliveries->len == 0)
    return;

  g_debug ("Delivering %u queued messages", deliveries->len);

  if (self->smtp_host == NULL)
    {
      failed = deliver_to_outbox (self, deliveries, &error);
      if (failed > 0)
        g_warning ("%u of %u messages stay queued: %s", failed, deliveries->len,
                   error->message);
      record_results (self, deliveries);
      if (deliveries->len == BATCH_SIZE && failed < BATCH_SIZE)
        schedule_pass (self);
      return;
    }

  task = g_task_new (NULL, self->cancellable, on_smtp_pass_done_cb, NULL);
  g_task_set_source_tag (task, run_pass);
  g_task_set_name (task, "[alta-mailer] SMTP pass");
  g_task_set_task_data (task, smtp_job_new (self, g_steal_pointer (&deliveries)),
                        (GDestroyNotify)smtp_job_free);
  self->pass_running = TRUE;
  g_task_run_in_thread (task, smtp_pass_thread);
}

static gboolean
on_kick_cb (gpointer user_data)
{
  AltaMailer *self = user_data;

  self->kick_id = 0;
  run_pass (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_timer_cb (gpointer user_data)
{
  AltaMailer *self = user_data;

  run_pass (self);

  return G_SOURCE_CONTINUE;
}

static void
schedule_pass (AltaMailer *self)
{
  if (self->kick_id == 0)
    self->kick_id = g_idle_add_full (G_PRIORITY_LOW, on_kick_cb, self, NULL);
}

static void
alta_mailer_dispose (GObject *object)
{
  AltaMailer *self = (AltaMailer *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kick_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (alta_mailer_parent_class)->dispose (object);
}

static void
alta_mailer_finalize (GObject *object)
{
  AltaMailer *self = (AltaMailer *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->smtp_host, g_free);
  g_clear_pointer (&self->envelope_from, g_free);
  g_clear_pointer (&self->outbox_dir, g_free);

  G_OBJECT_CLASS (alta_mailer_parent_class)->finalize (object);
}

static void
alta_mailer_class_init (AltaMailerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = alta_mailer_dispose;
  object_class->finalize = alta_mailer_finalize;
}

static void
alta_mailer_init (AltaMailer *self)
{
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

/**
 * alta_mailer_new:
 * @store: the store whose mail queue to deliver
 * @config: the configuration: `[mail]` names the relay, the sender and the retry delay
 * @data_dir: the server's data folder, which holds `outbox/` when there is no relay
 *
 * Returns: (transfer full): a mailer, idle until kicked, started or flushed
 */
AltaMailer *
alta_mailer_new (AltaStore        *store,
                 const AltaConfig *config,
                 const char       *data_dir)
{
  AltaMailer *self;

  g_return_val_if_fail (ALTA_IS_STORE (store), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (ALTA_TYPE_MAILER, NULL);
  self->store = g_object_ref (store);
  if (config->smtp_host != NULL && config->smtp_host[0] != '\0')
    self->smtp_host = g_strdup (config->smtp_host);
  self->smtp_port = config->smtp_port > 0 && config->smtp_port <= G_MAXUINT16
                      ? (guint16)config->smtp_port
                      : 25;
  self->retry_s = config->mail_retry_s > 0 ? config->mail_retry_s : 60;
  self->outbox_dir = g_build_filename (data_dir, "outbox", NULL);

  if (config->mail_from != NULL)
    self->envelope_from = dup_address (config->mail_from);
  if (self->envelope_from == NULL || !is_valid_smtp_address (self->envelope_from))
    {
      g_free (self->envelope_from);
      self->envelope_from = g_strdup (DEFAULT_FROM);
    }

  return self;
}

/**
 * alta_mailer_kick:
 * @self: an #AltaMailer
 *
 * Schedules a delivery pass on the main loop soon: after a request has queued mail. Kicks
 * that come close together make one pass.
 */
void
alta_mailer_kick (AltaMailer *self)
{
  g_return_if_fail (ALTA_IS_MAILER (self));

  schedule_pass (self);
}

/**
 * alta_mailer_start:
 * @self: an #AltaMailer
 *
 * Delivers what is queued now, then looks for mail due for another try every few seconds.
 */
void
alta_mailer_start (AltaMailer *self)
{
  g_return_if_fail (ALTA_IS_MAILER (self));

  if (self->timer_id == 0)
    self->timer_id = g_timeout_add_seconds (RETRY_INTERVAL_S, on_timer_cb, self);
  schedule_pass (self);
}

/**
 * alta_mailer_flush_sync:
 * @self: an #AltaMailer
 * @error: return location for a #GError
 *
 * Delivers every message due now, blocking; for the admin command line and for shutdown.
 * A pass running on the main loop is waited for first, so no message goes out twice. Call
 * it from the thread that made @self.
 *
 * Returns: %TRUE when nothing due stays queued; otherwise %FALSE, with the first reason a
 *   message could not be delivered (the messages stay queued for another try)
 */
gboolean
alta_mailer_flush_sync (AltaMailer *self,
                        GError    **error)
{
  g_autoptr (GError) first_error = NULL;
  guint failed = 0;

  g_return_val_if_fail (ALTA_IS_MAILER (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  self->flushing = TRUE;
  g_clear_handle_id (&self->kick_id, g_source_remove);

  while (self->pass_running)
    g_main_context_iteration (self->context, TRUE);

  for (;;)
    {
      g_autoptr (GPtrArray) deliveries = take_due_mail (self, error);
      g_autoptr (GError) pass_error = NULL;
      guint pass_failed;
      guint count;

      if (deliveries == NULL)
        {
          self->flushing = FALSE;
          return FALSE;
        }

      count = deliveries->len;
      if (count == 0)
        break;

      g_debug ("Delivering %u queued messages, blocking", count);
      if (self->smtp_host == NULL)
        {
          deliver_to_outbox (self, deliveries, &pass_error);
        }
      else
        {
          SmtpJob *job = smtp_job_new (self, g_steal_pointer (&deliveries));

          smtp_deliver_all (job, self->cancellable, &pass_error);
          deliveries = g_steal_pointer (&job->deliveries);
          smtp_job_free (job);
        }

      pass_failed = record_results (self, deliveries);
      if (pass_failed > 0 && first_error == NULL)
        first_error = pass_error != NULL
                        ? g_steal_pointer (&pass_error)
                        : g_error_new_literal (ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                                               "A message was not delivered");
      failed += pass_failed;

      /* Stop when the queue is drained, or when nothing got through (the relay is down). */
      if (count < BATCH_SIZE || pass_failed == count)
        break;
    }

  self->flushing = FALSE;

  if (failed > 0)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&first_error),
                                  "%u messages stay queued: ", failed);
      return FALSE;
    }

  return TRUE;
}
