/* test-mailer.c: composing mail, the maildir outbox, and SMTP delivery with retries
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "alta-clock.h"
#include "alta-config.h"
#include "alta-i18n.h"
#include "alta-mailer.h"
#include "alta-store.h"

#define NOW G_GINT64_CONSTANT (1764064800) /* Tue, 25 Nov 2025 10:00:00 UTC */
#define NOW_RFC5322 "Tue, 25 Nov 2025 10:00:00 +0000"
#define FROM "MyAltaMed <no-reply@myaltamed.net>"
#define RECIPIENT "ana.lopez@example.org"
#define CODE "ACDEF-GHJKL"
#define TOKEN "Qm9ndXMtdG9rZW4tZm9yLXRlc3RzLW9ubHktMDEyMzQ"
#define SUPPORT_PHONE "(844) 498-3446"

/* Helpers: reading messages back */

typedef struct
{
  GPtrArray  *names;  /* in order */
  GHashTable *values; /* name → unfolded value */
  char       *body;   /* still encoded */
} ParsedMail;

static void
parsed_mail_free (ParsedMail *mail)
{
  g_ptr_array_unref (mail->names);
  g_hash_table_unref (mail->values);
  g_free (mail->body);
  g_free (mail);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedMail, parsed_mail_free)

static void
assert_crlf_only (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_assert_true (p > text && p[-1] == '\r');
      if (*p == '\r')
        g_assert_cmpint (p[1], ==, '\n');
    }
}

static ParsedMail *
parse_mail (const char *message)
{
  ParsedMail      *mail = g_new0 (ParsedMail, 1);
  const char      *separator = strstr (message, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_auto (GStrv) lines = NULL;
  char *last_name = NULL;

  assert_crlf_only (message);
  g_assert_nonnull (separator);
  g_assert_true (g_str_has_suffix (message, "\r\n"));

  mail->names = g_ptr_array_new_with_free_func (g_free);
  mail->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  mail->body = g_strdup (separator + 4);

  head = g_strndup (message, separator - message);
  lines = g_strsplit (head, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *colon;

      /* RFC 5322: at most 78 characters a line, by choice; all ASCII */
      g_assert_cmpuint (strlen (line), <=, 78);
      for (const char *p = line; *p != '\0'; p++)
        g_assert_true (*p >= 0x20 && *p < 0x7f);

      if (line[0] == ' ' || line[0] == '\t')
        {
          char *value;

          g_assert_nonnull (last_name);
          value = g_strconcat (g_hash_table_lookup (mail->values, last_name), line, NULL);
          g_hash_table_insert (mail->values, g_strdup (last_name), value);
          continue;
        }

      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      g_assert_cmpint (colon[1], ==, ' ');
      last_name = g_strndup (line, colon - line);
      g_assert_false (g_hash_table_contains (mail->values, last_name));
      g_ptr_array_add (mail->names, last_name);
      g_hash_table_insert (mail->values, g_strdup (last_name), g_strdup (colon + 2));
    }

  return mail;
}

static const char *
header (ParsedMail *mail,
        const char *name)
{
  return g_hash_table_lookup (mail->values, name);
}

/* RFC 2047 B encoded-words; whitespace between two of them does not count. */
static char *
decode_header (const char *value)
{
  GString    *out = g_string_new (NULL);
  const char *p = value;
  gboolean    after_word = FALSE;

  while (*p != '\0')
    {
      if (g_str_has_prefix (p, "=?UTF-8?B?"))
        {
          const char        *start = p + strlen ("=?UTF-8?B?");
          const char        *end = strstr (start, "?=");
          g_autofree char   *base64 = NULL;
          g_autofree guchar *bytes = NULL;
          gsize              length;

          g_assert_nonnull (end);
          g_assert_cmpint (end + 2 - p, <=, 75);
          base64 = g_strndup (start, end - start);
          bytes = g_base64_decode (base64, &length);
          g_string_append_len (out, (const char *)bytes, length);
          p = end + 2;
          after_word = TRUE;
          continue;
        }

      if (after_word && (*p == ' ' || *p == '\t'))
        {
          const char *next = p;

          while (*next == ' ' || *next == '\t')
            next++;
          if (g_str_has_prefix (next, "=?UTF-8?B?"))
            {
              p = next;
              continue;
            }
        }

      after_word = FALSE;
      g_string_append_c (out, *p++);
    }

  g_assert_true (g_utf8_validate (out->str, -1, NULL));
  return g_string_free (out, FALSE);
}

/* A strict quoted-printable decoder: it fails on what RFC 2045 does not allow. */
static char *
decode_quoted_printable (const char *text)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      const char *line = lines[i];
      gsize       length = strlen (line);
      gboolean    soft = length > 0 && line[length - 1] == '=';

      g_assert_cmpuint (length, <=, 76);
      if (length > 0)
        {
          g_assert_cmpint (line[length - 1], !=, ' ');
          g_assert_cmpint (line[length - 1], !=, '\t');
        }

      for (gsize j = 0; j < length - (soft ? 1 : 0); j++)
        {
          g_assert_true (line[j] == ' ' || line[j] == '\t' ||
                         (line[j] > 0x20 && line[j] < 0x7f));
          if (line[j] == '=')
            {
              g_assert_true (g_ascii_isxdigit (line[j + 1]) && g_ascii_isxdigit (line[j + 2]));
              g_assert_false (g_ascii_islower (line[j + 1]) || g_ascii_islower (line[j + 2]));
              g_string_append_c (out, (char)(g_ascii_xdigit_value (line[j + 1]) * 16 +
                                             g_ascii_xdigit_value (line[j + 2])));
              j += 2;
            }
          else
            {
              g_string_append_c (out, line[j]);
            }
        }

      if (!soft)
        g_string_append_c (out, '\n');
    }

  g_assert_true (g_utf8_validate (out->str, -1, NULL));
  return g_string_free (out, FALSE);
}

