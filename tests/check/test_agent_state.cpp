/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The voice agent's conversation state machine (core/agent_state.h)
 * without a pipeline or a network: which messages go out when, barge-in,
 * the tool-call ordering, resume within the grace window and starting
 * over, configuration changes, retries and the end of the conversation. */
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "agent_state.h"

using namespace aai;
using Kind = AgentAction::Kind;

/* ---- helpers ----------------------------------------------------------- */

static const char *kind_name(Kind k)
{
  switch (k) {
    case Kind::Connect:
      return "Connect";
    case Kind::Send:
      return "Send";
    case Kind::Play:
      return "Play";
    case Kind::CutPlayback:
      return "Cut";
    case Kind::Notify:
      return "Notify";
    case Kind::ToolCall:
      return "ToolCall";
    case Kind::Warn:
      return "Warn";
    case Kind::Fail:
      return "Fail";
    case Kind::Close:
      return "Close";
    case Kind::RetryLater:
      return "Retry";
    case Kind::Finished:
      return "Finished";
  }
  return "?";
}

/* "Send:session.update Notify Play" */
static std::string describe(const AgentActions &as)
{
  std::string out;
  for (const AgentAction &a : as) {
    if (!out.empty())
      out += " ";
    out += kind_name(a.kind);
    if (a.kind == Kind::Send) {
      size_t t = a.text.find("\"type\":\"");
      out += ":" + a.text.substr(t + 8, a.text.find('"', t + 8) - t - 8);
    }
  }
  return out;
}

#define assert_actions(as, want)                                         \
  do {                                                                   \
    std::string got_ = describe(as);                                     \
    fail_unless(got_ == (want), "actions '%s', want '%s'", got_.c_str(), \
                std::string(want).c_str());                              \
  } while (0)

static AgentEvent ev(const std::string &json)
{
  AgentParseResult r = parse_agent_event(json.data(), json.size());
  fail_unless(r.event.has_value(), "%s", r.error.c_str());
  return *r.event;
}

static AgentActions recv(AgentMachine &m,
                         const std::string &json,
                         int64_t now = 0)
{
  return m.received(ev(json), json, now);
}

static AgentMachineOptions options()
{
  AgentMachineOptions o;
  o.reconnect_attempts = 3;
  o.max_backoff_ms = 100;
  o.random = []() { return 0u; };
  return o;
}

static EndReport dropped()
{
  EndReport r;
  r.kind = EndReport::Kind::Closed;
  r.close_code = 1006;
  r.began = true;
  return r;
}

/* A machine with a ready session "s1". */
static AgentMachine ready_machine(AgentConfig c = AgentConfig())
{
  AgentMachine m(c, options());
  m.start();
  m.opened(0);
  recv(m, "{\"type\":\"session.ready\",\"session_id\":\"s1\"}");
  fail_unless(m.ready());
  return m;
}

static const std::string kReady =
    "{\"type\":\"session.ready\",\"session_id\":\"s1\"}";
static const std::string kReplyStarted =
    "{\"type\":\"reply.started\",\"reply_id\":\"r1\"}";
static const std::string kAudio =
    "{\"type\":\"reply.audio\",\"data\":\"AAAA\"}";
static const std::string kDone = "{\"type\":\"reply.done\"}";
static const std::string kInterrupted =
    "{\"type\":\"reply.done\",\"status\":\"interrupted\"}";
static const std::string kSpeech = "{\"type\":\"input.speech.started\"}";
static const std::string kToolCall =
    "{\"type\":\"tool.call\",\"call_id\":\"c1\",\"name\":\"get_weather\","
    "\"arguments\":{\"city\":\"Oslo\"}}";

/* ---- session start ----------------------------------------------------- */

/* session.update is the first message; audio waits for session.ready and
 * then goes out in order, before anything captured later. */
GST_START_TEST(test_update_first_audio_after_ready)
{
  AgentConfig c;
  c.voice = "claire";
  AgentMachine m(c, options());
  assert_actions(m.start(), "Connect");
  assert_actions(m.audio({1, 2}), "");
  assert_actions(m.audio({3, 4}), "");
  AgentActions a = m.opened(0);
  assert_actions(a, "Send:session.update");
  fail_unless(a[0].text.find("\"voice\":\"claire\"") != std::string::npos);
  fail_unless_equals_int(m.audio_sent(), 0);
  a = recv(m, kReady);
  assert_actions(a, "Notify Send:input.audio Send:input.audio");
  fail_unless(!a[0].resumed);
  fail_unless(a[1].text.find("\"AQI=\"") != std::string::npos);
  fail_unless(a[2].text.find("\"AwQ=\"") != std::string::npos);
  assert_actions(m.audio({5, 6}), "Send:input.audio");
  fail_unless_equals_int(m.audio_sent(), 6);
  fail_unless_equals_string(m.session_id().c_str(), "s1");
}
GST_END_TEST;

