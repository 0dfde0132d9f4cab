/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The streaming core both elements share: caps -> settings -> connection,
 * audio -> clipped, re-chunked frames with their timeline, server events ->
 * documented bus messages, end of session -> the right GStreamer error, and
 * the EOS drain (Terminate, wait for Termination). GObject glue stays in the
 * element files; this class holds no GObject state of its own. */
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include "chunker.h"
#include "gstassemblyaiprops.h"
#include "io_thread.h"
#include "session.h"
#include "timeline.h"

namespace aai
{

class Stream : public SessionListener
{
 public:
  explicit Stream(GstElement *owner);
  ~Stream() override;

  /* Property access: lock() guards props. */
  std::mutex &lock() { return lock_; }
  SharedProps props;

  /* NULL->READY / READY->NULL. */
  void open();
  void close();
  /* READY->PAUSED: checks credentials (posts NOT_AUTHORIZED and returns
   * false without any). PAUSED->READY: Terminate, close, forget. */
  bool start();
  void stop();

  /* Caps from the sink pad; connects at once. False (after posting an
   * error) on caps we cannot stream or invalid settings. */
  bool set_caps(GstCaps *caps);
  /* Clips @buf to @segment, records its times, sends whole chunks. */
  GstFlowReturn push(GstBuffer *buf, const GstSegment &segment);
  /* EOS: send the last (padded) chunk and Terminate, then wait until
   * Termination, the end of the session, terminate-timeout or flushing. */
  void drain();
  /* drain(), then let the session go: the next push() opens a new one
   * (a segment or format change mid-stream, so words of the old session
   * keep the old timeline). */
  void end_session();
  /* After a flush (stop() on FLUSH_START): the next push() reconnects. */
  void resume();
  /* Flushing (basesink unlock/unlock_stop, state changes). */
  void set_flushing(bool flushing);

  /* Call after a property set in any state (takes lock()): in PLAYING,
   * mid-stream-changeable session parameters go out as UpdateConfiguration. */
  void settings_changed(const Settings &before);
  void force_endpoint();

  std::string session_id() const;
  uint64_t audio_sent() const;

  /* Called on the I/O thread for every parsed server event, after the bus
   * message is posted (the transcriber's text output hooks in here). */
  std::function<void(const ServerEvent &)> on_event;

  /* Times of a service timestamp (ms of session audio). */
  MediaTimes times_at_ms(int64_t ms) const;

  /* SessionListener (I/O thread). */
  void on_server_event(const ServerEvent &event,
                       const std::string &raw) override;
  void on_malformed_frame(const std::string &error,
                          const std::string &raw) override;
  void on_session_end(const EndReport &report) override;

 private:
  bool connect_locked();
  void post(GstStructure *s);
  void post_error_for(const EndReport &r);
  GstStructure *turn_structure(const TurnEvent &t, const std::string &raw);
  void add_times(GstStructure *s, const MediaTimes &t);

  GstElement *owner_;
  std::mutex lock_; /* props, session, chunker, flags */
  std::condition_variable cond_;
  std::shared_ptr<IoThread> io_;
  std::shared_ptr<Session> session_;
  std::unique_ptr<Chunker> chunker_;
  mutable std::mutex timeline_lock_; /* streaming thread writes, I/O reads */
  std::unique_ptr<Timeline> timeline_;
  Settings active_; /* settings of the running session */
  std::string display_url_;
  bool have_format_ = false; /* caps seen: push() may (re)connect */
  bool flushing_ = false;
  bool session_over_ = false; /* Termination received or session ended */
  bool failed_ = false;
  bool terminate_sent_ = false;
  uint64_t audio_sent_ = 0;
};

}  // namespace aai
