/* alta-messages-page.c: conversations with the care team
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-messages-page"

#include "config.h"

#include <glib/gi18n.h>

#include "alta-format.h"
#include "alta-messages-page.h"

/* The session's threads, newest first; one open with its messages and a reply; a new
 * message. What is typed lives in the session's drafts, bound to the views here: a failed
 * send, another page or a lost connection leave it, and sign-out takes it. Sends and reads
 * run in the session, so they finish even when the person goes elsewhere meanwhile.
 */

typedef enum
{
  COMPOSER_NEW,
  COMPOSER_REPLY,
  N_COMPOSERS
} ComposerKind;

typedef struct
{
  GtkTextView   *text_view;
  GtkLabel      *error_label;
  GtkSpinner    *spinner;
  GtkWidget     *cancel_button;
  GtkButton     *send_button;
  GBindingGroup *bindings;
  GSignalGroup  *signals;
} Composer;

typedef enum
{
  VIEW_LIST,
  VIEW_THREAD,
  VIEW_COMPOSE,
} View;

struct _AltaMessagesPage
{
  AdwBin         parent_instance;

  AltaSession   *session;
  GSignalGroup  *session_signals;
  GSignalGroup  *threads_signals;
  GCancellable  *cancellable;     /* the sends and reads of this session */
  View           view;
  char          *thread_id;       /* the thread open */
  Composer       composers[N_COMPOSERS];

  /* Template widgets */
  GtkLabel      *empty_label;
  GtkLabel      *list_error_label;
  GtkSpinner    *refresh_spinner;
  GtkListBox    *messages_list;
  GtkSpinner    *loading_spinner;
  GtkTextView   *new_text_view;
  GtkLabel      *new_error_label;
  GtkSpinner    *new_spinner;
  GtkWidget     *new_cancel_button;
  GtkButton     *new_send_button;
  GtkTextView   *reply_text_view;
  GtkLabel      *reply_error_label;
  GtkSpinner    *reply_spinner;
  GtkWidget     *reply_cancel_button;
  GtkButton     *reply_send_button;
  GtkStack      *stack;
  AdwEntryRow   *subject_row;
  GtkListBox    *threads_list;
  GtkLabel      *topic_label;
};

G_DEFINE_FINAL_TYPE (AltaMessagesPage, alta_messages_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
topic_or_default (const char *topic)
{
  return topic != NULL && *topic != '\0' ? topic : _("(No subject)");
}

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A thread is a button in its row, as a report is in the results list */
static GtkWidget *
make_thread_row (AltaMessageThread *thread)
{
  const char *topic = topic_or_default (alta_message_thread_get_topic (thread));
  AltaMessage *latest = alta_message_thread_get_latest (thread);
  guint n_unread = alta_message_thread_get_n_unread (thread);
  g_autofree char *date = alta_format_date (alta_message_thread_get_date (thread));
  const char *who = alta_message_get_from_patient (latest) ? _("You") : _("Your care team");
  g_autofree char *detail = NULL;
  g_autofree char *spoken = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *topic_label = gtk_label_new (topic);
  GtkWidget *detail_label;

  /* Translators: under a conversation's subject: who wrote last, and when ("Your care
   * team, March 4, 2026") */
  detail = g_strdup_printf (_("%1$s, %2$s"), who, date != NULL ? date : "");
  detail_label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (topic_label), 0);
  gtk_label_set_wrap (GTK_LABEL (topic_label), TRUE);
  if (n_unread > 0)
    gtk_widget_add_css_class (topic_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0);
  gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_widget_add_css_class (detail_label, "caption");
  gtk_box_append (GTK_BOX (names), topic_label);
  gtk_box_append (GTK_BOX (names), detail_label);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_widget_set_valign (names, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), names);

  if (n_unread > 0)
    {
      GtkWidget *badge = gtk_label_new (C_("message", "Unread"));

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "accent");
      gtk_widget_add_css_class (badge, "heading");
      gtk_box_append (GTK_BOX (box), badge);
      /* Translators: a conversation as a screen reader reads it: "Unread: Test results,
       * Your care team, March 4, 2026" */
      spoken = g_strdup_printf (_("Unread: %1$s, %2$s"), topic, detail);
    }
  else
    spoken = g_strdup_printf (_("%1$s, %2$s"), topic, detail);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "report-row");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "messages.open-thread");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s",
                                    alta_message_thread_get_id (thread));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static GtkWidget *
