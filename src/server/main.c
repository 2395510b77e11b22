/* main.c: myaltamed-portald, the MyAltaMed portal server
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "myaltamed-portald"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>

#include "alta-admin.h"
#include "alta-config.h"
#include "alta-demo.h"
#include "alta-log.h"
#include "alta-notify.h"
#include "alta-server.h"

static const char usage[] =
  "Usage:\n"
  "  myaltamed-portald serve [--data-dir DIR] [--listen ADDR:PORT] [--tls-cert F --tls-key F]\n"
  "                          [--config F] [--insecure-http]\n"
  "  myaltamed-portald demo [--data-dir DIR] [--port N] [--config F] [--import FILE...]\n"
  "  myaltamed-portald admin [--data-dir DIR] COMMAND ... (admin --help lists the commands)\n"
  "  myaltamed-portald import [--data-dir DIR] FILE...     (FHIR R4 Bundles and NDJSON)\n"
  "  myaltamed-portald --version\n"
  "Without --data-dir, the data folder is $STATE_DIRECTORY or " ALTA_STATE_DIR ";\n"
  "without --config, serve, admin and import read $CONFIGURATION_DIRECTORY/" ALTA_CONFIG_FILE "\n"
  "or " ALTA_CONFIG_DIR "/" ALTA_CONFIG_FILE ", if there is one.\n";

#define DRAIN_QUIET_MS   200
#define DRAIN_TIMEOUT_MS 10000

typedef struct
{
  GMainLoop  *loop;
  AltaServer *server;
  gint64      stop_requested;
} Stopping;

static gboolean
drain_cb (gpointer user_data)
{
  Stopping *stopping = user_data;
  gint64 waited_ms = (g_get_monotonic_time () - stopping->stop_requested) / 1000;

  if (!alta_server_is_quiet (stopping->server, DRAIN_QUIET_MS) && waited_ms < DRAIN_TIMEOUT_MS)
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (stopping->loop);
  return G_SOURCE_REMOVE;
}

/* SIGTERM or SIGINT: answer what is under way, then stop. */
static gboolean
stop_cb (gpointer user_data)
{
  Stopping *stopping = user_data;

  if (stopping->stop_requested != 0)
    return G_SOURCE_CONTINUE;

  g_message ("Stopping once the requests under way are answered");
  alta_notify_service_manager ("STOPPING=1");
  stopping->stop_requested = g_get_monotonic_time ();
  g_timeout_add (50, drain_cb, stopping);
  return G_SOURCE_CONTINUE;
}

/* Serves until SIGTERM or SIGINT. Handlers run whole on the main loop, so no request is
 * ever half-done; the loop stops once the requests under way are answered, and the
 * shutdown then closes the database cleanly.
 */
static int
run_server (AltaServer      *server,
            const char      *listen,
            GTlsCertificate *certificate)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *status = NULL;
  Stopping stopping = { loop, server, 0 };
  guint sigterm_id, sigint_id;

  if (!alta_server_listen (server, listen, certificate, &error))
    {
      g_printerr ("myaltamed-portald: cannot listen on %s: %s\n", listen, error->message);
      return 1;
    }

  url = alta_server_dup_url (server);
  g_print ("Listening on %s\n", url);
  fflush (stdout);
  status = g_strdup_printf ("READY=1\nSTATUS=Listening on %s", url);
  alta_notify_service_manager (status);

  sigterm_id = g_unix_signal_add (SIGTERM, stop_cb, &stopping);
  sigint_id = g_unix_signal_add (SIGINT, stop_cb, &stopping);
  g_main_loop_run (loop);
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);

  alta_server_shutdown (server);
  g_message ("Stopped");
  return 0;
}

