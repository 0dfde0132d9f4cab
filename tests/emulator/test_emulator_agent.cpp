/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The emulator's Voice Agent API (agent_service.h) with a plain client:
 * auth (Bearer key, single-use tokens from /v1/token), the event sequence
 * of a turn, reply audio whose length follows its text, interruption, tool
 * calls and their order, immutable fields, unknown voices, resume within
 * the grace window and session.end. */
#include <json-glib/json-glib.h>

#include "agent_service.h"
#include "test_common.h"

using namespace aai_test;

namespace
{

/* Two caller turns: "hello agent" and "what is the weather". */
const char *kScript =
    "{\"turns\":["
    "{\"words\":[{\"text\":\"hello\",\"start\":500,\"end\":800},"
    "{\"text\":\"agent\",\"start\":900,\"end\":1200}],"
    "\"formatted\":\"Hello agent.\"},"
    "{\"words\":[{\"text\":\"what\",\"start\":4000,\"end\":4200},"
    "{\"text\":\"is\",\"start\":4300,\"end\":4400},"
    "{\"text\":\"the\",\"start\":4500,\"end\":4600},"
    "{\"text\":\"weather\",\"start\":4700,\"end\":5000}],"
    "\"formatted\":\"What is the weather?\"}]}";

struct Agent {
  Started s;
  aai_emu::AgentEmuConfig cfg;
  explicit Agent(int64_t grace_ms = 30000)
  {
    std::string err;
    fail_unless(aai_emu::Script::load_json(kScript, &cfg.script, &err), "%s",
                err.c_str());
    cfg.grace_ms = grace_ms;
    s.emu.agent().configure(cfg);
  }
  aai_emu::AgentService &agent() { return s.emu.agent(); }
};

Headers bearer(const std::string &key = "test-key")
{
  return {{"Authorization", "Bearer " + key}};
}

/* {"type":"session.update","session":@session}. */
std::string update(const std::string &session)
{
  return "{\"type\":\"session.update\",\"session\":" + session + "}";
}

/* @ms of 24 kHz PCM silence as input.audio messages of 50 ms. */
void send_ms(WsClient &c, int ms)
{
  for (int done = 0; done < ms; done += 50) {
    std::string pcm(2400, '\0');
    gchar *b64 = g_base64_encode(reinterpret_cast<const guchar *>(pcm.data()),
                                 pcm.size());
    c.send_text(std::string("{\"type\":\"input.audio\",\"audio\":\"") + b64 +
                "\"}");
    g_free(b64);
  }
}

/* Decoded bytes of the reply.audio messages in @msgs. */
size_t audio_bytes(const std::vector<std::string> &msgs)
{
  size_t n = 0;
  for (const auto &m : of_type(msgs, "reply.audio")) {
    gsize len = 0;
    g_free(g_base64_decode(jstr(m, "data").c_str(), &len));
    n += len;
  }
  return n;
}

/* The types of @msgs but reply.audio, joined with spaces. */
std::string types(const std::vector<std::string> &msgs)
{
  std::string out;
  for (const auto &m : msgs) {
    std::string t = jstr(m, "type");
    if (t != "reply.audio")
      out += (out.empty() ? "" : " ") + t;
  }
  return out;
}

}  // namespace

GST_START_TEST(test_agent_auth)
{
  Agent a;
  std::string url = a.agent().ws_url();
  WsClient none;
  fail_if(none.connect(url));
  fail_unless_equals_int(none.http_status, 401);
  WsClient raw;
  fail_if(raw.connect(url, {{"Authorization", "test-key"}}));
  fail_unless_equals_int(raw.http_status, 401);
  WsClient ok;
  fail_unless(ok.connect(url, bearer()));
  WsClient older;
  fail_unless(older.connect(a.agent().ws_url("/v1/voice"), bearer()));

  /* A minted token opens one connection. */
  WsClient http;
  std::string body;
  fail_unless_equals_int(
      http.http_get(
          with_query(a.agent().token_url(), {{"expires_in_seconds", "60"}}),
          bearer(), &body),
      200);
  std::string token = jstr(body, "token");
  fail_unless(!token.empty());
  std::string with_token = with_query(url, {{"token", token}});
  WsClient first;
  fail_unless(first.connect(with_token));
  WsClient again;
  fail_if(again.connect(with_token));
  fail_unless_equals_int(again.http_status, 401);
  auto snap = a.agent().snapshot();
  fail_unless(snap.connections.back().rejected);
  /* The token endpoint checks its parameters. */
  fail_unless_equals_int(
      http.http_get(
          with_query(a.agent().token_url(), {{"expires_in_seconds", "601"}}),
          bearer(), &body),
      400);
}
GST_END_TEST;

/* One turn: the documented sequence; the reply's audio is as long as its
 * text says, and it is done only once that much input time has passed. */