make_message_row (AltaMessage *message)
{
  g_autofree char *date = alta_format_date (alta_record_item_get_date (ALTA_RECORD_ITEM (message)));
  const char *who = alta_message_get_from_patient (message) ? _("You") : _("Your care team");
  const char *text = alta_message_get_text (message);
  g_autofree char *heading = g_strdup_printf (_("%1$s, %2$s"), who, date != NULL ? date : "");
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading_label = gtk_label_new (heading);
  GtkWidget *text_label = gtk_label_new (text != NULL ? text : "");

  gtk_label_set_xalign (GTK_LABEL (heading_label), 0);
  gtk_label_set_wrap (GTK_LABEL (heading_label), TRUE);
  gtk_widget_add_css_class (heading_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text_label), TRUE);
  gtk_widget_set_visible (text_label, text != NULL);
  gtk_box_append (GTK_BOX (box), heading_label);
  gtk_box_append (GTK_BOX (box), text_label);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* GTK 4.8 forgets the name a text button takes from its label once the button was hidden
 * and is shown again (it then reads "GtkButton"): a view shown again names them anew */
static void
name_text_buttons (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_button_get_label (GTK_BUTTON (widget)), -1);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_text_buttons (child);
}

static void
update_composer (AltaMessagesPage *self,
                 ComposerKind      kind)
{
  Composer *composer = &self->composers[kind];
  g_autoptr (AltaMessageDraft) draft = g_binding_group_dup_source (composer->bindings);
  AltaDraftState state = draft != NULL ? alta_message_draft_get_state (draft)
                                       : ALTA_DRAFT_STATE_EDITING;
  const char *error = draft != NULL ? alta_message_draft_get_error_message (draft) : NULL;
  gboolean sending = state == ALTA_DRAFT_STATE_SENDING;
  const char *label;

  gtk_label_set_text (composer->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (composer->error_label),
                          state == ALTA_DRAFT_STATE_FAILED && error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (composer->spinner), sending);
  gtk_spinner_set_spinning (composer->spinner, sending);
  gtk_widget_set_visible (composer->cancel_button, sending);
  if (sending)
    name_text_buttons (composer->cancel_button);
  label = state == ALTA_DRAFT_STATE_FAILED ? _("Retry") : _("Send");
  gtk_button_set_label (composer->send_button, label);
  /* GTK 4.8 loses a button's name from its label when its view is hidden and shown again */
  gtk_accessible_update_property (GTK_ACCESSIBLE (composer->send_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self),
                                 kind == COMPOSER_NEW ? "messages.send-new" : "messages.send-reply",
                                 draft != NULL && alta_message_draft_get_can_send (draft));
}

static void
on_new_draft_changed_cb (AltaMessagesPage *self)
{
  update_composer (self, COMPOSER_NEW);
}

static void
on_reply_draft_changed_cb (AltaMessagesPage *self)
{
  update_composer (self, COMPOSER_REPLY);
}

/* Each composer shows its draft: the new message's, and the open thread's reply */
static void
bind_drafts (AltaMessagesPage *self)
{
  gboolean has_record = self->session != NULL && alta_session_get_record_id (self->session) != NULL;
  AltaMessageDraft *new_draft = has_record ? alta_session_get_draft (self->session, NULL) : NULL;
  AltaMessageDraft *reply_draft = has_record && self->thread_id != NULL
                                    ? alta_session_get_draft (self->session, self->thread_id)
                                    : NULL;

  g_binding_group_set_source (self->composers[COMPOSER_NEW].bindings, new_draft);
  g_signal_group_set_target (self->composers[COMPOSER_NEW].signals, new_draft);
  g_binding_group_set_source (self->composers[COMPOSER_REPLY].bindings, reply_draft);
  g_signal_group_set_target (self->composers[COMPOSER_REPLY].signals, reply_draft);

  /* Nothing of a draft stays in a view without one */
  if (new_draft == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->subject_row), "");
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->new_text_view), "", -1);
    }
  if (reply_draft == NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reply_text_view), "", -1);

  update_composer (self, COMPOSER_NEW);
  update_composer (self, COMPOSER_REPLY);
}

