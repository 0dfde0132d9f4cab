/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Voice Agent messages (docs/voice-agent.md), built with JsonBuilder and
 * read with json-glib after the frame checks the v3 parser uses
 * (read_json_object in protocol.h). */
#include "agent_protocol.h"

#include <json-glib/json-glib.h>

#include <cstring>
#include <functional>
#include <utility>

#include "config.h"
#include "glib_ptr.h"
#include "protocol.h"

namespace aai
{

namespace
{

/* ---- building ---- */

/* Compact JSON text of what @fill adds to an object builder. */
std::string json_object_text(const std::function<void(JsonBuilder *)> &fill)
{
  JsonBuilder *b = json_builder_new_immutable();
  json_builder_begin_object(b);
  fill(b);
  json_builder_end_object(b);
  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_root(gen, root);
  GStr text(json_generator_to_data(gen, nullptr));
  g_object_unref(gen);
  json_node_unref(root);
  g_object_unref(b);
  return text.get();
}

void add_string(JsonBuilder *b, const char *name, const std::string &v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_string_value(b, v.c_str());
}

void add_type(JsonBuilder *b, const char *type)
{
  add_string(b, "type", type);
}

void add_strings(JsonBuilder *b,
                 const char *name,
                 const std::vector<std::string> &v)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_array(b);
  for (const auto &s : v)
    json_builder_add_string_value(b, s.c_str());
  json_builder_end_array(b);
}

void add_format(JsonBuilder *b, AgentEncoding e)
{
  json_builder_set_member_name(b, "format");
  json_builder_begin_object(b);
  add_string(b, "encoding", agent_encoding_name(e));
  json_builder_set_member_name(b, "sample_rate");
  json_builder_add_int_value(b, agent_encoding_rate(e));
  json_builder_end_object(b);
}

/* The parsed JSON of @text (a validated tools array), or NULL. */
JsonNode *parse_json(const std::string &text)
{
  JsonParser *p = json_parser_new_immutable();
  JsonNode *node = nullptr;
  if (json_parser_load_from_data(p, text.data(),
                                 static_cast<gssize>(text.size()), nullptr) &&
      json_parser_get_root(p))
    node = json_node_copy(json_parser_get_root(p));
  g_object_unref(p);
  return node;
}

void add_tools(JsonBuilder *b, const std::optional<std::string> &tools)
{
  json_builder_set_member_name(b, "tools");
  JsonNode *node = tools ? parse_json(*tools) : nullptr;
  if (node) {
    json_builder_add_value(b, node); /* takes it */
  } else {
    json_builder_begin_array(b);
    json_builder_end_array(b);
  }
}

/* Which turn_detection members to write. */
struct TurnFields {
  bool vad = false, min = false, max = false, interrupt = false;
  bool any() const { return vad || min || max || interrupt; }
};

void add_turn_detection(JsonBuilder *b, const AgentConfig &c, TurnFields f)
{
  json_builder_set_member_name(b, "turn_detection");
  json_builder_begin_object(b);
  if (f.vad && c.vad_threshold) {
    json_builder_set_member_name(b, "vad_threshold");
    json_builder_add_double_value(b, *c.vad_threshold);
  }
  if (f.min && c.min_silence_ms) {
    json_builder_set_member_name(b, "min_silence");
    json_builder_add_int_value(b, *c.min_silence_ms);
  }
  if (f.max && c.max_silence_ms) {
    json_builder_set_member_name(b, "max_silence");
    json_builder_add_int_value(b, *c.max_silence_ms);
  }
  if (f.interrupt && c.interrupt_response) {
    json_builder_set_member_name(b, "interrupt_response");
    json_builder_add_boolean_value(b, *c.interrupt_response);
  }
  json_builder_end_object(b);
}

TurnFields set_turn_fields(const AgentConfig &c)
{
  TurnFields f;
  f.vad = c.vad_threshold.has_value();
  f.min = c.min_silence_ms.has_value();
  f.max = c.max_silence_ms.has_value();
  f.interrupt = c.interrupt_response.has_value();
  return f;
}

/* Changed members that can be written (an unset one cannot). */
TurnFields changed_turn_fields(const AgentConfig &a, const AgentConfig &b)
{
  TurnFields f;
  f.vad = a.vad_threshold != b.vad_threshold && b.vad_threshold;
  f.min = a.min_silence_ms != b.min_silence_ms && b.min_silence_ms;
  f.max = a.max_silence_ms != b.max_silence_ms && b.max_silence_ms;
  f.interrupt =
      a.interrupt_response != b.interrupt_response && b.interrupt_response;
  return f;
}

/* ---- reading ---- */

bool is_null(JsonNode *n)
{
  return n == nullptr || JSON_NODE_HOLDS_NULL(n);
}

bool is_string(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE(n) &&
         json_node_get_value_type(n) == G_TYPE_STRING;
}

/* Reads members of one event object; the first problem wins. */
struct Reader {
  JsonObject *o;
  std::string &err;

