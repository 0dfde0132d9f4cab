/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One stream of audio carried by one or more sessions ("legs"), as plain
 * C++: the reconnect / replay / rollover / dedup state machine both elements
 * share, with no GStreamer, no threads and no clock of its own.
 *
 * Everything outside comes through StreamEnv (the monotonic and wall
 * clocks, timers, credentials and connections), so a unit test drives it
 * with a fake clock and fake connections, and the element glue
 * (gstassemblyaistream.cpp) with the I/O thread and real sessions.
 *
 * What it does:
 * - Every leg starts on a whole millisecond of the stream with the audio
 *   since the end of the last completed turn (kept in a ReplayBuffer), so
 *   speech in flight is heard again; the leg's times and turn numbers are
 *   rewritten onto the stream's axis and words before that turn's end are
 *   dropped: one gapless, duplicate-free stream of events.
 * - A lost session (dropped, retryable close, dead link, no Termination
 *   within terminate-timeout after Terminate, failed connect) is retried
 *   with backoff while attempts remain; otherwise the stream fails.
 * - Before Begin.expires_at it rolls over to a new session at the end of a
 *   turn (or halfway through the rollover window, mid-turn).
 *
 * It is not thread-safe: the owner serialises every call (one mutex), and
 * delivers the notices it produces (take_notices()) outside that lock. */
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chunker.h"
#include "config.h"
#include "protocol.h"
#include "reconnect_policy.h"
#include "replay_buffer.h"
#include "session.h"
#include "timeline.h"

