/* alta-notifier.c: desktop notifications of what came while the window was not looked at
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-notifier.h"

/* While someone is signed in, the window's notifier asks the portal now and then, on the
 * app's own initiative, for new messages from the care team and newly released results
 * (alta_session_poll_async(): every request marked `X-Portal-Activity: background`, so the
 * polls never keep anyone signed in). What a poll finds fills the session's models, so Home
 * and the pages follow. How often: alta-poll-schedule.c, after how much of the window the
 * person sees.
 *
 * When something new comes while the window is not focused, a GNotification says so with no
 * health information at all: no sender, subject, test name or value, not even whose record.
 * Its default action, app.show-page, presents the window on the page that has it. The
 * notifications go when the window is focused again and at sign-out; polling stops at
 * sign-out.
 *
 * Desktop mode only: a shared computer (the station and kiosk modes) sets
 * AltaNotifier:enabled to FALSE, which stops polling and withdraws what was sent.
 *
 * MYALTAMED_POLL_UNIT_MS shortens the schedule's minute, for tests.
 */

struct _AltaNotifier
{
  GObject           parent_instance;

  GtkWindow        *window;          /* weak */
  AltaSession      *session;
  gboolean          enabled;
  AltaPollSchedule *schedule;
  GCancellable     *cancellable;     /* of the poll under way, if any */
  guint             timeout_id;
  gboolean          sent[2];         /* messages, results: shown and not withdrawn */
};

G_DEFINE_FINAL_TYPE (AltaNotifier, alta_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
monotonic_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static double
random_fraction (gpointer user_data)
{
  return g_random_double ();
}

static gint64
unit_from_environment (void)
{
  const char *value = g_getenv ("MYALTAMED_POLL_UNIT_MS");
  guint64 ms;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 10, 3600 * 1000, &ms, NULL))
    return (gint64)ms * 1000;

  return 60 * G_USEC_PER_SEC;
}

static AltaPresence
presence_of (GtkWindow *window)
{
  GdkSurface *surface;

  if (window == NULL || !gtk_widget_get_visible (GTK_WIDGET (window)))
    return ALTA_PRESENCE_HIDDEN;
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  if (surface == NULL || !gdk_surface_get_mapped (surface) ||
      (GDK_IS_TOPLEVEL (surface) &&
       (gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0))
    return ALTA_PRESENCE_HIDDEN;
  if (!gtk_window_is_active (window))
    return ALTA_PRESENCE_INACTIVE;

  return ALTA_PRESENCE_ACTIVE;
}

static GApplication *
application_of (AltaNotifier *self)
{
  GtkApplication *application = self->window != NULL ?
                                gtk_window_get_application (self->window) : NULL;

  return application != NULL ? G_APPLICATION (application) : NULL;
}

static void
withdraw (AltaNotifier *self)
{
  GApplication *application = application_of (self);
  const char *ids[] = { ALTA_NOTIFIER_MESSAGES, ALTA_NOTIFIER_RESULTS };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      if (self->sent[i] && application != NULL)
        g_application_withdraw_notification (application, ids[i]);
      self->sent[i] = FALSE;
    }
}

static void
notify_new (AltaNotifier *self,
            guint         which)
{
  GApplication *application = application_of (self);
  g_autoptr (GNotification) notification = NULL;
  g_autoptr (GIcon) icon = g_themed_icon_new (APP_ID);

  if (application == NULL || !g_application_get_is_registered (application))
    return;

  if (which == 0)
    {
      notification = g_notification_new (_("New message in MyAltaMed"));
      g_notification_set_body (notification, _("Open MyAltaMed to read it."));
      g_notification_set_default_action_and_target (notification, "app.show-page", "s",
                                                    "messages");
    }
  else
    {
      notification = g_notification_new (_("New test results in MyAltaMed"));
      g_notification_set_body (notification, _("Open MyAltaMed to see them."));
      g_notification_set_default_action_and_target (notification, "app.show-page", "s",
                                                    "results");
    }
  g_notification_set_icon (notification, icon);
  g_application_send_notification (application,
                                   which == 0 ? ALTA_NOTIFIER_MESSAGES : ALTA_NOTIFIER_RESULTS,
                                   notification);
  self->sent[which] = TRUE;
  g_message ("Notified of new %s", which == 0 ? "messages" : "results");
}

static void schedule_next (AltaNotifier *self);

static void
poll_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (AltaNotifier) self = user_data;
  g_autoptr (GError) error = NULL;
  guint new_messages = 0, new_results = 0;
  gboolean ok;

  ok = alta_session_poll_finish (ALTA_SESSION (object), result, &new_messages, &new_results,
                                 &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (!ok)
    g_message ("A background check for new messages failed: %s", error->message);
  if (self->session != ALTA_SESSION (object) || !self->enabled)
    return;

  alta_poll_schedule_polled (self->schedule, new_messages + new_results > 0, !ok);
  if (presence_of (self->window) != ALTA_PRESENCE_ACTIVE)
    {
      if (new_messages > 0)
        notify_new (self, 0);
      if (new_results > 0)
        notify_new (self, 1);
    }
  schedule_next (self);
}

