/* test-mailer.c: composing mail, the maildir outbox, and SMTP delivery with retries,
 * STARTTLS and AUTH against a real local relay (aiosmtpd, tests/mail/smtp-relay.py)
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
#define RELAY_USER "portald"
#define RELAY_PASSWORD "correct horse battery staple"
#define WRONG_PASSWORD "wrong password"
#define PYTHON "/usr/bin/python3" /* Debian's, which has aiosmtpd */

/* Helpers: reading messages back */

typedef struct
{
  GPtrArray  *names;  /* in order */
  GHashTable *values; /* lower-case name → unfolded value */
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
        g_assert_true ((*p >= 0x20 && *p < 0x7f) || *p == '\t');

      if (line[0] == ' ' || line[0] == '\t')
        {
          char *value;

          g_assert_nonnull (last_name);
          value = g_strconcat (g_hash_table_lookup (mail->values, last_name), " ",
                               line + 1, NULL);
          g_hash_table_insert (mail->values, g_strdup (last_name), value);
          continue;
        }

      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      g_assert_cmpint (colon[1], ==, ' ');
      last_name = g_ascii_strdown (line, colon - line);
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
  g_autofree char *key = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (mail->values, key);
}

/* The text of one RFC 2047 encoded-word, B or Q, which must be in UTF-8. */
static void
append_encoded_word (GString    *out,
                     const char *encoding,
                     const char *text,
                     gsize       length)
{
  g_autofree char *encoded = g_strndup (text, length);

  if (g_ascii_strcasecmp (encoding, "B") == 0)
    {
      g_autofree guchar *bytes = NULL;
      gsize              decoded_length;

      bytes = g_base64_decode (encoded, &decoded_length);
      g_string_append_len (out, (const char *)bytes, decoded_length);
      return;
    }

  g_assert_cmpint (g_ascii_strcasecmp (encoding, "Q"), ==, 0);
  for (const char *p = encoded; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          g_string_append_c (out, ' ');
        }
      else if (*p == '=')
        {
          g_assert_true (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]));
          g_string_append_c (out, (char)(g_ascii_xdigit_value (p[1]) * 16 +
                                         g_ascii_xdigit_value (p[2])));
          p += 2;
        }
      else
        {
          g_assert_true (*p > 0x20 && *p < 0x7f && *p != '?');
          g_string_append_c (out, *p);
        }
    }
}

/* RFC 2047 encoded-words, each at most 75 characters; whitespace between two of them
 * does not count. Quoted strings lose their quotes (for display names).
 */
static char *
decode_header (const char *value)
{
  g_autoptr (GRegex) word = g_regex_new ("^=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=", 0, 0, NULL);
  GString    *out = g_string_new (NULL);
  const char *p = value;
  gboolean    after_word = FALSE;

  while (*p != '\0')
    {
      g_autoptr (GMatchInfo) match = NULL;

      if (g_regex_match (word, p, 0, &match))
        {
          g_autofree char *charset = g_match_info_fetch (match, 1);
          g_autofree char *encoding = g_match_info_fetch (match, 2);
          g_autofree char *text = g_match_info_fetch (match, 3);
          g_autofree char *whole = g_match_info_fetch (match, 0);

          g_assert_cmpstr (charset, ==, "UTF-8");
          g_assert_cmpuint (strlen (whole), <=, 75);
          append_encoded_word (out, encoding, text, strlen (text));
          p += strlen (whole);
          after_word = TRUE;
          continue;
        }

      if (after_word && (*p == ' ' || *p == '\t'))
        {
          const char *next = p;

          while (*next == ' ' || *next == '\t')
            next++;
          if (g_str_has_prefix (next, "=?"))
            {
              p = next;
              continue;
            }
        }

      after_word = FALSE;
      if (*p != '"')
        g_string_append_c (out, *p);
      p++;
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
  /* Nothing about the patient but the address it goes to; the order is GMime's */
  static const char *expected_names[] = {
    "date", "from", "to", "subject", "message-id", "mime-version", "content-type",
    "content-transfer-encoding", "content-language", "auto-submitted"
  };
  g_autofree char *subject = decode_header (header (mail, "Subject"));
  const char      *expected_subject = alta_i18n_gettext (language, subject_msgid);
  g_autoptr (GRegex) message_id = g_regex_new ("^<[0-9a-f]{32}@myaltamed\\.net>$", 0, 0, NULL);

  g_assert_cmpuint (mail->names->len, ==, G_N_ELEMENTS (expected_names));
  for (guint i = 0; i < G_N_ELEMENTS (expected_names); i++)
    g_assert_nonnull (header (mail, expected_names[i]));

  g_assert_cmpstr (header (mail, "Date"), ==, NOW_RFC5322);
  g_assert_cmpstr (header (mail, "From"), ==, FROM);
  g_assert_cmpstr (header (mail, "To"), ==, RECIPIENT);
  g_assert_cmpstr (subject, ==, expected_subject);
  /* Only the words that need it are encoded. */
  if (g_str_is_ascii (expected_subject))
    g_assert_cmpstr (header (mail, "Subject"), ==, expected_subject);
  else
    g_assert_nonnull (strstr (header (mail, "Subject"), "=?UTF-8?"));
  g_assert_true (g_regex_match (message_id, header (mail, "Message-ID"), 0, NULL));
  g_assert_cmpstr (header (mail, "MIME-Version"), ==, "1.0");
  g_assert_cmpstr (header (mail, "Content-Type"), ==, "text/plain; charset=UTF-8");
  g_assert_cmpstr (header (mail, "Content-Transfer-Encoding"), ==, "quoted-printable");
  g_assert_cmpstr (header (mail, "Content-Language"), ==, language);
  g_assert_cmpstr (header (mail, "Auto-Submitted"), ==, "auto-generated");

  /* Spanish mail is in Spanish */
  if (g_str_equal (language, "es"))
    g_assert_cmpstr (expected_subject, !=, subject_msgid);
}

/* What a mail that anyone sharing the inbox may read must not say: names of tests,
 * medications, clinicians and patients from the demo records, times of day, the address.
 */
static void
assert_no_health_information (const char *text)
{
  static const char *words[] = {
    "hemoglobin", "hemoglobina", "glucose", "glucosa", "platelets", "plaquetas",
    "cholesterol", "colesterol", "a1c", "leukocytes", "metformin", "lisinopril",
    "atorvastatin", "amlodipino", "levothyroxine", "penicillin", "mg", "tablet", "tableta",
    "dr", "dra", "md", "dds", "np", "kim", "delgado", "okafor", "ana", "lopez", "lópez",
    "am", "pm", "diagnosis", "diagnóstico",
  };
  g_autoptr (GRegex) time_of_day = g_regex_new ("\\b[0-9]{1,2}:[0-9]{2}\\b", 0, 0, NULL);
  g_autofree char *lower = g_utf8_strdown (text, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_autofree char *pattern = g_strdup_printf ("(?<![\\w])%s(?![\\w])", words[i]);
      g_autoptr (GRegex) regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);

      if (g_regex_match (regex, lower, 0, NULL))
        g_error ("A mail says “%s”:\n%s", words[i], text);
    }

  g_assert_false (g_regex_match (time_of_day, text, 0, NULL));
  g_assert_null (strstr (text, RECIPIENT));
}