namespace aai
{

struct Credential {
  AuthMode mode = AuthMode::RawHeader;
  std::string value; /* a secret: never logged */
};

/* Why no credential could be had for a connection. */
struct CredentialFailure {
  /* What the GStreamer error would be (the glue maps it to a domain and
   * code). */
  enum class Problem { NotAuthorized, Settings, Busy, Unreachable };
  Problem problem = Problem::Unreachable;
  Retry retry = Retry::Never;
  std::string summary; /* one line */
  std::string text;    /* what happened and what to do */
  int http_status = 0;
};

/* The settings of one stream, fixed when it starts. */
struct StreamParams {
  int sample_rate = 16000;
  Encoding encoding = Encoding::PcmS16le;
  unsigned chunk_ms = 50;
  unsigned replay_ms = 60000;
  int reconnect_attempts = 10; /* in a row; -1: forever */
  unsigned reconnect_max_backoff_ms = 30000;
  unsigned terminate_timeout_ms = 5000;
  /* Each end of turn is followed by a formatted copy (format_turns): a
   * rollover waits for it. */
  bool formatted_follow_up = false;
  /* Live input keeps flowing through an outage (the oldest audio beyond
   * the replay bound is lost); non-live input waits for the session. */
  bool live = false;
  /* Non-live input is sent at most this far (ms of audio) ahead of what
   * the service has shown it processed (0: no limit; see must_wait()). */
  unsigned flow_lead_ms = 0;
  /* Counters that continue across the streams of one run: the stream
   * turn_order of the first turn and the reconnections so far. */
  int64_t first_turn_order = 0;
  unsigned reconnects_before = 0;
};

/* One connection as the machine sees it. Calls never block and may come
 * before the connection is up (the link queues them). */
class Link
{
 public:
  virtual ~Link() = default;
  virtual void send_audio(std::vector<uint8_t> frame) = 0;
  virtual void send_text(std::string message) = 0;
  /* Ends the connection now, after Terminate when @terminate. No event of
   * this link reaches the machine afterwards. */
  virtual void close(bool terminate) = 0;
  /* Audio bytes written to the connection so far. */
  virtual uint64_t audio_bytes_sent() const = 0;
};

enum class LogLevel { Debug, Info, Warning };

class StreamEnv
{
 public:
  virtual ~StreamEnv() = default;
  /* The machine's decisions (connects, losses, retries, rollovers, replay
   * sizes, dropped repeats), for the debug log. Never holds a secret. */
  virtual void log(LogLevel level, const std::string &text)
  {
    (void)level;
    (void)text;
  }
  virtual int64_t monotonic_ms() = 0;
  virtual int64_t unix_ms() = 0;
  virtual uint32_t random() = 0;
  /* Calls StreamMachine::timer_fired(@id) once, after @delay_ms. */
  virtual void start_timer(uint64_t id, unsigned delay_ms) = 0;
  /* Gets a credential for the next connection: returns it (or why there
   * is none) when it is at hand, else nothing and answers later with
   * credential_ready() or credential_failed() for @request. */
  virtual std::optional<std::variant<Credential, CredentialFailure>>
  request_credential(uint64_t request, bool rollover) = 0;
  /* Opens a connection for leg @leg; its events come back through
   * on_event(), on_malformed() and on_end() with that id, never before
   * open_link() has returned. */
  virtual std::unique_ptr<Link> open_link(uint64_t leg,
                                          const Credential &cred) = 0;
};

/* ---- notices: what happened, for the owner to tell the user ---- */

/* Pipeline times of a stream millisecond, computed when the event was
 * processed (the timeline forgets old audio as turns complete). */
struct TimeAt {
  int64_t ms = 0;
  MediaTimes times;
};

/* A server event on the stream's axis (times and turn_order rewritten,
 * repeated words dropped). */
struct EventNotice {
  ServerEvent event;
  std::string raw;
  /* Times of every word start and end (Turn) or of the timestamp
   * (SpeechStarted), sorted by ms. */
  std::vector<TimeAt> times;
  /* The pipeline times of @ms, from times (exact) or nearest. */
  MediaTimes at(int64_t ms) const;
  /* The times of @ms if it is one of the event's own. */
  std::optional<MediaTimes> find(int64_t ms) const;
};

/* A new session continues the stream (after an outage, or a rollover). */
struct ReconnectNotice {
  std::string reason; /* end_reason_name() of the lost session, "rollover" */
  int close_code = 0;
  unsigned attempt = 0;    /* attempts it took */
  unsigned reconnects = 0; /* reconnections of this element so far */
  uint64_t outage_ns = 0;
  uint64_t replayed_ns = 0; /* audio sent again */
  uint64_t lost_ns = 0;     /* audio that could not be sent again */
  std::string session_id;
  bool rollover = false;
};

/* A session was lost; another attempt follows after delay_ms. */
struct LostNotice {
  EndReport report;
  unsigned delay_ms = 0;
  unsigned attempt = 0;
  int max_attempts = 0;
};

/* The next session hears the unfinished turn again (text outputs forget
 * it rather than finish it). */
struct AbandonNotice {
};

/* A credential could not be had; another try follows after delay_ms. */
struct CredentialRetryNotice {
  CredentialFailure failure;
  unsigned delay_ms = 0;
};

/* The stream failed: nothing more will be sent. */
struct FailedNotice {
  std::optional<EndReport> report;             /* a session's end, or */
  std::optional<CredentialFailure> credential; /* no credential */
  unsigned attempts = 0; /* reconnection attempts made before giving up */
};

/* A frame that could not be parsed (the session goes on). */
struct MalformedNotice {
  std::string error;
  std::string raw;
};

/* How far the stream got, about once a second while it runs. */
struct ProgressNotice {
  uint64_t sent_ns = 0;        /* audio sent to the service */
  uint64_t transcribed_ns = 0; /* audio the service showed it processed */
  MediaTimes transcribed;      /* ... as pipeline times */
  double realtime_factor = 0;  /* transcribed audio per wall-clock second */
};

using Notice = std::variant<EventNotice,
                            ReconnectNotice,
                            LostNotice,
                            AbandonNotice,
                            CredentialRetryNotice,
                            FailedNotice,
                            MalformedNotice,
                            ProgressNotice>;

class StreamMachine
{
 public:
  StreamMachine(StreamEnv &env, const StreamParams &params);
  ~StreamMachine();
  StreamMachine(const StreamMachine &) = delete;
  StreamMachine &operator=(const StreamMachine &) = delete;

  /* Asks for the first session's credential. */
  void start();

  /* ---- audio (streaming thread) ---- */

  /* Appends whole samples; @start: the media times of the first one
   * (pts kNone: right after the previous audio). */
  void push(const uint8_t *data, size_t size, const MediaTimes &start);
  /* Non-live input must wait (before push()) while no session is up and
   * @n_samples more would push unsent audio out of the replay buffer, and
   * while @n_samples more would put it more than flow_lead_ms ahead of
   * what the service processed (the service buffers at most 5 minutes and
   * processes at about 1.25x real time): the progress the service shows
   * (word and speech times), or real time since the session began where
   * it shows none (silence). A timer wakes the wait when real time alone
   * allows more. */
  bool must_wait(uint64_t n_samples);
  /* The end of the audio: the last (padded) chunk and Terminate, now and
   * on any later session, each with terminate-timeout to finish. */
  void drain();
  /* The drain is over: Termination came (or the stream failed). */
  bool drained() const { return drained_ || failed_; }
  bool failed() const { return failed_; }
  /* Leaves: Terminate and close the session, cancel every timer and
   * credential request (their answers are ignored). No notice follows. */
  void stop();
  /* A control message (UpdateConfiguration, ForceEndpoint) for the
   * current session; dropped when there is none. */
  void send_control(const std::string &message);
  /* A session began (audio flows to the service). */
  bool connected() const;