static void
assert_headers (ParsedMail *mail,
                const char *language,
                const char *subject_msgid)
{
  static const char *expected_names[] = {
    "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Content-Language", "Auto-Submitted"
  };
  g_autofree char *subject = decode_header (header (mail, "Subject"));
  const char      *expected_subject = alta_i18n_gettext (language, subject_msgid);
  g_autoptr (GRegex) message_id = g_regex_new ("^<[0-9a-f]{32}@myaltamed\\.net>$", 0, 0, NULL);

  /* Nothing about the patient but the address it goes to */
  g_assert_cmpuint (mail->names->len, ==, G_N_ELEMENTS (expected_names));
  for (guint i = 0; i < G_N_ELEMENTS (expected_names); i++)
    g_assert_cmpstr (g_ptr_array_index (mail->names, i), ==, expected_names[i]);

  g_assert_cmpstr (header (mail, "Date"), ==, NOW_RFC5322);
  g_assert_cmpstr (header (mail, "From"), ==, FROM);
  g_assert_cmpstr (header (mail, "To"), ==, RECIPIENT);
  g_assert_cmpstr (subject, ==, expected_subject);
  if (g_str_is_ascii (expected_subject))
    g_assert_cmpstr (header (mail, "Subject"), ==, expected_subject);
  else
    g_assert_true (g_str_has_prefix (header (mail, "Subject"), "=?UTF-8?B?"));
  g_assert_true (g_regex_match (message_id, header (mail, "Message-ID"), 0, NULL));
  g_assert_cmpstr (header (mail, "MIME-Version"), ==, "1.0");
  g_assert_cmpstr (header (mail, "Content-Type"), ==, "text/plain; charset=UTF-8");
  g_assert_cmpstr (header (mail, "Content-Transfer-Encoding"), ==, "quoted-printable");
  g_assert_cmpstr (header (mail, "Content-Language"), ==, language);
}

/* Composing */

