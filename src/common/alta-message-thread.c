/* alta-message-thread.c: a first message and every message that answers it
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-message-thread"

#include "config.h"

#include <string.h>

#include "alta-message-thread.h"

/* The contract's thread (portal-api.md, "messages"): a first message and all that name it in
 * inResponseTo. A clinician may answer an answer, so each message is followed up its
 * inResponseTo to the first one. A message that answers one the app was not given starts a
 * thread of its own. */

struct _AltaMessageThread
{
  GObject      parent_instance;

  char        *id;        /* the first message's */
  GListStore  *messages;  /* AltaMessage, oldest first */
  guint        n_unread;
};

G_DEFINE_FINAL_TYPE (AltaMessageThread, alta_message_thread, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TOPIC,
  PROP_MESSAGES,
  PROP_N_UNREAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Longest chain of answers followed: a loop in what the portal says ends here */
#define MAX_DEPTH 1000

static void
alta_message_thread_dispose (GObject *object)
{
  AltaMessageThread *self = ALTA_MESSAGE_THREAD (object);

  if (self->messages != NULL)
    g_list_store_remove_all (self->messages);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (alta_message_thread_parent_class)->dispose (object);
}

static void
alta_message_thread_finalize (GObject *object)
{
  AltaMessageThread *self = ALTA_MESSAGE_THREAD (object);

  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (alta_message_thread_parent_class)->finalize (object);
}

static void
alta_message_thread_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AltaMessageThread *self = ALTA_MESSAGE_THREAD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TOPIC:
      g_value_set_string (value, alta_message_thread_get_topic (self));
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_N_UNREAD:
      g_value_set_uint (value, self->n_unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_message_thread_class_init (AltaMessageThreadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = alta_message_thread_dispose;
  object_class->finalize = alta_message_thread_finalize;
  object_class->get_property = alta_message_thread_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOPIC] =
    g_param_spec_string ("topic", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_UNREAD] =
    g_param_spec_uint ("n-unread", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_message_thread_init (AltaMessageThread *self)
{
  self->messages = g_list_store_new (ALTA_TYPE_MESSAGE);
}

static gint64
unix_of (AltaMessage *message)
{
  GDateTime *date = alta_record_item_get_date (ALTA_RECORD_ITEM (message));

  return date != NULL ? g_date_time_to_unix (date) : G_MININT64;
}

static int
compare_oldest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 da = unix_of ((AltaMessage *)a);
  gint64 db = unix_of ((AltaMessage *)b);

  return (da > db) - (da < db);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  AltaMessageThread *ta = *(AltaMessageThread **)a;
  AltaMessageThread *tb = *(AltaMessageThread **)b;
  gint64 da = unix_of (alta_message_thread_get_latest (ta));
  gint64 db = unix_of (alta_message_thread_get_latest (tb));

  return (db > da) - (db < da);
}

/* The id of the first message of @message's thread. Answers that answer each other (which
 * a portal should never send) make one thread, named by the smallest of their ids. */
static const char *
find_root (GHashTable  *by_id,
           AltaMessage *message)
{
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (message));

  while (id != NULL && chain->len < MAX_DEPTH)
    {
      const char *answered = alta_message_get_in_response_to (message);
      AltaMessage *parent = answered != NULL ? g_hash_table_lookup (by_id, answered) : NULL;

      g_ptr_array_add (chain, (char *)id);
      if (parent == NULL)
        return id;

      for (guint i = 0; i < chain->len; i++)
        if (g_str_equal (g_ptr_array_index (chain, i), answered))
          {
            const char *smallest = answered;

            for (guint j = i; j < chain->len; j++)
              if (strcmp (g_ptr_array_index (chain, j), smallest) < 0)
                smallest = g_ptr_array_index (chain, j);
            return smallest;
          }

      message = parent;
      id = answered;
    }

  return id;
}

/**
 * alta_message_thread_collect:
 * @messages: (element-type AltaMessage): a record's messages
 *
 * Returns: (transfer full) (element-type AltaMessageThread): their threads, the one with the
 *   newest message first; each thread's messages oldest first
 */
GPtrArray *
alta_message_thread_collect (GListModel *messages)
{
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) threads = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (messages), all);

  n = g_list_model_get_n_items (messages);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaMessage) message = g_list_model_get_item (messages, i);
      const char *id = alta_record_item_get_id (ALTA_RECORD_ITEM (message));

      /* The model keeps its items: borrowed for this call */
      if (id != NULL)
        g_hash_table_insert (by_id, (char *)id, message);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AltaMessage) message = g_list_model_get_item (messages, i);
      const char *root = find_root (by_id, message);
      AltaMessageThread *thread = root != NULL ? g_hash_table_lookup (threads, root) : NULL;

      if (thread == NULL)
        {
          thread = g_object_new (ALTA_TYPE_MESSAGE_THREAD, NULL);
          thread->id = g_strdup (root);
          g_ptr_array_add (all, thread);
          if (thread->id != NULL)
            g_hash_table_insert (threads, thread->id, thread);
        }
      g_list_store_insert_sorted (thread->messages, message, compare_oldest_first, NULL);
      if (alta_message_get_is_unread (message))
        thread->n_unread++;
    }

  g_ptr_array_sort (all, compare_newest_first);
  return all;
}

const char *
alta_message_thread_get_id (AltaMessageThread *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), NULL);

  return self->id;
}

/**
 * alta_message_thread_get_topic:
 *
 * Returns: (nullable): the subject of its first message
 */
const char *
alta_message_thread_get_topic (AltaMessageThread *self)
{
  g_autoptr (AltaRecordItem) first = NULL;

  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), NULL);

  first = g_list_model_get_item (G_LIST_MODEL (self->messages), 0);
  return first != NULL ? alta_record_item_get_title (first) : NULL;
}

/**
 * alta_message_thread_get_messages:
 *
 * Returns: (transfer none): its messages (#AltaMessage), oldest first
 */
GListModel *
alta_message_thread_get_messages (AltaMessageThread *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), NULL);

  return G_LIST_MODEL (self->messages);
}

/**
 * alta_message_thread_get_latest:
 *
 * Returns: (transfer none): its newest message
 */
AltaMessage *
alta_message_thread_get_latest (AltaMessageThread *self)
{
  g_autoptr (AltaMessage) latest = NULL;
  guint n;

  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  g_return_val_if_fail (n > 0, NULL);
  latest = g_list_model_get_item (G_LIST_MODEL (self->messages), n - 1);
  /* The store holds it */
  return latest;
}

/**
 * alta_message_thread_get_date:
 *
 * Returns: (transfer none) (nullable): when its newest message was sent
 */
GDateTime *
alta_message_thread_get_date (AltaMessageThread *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), NULL);

  return alta_record_item_get_date (ALTA_RECORD_ITEM (alta_message_thread_get_latest (self)));
}

/**
 * alta_message_thread_get_n_unread:
 *
 * Returns: how many of its messages from the care team are not read yet
 */
guint
alta_message_thread_get_n_unread (AltaMessageThread *self)
{
  g_return_val_if_fail (ALTA_IS_MESSAGE_THREAD (self), 0);

  return self->n_unread;
}