static void
fill_thread (AltaMessagesPage *self)
{
  AltaMessageThread *thread = self->session != NULL
                                ? alta_session_find_thread (self->session, self->thread_id)
                                : NULL;
  GListModel *messages;

  remove_rows (self->messages_list);
  if (thread == NULL)
    {
      gtk_label_set_text (self->topic_label, "");
      return;
    }

  gtk_label_set_text (self->topic_label, topic_or_default (alta_message_thread_get_topic (thread)));
  messages = alta_message_thread_get_messages (thread);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr (AltaMessage) message = g_list_model_get_item (messages, i);

      gtk_list_box_append (self->messages_list, make_message_row (message));
    }
}

static void
show_view (AltaMessagesPage *self)
{
  AltaLoadState state = self->session != NULL ? alta_session_get_messages_state (self->session)
                                              : ALTA_LOAD_STATE_LOADING;
  const char *name;

  switch (self->view)
    {
    case VIEW_THREAD:
      name = "thread";
      break;
    case VIEW_COMPOSE:
      name = "compose";
      break;
    case VIEW_LIST:
    default:
      name = state == ALTA_LOAD_STATE_LOADED ? "list"
             : state == ALTA_LOAD_STATE_FAILED ? "failed"
                                                : "loading";
      break;
    }

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (name, "loading"));

  /* Only the view shown is visible: the others would still be read by a screen reader
   * (and their buttons, of the same names, found), as a stack keeps its pages' widgets */
  gtk_widget_set_visible (gtk_stack_get_child_by_name (self->stack, name), TRUE);
  gtk_stack_set_visible_child_name (self->stack, name);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != gtk_stack_get_visible_child (self->stack))
      gtk_widget_set_visible (child, FALSE);
  name_text_buttons (gtk_stack_get_visible_child (self->stack));
}

static void
rebuild (AltaMessagesPage *self)
{
  GListModel *threads = self->session != NULL ? alta_session_get_threads (self->session) : NULL;
  guint n = threads != NULL ? g_list_model_get_n_items (threads) : 0;

  remove_rows (self->threads_list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaMessageThread) thread = g_list_model_get_item (threads, i);

      gtk_list_box_append (self->threads_list, make_thread_row (thread));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->threads_list), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);

  /* The thread open stays open with its new messages; one that is gone closes */
  if (self->view == VIEW_THREAD && self->session != NULL &&
      alta_session_find_thread (self->session, self->thread_id) == NULL)
    self->view = VIEW_LIST;
  fill_thread (self);
  show_view (self);
}

static void
close_all (AltaMessagesPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->list_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_spinner), FALSE);
  gtk_spinner_set_spinning (self->refresh_spinner, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.refresh", TRUE);
  self->view = VIEW_LIST;
  g_clear_pointer (&self->thread_id, g_free);
  bind_drafts (self);
  rebuild (self);
}

static void
mark_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (AltaMessagesPage) self = user_data;
  g_autoptr (GError) error = NULL;

  /* The session logged it; the thread stays unread, to be marked the next time */
  alta_session_mark_thread_read_finish (ALTA_SESSION (object), result, &error);
}

/* "messages.open-thread": a thread's messages, and its reply; opening it reads it */
static void
messages_open_thread_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  AltaMessageThread *thread = self->session != NULL ? alta_session_find_thread (self->session, id)
                                                    : NULL;

  if (thread == NULL)
    return;

  g_free (self->thread_id);
  self->thread_id = g_strdup (id);
  self->view = VIEW_THREAD;
  bind_drafts (self);
  fill_thread (self);
  show_view (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->topic_label));

  if (alta_message_thread_get_n_unread (thread) > 0)
    alta_session_mark_thread_read_async (self->session, id, self->cancellable, mark_read_cb,
                                         g_object_ref (self));
}

static void
messages_compose_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (widget);

  if (self->session == NULL)
    return;

  self->view = VIEW_COMPOSE;
  show_view (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->subject_row));
}