static void
test_compose_activation_code (gconstpointer data)
{
  const char      *language = data;
  const char      *expires_on = g_str_equal (language, "es") ? "9 de diciembre de 2025"
                                                             : "December 9, 2025";
  g_autofree char *message = NULL;
  g_autofree char *again = NULL;
  g_autofree char *body = NULL;
  g_autoptr (ParsedMail) mail = NULL;
  g_autoptr (ParsedMail) other = NULL;

  message = alta_mail_compose_activation_code (language, FROM, RECIPIENT, CODE, expires_on, NOW);
  mail = parse_mail (message);
  assert_headers (mail, language, "Your MyAltaMed activation code");

  body = decode_quoted_printable (mail->body);
  g_assert_nonnull (strstr (body, "\n    " CODE "\n"));
  g_assert_nonnull (strstr (body, SUPPORT_PHONE));
  g_assert_nonnull (strstr (body, expires_on));
  g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "Hello,")));
  g_assert_null (strstr (body, RECIPIENT));

  /* Every message has an identifier of its own. */
  again = alta_mail_compose_activation_code (language, FROM, RECIPIENT, CODE, expires_on, NOW);
  other = parse_mail (again);
  g_assert_cmpstr (header (mail, "Message-ID"), !=, header (other, "Message-ID"));
}

static void
test_compose_password_reset (gconstpointer data)
{
  const char      *language = data;
  g_autofree char *message = NULL;
  g_autofree char *body = NULL;
  g_autoptr (ParsedMail) mail = NULL;

  message = alta_mail_compose_password_reset (language, FROM, RECIPIENT, TOKEN, NOW);
  mail = parse_mail (message);
  assert_headers (mail, language, "Reset your MyAltaMed password");

  body = decode_quoted_printable (mail->body);
  g_assert_nonnull (strstr (body, "\n    " TOKEN "\n"));
  g_assert_nonnull (strstr (body, SUPPORT_PHONE));
  g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "The code is valid for 1 hour and works only once.")));
  g_assert_null (strstr (body, RECIPIENT));
}

static void
test_compose_encoded_words (void)
{
  const char      *from = "Clínica Comunitaria Ñandú de Pruebas, con un nombre muy largo "
                          "<avisos@clinica.example>";
  g_autofree char *message = NULL;
  g_autofree char *decoded = NULL;
  g_autoptr (ParsedMail) mail = NULL;

  message = alta_mail_compose_password_reset ("en", from, RECIPIENT, TOKEN, NOW);
  mail = parse_mail (message);

  g_assert_true (g_str_has_prefix (header (mail, "From"), "=?UTF-8?B?"));
  decoded = decode_header (header (mail, "From"));
  g_assert_cmpstr (decoded, ==, from);
  g_assert_true (g_str_has_suffix (header (mail, "Message-ID"), "@clinica.example>"));
}

static void
test_compose_international_addresses (void)
{
  g_autofree char *message = NULL;
  g_autoptr (ParsedMail) mail = NULL;

  /* The domain's ASCII form keeps the header ASCII */
  message = alta_mail_compose_password_reset ("es", FROM, "ana@clínica.example", TOKEN, NOW);
  mail = parse_mail (message);
  g_assert_cmpstr (header (mail, "To"), ==, "ana@xn--clnica-4va.example");

  /* A local part has no ASCII form: it stays UTF-8 (RFC 6532). */
  g_clear_pointer (&message, g_free);
  message = alta_mail_compose_password_reset ("es", FROM, "josé@example.org", TOKEN, NOW);
  assert_crlf_only (message);
  g_assert_nonnull (strstr (message, "\r\nTo: josé@example.org\r\n"));
}

static void
test_compose_dates (void)
{
  g_autofree char *message = NULL;
  g_autoptr (ParsedMail) mail = NULL;

  message = alta_mail_compose_password_reset ("en", FROM, RECIPIENT, TOKEN, 0);
  mail = parse_mail (message);
  g_assert_cmpstr (header (mail, "Date"), ==, "Thu, 01 Jan 1970 00:00:00 +0000");

  g_clear_pointer (&message, g_free);
  g_clear_pointer (&mail, parsed_mail_free);
  message = alta_mail_compose_password_reset ("en", FROM, RECIPIENT, TOKEN,
                                              G_GINT64_CONSTANT (1709210096));
  mail = parse_mail (message);
  g_assert_cmpstr (header (mail, "Date"), ==, "Thu, 29 Feb 2024 12:34:56 +0000");
}

/* A fake SMTP relay, in a thread of its own so a blocking flush can talk to it */

typedef struct
{
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  GSocketService *service;
  guint16         port;

  GMutex          lock;
  GCond           cond;
  gboolean        ready;

  /* Under the lock */
  GPtrArray      *messages; /* the DATA received and accepted, unstuffed */
  GPtrArray      *recipients;
  int             rcpt_reply; /* 0: 250 */
  int             data_reply; /* 0: 250 */
  guint           sessions;
  guint           quits;
} FakeSmtp;

