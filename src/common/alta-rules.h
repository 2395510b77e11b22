/* alta-rules.h: the rules of the clinic's patient FAQ, in one place
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Activation codes: 23 characters none of which looks like another (no 0 O 1 I L 2 Z 5 S
 * 8 B U V), 10 of them (about 45 bits), shown as two groups of five.
 */
#define ALTA_ACTIVATION_CODE_ALPHABET "ACDEFGHJKMNPQRTWXY34679"
#define ALTA_ACTIVATION_CODE_LENGTH   10

#define ALTA_PASSWORD_MIN_LENGTH      8
#define ALTA_PASSWORD_MAX_LENGTH      128
#define ALTA_PROXY_CHILD_MAX_AGE      11
#define ALTA_ADULT_AGE                18

typedef enum
{
  ALTA_AGE_BAND_CHILD,        /* 0–11: proxy access by a parent or guardian */
  ALTA_AGE_BAND_ADOLESCENT,   /* 12–17: no portal access at all */
  ALTA_AGE_BAND_ADULT,        /* 18 and over */
} AltaAgeBand;

typedef enum
{
  ALTA_PASSWORD_OK,
  ALTA_PASSWORD_TOO_SHORT,
  ALTA_PASSWORD_TOO_LONG,
  ALTA_PASSWORD_MATCHES_USERNAME,
  ALTA_PASSWORD_COMMON,
} AltaPasswordProblem;

typedef enum
{
  ALTA_RELATIONSHIP_SELF,
  ALTA_RELATIONSHIP_CHILD,
  ALTA_RELATIONSHIP_DEPENDENT_ADULT,
} AltaRelationship;

gboolean             alta_rules_parse_date                 (const char          *iso_date,
                                                            GDate               *out_date);
int                  alta_rules_age_on                     (const GDate         *birth_date,
                                                            const GDate         *today);
AltaAgeBand          alta_rules_age_band                   (int                  age);
gboolean             alta_rules_has_portal_access          (const GDate         *birth_date,
                                                            const GDate         *today);
gboolean             alta_rules_proxy_allowed              (AltaRelationship     relationship,
                                                            const GDate         *birth_date,
                                                            const GDate         *today);
gboolean             alta_rules_parse_relationship         (const char          *text,
                                                            AltaRelationship    *out_relationship);
const char          *alta_rules_relationship_to_string     (AltaRelationship     relationship);
AltaPasswordProblem  alta_rules_check_password             (const char          *password,
                                                            const char          *username);
gboolean             alta_rules_is_common_password         (const char          *password);
gboolean             alta_rules_password_contains_username (const char          *password,
                                                            const char          *username);
guint                alta_rules_get_common_password_count  (void);
char                *alta_rules_normalize_activation_code  (const char          *input);
char                *alta_rules_format_activation_code     (const char          *code);
gboolean             alta_rules_is_valid_username          (const char          *username);
gboolean             alta_rules_is_valid_email             (const char          *email);
gboolean             alta_rules_is_valid_language          (const char          *language);
char                *alta_rules_fold_name                  (const char          *name);
gboolean             alta_rules_name_matches               (const char          *name,
                                                            const char          *query);

G_END_DECLS