  bool fail(const std::string &msg)
  {
    if (err.empty())
      err = msg;
    return false;
  }
  /* A required string. */
  bool need(const char *name, std::string &out)
  {
    JsonNode *n = json_object_get_member(o, name);
    if (!is_string(n))
      return fail(std::string("\"") + name +
                  (n ? "\" is not a string" : "\" is missing"));
    out = json_node_get_string(n);
    return true;
  }
  /* An optional string: absent or null leaves @out. */
  bool opt(const char *name, std::string &out)
  {
    JsonNode *n = json_object_get_member(o, name);
    if (is_null(n))
      return true;
    if (!is_string(n))
      return fail(std::string("\"") + name + "\" is not a string");
    out = json_node_get_string(n);
    return true;
  }
  bool opt_bool(const char *name, bool &out)
  {
    JsonNode *n = json_object_get_member(o, name);
    if (is_null(n))
      return true;
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_BOOLEAN)
      return fail(std::string("\"") + name + "\" is not a boolean");
    out = json_node_get_boolean(n);
    return true;
  }
};

/* Strict base64 (RFC 4648 alphabet, padded): g_base64_decode() silently
 * skips anything else, which would turn garbage into audio. */
bool decode_base64(const std::string &in, std::vector<uint8_t> &out)
{
  if (in.size() % 4 != 0)
    return false;
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); i++) {
    char c = in[i];
    if (c == '=') {
      pad++;
      continue;
    }
    if (pad || !(g_ascii_isalnum(c) || c == '+' || c == '/'))
      return false;
  }
  if (pad > 2)
    return false;
  out.clear();
  if (in.empty())
    return true;
  gsize len = 0;
  guchar *bytes = g_base64_decode(in.c_str(), &len);
  out.assign(bytes, bytes + len);
  g_free(bytes);
  return true;
}

std::string node_text(JsonNode *n)
{
  JsonGenerator *gen = json_generator_new();
  json_generator_set_root(gen, n);
  GStr text(json_generator_to_data(gen, nullptr));
  g_object_unref(gen);
  return text.get();
}