static void
fake_smtp_send (GOutputStream *output,
                const char    *text)
{
  g_output_stream_write_all (output, text, strlen (text), NULL, NULL, NULL);
}

static int
fake_smtp_get_reply (FakeSmtp *fake,
                     int      *setting)
{
  int reply;

  g_mutex_lock (&fake->lock);
  reply = *setting != 0 ? *setting : 250;
  g_mutex_unlock (&fake->lock);

  return reply;
}

static gboolean
on_fake_smtp_incoming_cb (GSocketService    *service,
                          GSocketConnection *connection,
                          GObject           *source_object,
                          gpointer           user_data)
{
  FakeSmtp      *fake = user_data;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr (GDataInputStream) input = NULL;
  g_autofree char *recipient = NULL;
  gboolean         in_transaction = FALSE;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  /* Lines end in CRLF: a bare LF would stay inside a line and fail the checks below. */
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  g_mutex_lock (&fake->lock);
  fake->sessions++;
  g_mutex_unlock (&fake->lock);

  /* Multi-line replies, to check the client reads them whole */
  fake_smtp_send (output, "220-fake.example ESMTP\r\n220 ready\r\n");

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (input, NULL, NULL, NULL);

      if (line == NULL)
        break;

      g_assert_null (strchr (line, '\n'));

      if (g_str_has_prefix (line, "EHLO "))
        {
          fake_smtp_send (output, "250-fake.example greets you\r\n250-8BITMIME\r\n"
                                  "250-SMTPUTF8\r\n250 HELP\r\n");
        }
      else if (g_str_has_prefix (line, "MAIL FROM:<"))
        {
          g_assert_true (g_str_equal (line, "MAIL FROM:<no-reply@myaltamed.net>") ||
                         g_str_equal (line, "MAIL FROM:<no-reply@myaltamed.net> SMTPUTF8"));
          in_transaction = TRUE;
          fake_smtp_send (output, "250 2.1.0 Ok\r\n");
        }
      else if (g_str_has_prefix (line, "RCPT TO:<") && g_str_has_suffix (line, ">"))
        {
          int              reply = fake_smtp_get_reply (fake, &fake->rcpt_reply);
          g_autofree char *text = NULL;

          g_assert_true (in_transaction);
          if (reply == 250)
            {
              g_free (recipient);
              recipient = g_strndup (line + 9, strlen (line) - 10);
            }
          text = g_strdup_printf ("%d %s\r\n", reply,
                                  reply == 250 ? "2.1.5 Ok" : "4.7.1 Try again later");
          fake_smtp_send (output, text);
        }
      else if (g_str_equal (line, "DATA"))
        {
          GString         *data = g_string_new (NULL);
          g_autofree char *text = NULL;
          int              reply;

          g_assert_nonnull (recipient);
          fake_smtp_send (output, "354 End data with <CR><LF>.<CR><LF>\r\n");
          for (;;)
            {
              g_autofree char *data_line = g_data_input_stream_read_line (input, NULL, NULL,
                                                                          NULL);

              g_assert_nonnull (data_line);
              if (g_str_equal (data_line, "."))
                break;
              g_string_append (data, data_line[0] == '.' ? data_line + 1 : data_line);
              g_string_append (data, "\r\n");
            }

          reply = fake_smtp_get_reply (fake, &fake->data_reply);
          g_mutex_lock (&fake->lock);
          if (reply == 250)
            {
              g_ptr_array_add (fake->messages, g_string_free (data, FALSE));
              g_ptr_array_add (fake->recipients, g_steal_pointer (&recipient));
            }
          else
            {
              g_string_free (data, TRUE);
            }
          g_mutex_unlock (&fake->lock);

          text = g_strdup_printf ("%d %s\r\n", reply,
                                  reply == 250 ? "2.0.0 Ok: queued" : "4.3.0 Try again later");
          fake_smtp_send (output, text);
          in_transaction = FALSE;
          g_clear_pointer (&recipient, g_free);
        }
      else if (g_str_equal (line, "RSET"))
        {
          in_transaction = FALSE;
          g_clear_pointer (&recipient, g_free);
          fake_smtp_send (output, "250 2.0.0 Ok\r\n");
        }
      else if (g_str_equal (line, "QUIT"))
        {
          g_mutex_lock (&fake->lock);
          fake->quits++;
          g_mutex_unlock (&fake->lock);
          fake_smtp_send (output, "221 2.0.0 Bye\r\n");
          break;
        }
      else
        {
          fake_smtp_send (output, "500 5.5.2 Error: command not recognized\r\n");
        }
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static gpointer
fake_smtp_thread (gpointer user_data)
{
  FakeSmtp *fake = user_data;
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  g_main_context_push_thread_default (fake->context);

  fake->service = g_socket_service_new ();
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_listener_add_address (G_SOCKET_LISTENER (fake->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (fake->service, "incoming", G_CALLBACK (on_fake_smtp_incoming_cb), fake);
  g_socket_service_start (fake->service);

  g_mutex_lock (&fake->lock);
  fake->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  fake->ready = TRUE;
  g_cond_signal (&fake->cond);
  g_mutex_unlock (&fake->lock);

  g_main_loop_run (fake->loop);

  g_socket_service_stop (fake->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fake->service));
  g_clear_object (&fake->service);
  g_main_context_pop_thread_default (fake->context);

  return NULL;
}

static FakeSmtp *
fake_smtp_new (void)
{
  FakeSmtp *fake = g_new0 (FakeSmtp, 1);

  g_mutex_init (&fake->lock);
  g_cond_init (&fake->cond);
  fake->messages = g_ptr_array_new_with_free_func (g_free);
  fake->recipients = g_ptr_array_new_with_free_func (g_free);
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  fake->thread = g_thread_new ("fake-smtp", fake_smtp_thread, fake);

  g_mutex_lock (&fake->lock);
  while (!fake->ready)
    g_cond_wait (&fake->cond, &fake->lock);
  g_mutex_unlock (&fake->lock);

  return fake;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
fake_smtp_free (FakeSmtp *fake)
{
  g_main_context_invoke (fake->context, quit_loop_cb, fake->loop);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_ptr_array_unref (fake->messages);
  g_ptr_array_unref (fake->recipients);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->cond);
  g_free (fake);
}

static guint
fake_smtp_count (FakeSmtp *fake)
{
  guint count;

  g_mutex_lock (&fake->lock);
  count = fake->messages->len;
  g_mutex_unlock (&fake->lock);

  return count;
}

static void
fake_smtp_set_replies (FakeSmtp *fake,
                       int       rcpt_reply,
                       int       data_reply)
{
  g_mutex_lock (&fake->lock);
  fake->rcpt_reply = rcpt_reply;
  fake->data_reply = data_reply;
  g_mutex_unlock (&fake->lock);
}

/* The fixture: a data folder, a real store and a movable clock */

typedef struct
{
  char       *data_dir;
  char       *clock_file;
  AltaStore  *store;
  AltaConfig *config;
  FakeSmtp   *smtp;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autofree char *db_path = NULL;
  g_autoptr (GError) error = NULL;

  fixture->data_dir = g_build_filename (g_get_user_data_dir (), "portald", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);

  fixture->clock_file = g_build_filename (fixture->data_dir, "clock-offset", NULL);
  alta_clock_set_offset_file (fixture->clock_file);

  db_path = g_build_filename (fixture->data_dir, "portal.db", NULL);
  fixture->store = alta_store_open (db_path, &error);
  g_assert_no_error (error);

  fixture->config = alta_config_new_default ();
  fixture->config->mail_retry_s = 60;
  if (GPOINTER_TO_INT (data))
    {
      fixture->smtp = fake_smtp_new ();
      fixture->config->smtp_host = g_strdup ("127.0.0.1");
      fixture->config->smtp_port = fixture->smtp->port;
    }
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_clear_pointer (&fixture->smtp, fake_smtp_free);
  alta_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->config, alta_config_free);
  alta_clock_set_offset_file (NULL);
  g_free (fixture->clock_file);
  g_free (fixture->data_dir);
}

static void
move_clock (Fixture *fixture,
            gint64   offset_s)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT "\n", offset_s);
  g_autoptr (GError) error = NULL;

  /* The clock re-reads the file when its modification time changes. */
  g_usleep (10000);
  g_file_set_contents (fixture->clock_file, text, -1, &error);
  g_assert_no_error (error);
}