/* The support line, the greeting and the closing, in the mail's language */
static void
assert_frame (const char *body,
              const char *language)
{
  g_assert_nonnull (strstr (body, SUPPORT_PHONE));
  g_assert_true (g_str_has_prefix (body, alta_i18n_gettext (language, "Hello,")));
  g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "Take care,\nThe MyAltaMed team")));
  g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "This message was sent "
                                                               "automatically. Please do not "
                                                               "reply to it.")));
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
  g_autofree char *subject = NULL;
  g_autoptr (ParsedMail) mail = NULL;
  g_autoptr (ParsedMail) other = NULL;

  message = alta_mail_compose_activation_code (language, FROM, RECIPIENT, CODE, expires_on, NOW);
  mail = parse_mail (message);
  assert_headers (mail, language, "Your MyAltaMed activation code");

  body = decode_quoted_printable (mail->body);
  g_assert_nonnull (strstr (body, "\n    " CODE "\n"));
  g_assert_nonnull (strstr (body, expires_on));
  assert_frame (body, language);
  assert_no_health_information (body);
  subject = decode_header (header (mail, "Subject"));
  assert_no_health_information (subject);

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
  g_autofree char *subject = NULL;
  g_autoptr (ParsedMail) mail = NULL;

  message = alta_mail_compose_password_reset (language, FROM, RECIPIENT, TOKEN, NOW);
  mail = parse_mail (message);
  assert_headers (mail, language, "Reset your MyAltaMed password");

  body = decode_quoted_printable (mail->body);
  g_assert_nonnull (strstr (body, "\n    " TOKEN "\n"));
  g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "The code is valid for 1 hour and works only once.")));
  assert_frame (body, language);
  assert_no_health_information (body);
  subject = decode_header (header (mail, "Subject"));
  assert_no_health_information (subject);
}

static const struct
{
  AltaMailNotice notice;
  const char    *subject;
  const char    *what;
} notices[] = {
  { ALTA_MAIL_NOTICE_NEW_MESSAGE, "You have a new message in MyAltaMed",
    "Your care team sent you a message in MyAltaMed." },
  { ALTA_MAIL_NOTICE_RESULT_RELEASED, "You have a new test result in MyAltaMed",
    "A new test result is ready for you in MyAltaMed." },
  { ALTA_MAIL_NOTICE_DENTAL_CONFIRMED, "Your dental appointment request was confirmed",
    "The clinic confirmed your dental appointment request. You can see the day and time "
    "in MyAltaMed, under Appointments." },
  { ALTA_MAIL_NOTICE_DENTAL_DECLINED, "News about your dental appointment request",
    "The clinic could not book your dental appointment request. You can see why in "
    "MyAltaMed, under Appointments." },
  { ALTA_MAIL_NOTICE_REFILL_COMPLETED, "Your refill request was approved",
    "The clinic approved your prescription refill request. You can see it in MyAltaMed, "
    "under Medications." },
  { ALTA_MAIL_NOTICE_REFILL_REJECTED, "News about your refill request",
    "The clinic could not approve your prescription refill request. You can see why in "
    "MyAltaMed, under Medications." },
};

