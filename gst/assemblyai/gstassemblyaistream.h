/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The streaming glue both elements share: caps -> settings -> a
 * StreamMachine (core/stream_machine.h: reconnection, replay, rollover and
 * dedup as plain C++), audio buffers -> clipped samples with their times,
 * the machine's notices -> documented bus messages, warnings and errors,
 * and the EOS drain.
 *
 * Threads: the streaming thread pushes audio and drains; the shared I/O
 * thread runs sessions, timers and token requests and feeds their events
 * to the machine; everything the application can observe (bus messages,
 * which run bus sync handlers, property notifications, the element's
 * hooks) runs on the stream's Dispatcher, in order, with no lock held.
 * I/O-thread callbacks reach the stream through a weak pointer, so a late
 * callback after the element is gone finds nothing. */
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <gst/gst.h>

#include "gstassemblyaiprops.h"
#include "stream_machine.h"

namespace aai
{

class Stream
{
 public:
  /* The state shared with the I/O thread's callbacks (internal). */
  struct Core;

 private:
  std::shared_ptr<Core> core_; /* first: props refers into it */

 public:
  explicit Stream(GstElement *owner);
  ~Stream();
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;

  /* Property access: lock() guards props. Never post or notify with it
   * held (property getters take it). */
  std::mutex &lock();
  SharedProps &props;

  /* NULL->READY / READY->NULL. */
  void open();
  void close();
  /* READY->PAUSED: checks credentials and network settings (posts the
   * error and returns false when they cannot work). PAUSED->READY (and
   * FLUSH_START): Terminate, close, forget. */
  bool start();
  void stop();

  /* Caps from the sink pad; starts connecting at once. False (after
   * posting an error) on caps we cannot stream or invalid settings. */
  bool set_caps(GstCaps *caps);
  /* Live input is never held back: during an outage its audio is queued up
   * to the replay bound, then the oldest is dropped (with a warning).
   * Non-live input waits for the reconnection instead of losing audio. */
  void set_live(bool live);
  /* Clips @buf to @segment, records its times, sends whole chunks. */
  GstFlowReturn push(GstBuffer *buf, const GstSegment &segment);
  /* EOS: send the last (padded) chunk and Terminate, then wait until
   * Termination (through reconnections, if a session is lost meanwhile),
   * the stream's failure or flushing; then until every notice reached
   * the bus and the hooks (so an error comes before the EOS). */
  void drain();
  /* drain(), then let the stream go: the next push() starts a new one
   * (a segment or format change mid-stream). */
  void end_session();
  /* Audio was pushed since the last end_session() or stop(). */
  bool has_audio() const;
  /* After a flush (stop() on FLUSH_START): the next push() reconnects. */
  void resume();
  /* Flushing (basesink unlock/unlock_stop, state changes). */
  void set_flushing(bool flushing);

  /* Call after a property set in any state: in PLAYING, mid-stream-
   * changeable session parameters go out as UpdateConfiguration. */
  void settings_changed(const Settings &before);
  void force_endpoint();

  std::string session_id() const;
  uint64_t audio_sent() const;
  guint reconnects() const;

  /* Hooks, set once before the element is used; they run on the
   * dispatcher, in order with the bus messages. on_event: every server
   * event on the stream's axis, after its message. on_session_lost: a
   * session was lost or replaced mid-stream and the next one hears its
   * unfinished turn again. */
  void set_hooks(std::function<void(const EventNotice &)> on_event,
                 std::function<void()> on_session_lost);
  /* The element's request-token signal (G_TYPE_STRING, no arguments). */
  void set_request_token_signal(guint signal_id);

  /* Where the service got in the input (progress). */
  MediaTimes transcribed_position() const;
  /* Answers a POSITION query in TIME with the stream time the service
   * got to; false when there is nothing to say (no stream, other
   * formats). */
  bool answer_position(GstQuery *query) const;
  /* Times of a stream timestamp (ms) of the current or last stream. */
  MediaTimes times_at_ms(int64_t ms) const;
};

}  // namespace aai
