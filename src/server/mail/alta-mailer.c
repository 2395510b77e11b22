/* alta-mailer.c: the portal server's outgoing mail (SMTP relay or maildir outbox)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-mailer"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "alta-clock.h"
#include "alta-i18n.h"
#include "alta-mailer.h"

/* Mail is queued in the database in the same transaction as the code or token it
 * announces, so nothing is announced that was not stored and nothing stored goes
 * unannounced. The mailer drains that queue: to an SMTP relay when the configuration
 * names one, otherwise into a maildir outbox that a clinic's own tools (or the tests) pick
 * up. A message that cannot be delivered stays queued and is tried again later, with a
 * delay that doubles up to an hour; it is never dropped.
 *
 * GMime writes the messages and libcurl speaks SMTP to the relay. The messages carry
 * activation codes and reset tokens, so they never cross the network in clear: a relay
 * that is not on loopback must offer STARTTLS (or be reached with smtps://), its
 * certificate must verify, and AUTH happens inside that TLS.
 *
 * The store is only touched on the main thread. An SMTP pass lists the due messages there,
 * hands them to curl in a GTask thread, and marks each message sent or failed back on the
 * main thread. Only one pass runs at a time.
 *
 * The log names messages by their queue id only, never by recipient, and never quotes a
 * relay's answer beyond its status code (relays echo addresses back), nor curl's error
 * text; the AUTH password is never logged.
 */

#define SUPPORT_PHONE "(844) 498-3446"
#define DEFAULT_DOMAIN "myaltamed.net"
#define DEFAULT_FROM "no-reply@" DEFAULT_DOMAIN
#define SMTP_CONNECT_TIMEOUT_S 15
#define SMTP_RESPONSE_TIMEOUT_S 30
#define SMTP_TIMEOUT_S 60 /* one message, from connecting to the relay's last answer */
#define RETRY_INTERVAL_S 15
#define MAX_RETRY_DELAY_S 3600
#define BATCH_SIZE 50

/* GMime 3.2 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

struct _AltaMailer
{
  GObject       parent_instance;

  /* Owned references */
  AltaStore    *store;
  GCancellable *cancellable;
  GMainContext *context;

  /* Settings, copied from the configuration */
  char         *relay_url; /* NULL: the maildir outbox */
  AltaMailTls   tls;
  char         *smtp_user;
  char         *smtp_password;
  char         *ca_file;
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
  GWeakRef    mailer;
  char       *url;
  AltaMailTls tls;
  char       *user;
  char       *password;
  char       *ca_file;
  char       *envelope_from;
  GPtrArray  *deliveries; /* Delivery */
} SmtpJob;

/* The message curl is reading, for its read callback */
typedef struct
{
  const char *data;
  gsize       length;
  gsize       offset;
} Upload;

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
  g_free (job->url);
  g_free (job->user);
  free_secret (job->password);
  g_free (job->ca_file);
  g_free (job->envelope_from);
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

static char *
dup_message_id (const char *from)
{
  g_autofree char *domain = dup_domain (from);
  guint8           bytes[16];
  char             hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);

  return g_strdup_printf ("<%s@%s>", hex, domain);
}

static void
ensure_gmime (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

static void
wipe_stream (GMimeStream *stream)
{
  GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));

  sodium_memzero (bytes->data, bytes->len);
}

/* GMime writes the message: RFC 2047 encoded-words where a header needs them, the
 * domain of an international address in its ASCII form (a non-ASCII local part has no
 * ASCII form and stays UTF-8, RFC 6532), lines folded short, the body in UTF-8 as
 * quoted-printable, every line break CRLF.
 */
