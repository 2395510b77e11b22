/* alta-message-draft.h: a message being written, kept by the session until it is sent
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  ALTA_DRAFT_STATE_EDITING,
  ALTA_DRAFT_STATE_SENDING,
  ALTA_DRAFT_STATE_FAILED,
} AltaDraftState;

#define ALTA_TYPE_DRAFT_STATE (alta_draft_state_get_type ())

GType alta_draft_state_get_type (void) G_GNUC_CONST;

#define ALTA_TYPE_MESSAGE_DRAFT (alta_message_draft_get_type ())

G_DECLARE_FINAL_TYPE (AltaMessageDraft, alta_message_draft, ALTA, MESSAGE_DRAFT, GObject)

AltaMessageDraft *alta_message_draft_new               (const char       *record_id,
                                                        const char       *thread_id);
const char       *alta_message_draft_get_record_id     (AltaMessageDraft *self);
const char       *alta_message_draft_get_thread_id     (AltaMessageDraft *self);
const char       *alta_message_draft_get_request_id    (AltaMessageDraft *self);
const char       *alta_message_draft_get_subject       (AltaMessageDraft *self);
void              alta_message_draft_set_subject       (AltaMessageDraft *self,
                                                        const char       *subject);
const char       *alta_message_draft_get_text          (AltaMessageDraft *self);
void              alta_message_draft_set_text          (AltaMessageDraft *self,
                                                        const char       *text);
gboolean          alta_message_draft_get_can_send      (AltaMessageDraft *self);
AltaDraftState    alta_message_draft_get_state         (AltaMessageDraft *self);
const char       *alta_message_draft_get_error_message (AltaMessageDraft *self);
void              alta_message_draft_set_state         (AltaMessageDraft *self,
                                                        AltaDraftState    state,
                                                        const char       *error_message);
void              alta_message_draft_clear             (AltaMessageDraft *self);

G_END_DECLS