static void
enqueue (Fixture    *fixture,
         const char *message)
{
  g_autoptr (GError) error = NULL;

  alta_store_enqueue_mail (fixture->store, RECIPIENT, message, alta_clock_now (), &error);
  g_assert_no_error (error);
}

static GPtrArray *
list_queue (Fixture *fixture,
            gint64   at)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *mails = alta_store_list_due_mail (fixture->store, at, 1000, &error);

  g_assert_no_error (error);
  return mails;
}

static guint
count_queued (Fixture *fixture)
{
  g_autoptr (GPtrArray) mails = list_queue (fixture, G_MAXINT64 / 2);

  return mails->len;
}

static int
queued_attempts (Fixture *fixture)
{
  g_autoptr (GPtrArray) mails = list_queue (fixture, G_MAXINT64 / 2);
  AltaQueuedMail *mail;

  g_assert_cmpuint (mails->len, ==, 1);
  mail = g_ptr_array_index (mails, 0);
  return mail->attempts;
}

static char *
compose_some_mail (guint i)
{
  if (i % 2 == 0)
    return alta_mail_compose_activation_code (i % 4 == 0 ? "en" : "es", FROM, RECIPIENT, CODE,
                                              "December 9, 2025", alta_clock_now ());

  return alta_mail_compose_password_reset ("en", FROM, RECIPIENT, TOKEN, alta_clock_now ());
}

