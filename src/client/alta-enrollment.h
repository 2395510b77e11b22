/* alta-enrollment.h: what enrolling and resetting a password read from what was typed, and
 * what they say when the portal refuses
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* (844) 498-3446 with U+00A0 and U+2011 (no-break hyphen): a narrow window never splits it */
#define ALTA_SUPPORT_NUMBER "(844)\u00a0498\u20113446"

typedef enum
{
  ALTA_ENROLLMENT_ACTIVATE,
  ALTA_ENROLLMENT_REQUEST_CODE,
  ALTA_ENROLLMENT_REQUEST_RESET,
  ALTA_ENROLLMENT_CONFIRM_RESET,
} AltaEnrollmentStep;

char *alta_enrollment_normalize_code      (const char         *typed);
char *alta_enrollment_parse_birth_date    (const char         *typed,
                                           const GDate        *today);
char *alta_enrollment_normalize_token     (const char         *typed);
char *alta_enrollment_describe_failure    (AltaEnrollmentStep  step,
                                           const GError       *error);

G_END_DECLS
