/* alta-fhir-capability.c: the CapabilityStatement of GET /fhir/R4/metadata
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-capability"

#include "config.h"

#include "alta-fhir-capability.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-resources.h"

/* What the server supports is written out in capability-statement.json, compiled in as a
 * GResource. The file leaves the parts that depend on the moment and on the request empty:
 * date, software.version and implementation.url. tests/test-fhir-capability.c holds the
 * file to the code: its types are those alta_fhir_type_get_all() serves and its search
 * parameters those alta_fhir_search_parse() takes.
 */

#define CAPABILITY_STATEMENT_PATH "/net/myaltamed/MyAltaMed/server/fhir/capability-statement.json"

/**
 * alta_fhir_capability_statement_new:
 * @base_url: the FHIR base the client reached, such as "https://portal.example/fhir/R4"
 * @now: the time of the request
 *
 * Returns: (transfer full): the CapabilityStatement
 */
JsonNode *
alta_fhir_capability_statement_new (const char *base_url,
                                    gint64      now)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *date = alta_fhir_format_instant (now);
  JsonObject      *statement;

  g_return_val_if_fail (base_url != NULL, NULL);

  /* The file is part of the program: it can only be missing or broken in a broken build. */
  bytes = g_resource_lookup_data (alta_fhir_get_resource (), CAPABILITY_STATEMENT_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &error))
    g_error ("The CapabilityStatement in the program is broken: %s", error->message);

  statement = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (statement, "date", date);
  json_object_set_string_member (json_object_get_object_member (statement, "software"),
                                 "version", PACKAGE_VERSION);
  json_object_set_string_member (json_object_get_object_member (statement, "implementation"),
                                 "url", base_url);

  return json_parser_steal_root (parser);
}
