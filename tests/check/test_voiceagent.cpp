/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyaivoiceagent against the emulator's Voice Agent API: a
 * three-turn conversation (continuous timestamps, the documented event
 * order, the agent's speech sample-exact), barge-in, a tool-call round
 * trip (answered at once and later), a dropped connection resumed with a
 * fresh token and nothing said twice, immutable fields refused, telephony
 * formats, configuration errors, a real pipeline on the system clock, and
 * secrets in the debug log. The conversation tests run in lockstep with a
 * GstTestClock (agent_lockstep.h), so they are the same on every run. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "agent_audio.h"
#include "agent_lockstep.h"
#include "agent_service.h"
#include "emulator.h"
#include "test_debug_log.h"
#include "test_pipeline.h"
#include "test_wav.h"

namespace
{

const char *kKey = "test-key";
const char *kPcmCaps =
    "audio/x-raw, format=S16LE, rate=24000, channels=1, layout=interleaved";
const char *kMulawCaps = "audio/x-mulaw, rate=8000, channels=1";
const char *kAlawCaps = "audio/x-alaw, rate=8000, channels=1";
const char *kTools =
    "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":"
    "\"The weather now\",\"parameters\":{\"type\":\"object\",\"properties\":"
    "{\"query\":{\"type\":\"string\"}}}}]";
const int kMsPerChar = 40;

/* The emulator with the caller's script (tests/data/agent-caller.json). */
struct Emu {
  aai_emu::Emulator emu;
  aai_emu::AgentEmuConfig cfg;
  explicit Emu(
      const std::function<void(aai_emu::AgentEmuConfig &)> &tweak = nullptr)
  {
    cfg.script = script_config("agent-caller.json").script;
    cfg.ms_per_char = kMsPerChar;
    if (tweak)
      tweak(cfg);
    std::string err;
    fail_unless(emu.start(aai_emu::Config(), &err), "%s", err.c_str());
    emu.agent().configure(cfg);
  }
  aai_emu::AgentService &agent() { return emu.agent(); }
};

/* The caller's 8 kHz WAV as 24 kHz S16LE (each sample three times: the
 * emulator hears by the amount of audio, the words are where the script
 * says). */
std::vector<uint8_t> caller_pcm24()
{
  std::vector<uint8_t> in = read_wav("agent-caller.wav"), out;
  out.reserve(in.size() * 3);
  for (size_t i = 0; i + 1 < in.size(); i += 2)
    for (int k = 0; k < 3; k++) {
      out.push_back(in[i]);
      out.push_back(in[i + 1]);
    }
  return out;
}

/* ... and as 8 kHz mu-law or A-law. */
std::vector<uint8_t> caller_g711(bool alaw)
{
  std::vector<uint8_t> in = read_wav("agent-caller.wav"), out;
  for (size_t i = 0; i + 1 < in.size(); i += 2) {
    int16_t s = static_cast<int16_t>(in[i] | (in[i + 1] << 8));
    out.push_back(alaw ? aai_emu::linear_to_alaw(s)
                       : aai_emu::linear_to_ulaw(s));
  }
  return out;
}

GstElement *agent_element(Emu &e)
{
  GstElement *a = gst_element_factory_make("assemblyaivoiceagent", nullptr);
  fail_unless(a != nullptr);
  g_object_set(a, "url", e.agent().ws_url().c_str(), "api-key", kKey,
               "reconnect-max-backoff", 20u, nullptr);
  return a;
}

gchar *answer_sunny(GstElement *,
                    const gchar *,
                    const gchar *name,
                    const gchar *,
                    gpointer)
{
  fail_unless_equals_string(name, "get_weather");
  return g_strdup("sunny");
}

/* Samples of agent speech (not the format's silence) in @items. */
size_t speech_samples(const std::vector<PadLog::Item> &items,
                      int bps,
                      uint8_t silence)
{
  size_t n = 0;
  for (const auto &b : items) {
    if (b.kind != PadLog::Item::Kind::Buffer)
      continue;
    for (size_t i = 0; i + bps <= b.data.size(); i += bps) {
      bool silent = true;
      for (int k = 0; k < bps; k++)
        silent = silent && b.data[i + k] == silence;
      n += silent ? 0 : 1;
    }
  }
  return n;
}

/* Running time of the last speech sample's end in @items (0: none). */
GstClockTime last_speech_end(const std::vector<PadLog::Item> &items,
                             int bps,
                             uint8_t silence,
                             int rate)
{
  GstClockTime end = 0;
  for (const auto &b : items) {
    if (b.kind != PadLog::Item::Kind::Buffer)
      continue;
    for (size_t i = 0; i + bps <= b.data.size(); i += bps) {
      bool silent = true;
      for (int k = 0; k < bps; k++)
        silent = silent && b.data[i + k] == silence;
      if (!silent)
        end = b.pts + gst_util_uint64_scale(i / bps + 1, GST_SECOND, rate);
    }
  }
  return end;
}

/* Buffers follow each other without a gap or an overlap, from the first
 * one's time, across flushes too. */
void assert_continuous(const std::vector<PadLog::Item> &items)
{
  GstClockTime next = GST_CLOCK_TIME_NONE;
  size_t n = 0;
  for (const auto &b : items) {
    if (b.kind != PadLog::Item::Kind::Buffer)
      continue;
    fail_unless(GST_CLOCK_TIME_IS_VALID(b.pts) &&
                b.duration == 20 * GST_MSECOND);
    if (GST_CLOCK_TIME_IS_VALID(next))
      fail_unless(b.pts == next,
                  "buffer %zu at %" GST_TIME_FORMAT
                  ", expected %" GST_TIME_FORMAT,
                  n, GST_TIME_ARGS(b.pts), GST_TIME_ARGS(next));
    next = b.pts + b.duration;
    n++;
  }
  fail_unless(n > 0);
}

std::string str_field(const GstStructure *s, const char *name)
{
  const char *v = gst_structure_get_string(s, name);
  return v ? v : "";
}

/* Field @name of @s is @want (compared as owned strings). */
void assert_field(const GstStructure *s, const char *name, const char *want)
{
  std::string got = str_field(s, name);
  fail_unless(got == want, "%s is '%s', not '%s'", name, got.c_str(), want);
}

/* Waits for the first @type (ERROR or WARNING) message, checks its domain,
 * code and that its debug text holds @contains; returns its details. */
const GstStructure *expect_problem(Lockstep &ls,
                                   GstMessageType type,
                                   GQuark domain,
                                   gint code,
                                   const char *contains)
{
  GstMessage *m = ls.wait_message(
      [type](GstMessage *msg) { return GST_MESSAGE_TYPE(msg) == type; },
      gst_message_type_get_name(type));
  GError *err = nullptr;
  gchar *dbg = nullptr;
  const GstStructure *details = nullptr;
  if (type == GST_MESSAGE_ERROR) {
    gst_message_parse_error(m, &err, &dbg);
    gst_message_parse_error_details(m, &details);
  } else {
    gst_message_parse_warning(m, &err, &dbg);
    gst_message_parse_warning_details(m, &details);
  }
  fail_unless(g_error_matches(err, domain, code), "%s: %s (%s)",
              g_quark_to_string(err->domain), err->message, dbg);
  fail_unless(dbg && strstr(dbg, contains), "'%s' not in '%s'", contains, dbg);
  g_error_free(err);
  g_free(dbg);
  fail_unless(details != nullptr);
  return details;
}

void assert_no_problems(Lockstep &ls)
{
  for (GstMessage *m : ls.messages) {
    if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_ERROR &&
        GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING)
      continue;
    GError *err = nullptr;
    gchar *dbg = nullptr;
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR)
      gst_message_parse_error(m, &err, &dbg);
    else
      gst_message_parse_warning(m, &err, &dbg);
    fail_unless(FALSE, "%s: %s (%s)", GST_MESSAGE_TYPE_NAME(m), err->message,
                dbg);
  }
}

