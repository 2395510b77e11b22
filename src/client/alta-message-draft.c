/* alta-message-draft.c: a message being written, kept by the session until it is sent
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-message-draft"

#include "config.h"

#include <string.h>

#include "alta-message-draft.h"

/* What the person typed lives here, not in the compose view: it survives a failed send, a
 * switch of page and a lost connection, and goes with the session at sign-out. The request
 * id is made once per draft and sent with every try (If-None-Exist), so a retry after a lost
 * answer finds the message the first try made instead of sending it twice; a new one is made
 * only once the message is sent.
 */

struct _AltaMessageDraft
{
  GObject         parent_instance;

  char           *record_id;
  char           *thread_id;    /* NULL for a new conversation */
  char           *request_id;
  char           *subject;
  char           *text;
  AltaDraftState  state;
  char           *error_message;
};

G_DEFINE_FINAL_TYPE (AltaMessageDraft, alta_message_draft, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (AltaDraftState, alta_draft_state,
                    G_DEFINE_ENUM_VALUE (ALTA_DRAFT_STATE_EDITING, "editing"),
                    G_DEFINE_ENUM_VALUE (ALTA_DRAFT_STATE_SENDING, "sending"),
                    G_DEFINE_ENUM_VALUE (ALTA_DRAFT_STATE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_SUBJECT,
  PROP_TEXT,
  PROP_CAN_SEND,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wipe_free (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static gboolean
has_words (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static void
alta_message_draft_finalize (GObject *object)
{
  AltaMessageDraft *self = ALTA_MESSAGE_DRAFT (object);

  g_clear_pointer (&self->record_id, g_free);
  g_clear_pointer (&self->thread_id, g_free);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->subject, wipe_free);
  g_clear_pointer (&self->text, wipe_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (alta_message_draft_parent_class)->finalize (object);
}

static void
alta_message_draft_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AltaMessageDraft *self = ALTA_MESSAGE_DRAFT (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject != NULL ? self->subject : "");
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text != NULL ? self->text : "");
      break;
    case PROP_CAN_SEND:
      g_value_set_boolean (value, alta_message_draft_get_can_send (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_message_draft_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AltaMessageDraft *self = ALTA_MESSAGE_DRAFT (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      alta_message_draft_set_subject (self, g_value_get_string (value));
      break;
    case PROP_TEXT:
      alta_message_draft_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_message_draft_class_init (AltaMessageDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = alta_message_draft_finalize;
  object_class->get_property = alta_message_draft_get_property;
  object_class->set_property = alta_message_draft_set_property;

  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_CAN_SEND] =
    g_param_spec_boolean ("can-send", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ALTA_TYPE_DRAFT_STATE, ALTA_DRAFT_STATE_EDITING,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_message_draft_init (AltaMessageDraft *self)
{
  self->request_id = g_uuid_string_random ();
}

/**
 * alta_message_draft_new:
 * @record_id: the record it is about
 * @thread_id: (nullable): the first message of the thread it answers, or %NULL for a new
 *   conversation
 */
AltaMessageDraft *
alta_message_draft_new (const char *record_id,
                        const char *thread_id)
{
  AltaMessageDraft *self;

  g_return_val_if_fail (record_id != NULL, NULL);

  self = g_object_new (ALTA_TYPE_MESSAGE_DRAFT, NULL);
  self->record_id = g_strdup (record_id);
  self->thread_id = g_strdup (thread_id);
  return self;
}

const char *
alta_message_draft_get_record_id (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->record_id;
}

const char *
alta_message_draft_get_thread_id (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->thread_id;
}

/**
 * alta_message_draft_get_request_id:
 *
 * Returns: the id every try of sending this draft carries (a UUID)
 */
const char *
alta_message_draft_get_request_id (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->request_id;
}

const char *
alta_message_draft_get_subject (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->subject != NULL ? self->subject : "";
}

void
alta_message_draft_set_subject (AltaMessageDraft *self,
                                const char       *subject)
{
  gboolean could_send;

  g_return_if_fail (ALTA_IS_MESSAGE_DRAFT (self));

  if (g_strcmp0 (subject != NULL ? subject : "", alta_message_draft_get_subject (self)) == 0)
    return;

  could_send = alta_message_draft_get_can_send (self);
  wipe_free (self->subject);
  self->subject = g_strdup (subject);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
  if (could_send != alta_message_draft_get_can_send (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
}

const char *
alta_message_draft_get_text (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->text != NULL ? self->text : "";
}

void
alta_message_draft_set_text (AltaMessageDraft *self,
                             const char       *text)
{
  gboolean could_send;

  g_return_if_fail (ALTA_IS_MESSAGE_DRAFT (self));

  if (g_strcmp0 (text != NULL ? text : "", alta_message_draft_get_text (self)) == 0)
    return;

  could_send = alta_message_draft_get_can_send (self);
  wipe_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  if (could_send != alta_message_draft_get_can_send (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
}

/**
 * alta_message_draft_get_can_send:
 *
 * Returns: whether it says something (and, for a new conversation, has a subject), and is
 *   not being sent
 */
gboolean
alta_message_draft_get_can_send (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), FALSE);

  return self->state != ALTA_DRAFT_STATE_SENDING && has_words (self->text) &&
         (self->thread_id != NULL || has_words (self->subject));
}

AltaDraftState
alta_message_draft_get_state (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), ALTA_DRAFT_STATE_EDITING);

  return self->state;
}

/**
 * alta_message_draft_get_error_message:
 *
 * Returns: (nullable): why the last try failed, translated, while the state is failed
 */
const char *
alta_message_draft_get_error_message (AltaMessageDraft *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_DRAFT (self), NULL);

  return self->error_message;
}

/**
 * alta_message_draft_set_state:
 * @error_message: (nullable): with %ALTA_DRAFT_STATE_FAILED, what to tell the person
 */
void
alta_message_draft_set_state (AltaMessageDraft *self,
                              AltaDraftState    state,
                              const char       *error_message)
{
  gboolean could_send;

  g_return_if_fail (ALTA_IS_MESSAGE_DRAFT (self));

  could_send = alta_message_draft_get_can_send (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (error_message, self->error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (could_send != alta_message_draft_get_can_send (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * alta_message_draft_clear:
 *
 * Sent: empty again, with a new request id for the next message.
 */
void
alta_message_draft_clear (AltaMessageDraft *self)
{
  g_return_if_fail (ALTA_IS_MESSAGE_DRAFT (self));

  g_free (self->request_id);
  self->request_id = g_uuid_string_random ();
  alta_message_draft_set_subject (self, NULL);
  alta_message_draft_set_text (self, NULL);
  alta_message_draft_set_state (self, ALTA_DRAFT_STATE_EDITING, NULL);
}
