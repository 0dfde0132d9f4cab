/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One emulated Voice Agent session (the "conversation"), which outlives
 * its connections for the grace window: its configuration, the caller's
 * turns from the script as its input audio advances, the agent's replies,
 * tool calls and interruptions. Emulator thread only; everything it says
 * goes out through the Emit callback of the connection it is attached to,
 * and into its record. */
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <json-glib/json-glib.h>

#include "agent_audio.h"
#include "agent_service.h"

namespace aai_emu
{

class AgentConversation
{
 public:
  using Emit = std::function<void(const std::string &json)>;
  using Record = std::function<void(
      const std::function<void(AgentConversationRecord &)> &)>;

  /* A session.update the service refuses. */
  struct Refusal {
    std::string code;
    std::string message;
  };

  AgentConversation(std::string id, AgentEmuConfig cfg, Record record);

  const std::string &id() const { return id_; }
  AgentFormat input_format() const { return input_; }
  /* The first session.update (@first) or a later one; nothing applied on
   * refusal. */
  std::optional<Refusal> configure(JsonObject *session, bool first);
  /* The connection that speaks for the session now (after session.ready
   * was sent on it); the greeting follows a new session's session.ready. */
  void attach(Emit emit, bool fresh);
  void detach(int64_t now_us);
  /* Resumable at @now_us: detached for less than the grace window. */
  bool resumable(int64_t now_us) const;
  bool attached() const { return static_cast<bool>(emit_); }
  void end();
  bool ended() const { return ended_; }

  /* Caller audio (already decoded). */
  void audio(size_t bytes);
  void tool_result(const std::string &call_id, const std::string &result);
  void reply_create(const std::optional<std::string> &instructions);
  /* Sends a server event (not audio): to the connection and the record. */
  void event(const std::string &json);

 private:
  struct Reply {
    std::string id;
    std::string text;
    int64_t start_ms = 0;
    int64_t duration_ms = 0;
    std::string tool_call; /* call id; "" for none */
    size_t record = 0;     /* index in the record's replies */
  };
  struct Call {
    std::string id;
    bool reply_done = false;
  };

  void advance_to(int64_t ms);
  void speech_started(int64_t ms);
  void word_heard(size_t word);
  void turn_ended(int64_t ms);
  void reply_ended(int64_t ms);
  void start_reply(const std::string &text, bool tool, int64_t ms);
  void queue_reply(const std::string &text, bool tool, int64_t ms);
  std::string turn_text(size_t words) const;

  std::string id_;
  AgentEmuConfig cfg_;
  Record record_;
  Emit emit_;
  bool ended_ = false;
  int64_t detached_at_us_ = -1;

  /* Session settings. */
  AgentFormat input_ = AgentFormat::Pcm;
  AgentFormat output_ = AgentFormat::Pcm;
  std::string greeting_;
  std::string voice_ = "ivy";
  std::string system_prompt_;
  int volume_ = -1;
  int min_silence_ms_ = -1;
  bool interrupt_ = true;
  std::vector<std::string> tools_;
  bool configured_ = false;

  /* Input side. */
  uint64_t bytes_ = 0;
  int64_t now_ms_ = 0;
  size_t next_turn_ = 0; /* script turn not started yet */
  bool speaking_ = false;
  size_t words_heard_ = 0;
  int items_ = 0;
  std::string last_user_text_;

  /* Output side. */
  std::optional<Reply> reply_; /* playing, in input-audio time */
  struct Queued {
    std::string text;
    bool tool;
  };
  std::deque<Queued> queued_;
  std::vector<Call> calls_;
  int replies_ = 0;
};

}  // namespace aai_emu