static GPtrArray *
read_folder (Fixture    *fixture,
             const char *name)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "outbox", name, NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray  *messages = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, entry, NULL);
      char            *text = NULL;

      g_assert_false (g_str_has_prefix (entry, "."));
      g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
      g_ptr_array_add (messages, text);
    }

  return messages;
}

static gboolean
contains_string (GPtrArray  *strings,
                 const char *text)
{
  for (guint i = 0; i < strings->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (strings, i), text))
        return TRUE;
    }

  return FALSE;
}

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done says so, for ten seconds at most. */
static void
run_until (gboolean (*done) (Fixture *fixture),
           Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint  wake_up_id = g_timeout_add (10, wake_up_cb, NULL);

  while (!done (fixture))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake_up_id);
}

/* The maildir outbox */

static void
test_maildir_flush (Fixture      *fixture,
                    gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autoptr (GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) delivered = NULL;
  g_autoptr (GPtrArray) tmp = NULL;
  g_autoptr (GPtrArray) cur = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_ptr_array_add (sent, compose_some_mail (i));
      enqueue (fixture, g_ptr_array_index (sent, i));
    }

  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);

  delivered = read_folder (fixture, "new");
  tmp = read_folder (fixture, "tmp");
  cur = read_folder (fixture, "cur");
  g_assert_cmpuint (delivered->len, ==, 3);
  g_assert_cmpuint (tmp->len, ==, 0);
  g_assert_cmpuint (cur->len, ==, 0);
  for (guint i = 0; i < sent->len; i++)
    g_assert_true (contains_string (delivered, g_ptr_array_index (sent, i)));
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* Nothing left: a second flush delivers nothing more. */
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_clear_pointer (&delivered, g_ptr_array_unref);
  delivered = read_folder (fixture, "new");
  g_assert_cmpuint (delivered->len, ==, 3);
}

static gboolean
queue_is_empty (Fixture *fixture)
{
  return count_queued (fixture) == 0;
}

static void
test_maildir_kick (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autoptr (GPtrArray) delivered = NULL;
  g_autofree char *message = compose_some_mail (0);

  enqueue (fixture, message);
  alta_mailer_kick (mailer);
  alta_mailer_kick (mailer);
  run_until (queue_is_empty, fixture);

  delivered = read_folder (fixture, "new");
  g_assert_cmpuint (delivered->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (delivered, 0), ==, message);
}