/* A refused configuration (an unknown voice, say) ends the conversation
 * with a settings error naming the service's code. */
GST_START_TEST(test_error_before_ready_is_fatal)
{
  AgentMachine m(AgentConfig(), options());
  m.start();
  m.opened(0);
  AgentActions a =
      recv(m,
           "{\"type\":\"session.error\",\"code\":\"invalid_voice\","
           "\"message\":\"Unknown voice 'zed'\"}");
  assert_actions(a, "Notify Fail Close");
  fail_unless(a[1].problem.kind == AgentProblem::Kind::Settings);
  fail_unless_equals_string(a[1].problem.code.c_str(), "invalid_voice");
  fail_unless(a[1].problem.detail.find("Unknown voice 'zed'") !=
              std::string::npos);
  fail_unless(m.failed());
  /* Nothing more happens. */
  assert_actions(m.ended(dropped(), 10), "");
  assert_actions(m.audio({1}), "");
}
GST_END_TEST;

/* ---- replies and barge-in ---------------------------------------------- */

GST_START_TEST(test_reply_plays)
{
  AgentMachine m = ready_machine();
  assert_actions(recv(m, kReplyStarted), "Notify");
  AgentActions a = recv(m, kAudio);
  assert_actions(a, "Play");
  fail_unless_equals_int(a[0].audio.size(), 3);
  assert_actions(recv(m, "{\"type\":\"transcript.agent\",\"text\":\"Hi\"}"),
                 "Notify");
  fail_unless(!m.settled());
  AgentActions done = recv(m, kDone);
  assert_actions(done, "Notify");
  /* reply.done carries no id: the message names the reply it ends. */
  const auto *d = std::get_if<AgentReplyDone>(&*done[0].event);
  fail_unless(d != nullptr);
  fail_unless_equals_string(d->reply_id.c_str(), "r1");
  fail_unless(m.settled());
  fail_unless_equals_int(m.agent_audio_received(), 3);
  /* The next reply's id, and an id sent by the service wins. */
  recv(m, "{\"type\":\"reply.started\",\"reply_id\":\"r2\"}");
  done = recv(m, kInterrupted);
  fail_unless_equals_string(
      std::get<AgentReplyDone>(*done[0].event).reply_id.c_str(), "r2");
  recv(m, kReplyStarted);
  done = recv(m, "{\"type\":\"reply.done\",\"reply_id\":\"x\"}");
  fail_unless_equals_string(
      std::get<AgentReplyDone>(*done[0].event).reply_id.c_str(), "x");
}
GST_END_TEST;

/* The caller speaks during a reply: playback is cut at once (before the
 * application hears of it), the rest of that reply's audio is dropped,
 * and the next reply plays again. */
GST_START_TEST(test_barge_in)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  recv(m, kAudio);
  assert_actions(recv(m, kSpeech), "Cut Notify");
  assert_actions(recv(m, kAudio), "");
  assert_actions(recv(m,
                      "{\"type\":\"transcript.agent\",\"text\":\"Hel\","
                      "\"interrupted\":true}"),
                 "Notify");
  assert_actions(recv(m, kInterrupted), "Notify Cut");
  assert_actions(recv(m, "{\"type\":\"input.speech.stopped\"}"), "Notify");
  assert_actions(recv(m, "{\"type\":\"transcript.user\",\"text\":\"stop\"}"),
                 "Notify");
  fail_unless(!m.settled());
  recv(m, kReplyStarted);
  assert_actions(recv(m, kAudio), "Play");
}
GST_END_TEST;

/* Speech after the reply was generated, while its audio still plays, cuts
 * it too. */
GST_START_TEST(test_barge_in_after_reply_done)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  recv(m, kAudio);
  recv(m, kDone);
  assert_actions(recv(m, kSpeech), "Cut Notify");
}
GST_END_TEST;

GST_START_TEST(test_no_barge_in_without_interrupt_response)
{
  AgentConfig c;
  c.interrupt_response = false;
  AgentMachine m = ready_machine(c);
  recv(m, kReplyStarted);
  assert_actions(recv(m, kSpeech), "Notify");
  assert_actions(recv(m, kAudio), "Play");
}
GST_END_TEST;

