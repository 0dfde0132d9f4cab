/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ASSEMBLYAI_SINK (gst_assemblyai_sink_get_type())
G_DECLARE_FINAL_TYPE(GstAssemblyAISink,
                     gst_assemblyai_sink,
                     GST,
                     ASSEMBLYAI_SINK,
                     GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE(assemblyaisink);

G_END_DECLS