static void
messages_back_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (widget);

  self->view = VIEW_LIST;
  show_view (self);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (AltaMessagesPage) self = user_data;
  g_autoptr (GError) error = NULL;

  /* The draft says how it went; a new message sent opens its thread */
  if (alta_session_send_draft_finish (ALTA_SESSION (object), result, &error) &&
      self->view == VIEW_COMPOSE && self->session == ALTA_SESSION (object))
    {
      GListModel *threads = alta_session_get_threads (self->session);
      g_autoptr (AltaMessageThread) newest = g_list_model_get_item (threads, 0);

      if (newest != NULL)
        {
          g_autoptr (GVariant) id =
            g_variant_ref_sink (g_variant_new_string (alta_message_thread_get_id (newest)));

          messages_open_thread_action (GTK_WIDGET (self), "messages.open-thread", id);
        }
    }
}

static void
send_draft (AltaMessagesPage *self,
            ComposerKind      kind)
{
  g_autoptr (AltaMessageDraft) draft = g_binding_group_dup_source (self->composers[kind].bindings);

  if (self->session == NULL || draft == NULL || !alta_message_draft_get_can_send (draft))
    return;

  alta_session_send_draft_async (self->session, draft, self->cancellable, send_cb,
                                 g_object_ref (self));
}

static void
messages_send_new_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  send_draft (ALTA_MESSAGES_PAGE (widget), COMPOSER_NEW);
}

static void
messages_send_reply_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  send_draft (ALTA_MESSAGES_PAGE (widget), COMPOSER_REPLY);
}

/* "messages.cancel": stops waiting for a slow portal; the draft keeps its text and its
 * request id, so sending it again cannot make a second message */
static void
messages_cancel_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
set_refreshing (AltaMessagesPage *self,
                gboolean          refreshing)
{
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_spinner), refreshing);
  gtk_spinner_set_spinning (self->refresh_spinner, refreshing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.refresh", !refreshing);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (AltaMessagesPage) self = user_data;
  g_autoptr (GError) error = NULL;

  set_refreshing (self, FALSE);
  if (!alta_session_refresh_messages_finish (ALTA_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = alta_format_error (error);

      gtk_label_set_text (self->list_error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->list_error_label), TRUE);
    }
}

/* "messages.refresh": the record's messages read again, for answers that came since */
static void
messages_refresh_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (widget);

  if (self->session == NULL || alta_session_get_record_id (self->session) == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->list_error_label), FALSE);
  set_refreshing (self, TRUE);
  alta_session_refresh_messages_async (self->session, self->cancellable, refresh_cb,
                                       g_object_ref (self));
}

static void
on_session_bind_cb (AltaMessagesPage *self,
                    AltaSession      *session,
                    GSignalGroup     *group)
{
  g_signal_group_set_target (self->threads_signals, alta_session_get_threads (session));
  close_all (self);
}

/* Nothing of the last session stays on the page, and nothing of it still runs */
static void
on_session_unbind_cb (AltaMessagesPage *self,
                      GSignalGroup     *group)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_signal_group_set_target (self->threads_signals, NULL);
  close_all (self);
}

/* Another record shown: its own drafts and threads */
static void
on_record_changed_cb (AltaMessagesPage *self)
{
  close_all (self);
}

static void
on_threads_changed_cb (AltaMessagesPage *self)
{
  rebuild (self);
}

static void
alta_messages_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_messages_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      alta_messages_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_messages_page_dispose (GObject *object)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->threads_signals != NULL)
    g_signal_group_set_target (self->threads_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->threads_signals);
  for (guint i = 0; i < N_COMPOSERS; i++)
    {
      if (self->composers[i].bindings != NULL)
        g_binding_group_set_source (self->composers[i].bindings, NULL);
      if (self->composers[i].signals != NULL)
        g_signal_group_set_target (self->composers[i].signals, NULL);
      g_clear_object (&self->composers[i].bindings);
      g_clear_object (&self->composers[i].signals);
    }
  /* The bin lets its child go first: disposing the template unparents a child with an id */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), ALTA_TYPE_MESSAGES_PAGE);

  G_OBJECT_CLASS (alta_messages_page_parent_class)->dispose (object);
}

static void
alta_messages_page_finalize (GObject *object)
{
  AltaMessagesPage *self = ALTA_MESSAGES_PAGE (object);

  g_clear_pointer (&self->thread_id, g_free);

  G_OBJECT_CLASS (alta_messages_page_parent_class)->finalize (object);
}