static void
test_compose_notices (gconstpointer data)
{
  const char *language = data;
  g_autoptr (GHashTable) bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Every kind there is, each told apart */
  g_assert_cmpuint (G_N_ELEMENTS (notices), ==, ALTA_MAIL_NOTICE_REFILL_REJECTED + 1);

  for (guint i = 0; i < G_N_ELEMENTS (notices); i++)
    {
      g_autofree char *message = NULL;
      g_autofree char *subject = NULL;
      char            *body;
      g_autoptr (ParsedMail) mail = NULL;

      g_assert_cmpint (notices[i].notice, ==, i);
      message = alta_mail_compose_notice (language, FROM, RECIPIENT, notices[i].notice, NOW);
      mail = parse_mail (message);
      assert_headers (mail, language, notices[i].subject);

      body = decode_quoted_printable (mail->body);
      g_hash_table_add (bodies, body);
      assert_frame (body, language);
      g_assert_nonnull (strstr (body, alta_i18n_gettext (language, notices[i].what)));
      g_assert_nonnull (strstr (body, alta_i18n_gettext (language, "Sign in to MyAltaMed to "
                                                                   "read it. For your privacy, "
                                                                   "this e-mail does not say "
                                                                   "more.")));
      if (g_str_equal (language, "es"))
        g_assert_null (strstr (body, notices[i].what));
      assert_no_health_information (body);
      subject = decode_header (header (mail, "Subject"));
      assert_no_health_information (subject);
    }

  g_assert_cmpuint (g_hash_table_size (bodies), ==, G_N_ELEMENTS (notices));
}

/* The check itself finds what it looks for. */
static void
test_compose_health_check (void)
{
  if (g_test_subprocess ())
    {
      assert_no_health_information ("Dr. Kim sent your Hemoglobin result at 9:30.");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
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

  g_assert_true (g_str_has_prefix (header (mail, "From"), "=?UTF-8?"));
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

/* Where mail may go in clear */

static void
test_choose_tls (void)
{
  static const struct
  {
    const char *scheme;
    const char *host;
    gboolean    always;
    AltaMailTls tls;
  } cases[] = {
    { "smtp", "127.0.0.1", FALSE, ALTA_MAIL_TLS_NONE },
    { "smtp", "127.8.9.10", FALSE, ALTA_MAIL_TLS_NONE },
    { "smtp", "::1", FALSE, ALTA_MAIL_TLS_NONE },
    { "smtp", "localhost", FALSE, ALTA_MAIL_TLS_NONE },
    { "SMTP", "LocalHost", FALSE, ALTA_MAIL_TLS_NONE },
    { "smtp", "127.0.0.1", TRUE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "localhost", TRUE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "relay.example.org", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "localhost.example.org", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "mail-localhost", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "10.0.0.25", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "192.168.1.1", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "0.0.0.0", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "::ffff:127.0.0.1", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtp", "fe80::1", FALSE, ALTA_MAIL_TLS_STARTTLS },
    { "smtps", "127.0.0.1", FALSE, ALTA_MAIL_TLS_IMPLICIT },
    { "smtps", "relay.example.org", TRUE, ALTA_MAIL_TLS_IMPLICIT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s://%s%s", cases[i].scheme, cases[i].host,
                      cases[i].always ? " starttls=always" : "");
      g_assert_cmpint (alta_mail_choose_tls (cases[i].scheme, cases[i].host, cases[i].always),
                       ==, cases[i].tls);
    }
}

/* The [mail] settings */

static AltaConfig *
load_config (const char *text,
             GError    **error)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "portald.conf", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return alta_config_load (path, error);
}

static void
test_config_mail (void)
{
  g_autofree char *password_file = g_build_filename (g_get_user_config_dir (), "smtp-password",
                                                     NULL);
  g_autofree char *text = NULL;
  g_autoptr (AltaConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  static const char *refused[] = {
    "[mail]\nsmtp_url=http://relay.example.org\n",
    "[mail]\nsmtp_url=smtp://\n",
    "[mail]\nsmtp_url=relay.example.org:587\n",
    "[mail]\nsmtp_url=smtp://relay.example.org:587/path\n",
    "[mail]\nsmtp_url=smtp://user:secret@relay.example.org:587\n",
    "[mail]\nstarttls=sometimes\n",
    "[mail]\nsmtp_password=secret\n",
    "[mail]\nsmtp_user=u\nsmtp_password=secret\nsmtp_password_file=/nonexistent\n",
    "[mail]\nsmtp_user=u\nsmtp_password_file=/nonexistent/password\n",
  };

  /* The defaults: no relay, no AUTH, STARTTLS as the relay's address decides */
  config = load_config ("[mail]\n", &error);
  g_assert_no_error (error);
  g_assert_null (config->smtp_url);
  g_assert_null (config->smtp_user);
  g_assert_null (config->smtp_password);
  g_assert_null (config->smtp_ca_file);
  g_assert_false (config->smtp_starttls_always);
  g_clear_pointer (&config, alta_config_free);

  /* A password file's line break is not part of the password. */
  g_assert_true (g_file_set_contents (password_file, RELAY_PASSWORD "\n", -1, NULL));
  text = g_strdup_printf ("[mail]\nsmtp_url=smtp://relay.example.org:587\nstarttls=always\n"
                          "smtp_user=" RELAY_USER "\nsmtp_password_file=%s\n"
                          "ca_file=/etc/myaltamed/relay-ca.pem\n", password_file);
  config = load_config (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->smtp_url, ==, "smtp://relay.example.org:587");
  g_assert_true (config->smtp_starttls_always);
  g_assert_cmpstr (config->smtp_user, ==, RELAY_USER);
  g_assert_cmpstr (config->smtp_password, ==, RELAY_PASSWORD);
  g_assert_cmpstr (config->smtp_ca_file, ==, "/etc/myaltamed/relay-ca.pem");
  g_clear_pointer (&config, alta_config_free);

  /* Under systemd, without either key: the credential smtp-password, which is the same file
   * once the folder is $CREDENTIALS_DIRECTORY */
  g_assert_true (g_file_set_contents (password_file, RELAY_PASSWORD "-credential\n", -1, NULL));
  g_setenv ("CREDENTIALS_DIRECTORY", g_get_user_config_dir (), TRUE);
  config = load_config ("[mail]\nsmtp_url=smtp://relay.example.org:587\n"
                        "smtp_user=" RELAY_USER "\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->smtp_password, ==, RELAY_PASSWORD "-credential");
  g_clear_pointer (&config, alta_config_free);

  /* The configuration's own password wins; and no AUTH, no password */
  config = load_config ("[mail]\nsmtp_user=" RELAY_USER "\nsmtp_password=" RELAY_PASSWORD "\n",
                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->smtp_password, ==, RELAY_PASSWORD);
  g_clear_pointer (&config, alta_config_free);
  config = load_config ("[mail]\n", &error);
  g_assert_no_error (error);
  g_assert_null (config->smtp_password);
  g_clear_pointer (&config, alta_config_free);
  g_unsetenv ("CREDENTIALS_DIRECTORY");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("%s", refused[i]);
      config = load_config (refused[i], &error);
      g_assert_null (config);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
      /* The error never repeats a password */
      g_assert_null (strstr (error->message, "secret"));
      g_clear_error (&error);
    }
}

/* A real SMTP relay: aiosmtpd, run by tests/mail/smtp-relay.py on 127.0.0.1 */

typedef enum
{
  RELAY_NONE,              /* no relay: the maildir outbox */
  RELAY_PLAIN,             /* no TLS, no AUTH, as a local Postfix would be */
  RELAY_PLAIN_AUTH,        /* AUTH offered in clear, no STARTTLS */
  RELAY_STARTTLS_AUTH,     /* STARTTLS and AUTH, both required */
  RELAY_IMPLICIT_TLS_AUTH, /* TLS from the first byte, and AUTH */
} RelayKind;

typedef struct
{
  GSubprocess *process;
  char        *folder;
  guint16      port;
} Relay;

static void
run_command (const char *const *argv)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

/* A CA, and a certificate it signs for 127.0.0.1 and localhost: FOLDER/{ca,relay}.pem */
static void
make_certificates (const char *folder)
{
  g_autofree char *ca_key = g_build_filename (folder, "ca.key", NULL);
  g_autofree char *ca = g_build_filename (folder, "ca.pem", NULL);
  g_autofree char *key = g_build_filename (folder, "relay.key", NULL);
  g_autofree char *request = g_build_filename (folder, "relay.csr", NULL);
  g_autofree char *certificate = g_build_filename (folder, "relay.pem", NULL);
  g_autofree char *extensions = g_build_filename (folder, "relay.ext", NULL);
  g_autofree char *serial = g_build_filename (folder, "ca.srl", NULL);

  g_assert_true (g_file_set_contents (extensions,
                                      "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                      "basicConstraints=CA:FALSE\n"
                                      "extendedKeyUsage=serverAuth\n", -1, NULL));
  run_command ((const char *[]) {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=MyAltaMed test CA",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL });
  run_command ((const char *[]) {
    "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", request, "-subj", "/CN=localhost", NULL });
  run_command ((const char *[]) {
    "openssl", "x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key,
    "-CAserial", serial, "-CAcreateserial", "-out", certificate, "-days", "2",
    "-extfile", extensions, NULL });
}

static Relay *
relay_start (const char *folder,
             RelayKind   kind)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "mail", "smtp-relay.py", NULL);
  g_autofree char *certificate = g_build_filename (folder, "relay.pem", NULL);
  g_autofree char *key = g_build_filename (folder, "relay.key", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) output = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  Relay *relay = g_new0 (Relay, 1);

  relay->folder = g_strdup (folder);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  g_ptr_array_add (argv, (char *)PYTHON);
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, relay->folder);
  if (kind == RELAY_STARTTLS_AUTH || kind == RELAY_IMPLICIT_TLS_AUTH)
    {
      make_certificates (folder);
      g_ptr_array_add (argv, (char *)"--cert");
      g_ptr_array_add (argv, certificate);
      g_ptr_array_add (argv, (char *)"--key");
      g_ptr_array_add (argv, key);
      g_ptr_array_add (argv, kind == RELAY_STARTTLS_AUTH ? (char *)"--starttls"
                                                         : (char *)"--implicit-tls");
    }
  if (kind != RELAY_PLAIN)
    {
      g_ptr_array_add (argv, (char *)"--auth");
      g_ptr_array_add (argv, (char *)RELAY_USER ":" RELAY_PASSWORD);
    }
  g_ptr_array_add (argv, NULL);

  /* The relay exits when its standard input closes: when this test ends, however. */
  relay->process = g_subprocess_newv ((const char *const *)argv->pdata,
                                      G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay->process));
  line = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "port "));
  relay->port = (guint16)g_ascii_strtoull (line + 5, NULL, 10);
  g_assert_cmpuint (relay->port, >, 0);

  return relay;
}

