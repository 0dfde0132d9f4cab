/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The voice agent's audio output: the src pad and the task that pushes it.
 *
 * The output is a live stream in running time, like a capture source: the
 * task pushes one kChunk buffer when the pipeline clock reaches its start,
 * agent speech while some is queued and silence otherwise, so timestamps
 * are continuous and live consumers (audio sinks, RTP payloaders, mixers)
 * never wait. Agent speech therefore never sits more than one chunk ahead
 * of the clock in downstream elements; on barge-in the queue is dropped
 * and, with flush_on_cut, downstream is flushed too (what an audio sink
 * still holds in its device buffer). Other threads only queue; the task
 * alone pushes, so the I/O thread never blocks on downstream. */
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "agent_protocol.h"

namespace aai
{

class AgentOutput
{
 public:
  static constexpr GstClockTime kChunk = 20 * GST_MSECOND;

  AgentOutput(GstElement *owner, GstPad *pad);
  ~AgentOutput();

  /* The caps for @e. */
  static GstCaps *caps_for(AgentEncoding e);

  /* A new stream in @e: stream-start (@stream_id, group of the input),
   * caps and a TIME segment precede the first buffer. */
  void begin(AgentEncoding e,
             const std::string &stream_id,
             guint group_id,
             bool flush_on_cut);
  /* Agent speech at the end of the queue. Returns its running time, or
   * GST_CLOCK_TIME_NONE before the output started (not yet PLAYING). */
  GstClockTime queue_audio(const std::vector<uint8_t> &audio);
  /* Barge-in: drops the queued speech (returns its duration) and, when
   * agent speech went out recently, flushes downstream. */
  GstClockTime cut();
  /* No agent speech queued. */
  bool idle() const;
  /* Running time of the next buffer; GST_CLOCK_TIME_NONE before the
   * first. */
  GstClockTime position() const;
  /* EOS after the queued speech. */
  void queue_eos();
  /* Blocks until EOS was pushed; false if flushing came first. */
  bool wait_eos_pushed();

  void set_playing(bool playing);
  void set_flush_on_cut(bool flush);
  /* Called on the task after every buffer, without a lock held. */
  void set_tick(std::function<void()> fn);
  /* Leaving PAUSED: drops the queue and releases wait_eos_pushed() before
   * the pads are deactivated (which waits for the streaming thread). */
  void unblock();
  /* Pad activation (push mode): starts / stops the task. */
  bool set_active(bool active);

 private:
  static void task_func(gpointer data);
  void loop();
  bool wait_clock(std::unique_lock<std::mutex> &l, GstClockTime running);
  void push_chunk(std::unique_lock<std::mutex> &l);
  void flush_downstream();
  GstClockTime bytes_to_time(size_t bytes) const;

  GstElement *owner_;
  GstPad *pad_;

  mutable std::mutex lock_;
  std::condition_variable cond_;
  std::deque<GstEvent *> events_; /* stream-start, caps, segment */
  std::deque<uint8_t> queue_;     /* agent speech not yet pushed */
  std::function<void()> tick_;
  int rate_ = 24000;
  int bps_ = 2;
  uint8_t silence_ = 0;
  size_t chunk_bytes_ = 0;
  bool have_stream_ = false;
  bool flush_on_cut_ = true;
  bool flushing_ = true;
  bool playing_ = false;
  bool eos_ = false;
  bool eos_pushed_ = false;
  bool flush_pending_ = false;
  GstClockID clock_id_ = nullptr;
  GstClockTime pos_ = GST_CLOCK_TIME_NONE;        /* next buffer */
  GstClockTime speech_end_ = GST_CLOCK_TIME_NONE; /* end of the last speech */
  GstSegment segment_;

  /* Task thread only. */
  bool discont_ = true;
};

}  // namespace aai