static void
alta_messages_page_class_init (AltaMessagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = alta_messages_page_dispose;
  object_class->finalize = alta_messages_page_finalize;
  object_class->get_property = alta_messages_page_get_property;
  object_class->set_property = alta_messages_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ALTA_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A page is not read itself: its heading and lists are */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/net/myaltamed/MyAltaMed/ui/alta-messages-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, list_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, messages_list);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, new_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, new_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, new_send_button);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, new_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, new_text_view);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, reply_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, reply_error_label);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, reply_send_button);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, reply_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, reply_text_view);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, threads_list);
  gtk_widget_class_bind_template_child (widget_class, AltaMessagesPage, topic_label);

  gtk_widget_class_install_action (widget_class, "messages.back", NULL, messages_back_action);
  gtk_widget_class_install_action (widget_class, "messages.cancel", NULL, messages_cancel_action);
  gtk_widget_class_install_action (widget_class, "messages.compose", NULL,
                                   messages_compose_action);
  gtk_widget_class_install_action (widget_class, "messages.open-thread", "s",
                                   messages_open_thread_action);
  gtk_widget_class_install_action (widget_class, "messages.refresh", NULL,
                                   messages_refresh_action);
  gtk_widget_class_install_action (widget_class, "messages.send-new", NULL,
                                   messages_send_new_action);
  gtk_widget_class_install_action (widget_class, "messages.send-reply", NULL,
                                   messages_send_reply_action);
}

static void
init_composer (AltaMessagesPage *self,
               ComposerKind      kind,
               GtkTextView      *text_view,
               GtkLabel         *error_label,
               GtkSpinner       *spinner,
               GtkWidget        *cancel_button,
               GtkButton        *send_button,
               GCallback         changed_cb)
{
  Composer *composer = &self->composers[kind];
  const char *notifications[] = { "notify::state", "notify::can-send", "notify::error-message" };

  composer->text_view = text_view;
  composer->error_label = error_label;
  composer->spinner = spinner;
  composer->cancel_button = cancel_button;
  composer->send_button = send_button;
  composer->bindings = g_binding_group_new ();
  g_binding_group_bind (composer->bindings, "text", gtk_text_view_get_buffer (text_view), "text",
                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  if (kind == COMPOSER_NEW)
    g_binding_group_bind (composer->bindings, "subject", self->subject_row, "text",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  composer->signals = g_signal_group_new (ALTA_TYPE_MESSAGE_DRAFT);
  for (guint i = 0; i < G_N_ELEMENTS (notifications); i++)
    g_signal_group_connect_swapped (composer->signals, notifications[i], changed_cb, self);
}

static void
alta_messages_page_init (AltaMessagesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  init_composer (self, COMPOSER_NEW, self->new_text_view, self->new_error_label, self->new_spinner,
                 self->new_cancel_button, self->new_send_button,
                 G_CALLBACK (on_new_draft_changed_cb));
  init_composer (self, COMPOSER_REPLY, self->reply_text_view, self->reply_error_label,
                 self->reply_spinner, self->reply_cancel_button, self->reply_send_button,
                 G_CALLBACK (on_reply_draft_changed_cb));

  self->session_signals = g_signal_group_new (ALTA_TYPE_SESSION);
  g_signal_connect_object (self->session_signals, "bind", G_CALLBACK (on_session_bind_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session_signals, "unbind", G_CALLBACK (on_session_unbind_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->session_signals, "notify::record-id",
                                  G_CALLBACK (on_record_changed_cb), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::messages-state",
                                  G_CALLBACK (show_view), self);

  self->threads_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->threads_signals, "items-changed",
                                  G_CALLBACK (on_threads_changed_cb), self);
  close_all (self);
}

/**
 * alta_messages_page_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
AltaSession *
alta_messages_page_get_session (AltaMessagesPage *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGES_PAGE (self), NULL);

  return self->session;
}

/**
 * alta_messages_page_set_session:
 * @session: (nullable): the session, or %NULL to show nothing
 */
void
alta_messages_page_set_session (AltaMessagesPage *self,
                                AltaSession      *session)
{
  g_return_if_fail (ALTA_IS_MESSAGES_PAGE (self));
  g_return_if_fail (session == NULL || ALTA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
