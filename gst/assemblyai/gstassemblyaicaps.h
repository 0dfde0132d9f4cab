/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Audio the service takes (DESIGN.md §2): mono S16LE or mu-law, 8-48 kHz. */
#pragma once

#define ASSEMBLYAI_SINK_CAPS                             \
  "audio/x-raw, format=(string)S16LE, channels=(int)1, " \
  "rate=(int)[8000,48000], layout=(string)interleaved; " \
  "audio/x-mulaw, channels=(int)1, rate=(int)[8000,48000]"

/* Said whenever caps are refused, so the fix is in the error itself. */
#define ASSEMBLYAI_CAPS_ADVICE                                             \
  "AssemblyAI takes mono S16LE or mu-law audio at 8000-48000 Hz. Put "     \
  "'audioconvert ! audioresample' in front of the element to convert any " \
  "audio."
