/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* libFuzzer target for aai::parse_agent_event() (core/agent_protocol.h):
 * one Voice Agent server frame. Besides "never crashes" (ASan/UBSan in the
 * fuzz build), it checks the contracts of agent_protocol.h and abort()s on
 * a violation so that libFuzzer keeps the input:
 *
 * - exactly one of event / error is set, and the error is UTF-8 text;
 * - empty input, a NUL byte, invalid UTF-8 or a root that is not an object
 *   is never accepted;
 * - an event's strings are NUL-free UTF-8; an AgentOtherEvent never has a
 *   type that has its own event; a tool call's arguments are JSON text;
 *   reply.audio's data was valid base64, and its decoded length matches;
 * - parsing is deterministic. */
#include <glib.h>
#include <json-glib/json-glib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "agent_protocol.h"
#include "fuzz_frame_contract.h"

using namespace aai;
using fuzz_frame::clean_text;

const char *const fuzz_frame::target = "fuzz-agent-event";

namespace
{

bool is_json(const std::string &s)
{
  JsonParser *p = json_parser_new_immutable();
  bool ok = json_parser_load_from_data(p, s.data(),
                                       static_cast<gssize>(s.size()), nullptr);
  g_object_unref(p);
  return ok;
}

/* The "data" string of the frame, re-read independently. */
std::string data_member(const char *data, size_t len)
{
  std::string out;
  JsonParser *p = json_parser_new_immutable();
  if (json_parser_load_from_data(p, data, static_cast<gssize>(len), nullptr)) {
    JsonNode *root = json_parser_get_root(p);
    if (root && JSON_NODE_HOLDS_OBJECT(root)) {
      const char *d = json_object_get_string_member_with_default(
          json_node_get_object(root), "data", "");
      out = d ? d : "";
    }
  }
  g_object_unref(p);
  return out;
}

/* Whether the frame's arguments (else args) member is a JSON string. */
bool arguments_is_string(const char *data, size_t len)
{
  bool is_string = false;
  JsonParser *p = json_parser_new_immutable();
  if (json_parser_load_from_data(p, data, static_cast<gssize>(len), nullptr)) {
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    JsonNode *a = json_object_get_member(o, "arguments");
    if (!a || JSON_NODE_HOLDS_NULL(a))
      a = json_object_get_member(o, "args");
    is_string = a && JSON_NODE_HOLDS_VALUE(a) &&
                json_node_get_value_type(a) == G_TYPE_STRING;
  }
  g_object_unref(p);
  return is_string;
}

struct Check {
  const char *data;
  size_t len;

  void text(const std::string &s) { CHECK(clean_text(s), s); }
  void operator()(const AgentSessionReady &e) { text(e.session_id); }
  void operator()(const AgentSessionUpdated &) {}
  void operator()(const AgentSessionError &e)
  {
    text(e.code);
    text(e.message);
  }
  void operator()(const AgentSessionEnded &) {}
  void operator()(const AgentSpeechStarted &) {}
  void operator()(const AgentSpeechStopped &) {}
  void operator()(const AgentUserDelta &e) { text(e.text); }
  void operator()(const AgentUserTranscript &e)
  {
    text(e.text);
    text(e.item_id);
  }
  void operator()(const AgentReplyStarted &e) { text(e.reply_id); }
  void operator()(const AgentReplyAudio &e)
  {
    std::string b64 = data_member(data, len);
    CHECK(b64.size() % 4 == 0, b64);
    size_t pad = 0;
    for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; i--)
      pad++;
    size_t want = b64.empty() ? 0 : b64.size() / 4 * 3 - pad;
    CHECK(e.audio.size() == want, std::to_string(e.audio.size()));
  }
  void operator()(const AgentTranscript &e)
  {
    text(e.text);
    text(e.reply_id);
    text(e.item_id);
  }
  void operator()(const AgentReplyDone &e) { text(e.status); }
  void operator()(const AgentToolCall &e)
  {
    text(e.call_id);
    text(e.name);
    text(e.arguments);
    /* A string member is passed on as it is (the application's to parse);
     * any other value was written back by json-glib and is JSON. */
    if (!arguments_is_string(data, len))
      CHECK(is_json(e.arguments), e.arguments);
  }
  void operator()(const AgentOtherEvent &e)
  {
    text(e.type);
    static const char *known[] = {"session.ready",
                                  "session.updated",
                                  "session.error",
                                  "session.ended",
                                  "input.speech.started",
                                  "input.speech.stopped",
                                  "transcript.user.delta",
                                  "transcript.user",
                                  "reply.started",
                                  "reply.audio",
                                  "transcript.agent",
                                  "reply.done",
                                  "tool.call"};
    for (const char *k : known)
      CHECK(e.type != k, e.type);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_frame::input = {reinterpret_cast<const char *>(data), size};
  const char *text = reinterpret_cast<const char *>(data);
  AgentParseResult r = parse_agent_event(text, size);
  CHECK(r.event.has_value() != !r.error.empty(), r.error);
  if (!r.event) {
    CHECK(g_utf8_validate(r.error.data(), static_cast<gssize>(r.error.size()),
                          nullptr),
          "error text");
    return 0;
  }
  CHECK(size > 0, "empty");
  CHECK(memchr(data, '\0', size) == nullptr, "NUL byte");
  CHECK(g_utf8_validate(text, static_cast<gssize>(size), nullptr), "UTF-8");
  std::visit(Check{text, size}, *r.event);
  AgentParseResult again = parse_agent_event(text, size);
  CHECK(again.event && again.event->index() == r.event->index(),
        "not deterministic");
  CHECK(agent_event_type(*again.event) == agent_event_type(*r.event),
        "type differs");
  return 0;
}