  /* ---- from the environment ---- */

  void credential_ready(uint64_t request, const Credential &cred);
  void credential_failed(uint64_t request, const CredentialFailure &f);
  void on_event(uint64_t leg, const ServerEvent &event, const std::string &raw);
  void on_malformed(uint64_t leg,
                    const std::string &error,
                    const std::string &raw);
  void on_end(uint64_t leg, const EndReport &report);
  void timer_fired(uint64_t id);

  /* ---- state ---- */

  std::string session_id() const;
  uint64_t audio_bytes_sent() const;
  unsigned reconnects() const { return reconnects_; }
  int64_t next_turn_order() const { return next_turn_order_; }
  /* Stream time (ms) up to which turns are complete. */
  int64_t committed_ms() const;
  /* Stream ms up to which the service showed it processed the audio. */
  int64_t transcribed_ms() const { return heard_ms_; }
  /* Stream ms of audio pushed. */
  int64_t pushed_ms() const;
  uint64_t total_samples() const { return timeline_.total_samples(); }
  MediaTimes times_at_ms(int64_t ms) const { return timeline_.at_ms(ms); }

  /* Notices produced since the last call, in order. */
  std::vector<Notice> take_notices();

 private:
  struct Leg;
  enum class TimerKind {
    Reconnect,
    Rollover,
    ForceRollover,
    DrainDeadline,
    FlowWake
  };
  struct Timer {
    TimerKind kind;
    uint64_t gen;
    uint64_t leg;
  };

  void request_credential(bool rollover);
  void open_leg(const Credential &cred, const char *reason);
  void finish_leg(Leg &leg);
  void retire_leg(std::unique_ptr<Leg> leg, bool terminate);
  void lose_leg(const EndReport &r);
  std::optional<unsigned> retry_later(Retry kind);
  void fail_stream(FailedNotice n);
  void start_timer(TimerKind kind, uint64_t leg, unsigned delay_ms);
  void schedule_rollover(const Leg &leg, int64_t expires_at);
  void rollover_due(const Timer &t, bool force);
  void switch_leg();
  void on_begin(Leg &leg, const BeginEvent &b);
  bool rewrite_turn(Leg &leg, TurnEvent *t);
  void emit_event(const ServerEvent &ev, const std::string &raw);
  void heard(int64_t stream_ms);
  void maybe_progress();
  unsigned drain_deadline_ms() const;
  Leg *leg_for(uint64_t id) const;

  StreamEnv &env_;
  StreamParams params_;
  ReplayBuffer replay_;
  Timeline timeline_;
  std::unique_ptr<Leg> leg_; /* the session audio goes to */
  std::vector<Notice> notices_;

  std::vector<std::pair<uint64_t, Timer>> timers_; /* pending, by id */
  uint64_t next_timer_id_ = 0;
  uint64_t gen_ = 0; /* moves on to invalidate timers and credentials */
  uint64_t credential_request_ = 0; /* the one whose answer is awaited */
  uint64_t last_request_ = 0;
  bool credential_for_rollover_ = false;
  uint64_t last_leg_id_ = 0;
  std::optional<Credential> prepared_; /* for the next rollover */

  bool stopped_ = false;
  bool failed_ = false;
  bool draining_ = false;
  bool drained_ = false;
  bool padded_ = false; /* the timeline holds the EOS padding */

  uint64_t committed_ = 0; /* stream sample: end of the last ended turn */
  int64_t next_turn_order_ = 0;
  unsigned attempt_ = 0; /* failed attempts since progress was made */
  bool outage_ = false;
  int64_t outage_start_ms_ = 0;
  std::string outage_reason_;
  int outage_close_code_ = 0;
  unsigned reconnects_ = 0;
  uint64_t sent_before_ = 0; /* audio bytes sent by earlier legs */
  int64_t heard_ms_ = 0;     /* the service processed audio up to here */
  bool flow_wake_pending_ = false;
  int64_t started_ms_ = -1;      /* the first Begin (monotonic) */
  int64_t last_progress_ms_ = 0; /* monotonic */
};

}  // namespace aai