/* ---- tools ------------------------------------------------------------- */

/* The result goes out after the reply.done of the reply that asked for
 * it, whenever the application answers. */
GST_START_TEST(test_tool_result_after_reply_done)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  AgentActions a = recv(m, kToolCall);
  assert_actions(a, "Notify ToolCall");
  const auto &call = std::get<AgentToolCall>(*a[1].event);
  fail_unless_equals_string(call.arguments.c_str(), "{\"city\":\"Oslo\"}");
  /* Answered at once: held. */
  assert_actions(m.tool_result("c1", "sunny"), "");
  a = recv(m, kDone);
  assert_actions(a, "Notify Send:tool.result");
  fail_unless(a[1].text.find("\"result\":\"sunny\"") != std::string::npos);
  /* Until the answer's reply starts, the conversation is not settled. */
  fail_unless(!m.settled());
  recv(m, kReplyStarted);
  recv(m, kDone);
  fail_unless(m.settled());

  /* Answered later: sent at once. */
  recv(m, kReplyStarted);
  recv(m, "{\"type\":\"tool.call\",\"call_id\":\"c2\",\"name\":\"n\"}");
  assert_actions(recv(m, kDone), "Notify");
  fail_unless(!m.settled());
  assert_actions(m.tool_result("c2", "late"), "Send:tool.result");
  assert_actions(m.tool_result("c9", "x"), "Warn");
}
GST_END_TEST;

/* An interrupted reply's tool results are stale: never sent. */
GST_START_TEST(test_tool_result_discarded_on_interrupt)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  recv(m, kToolCall);
  recv(m, kSpeech);
  assert_actions(recv(m, kInterrupted), "Notify Cut");
  AgentActions a = m.tool_result("c1", "sunny");
  assert_actions(a, "Warn");
  fail_unless(a[0].problem.detail.find("interrupted") != std::string::npos);
  /* The caller's turn stays open from speech.stopped to its transcript,
   * and the conversation is unsettled until the answer is done. */
  recv(m, "{\"type\":\"input.speech.stopped\"}");
  fail_unless(!m.settled());
  recv(m, "{\"type\":\"transcript.user\",\"text\":\"stop\"}");
  fail_unless(!m.settled());
  recv(m, kReplyStarted);
  recv(m, kDone);
  fail_unless(m.settled());
}
GST_END_TEST;

/* ---- connection loss --------------------------------------------------- */

/* Within the grace window the same session is resumed with session.resume
 * (on a new connection, so with a new credential); what was captured or
 * answered meanwhile goes out once it is ready, nothing twice. */
GST_START_TEST(test_resume_within_grace)
{
  AgentMachine m = ready_machine();
  assert_actions(m.audio({1}), "Send:input.audio");
  recv(m, kReplyStarted);
  recv(m, kToolCall);
  recv(m, kDone);
  AgentActions a = m.ended(dropped(), 1000);
  assert_actions(a, "Warn Retry");
  fail_unless(a[0].problem.detail.find("resume the same session") !=
              std::string::npos);
  fail_unless(a[1].delay_ms > 0 && a[1].delay_ms <= 100);
  /* During the outage: audio and a tool result are held. */
  assert_actions(m.audio({2}), "");
  assert_actions(m.tool_result("c1", "sunny"), "");
  assert_actions(m.retry_due(), "Connect");
  a = m.opened(1000 + 29999);
  assert_actions(a, "Send:session.resume");
  fail_unless(a[0].text.find("\"session_id\":\"s1\"") != std::string::npos);
  a = recv(m, kReady);
  assert_actions(a, "Notify Send:tool.result Send:input.audio");
  fail_unless(a[0].resumed);
  fail_unless(a[2].text.find("\"Ag==\"") != std::string::npos);
  fail_unless_equals_int(m.audio_sent(), 2);
}
GST_END_TEST;

/* After the grace window the session is gone: a new one, with a warning
 * that the agent lost the conversation. Nothing of the old conversation is
 * pending in the new one: the result of the old session's tool call is not
 * sent, and the reply cut by the drop does not keep it unsettled. */