static void
relay_stop (Relay *relay)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (relay->process), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (relay->process, NULL, &error);
  g_assert_no_error (error);

  g_object_unref (relay->process);
  g_free (relay->folder);
  g_free (relay);
}

/* The relay answers @reply (like "451 4.7.1 Try again later") to RCPT or to the end of
 * DATA (@step "rcpt" or "data"), or as it should when @reply is %NULL.
 */
static void
relay_set_reply (Relay      *relay,
                 const char *step,
                 const char *reply)
{
  g_autofree char *name = g_strconcat (step, "-reply", NULL);
  g_autofree char *path = g_build_filename (relay->folder, name, NULL);

  if (reply == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, reply, -1, NULL));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* The messages the relay accepted, in order, exactly as they came; with @envelopes, each
 * one's "MAIL FROM\nRCPT TO\n"
 */
static GPtrArray *
relay_dup_received (Relay      *relay,
                    GPtrArray **envelopes)
{
  g_autofree char *path = g_build_filename (relay->folder, "received", NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray  *messages = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  if (envelopes != NULL)
    *envelopes = g_ptr_array_new_with_free_func (g_free);

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (entry, ".eml"))
        g_ptr_array_add (names, g_strndup (entry, strlen (entry) - 4));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *base = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autofree char *message_path = g_strconcat (base, ".eml", NULL);
      g_autofree char *envelope_path = g_strconcat (base, ".env", NULL);
      char *text = NULL;

      g_assert_true (g_file_get_contents (message_path, &text, NULL, NULL));
      g_ptr_array_add (messages, text);
      if (envelopes != NULL)
        {
          g_assert_true (g_file_get_contents (envelope_path, &text, NULL, NULL));
          g_ptr_array_add (*envelopes, text);
        }
    }

  return messages;
}

