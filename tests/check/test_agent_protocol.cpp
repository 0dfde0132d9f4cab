/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The Voice Agent wire format (core/agent_protocol.h): session.update from
 * the configuration, the mid-session diff and what may not change, the
 * client events, the URL with a token, and the parser of server events
 * (docs/voice-agent.md). */
#include <gst/check/gstcheck.h>

#include <json-glib/json-glib.h>

#include <string>

#include "agent_protocol.h"

using namespace aai;

/* ---- helpers ----------------------------------------------------------- */

/* The value at @path ("$.session.output.voice") of @json as compact JSON
 * text, or "" when there is none. */
static std::string at(const std::string &json, const char *path)
{
  GError *err = nullptr;
  JsonNode *root = json_from_string(json.c_str(), &err);
  fail_unless(root != nullptr, "not JSON: %s", json.c_str());
  JsonNode *found = json_path_query(path, root, &err);
  fail_unless(found != nullptr, "bad path %s", path);
  std::string out;
  JsonArray *a = json_node_get_array(found);
  if (json_array_get_length(a) > 0) {
    gchar *text = json_to_string(json_array_get_element(a, 0), FALSE);
    out = text;
    g_free(text);
  }
  json_node_unref(found);
  json_node_unref(root);
  return out;
}

/* Compares owned strings: the check macros keep a pointer to their
 * argument past the end of a temporary. */
#define assert_str(got, want)                                          \
  do {                                                                 \
    const std::string g_ = (got), w_ = (want);                         \
    fail_unless(g_ == w_, "'%s' is not '%s'", g_.c_str(), w_.c_str()); \
  } while (0)

static bool has(const std::string &json, const char *path)
{
  return !at(json, path).empty();
}

static AgentConfig inline_config()
{
  AgentConfig c;
  c.system_prompt = "Be brief.";
  c.greeting = "Hi!";
  c.voice = "claire";
  c.volume = 60;
  c.keyterms = std::vector<std::string>{"GStreamer", "AssemblyAI"};
  c.vad_threshold = 0.5;
  c.min_silence_ms = 600;
  c.max_silence_ms = 1500;
  c.interrupt_response = true;
  c.tools =
      "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":"
      "\"Weather\",\"parameters\":{\"type\":\"object\"}}]";
  return c;
}

static AgentParseResult parse(const std::string &s)
{
  return parse_agent_event(s.data(), s.size());
}

template <typename T>
static T parsed(const std::string &s)
{
  AgentParseResult r = parse(s);
  fail_unless(r.event.has_value(), "%s: %s", s.c_str(), r.error.c_str());
  const T *ev = std::get_if<T>(&*r.event);
  fail_unless(ev != nullptr, "%s parsed as another type", s.c_str());
  return *ev;
}

static void assert_parse_error(const std::string &s, const char *contains)
{
  AgentParseResult r = parse(s);
  fail_unless(!r.event.has_value(), "%s was accepted", s.c_str());
  fail_unless(r.error.find(contains) != std::string::npos, "'%s' not in '%s'",
              contains, r.error.c_str());
}

/* ---- session.update ---------------------------------------------------- */

GST_START_TEST(test_update_inline_config)
{
  std::string m = session_update_message(inline_config());
  assert_str(at(m, "$.type"), "\"session.update\"");
  assert_str(at(m, "$.session.system_prompt"), "\"Be brief.\"");
  assert_str(at(m, "$.session.greeting"), "\"Hi!\"");
  assert_str(at(m, "$.session.output.voice"), "\"claire\"");
  assert_str(at(m, "$.session.output.volume"), "60");
  assert_str(at(m, "$.session.output.format.encoding"), "\"audio/pcm\"");
  assert_str(at(m, "$.session.output.format.sample_rate"), "24000");
  assert_str(at(m, "$.session.input.keyterms"),
             "[\"GStreamer\",\"AssemblyAI\"]");
  assert_str(at(m, "$.session.input.turn_detection.vad_threshold"), "0.5");
  assert_str(at(m, "$.session.input.turn_detection.min_silence"), "600");
  assert_str(at(m, "$.session.input.turn_detection.max_silence"), "1500");
  assert_str(at(m, "$.session.input.turn_detection.interrupt_response"),
             "true");
  /* The tools go out as JSON, not as a string holding JSON. */
  assert_str(at(m, "$.session.tools[0].name"), "\"get_weather\"");
}
GST_END_TEST;

/* Unset fields are not sent (the service's defaults apply); the formats
 * always are, since they describe the element's caps. */