/* Total length of the agent's speech the emulator sent, in ms. */
int64_t replies_ms(const aai_emu::AgentService::Snapshot &s)
{
  int64_t ms = 0;
  for (const auto &c : s.conversations)
    for (const auto &r : c.replies)
      ms += r.duration_ms;
  return ms;
}

const std::vector<std::string> kTurnEvents = {
    "speech-started", "user-transcript-delta", "user-transcript-delta",
    "speech-stopped", "user-transcript"};

}  // namespace

/* Three caller turns: the agent answers each (the second through a tool),
 * its speech is on src sample-exact with continuous timestamps, and the
 * bus carries the documented events in the documented order. */
GST_START_TEST(test_three_turn_conversation)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "system-prompt", "You are a test agent.", "tools", kTools,
               nullptr);
  g_signal_connect(a, "tool-call", G_CALLBACK(answer_sunny), nullptr);
  /* The transcripts as text too. */
  GstPad *user_pad = gst_element_request_pad_simple(a, "user_text_src");
  GstPad *agent_pad = gst_element_request_pad_simple(a, "agent_text_src");
  fail_unless(user_pad && agent_pad);
  {
    PadLog user_text, agent_text;
    user_text.attach(user_pad);
    agent_text.attach(agent_pad);
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_input();
    ls.finish();
    assert_no_problems(ls);
    fail_unless(user_text.wait_for([](const std::vector<PadLog::Item> &i) {
      return !i.empty() && i.back().kind == PadLog::Item::Kind::Eos;
    }));
    fail_unless(agent_text.wait_for([](const std::vector<PadLog::Item> &i) {
      return !i.empty() && i.back().kind == PadLog::Item::Kind::Eos;
    }));
    auto said = user_text.buffers();
    fail_unless_equals_int(said.size(), 3);
    fail_unless(std::string(said[2].data.begin(), said[2].data.end()) ==
                "Thank you.");
    /* Each agent text is where its speech is on src, as long as it. */
    auto answers = agent_text.buffers();
    fail_unless_equals_int(answers.size(), 4);
    auto out = ls.log.buffers();
    for (const auto &t : answers) {
      std::string text(t.data.begin(), t.data.end());
      fail_unless(t.duration == text.size() * kMsPerChar * GST_MSECOND,
                  "'%s' lasts %" GST_TIME_FORMAT, text.c_str(),
                  GST_TIME_ARGS(t.duration));
      size_t first = 0, last = 0;
      for (const auto &b : out)
        if (b.pts >= t.pts && b.pts < t.pts + t.duration) {
          first += speech_samples({b}, 2, 0) ? 1 : 0;
          last++;
        }
      fail_unless(first == last && last == t.duration / (20 * GST_MSECOND),
                  "'%s' at %" GST_TIME_FORMAT ": %zu of %zu buffers speech",
                  text.c_str(), GST_TIME_ARGS(t.pts), first, last);
    }

    std::vector<std::string> want = {"session-ready"};
    auto turn = [&](int deltas, std::vector<std::string> replies) {
      want.push_back("speech-started");
      for (int i = 0; i < deltas; i++)
        want.push_back("user-transcript-delta");
      want.push_back("speech-stopped");
      want.push_back("user-transcript");
      want.insert(want.end(), replies.begin(), replies.end());
    };
    const std::vector<std::string> reply = {"reply-started", "transcript",
                                            "reply-done"};
    turn(2, reply);
    std::vector<std::string> tool = {"reply-started", "tool-call", "transcript",
                                     "reply-done"};
    tool.insert(tool.end(), reply.begin(), reply.end());
    turn(4, tool);
    turn(2, reply);
    want.push_back("session-ended");
    std::vector<std::string> got = ls.agent_names();
    std::string g, w;
    for (auto &s : got)
      g += s + " ";
    for (auto &s : want)
      w += s + " ";
    fail_unless(got == want, "events:\n%s\nwant:\n%s", g.c_str(), w.c_str());

    /* What was said, by whom. */
    auto users = ls.named("assemblyai/agent-user-transcript");
    fail_unless_equals_int(users.size(), 3);
    assert_field(users[0], "text", "Hello agent.");
    assert_field(users[1], "text", "What is the weather?");
    auto agents = ls.named("assemblyai/agent-transcript");
    fail_unless_equals_int(agents.size(), 4);
    assert_field(agents[0], "text", "You said Hello agent.");
    /* The tool's answer changed the next reply. */
    assert_field(agents[2], "text", "Here is what I found: sunny");
    auto call = ls.named("assemblyai/agent-tool-call");
    assert_field(call[0], "name", "get_weather");
    assert_field(call[0], "arguments", "{\"query\":\"What is the weather?\"}");
    fail_unless(!str_field(call[0], "raw").empty());

    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless_equals_int(s.conversations.size(), 1);
    const auto &conv = s.conversations[0];
    fail_unless_equals_int(conv.tool_results.size(), 1);
    fail_unless_equals_string(conv.tool_results[0].second.c_str(), "sunny");
    fail_unless_equals_int(conv.early_tool_results, 0);
    fail_unless(conv.ended);
    /* session.update came first, with the properties. */
    const auto &first = s.connections[0].client_messages[0];
    fail_unless(first.find("\"type\":\"session.update\"") != std::string::npos);
    fail_unless(first.find("\"system_prompt\":\"You are a test agent.\"") !=
                std::string::npos);
    fail_unless(first.find("\"name\":\"get_weather\"") != std::string::npos);
    fail_unless_equals_int(s.connections[0].audio_before_ready, 0);

    /* The agent's speech, every sample of it, on a continuous timeline. */
    auto items = ls.log.snapshot();
    assert_continuous(items);
    fail_unless_equals_int(ls.log.count(PadLog::Item::Kind::FlushStart), 0);
    fail_unless_equals_int(speech_samples(items, 2, 0), replies_ms(s) * 24);
    /* Each reply starts after the caller's turn it answers. */
    auto started = ls.named("assemblyai/agent-reply-started");
    guint64 rt = 0;
    gst_structure_get_uint64(started[0], "running-time", &rt);
    fail_unless(rt >= 2637 * GST_MSECOND, "reply at %" GST_TIME_FORMAT,
                GST_TIME_ARGS(rt));
  }
  gst_element_release_request_pad(a, user_pad);
  gst_element_release_request_pad(a, agent_pad);
  gst_object_unref(user_pad);
  gst_object_unref(agent_pad);
  gst_object_unref(a);
}
GST_END_TEST;