bool read_event(JsonObject *o,
                const std::string &type,
                AgentEvent &ev,
                std::string &err)
{
  Reader r{o, err};
  if (type == "session.ready") {
    AgentSessionReady e;
    if (!r.need("session_id", e.session_id))
      return false;
    ev = e;
  } else if (type == "session.updated") {
    ev = AgentSessionUpdated{};
  } else if (type == "session.error") {
    AgentSessionError e;
    if (!r.opt("code", e.code) || !r.opt("message", e.message))
      return false;
    ev = e;
  } else if (type == "session.ended") {
    ev = AgentSessionEnded{};
  } else if (type == "input.speech.started") {
    ev = AgentSpeechStarted{};
  } else if (type == "input.speech.stopped") {
    ev = AgentSpeechStopped{};
  } else if (type == "transcript.user.delta") {
    AgentUserDelta e;
    if (!r.need("text", e.text))
      return false;
    ev = e;
  } else if (type == "transcript.user") {
    AgentUserTranscript e;
    if (!r.need("text", e.text) || !r.opt("item_id", e.item_id))
      return false;
    ev = e;
  } else if (type == "reply.started") {
    AgentReplyStarted e;
    if (!r.opt("reply_id", e.reply_id))
      return false;
    ev = e;
  } else if (type == "reply.audio") {
    AgentReplyAudio e;
    std::string data;
    if (!r.need("data", data))
      return false;
    if (!decode_base64(data, e.audio))
      return r.fail("\"data\" is not valid base64");
    ev = std::move(e);
  } else if (type == "transcript.agent") {
    AgentTranscript e;
    if (!r.need("text", e.text) || !r.opt("reply_id", e.reply_id) ||
        !r.opt("item_id", e.item_id) ||
        !r.opt_bool("interrupted", e.interrupted))
      return false;
    ev = e;
  } else if (type == "reply.done") {
    AgentReplyDone e;
    if (!r.opt("status", e.status) || !r.opt("reply_id", e.reply_id))
      return false;
    ev = e;
  } else if (type == "tool.call") {
    AgentToolCall e;
    if (!r.need("call_id", e.call_id) || !r.need("name", e.name))
      return false;
    /* The events reference names it "arguments"; the tool-calling guide
     * reads "args". A string is taken to hold JSON text already. */
    JsonNode *a = json_object_get_member(o, "arguments");
    if (is_null(a))
      a = json_object_get_member(o, "args");
    if (is_null(a))
      e.arguments = "{}";
    else if (is_string(a))
      e.arguments = json_node_get_string(a);
    else
      e.arguments = node_text(a);
    ev = e;
  } else {
    ev = AgentOtherEvent{type};
  }
  return true;
}

struct TypeName {
  std::string operator()(const AgentSessionReady &) { return "session.ready"; }
  std::string operator()(const AgentSessionUpdated &)
  {
    return "session.updated";
  }
  std::string operator()(const AgentSessionError &) { return "session.error"; }
  std::string operator()(const AgentSessionEnded &) { return "session.ended"; }
  std::string operator()(const AgentSpeechStarted &)
  {
    return "input.speech.started";
  }
  std::string operator()(const AgentSpeechStopped &)
  {
    return "input.speech.stopped";
  }
  std::string operator()(const AgentUserDelta &)
  {
    return "transcript.user.delta";
  }
  std::string operator()(const AgentUserTranscript &)
  {
    return "transcript.user";
  }
  std::string operator()(const AgentReplyStarted &) { return "reply.started"; }
  std::string operator()(const AgentReplyAudio &) { return "reply.audio"; }
  std::string operator()(const AgentTranscript &) { return "transcript.agent"; }
  std::string operator()(const AgentReplyDone &) { return "reply.done"; }
  std::string operator()(const AgentToolCall &) { return "tool.call"; }
  std::string operator()(const AgentOtherEvent &e) { return e.type; }
};

/* "" when @tools is a JSON array of function tools, each an object with a
 * non-empty string "name" (and "type" "function" when it has a type). */
std::string tools_problem(const std::string &tools)
{
  JsonNode *root = parse_json(tools);
  if (!root)
    return "tools is not valid JSON";
  std::string problem;
  if (!JSON_NODE_HOLDS_ARRAY(root)) {
    problem = "tools must be a JSON array of tool objects";
  } else {
    JsonArray *a = json_node_get_array(root);
    for (guint i = 0; problem.empty() && i < json_array_get_length(a); i++) {
      JsonNode *t = json_array_get_element(a, i);
      std::string where = "tools[" + std::to_string(i) + "]";
      if (!JSON_NODE_HOLDS_OBJECT(t)) {
        problem = where + " is not an object";
        continue;
      }
      JsonObject *o = json_node_get_object(t);
      JsonNode *name = json_object_get_member(o, "name");
      JsonNode *type = json_object_get_member(o, "type");
      if (!is_string(name) || !*json_node_get_string(name))
        problem = where + " has no \"name\" string";
      else if (type && !(is_string(type) &&
                         g_str_equal(json_node_get_string(type), "function")))
        problem = where + " has a \"type\" other than \"function\"";
    }
  }
  json_node_unref(root);
  return problem;
}

}  // namespace