GST_START_TEST(test_update_minimal_and_telephony)
{
  AgentConfig c;
  c.input = AgentEncoding::Pcmu;
  c.output = AgentEncoding::Pcma;
  std::string m = session_update_message(c);
  fail_unless(!has(m, "$.session.system_prompt"));
  fail_unless(!has(m, "$.session.greeting"));
  fail_unless(!has(m, "$.session.tools"));
  fail_unless(!has(m, "$.session.output.voice"));
  fail_unless(!has(m, "$.session.output.volume"));
  fail_unless(!has(m, "$.session.input.turn_detection"));
  assert_str(at(m, "$.session.input.format.encoding"), "\"audio/pcmu\"");
  assert_str(at(m, "$.session.input.format.sample_rate"), "8000");
  assert_str(at(m, "$.session.output.format.encoding"), "\"audio/pcma\"");
}
GST_END_TEST;

/* A stored agent is selected by its id alone. */
GST_START_TEST(test_update_agent_id)
{
  AgentConfig c;
  c.agent_id = "agent_123";
  std::string m = session_update_message(c);
  assert_str(m,
             "{\"type\":\"session.update\",\"session\":{"
             "\"agent_id\":\"agent_123\"}}");
  assert_str(validate_agent_config(c), "");
}
GST_END_TEST;

GST_START_TEST(test_validation)
{
  assert_str(validate_agent_config(inline_config()), "");
  struct Case {
    void (*change)(AgentConfig &);
    const char *contains;
  } cases[] = {
      {[](AgentConfig &c) { c.agent_id = "a1"; }, "mutually exclusive"},
      {[](AgentConfig &c) { c.volume = 101; }, "output-volume 101"},
      {[](AgentConfig &c) { c.vad_threshold = 1.5; }, "vad-threshold"},
      {[](AgentConfig &c) { c.min_silence_ms = 2000; },
       "min-silence (2000 ms) is longer than max-silence (1500 ms)"},
      {[](AgentConfig &c) { c.keyterms = std::vector<std::string>{""}; },
       "empty term"},
      {[](AgentConfig &c) { c.tools = "[{\"name\": }"; }, "not valid JSON"},
      {[](AgentConfig &c) { c.tools = "{\"name\":\"x\"}"; }, "JSON array"},
      {[](AgentConfig &c) { c.tools = "[{\"type\":\"function\"}]"; },
       "tools[0] has no \"name\""},
      {[](AgentConfig &c) { c.tools = "[{\"type\":\"web\",\"name\":\"x\"}]"; },
       "other than \"function\""},
  };
  for (const Case &k : cases) {
    AgentConfig c = inline_config();
    k.change(c);
    std::string p = validate_agent_config(c);
    fail_unless(p.find(k.contains) != std::string::npos, "'%s' not in '%s'",
                k.contains, p.c_str());
  }
}
GST_END_TEST;

/* ---- changes after session.ready --------------------------------------- */

GST_START_TEST(test_diff_only_changed_fields)
{
  AgentConfig a = inline_config();
  fail_unless(!session_update_diff(a, a).has_value());

  AgentConfig b = a;
  b.system_prompt = "Be chatty.";
  std::string m = *session_update_diff(a, b);
  assert_str(m,
             "{\"type\":\"session.update\",\"session\":{"
             "\"system_prompt\":\"Be chatty.\"}}");

  b = a;
  b.min_silence_ms = 800;
  m = *session_update_diff(a, b);
  assert_str(at(m, "$.session.input.turn_detection"), "{\"min_silence\":800}");
  fail_unless(!has(m, "$.session.output"));

  /* Unsetting: tools and keyterms become empty lists, the volume null
   * (the voice's native level). */
  b = a;
  b.tools.reset();
  b.keyterms.reset();
  b.volume.reset();
  m = *session_update_diff(a, b);
  assert_str(at(m, "$.session.tools"), "[]");
  assert_str(at(m, "$.session.input.keyterms"), "[]");
  assert_str(at(m, "$.session.output.volume"), "null");

  /* An immutable difference is not in the diff... */
  b = a;
  b.voice = "ivy";
  b.greeting = "Hello";
  b.output = AgentEncoding::Pcmu;
  fail_unless(!session_update_diff(a, b).has_value());
  /* ...it is listed, by wire name. */
  std::vector<std::string> fixed = immutable_agent_changes(a, b);
  fail_unless_equals_int(fixed.size(), 3);
  assert_str(fixed[0], "greeting");
  assert_str(fixed[1], "output.voice");
  assert_str(fixed[2], "output.format");
  /* And what the service then has keeps the running immutable fields. */
  b.system_prompt = "New";
  AgentConfig applied = applied_agent_config(a, b);
  fail_unless(applied.voice == a.voice && applied.greeting == a.greeting &&
              applied.output == a.output);
  fail_unless(applied.system_prompt == std::optional<std::string>("New"));
}
GST_END_TEST;