/* The caller speaks during the greeting: the rest of it is dropped at
 * once (within 50 ms of the element hearing of it), downstream is
 * flushed, timestamps go on without a jump, and the service's interrupted
 * reply is reported as such. */
GST_START_TEST(test_barge_in)
{
  Emu e([](aai_emu::AgentEmuConfig &c) { (void)c; });
  GstElement *a = agent_element(e);
  /* 3.4 s of greeting; the caller starts at 1.5 s. */
  g_object_set(a, "greeting",
               "Welcome to the voice agent demonstration, I can tell you about "
               "the weather in any city.",
               nullptr);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(3000 * GST_MSECOND);
    assert_no_problems(ls);

    auto speech = ls.named("assemblyai/agent-speech-started");
    fail_unless_equals_int(speech.size(), 1);
    guint64 heard = 0;
    gst_structure_get_uint64(speech[0], "running-time", &heard);
    auto items = ls.log.snapshot();
    GstClockTime end = last_speech_end(items, 2, 0, 24000);
    fail_unless(end > 0);
    fail_unless(end <= heard + 50 * GST_MSECOND,
                "speech until %" GST_TIME_FORMAT
                ", barge-in at %" GST_TIME_FORMAT,
                GST_TIME_ARGS(end), GST_TIME_ARGS(heard));
    /* Less than the whole greeting was played. */
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    const auto &greeting = s.conversations[0].replies[0];
    fail_unless(greeting.interrupted);
    fail_unless(speech_samples(items, 2, 0) <
                static_cast<size_t>(greeting.duration_ms) * 24);
    /* Downstream was flushed, the timeline goes on. */
    fail_unless_equals_int(ls.log.count(PadLog::Item::Kind::FlushStart), 1);
    fail_unless_equals_int(ls.log.count(PadLog::Item::Kind::FlushStop), 1);
    assert_continuous(items);
    /* The service's view: interrupted, with what was said. */
    auto transcripts = ls.named("assemblyai/agent-transcript");
    fail_unless_equals_int(transcripts.size(), 1);
    gboolean interrupted = FALSE;
    gst_structure_get_boolean(transcripts[0], "interrupted", &interrupted);
    fail_unless(interrupted);
    auto done = ls.named("assemblyai/agent-reply-done");
    assert_field(done[0], "status", "interrupted");
    ls.finish();
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* With flush-on-barge-in=false the speech is still cut at once, without a
 * flush (for pipelines that end in a file). */
GST_START_TEST(test_barge_in_without_flush)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "greeting",
               "Welcome to the voice agent demonstration, I can tell you about "
               "the weather in any city.",
               "flush-on-barge-in", FALSE, nullptr);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(2500 * GST_MSECOND);
    guint64 heard = 0;
    gst_structure_get_uint64(ls.named("assemblyai/agent-speech-started")[0],
                             "running-time", &heard);
    auto items = ls.log.snapshot();
    fail_unless(last_speech_end(items, 2, 0, 24000) <=
                heard + 50 * GST_MSECOND);
    fail_unless_equals_int(ls.log.count(PadLog::Item::Kind::FlushStart), 0);
    ls.finish();
    assert_no_problems(ls);
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* The handler answers later through the tool-result action signal; the
 * result still goes out after reply.done, and the next reply says it. */