const char *agent_encoding_name(AgentEncoding e)
{
  switch (e) {
    case AgentEncoding::Pcmu:
      return "audio/pcmu";
    case AgentEncoding::Pcma:
      return "audio/pcma";
    case AgentEncoding::Pcm:
      break;
  }
  return "audio/pcm";
}

int agent_encoding_rate(AgentEncoding e)
{
  return e == AgentEncoding::Pcm ? 24000 : 8000;
}

int agent_encoding_bytes_per_sample(AgentEncoding e)
{
  return e == AgentEncoding::Pcm ? 2 : 1;
}

uint8_t agent_encoding_silence(AgentEncoding e)
{
  switch (e) {
    case AgentEncoding::Pcmu:
      return 0xFF;
    case AgentEncoding::Pcma:
      return 0xD5;
    case AgentEncoding::Pcm:
      break;
  }
  return 0x00;
}

bool AgentConfig::has_inline_fields() const
{
  return system_prompt || greeting || voice || volume || keyterms ||
         vad_threshold || min_silence_ms || max_silence_ms ||
         interrupt_response || tools;
}

bool AgentConfig::operator==(const AgentConfig &o) const
{
  return agent_id == o.agent_id && system_prompt == o.system_prompt &&
         greeting == o.greeting && voice == o.voice && volume == o.volume &&
         keyterms == o.keyterms && vad_threshold == o.vad_threshold &&
         min_silence_ms == o.min_silence_ms &&
         max_silence_ms == o.max_silence_ms &&
         interrupt_response == o.interrupt_response && tools == o.tools &&
         input == o.input && output == o.output;
}