/* ---- other client events ----------------------------------------------- */

GST_START_TEST(test_client_events)
{
  const uint8_t pcm[] = {0x00, 0x01, 0xfe, 0xff, 0x7f};
  std::string audio = input_audio_message(pcm, sizeof pcm);
  assert_str(audio, "{\"type\":\"input.audio\",\"audio\":\"AAH+/38=\"}");
  assert_str(tool_result_message("call_1", "{\"temp\":21}"),
             "{\"type\":\"tool.result\",\"call_id\":\"call_1\",\"result\":"
             "\"{\\\"temp\\\":21}\"}");
  assert_str(session_resume_message("sess_9"),
             "{\"type\":\"session.resume\",\"session_id\":"
             "\"sess_9\"}");
  assert_str(session_end_message(), "{\"type\":\"session.end\"}");
  assert_str(reply_create_message(std::nullopt), "{\"type\":\"reply.create\"}");
  assert_str(reply_create_message(std::string("Say hi")),
             "{\"type\":\"reply.create\",\"instructions\":"
             "\"Say hi\"}");
}
GST_END_TEST;

GST_START_TEST(test_url_with_token)
{
  std::string err;
  assert_str(agent_url("wss://agents.assemblyai.com/v1/ws", "", &err),
             "wss://agents.assemblyai.com/v1/ws");
  assert_str(agent_url("ws://127.0.0.1:9/v1/voice?x=1", "a+b/c=", &err),
             "ws://127.0.0.1:9/v1/voice?x=1&token=a%2Bb%2Fc%3D");
  struct Case {
    const char *url;
    const char *contains;
  } bad[] = {
      {"https://agents.assemblyai.com/v1/ws", "not a ws:// or wss://"},
      {"wss://agents.assemblyai.com/v1/ws#x", "fragment"},
      {"wss:///v1/ws", "no host"},
      {"wss://h/v1/ws?token=secret-token-1", "carries a token"},
      {"not a url", "not a valid"},
  };
  for (const Case &c : bad) {
    err.clear();
    fail_unless(agent_url(c.url, "tok", &err).empty(), "%s accepted", c.url);
    fail_unless(err.find(c.contains) != std::string::npos, "'%s' not in '%s'",
                c.contains, err.c_str());
    fail_unless(err.find("secret-token-1") == std::string::npos,
                "a token in the message: %s", err.c_str());
  }
}
GST_END_TEST;

/* ---- server events ----------------------------------------------------- */