GST_START_TEST(test_tool_result_later)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "tools", kTools, nullptr);
  std::string call_id;
  g_signal_connect(a, "tool-call",
                   G_CALLBACK(+[](GstElement *, const gchar *, const gchar *,
                                  const gchar *, gpointer) -> gchar * {
                     return nullptr; /* later */
                   }),
                   nullptr);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.on_message = [&](GstMessage *m) {
      if (!is_agent_message(m))
        return;
      const GstStructure *s = gst_message_get_structure(m);
      if (gst_structure_has_name(s, "assemblyai/agent-tool-call"))
        call_id = str_field(s, "call-id");
      /* Answer once the reply that asked is done. */
      if (gst_structure_has_name(s, "assemblyai/agent-reply-done") &&
          !call_id.empty()) {
        gboolean ok = FALSE;
        g_signal_emit_by_name(a, "tool-result", call_id.c_str(),
                              "cloudy, 12 degrees", &ok);
        fail_unless(ok);
        call_id.clear();
      }
    };
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(12000 * GST_MSECOND);
    auto agents = ls.named("assemblyai/agent-transcript");
    fail_unless_equals_int(agents.size(), 3);
    assert_field(agents[2], "text", "Here is what I found: cloudy, 12 degrees");
    /* An unknown call id is refused. */
    gboolean ok = TRUE;
    g_signal_emit_by_name(a, "tool-result", "call_nope", "x", &ok);
    fail_unless(!ok);
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless_equals_int(s.conversations[0].early_tool_results, 0);
    fail_unless_equals_int(s.conversations[0].stale_tool_results, 0);
    ls.on_message = nullptr;
    ls.finish();
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* The connection drops while the agent is between turns: the element
 * reconnects with a freshly minted token, resumes the same session with
 * session.resume, and the conversation goes on with nothing said twice. */
