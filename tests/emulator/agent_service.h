/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The Voice Agent API in the emulator (tests/emulator/README.md, "Voice
 * Agent"): the WebSocket at /v1/ws (and /v1/voice, its older name) and
 * GET /v1/token, on the emulator's own server and thread. The caller's
 * audio is "transcribed" from a script by the amount of audio received;
 * replies are synthesized audio whose length follows their text. Get it
 * with Emulator::agent(). */
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator.h"

typedef struct _SoupServer SoupServer;

namespace aai_emu
{

struct AgentEmuConfig {
  std::vector<std::string> api_keys{"test-key"};
  std::vector<std::string> voices{"ivy", "claire", "sam"};
  /* Stored agents (agent_id -> greeting, "" for none). */
  std::map<std::string, std::string> stored_agents{{"agent_demo", ""}};
  /* The caller's turns, in ms of the conversation's input audio. */
  Script script;
  int ms_per_char = 40;     /* length of the synthesized replies */
  int min_silence_ms = 600; /* end of a user turn, unless the session sets it */
  /* A user turn containing this calls the session's first tool. */
  std::string tool_trigger = "weather";
  /* How long a disconnected session can be resumed. */
  int64_t grace_ms = 30000;
};

/* Faults on demand; set_faults() replaces them. */
struct AgentFaults {
  /* Drop the TCP connection (no close frame) when the conversation's input
   * audio reaches this many ms; once. -1: never. */
  int64_t drop_at_audio_ms = -1;
  /* Leave the first message (session.update or session.resume) of the
   * next ignore_setup connections unanswered. */
  int ignore_setup = 0;
  /* Refuse the next refuse_count upgrades with this HTTP status. */
  int refuse_status = 0;
  int refuse_count = 0;
};

struct AgentReplyRecord {
  std::string reply_id;
  std::string text;
  int64_t start_ms = 0;    /* input audio time it started at */
  int64_t duration_ms = 0; /* of its audio */
  bool interrupted = false;
  bool done = false;
  size_t spoken_chars = 0; /* of text, when interrupted */
  std::string tool_call;   /* call id it made, if any */
};

struct AgentConversationRecord {
  std::string id;
  std::vector<std::string> updates; /* every session.update, as received */
  uint64_t audio_bytes = 0;         /* input received, all connections */
  int64_t audio_ms = 0;             /* input processed */
  /* Every server event but reply.audio, in order, over all connections. */
  std::vector<std::string> events;
  uint64_t reply_audio_bytes = 0; /* reply audio sent (decoded) */
  std::vector<AgentReplyRecord> replies;
  std::vector<std::pair<std::string, std::string>> tool_results;
  int early_tool_results = 0; /* sent before the reply's reply.done */
  int stale_tool_results = 0; /* for a call not waiting for one */
  int connections = 0;
  bool ended = false; /* session.end, or the grace window ran out */
};

struct AgentConnectionRecord {
  std::string path;
  std::map<std::string, std::string> params;  /* decoded query */
  std::map<std::string, std::string> headers; /* lower-case names */
  int http_status = 0;                        /* refused upgrade */
  bool rejected = false;
  std::string conversation; /* id of the session it carried */
  bool resumed = false;
  /* Client messages but input.audio, in order. */
  std::vector<std::string> client_messages;
  uint64_t audio_bytes = 0;
  int audio_before_ready = 0; /* input.audio before session.ready */
  int events = 0;             /* server messages sent, but reply.audio */
  bool dropped = false, closed = false;
  int close_code = 0;
};

class AgentService
{
 public:
  struct Snapshot {
    std::vector<AgentConnectionRecord> connections;
    std::vector<AgentConversationRecord> conversations;
    std::vector<TokenRequest> token_requests;
    /* Client messages being handled right now: a snapshot with none is
     * consistent (everything a message causes is in it). */
    int handling = 0;
  };

  explicit AgentService(Emulator::Impl *impl);
  ~AgentService();
  AgentService(const AgentService &) = delete;
  AgentService &operator=(const AgentService &) = delete;

  void configure(const AgentEmuConfig &cfg);
  void set_faults(const AgentFaults &faults);
  /* ws://127.0.0.1:PORT/v1/ws (or @path). */
  std::string ws_url(const std::string &path = "/v1/ws") const;
  std::string token_url() const;
  /* A single-use token, as GET /v1/token would mint it. */
  std::string mint_token(int expires_in_seconds = 60);

  Snapshot snapshot() const;
  bool wait_for(const std::function<bool(const Snapshot &)> &pred,
                int timeout_ms) const;

  /* Emulator thread (emulator.cpp). */
  void add_routes(SoupServer *server);
  void teardown();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_emu
