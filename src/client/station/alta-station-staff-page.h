/* alta-station-staff-page.h: the station's staff side: find a patient, issue a code
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_STATION_STAFF_PAGE (alta_station_staff_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaStationStaffPage, alta_station_staff_page, ALTA, STATION_STAFF_PAGE, AdwBin)

void        alta_station_staff_page_set_client (AltaStationStaffPage *self,
                                                AltaPortalClient     *client);
void        alta_station_staff_page_clear      (AltaStationStaffPage *self);
void        alta_station_staff_page_focus      (AltaStationStaffPage *self);
const char *alta_station_staff_page_get_code   (AltaStationStaffPage *self);

G_END_DECLS