GST_START_TEST(test_resume_after_drop)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "api-key", nullptr, "token-url",
               e.agent().token_url().c_str(), "tools", kTools, nullptr);
  g_setenv("ASSEMBLYAI_API_KEY", kKey, TRUE);
  g_signal_connect(a, "tool-call", G_CALLBACK(answer_sunny), nullptr);
  aai_emu::AgentFaults f;
  f.drop_at_audio_ms = 5000;
  e.agent().set_faults(f);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    bool resumed = false;
    while (ls.now() < ls.input_end() + Lockstep::kStep) {
      ls.step();
      if (!resumed && e.agent().snapshot().connections[0].dropped) {
        /* The element notices, then comes back: only then does the
         * conversation go on. */
        ls.wait_message(
            [](GstMessage *m) {
              return GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING;
            },
            "a warning about the lost connection");
        ls.wait_message(
            [](GstMessage *m) {
              const GstStructure *s = gst_message_get_structure(m);
              gboolean r = FALSE;
              return is_agent_message(m) &&
                     gst_structure_has_name(s,
                                            "assemblyai/agent-session-ready") &&
                     gst_structure_get_boolean(s, "resumed", &r) && r;
            },
            "a resumed session");
        ls.settle();
        resumed = true;
      }
    }
    fail_unless(resumed);
    ls.finish();

    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    /* Two connections, one session. */
    fail_unless_equals_int(s.connections.size(), 2);
    fail_unless_equals_int(s.conversations.size(), 1);
    fail_unless(s.connections[1].resumed);
    fail_unless_equals_string(s.connections[1].conversation.c_str(),
                              s.connections[0].conversation.c_str());
    fail_unless(s.connections[1].client_messages[0].find(
                    "\"type\":\"session.resume\"") != std::string::npos);
    /* A fresh token each time, minted with the key as Bearer. */
    fail_unless_equals_int(s.token_requests.size(), 2);
    for (const auto &t : s.token_requests)
      fail_unless_equals_string(t.headers.at("authorization").c_str(),
                                "Bearer test-key");
    fail_unless_equals_string(s.connections[0].params.at("token").c_str(),
                              s.token_requests[0].token.c_str());
    fail_unless_equals_string(s.connections[1].params.at("token").c_str(),
                              s.token_requests[1].token.c_str());
    fail_unless(s.connections[0].headers.count("authorization") == 0);
    /* Nothing said twice: every turn and reply once, the speech once. */
    auto users = ls.named("assemblyai/agent-user-transcript");
    fail_unless_equals_int(users.size(), 3);
    auto agents = ls.named("assemblyai/agent-transcript");
    fail_unless_equals_int(agents.size(), 4);
    auto items = ls.log.snapshot();
    fail_unless_equals_int(speech_samples(items, 2, 0), replies_ms(s) * 24);
    assert_continuous(items);
    fail_unless_equals_int(s.conversations[0].early_tool_results, 0);
  }
  g_unsetenv("ASSEMBLYAI_API_KEY");
  gst_object_unref(a);
}
GST_END_TEST;

/* After session.ready, voice (fixed) is refused with a warning and never
 * sent; system-prompt (changeable) goes out alone and is confirmed. */
GST_START_TEST(test_immutable_field_refused)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "voice", "claire", nullptr);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(200 * GST_MSECOND);
    g_object_set(a, "voice", "ivy", nullptr);
    const GstStructure *details =
        expect_problem(ls, GST_MESSAGE_WARNING, GST_LIBRARY_ERROR,
                       GST_LIBRARY_ERROR_SETTINGS, "immutable_field");
    fail_unless(str_field(details, "property") == "voice");
    gchar *voice = nullptr;
    g_object_get(a, "voice", &voice, nullptr);
    fail_unless_equals_string(voice, "claire");
    g_free(voice);

    /* The output format and an invalid value are refused the same way. */
    gst_util_set_object_arg(G_OBJECT(a), "output-encoding", "pcmu");
    g_object_set(a, "tools", "[{\"type\":\"function\"}]", nullptr);
    size_t refusals = 0;
    ls.wait_message(
        [&refusals](GstMessage *m) {
          refusals += GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING;
          return refusals == 3;
        },
        "three refusals");
    gchar *tools = nullptr;
    g_object_get(a, "tools", &tools, nullptr);
    fail_unless(tools == nullptr);
    g_free(tools);

    g_object_set(a, "system-prompt", "Answer in French.", nullptr);
    ls.wait_agent("assemblyai/agent-session-updated");
    ls.settle();
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    const auto &msgs = s.connections[0].client_messages;
    fail_unless_equals_int(msgs.size(), 2);
    fail_unless_equals_string(msgs[1].c_str(),
                              "{\"type\":\"session.update\",\"session\":{"
                              "\"system_prompt\":\"Answer in French.\"}}");
    fail_unless_equals_int(ls.named("assemblyai/agent-session-error").size(),
                           0);
    ls.finish();
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* Telephony: mu-law 8 kHz in, and out because downstream takes only that:
 * the session says so, and the agent's speech arrives as mu-law. */