static char *
compose_message (const char *language,
                 const char *from,
                 const char *to,
                 const char *subject,
                 const char *body,
                 gint64      now)
{
  g_autoptr (GMimeMessage) message = NULL;
  g_autoptr (GMimePart) part = NULL;
  g_autoptr (GMimeStream) content_stream = NULL;
  g_autoptr (GMimeDataWrapper) content = NULL;
  g_autoptr (GMimeStream) output = NULL;
  g_autoptr (InternetAddressList) senders = NULL;
  g_autoptr (GDateTime) date = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *text = NULL;
  GMimeFormatOptions *options;
  GByteArray         *bytes;
  char               *result;

  ensure_gmime ();

  message = g_mime_message_new (FALSE);

  date = g_date_time_new_from_unix_utc (now);
  if (date == NULL)
    date = g_date_time_new_from_unix_utc (0);
  g_mime_message_set_date (message, date);

  senders = internet_address_list_parse (NULL, from);
  if (senders == NULL || internet_address_list_length (senders) != 1)
    {
      g_clear_object (&senders);
      senders = internet_address_list_parse (NULL, DEFAULT_FROM);
    }
  internet_address_set_charset (internet_address_list_get_address (senders, 0), "UTF-8");
  internet_address_list_append (g_mime_message_get_from (message), senders);

  internet_address_list_add (g_mime_message_get_to (message),
                             internet_address_mailbox_new (NULL, to));
  g_mime_message_set_subject (message, subject, "UTF-8");

  /* Not g_mime_message_set_message_id (), which spells it "Message-Id" */
  message_id = dup_message_id (from);
  g_mime_object_set_header (GMIME_OBJECT (message), "Message-ID", message_id, NULL);
  g_mime_object_set_header (GMIME_OBJECT (message), "Auto-Submitted", "auto-generated", NULL);

  /* Not g_mime_text_part_set_text (): it would pick a charset of its own, Latin-1 for
   * Spanish.
   */
  text = g_strconcat (body, "\n", NULL);
  content_stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
  sodium_memzero (text, strlen (text));
  content = g_mime_data_wrapper_new_with_stream (content_stream, GMIME_CONTENT_ENCODING_DEFAULT);
  part = g_mime_part_new_with_type ("text", "plain");
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "UTF-8");
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  g_mime_object_set_header (GMIME_OBJECT (part), "Content-Language",
                            g_strcmp0 (language, "es") == 0 ? "es" : "en", NULL);
  g_mime_message_set_mime_part (message, GMIME_OBJECT (part));

  options = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  output = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, output);
  g_mime_format_options_free (options);

  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (output));
  result = g_strndup ((const char *)bytes->data, bytes->len);
  wipe_stream (output);
  wipe_stream (content_stream);

  return result;
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
  [ALTA_MAIL_NOTICE_EMAIL_CHANGED] = {
    /* Translators: the subject of the mail sent to the old address when the account's email
     * address changes */
    N_ ("Your MyAltaMed email address was changed"),
    N_ ("The email address of your MyAltaMed account was just changed, and our mail will go "
        "to the new address from now on. If you did not make this change, call the MyAltaMed "
        "Patient Support Line at (844) 498-3446 right away."),
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

/* SMTP, through libcurl */

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

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  /* curl never asks DNS for "localhost": it is always this machine. */
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * alta_mail_choose_tls:
 * @scheme: the relay URL's scheme, "smtp" or "smtps"
 * @host: the relay URL's host, a name or an IP address
 * @starttls_always: whether `[mail] starttls=always`
 *
 * Decides how the connection to the relay is encrypted. Mail holds activation codes and
 * reset tokens: it may go in clear only to a relay on this machine, named by a loopback
 * address or "localhost" (any other name could resolve elsewhere), and not even there
 * when @starttls_always.
 *
 * Returns: the encryption the relay must accept, or mail stays queued
 */
AltaMailTls
alta_mail_choose_tls (const char *scheme,
                      const char *host,
                      gboolean    starttls_always)
{
  g_return_val_if_fail (scheme != NULL, ALTA_MAIL_TLS_STARTTLS);
  g_return_val_if_fail (host != NULL, ALTA_MAIL_TLS_STARTTLS);

  if (g_ascii_strcasecmp (scheme, "smtps") == 0)
    return ALTA_MAIL_TLS_IMPLICIT;

  if (!starttls_always && is_loopback_host (host))
    return ALTA_MAIL_TLS_NONE;

  return ALTA_MAIL_TLS_STARTTLS;
}

/* curl's URL for the relay: its path is the name curl gives in EHLO. */
static char *
dup_relay_url (const char *url,
               gboolean    starttls_always,
               AltaMailTls *tls)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *helo_name = dup_helo_name ();
  g_autofree char *path = g_strconcat ("/", helo_name, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      /* alta_config_load () refuses such a URL; curl will too, and mail stays queued. */
      *tls = ALTA_MAIL_TLS_STARTTLS;
      return g_strdup (url);
    }

  *tls = alta_mail_choose_tls (g_uri_get_scheme (uri), g_uri_get_host (uri), starttls_always);
  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), path, NULL, NULL);
}

static size_t
on_curl_read_cb (char   *buffer,
                 size_t  size,
                 size_t  count,
                 void   *user_data)
{
  Upload *upload = user_data;
  gsize   length = MIN (size * count, upload->length - upload->offset);

  memcpy (buffer, upload->data + upload->offset, length);
  upload->offset += length;

  return length;
}