static int
serve (int    argc,
       char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *config_path = NULL;
  gboolean insecure_http = FALSE;
  g_autoptr (GOptionContext) context = g_option_context_new ("- serve the portal");
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (AltaServer) server = NULL;
  g_autoptr (GError) error = NULL;
  AltaConfig *config;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data folder (default $STATE_DIRECTORY or " ALTA_STATE_DIR ")", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address and port (default 127.0.0.1:8443)", "ADDR:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate (PEM)", "F" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM)", "F" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file (default $CONFIGURATION_DIRECTORY/" ALTA_CONFIG_FILE " or " ALTA_CONFIG_DIR "/" ALTA_CONFIG_FILE ")", "F" },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure_http, "Plain HTTP (loopback only)", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("myaltamed-portald serve: %s\n", error->message);
      return 2;
    }

  if (data_dir == NULL)
    data_dir = alta_config_dup_data_dir ();

  config = alta_config_load_or_installed (config_path, &error);
  if (config == NULL)
    {
      g_printerr ("myaltamed-portald: %s\n", error->message);
      return 2;
    }

  if (listen == NULL)
    listen = g_strdup (config->listen);
  if (tls_cert == NULL && config->tls_cert != NULL)
    tls_cert = g_strdup (config->tls_cert);
  if (tls_key == NULL && config->tls_key != NULL)
    tls_key = g_strdup (config->tls_key);
  if (tls_cert == NULL && tls_key == NULL)
    {
      /* Under systemd, the credentials (LoadCredential=) */
      tls_cert = alta_config_dup_credential ("tls-cert");
      tls_key = alta_config_dup_credential ("tls-key");
    }

  if (tls_cert != NULL || tls_key != NULL)
    {
      if (tls_cert == NULL || tls_key == NULL)
        {
          g_printerr ("myaltamed-portald: --tls-cert and --tls-key go together\n");
          alta_config_free (config);
          return 2;
        }

      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("myaltamed-portald: cannot load the TLS certificate: %s\n", error->message);
          alta_config_free (config);
          return 1;
        }
    }
  else if (!insecure_http)
    {
      g_printerr ("myaltamed-portald: HTTPS needs --tls-cert and --tls-key, tls_cert and "
                  "tls_key in the configuration, or the credentials tls-cert and tls-key "
                  "(plain HTTP on loopback needs --insecure-http)\n");
      alta_config_free (config);
      return 2;
    }

  server = alta_server_new (data_dir, config, &error);
  if (server == NULL)
    {
      g_printerr ("myaltamed-portald: %s\n", error->message);
      return 1;
    }

  return run_server (server, listen, certificate);
}

static int
demo (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *listen = NULL;
  int port = 8443;
  gboolean import = FALSE;
  g_autoptr (GOptionContext) context = g_option_context_new ("[--import FILE...] - run a demo clinic on loopback");
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (AltaServer) server = NULL;
  g_autoptr (GError) error = NULL;
  AltaConfig *config;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The demo's data folder (default ./demo-data)", "DIR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default 8443; 0 picks one)", "N" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "F" },
    { "import", 0, 0, G_OPTION_ARG_NONE, &import, "Import the FHIR files named after the options, with accounts", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("myaltamed-portald demo: %s\n", error->message);
      return 2;
    }

  if (data_dir == NULL)
    data_dir = g_strdup ("demo-data");
  if (port < 0 || port > 65535)
    {
      g_printerr ("myaltamed-portald demo: --port must be 0…65535\n");
      return 2;
    }

  config = alta_config_load (config_path, &error);
  if (config == NULL)
    {
      g_printerr ("myaltamed-portald: %s: %s\n", config_path, error->message);
      return 2;
    }

  server = alta_server_new (data_dir, config, &error);
  if (server == NULL)
    {
      g_printerr ("myaltamed-portald: %s\n", error->message);
      return 1;
    }

  certificate = alta_demo_prepare (server, data_dir, &error);
  if (certificate == NULL)
    {
      g_printerr ("myaltamed-portald: cannot make the demo clinic: %s\n", error->message);
      return 1;
    }

  if (import && argc > 1 &&
      !alta_demo_import (server, data_dir, (const char * const *)argv + 1, &error))
    g_printerr ("myaltamed-portald demo: %s\n", error->message);
  g_clear_error (&error);

  alta_demo_print_summary (data_dir);

  listen = g_strdup_printf ("127.0.0.1:%d", port);
  return run_server (server, listen, certificate);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Every file the server makes (database, key, outbox, certificates) holds patient data
   * or secrets: for its own user only, whatever the umask it was started with. */
  umask (077);
  g_log_set_writer_func (alta_log_writer, NULL, NULL);
  /* Log lines, a request's info line too, on standard error: standard output is for the
   * commands' own answers (demo's accounts, admin's listings). */
  g_log_writer_default_set_use_stderr (TRUE);

  if (argc < 2)
    {
      g_printerr ("%s", usage);
      return 2;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("myaltamed-portald %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print ("%s", usage);
      return 0;
    }

  if (g_str_equal (argv[1], "serve"))
    return serve (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "demo"))
    return demo (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "admin"))
    return alta_admin_run (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "import"))
    return alta_admin_import (argc - 1, argv + 1);

  g_printerr ("myaltamed-portald: unknown command “%s”\n%s", argv[1], usage);
  return 2;
}