GST_START_TEST(test_mulaw_telephony)
{
  Emu e;
  GstElement *a = agent_element(e);
  {
    Lockstep ls(e.emu, a, kMulawCaps, caller_g711(false), 8, kMulawCaps);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(4500 * GST_MSECOND);
    ls.finish();
    assert_no_problems(ls);
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    const auto &update = s.connections[0].client_messages[0];
    fail_unless(
        update.find("\"input\":{\"format\":{\"encoding\":\"audio/"
                    "pcmu\",\"sample_rate\":8000}") != std::string::npos,
        "%s", update.c_str());
    fail_unless(
        update.find("\"output\":{\"format\":{\"encoding\":\"audio/"
                    "pcmu\",\"sample_rate\":8000}") != std::string::npos,
        "%s", update.c_str());
    GstCaps *caps = gst_pad_get_current_caps(ls.log.pad);
    GstCaps *want = gst_caps_from_string(kMulawCaps);
    fail_unless(gst_caps_is_equal(caps, want));
    gst_caps_unref(caps);
    gst_caps_unref(want);
    auto items = ls.log.snapshot();
    for (const auto &b : ls.log.buffers())
      fail_unless_equals_int(b.data.size(), 160); /* 20 ms */
    assert_continuous(items);
    fail_unless_equals_int(speech_samples(items, 1, 0xFF), replies_ms(s) * 8);
    fail_unless(replies_ms(s) > 0);
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* A-law by the property, whatever downstream would take; before any
 * caps, the src pad offers only that format. */
GST_START_TEST(test_alaw_by_property)
{
  Emu e;
  GstElement *a = agent_element(e);
  GstPad *src = gst_element_get_static_pad(a, "src");
  GstCaps *offered = gst_pad_query_caps(src, nullptr);
  fail_unless(gst_caps_get_size(offered) > 1, "auto offers every format");
  gst_caps_unref(offered);
  gst_util_set_object_arg(G_OBJECT(a), "output-encoding", "pcma");
  offered = gst_pad_query_caps(src, nullptr);
  GstCaps *alaw = gst_caps_from_string(kAlawCaps);
  fail_unless(gst_caps_is_equal(offered, alaw), "offered %" GST_PTR_FORMAT,
              offered);
  gst_caps_unref(alaw);
  gst_caps_unref(offered);
  gst_object_unref(src);
  {
    Lockstep ls(e.emu, a, kAlawCaps, caller_g711(true), 8);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(4500 * GST_MSECOND);
    ls.finish();
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless(s.connections[0].client_messages[0].find(
                    "\"output\":{\"format\":{\"encoding\":\"audio/pcma\"") !=
                std::string::npos);
    fail_unless_equals_int(speech_samples(ls.log.snapshot(), 1, 0xD5),
                           replies_ms(s) * 8);
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* An unknown voice is refused by the service: a RESOURCE/SETTINGS error
 * with the service's code, no retry. */
GST_START_TEST(test_unknown_voice)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "voice", "nobody", nullptr);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    const GstStructure *d =
        expect_problem(ls, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
                       GST_RESOURCE_ERROR_SETTINGS, "Unknown voice 'nobody'");
    fail_unless(str_field(d, "code") == "invalid_voice");
    fail_unless_equals_int(e.agent().snapshot().connections.size(), 1);
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* A service that opens the WebSocket but never answers session.update:
 * after connect-timeout the element gives up on that connection and the
 * next one gets the session. */
GST_START_TEST(test_no_session_ready)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "connect-timeout", 300u, nullptr);
  aai_emu::AgentFaults f;
  f.ignore_setup = 1;
  e.agent().set_faults(f);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    expect_problem(ls, GST_MESSAGE_WARNING, GST_RESOURCE_ERROR,
                   GST_RESOURCE_ERROR_OPEN_READ_WRITE, "connect-timeout");
    ls.wait_agent("assemblyai/agent-session-ready");
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless_equals_int(s.connections.size(), 2);
    fail_unless_equals_int(s.conversations.size(), 1);
    ls.settle();
    ls.finish();
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* Stopping while the element waits at EOS for the agent (a reply is
 * playing, the clock does not move) does not hang, and ends the session. */
GST_START_TEST(test_stop_while_ending)
{
  Emu e;
  GstElement *a = agent_element(e);
  GstPad *text = gst_element_request_pad_simple(a, "agent_text_src");
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(3400 * GST_MSECOND); /* the first reply is playing */
    GstHarness *h = ls.h;
    std::thread eos([h]() { gst_harness_push_event(h, gst_event_new_eos()); });
    /* The EOS waits; leaving PAUSED releases it. */
    fail_unless_equals_int(gst_element_set_state(a, GST_STATE_READY),
                           GST_STATE_CHANGE_SUCCESS);
    eos.join();
    fail_unless(e.agent().wait_for(
        [](const aai_emu::AgentService::Snapshot &s) {
          return s.connections[0].closed;
        },
        10000));
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless(s.conversations[0].ended, "no session.end");
  }
  gst_element_release_request_pad(a, text);
  gst_object_unref(text);
  gst_object_unref(a);
}
GST_END_TEST;

/* Settings that cannot work fail at once, in the right domain. */
GST_START_TEST(test_bad_settings)
{
  struct Case {
    const char *prop;
    const char *value;
    GQuark domain;
    gint code;
    const char *contains;
  } cases[] = {
      {"tools", "[{\"type\":\"function\"}]", GST_LIBRARY_ERROR,
       GST_LIBRARY_ERROR_SETTINGS, "tools[0] has no \"name\""},
      {"agent-id", "agent_demo", GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
       "mutually exclusive"},
      {"url", "https://agents.assemblyai.com/v1/ws", GST_RESOURCE_ERROR,
       GST_RESOURCE_ERROR_NOT_FOUND, "ws://"},
  };
  for (const Case &c : cases) {
    GstElement *p = launch(
        std::string("audiotestsrc num-buffers=5 ! audio/x-raw,rate=24000,"
                    "channels=1 ! assemblyaivoiceagent name=a "
                    "api-key=k system-prompt=x ! fakesink"));
    GstElement *a = gst_bin_get_by_name(GST_BIN(p), "a");
    if (g_str_equal(c.prop, "agent-id"))
      g_object_set(a, "agent-id", c.value, nullptr);
    else
      g_object_set(a, c.prop, c.value, nullptr);
    gst_object_unref(a);
    Run run;
    play(p, &run);
    assert_error(run, c.domain, c.code, c.contains);
    gst_object_unref(p);
  }
  /* No credentials at all. */
  GstElement *p = launch(
      "audiotestsrc num-buffers=5 ! audio/x-raw,rate=24000,channels=1 ! "
      "assemblyaivoiceagent ! fakesink");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "api-key");
  gst_object_unref(p);
}
GST_END_TEST;

