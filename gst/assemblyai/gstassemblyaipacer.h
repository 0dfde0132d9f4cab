/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Holds non-live input until the pipeline clock reaches each buffer's
 * running time, the way a synchronising sink (or clocksync) would: a
 * service that expects audio as it is spoken then gets a file at the same
 * pace as a microphone. The streaming thread waits in wait(); state
 * changes and flushes wake it. */
#pragma once

#include <condition_variable>
#include <mutex>

#include <gst/gst.h>

namespace aai
{

class ClockPacer
{
 public:
  explicit ClockPacer(GstElement *owner) : owner_(owner) {}

  /* Blocks until the clock reaches @running_time while PLAYING (in
   * PAUSED it waits for PLAYING). GST_FLOW_FLUSHING when flushing. */
  GstFlowReturn wait(GstClockTime running_time);
  void set_state(bool playing, bool flushing);

 private:
  GstElement *owner_;
  std::mutex lock_;
  std::condition_variable cond_;
  bool playing_ = false;
  bool flushing_ = false;
  GstClockID id_ = nullptr;
};

}  // namespace aai
