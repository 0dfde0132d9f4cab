/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * plugin-assemblyai:
 *
 * Real-time speech-to-text with AssemblyAI's Universal-Streaming API (v3),
 * over a WebSocket, CEA-608 closed captions from the words, and spoken
 * conversations with its Voice Agent API.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstassemblyaicea608enc.h"
#include "gstassemblyaisink.h"
#include "gstassemblyaitranscriber.h"
#include "gstassemblyaivoiceagent.h"

static gboolean plugin_init(GstPlugin *plugin)
{
  gboolean ok = GST_ELEMENT_REGISTER(assemblyaisink, plugin);
  ok |= GST_ELEMENT_REGISTER(assemblyaitranscriber, plugin);
  ok |= GST_ELEMENT_REGISTER(assemblyaicea608enc, plugin);
  ok |= GST_ELEMENT_REGISTER(assemblyaivoiceagent, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR,
                  GST_VERSION_MINOR,
                  assemblyai,
                  "AssemblyAI real-time speech-to-text",
                  plugin_init,
                  VERSION,
                  GST_LICENSE,
                  GST_PACKAGE_NAME,
                  GST_PACKAGE_ORIGIN)
