/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Runs one voice-agent conversation for assemblyaivoiceagent: feeds the
 * state machine (core/agent_state.h) with caller audio, server events and
 * connection ends, and carries out what it decides: connections (with a
 * fresh credential each, in the order the other elements use), sends,
 * agent speech into the AgentOutput, barge-in cuts, reconnection timers.
 *
 * Threads: the streaming thread pushes audio, the I/O thread delivers
 * events, the output task ticks; all of them only take the driver's lock
 * and queue work. Everything application-facing (bus messages, the
 * tool-call signal, warnings and errors) runs on the driver's dispatcher
 * (core/dispatcher.h), in order, never on the I/O thread and never under
 * a lock a property getter takes. */
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "agent_connection.h"
#include "agent_state.h"
#include "chunker.h"
#include "dispatcher.h"
#include "gstassemblyaiagentoutput.h"
#include "gstassemblyaicredentials.h"
#include "io_thread.h"
#include "net_options.h"

namespace aai
{

/* Where and how to connect; fixed for a conversation. */
struct AgentConnectSettings {
  std::string url;
  std::string api_key;   /* secret */
  std::string token;     /* secret, single use */
  std::string token_url; /* mint a token before every connection */
  unsigned max_session_duration_s = 0;
  NetOptions net;
  unsigned connect_timeout_ms = 10000;
  int reconnect_attempts = 10;
  unsigned reconnect_max_backoff_ms = 30000;
};

/* When an event happened on the output's timeline. */
struct AgentTiming {
  GstClockTime running_time = GST_CLOCK_TIME_NONE; /* output position */
  /* transcript.agent: where its reply's speech is, and for how long;
   * transcript.user: the output position. */
  GstClockTime text_pts = GST_CLOCK_TIME_NONE;
  GstClockTime text_duration = GST_CLOCK_TIME_NONE;
};

class AgentDriver
{
 public:
  struct Hooks {
    /* Dispatcher thread. */
    std::function<void(const AgentAction &notify, const AgentTiming &t)> event;
    /* The tool-call signal: the result, or nothing to answer later. */
    std::function<std::optional<std::string>(const AgentToolCall &call)>
        tool_call;
    std::function<void(const AgentProblem &p, bool fatal)> problem;
  };

  /* @request_token_signal: the element's request-token signal (see
   * CredentialSource). */
  AgentDriver(GstElement *owner,
              AgentOutput *output,
              Hooks hooks,
              guint request_token_signal);
  ~AgentDriver();
  AgentDriver(const AgentDriver &) = delete;
  AgentDriver &operator=(const AgentDriver &) = delete;

  /* NULL->READY / READY->NULL (waits for the connections to end). */
  void open();
  void close();
  /* READY->PAUSED / PAUSED->READY; deactivate() also ends the
   * conversation (session.end), stops retrying and drops the
   * application-facing work not delivered yet. */
  void activate();
  void deactivate();

  /* Starts the conversation (first caps). */
  void begin(const AgentConfig &config, const AgentConnectSettings &s);
  bool running() const;
  /* Caller audio; false once the conversation failed (the error is on the
   * bus by then). @wait_for_room (non-live input): while there is no
   * ready session and the audio held for it is full, wait instead of
   * dropping the oldest (until set_flushing(), deactivate() or failure). */
  bool push_audio(const uint8_t *data, size_t size, bool wait_for_room);
  /* FLUSH_START / FLUSH_STOP on the sink pad: releases push_audio(). */
  void set_flushing(bool flushing);
  /* EOS: keeps the line open (silence to the service) until nothing is in
   * progress and the agent is silent, sends session.end, waits for
   * session.ended; each wait bounded by @timeout_ms in all. Returns when
   * the messages of the conversation are on the bus. */
  void finish(unsigned timeout_ms);

  /* Property changes during the conversation; returns the immutable
   * fields refused. */
  std::vector<std::string> change_config(const AgentConfig &wanted);
  /* The session configuration was sent: immutable fields are fixed. */
  bool configured() const;
  bool tool_result(const std::string &call_id, const std::string &result);
  void create_reply(const std::optional<std::string> &instructions);

  std::string session_id() const;
  uint64_t audio_sent() const;
  uint64_t agent_audio_received() const;
  std::string display_url() const;

 private:
  struct Anchor;

  void execute_locked(AgentActions actions);
  void connect_locked();
  void open_connection_locked(const Credential &c);
  void retire_locked();
  void credential(uint64_t gen, const CredentialAnswer &answer);
  void on_open(uint64_t id);
  void ready_timeout(uint64_t id);
  void on_text(uint64_t id, const std::string &raw);
  void on_end(uint64_t id, const EndReport &r);
  void retry_due(uint64_t gen);
  void tick();
  void feed_locked(std::vector<std::vector<uint8_t>> frames);
  AgentTiming timing_locked(const AgentAction &a);
  void post_problem(const AgentProblem &p, bool fatal);
  void post_locked(std::function<void()> job);

  GstElement *owner_;
  AgentOutput *output_;
  Hooks hooks_;
  std::shared_ptr<Dispatcher> dispatcher_ = Dispatcher::create();
  std::shared_ptr<Anchor> anchor_;

  mutable std::mutex lock_;
  std::condition_variable cond_;
  std::shared_ptr<IoThread> io_;
  std::unique_ptr<AgentMachine> machine_;
  std::unique_ptr<Chunker> chunker_;
  AgentConnectSettings settings_;
  std::string display_url_;
  int input_bytes_per_ms_ = 48;

  std::shared_ptr<AgentConnection> conn_; /* the current one */
  uint64_t conn_id_ = 0;                  /* its id; 0: none */
  uint64_t last_conn_id_ = 0;
  /* Every connection until it has ended: its last reference is dropped
   * here, never on the I/O thread. */
  std::vector<std::shared_ptr<AgentConnection>> conns_;
  CredentialSource credentials_;
  uint64_t cred_gen_ = 0; /* invalidates stale credentials */
  uint64_t conv_gen_ = 0; /* invalidates stale timers */
  bool input_ended_ = false;
  /* Silence sent after the end of the input (ms), and how much the
   * service needs to end the caller's last turn. */
  unsigned trailing_silence_ms_ = 0;
  unsigned end_silence_ms_ = 0;
  size_t max_pending_bytes_ = 0;
  bool flushing_ = false;
  bool finished_ = false;
  bool failed_ = false;
  bool stopping_ = false;

  /* The reply being played, for the agent text's timestamps. */
  GstClockTime reply_pts_ = GST_CLOCK_TIME_NONE;
  GstClockTime reply_length_ = 0;
};

}  // namespace aai