static void
test_maildir_unwritable (Fixture      *fixture,
                         gconstpointer data)
{
  g_autofree char *outbox = g_build_filename (fixture->data_dir, "outbox", NULL);
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autoptr (GPtrArray) delivered = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = compose_some_mail (1);

  /* A file where the outbox folder should be: delivery fails, the mail stays queued. */
  g_assert_true (g_file_set_contents (outbox, "", 0, NULL));
  enqueue (fixture, message);
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (queued_attempts (fixture), ==, 1);

  g_assert_cmpint (g_unlink (outbox), ==, 0);
  move_clock (fixture, 61);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_queued (fixture), ==, 0);
  delivered = read_folder (fixture, "new");
  g_assert_cmpuint (delivered->len, ==, 1);
}

/* SMTP */

static void
test_smtp_flush (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autoptr (GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *outbox = g_build_filename (fixture->data_dir, "outbox", NULL);

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (sent, compose_some_mail (i));
  /* Lines that start with a dot must come through whole (dot-stuffing). */
  g_ptr_array_add (sent, g_strdup ("From: " FROM "\r\nTo: " RECIPIENT "\r\nSubject: dots\r\n"
                                   "\r\n.\r\n..two\r\n. three\r\nlast\r\n"));
  for (guint i = 0; i < sent->len; i++)
    enqueue (fixture, g_ptr_array_index (sent, i));

  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, sent->len);
  for (guint i = 0; i < sent->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (fixture->smtp->messages, i), ==,
                       g_ptr_array_index (sent, i));
      g_assert_cmpstr (g_ptr_array_index (fixture->smtp->recipients, i), ==, RECIPIENT);
    }
  g_assert_cmpuint (fixture->smtp->sessions, ==, 1);
  g_assert_cmpuint (fixture->smtp->quits, ==, 1);
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* An international address goes out with SMTPUTF8, the domain in its ASCII form. */
  alta_store_enqueue_mail (fixture->store, "josé@clínica.example", g_ptr_array_index (sent, 0),
                           alta_clock_now (), &error);
  g_assert_no_error (error);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, sent->len + 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->smtp->recipients, sent->len), ==,
                   "josé@xn--clnica-4va.example");
  g_assert_cmpuint (fixture->smtp->sessions, ==, 2);
  g_assert_cmpuint (fixture->smtp->quits, ==, 2);
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* With a relay, nothing goes to the outbox. */
  g_assert_false (g_file_test (outbox, G_FILE_TEST_EXISTS));
}

static gboolean
fake_smtp_has_two (Fixture *fixture)
{
  return fake_smtp_count (fixture->smtp) == 2 && count_queued (fixture) == 0;
}

static void
test_smtp_kick (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autofree char *first = compose_some_mail (0);
  g_autofree char *second = compose_some_mail (1);

  enqueue (fixture, first);
  alta_mailer_start (mailer);
  alta_mailer_kick (mailer);

  /* Kicked while a pass may be running: a later pass takes it. */
  enqueue (fixture, second);
  alta_mailer_kick (mailer);

  run_until (fake_smtp_has_two, fixture);
  g_assert_cmpstr (g_ptr_array_index (fixture->smtp->messages, 0), ==, first);
  g_assert_cmpstr (g_ptr_array_index (fixture->smtp->messages, 1), ==, second);
}

static void
test_smtp_temporary_failure (Fixture      *fixture,
                             gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autofree char *message = compose_some_mail (2);
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (GError) error = NULL;
  gint64 before;
  gint64 after;

  enqueue (fixture, message);

  /* 451 to RCPT: kept, tried again after mail_retry_s */
  fake_smtp_set_replies (fixture->smtp, 451, 0);
  before = alta_clock_now ();
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  after = alta_clock_now ();
  g_assert_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED);
  g_assert_null (strstr (error->message, RECIPIENT));
  g_clear_error (&error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, 0);
  g_assert_cmpint (queued_attempts (fixture), ==, 1);
  due = list_queue (fixture, before + 60 - 1);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = list_queue (fixture, after + 60);
  g_assert_cmpuint (due->len, ==, 1);
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Not due yet: a flush leaves it alone. */
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (queued_attempts (fixture), ==, 1);

  /* 451 after the data: the delay doubles. */
  fake_smtp_set_replies (fixture->smtp, 0, 451);
  move_clock (fixture, 61);
  before = alta_clock_now ();
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  after = alta_clock_now ();
  g_assert_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, 0);
  g_assert_cmpint (queued_attempts (fixture), ==, 2);
  due = list_queue (fixture, before + 120 - 1);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = list_queue (fixture, after + 120);
  g_assert_cmpuint (due->len, ==, 1);

  /* The relay takes it on a later pass. */
  fake_smtp_set_replies (fixture->smtp, 0, 0);
  move_clock (fixture, 61 + 121);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->smtp->messages, 0), ==, message);
  g_assert_cmpuint (count_queued (fixture), ==, 0);
}

