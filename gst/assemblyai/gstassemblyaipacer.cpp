/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaipacer.h"

namespace aai
{

GstFlowReturn ClockPacer::wait(GstClockTime running_time)
{
  if (!GST_CLOCK_TIME_IS_VALID(running_time))
    return GST_FLOW_OK;
  std::unique_lock<std::mutex> l(lock_);
  for (;;) {
    if (flushing_)
      return GST_FLOW_FLUSHING;
    if (!playing_) {
      cond_.wait(l);
      continue;
    }
    GstClock *clock = gst_element_get_clock(owner_);
    if (!clock)
      return GST_FLOW_OK;
    GstClockID id = gst_clock_new_single_shot_id(
        clock, gst_element_get_base_time(owner_) + running_time);
    gst_object_unref(clock);
    id_ = id;
    l.unlock();
    GstClockReturn r = gst_clock_id_wait(id, nullptr);
    l.lock();
    id_ = nullptr;
    gst_clock_id_unref(id);
    /* Unscheduled by a state change: look again. */
    if (r != GST_CLOCK_UNSCHEDULED)
      return GST_FLOW_OK;
  }
}

void ClockPacer::set_state(bool playing, bool flushing)
{
  std::lock_guard<std::mutex> l(lock_);
  playing_ = playing;
  flushing_ = flushing;
  if (id_)
    gst_clock_id_unschedule(id_);
  cond_.notify_all();
}

}  // namespace aai