GST_START_TEST(test_outage_longer_than_grace)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  recv(m, kToolCall);
  m.ended(dropped(), 1000);
  assert_actions(m.tool_result("c1", "sunny"), "");
  m.retry_due();
  AgentActions a = m.opened(1000 + 30000);
  assert_actions(a, "Warn Send:session.update");
  fail_unless(a[0].problem.summary.find("could not be resumed") !=
              std::string::npos);
  assert_actions(recv(m, "{\"type\":\"session.ready\",\"session_id\":\"s2\"}"),
                 "Notify");
  fail_unless_equals_string(m.session_id().c_str(), "s2");
  fail_unless(m.settled());
}
GST_END_TEST;

/* The service no longer has the session: start over on a new connection. */
GST_START_TEST(test_resume_refused)
{
  AgentMachine m = ready_machine();
  recv(m, kReplyStarted);
  recv(m, kToolCall);
  recv(m, kDone);
  m.ended(dropped(), 0);
  assert_actions(m.tool_result("c1", "sunny"), "");
  m.retry_due();
  assert_actions(m.opened(10), "Send:session.resume");
  AgentActions a = recv(m,
                        "{\"type\":\"session.error\",\"code\":"
                        "\"session_not_found\",\"message\":\"expired\"}");
  assert_actions(a, "Notify Warn Close Connect");
  assert_actions(m.opened(20), "Send:session.update");
  assert_actions(recv(m, "{\"type\":\"session.ready\",\"session_id\":\"s2\"}"),
                 "Notify");
  fail_unless(m.settled());
}
GST_END_TEST;

/* Refused credentials are not retried; a dropped connection is, until the
 * attempts run out. */
GST_START_TEST(test_retries)
{
  AgentMachine m(AgentConfig(), options());
  m.start();
  EndReport refused;
  refused.kind = EndReport::Kind::UpgradeRefused;
  refused.http_status = 401;
  AgentActions a = m.ended(refused, 0);
  assert_actions(a, "Fail Close");
  fail_unless(a[0].problem.kind == AgentProblem::Kind::Auth);

  AgentMachine n(AgentConfig(), options());
  n.start();
  EndReport failed;
  failed.kind = EndReport::Kind::ConnectFailed;
  failed.transport_error = "Connection refused";
  for (int i = 0; i < 3; i++) {
    assert_actions(n.ended(failed, 0), "Warn Retry");
    assert_actions(n.retry_due(), "Connect");
  }
  a = n.ended(failed, 0);
  assert_actions(a, "Fail Close");
  fail_unless(a[0].problem.detail.find("Gave up after 3") != std::string::npos);
}
GST_END_TEST;

/* ---- configuration changes --------------------------------------------- */

GST_START_TEST(test_config_changes)
{
  AgentConfig c;
  c.voice = "claire";
  AgentMachine m(c, options());
  m.start();
  /* Before the session is configured anything may change. */
  std::vector<std::string> refused;
  c.voice = "ivy";
  assert_actions(m.change_config(c, &refused), "");
  fail_unless(refused.empty());
  AgentActions a = m.opened(0);
  fail_unless(a[0].text.find("\"voice\":\"ivy\"") != std::string::npos);
  recv(m, kReady);

  /* Once ready: a mutable field goes out alone... */
  c.system_prompt = "Be brief.";
  a = m.change_config(c, &refused);
  assert_actions(a, "Send:session.update");
  fail_unless_equals_string(a[0].text.c_str(),
                            "{\"type\":\"session.update\",\"session\":{"
                            "\"system_prompt\":\"Be brief.\"}}");
  fail_unless(refused.empty());
  /* ...an immutable one is refused and never sent. */
  AgentConfig d = c;
  d.voice = "claire";
  d.greeting = "Hello";
  assert_actions(m.change_config(d, &refused), "");
  fail_unless_equals_int(refused.size(), 2);
  fail_unless_equals_string(refused[0].c_str(), "greeting");
  fail_unless_equals_string(refused[1].c_str(), "output.voice");
  fail_unless(m.config().voice == std::optional<std::string>("ivy"));
  /* The service's own refusal is a warning, not the end. */
  a = recv(m,
           "{\"type\":\"session.error\",\"code\":\"immutable_field\","
           "\"message\":\"output.voice\"}");
  assert_actions(a, "Notify Warn");
  fail_unless(!m.failed());
}
GST_END_TEST;

/* A change made during an outage goes out once the session is back. */
GST_START_TEST(test_change_during_outage)
{
  AgentMachine m = ready_machine();
  m.ended(dropped(), 0);
  AgentConfig c;
  c.volume = 30;
  std::vector<std::string> refused;
  assert_actions(m.change_config(c, &refused), "");
  m.retry_due();
  m.opened(5);
  AgentActions a = recv(m, kReady);
  assert_actions(a, "Notify Send:session.update");
  fail_unless(a[1].text.find("\"volume\":30") != std::string::npos);
}
GST_END_TEST;

