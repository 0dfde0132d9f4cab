/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Audio the service takes (docs/input-formats.md): mono S16LE or mu-law,
 * 8-48 kHz. */
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

#ifdef __cplusplus
#include <atomic>
#include <mutex>
#include <string>

#include <gst/gst.h>

namespace aai
{

/* Keeps a wrong input format from ending in a bare not-negotiated (or,
 * behind a decoder that drops what it cannot push, in a silent empty
 * transcript): one clear error that names the format and the fix.
 *
 * - CAPS and ACCEPT_CAPS queries answer only what the service takes, so
 *   converters upstream convert; a refused offer gets one warning with the
 *   fix (converters probe this way before converting, so it is no error);
 * - a probe on the sink pad posts the error when caps the service cannot
 *   take are set (before the pad refuses them), and at EOS when audio was
 *   refused and none came.
 * A link that gst-launch itself refuses (decodebin's delayed linking) never
 * reaches the element: docs/input-formats.md says what to write instead. */
class InputGuard
{
 public:
  /* Installs the probe on @sinkpad of @owner. */
  void install(GstElement *owner, GstPad *sinkpad);
  /* A new run (READY->PAUSED): the error may be posted again. */
  void reset();

  /* Answers a CAPS / ACCEPT_CAPS query on the sink pad; false for other
   * queries. */
  bool handle_query(GstPad *pad, GstQuery *query);

  /* "stereo F32LE at 44100 Hz" */
  static std::string describe(GstCaps *caps);

 private:
  static GstPadProbeReturn on_event(GstPad *pad,
                                    GstPadProbeInfo *info,
                                    gpointer data);
  void refuse(GstCaps *caps);

  GstElement *owner_ = nullptr;
  std::mutex lock_;
  std::string refused_; /* the last format refused */
  bool have_caps_ = false;
  bool posted_ = false; /* the error, once a run */
  bool warned_ = false; /* the hint for a probe, once a run */
};

}  // namespace aai
#endif
