/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The voice agent's conversation as a state machine (docs/voice-agent.md):
 * which message goes out when (session.update or session.resume first,
 * input.audio only after session.ready, tool.result only after the
 * reply.done of the reply that asked for it), what a server event means
 * for playback (barge-in cuts the agent off) and for the application, and
 * what to do when the connection drops (resume within the grace window
 * with a fresh credential, or start over).
 *
 * Plain C++ with no I/O and no clock of its own: every input returns the
 * actions to take, in order, and times are passed in (ms on a monotonic
 * clock). The element executes the actions; the unit tests read them. Not
 * thread-safe: the caller serialises the calls. */
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent_problem.h"
#include "agent_protocol.h"
#include "reconnect_policy.h"
#include "session.h"

namespace aai
{

struct AgentAction {
  enum class Kind {
    Connect,     /* get a fresh credential and open a new connection */
    Send,        /* text: a message for the current connection */
    Play,        /* audio: agent speech for the output */
    CutPlayback, /* barge-in: drop the agent speech not yet played */
    Notify,      /* event/raw: a server event for the application */
    ToolCall,    /* event: ask the application for a tool result */
    Warn,        /* problem: a warning; the conversation goes on */
    Fail,        /* problem: an error; the conversation is over */
    Close,       /* close the current connection (no callbacks from it) */
    RetryLater,  /* call retry_due() after delay_ms */
    Finished,    /* the conversation ended as asked */
  };
  Kind kind;
  std::string text;
  std::vector<uint8_t> audio;
  std::optional<AgentEvent> event;
  std::string raw;
  bool resumed = false; /* Notify of session.ready: the same session */
  AgentProblem problem;
  unsigned delay_ms = 0;
};

using AgentActions = std::vector<AgentAction>;

struct AgentMachineOptions {
  int reconnect_attempts = 10; /* -1 = forever, 0 = never */
  unsigned max_backoff_ms = 30000;
  /* How long the service keeps a session after a disconnect. */
  int64_t grace_ms = 30000;
  /* Input audio held while there is no ready session (connecting, an
   * outage); beyond it the oldest is dropped. */
  size_t max_pending_bytes = 480000;
  std::string display_url;          /* redacted, for messages */
  std::function<uint32_t()> random; /* backoff jitter; g_random_int if unset */
};

class AgentMachine
{
 public:
  AgentMachine(AgentConfig config, AgentMachineOptions options);

  /* The conversation starts: connect. */
  AgentActions start();
  /* The WebSocket of the current connection is open. */
  AgentActions opened(int64_t now_ms);
  AgentActions received(const AgentEvent &ev,
                        const std::string &raw,
                        int64_t now_ms);
  AgentActions malformed(const std::string &error, const std::string &raw);
  /* The current connection ended without our asking. */
  AgentActions ended(const EndReport &r, int64_t now_ms);
  /* No credential for the next connection (token-url, request-token or a
   * used single-use token); @retryable failures are retried with backoff. */
  AgentActions credential_failed(const AgentProblem &p, bool retryable);
  AgentActions retry_due();

  /* Caller audio, one chunk (sent at once when ready, else held). */
  AgentActions audio(std::vector<uint8_t> chunk);
  AgentActions tool_result(const std::string &call_id,
                           const std::string &result);
  AgentActions create_reply(const std::optional<std::string> &instructions);
  /* Property changes. Once the session is configured, immutable fields
   * (immutable_agent_changes) are not applied and are listed in @refused;
   * the changeable ones go out as a session.update when ready. */
  AgentActions change_config(const AgentConfig &wanted,
                             std::vector<std::string> *refused);
  /* End the conversation: session.end, then Finished at session.ended
   * (at once without a ready session). */
  AgentActions finish();
  /* Leaving PAUSED: session.end if possible, close, stop retrying. */
  AgentActions stop();

  /* Nothing in progress: no caller speech open, every user turn answered,
   * no reply playing on the service, no tool round trip under way. */
  bool settled() const;
  bool ready() const { return phase_ == Phase::Ready; }
  /* Caller audio held until a session is ready. */
  size_t pending_bytes() const { return pending_bytes_; }
  /* session.update was sent: immutable fields are fixed. */
  bool configured() const { return configured_; }
  bool done() const { return phase_ == Phase::Ended || failed(); }
  bool failed() const { return phase_ == Phase::Failed; }
  const std::string &session_id() const { return session_id_; }
  const AgentConfig &config() const { return wanted_; }
  uint64_t audio_sent() const { return audio_sent_; }
  uint64_t audio_dropped() const { return audio_dropped_; }
  uint64_t agent_audio_received() const { return agent_audio_; }

 private:
  enum class Phase {
    Idle,
    Connecting,  /* a connection is being opened */
    Configuring, /* session.update or session.resume sent */
    Ready,
    Waiting, /* between connections, a retry scheduled */
    Ending,  /* session.end sent */
    Ended,
    Failed,
  };
  struct Call {
    std::string id;
    bool reply_done = false;
    std::optional<std::string> result;
  };

  /* @tool_result: the message answers a call of this session (dropped
   * if the session is lost for good before it goes out). */
  void send(AgentActions &a, std::string msg, bool tool_result = false);
  void forget_conversation();
  void give_up(AgentActions &a, AgentProblem p);
  void retry_or_fail(AgentActions &a, AgentProblem p, Retry kind);
  void on_ready(AgentActions &a,
                const AgentSessionReady &ev,
                const std::string &raw);
  void on_error(AgentActions &a, const AgentSessionError &ev);
  void on_reply_done(AgentActions &a, const AgentReplyDone &ev);
  void send_answered(AgentActions &a);
  void send_changes(AgentActions &a);
  void restart_fresh(AgentActions &a);

  AgentMachineOptions opts_;
  AgentConfig wanted_; /* from the properties, immutable changes refused */
  AgentConfig active_; /* what the service has, or will once it reads
                        * what was sent */
  /* What the service confirmed (session.ready, session.updated), and the
   * configuration after each session.update not answered yet: a resumed
   * session gets again what a lost connection may not have delivered. */
  AgentConfig confirmed_;
  std::deque<AgentConfig> unconfirmed_;
  Phase phase_ = Phase::Idle;
  bool configured_ = false;
  bool resuming_ = false;
  std::string session_id_;
  int64_t lost_at_ms_ = -1;
  unsigned attempt_ = 0;

  struct Held {
    std::string text;
    bool tool_result;
  };
  std::deque<Held> outbox_; /* non-audio messages held until ready */
  std::deque<std::vector<uint8_t>> pending_;
  size_t pending_bytes_ = 0;
  bool warned_drop_ = false;
  uint64_t audio_sent_ = 0;
  uint64_t audio_dropped_ = 0;
  uint64_t agent_audio_ = 0;

  bool user_speaking_ = false;
  bool awaiting_reply_ = false;
  bool reply_active_ = false;
  std::string reply_id_; /* of the last reply.started */
  bool reply_cut_ = false;
  bool awaiting_followup_ = false;
  std::vector<Call> calls_;
  std::set<std::string> discarded_;
};

}  // namespace aai