std::string validate_agent_config(const AgentConfig &c)
{
  std::vector<std::string> problems;
  if (!c.agent_id.empty() && c.has_inline_fields())
    problems.push_back(
        "agent-id selects a stored agent, whose configuration is used as "
        "stored: leave system-prompt, greeting, voice, output-volume, "
        "keyterms, tools and the turn-detection properties unset with it (the "
        "two are mutually exclusive)");
  if (c.volume && (*c.volume < 0 || *c.volume > 100))
    problems.push_back("output-volume " + std::to_string(*c.volume) +
                       " is outside 0..100");
  if (c.vad_threshold && (*c.vad_threshold < 0 || *c.vad_threshold > 1))
    problems.push_back("vad-threshold must be between 0 and 1");
  if (c.min_silence_ms && *c.min_silence_ms < 0)
    problems.push_back("min-silence must not be negative");
  if (c.max_silence_ms && *c.max_silence_ms < 0)
    problems.push_back("max-silence must not be negative");
  if (c.min_silence_ms && c.max_silence_ms &&
      *c.min_silence_ms > *c.max_silence_ms)
    problems.push_back("min-silence (" + std::to_string(*c.min_silence_ms) +
                       " ms) is longer than max-silence (" +
                       std::to_string(*c.max_silence_ms) + " ms)");
  if (c.keyterms)
    for (const auto &k : *c.keyterms)
      if (k.empty())
        problems.push_back("keyterms has an empty term");
  if (c.tools) {
    std::string p = tools_problem(*c.tools);
    if (!p.empty())
      problems.push_back(p +
                         " (tools takes a JSON array such as "
                         "[{\"type\":\"function\",\"name\":\"get_weather\","
                         "\"description\":\"...\",\"parameters\":{...}}])");
  }
  std::string out;
  for (const auto &p : problems)
    out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string session_update_message(const AgentConfig &c)
{
  return json_object_text([&c](JsonBuilder *b) {
    add_type(b, "session.update");
    json_builder_set_member_name(b, "session");
    json_builder_begin_object(b);
    if (!c.agent_id.empty()) {
      add_string(b, "agent_id", c.agent_id);
      json_builder_end_object(b);
      return;
    }
    if (c.system_prompt)
      add_string(b, "system_prompt", *c.system_prompt);
    if (c.greeting)
      add_string(b, "greeting", *c.greeting);
    if (c.tools)
      add_tools(b, c.tools);
    json_builder_set_member_name(b, "input");
    json_builder_begin_object(b);
    add_format(b, c.input);
    if (c.keyterms)
      add_strings(b, "keyterms", *c.keyterms);
    if (set_turn_fields(c).any())
      add_turn_detection(b, c, set_turn_fields(c));
    json_builder_end_object(b);
    json_builder_set_member_name(b, "output");
    json_builder_begin_object(b);
    if (c.voice)
      add_string(b, "voice", *c.voice);
    add_format(b, c.output);
    if (c.volume) {
      json_builder_set_member_name(b, "volume");
      json_builder_add_int_value(b, *c.volume);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
  });
}

std::vector<std::string> immutable_agent_changes(const AgentConfig &a,
                                                 const AgentConfig &b)
{
  std::vector<std::string> out;
  if (a.agent_id != b.agent_id)
    out.push_back("agent_id");
  if (a.greeting != b.greeting)
    out.push_back("greeting");
  if (a.voice != b.voice)
    out.push_back("output.voice");
  if (a.output != b.output)
    out.push_back("output.format");
  if (a.input != b.input)
    out.push_back("input.format");
  return out;
}

std::optional<std::string> session_update_diff(const AgentConfig &running,
                                               const AgentConfig &wanted)
{
  const AgentConfig &a = running, &w = wanted;
  bool prompt = a.system_prompt != w.system_prompt && w.system_prompt;
  bool tools = a.tools != w.tools;
  bool keyterms = a.keyterms != w.keyterms;
  TurnFields turn = changed_turn_fields(a, w);
  bool volume = a.volume != w.volume;
  bool input = keyterms || turn.any();
  if (!prompt && !tools && !input && !volume)
    return std::nullopt;
  return json_object_text([&](JsonBuilder *b) {
    add_type(b, "session.update");
    json_builder_set_member_name(b, "session");
    json_builder_begin_object(b);
    if (prompt)
      add_string(b, "system_prompt", *w.system_prompt);
    if (tools)
      add_tools(b, w.tools);
    if (input) {
      json_builder_set_member_name(b, "input");
      json_builder_begin_object(b);
      if (keyterms)
        add_strings(b, "keyterms",
                    w.keyterms ? *w.keyterms : std::vector<std::string>());
      if (turn.any())
        add_turn_detection(b, w, turn);
      json_builder_end_object(b);
    }
    if (volume) {
      json_builder_set_member_name(b, "output");
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "volume");
      if (w.volume)
        json_builder_add_int_value(b, *w.volume);
      else
        json_builder_add_null_value(b);
      json_builder_end_object(b);
    }
    json_builder_end_object(b);
  });
}

AgentConfig applied_agent_config(const AgentConfig &running,
                                 const AgentConfig &wanted)
{
  AgentConfig out = wanted;
  out.agent_id = running.agent_id;
  out.greeting = running.greeting;
  out.voice = running.voice;
  out.input = running.input;
  out.output = running.output;
  /* Fields that cannot be unset on the wire keep their running value. */
  if (!wanted.system_prompt)
    out.system_prompt = running.system_prompt;
  if (!wanted.vad_threshold)
    out.vad_threshold = running.vad_threshold;
  if (!wanted.min_silence_ms)
    out.min_silence_ms = running.min_silence_ms;
  if (!wanted.max_silence_ms)
    out.max_silence_ms = running.max_silence_ms;
  if (!wanted.interrupt_response)
    out.interrupt_response = running.interrupt_response;
  return out;
}

std::string session_resume_message(const std::string &session_id)
{
  return json_object_text([&](JsonBuilder *b) {
    add_type(b, "session.resume");
    add_string(b, "session_id", session_id);
  });
}

std::string input_audio_message(const uint8_t *data, size_t len)
{
  GStr b64(g_base64_encode(data, len));
  return json_object_text([&](JsonBuilder *b) {
    add_type(b, "input.audio");
    add_string(b, "audio", b64.get());
  });
}

std::string tool_result_message(const std::string &call_id,
                                const std::string &result)
{
  return json_object_text([&](JsonBuilder *b) {
    add_type(b, "tool.result");
    add_string(b, "call_id", call_id);
    add_string(b, "result", result);
  });
}

std::string reply_create_message(const std::optional<std::string> &instr)
{
  return json_object_text([&](JsonBuilder *b) {
    add_type(b, "reply.create");
    if (instr)
      add_string(b, "instructions", *instr);
  });
}

std::string session_end_message()
{
  return json_object_text([](JsonBuilder *b) { add_type(b, "session.end"); });
}

std::string agent_url(const std::string &base,
                      const std::string &token,
                      std::string *error)
{
  auto fail = [&](const std::string &why) {
    if (error)
      *error = "url '" + redact_url(base) + "' " + why;
    return std::string();
  };
  UriPtr uri(g_uri_parse(base.c_str(), G_URI_FLAGS_ENCODED, nullptr));
  if (!uri)
    return fail("is not a valid absolute ws:// or wss:// URL");
  const char *scheme = g_uri_get_scheme(uri.get());
  if (g_ascii_strcasecmp(scheme, "ws") != 0 &&
      g_ascii_strcasecmp(scheme, "wss") != 0)
    return fail("is not a ws:// or wss:// URL");
  const char *host = g_uri_get_host(uri.get());
  if (!host || !*host)
    return fail("has no host");
  if (g_uri_get_fragment(uri.get()))
    return fail("must not have a #fragment");
  const char *query = g_uri_get_query(uri.get());
  if (query) {
    GHashTable *params =
        g_uri_parse_params(query, -1, "&", G_URI_PARAMS_WWW_FORM, nullptr);
    if (!params)
      return fail("has a malformed query");
    bool has_token = g_hash_table_contains(params, "token");
    g_hash_table_unref(params);
    if (has_token)
      return fail(
          "carries a token: give it in the token property (or use "
          "token-url), so that every connection gets its own");
  }
  if (token.empty())
    return base;
  GStr escaped(g_uri_escape_string(token.c_str(), nullptr, FALSE));
  std::string q = query ? std::string(query) + "&" : std::string();
  q += std::string("token=") + escaped.get();
  GStr joined(g_uri_join(G_URI_FLAGS_ENCODED, scheme,
                         g_uri_get_userinfo(uri.get()), host,
                         g_uri_get_port(uri.get()), g_uri_get_path(uri.get()),
                         q.c_str(), nullptr));
  return joined.get();
}

AgentParseResult parse_agent_event(const char *data, size_t len)
{
  AgentParseResult res;
  std::string err;
  std::string frame_err = read_json_object(data, len, [&](JsonObject *o) {
    JsonNode *type = json_object_get_member(o, "type");
    if (!is_string(type)) {
      err = type ? "\"type\" is not a string" : "frame has no \"type\"";
      return;
    }
    AgentEvent ev;
    if (read_event(o, json_node_get_string(type), ev, err))
      res.event = std::move(ev);
    else
      err = std::string(json_node_get_string(type)) + ": " + err;
  });
  if (!frame_err.empty())
    res.error = frame_err;
  else if (!res.event)
    res.error = err;
  return res;
}

std::string agent_event_type(const AgentEvent &ev)
{
  return std::visit(TypeName{}, ev);
}

}  // namespace aai
