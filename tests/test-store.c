/* test-store.c: the store's statement helpers (binds, one row, all rows, built SQL, errors)
 * and its migrations
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "alta-store-private.h"

typedef struct
{
  AltaStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->store = alta_store_open (":memory:", &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
}

/* No cached statement may stay stepped: a stepped read keeps its snapshot of the
 * database, and the next transaction of the connection would not see later writes. */
static void
assert_every_statement_reset (AltaStore *store)
{
  sqlite3 *db = alta_store_get_db (store);
  guint statements = 0;

  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL;
       stmt = sqlite3_next_stmt (db, stmt))
    {
      g_assert_false (sqlite3_stmt_busy (stmt));
      statements++;
    }

  g_assert_cmpuint (statements, >, 0);
}

static gpointer
read_text (sqlite3_stmt *stmt)
{
  return alta_store_column_dup_text (stmt, 0);
}

static const char *insert_sql = "INSERT INTO meta (key, value) VALUES (?1, ?2)";
static const char *select_sql = "SELECT value FROM meta WHERE key = ?1";
static const char *select_all_sql = "SELECT value FROM meta WHERE key LIKE ?1 ORDER BY key";

static void
insert_meta (AltaStore  *store,
             const char *key,
             const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_store_exec (store, insert_sql,
                                  ALTA_BINDS (ALTA_BIND_TEXT (key), ALTA_BIND_TEXT (value)),
                                  &error));
  g_assert_no_error (error);
}

static void
test_query_one (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  char *missing;

  insert_meta (fixture->store, "test.one", "first");

  value = alta_store_query_one (fixture->store, select_sql,
                                ALTA_BINDS (ALTA_BIND_TEXT ("test.one")), read_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "first");

  missing = alta_store_query_one (fixture->store, select_sql,
                                  ALTA_BINDS (ALTA_BIND_TEXT ("test.none")), read_text, &error);
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  /* Without a place for the error, no row is still NULL */
  missing = alta_store_query_one (fixture->store, select_sql,
                                  ALTA_BINDS (ALTA_BIND_TEXT ("test.none")), read_text, NULL);
  g_assert_null (missing);

  missing = alta_store_query_optional (fixture->store, select_sql,
                                       ALTA_BINDS (ALTA_BIND_TEXT ("test.none")), read_text,
                                       &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  assert_every_statement_reset (fixture->store);
}

static void
test_query_all (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autofree char *first = NULL;

  insert_meta (fixture->store, "test.b", "second");
  insert_meta (fixture->store, "test.a", "first");
  insert_meta (fixture->store, "test.c", "third");

  values = alta_store_query_all (fixture->store, select_all_sql,
                                 ALTA_BINDS (ALTA_BIND_TEXT ("test.%")), read_text, g_free,
                                 &error);
  g_assert_no_error (error);
  g_assert_nonnull (values);
  g_assert_cmpuint (values->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "first");
  g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "second");
  g_assert_cmpstr (g_ptr_array_index (values, 2), ==, "third");

  none = alta_store_query_all (fixture->store, select_all_sql,
                               ALTA_BINDS (ALTA_BIND_TEXT ("other.%")), read_text, g_free,
                               &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);

  /* Of three rows, query_optional() reads the first and leaves the statement reset */
  first = alta_store_query_optional (fixture->store, select_all_sql,
                                     ALTA_BINDS (ALTA_BIND_TEXT ("test.%")), read_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "first");
  assert_every_statement_reset (fixture->store);
}