static gboolean
poll_due_cb (gpointer user_data)
{
  AltaNotifier *self = user_data;

  self->timeout_id = 0;
  if (self->session == NULL || !self->enabled || self->cancellable != NULL)
    return G_SOURCE_REMOVE;

  self->cancellable = g_cancellable_new ();
  alta_session_poll_async (self->session, self->cancellable, poll_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
stop (AltaNotifier *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/* The next poll's timer, from the schedule; none while one is under way */
static void
schedule_next (AltaNotifier *self)
{
  gint64 delay;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->session == NULL || !self->enabled || self->cancellable != NULL)
    return;

  delay = alta_poll_schedule_get_delay (self->schedule);
  self->timeout_id = g_timeout_add_full (G_PRIORITY_LOW, (guint)((delay + 999) / 1000),
                                         poll_due_cb, self, NULL);
  g_source_set_name_by_id (self->timeout_id, "[myaltamed] background poll");
}

static void
presence_changed (AltaNotifier *self)
{
  AltaPresence presence = presence_of (self->window);

  if (presence == alta_poll_schedule_get_presence (self->schedule))
    return;

  alta_poll_schedule_set_presence (self->schedule, presence);
  /* The person sees the app: what was said is no longer news */
  if (presence == ALTA_PRESENCE_ACTIVE)
    withdraw (self);
  schedule_next (self);
}

static void
on_window_realize_cb (GtkWidget    *window,
                      AltaNotifier *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_signal_connect_object (surface, "notify::state", G_CALLBACK (presence_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (surface, "notify::mapped", G_CALLBACK (presence_changed), self,
                           G_CONNECT_SWAPPED);
}

/**
 * alta_notifier_set_session:
 * @session: (nullable): the signed-in person's, or %NULL at sign-out
 *
 * Polls for @session from now on; %NULL stops polling and withdraws the notifications.
 */
void
alta_notifier_set_session (AltaNotifier *self,
                           AltaSession  *session)
{
  g_return_if_fail (ALTA_IS_NOTIFIER (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (self->session == session)
    return;

  stop (self);
  withdraw (self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      /* The first poll a wait after the record is shown */
      alta_poll_schedule_polled (self->schedule, TRUE, FALSE);
      alta_poll_schedule_set_presence (self->schedule, presence_of (self->window));
      schedule_next (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

AltaSession *
alta_notifier_get_session (AltaNotifier *self)
{
  g_return_val_if_fail (ALTA_IS_NOTIFIER (self), NULL);

  return self->session;
}

/**
 * alta_notifier_set_enabled:
 *
 * Whether the app polls and notifies at all: TRUE on a person's own desktop, FALSE on a
 * shared computer.
 */
void
alta_notifier_set_enabled (AltaNotifier *self,
                           gboolean      enabled)
{
  g_return_if_fail (ALTA_IS_NOTIFIER (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  if (enabled)
    schedule_next (self);
  else
    {
      stop (self);
      withdraw (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

gboolean
alta_notifier_get_enabled (AltaNotifier *self)
{
  g_return_val_if_fail (ALTA_IS_NOTIFIER (self), FALSE);

  return self->enabled;
}

AltaPresence
alta_notifier_get_presence (AltaNotifier *self)
{
  g_return_val_if_fail (ALTA_IS_NOTIFIER (self), ALTA_PRESENCE_HIDDEN);

  return alta_poll_schedule_get_presence (self->schedule);
}

static void
alta_notifier_dispose (GObject *object)
{
  AltaNotifier *self = ALTA_NOTIFIER (object);

  stop (self);
  withdraw (self);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->window);

  G_OBJECT_CLASS (alta_notifier_parent_class)->dispose (object);
}

static void
alta_notifier_finalize (GObject *object)
{
  AltaNotifier *self = ALTA_NOTIFIER (object);

  g_clear_pointer (&self->schedule, alta_poll_schedule_free);

  G_OBJECT_CLASS (alta_notifier_parent_class)->finalize (object);
}

static void
alta_notifier_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AltaNotifier *self = ALTA_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_notifier_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AltaNotifier *self = ALTA_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_notifier_set_session (self, g_value_get_object (value));
      break;
    case PROP_ENABLED:
      alta_notifier_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_notifier_class_init (AltaNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = alta_notifier_dispose;
  object_class->finalize = alta_notifier_finalize;
  object_class->get_property = alta_notifier_get_property;
  object_class->set_property = alta_notifier_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AltaNotifier:enabled:
   *
   * Whether the app polls in the background and sends notifications (desktop mode); a
   * shared computer's modes turn it off.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_notifier_init (AltaNotifier *self)
{
  self->enabled = TRUE;
  self->schedule = alta_poll_schedule_new (unit_from_environment (), monotonic_clock,
                                           random_fraction, NULL);
}

/**
 * alta_notifier_new:
 * @window: the window whose focus and visibility set the pace
 *
 * Returns: (transfer full): a notifier with no session yet
 */
AltaNotifier *
alta_notifier_new (GtkWindow *window)
{
  AltaNotifier *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

  self = g_object_new (ALTA_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->window, window);
  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (presence_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "notify::visible", G_CALLBACK (presence_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "realize", G_CALLBACK (on_window_realize_cb), self, 0);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    on_window_realize_cb (GTK_WIDGET (window), self);
  alta_poll_schedule_set_presence (self->schedule, presence_of (window));

  return self;
}