static guint16
get_closed_port (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);

  return port;
}

static gboolean
first_attempt_failed (Fixture *fixture)
{
  return queued_attempts (fixture) == 1;
}

static void
test_smtp_connection_refused (Fixture      *fixture,
                              gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = NULL;
  g_autoptr (AltaMailer) later = NULL;
  g_autofree char *message = compose_some_mail (3);
  g_autoptr (GError) error = NULL;
  guint16 relay_port = fixture->config->smtp_port;

  /* Nobody listens: the pass on the main loop fails, the mail stays queued. */
  fixture->config->smtp_port = get_closed_port ();
  mailer = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  enqueue (fixture, message);
  alta_mailer_kick (mailer);
  run_until (first_attempt_failed, fixture);

  /* The blocking flush says why */
  move_clock (fixture, 61);
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (queued_attempts (fixture), ==, 2);
  g_clear_object (&mailer);

  /* Once the relay answers, a later pass delivers it. */
  fixture->config->smtp_port = relay_port;
  later = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  move_clock (fixture, 61 + 121);
  g_assert_true (alta_mailer_flush_sync (later, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->smtp->messages, 0), ==, message);
  g_assert_cmpuint (count_queued (fixture), ==, 0);
}

static void
test_smtp_flush_during_pass (Fixture      *fixture,
                             gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autofree char *message = compose_some_mail (0);
  g_autoptr (GError) error = NULL;

  /* A flush waits for the pass already running, so the mail goes out once. */
  enqueue (fixture, message);
  alta_mailer_kick (mailer);
  g_main_context_iteration (NULL, FALSE);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_smtp_count (fixture->smtp), ==, 1);
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* Dropping the mailer during a pass leaves the queue alone: the pass's end, when it
   * comes, finds no mailer and touches nothing.
   */
  enqueue (fixture, message);
  alta_mailer_kick (mailer);
  g_main_context_iteration (NULL, FALSE);
  g_clear_object (&mailer);
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpuint (count_queued (fixture), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  /* Load the Spanish catalog (built from po/es.po) before g_test_init () makes warnings
   * fatal: without it the mail is in English, which alta-i18n says once, and these tests
   * compare against whatever the catalog holds.
   */
  alta_i18n_gettext ("es", "Hello,");

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/mailer/compose/activation-code/en", "en", test_compose_activation_code);
  g_test_add_data_func ("/mailer/compose/activation-code/es", "es", test_compose_activation_code);
  g_test_add_data_func ("/mailer/compose/password-reset/en", "en", test_compose_password_reset);
  g_test_add_data_func ("/mailer/compose/password-reset/es", "es", test_compose_password_reset);
  g_test_add_func ("/mailer/compose/encoded-words", test_compose_encoded_words);
  g_test_add_func ("/mailer/compose/international-addresses",
                   test_compose_international_addresses);
  g_test_add_func ("/mailer/compose/dates", test_compose_dates);

  g_test_add ("/mailer/maildir/flush", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_maildir_flush, fixture_tear_down);
  g_test_add ("/mailer/maildir/kick", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_maildir_kick, fixture_tear_down);
  g_test_add ("/mailer/maildir/unwritable", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_maildir_unwritable, fixture_tear_down);

  g_test_add ("/mailer/smtp/flush", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_smtp_flush, fixture_tear_down);
  g_test_add ("/mailer/smtp/kick", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_smtp_kick, fixture_tear_down);
  g_test_add ("/mailer/smtp/temporary-failure", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_smtp_temporary_failure, fixture_tear_down);
  g_test_add ("/mailer/smtp/connection-refused", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_smtp_connection_refused, fixture_tear_down);
  g_test_add ("/mailer/smtp/flush-during-pass", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_smtp_flush_during_pass, fixture_tear_down);

  return g_test_run ();
}