static guint
relay_count_received (Relay *relay)
{
  g_autoptr (GPtrArray) messages = relay_dup_received (relay, NULL);

  return messages->len;
}

/* Lines of the relay's events file: "connect", "starttls", "auth ok", "auth refused",
 * "quit"
 */
static guint
relay_count_events (Relay      *relay,
                    const char *event)
{
  g_autofree char *path = g_build_filename (relay->folder, "events", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint count = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    count += g_str_equal (lines[i], event);

  return count;
}

/* The mailer's log, kept to be read: warnings there do not fail the test */

static GMutex   log_lock;
static GString *log_text;

static void
on_mailer_log_cb (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s\n", message);
  g_mutex_unlock (&log_lock);

  g_log_default_handler (log_domain, log_level, message, user_data);
}

static gboolean
on_fatal_log_cb (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  /* The mailer's warnings are what these tests look for; anything else still fails. */
  return g_strcmp0 (log_domain, "alta-mailer") != 0 || (log_level & G_LOG_LEVEL_WARNING) == 0;
}

static guint
capture_mailer_log (void)
{
  g_mutex_lock (&log_lock);
  log_text = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  g_test_log_set_fatal_handler (on_fatal_log_cb, NULL);

  return g_log_set_handler ("alta-mailer", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL, on_mailer_log_cb,
                            NULL);
}

/* Returns the log since capture_mailer_log (), and stops keeping it. */
static char *
end_mailer_log (guint handler_id)
{
  char *text;

  g_log_remove_handler ("alta-mailer", handler_id);
  g_test_log_set_fatal_handler (NULL, NULL);
  g_mutex_lock (&log_lock);
  text = g_string_free (g_steal_pointer (&log_text), FALSE);
  g_mutex_unlock (&log_lock);

  return text;
}

/* A line an operator reads says why, and holds no address, message or secret. */
static void
assert_operator_log (const char *log,
                     const char *why)
{
  g_autofree char *warning = g_strconcat ("messages stay queued: ", why, NULL);

  g_test_message ("The mailer's log:\n%s", log);
  g_assert_nonnull (strstr (log, warning));
  g_assert_null (strstr (log, RECIPIENT));
  g_assert_null (strstr (log, RELAY_PASSWORD));
  g_assert_null (strstr (log, WRONG_PASSWORD));
  g_assert_null (strstr (log, CODE));
  g_assert_null (strstr (log, TOKEN));
  g_assert_null (strstr (log, "Hello"));
}

/* The fixture: a data folder, a real store and a movable clock */

typedef struct
{
  char       *data_dir;
  char       *clock_file;
  AltaStore  *store;
  AltaConfig *config;
  Relay      *relay;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autofree char *db_path = NULL;
  g_autofree char *relay_folder = NULL;
  g_autoptr (GError) error = NULL;

  fixture->data_dir = g_build_filename (g_get_user_data_dir (), "portald", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);

  fixture->clock_file = g_build_filename (fixture->data_dir, "clock-offset", NULL);
  alta_clock_set_offset_file (fixture->clock_file);

  relay_folder = g_build_filename (fixture->data_dir, "relay", NULL);
  db_path = g_build_filename (fixture->data_dir, "portal.db", NULL);
  fixture->store = alta_store_open (db_path, &error);
  g_assert_no_error (error);

  fixture->config = alta_config_new_default ();
  fixture->config->mail_retry_s = 60;
  switch ((RelayKind)GPOINTER_TO_INT (data))
    {
    case RELAY_NONE:
      break;

    case RELAY_PLAIN:
      /* The older way to name a relay, which stays valid */
      fixture->relay = relay_start (relay_folder, RELAY_PLAIN);
      fixture->config->smtp_host = g_strdup ("127.0.0.1");
      fixture->config->smtp_port = fixture->relay->port;
      break;

    case RELAY_PLAIN_AUTH:
    case RELAY_STARTTLS_AUTH:
      /* The relay is on loopback: only starttls=always makes STARTTLS required. */
      fixture->relay = relay_start (relay_folder, GPOINTER_TO_INT (data));
      fixture->config->smtp_url = g_strdup_printf ("smtp://127.0.0.1:%u", fixture->relay->port);
      fixture->config->smtp_starttls_always = TRUE;
      fixture->config->smtp_user = g_strdup (RELAY_USER);
      fixture->config->smtp_password = g_strdup (RELAY_PASSWORD);
      fixture->config->smtp_ca_file = g_build_filename (relay_folder, "ca.pem", NULL);
      break;

    case RELAY_IMPLICIT_TLS_AUTH:
      fixture->relay = relay_start (relay_folder, RELAY_IMPLICIT_TLS_AUTH);
      fixture->config->smtp_url = g_strdup_printf ("smtps://localhost:%u", fixture->relay->port);
      fixture->config->smtp_user = g_strdup (RELAY_USER);
      fixture->config->smtp_password = g_strdup (RELAY_PASSWORD);
      fixture->config->smtp_ca_file = g_build_filename (relay_folder, "ca.pem", NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_clear_pointer (&fixture->relay, relay_stop);
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
  g_autoptr (GPtrArray) received = NULL;
  g_autoptr (GPtrArray) envelopes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *outbox = g_build_filename (fixture->data_dir, "outbox", NULL);

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (sent, compose_some_mail (i));
  /* Lines that start with a dot must come through whole (curl stuffs them, the relay
   * unstuffs them).
   */
  g_ptr_array_add (sent, g_strdup ("From: " FROM "\r\nTo: " RECIPIENT "\r\nSubject: dots\r\n"
                                   "\r\n.\r\n..two\r\n. three\r\nlast\r\n"));
  for (guint i = 0; i < sent->len; i++)
    enqueue (fixture, g_ptr_array_index (sent, i));

  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);

  received = relay_dup_received (fixture->relay, &envelopes);
  g_assert_cmpuint (received->len, ==, sent->len);
  for (guint i = 0; i < sent->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (received, i), ==, g_ptr_array_index (sent, i));
      g_assert_cmpstr (g_ptr_array_index (envelopes, i), ==,
                       "no-reply@myaltamed.net\n" RECIPIENT "\n");
    }
  /* One connection for the batch, closed with QUIT */
  g_assert_cmpuint (relay_count_events (fixture->relay, "connect"), ==, 1);
  g_assert_cmpuint (relay_count_events (fixture->relay, "quit"), ==, 1);
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* An international address goes out with its domain in the ASCII form. */
  alta_store_enqueue_mail (fixture->store, "josé@clínica.example", g_ptr_array_index (sent, 0),
                           alta_clock_now (), &error);
  g_assert_no_error (error);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  g_clear_pointer (&received, g_ptr_array_unref);
  g_clear_pointer (&envelopes, g_ptr_array_unref);
  received = relay_dup_received (fixture->relay, &envelopes);
  g_assert_cmpuint (received->len, ==, sent->len + 1);
  g_assert_cmpstr (g_ptr_array_index (envelopes, sent->len), ==,
                   "no-reply@myaltamed.net\njosé@xn--clnica-4va.example\n");
  g_assert_cmpuint (relay_count_events (fixture->relay, "connect"), ==, 2);
  g_assert_cmpuint (relay_count_events (fixture->relay, "quit"), ==, 2);
  g_assert_cmpuint (count_queued (fixture), ==, 0);

  /* With a relay, nothing goes to the outbox. */
  g_assert_false (g_file_test (outbox, G_FILE_TEST_EXISTS));
}

static gboolean
relay_has_two (Fixture *fixture)
{
  return relay_count_received (fixture->relay) == 2 && count_queued (fixture) == 0;
}

static void
test_smtp_kick (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autofree char *first = compose_some_mail (0);
  g_autofree char *second = compose_some_mail (1);
  g_autoptr (GPtrArray) received = NULL;

  enqueue (fixture, first);
  alta_mailer_start (mailer);
  alta_mailer_kick (mailer);

  /* Kicked while a pass may be running: a later pass takes it. */
  enqueue (fixture, second);
  alta_mailer_kick (mailer);

  run_until (relay_has_two, fixture);
  received = relay_dup_received (fixture->relay, NULL);
  g_assert_cmpstr (g_ptr_array_index (received, 0), ==, first);
  g_assert_cmpstr (g_ptr_array_index (received, 1), ==, second);
}

static void
test_smtp_temporary_failure (Fixture      *fixture,
                             gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autofree char *message = compose_some_mail (2);
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (GPtrArray) received = NULL;
  g_autoptr (GError) error = NULL;
  gint64 before;
  gint64 after;

  enqueue (fixture, message);

  /* 451 to RCPT: kept, tried again after mail_retry_s */
  relay_set_reply (fixture->relay, "rcpt", "451 4.7.1 Try again later");
  before = alta_clock_now ();
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  after = alta_clock_now ();
  g_assert_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "451"));
  g_assert_null (strstr (error->message, RECIPIENT));
  g_clear_error (&error);
  g_assert_cmpuint (relay_count_received (fixture->relay), ==, 0);
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
  relay_set_reply (fixture->relay, "rcpt", NULL);
  relay_set_reply (fixture->relay, "data", "451 4.3.0 Try again later");
  move_clock (fixture, 61);
  before = alta_clock_now ();
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  after = alta_clock_now ();
  g_assert_error (error, ALTA_MAILER_ERROR, ALTA_MAILER_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (relay_count_received (fixture->relay), ==, 0);
  g_assert_cmpint (queued_attempts (fixture), ==, 2);
  due = list_queue (fixture, before + 120 - 1);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = list_queue (fixture, after + 120);
  g_assert_cmpuint (due->len, ==, 1);

  /* The relay takes it on a later pass. */
  relay_set_reply (fixture->relay, "data", NULL);
  move_clock (fixture, 61 + 121);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);
  received = relay_dup_received (fixture->relay, NULL);
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (received, 0), ==, message);
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
  g_autoptr (GPtrArray) received = NULL;
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
  received = relay_dup_received (fixture->relay, NULL);
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (received, 0), ==, message);
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
  g_assert_cmpuint (relay_count_received (fixture->relay), ==, 1);
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

