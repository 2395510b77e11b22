/* main.c: myaltamed, the MyAltaMed patient portal app
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "alta-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr (AltaApplication) application = NULL;
  const char *localedir = g_getenv ("MYALTAMED_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = alta_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