static void
test_binds (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;
  gint64 value = 0;
  gint64 null_text = -1;
  gint64 null_bind = -1;

  g_assert_true (alta_store_query_each (fixture->store, "SELECT ?1 + 1",
                                        ALTA_BINDS (ALTA_BIND_INT (G_GINT64_CONSTANT (1) << 40)),
                                        alta_store_copy_int64, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, (G_GINT64_CONSTANT (1) << 40) + 1);

  g_assert_true (alta_store_query_each (fixture->store, "SELECT ?1 IS NULL",
                                        ALTA_BINDS (ALTA_BIND_TEXT (NULL)),
                                        alta_store_copy_int64, &null_text, &error));
  g_assert_true (alta_store_query_each (fixture->store, "SELECT ?1 IS NULL",
                                        ALTA_BINDS (ALTA_BIND_NULL),
                                        alta_store_copy_int64, &null_bind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (null_text, ==, 1);
  g_assert_cmpint (null_bind, ==, 1);

  /* No row leaves the number as it was */
  value = 7;
  g_assert_true (alta_store_query_each (fixture->store, "SELECT 1 WHERE ?1 = 0",
                                        ALTA_BINDS (ALTA_BIND_INT (1)),
                                        alta_store_copy_int64, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 7);

  /* A statement without parameters takes NULL */
  g_assert_true (alta_store_query_each (fixture->store, "SELECT 42", NULL,
                                        alta_store_copy_int64, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 42);
}

static void
test_wrong_bind_count (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;

  g_test_expect_message ("alta-store", G_LOG_LEVEL_CRITICAL, "1 values for the 2 parameters*");
  g_assert_false (alta_store_exec (fixture->store, insert_sql,
                                   ALTA_BINDS (ALTA_BIND_TEXT ("test.key")), &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_test_expect_message ("alta-store", G_LOG_LEVEL_CRITICAL, "0 values for the 1 parameters*");
  g_assert_null (alta_store_query_one (fixture->store, select_sql, NULL, read_text, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_clear_error (&error);

  /* Nothing was written, and the statement works with the right values */
  g_assert_null (alta_store_get_meta (fixture->store, "test.key"));
  insert_meta (fixture->store, "test.key", "value");
  assert_every_statement_reset (fixture->store);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  insert_meta (fixture->store, "test.key", "first");

  /* A taken key is a constraint, and the statement stays usable */
  g_assert_true (alta_store_begin (fixture->store, &error));
  g_assert_false (alta_store_exec (fixture->store, insert_sql,
                                   ALTA_BINDS (ALTA_BIND_TEXT ("test.key"),
                                               ALTA_BIND_TEXT ("second")),
                                   &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  assert_every_statement_reset (fixture->store);

  insert_meta (fixture->store, "test.other", "other");
  g_assert_true (alta_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  value = alta_store_query_one (fixture->store, select_sql,
                                ALTA_BINDS (ALTA_BIND_TEXT ("test.key")), read_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "first");

  /* A NOT NULL column refuses NULL text the same way */
  g_assert_false (alta_store_exec (fixture->store, insert_sql,
                                   ALTA_BINDS (ALTA_BIND_TEXT ("test.null"), ALTA_BIND_NULL),
                                   &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* SQL that does not prepare fails with SQLite's reason */
  g_assert_false (alta_store_query_each (fixture->store, "SELECT * FROM no_such_table", NULL,
                                         alta_store_copy_int64, NULL, &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no_such_table"));
  g_clear_error (&error);

  assert_every_statement_reset (fixture->store);
  g_assert_true (alta_store_check_integrity (fixture->store, &error));
  g_assert_no_error (error);
}

static guint
count_statements (AltaStore *store)
{
  sqlite3 *db = alta_store_get_db (store);
  guint statements = 0;

  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL;
       stmt = sqlite3_next_stmt (db, stmt))
    statements++;

  return statements;
}

static void
append_text (sqlite3_stmt *stmt,
             gpointer      user_data)
{
  g_ptr_array_add (user_data, alta_store_column_dup_text (stmt, 0));
}

/* SQL built at run time: each call prepares its own statement and finalizes it, so two
 * texts at the same address never share one, and nothing is left in the cache */
static void
test_query_dynamic (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) binds = g_array_new (TRUE, TRUE, sizeof (AltaBind));
  g_autoptr (GString) sql = g_string_new ("SELECT value FROM meta WHERE key LIKE ?");
  AltaBind pattern = ALTA_BIND_TEXT ("test.%");
  AltaBind excluded = ALTA_BIND_TEXT ("test.b");
  guint statements;
  gint64 value = 0;

  insert_meta (fixture->store, "test.b", "second");
  insert_meta (fixture->store, "test.a", "first");
  statements = count_statements (fixture->store);

  /* A zero-terminated array of binds is a list of binds */
  g_array_append_val (binds, pattern);
  g_string_append (sql, " ORDER BY key");
  g_assert_true (alta_store_query_dynamic (fixture->store, sql->str,
                                           (const AltaBind *)binds->data, append_text, values,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "first");
  g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "second");

  /* Another text in the same buffer is another statement */
  g_ptr_array_set_size (values, 0);
  g_string_assign (sql, "SELECT value FROM meta WHERE key LIKE ? AND key != ?");
  g_array_append_val (binds, excluded);
  g_assert_true (alta_store_query_dynamic (fixture->store, sql->str,
                                           (const AltaBind *)binds->data, append_text, values,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "first");
  g_assert_cmpuint (count_statements (fixture->store), ==, statements + 2);

  /* The same text again (another page of a search) runs the statement kept for it, with
   * the new binds only */
  g_ptr_array_set_size (values, 0);
  g_array_index (binds, AltaBind, 1) = (AltaBind)ALTA_BIND_TEXT ("test.a");
  g_assert_true (alta_store_query_dynamic (fixture->store, sql->str,
                                           (const AltaBind *)binds->data, append_text, values,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "second");
  g_assert_cmpuint (count_statements (fixture->store), ==, statements + 2);

  /* Failures to prepare, to bind and to step are errors, and leave no statement stepped (one
   * that failed to prepare is not kept) */
  g_assert_false (alta_store_query_dynamic (fixture->store, "SELECT * FROM no_such_table",
                                            NULL, alta_store_copy_int64, &value, &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no_such_table"));
  g_clear_error (&error);

  g_test_expect_message ("alta-store", G_LOG_LEVEL_CRITICAL, "0 values for the 1 parameters*");
  g_assert_false (alta_store_query_dynamic (fixture->store, "SELECT ?", NULL,
                                            alta_store_copy_int64, &value, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_false (alta_store_query_dynamic (fixture->store, "SELECT abs (?)",
                                            ALTA_BINDS (ALTA_BIND_INT (G_MININT64)),
                                            alta_store_copy_int64, &value, &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "integer overflow"));
  g_clear_error (&error);
  g_assert_cmpint (value, ==, 0);

  g_assert_cmpuint (count_statements (fixture->store), ==, statements + 4);
  assert_every_statement_reset (fixture->store);

  /* Texts that do not recur (a client trying every combination) do not pile up */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("SELECT %u", i);

      g_assert_true (alta_store_query_dynamic (fixture->store, text, NULL,
                                               alta_store_copy_int64, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, i);
    }
  g_assert_cmpuint (count_statements (fixture->store), <=, statements + 64);
  assert_every_statement_reset (fixture->store);
}

static char *
search_ids (AltaStore  *store,
            const char *family,
            const char *given,
            const char *birth_date)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) patients = alta_store_search_patients (store, family, given, birth_date,
                                                               50, &error);
  GString *ids = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < patients->len; i++)
    {
      AltaPatient *patient = g_ptr_array_index (patients, i);

      g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "", patient->id);
    }

  return g_string_free (ids, FALSE);
}

/* The front desk's search: case, accents, any given name, any surname part, prefixes */
static void
test_search_patients (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const AltaPatient patients[] = {
    { "p-sofia", "Sofía", "Hernández Ruiz", "1958-03-02", NULL, NULL, "es", NULL },
    { "p-elisa", "Elisa Donetta", "Johnson", "1990-07-14", NULL, NULL, "en", NULL },
    { "p-ana", "Ana", "García-López", "1985-01-30", NULL, NULL, "es", NULL },
    { "p-ruiz", "Roberto", "Ruiz", "1970-11-11", NULL, NULL, "es", NULL },
  };
  const struct { const char *family, *given, *birth_date, *ids; } searches[] = {
    { "hernandez", "sofia", NULL, "p-sofia" },
    { "HERNÁNDEZ RUIZ", NULL, NULL, "p-sofia" },
    { "ruiz", NULL, NULL, "p-sofia p-ruiz" },
    { "hern", "sof", NULL, "p-sofia" },
    { NULL, "Elisa", NULL, "p-elisa" },
    { NULL, "donetta", NULL, "p-elisa" },
    { "johnson", "elisa donetta", NULL, "p-elisa" },
    { "lopez", NULL, NULL, "p-ana" },
    { "garcia lopez", "ana", "1985-01-30", "p-ana" },
    { "garcia", "ana", "1985-01-31", "" },
    { "ruiz", "rob", NULL, "p-ruiz" },
    { "uiz", NULL, NULL, "" },
    { "hernandez", "elisa", NULL, "" },
    /* Neither wildcards nor SQL pass through */
    { "%", NULL, NULL, "" },
    { "' OR 1=1 --", NULL, NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      g_autoptr (GError) error = NULL;

      alta_store_insert_patient (fixture->store, &patients[i], &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *ids = search_ids (fixture->store, searches[i].family, searches[i].given,
                                         searches[i].birth_date);

      g_test_message ("family=%s given=%s", searches[i].family, searches[i].given);
      g_assert_cmpstr (ids, ==, searches[i].ids);
    }
}

/* A database as the build before patients' gender left it (schema 4): its patients and
 * their FHIR Patients. Opened by this build, each patient takes the gender its FHIR Patient
 * holds, when that is one of FHIR's codes. */
static void
test_migrate_patient_gender (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (AltaStore) old = NULL;
  g_autoptr (AltaStore) store = NULL;
  struct {
    const char *id;
    const char *fhir_gender;  /* Patient.gender as stored; "": no member; NULL: no Patient */
    const char *gender;       /* after the migration */
  } patients[] = {
    { "p-mateo", "male", "male" },
    { "p-ana", "female", "female" },
    { "p-alex", "other", "other" },
    { "p-odd", "M", NULL },
    { "p-none", "", NULL },
    { "p-nofhir", NULL, NULL },
  };
  gint64 version = 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, "portal.db", NULL);

  old = alta_store_open_at_schema (path, 4, &error);
  g_assert_no_error (error);
  alta_store_query_each (old, "PRAGMA user_version", NULL, alta_store_copy_int64, &version,
                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      /* Schema 4's columns, written as that build wrote them */
      alta_store_exec (old,
                       "INSERT INTO patients (id, given_name, family_name, birth_date, language) "
                       "VALUES (?1, 'Given', 'Family', '2020-10-16', 'en')",
                       ALTA_BINDS (ALTA_BIND_TEXT (patients[i].id)), &error);
      g_assert_no_error (error);
      if (patients[i].fhir_gender != NULL)
        {
          g_autofree char *json = NULL;

          if (patients[i].fhir_gender[0] != '\0')
            json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\","
                                    "\"gender\":\"%s\"}",
                                    patients[i].id, patients[i].fhir_gender);
          else
            json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\"}",
                                    patients[i].id);
          alta_store_exec (old,
                           "INSERT INTO fhir_resources (type, id, version, last_updated,"
                           " patient_id, content_hash, json) "
                           "VALUES ('Patient', ?1, 1, 0, ?1, 'hash', ?2)",
                           ALTA_BINDS (ALTA_BIND_TEXT (patients[i].id),
                                       ALTA_BIND_TEXT (json)),
                           &error);
          g_assert_no_error (error);
        }
    }
  alta_store_close (old);

  store = alta_store_open (path, &error);
  g_assert_no_error (error);
  alta_store_query_each (store, "PRAGMA user_version", NULL, alta_store_copy_int64, &version,
                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, alta_store_get_schema_version ());
  g_assert_cmpint (version, >=, 5);

  for (guint i = 0; i < G_N_ELEMENTS (patients); i++)
    {
      g_autoptr (AltaPatient) patient = alta_store_get_patient (store, patients[i].id, &error);

      g_assert_no_error (error);
      g_test_message ("%s", patients[i].id);
      g_assert_cmpstr (patient->gender, ==, patients[i].gender);
      g_assert_cmpstr (patient->birth_date, ==, "2020-10-16");
    }

  /* The new column takes FHIR's codes only */
  {
    AltaPatient bad = { .id = (char *)"p-bad", .given_name = (char *)"A",
                        .family_name = (char *)"B", .birth_date = (char *)"2000-01-01",
                        .gender = (char *)"M" };
    AltaPatient good = bad;

    g_assert_false (alta_store_insert_patient (store, &bad, &error));
    g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_CONSTRAINT);
    g_clear_error (&error);

    good.gender = (char *)"female";
    g_assert_true (alta_store_insert_patient (store, &good, &error));
    g_assert_no_error (error);
  }

  alta_store_close (store);
  for (const char *suffix = ""; suffix != NULL;
       suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);

      g_remove (file);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The audit rows of reads kept back (alta_store_audit_later()): written before a write's row
 * and a write's transaction, even one rolled back, so that the trail keeps the order things
 * happened in; written when the store closes, so that a clean stop loses none; and bounded,
 * so that a database that refuses them refuses the reads rather than filling memory. */
static void
assert_audit_actions (AltaStore   *store,
                      const char  *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = alta_store_list_audit (store, 0, &error);
  g_autoptr (GString) actions = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      AltaAuditEntry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (actions, "%s%s", i > 0 ? " " : "", entry->action);
    }
  g_assert_cmpstr (actions->str, ==, expected);
}

static void
keep_read (AltaStore  *store,
           const char *action)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (alta_store_audit_later (store, 1000, "req", "account:1", action, "Patient/p1",
                                         "success", &error));
  g_assert_no_error (error);
}

static void
test_audit_kept_back (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (AltaStore) store = NULL;
  g_autoptr (AltaStore) again = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "portal.db", NULL);
  store = alta_store_open (path, &error);
  g_assert_no_error (error);

  /* Kept back, then a write's row: the reads' rows come first */
  keep_read (store, "read-1");
  keep_read (store, "read-2");
  g_assert_cmpuint (alta_store_get_n_pending_audit (store), ==, 2);
  g_assert_true (alta_store_audit (store, 1000, "req", "account:1", "write-1", NULL, "success",
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpuint (alta_store_get_n_pending_audit (store), ==, 0);

  /* A write's transaction rolled back does not take them with it */
  keep_read (store, "read-3");
  g_assert_true (alta_store_begin (store, &error));
  g_assert_no_error (error);
  g_assert_true (alta_store_audit (store, 1000, "req", "account:1", "rolled-back", NULL,
                                   "success", &error));
  alta_store_rollback (store);
  g_assert_cmpuint (alta_store_get_n_pending_audit (store), ==, 0);
  assert_audit_actions (store, "read-1 read-2 write-1 read-3");

  /* Listing the trail writes them first */
  keep_read (store, "read-4");
  assert_audit_actions (store, "read-1 read-2 write-1 read-3 read-4");

  /* A clean stop writes them: another connection finds them */
  keep_read (store, "read-5");
  keep_read (store, "read-6");
  alta_store_close (store);
  again = alta_store_open (path, &error);
  g_assert_no_error (error);
  assert_audit_actions (again, "read-1 read-2 write-1 read-3 read-4 read-5 read-6");

  /* Bounded: while they cannot be written (a transaction is under way), past the bound the
   * row is refused; once they can, the next row writes them all first */
  g_assert_true (alta_store_begin (again, &error));
  for (guint i = 0; i < ALTA_STORE_MAX_PENDING_AUDIT; i++)
    keep_read (again, "bulk");
  g_assert_false (alta_store_audit_later (again, 1000, "req", "account:1", "refused", NULL,
                                          "success", &error));
  g_assert_error (error, ALTA_STORE_ERROR, ALTA_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (alta_store_get_n_pending_audit (again), ==, ALTA_STORE_MAX_PENDING_AUDIT);
  alta_store_rollback (again);
  keep_read (again, "after");
  g_assert_cmpuint (alta_store_get_n_pending_audit (again), ==, 1);
  {
    g_autoptr (GPtrArray) entries = alta_store_list_audit (again, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 7 + ALTA_STORE_MAX_PENDING_AUDIT + 1);
    g_assert_cmpstr (((AltaAuditEntry *)g_ptr_array_index (entries, entries->len - 1))->action,
                     ==, "after");
  }

  alta_store_close (again);
  for (const char *suffix = ""; suffix != NULL;
       suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);

      g_remove (file);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/helpers/query-one", Fixture, NULL, fixture_set_up, test_query_one,
              fixture_tear_down);
  g_test_add ("/store/helpers/query-all", Fixture, NULL, fixture_set_up, test_query_all,
              fixture_tear_down);
  g_test_add ("/store/helpers/binds", Fixture, NULL, fixture_set_up, test_binds,
              fixture_tear_down);
  g_test_add ("/store/helpers/wrong-bind-count", Fixture, NULL, fixture_set_up,
              test_wrong_bind_count, fixture_tear_down);
  g_test_add ("/store/helpers/query-dynamic", Fixture, NULL, fixture_set_up,
              test_query_dynamic, fixture_tear_down);
  g_test_add ("/store/patients/search", Fixture, NULL, fixture_set_up, test_search_patients,
              fixture_tear_down);
  g_test_add ("/store/helpers/errors", Fixture, NULL, fixture_set_up, test_errors,
              fixture_tear_down);
  g_test_add_func ("/store/migrations/patient-gender", test_migrate_patient_gender);
  g_test_add_func ("/store/audit/kept-back", test_audit_kept_back);

  return g_test_run ();
}
