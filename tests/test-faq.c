/* test-faq.c: the patient FAQ in both languages, read and searched
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "alta-faq.h"

static GPtrArray *
load (const char *language)
{
  g_autofree char *name = g_strdup_printf ("myaltamed-faq.%s.txt", language);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "resources", "faq", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  GPtrArray *entries;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  entries = alta_faq_parse (text, length, &error);
  g_assert_no_error (error);
  return entries;
}

static const AltaFaqEntry *
entry (GPtrArray *entries,
       guint      index)
{
  return g_ptr_array_index (entries, index);
}

/* The shipped English copy is the FAQ the product's rules come from */
static void
test_english_is_the_seed (void)
{
  g_autofree char *seed_path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "seed",
                                                      "myaltamed-faq.txt", NULL);
  g_autofree char *ours_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "faq",
                                                      "myaltamed-faq.en.txt", NULL);
  g_autofree char *seed = NULL;
  g_autofree char *ours = NULL;

  if (!g_file_get_contents (seed_path, &seed, NULL, NULL))
    {
      g_test_skip ("The shared seed folder is not beside this checkout");
      return;
    }
  g_assert_true (g_file_get_contents (ours_path, &ours, NULL, NULL));
  g_assert_cmpstr (ours, ==, seed);
}

static void
test_both_languages (void)
{
  g_autoptr (GPtrArray) english = load ("en");
  g_autoptr (GPtrArray) spanish = load ("es");

  g_assert_cmpuint (english->len, ==, 18);
  g_assert_cmpuint (spanish->len, ==, english->len);

  g_assert_cmpstr (entry (english, 0)->group, ==, "Enrollment Questions");
  g_assert_cmpstr (entry (english, 0)->question, ==, "What is MyAltaMed?");
  g_assert_cmpstr (entry (english, 17)->group, ==, "Technical Questions");
  g_assert_cmpstr (entry (spanish, 0)->group, ==, "Preguntas sobre la inscripción");
  g_assert_cmpstr (entry (spanish, 0)->question, ==, "¿Qué es MyAltaMed?");

  for (guint i = 0; i < english->len; i++)
    {
      const AltaFaqEntry *en = entry (english, i);
      const AltaFaqEntry *es = entry (spanish, i);

      g_assert_null (strstr (en->answer, "Return to Top"));
      g_assert_null (strstr (es->answer, "Return to Top"));
      /* Each translated answer keeps the same phone numbers */
      for (guint j = 0; j < 3; j++)
        {
          const char *numbers[] = { "498-3446", "499-9303", "911" };

          g_assert_cmpint (strstr (en->answer, numbers[j]) != NULL, ==,
                           strstr (es->answer, numbers[j]) != NULL);
        }
    }

  /* Lists stay lists, paragraphs stay apart */
  g_assert_nonnull (strstr (entry (english, 0)->answer, "\n• Make medical appointments\n"));
  g_assert_nonnull (strstr (entry (english, 0)->answer, "private.\n\nOnce you set up"));
  g_assert_nonnull (strstr (entry (spanish, 4)->answer, "\n• Visite cualquier clínica de AltaMed.\n"));
  /* The last entry, which has no "Return to Top" */
  g_assert_true (g_str_has_suffix (entry (english, 17)->answer, "leased by MyAltaMed."));
}

/* The entries a search finds, as "4 11 15" */
static char *
found (GPtrArray  *entries,
       const char *query)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    if (alta_faq_entry_matches (entry (entries, i), query))
      g_string_append_printf (text, "%s%u", text->len > 0 ? " " : "", i);

  return g_string_free (text, FALSE);
}

/* The same questions found in either language, whatever the case and accents typed */
static void
test_search (void)
{
  g_autoptr (GPtrArray) english = load ("en");
  g_autoptr (GPtrArray) spanish = load ("es");
  const struct
  {
    const char *english;
    const char *spanish;
    const char *expected;
  } cases[] = {
    { "password", "contrasena", "4 11 15 16" },
    { "PROXY", "APODERADO", "10" },
    { "activ code", "código activación", "4 5 12 13 16" },
    { "logged out", "sesión cerró", "14" },
    { "zebra", "cebra", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *in_english = found (english, cases[i].english);
      g_autofree char *in_spanish = found (spanish, cases[i].spanish);

      g_test_message ("%s / %s", cases[i].english, cases[i].spanish);
      g_assert_cmpstr (in_english, ==, cases[i].expected);
      g_assert_cmpstr (in_spanish, ==, cases[i].expected);
    }

  g_assert_true (alta_faq_entry_matches (entry (english, 0), ""));
}

static void
test_broken (void)
{
  const char *broken[] = {
    "",
    "Title\n\nA heading\nA question?\n\nA question?\n\nAnswer\nReturn to Top\n\nB?\n\nb\nReturn to Top\n",
    "Title\n\nQuestion first?\n\nQuestion first?\n\nAnswer\n",
    "Title\n\nGroup\nOne?\nTwo?\n\nOne?\n\nAnswer\nReturn to Top\n",
    "Title\n\nGroup\nOne?\n\nOne?\nReturn to Top\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) entries = alta_faq_parse (broken[i], -1, &error);

      g_test_message ("case %u", i);
      g_assert_null (entries);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) entries = alta_faq_parse ("T\n\nG\n\xff?\n", -1, &error);

    g_assert_null (entries);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faq/english-is-the-seed", test_english_is_the_seed);
  g_test_add_func ("/faq/both-languages", test_both_languages);
  g_test_add_func ("/faq/search", test_search);
  g_test_add_func ("/faq/broken", test_broken);

  return g_test_run ();
}
