/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Server frames -> typed events, and client control messages -> JSON
 * (docs/protocol.md, Server messages and Client messages). No GObject types;
 * parsing never aborts: malformed input yields ParseResult::error. */
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

typedef struct _JsonObject JsonObject;

namespace aai
{

struct Word {
  std::string text;
  int64_t start_ms = 0; /* from the start of the session's audio */
  int64_t end_ms = 0;
  double confidence = 0.0;
  bool is_final = false;
  std::optional<std::string> speaker;
};

struct BeginEvent {
  std::string id;
  int64_t expires_at = 0; /* Unix time, seconds; 0 if absent */
  bool has_configuration = false;
  std::optional<std::string> model;
  std::optional<std::string> mode;
  std::optional<std::string> api_version;
};

struct TurnEvent {
  int64_t turn_order = 0;
  bool turn_is_formatted = false;
  bool end_of_turn = false;
  std::string transcript;
  std::optional<std::string> utterance;
  double end_of_turn_confidence = 0.0;
  std::vector<Word> words;
  std::optional<std::string> language_code;
  std::optional<double> language_confidence;
  std::optional<std::string> speaker_label;
};

struct SpeechStartedEvent {
  int64_t timestamp_ms = 0;
  std::optional<double> confidence;
};

struct TerminationEvent {
  std::optional<int64_t> audio_duration_seconds;
  std::optional<int64_t> session_duration_seconds;
};

struct ErrorEvent {
  std::optional<int> error_code;
  std::string error;
  bool has_type = true; /* false for the legacy {"error": "..."} shape */
};

struct WarningEvent {
  std::optional<int> warning_code;
  std::string warning;
};

/* A well-formed frame of a type we do not model (Heartbeat, Silence,
 * SpeakerRevision, LLMGatewayResponse, anything newer). The raw text is
 * kept by the caller. */
struct UnknownEvent {
  std::string type;
};

using ServerEvent = std::variant<BeginEvent,
                                 TurnEvent,
                                 SpeechStartedEvent,
                                 TerminationEvent,
                                 ErrorEvent,
                                 WarningEvent,
                                 UnknownEvent>;

struct ParseResult {
  std::optional<ServerEvent> event; /* set on success */
  std::string error;                /* set on failure: what was wrong */
};

/* Parses one text frame. Accepts only a JSON object with a string "type"
 * (or, legacy, an "error" string and no type). Required fields must be
 * present with the right JSON type; optional ones may be missing.
 * Integers must fit their type (huge numbers are errors); invalid UTF-8,
 * truncated JSON, a non-object root are errors. */
ParseResult parse_server_frame(const char *data, size_t len);

/* The checks every server frame gets before its fields are read, shared
 * with the Voice Agent parser (agent_protocol.h): not empty, no NUL byte,
 * valid UTF-8, no number or nesting json-glib would misread (see
 * protocol.cpp), valid JSON with an object root. Calls @read with that
 * object (valid only during the call) and returns "", or returns what was
 * wrong without calling it. */
std::string read_json_object(const char *data,
                             size_t len,
                             const std::function<void(JsonObject *)> &read);

/* Client control messages (text frames). */
std::string terminate_message();      /* {"type":"Terminate"} */
std::string force_endpoint_message(); /* {"type":"ForceEndpoint"} */
std::string keep_alive_message();     /* {"type":"KeepAlive"} */
/* UpdateConfiguration is built by config.h (it needs the settings diff). */

}  // namespace aai