static gchar *mint(GstElement *, gpointer data)
{
  auto *e = static_cast<Emu *>(data);
  return g_strdup(e->agent().mint_token(60).c_str());
}

/* The request-token handler comes first and is asked for every
 * connection; the key is never sent then. */
GST_START_TEST(test_request_token_each_connection)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_signal_connect(a, "request-token", G_CALLBACK(mint), &e);
  aai_emu::AgentFaults f;
  f.drop_at_audio_ms = 1000;
  e.agent().set_faults(f);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(1100 * GST_MSECOND);
    ls.wait_message(
        [](GstMessage *m) {
          gboolean r = FALSE;
          return is_agent_message(m) &&
                 gst_structure_get_boolean(gst_message_get_structure(m),
                                           "resumed", &r) &&
                 r;
        },
        "a resumed session");
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless_equals_int(s.connections.size(), 2);
    fail_unless(s.connections[0].params.at("token") !=
                s.connections[1].params.at("token"));
    for (const auto &c : s.connections)
      fail_unless(c.headers.count("authorization") == 0);
    ls.settle();
    ls.finish();
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* The token property works once: after a drop, with nothing else, the
 * element says why it cannot reconnect and never reuses the token. */
GST_START_TEST(test_single_use_token)
{
  Emu e;
  GstElement *a = agent_element(e);
  g_object_set(a, "api-key", nullptr, "token", e.agent().mint_token(60).c_str(),
               nullptr);
  aai_emu::AgentFaults f;
  f.drop_at_audio_ms = 1000;
  e.agent().set_faults(f);
  {
    Lockstep ls(e.emu, a, kPcmCaps, caller_pcm24(), 48);
    ls.wait_agent("assemblyai/agent-session-ready");
    ls.run_until(1100 * GST_MSECOND);
    expect_problem(ls, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
                   GST_RESOURCE_ERROR_NOT_AUTHORIZED, "single-use");
    fail_unless_equals_int(e.agent().snapshot().connections.size(), 1);
  }
  gst_object_unref(a);
}
GST_END_TEST;

/* A real pipeline on the system clock: a WAV of the caller's turns, paced
 * to real time, into the agent; EOS after the last answer. */
GST_START_TEST(test_real_pipeline)
{
  Emu e;
  GstElement *p = launch(
      "filesrc location=\"" + data_path("agent-caller.wav") +
      "\" ! wavparse ! audioconvert ! audioresample ! assemblyaivoiceagent "
      "name=a api-key=test-key url=" +
      e.agent().ws_url("/v1/voice") + " ! fakesink sync=true");
  GstElement *a = gst_bin_get_by_name(GST_BIN(p), "a");
  g_object_set(a, "tools", kTools, nullptr);
  g_signal_connect(a, "tool-call", G_CALLBACK(answer_sunny), nullptr);
  PadLog log;
  GstPad *src = gst_element_get_static_pad(a, "src");
  log.attach(src);
  gst_object_unref(src);
  Run run;
  play(p, &run, 90);
  assert_no_error(run);
  fail_unless(run.first(GST_MESSAGE_EOS) != nullptr);
  auto agents = run.named("assemblyai/agent-transcript");
  fail_unless_equals_int(agents.size(), 4);
  fail_unless_equals_int(run.named("assemblyai/agent-session-ended").size(), 1);
  aai_emu::AgentService::Snapshot s = e.agent().snapshot();
  fail_unless_equals_string(s.connections[0].path.c_str(), "/v1/voice");
  auto items = log.snapshot();
  assert_continuous(items);
  fail_unless_equals_int(speech_samples(items, 2, 0), replies_ms(s) * 24);
  gst_object_unref(a);
  gst_object_unref(p);
}
GST_END_TEST;