GST_START_TEST(test_agent_turn)
{
  Agent a;
  WsClient c;
  fail_unless(c.connect(a.agent().ws_url(), bearer()));
  send_ms(c, 50);
  c.wait_type("session.error");
  check_str(jstr(c.messages[0], "code"), "not_ready");
  c.send_text(update("{\"system_prompt\":\"Be brief.\"}"));
  int ready = c.wait_type("session.ready");
  fail_unless(ready >= 0);
  fail_unless(jstr(c.messages[ready], "session_id").size() > 5);
  send_ms(c, 1800); /* turn ends at 1200 + 600 */
  fail_unless(c.wait_type("reply.started") >= 0);
  check_str(types(c.messages),
            "session.error session.ready input.speech.started "
            "transcript.user.delta transcript.user.delta input.speech.stopped "
            "transcript.user reply.started");
  check_str(jstr(of_type(c.messages, "transcript.user")[0], "text"),
            "Hello agent.");
  /* "You said Hello agent." is 21 characters of 40 ms at 24 kHz. */
  fail_unless(
      c.wait([&]() { return audio_bytes(c.messages) >= 21 * 40 * 48; }));
  fail_unless_equals_int(audio_bytes(c.messages), 21 * 40 * 48);
  fail_unless(of_type(c.messages, "reply.done").empty());
  send_ms(c, 850);
  int done = c.wait_type("reply.done");
  fail_unless(done >= 0);
  check_str(jstr(c.messages[done], "status"), "completed");
  auto agent = of_type(c.messages, "transcript.agent");
  check_str(jstr(agent[0], "text"), "You said Hello agent.");
  fail_unless(!jbool(agent[0], "interrupted"));
  c.send_text("{\"type\":\"session.end\"}");
  fail_unless(c.wait_type("session.ended") >= 0);
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
}
GST_END_TEST;

/* The caller speaks during the greeting: it is cut where they came in. */
GST_START_TEST(test_agent_interrupt)
{
  Agent a;
  WsClient c;
  fail_unless(c.connect(a.agent().ws_url(), bearer()));
  /* 40 characters: 1.6 s; the caller starts at 0.5 s. */
  c.send_text(
      update("{\"greeting\":\"Good morning, this is the emulated agent.\"}"));
  c.wait_type("session.ready");
  send_ms(c, 600);
  int done = c.wait_type("reply.done");
  fail_unless(done >= 0);
  check_str(jstr(c.messages[done], "status"), "interrupted");
  auto agent = of_type(c.messages, "transcript.agent");
  fail_unless(jbool(agent[0], "interrupted"));
  /* 500 ms of 40 ms characters were said. */
  check_str(jstr(agent[0], "text"), "Good morning");
  int speech = c.wait_type("input.speech.started");
  fail_unless(speech < done);

  /* With interrupt_response false the greeting plays on. */
  WsClient d;
  fail_unless(d.connect(a.agent().ws_url(), bearer()));
  d.send_text(
      update("{\"greeting\":\"Good morning, this is the emulated "
             "agent.\",\"input\":{\"turn_detection\":{"
             "\"interrupt_response\":false}}}"));
  d.wait_type("session.ready");
  send_ms(d, 1700);
  done = d.wait_type("reply.done");
  check_str(jstr(d.messages[done], "status"), "completed");
}
GST_END_TEST;

/* A turn with the trigger phrase calls the first tool; the result, sent
 * after reply.done, is what the next reply says. A result sent too early
 * is counted. */
GST_START_TEST(test_agent_tool_call)
{
  Agent a;
  WsClient c;
  fail_unless(c.connect(a.agent().ws_url(), bearer()));
  c.send_text(
      update("{\"tools\":[{\"type\":\"function\",\"name\":"
             "\"get_weather\",\"parameters\":{}}]}"));
  c.wait_type("session.ready");
  send_ms(c, 5650); /* second turn ends at 5000 + 600 */
  int call = c.wait_type("tool.call");
  fail_unless(call >= 0);
  const std::string &m = c.messages[call];
  check_str(jstr(m, "name"), "get_weather");
  std::string id = jstr(m, "call_id");
  /* Early: before reply.done. */
  c.send_text("{\"type\":\"tool.result\",\"call_id\":\"" + id +
              "\",\"result\":\"rain\"}");
  fail_unless(a.agent().wait_for(
      [](const aai_emu::AgentService::Snapshot &s) {
        return !s.conversations.empty() &&
               s.conversations[0].early_tool_results == 1;
      },
      5000));
  /* The transition phrase runs out, then the answer with the result. */
  send_ms(c, 2000);
  fail_unless(c.wait([&]() {
    for (const auto &t : of_type(c.messages, "transcript.agent"))
      if (jstr(t, "text") == "Here is what I found: rain")
        return true;
    return false;
  }));
  /* The arguments are an object. */
  JsonNode *root = json_from_string(m.c_str(), nullptr);
  JsonObject *o = json_node_get_object(root);
  fail_unless(JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "arguments")));
  json_node_unref(root);
  /* An unknown call id is an error event. */
  c.send_text(
      "{\"type\":\"tool.result\",\"call_id\":\"nope\",\"result\":\"x\"}");
  int err = c.wait_type("session.error");
  check_str(jstr(c.messages[err], "code"), "invalid_tool_call");
}
GST_END_TEST;