/* A change the service had not confirmed when the connection dropped
 * (session.update sent, no session.updated yet) may never have reached
 * it: the resumed session gets it again; a confirmed one is not resent. */
GST_START_TEST(test_unconfirmed_change_resent_on_resume)
{
  AgentMachine m = ready_machine();
  AgentConfig c;
  c.system_prompt = "Be brief.";
  std::vector<std::string> refused;
  assert_actions(m.change_config(c, &refused), "Send:session.update");
  recv(m, "{\"type\":\"session.updated\"}");
  c.volume = 30;
  assert_actions(m.change_config(c, &refused), "Send:session.update");
  m.ended(dropped(), 0);
  m.retry_due();
  m.opened(5);
  AgentActions a = recv(m, kReady);
  assert_actions(a, "Notify Send:session.update");
  fail_unless_equals_string(a[1].text.c_str(),
                            "{\"type\":\"session.update\",\"session\":{"
                            "\"output\":{\"volume\":30}}}");
  /* Confirmed now: another loss resends nothing. */
  recv(m, "{\"type\":\"session.updated\"}");
  m.ended(dropped(), 10);
  m.retry_due();
  m.opened(15);
  assert_actions(recv(m, kReady), "Notify");
}
GST_END_TEST;

/* ---- the end ----------------------------------------------------------- */

GST_START_TEST(test_finish)
{
  AgentMachine m = ready_machine();
  assert_actions(m.finish(), "Send:session.end");
  assert_actions(m.audio({1}), "");
  assert_actions(recv(m, "{\"type\":\"session.ended\"}"),
                 "Notify Finished Close");
  fail_unless(m.done() && !m.failed());

  /* Without a session (an outage): over at once. */
  AgentMachine n = ready_machine();
  n.ended(dropped(), 0);
  assert_actions(n.finish(), "Close Finished");
  assert_actions(n.retry_due(), "");

  /* The service ending on its own is not the end of the stream. */
  AgentMachine o = ready_machine();
  AgentActions a = recv(o, "{\"type\":\"session.ended\"}");
  assert_actions(a, "Notify Warn");
  EndReport normal;
  normal.kind = EndReport::Kind::Normal;
  normal.close_code = 1000;
  assert_actions(o.ended(normal, 0), "Warn Retry");
  o.retry_due();
  assert_actions(o.opened(1), "Send:session.update");
}
GST_END_TEST;

/* Held audio is bounded: the oldest goes, with one warning. */
GST_START_TEST(test_pending_audio_bound)
{
  AgentMachineOptions o = options();
  o.max_pending_bytes = 4;
  AgentMachine m(AgentConfig(), o);
  m.start();
  assert_actions(m.audio({1, 1}), "");
  assert_actions(m.audio({2, 2}), "");
  assert_actions(m.audio({3, 3}), "Warn");
  assert_actions(m.audio({4, 4}), "");
  fail_unless_equals_int(m.audio_dropped(), 4);
  m.opened(0);
  AgentActions a = recv(m, kReady);
  assert_actions(a, "Notify Send:input.audio Send:input.audio");
  fail_unless(a[1].text.find("\"AwM=\"") != std::string::npos);
}
GST_END_TEST;

static Suite *agent_state_suite(void)
{
  Suite *s = suite_create("agent_state");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_update_first_audio_after_ready);
  tcase_add_test(tc, test_error_before_ready_is_fatal);
  tcase_add_test(tc, test_reply_plays);
  tcase_add_test(tc, test_barge_in);
  tcase_add_test(tc, test_barge_in_after_reply_done);
  tcase_add_test(tc, test_no_barge_in_without_interrupt_response);
  tcase_add_test(tc, test_tool_result_after_reply_done);
  tcase_add_test(tc, test_tool_result_discarded_on_interrupt);
  tcase_add_test(tc, test_resume_within_grace);
  tcase_add_test(tc, test_outage_longer_than_grace);
  tcase_add_test(tc, test_resume_refused);
  tcase_add_test(tc, test_unconfirmed_change_resent_on_resume);
  tcase_add_test(tc, test_retries);
  tcase_add_test(tc, test_config_changes);
  tcase_add_test(tc, test_change_during_outage);
  tcase_add_test(tc, test_finish);
  tcase_add_test(tc, test_pending_audio_bound);
  return s;
}

GST_CHECK_MAIN(agent_state);