static int
on_curl_progress_cb (void       *user_data,
                     curl_off_t  download_total,
                     curl_off_t  downloaded,
                     curl_off_t  upload_total,
                     curl_off_t  uploaded)
{
  /* Non-zero aborts the transfer: the mailer is going away. */
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

/* An error that says why without quoting the relay or curl (either may echo an address),
 * and whether the next message could fare better on this pass.
 */
static gboolean
set_curl_error (GError   **error,
                CURLcode   code,
                long       status)
{
  /* Not a switch: CURLcode has a hundred values, nearly all for other protocols. */
  if (code == CURLE_USE_SSL_FAILED)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_NO_STARTTLS,
                           "The mail relay does not offer STARTTLS, and mail may go to a relay "
                           "in clear only on this machine (loopback) and only without "
                           "[mail] starttls=always");
      return FALSE;
    }

  if (code == CURLE_LOGIN_DENIED)
    {
      g_set_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_AUTH,
                   "The mail relay refused the [mail] smtp_user and password (status %ld)",
                   status);
      return FALSE;
    }

  if (code == CURLE_PEER_FAILED_VERIFICATION)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_TLS,
                           "The mail relay's certificate could not be verified: check the "
                           "relay's name and [mail] ca_file");
      return FALSE;
    }

  if (code == CURLE_SSL_CACERT_BADFILE)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_TLS,
                           "The [mail] ca_file could not be read");
      return FALSE;
    }

  if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_SSL_CIPHER ||
      code == CURLE_SSL_ENGINE_INITFAILED || code == CURLE_SSL_CERTPROBLEM ||
      code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_ISSUER_ERROR)
    {
      g_set_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_TLS,
                   "No TLS with the mail relay: %s", curl_easy_strerror (code));
      return FALSE;
    }

  if (code == CURLE_COULDNT_RESOLVE_HOST)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND,
                           "The mail relay's name could not be resolved");
      return FALSE;
    }

  if (code == CURLE_COULDNT_CONNECT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                           "Could not connect to the mail relay");
      return FALSE;
    }

  if (code == CURLE_OPERATION_TIMEDOUT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "The mail relay did not answer in time");
      return FALSE;
    }

  if (code == CURLE_ABORTED_BY_CALLBACK)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "Mail delivery was cancelled");
      return FALSE;
    }

  /* 530: the relay wants AUTH, and none was configured or it offers no mechanism we have */
  if (status == 530)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_AUTH,
                           "The mail relay asks for AUTH: set [mail] smtp_user and "
                           "smtp_password_file (status 530)");
      return FALSE;
    }

  /* An answer to MAIL, RCPT or the message: about this message, perhaps not the next */
  if (status >= 400)
    {
      g_set_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED,
                   "The mail relay answered %ld", status);
      return TRUE;
    }

  g_set_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
               "Talking to the mail relay failed: %s", curl_easy_strerror (code));
  return FALSE;
}

static CURL *
new_curl (SmtpJob      *job,
          GCancellable *cancellable)
{
  CURL *curl = curl_easy_init ();

  if (curl == NULL)
    return NULL;

  curl_easy_setopt (curl, CURLOPT_URL, job->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)SMTP_RESPONSE_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_curl_read_cb);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_curl_progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, cancellable);

  /* STARTTLS, or no mail: never CURLUSESSL_TRY, which goes on in clear when the relay
   * (or someone between) does not offer it.
   */
  curl_easy_setopt (curl, CURLOPT_USE_SSL,
                    job->tls == ALTA_MAIL_TLS_NONE ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
  curl_easy_setopt (curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (job->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, job->ca_file);

  if (job->user != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, job->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, job->password != NULL ? job->password : "");
    }

  return curl;
}

/* Sends one message on @curl's connection (curl opens it on the first message and keeps
 * it for the next). Returns %FALSE with @error when the message was not delivered;
 * @relay_failed then says whether the relay itself failed (no connection, no TLS, no
 * AUTH), so the messages after it need not be tried on this pass.
 */
static gboolean
smtp_send_one (CURL       *curl,
               SmtpJob    *job,
               Delivery   *delivery,
               gboolean   *relay_failed,
               GError    **error)
{
  g_autofree char *recipient = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  struct curl_slist *recipients = NULL;
  Upload   upload = { delivery->message, strlen (delivery->message), 0 };
  CURLcode code;
  long     status = 0;

  *relay_failed = FALSE;

  if (!is_valid_smtp_address (delivery->recipient))
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_INVALID,
                           "The recipient's address cannot be sent to");
      return FALSE;
    }

  recipient = dup_ascii_domain_address (delivery->recipient);
  mail_from = g_strconcat ("<", job->envelope_from, ">", NULL);
  rcpt_to = g_strconcat ("<", recipient, ">", NULL);
  recipients = curl_slist_append (NULL, rcpt_to);

  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt (curl, CURLOPT_READDATA, &upload);

  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, NULL);
  curl_slist_free_all (recipients);

  delivery->status = (int)status;
  g_debug ("Mail %" G_GINT64_FORMAT ": curl %d, the relay's last answer %ld",
           delivery->id, code, status);

  if (code == CURLE_OK)
    {
      delivery->sent = TRUE;
      return TRUE;
    }

  *relay_failed = !set_curl_error (error, code, status);
  return FALSE;
}

