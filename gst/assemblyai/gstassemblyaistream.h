/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The streaming core both elements share: caps -> settings -> connection,
 * audio -> clipped, re-chunked frames with their timeline, server events ->
 * documented bus messages, end of session -> the right GStreamer error, and
 * the EOS drain (Terminate, wait for Termination).
 *
 * One stream of audio may be carried by several sessions ("legs") in turn:
 * after a dropped connection or a retryable close the stream reconnects
 * with backoff, and before a session expires it rolls over at a turn
 * boundary. Every leg starts with the audio since the end of the last
 * completed turn (kept in a ReplayBuffer), so speech in flight is heard
 * again; the leg's millisecond timestamps and turn numbers are rewritten
 * onto the stream's own axis, and words before the end of that turn are
 * dropped, so what the elements see is one gapless, duplicate-free stream.
 * GObject glue stays in the element files. */
#pragma once

#include <chrono>
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
#include "net_options.h"
#include "reconnect_policy.h"
#include "replay_buffer.h"
#include "session.h"
#include "timeline.h"

namespace aai
{

class TokenFetch;
struct TokenResult;

class Stream
{
 public:
  explicit Stream(GstElement *owner);
  ~Stream();

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
   * Termination, the end of the session, terminate-timeout or flushing
   * (through reconnections, if the connection drops meanwhile). */
  void drain();
  /* drain(), then let the stream go: the next push() starts a new one
   * (a segment or format change mid-stream). */
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
  guint reconnects() const;

  /* Called on the I/O thread for every server event, after the bus message
   * is posted, with times and turn_order on the stream's axis (the
   * transcriber's text output hooks in here). */
  std::function<void(const ServerEvent &)> on_event;
  /* Called on the I/O thread when a session is lost or replaced mid-stream:
   * the next session hears its unfinished turn again. */
  std::function<void()> on_session_lost;
  /* The element's request-token signal (G_TYPE_STRING, no arguments):
   * when an application handles it, every connection asks it for a token
   * (on a worker thread, since the handler may block). */
  void set_request_token_signal(guint signal_id);

  /* Times of a stream timestamp (ms, as in the events above). */
  MediaTimes times_at_ms(int64_t ms) const;

 private:
  struct Leg;
  struct Anchor;
  struct Credential {
    AuthMode mode = AuthMode::RawHeader;
    std::string value;
  };
  enum class Purpose { Connect, Rollover };

  bool has_request_token() const;

  void start_stream_locked();
  void connect_async_locked(Purpose purpose);
  void on_credential(uint64_t gen, Purpose purpose, const Credential &cred);
  void token_fetched(uint64_t gen, Purpose purpose, const TokenResult &r);
  NetOptions net_options_locked() const;
  void credential_failed(uint64_t gen,
                         Purpose purpose,
                         bool retryable,
                         const std::string &summary,
                         const std::string &text,
                         GQuark domain,
                         gint code,
                         int http_status);
  void open_leg_locked(const Credential &cred, const char *reason);
  void finish_leg_locked(Leg &leg);
  void retire_leg(std::shared_ptr<Leg> leg, bool terminate);
  std::optional<unsigned> retry_later_locked(Retry kind);
  void reconnect_due(uint64_t gen);
  void schedule_rollover_locked(Leg &leg, int64_t expires_at);
  void rollover_due(uint64_t gen, uint64_t leg_id, bool force);
  void switch_leg_locked();

  void leg_event(Leg *leg, const ServerEvent &event, const std::string &raw);
  void leg_malformed(Leg *leg,
                     const std::string &error,
                     const std::string &raw);
  void leg_end(Leg *leg, const EndReport &report);
  bool rewrite_turn_locked(Leg &leg, TurnEvent *t);

  void dispatch_event(Leg *leg, const ServerEvent &ev, const std::string &raw);
  void post(GstStructure *s);
  void post_error_for(const EndReport &r, const std::string &extra);
  static std::string describe_end(const EndReport &r, const std::string &url);
  GstStructure *turn_structure(const TurnEvent &t, const std::string &raw);
  void add_times(GstStructure *s, const MediaTimes &t);

  GstElement *owner_;
  guint request_token_signal_ = 0;
  std::mutex lock_; /* props and everything below but the timeline */
  std::condition_variable cond_;
  std::shared_ptr<IoThread> io_;
  std::shared_ptr<Anchor> anchor_;    /* lets I/O-thread timers reach us */
  std::shared_ptr<Leg> leg_;          /* the session audio goes to */
  std::shared_ptr<TokenFetch> fetch_; /* a token being minted */
  std::unique_ptr<ReplayBuffer> replay_;
  mutable std::mutex timeline_lock_; /* streaming thread writes, I/O reads */
  std::unique_ptr<Timeline> timeline_;
  Settings active_; /* settings of the running stream */
  std::string display_url_;

  bool have_format_ = false; /* caps seen: push() may (re)connect */
  bool live_ = false;
  bool flushing_ = false;
  bool failed_ = false;
  bool stream_open_ = false; /* audio flows: a connection is wanted */
  uint64_t connect_gen_ = 0; /* invalidates stale timers and tokens */
  uint64_t last_leg_id_ = 0;
  std::optional<Credential> prepared_; /* for the next rollover */
  bool draining_ = false;
  bool drained_ = false; /* Termination (or the end) after our Terminate */
  std::chrono::steady_clock::time_point drain_deadline_;
  bool padded_ = false; /* the timeline holds the EOS padding */

  uint64_t committed_ = 0; /* stream sample: end of the last ended turn */
  int64_t next_turn_order_ = 0;
  unsigned attempt_ = 0; /* failed attempts since the last Begin */
  bool outage_ = false;
  std::chrono::steady_clock::time_point outage_start_;
  std::string outage_reason_;
  int outage_close_code_ = 0;
  bool token_used_ = false; /* the token property is single-use */
  guint reconnects_ = 0;
  uint64_t sent_before_ = 0; /* audio bytes sent by earlier legs */
};

}  // namespace aai