/* Barge-in in a real pipeline on the system clock, into a synchronising
 * sink: the flush does not stall it, the timeline goes on, EOS comes. */
GST_START_TEST(test_real_pipeline_barge_in)
{
  Emu e([](aai_emu::AgentEmuConfig &c) {
    c.script = script_config("hello.json").script;
  });
  GstElement *p =
      launch("filesrc location=\"" + data_path("hello.wav") +
             "\" ! wavparse ! audioresample ! audio/x-raw,rate=24000 ! "
             "assemblyaivoiceagent name=a api-key=test-key url=" +
             e.agent().ws_url() + " ! fakesink sync=true");
  GstElement *a = gst_bin_get_by_name(GST_BIN(p), "a");
  /* 2.6 s of greeting; the caller starts at 0.5 s. */
  g_object_set(a, "greeting",
               "Welcome to the voice agent, ask me about the weather today.",
               nullptr);
  PadLog log;
  GstPad *src = gst_element_get_static_pad(a, "src");
  log.attach(src);
  gst_object_unref(src);
  Run run;
  play(p, &run, 60);
  assert_no_error(run);
  fail_unless(run.first(GST_MESSAGE_EOS) != nullptr);
  auto done = run.named("assemblyai/agent-reply-done");
  fail_unless(done.size() >= 1);
  fail_unless(str_field(done[0], "status") == "interrupted");
  fail_unless(log.count(PadLog::Item::Kind::FlushStart) >= 1);
  auto items = log.snapshot();
  assert_continuous(items);
  aai_emu::AgentService::Snapshot s = e.agent().snapshot();
  fail_unless(s.conversations[0].replies[0].interrupted);
  gst_object_unref(a);
  gst_object_unref(p);
}
GST_END_TEST;

/* Not under ASan: the child gst-launch-1.0 is not sanitized and cannot
 * load the ASan-built plugin (the default build runs this test). */
#ifndef __SANITIZE_ADDRESS__
/* At the most verbose debug level, through a reconnection, neither the
 * API key nor any token appears in the output. */
GST_START_TEST(test_secrets_not_in_debug_log)
{
  const std::string key = "agent-key-5d81c0a9f3";
  Emu e([&](aai_emu::AgentEmuConfig &c) {
    c.api_keys = {key};
    c.script = script_config("hello.json").script;
  });
  struct Variant {
    std::string props;
  } variants[] = {
      {"url=" + e.agent().ws_url()},
      {"url=" + e.agent().ws_url() + " token-url=" + e.agent().token_url()},
  };
  for (const Variant &v : variants) {
    aai_emu::AgentFaults f;
    f.drop_at_audio_ms = 2500;
    e.agent().set_faults(f);
    size_t before = e.agent().snapshot().connections.size();
    std::string all = launch_with_full_debug(
        "filesrc location=" + data_path("hello.wav") +
            " ! wavparse ! audioresample ! audio/x-raw,rate=24000 ! "
            "assemblyaivoiceagent reconnect-max-backoff=20 " +
            v.props + " ! fakesink",
        {"ASSEMBLYAI_API_KEY=" + key});
    aai_emu::AgentService::Snapshot s = e.agent().snapshot();
    fail_unless(s.connections.size() == before + 2, "%zu connections",
                s.connections.size() - before);
    fail_unless(s.connections.back().resumed);
    fail_unless(all.find("assemblyai/agent-session-ready") !=
                std::string::npos);
    fail_unless(all.size() > 100000, "only %zu bytes of output", all.size());
    fail_unless(all.find(key) == std::string::npos, "the key in the log");
    fail_unless(all.find("tmp-agent-") == std::string::npos,
                "a token in the log");
  }
}
GST_END_TEST;
#endif

static Suite *voiceagent_suite(void)
{
  Suite *s = suite_create("voiceagent");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 180);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_three_turn_conversation);
  tcase_add_test(tc, test_barge_in);
  tcase_add_test(tc, test_barge_in_without_flush);
  tcase_add_test(tc, test_tool_result_later);
  tcase_add_test(tc, test_resume_after_drop);
  tcase_add_test(tc, test_immutable_field_refused);
  tcase_add_test(tc, test_mulaw_telephony);
  tcase_add_test(tc, test_alaw_by_property);
  tcase_add_test(tc, test_unknown_voice);
  tcase_add_test(tc, test_no_session_ready);
  tcase_add_test(tc, test_stop_while_ending);
  tcase_add_test(tc, test_bad_settings);
  tcase_add_test(tc, test_request_token_each_connection);
  tcase_add_test(tc, test_single_use_token);
  tcase_add_test(tc, test_real_pipeline);
  tcase_add_test(tc, test_real_pipeline_barge_in);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_secrets_not_in_debug_log);
#endif
  return s;
}

GST_CHECK_MAIN(voiceagent);