/* STARTTLS, implicit TLS and AUTH */

/* Every kind of mail, as the server queues it */
static GPtrArray *
enqueue_every_kind (Fixture *fixture)
{
  GPtrArray *sent = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (sent, compose_some_mail (0));
  g_ptr_array_add (sent, compose_some_mail (1));
  g_ptr_array_add (sent, alta_mail_compose_notice ("es", FROM, RECIPIENT,
                                                   ALTA_MAIL_NOTICE_RESULT_RELEASED,
                                                   alta_clock_now ()));
  for (guint i = 0; i < sent->len; i++)
    enqueue (fixture, g_ptr_array_index (sent, i));

  return sent;
}

static void
assert_received (Fixture   *fixture,
                 GPtrArray *sent)
{
  g_autoptr (GPtrArray) envelopes = NULL;
  g_autoptr (GPtrArray) received = relay_dup_received (fixture->relay, &envelopes);

  g_assert_cmpuint (received->len, ==, sent->len);
  for (guint i = 0; i < sent->len; i++)
    {
      /* Whole: every byte as queued */
      g_assert_cmpstr (g_ptr_array_index (received, i), ==, g_ptr_array_index (sent, i));
      g_assert_cmpstr (g_ptr_array_index (envelopes, i), ==,
                       "no-reply@myaltamed.net\n" RECIPIENT "\n");
    }
  g_assert_cmpuint (count_queued (fixture), ==, 0);
}

