/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ASSEMBLYAI_VOICE_AGENT (gst_assemblyai_voice_agent_get_type())
G_DECLARE_FINAL_TYPE(GstAssemblyAIVoiceAgent,
                     gst_assemblyai_voice_agent,
                     GST,
                     ASSEMBLYAI_VOICE_AGENT,
                     GstElement)

GST_ELEMENT_REGISTER_DECLARE(assemblyaivoiceagent);

G_END_DECLS