GST_START_TEST(test_parse_events)
{
  assert_str(parsed<AgentSessionReady>(
                 "{\"type\":\"session.ready\",\"session_id\":\"s1\"}")
                 .session_id,
             "s1");
  parsed<AgentSessionUpdated>("{\"type\":\"session.updated\"}");
  AgentSessionError e = parsed<AgentSessionError>(
      "{\"type\":\"session.error\",\"code\":\"immutable_field\","
      "\"message\":\"greeting cannot change\"}");
  assert_str(e.code, "immutable_field");
  assert_str(e.message, "greeting cannot change");
  parsed<AgentSessionEnded>("{\"type\":\"session.ended\"}");
  parsed<AgentSpeechStarted>("{\"type\":\"input.speech.started\"}");
  parsed<AgentSpeechStopped>("{\"type\":\"input.speech.stopped\"}");
  assert_str(
      parsed<AgentUserDelta>("{\"type\":\"transcript.user.delta\",\"text\":"
                             "\"hel\"}")
          .text,
      "hel");
  AgentUserTranscript u = parsed<AgentUserTranscript>(
      "{\"type\":\"transcript.user\",\"text\":\"hello\",\"item_id\":\"i1\"}");
  assert_str(u.item_id, "i1");
  assert_str(parsed<AgentReplyStarted>(
                 "{\"type\":\"reply.started\",\"reply_id\":\"r1\"}")
                 .reply_id,
             "r1");
  AgentReplyAudio a =
      parsed<AgentReplyAudio>("{\"type\":\"reply.audio\",\"data\":\"AAH+\"}");
  fail_unless_equals_int(a.audio.size(), 3);
  fail_unless(a.audio[0] == 0x00 && a.audio[1] == 0x01 && a.audio[2] == 0xfe);
  AgentTranscript t = parsed<AgentTranscript>(
      "{\"type\":\"transcript.agent\",\"text\":\"Hi\",\"reply_id\":\"r1\","
      "\"item_id\":\"i2\",\"interrupted\":true}");
  fail_unless(t.interrupted);
  assert_str(t.reply_id, "r1");
  /* reply.done without status is a completed reply. */
  fail_unless(
      !parsed<AgentReplyDone>("{\"type\":\"reply.done\"}").interrupted());
  fail_unless(parsed<AgentReplyDone>(
                  "{\"type\":\"reply.done\",\"status\":\"interrupted\"}")
                  .interrupted());
  AgentToolCall c = parsed<AgentToolCall>(
      "{\"type\":\"tool.call\",\"call_id\":\"c1\",\"name\":\"get_weather\","
      "\"arguments\":{\"city\":\"Oslo\"}}");
  assert_str(c.arguments, "{\"city\":\"Oslo\"}");
  /* The tool-calling guide's "args" and a JSON string are read too. */
  assert_str(parsed<AgentToolCall>("{\"type\":\"tool.call\",\"call_id\":\"c2\","
                                   "\"name\":\"n\",\"args\":{\"a\":1}}")
                 .arguments,
             "{\"a\":1}");
  assert_str(
      parsed<AgentToolCall>("{\"type\":\"tool.call\",\"call_id\":\"c3\","
                            "\"name\":\"n\",\"arguments\":\"{\\\"b\\\":2}\"}")
          .arguments,
      "{\"b\":2}");
  assert_str(parsed<AgentToolCall>(
                 "{\"type\":\"tool.call\",\"call_id\":\"c4\",\"name\":\"n\"}")
                 .arguments,
             "{}");
  /* Newer event types are kept, not refused. */
  assert_str(
      parsed<AgentOtherEvent>("{\"type\":\"session.warning\",\"x\":1}").type,
      "session.warning");
  /* Optional members may be null. */
  assert_str(
      parsed<AgentTranscript>("{\"type\":\"transcript.agent\",\"text\":\"x\","
                              "\"reply_id\":null,\"interrupted\":null}")
          .reply_id,
      "");
}
GST_END_TEST;

GST_START_TEST(test_parse_errors)
{
  assert_parse_error("", "empty");
  assert_parse_error("[1]", "not a JSON object");
  assert_parse_error("{\"type\":", "not valid JSON");
  assert_parse_error("{\"session_id\":\"s\"}", "no \"type\"");
  assert_parse_error("{\"type\":7}", "\"type\" is not a string");
  assert_parse_error("{\"type\":\"session.ready\"}",
                     "session.ready: \"session_id\" is missing");
  assert_parse_error("{\"type\":\"transcript.user\",\"text\":5}",
                     "\"text\" is not a string");
  assert_parse_error("{\"type\":\"reply.audio\",\"data\":\"AA$=\"}",
                     "not valid base64");
  assert_parse_error("{\"type\":\"reply.audio\",\"data\":\"AAA\"}",
                     "not valid base64");
  assert_parse_error("{\"type\":\"reply.audio\",\"data\":\"A===\"}",
                     "not valid base64");
  assert_parse_error("{\"type\":\"tool.call\",\"name\":\"n\"}",
                     "\"call_id\" is missing");
  assert_parse_error(
      "{\"type\":\"transcript.agent\",\"text\":\"x\",\"interrupted\":\"yes\"}",
      "not a boolean");
  /* The shared frame checks apply: a number json-glib would wrap. */
  assert_parse_error("{\"type\":\"reply.done\",\"n\":99999999999999999999}",
                     "integer");
  /* The element names the type of whatever it posts. */
  assert_str(agent_event_type(AgentEvent(AgentReplyDone{})), "reply.done");
}
GST_END_TEST;

static Suite *agent_protocol_suite(void)
{
  Suite *s = suite_create("agent_protocol");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_update_inline_config);
  tcase_add_test(tc, test_update_minimal_and_telephony);
  tcase_add_test(tc, test_update_agent_id);
  tcase_add_test(tc, test_validation);
  tcase_add_test(tc, test_diff_only_changed_fields);
  tcase_add_test(tc, test_client_events);
  tcase_add_test(tc, test_url_with_token);
  tcase_add_test(tc, test_parse_events);
  tcase_add_test(tc, test_parse_errors);
  return s;
}

GST_CHECK_MAIN(agent_protocol);