static void
test_smtp_starttls_auth (Fixture      *fixture,
                         gconstpointer data)
{
  g_autofree char *password_file = g_build_filename (fixture->data_dir, "smtp-password", NULL);
  g_autofree char *text = NULL;
  g_autoptr (AltaConfig) config = NULL;
  g_autoptr (AltaMailer) mailer = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GError) error = NULL;

  /* As a clinic would set it up: the password in a file of its own */
  g_assert_true (g_file_set_contents (password_file, RELAY_PASSWORD "\n", -1, NULL));
  text = g_strdup_printf ("[mail]\nsmtp_url=%s\nstarttls=always\nsmtp_user=" RELAY_USER "\n"
                          "smtp_password_file=%s\nca_file=%s\n", fixture->config->smtp_url,
                          password_file, fixture->config->smtp_ca_file);
  config = load_config (text, &error);
  g_assert_no_error (error);

  mailer = alta_mailer_new (fixture->store, config, fixture->data_dir);
  sent = enqueue_every_kind (fixture);
  g_assert_true (alta_mailer_flush_sync (mailer, &error));
  g_assert_no_error (error);

  assert_received (fixture, sent);
  g_assert_cmpuint (relay_count_events (fixture->relay, "connect"), ==, 1);
  g_assert_cmpuint (relay_count_events (fixture->relay, "starttls"), ==, 1);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth ok"), ==, 1);
  g_assert_cmpuint (relay_count_events (fixture->relay, "quit"), ==, 1);
}

static gboolean
relay_has_three (Fixture *fixture)
{
  return relay_count_received (fixture->relay) == 3 && count_queued (fixture) == 0;
}

static void
test_smtp_implicit_tls (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);
  g_autoptr (GPtrArray) sent = enqueue_every_kind (fixture);

  /* On the main loop, as the server sends */
  alta_mailer_kick (mailer);
  run_until (relay_has_three, fixture);

  assert_received (fixture, sent);
  g_assert_cmpuint (relay_count_events (fixture->relay, "starttls"), ==, 0);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth ok"), ==, 1);
}

static gboolean
relay_has_none_and_tried (Fixture *fixture)
{
  g_autoptr (GPtrArray) mails = list_queue (fixture, G_MAXINT64 / 2);

  for (guint i = 0; i < mails->len; i++)
    {
      AltaQueuedMail *mail = g_ptr_array_index (mails, i);

      if (mail->attempts == 0)
        return FALSE;
    }

  return mails->len > 0;
}

/* A relay the mailer must not use: every message stays queued, the warning says why. */
static void
assert_stays_queued (Fixture    *fixture,
                     AltaMailer *mailer,
                     int         code,
                     const char *why)
{
  g_autoptr (GPtrArray) sent = enqueue_every_kind (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;
  guint handler_id = capture_mailer_log ();

  /* On the main loop, as the server sends */
  alta_mailer_kick (mailer);
  run_until (relay_has_none_and_tried, fixture);

  /* And with the admin command's blocking flush */
  move_clock (fixture, 61);
  g_assert_false (alta_mailer_flush_sync (mailer, &error));
  log = end_mailer_log (handler_id);

  g_assert_error (error, ALTA_MAILER_ERROR, code);
  g_assert_nonnull (strstr (error->message, why));
  assert_operator_log (log, why);
  g_assert_cmpuint (relay_count_received (fixture->relay), ==, 0);
  g_assert_cmpuint (count_queued (fixture), ==, sent->len);
}

static void
test_smtp_no_starttls (Fixture      *fixture,
                       gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = alta_mailer_new (fixture->store, fixture->config,
                                                   fixture->data_dir);

  assert_stays_queued (fixture, mailer, ALTA_MAILER_ERROR_NO_STARTTLS,
                       "The mail relay does not offer STARTTLS");

  /* The relay offered AUTH in clear: the password never went to it. */
  g_assert_cmpuint (relay_count_events (fixture->relay, "connect"), >=, 2);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth ok"), ==, 0);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth refused"), ==, 0);
}

