/* alta-password-row.h: a password's row of a boxed list, its title over a GtkPasswordEntry
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ALTA_TYPE_PASSWORD_ROW (alta_password_row_get_type ())

G_DECLARE_DERIVABLE_TYPE (AltaPasswordRow, alta_password_row, ALTA, PASSWORD_ROW, GtkListBoxRow)

struct _AltaPasswordRowClass
{
  GtkListBoxRowClass parent_class;
};

G_END_DECLS