/* Delivers @job's messages over one connection, setting each one's sent and status.
 * Blocks: runs in a GTask thread, or in the caller of alta_mailer_flush_sync ().
 */
static gboolean
smtp_deliver_all (SmtpJob      *job,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (GError) first_error = NULL;
  CURL *curl = new_curl (job, cancellable);

  if (curl == NULL)
    {
      g_set_error_literal (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_PROTOCOL,
                           "Could not start curl");
      return FALSE;
    }

  for (guint i = 0; i < job->deliveries->len; i++)
    {
      Delivery *delivery = g_ptr_array_index (job->deliveries, i);
      g_autoptr (GError) local_error = NULL;
      gboolean relay_failed;

      if (smtp_send_one (curl, job, delivery, &relay_failed, &local_error))
        continue;

      /* The relay's own failure says most: why nothing more goes through */
      if (first_error == NULL || relay_failed)
        {
          g_clear_error (&first_error);
          first_error = g_steal_pointer (&local_error);
        }
      if (relay_failed)
        break;
    }

  /* Says QUIT on the connection curl kept open */
  curl_easy_cleanup (curl);

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

/* Errors the operator must fix: the relay and the configuration disagree, and nothing
 * will go through until one of them changes.
 */
static gboolean
is_setup_error (const GError *error)
{
  return g_error_matches (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_NO_STARTTLS) ||
         g_error_matches (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_AUTH) ||
         g_error_matches (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_TLS);
}

static void
report_pass (const GError *error,
             guint         failed,
             guint         count)
{
  if (failed == 0)
    return;

  if (error != NULL && is_setup_error (error))
    g_warning ("%u of %u messages stay queued: %s", failed, count, error->message);
  else if (error != NULL)
    g_message ("%u of %u messages stay queued for another try: %s", failed, count,
               error->message);
  else
    g_message ("%u of %u messages stay queued for another try", failed, count);
}

static SmtpJob *
smtp_job_new (AltaMailer *self,
              GPtrArray  *deliveries)
{
  SmtpJob *job = g_new0 (SmtpJob, 1);

  g_weak_ref_init (&job->mailer, self);
  job->url = g_strdup (self->relay_url);
  job->tls = self->tls;
  job->user = g_strdup (self->smtp_user);
  job->password = g_strdup (self->smtp_password);
  job->ca_file = g_strdup (self->ca_file);
  job->envelope_from = g_strdup (self->envelope_from);
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

  failed = record_results (self, job->deliveries);
  report_pass (error, failed, job->deliveries->len);

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

  if (self->relay_url == NULL)
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
  g_clear_pointer (&self->relay_url, g_free);
  g_clear_pointer (&self->smtp_user, g_free);
  g_clear_pointer (&self->smtp_password, free_secret);
  g_clear_pointer (&self->ca_file, g_free);
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

  /* Before any thread: curl's global state is set up once, on the main thread. */
  curl_global_init (CURL_GLOBAL_DEFAULT);
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
 * @config: the configuration: `[mail]` names the relay, how to reach it (STARTTLS, AUTH,
 *   the CA file), the sender and the retry delay
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
  if (config->smtp_url != NULL && config->smtp_url[0] != '\0')
    {
      self->relay_url = dup_relay_url (config->smtp_url, config->smtp_starttls_always,
                                       &self->tls);
    }
  else if (config->smtp_host != NULL && config->smtp_host[0] != '\0')
    {
      g_autofree char *url = NULL;
      int              port = config->smtp_port > 0 && config->smtp_port <= G_MAXUINT16
                                ? config->smtp_port
                                : 25;

      url = g_uri_join (G_URI_FLAGS_NONE, "smtp", NULL, config->smtp_host, port, "", NULL,
                        NULL);
      self->relay_url = dup_relay_url (url, config->smtp_starttls_always, &self->tls);
    }
  self->smtp_user = g_strdup (config->smtp_user);
  self->smtp_password = g_strdup (config->smtp_password);
  self->ca_file = g_strdup (config->smtp_ca_file);
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
      if (self->relay_url == NULL)
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
      report_pass (pass_error, pass_failed, count);
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