static void
test_smtp_auth_refused (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = NULL;
  g_autoptr (AltaMailer) fixed = NULL;
  g_autoptr (GError) error = NULL;

  g_free (fixture->config->smtp_password);
  fixture->config->smtp_password = g_strdup (WRONG_PASSWORD);
  mailer = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  assert_stays_queued (fixture, mailer, ALTA_MAILER_ERROR_AUTH,
                       "The mail relay refused the [mail] smtp_user and password");
  g_assert_cmpuint (relay_count_events (fixture->relay, "starttls"), >=, 2);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth refused"), >=, 2);
  g_clear_object (&mailer);

  /* Once the password is right, the queued mail goes out. */
  g_free (fixture->config->smtp_password);
  fixture->config->smtp_password = g_strdup (RELAY_PASSWORD);
  fixed = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  move_clock (fixture, 61 + 121);
  g_assert_true (alta_mailer_flush_sync (fixed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (relay_count_received (fixture->relay), ==, 3);
  g_assert_cmpuint (count_queued (fixture), ==, 0);
}

static void
test_smtp_auth_missing (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = NULL;

  g_clear_pointer (&fixture->config->smtp_user, g_free);
  g_clear_pointer (&fixture->config->smtp_password, g_free);
  mailer = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  assert_stays_queued (fixture, mailer, ALTA_MAILER_ERROR_AUTH,
                       "The mail relay asks for AUTH");
}

static void
test_smtp_untrusted_certificate (Fixture      *fixture,
                                 gconstpointer data)
{
  g_autoptr (AltaMailer) mailer = NULL;

  /* The system's CAs do not know the test CA. */
  g_clear_pointer (&fixture->config->smtp_ca_file, g_free);
  mailer = alta_mailer_new (fixture->store, fixture->config, fixture->data_dir);
  assert_stays_queued (fixture, mailer, ALTA_MAILER_ERROR_TLS,
                       "The mail relay's certificate could not be verified");

  /* Nothing, not even the password, went to a relay that could not prove who it is. */
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth ok"), ==, 0);
  g_assert_cmpuint (relay_count_events (fixture->relay, "auth refused"), ==, 0);
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
  g_test_add_data_func ("/mailer/compose/notices/en", "en", test_compose_notices);
  g_test_add_data_func ("/mailer/compose/notices/es", "es", test_compose_notices);
  g_test_add_func ("/mailer/compose/health-check", test_compose_health_check);
  g_test_add_func ("/mailer/compose/encoded-words", test_compose_encoded_words);
  g_test_add_func ("/mailer/compose/international-addresses",
                   test_compose_international_addresses);
  g_test_add_func ("/mailer/compose/dates", test_compose_dates);

  g_test_add_func ("/mailer/config/choose-tls", test_choose_tls);
  g_test_add_func ("/mailer/config/mail", test_config_mail);

  g_test_add ("/mailer/maildir/flush", Fixture, GINT_TO_POINTER (RELAY_NONE),
              fixture_set_up, test_maildir_flush, fixture_tear_down);
  g_test_add ("/mailer/maildir/kick", Fixture, GINT_TO_POINTER (RELAY_NONE),
              fixture_set_up, test_maildir_kick, fixture_tear_down);
  g_test_add ("/mailer/maildir/unwritable", Fixture, GINT_TO_POINTER (RELAY_NONE),
              fixture_set_up, test_maildir_unwritable, fixture_tear_down);

  g_test_add ("/mailer/smtp/flush", Fixture, GINT_TO_POINTER (RELAY_PLAIN),
              fixture_set_up, test_smtp_flush, fixture_tear_down);
  g_test_add ("/mailer/smtp/kick", Fixture, GINT_TO_POINTER (RELAY_PLAIN),
              fixture_set_up, test_smtp_kick, fixture_tear_down);
  g_test_add ("/mailer/smtp/temporary-failure", Fixture, GINT_TO_POINTER (RELAY_PLAIN),
              fixture_set_up, test_smtp_temporary_failure, fixture_tear_down);
  g_test_add ("/mailer/smtp/connection-refused", Fixture, GINT_TO_POINTER (RELAY_PLAIN),
              fixture_set_up, test_smtp_connection_refused, fixture_tear_down);
  g_test_add ("/mailer/smtp/flush-during-pass", Fixture, GINT_TO_POINTER (RELAY_PLAIN),
              fixture_set_up, test_smtp_flush_during_pass, fixture_tear_down);

  g_test_add ("/mailer/smtp/starttls-auth", Fixture, GINT_TO_POINTER (RELAY_STARTTLS_AUTH),
              fixture_set_up, test_smtp_starttls_auth, fixture_tear_down);
  g_test_add ("/mailer/smtp/implicit-tls", Fixture, GINT_TO_POINTER (RELAY_IMPLICIT_TLS_AUTH),
              fixture_set_up, test_smtp_implicit_tls, fixture_tear_down);
  g_test_add ("/mailer/smtp/no-starttls", Fixture, GINT_TO_POINTER (RELAY_PLAIN_AUTH),
              fixture_set_up, test_smtp_no_starttls, fixture_tear_down);
  g_test_add ("/mailer/smtp/auth-refused", Fixture, GINT_TO_POINTER (RELAY_STARTTLS_AUTH),
              fixture_set_up, test_smtp_auth_refused, fixture_tear_down);
  g_test_add ("/mailer/smtp/auth-missing", Fixture, GINT_TO_POINTER (RELAY_STARTTLS_AUTH),
              fixture_set_up, test_smtp_auth_missing, fixture_tear_down);
  g_test_add ("/mailer/smtp/untrusted-certificate", Fixture,
              GINT_TO_POINTER (RELAY_STARTTLS_AUTH),
              fixture_set_up, test_smtp_untrusted_certificate, fixture_tear_down);

  return g_test_run ();
}