GST_START_TEST(test_agent_config_errors)
{
  Agent a;
  WsClient bad;
  fail_unless(bad.connect(a.agent().ws_url(), bearer()));
  bad.send_text(update("{\"output\":{\"voice\":\"nobody\"}}"));
  int e = bad.wait_type("session.error");
  check_str(jstr(bad.messages[e], "code"), "invalid_voice");
  fail_unless(bad.wait_closed());

  WsClient both;
  fail_unless(both.connect(a.agent().ws_url(), bearer()));
  both.send_text(update("{\"agent_id\":\"agent_demo\",\"greeting\":\"Hi\"}"));
  e = both.wait_type("session.error");
  check_str(jstr(both.messages[e], "code"), "invalid_request");

  WsClient c;
  fail_unless(c.connect(a.agent().ws_url(), bearer()));
  c.send_text(update("{\"output\":{\"voice\":\"claire\"}}"));
  c.wait_type("session.ready");
  /* Fixed after session.ready... */
  for (const char *s :
       {"{\"output\":{\"voice\":\"ivy\"}}", "{\"greeting\":\"Hello\"}",
        "{\"output\":{\"format\":{\"encoding\":\"audio/pcmu\"}}}"}) {
    size_t from = c.messages.size();
    c.send_text(update(s));
    e = c.wait_type("session.error", 5000, from);
    fail_unless(e >= 0, "%s", s);
    check_str(jstr(c.messages[e], "code"), "immutable_field");
  }
  /* ...changeable fields are applied. */
  size_t from = c.messages.size();
  c.send_text(
      update("{\"system_prompt\":\"Be kind.\",\"output\":{"
             "\"volume\":50},\"input\":{\"keyterms\":[\"GStreamer\"]}}"));
  fail_unless(c.wait_type("session.updated", 5000, from) >= 0);
}
GST_END_TEST;

/* A dropped connection: the session is resumed on a new one (with a new
 * token); an unknown or expired session is session_not_found. */
GST_START_TEST(test_agent_resume)
{
  Agent a;
  aai_emu::AgentFaults f;
  f.drop_at_audio_ms = 300;
  a.agent().set_faults(f);
  WsClient c;
  fail_unless(c.connect(a.agent().ws_url(), bearer()));
  c.send_text(update("{}"));
  std::string id = jstr(c.messages[c.wait_type("session.ready")], "session_id");
  send_ms(c, 400);
  fail_unless(c.wait_closed());
  fail_unless(c.close_code == 0 || c.close_code == 1006, "%d", c.close_code);

  WsClient r;
  fail_unless(r.connect(
      with_query(a.agent().ws_url(), {{"token", a.agent().mint_token()}})));
  r.send_text("{\"type\":\"session.resume\",\"session_id\":\"" + id + "\"}");
  check_str(jstr(r.messages[r.wait_type("session.ready")], "session_id"), id);
  /* The conversation goes on where it was: the first turn completes. */
  send_ms(r, 1600);
  fail_unless(r.wait_type("transcript.user") >= 0);
  auto snap = a.agent().snapshot();
  fail_unless_equals_int(snap.conversations.size(), 1);
  fail_unless(snap.connections[0].dropped);
  fail_unless(snap.connections[1].resumed);

  WsClient u;
  fail_unless(u.connect(a.agent().ws_url(), bearer()));
  u.send_text("{\"type\":\"session.resume\",\"session_id\":\"sess_nope\"}");
  check_str(jstr(u.messages[u.wait_type("session.error")], "code"),
            "session_not_found");

  /* With no grace at all, a dropped session is gone. */
  Agent b(0);
  b.agent().set_faults(f);
  WsClient d;
  fail_unless(d.connect(b.agent().ws_url(), bearer()));
  d.send_text(update("{}"));
  id = jstr(d.messages[d.wait_type("session.ready")], "session_id");
  send_ms(d, 400);
  fail_unless(d.wait_closed());
  WsClient e;
  fail_unless(e.connect(b.agent().ws_url(), bearer()));
  e.send_text("{\"type\":\"session.resume\",\"session_id\":\"" + id + "\"}");
  check_str(jstr(e.messages[e.wait_type("session.error")], "code"),
            "session_not_found");
}
GST_END_TEST;

static Suite *emulator_agent_suite(void)
{
  Suite *s = suite_create("emulator-agent");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_agent_auth);
  tcase_add_test(tc, test_agent_turn);
  tcase_add_test(tc, test_agent_interrupt);
  tcase_add_test(tc, test_agent_tool_call);
  tcase_add_test(tc, test_agent_config_errors);
  tcase_add_test(tc, test_agent_resume);
  return s;
}

GST_CHECK_MAIN(emulator_agent);
