/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_ASSEMBLYAI_CEA608_ENC (gst_assemblyai_cea608_enc_get_type())
G_DECLARE_FINAL_TYPE(GstAssemblyAICea608Enc,
                     gst_assemblyai_cea608_enc,
                     GST,
                     ASSEMBLYAI_CEA608_ENC,
                     GstElement)

GST_ELEMENT_REGISTER_DECLARE(assemblyaicea608enc);

G_END_DECLS
