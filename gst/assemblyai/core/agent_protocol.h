/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The wire format of AssemblyAI's Voice Agent API (docs/voice-agent.md):
 * the session configuration and the session.update messages made from it,
 * the other client events, and server events parsed into typed structs.
 * Plain C++ over GLib/json-glib, unit-tested without a pipeline. Parsing
 * never aborts: a malformed frame gives AgentParseResult::error. */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace aai
{

/* Audio formats of the API, the same set for input and output: 24 kHz
 * PCM16 (the default) or 8 kHz G.711 for telephony. Always mono. */
enum class AgentEncoding { Pcm, Pcmu, Pcma };

const char *agent_encoding_name(AgentEncoding e); /* "audio/pcm" ... */
int agent_encoding_rate(AgentEncoding e);         /* 24000 or 8000 */
int agent_encoding_bytes_per_sample(AgentEncoding e);
/* The byte that encodes silence (0x00 PCM, 0xFF mu-law, 0xD5 A-law). */
uint8_t agent_encoding_silence(AgentEncoding e);

/* Everything session.update can carry. std::nullopt = not sent (the
 * service's default applies). With agent_id set the stored agent's
 * configuration is used and no inline field may be set. */
struct AgentConfig {
  std::string agent_id;
  std::optional<std::string> system_prompt;
  std::optional<std::string> greeting;
  std::optional<std::string> voice;
  std::optional<int> volume; /* output.volume, 0..100 */
  std::optional<std::vector<std::string>> keyterms;
  std::optional<double> vad_threshold; /* 0..1 */
  std::optional<int> min_silence_ms;
  std::optional<int> max_silence_ms;
  std::optional<bool> interrupt_response;
  std::optional<std::string> tools; /* JSON array text of function tools */
  AgentEncoding input = AgentEncoding::Pcm;
  AgentEncoding output = AgentEncoding::Pcm;

  /* Whether the caller's speech cuts off a reply (the service's default
   * is to interrupt). */
  bool interrupts() const { return interrupt_response.value_or(true); }
  bool has_inline_fields() const;
  bool operator==(const AgentConfig &o) const;
  bool operator!=(const AgentConfig &o) const { return !(*this == o); }
};

/* "" when valid, else one sentence per problem (joined with "; ") naming
 * the property, the value and what is allowed. */
std::string validate_agent_config(const AgentConfig &c);

/* The first message of a new session: every set field, and the input and
 * output formats (always). With agent_id: {"session": {"agent_id": ...}}
 * alone. @c must be valid. */
std::string session_update_message(const AgentConfig &c);

/* Wire names of the fields that differ between @a and @b and cannot
 * change after session.ready (the service answers immutable_field):
 * agent_id, greeting, output.voice, output.format, input.format. */
std::vector<std::string> immutable_agent_changes(const AgentConfig &a,
                                                 const AgentConfig &b);

/* A session.update with the changeable fields that differ between
 * @running and @wanted (system_prompt, tools, input.keyterms, the changed
 * input.turn_detection members, output.volume), or std::nullopt when none
 * differs. Unsetting tools or keyterms sends [] and unsetting the volume
 * null (the native level); other fields cannot be unset on the wire and
 * are left out. */
std::optional<std::string> session_update_diff(const AgentConfig &running,
                                               const AgentConfig &wanted);

/* What the service has after session_update_diff(@running, @wanted) went
 * out: @wanted's changeable fields, @running's immutable ones. */
AgentConfig applied_agent_config(const AgentConfig &running,
                                 const AgentConfig &wanted);

/* Other client events. */
std::string session_resume_message(const std::string &session_id);
/* input.audio with @data base64-encoded in "audio". */
std::string input_audio_message(const uint8_t *data, size_t len);
std::string tool_result_message(const std::string &call_id,
                                const std::string &result);
/* reply.create, with "instructions" only when @instructions is set. */
std::string reply_create_message(const std::optional<std::string> &instr);
std::string session_end_message();

/* The WebSocket URL: @base (ws:// or wss:// with a host and no fragment;
 * its own query is kept) plus token=@token when @token is not empty. ""
 * and @error (may be NULL; shows @base only redacted) otherwise. */
std::string agent_url(const std::string &base,
                      const std::string &token,
                      std::string *error);

/* ---- server events ---- */

struct AgentSessionReady {
  std::string session_id;
};
struct AgentSessionUpdated {
};
struct AgentSessionError {
  std::string code;
  std::string message;
};
struct AgentSessionEnded {
};
struct AgentSpeechStarted {
};
struct AgentSpeechStopped {
};
struct AgentUserDelta {
  std::string text;
};
struct AgentUserTranscript {
  std::string text;
  std::string item_id;
};
struct AgentReplyStarted {
  std::string reply_id;
};
struct AgentReplyAudio {
  std::vector<uint8_t> audio; /* decoded from "data" */
};
struct AgentTranscript {
  std::string text;
  std::string reply_id;
  std::string item_id;
  bool interrupted = false;
};
struct AgentReplyDone {
  std::string status = "completed"; /* "completed" when absent */
  /* Not on the wire (docs/voice-agent.md): the reply_id of the
   * reply.started it ends, filled in by AgentMachine; "" if none was
   * seen. Taken from the event if the service ever sends one. */
  std::string reply_id;
  bool interrupted() const { return status == "interrupted"; }
};
struct AgentToolCall {
  std::string call_id;
  std::string name;
  std::string arguments; /* compact JSON text; "{}" when absent */
};
/* A well-formed event of a type not modelled here. */
struct AgentOtherEvent {
  std::string type;
};

using AgentEvent = std::variant<AgentSessionReady,
                                AgentSessionUpdated,
                                AgentSessionError,
                                AgentSessionEnded,
                                AgentSpeechStarted,
                                AgentSpeechStopped,
                                AgentUserDelta,
                                AgentUserTranscript,
                                AgentReplyStarted,
                                AgentReplyAudio,
                                AgentTranscript,
                                AgentReplyDone,
                                AgentToolCall,
                                AgentOtherEvent>;

struct AgentParseResult {
  std::optional<AgentEvent> event; /* set on success */
  std::string error;               /* set on failure */
};

/* Parses one text frame: a JSON object with a string "type". Required
 * members (session_id, text, data, call_id, name) must have the right
 * JSON type; optional ones may be missing or null. "data" must be valid
 * base64. tool.call's "arguments" (also read from "args") may be any JSON
 * value and is returned as JSON text. */
AgentParseResult parse_agent_event(const char *data, size_t len);

/* The wire type of @ev ("session.ready", ...; AgentOtherEvent's own). */
std::string agent_event_type(const AgentEvent &ev);

}  // namespace aai
