/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ASSEMBLYAI_TRANSCRIBER (gst_assemblyai_transcriber_get_type())
G_DECLARE_FINAL_TYPE(GstAssemblyAITranscriber,
                     gst_assemblyai_transcriber,
                     GST,
                     ASSEMBLYAI_TRANSCRIBER,
                     GstElement)

GST_ELEMENT_REGISTER_DECLARE(assemblyaitranscriber);

G_END_DECLS
