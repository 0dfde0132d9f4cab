/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The emulator as the service behaves (README.md "Modes"): the throttle,
 * the delay before each Turn, Warning and unknown-type messages at their
 * documented audio points, multilingual native formatting, whisper-rt
 * without speaker labels, Config::time_scale, the presets, the listen
 * backlog and the program's flags. Assertions are on messages, codes and
 * words; time only shortens through time_scale. */
#include "test_common.h"

#include <gio/gio.h>
#include <sys/wait.h>

#include <condition_variable>
#include <cstring>
#include <mutex>

using namespace aai_test;
using aai_emu::Config;

namespace
{

/* @turns turns of two words, one turn every 3 s from 500 ms: "word<2i>
 * word<2i+1>", formatted "Word<2i> word<2i+1>."; odd turns are confident
 * (end at min_turn_silence), even ones end at max_turn_silence. */
aai_emu::Script numbered_script(int turns)
{
  aai_emu::Script s;
  for (int i = 0; i < turns; i++) {
    aai_emu::ScriptTurn t;
    for (int k = 0; k < 2; k++) {
      aai_emu::ScriptWord w;
      w.text = "word" + std::to_string(2 * i + k);
      w.formatted = k == 0 ? "Word" + std::to_string(2 * i) : w.text + ".";
      w.start = 500 + i * 3000 + k * 600;
      w.end = w.start + 400;
      t.words.push_back(w);
    }
    t.end_of_turn_confidence = i % 2 ? 0.9 : 0.3;
    t.speaker = "A";
    s.turns.push_back(t);
  }
  s.duration_ms = 500 + turns * 3000;
  return s;
}

struct Outcome {
  std::vector<std::string> messages;  // as the client received them
  aai_emu::SessionRecord record;
  int close_code = 0;
  std::string close_reason;
};

/* One session: total_ms of audio in chunk_ms frames sent at once, then
 * Terminate; waits for the close (generous for ASan and loaded boxes). */
Outcome run_session(const Config &cfg,
                    const Headers &params,
                    int total_ms,
                    int chunk_ms = 100)
{
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), params), key_header()));
  fail_unless(c.wait_type("Begin", 10000) == 0);
  c.stream_ms(total_ms, chunk_ms);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed(60000), "no close");
  Outcome o;
  o.messages = c.messages;
  o.record = s.emu.sessions()[0];
  o.close_code = c.close_code;
  o.close_reason = c.close_reason;
  return o;
}

Config with(Config cfg, const aai_emu::Script &script, double time_scale)
{
  cfg.script = script;
  cfg.time_scale = time_scale;
  return cfg;
}

/* The messages that are not turn output (Warning, unknown types) left
 * out: what a client that ignores them sees. */
std::vector<std::string> without_extras(const std::vector<std::string> &msgs)
{
  std::vector<std::string> out;
  for (auto &m : msgs) {
    std::string type = jstr(m, "type");
    if (type != "Warning" && type != "EmulatorFutureEvent")
      out.push_back(m);
  }
  return out;
}

/* The end-of-turn transcripts, in order. */
std::vector<std::string> final_transcripts(const std::vector<std::string> &msgs)
{
  std::vector<std::string> out;
  for (auto &m : of_type(msgs, "Turn"))
    if (jbool(m, "end_of_turn") && !jbool(m, "turn_is_formatted"))
      out.push_back(jstr(m, "transcript"));
  return out;
}

}  // namespace

/* Audio sent 50x faster than real time is processed at 1.25x (here
 * time-scaled 50x): Terminate waits for the backlog, every turn comes out
 * as in the instant mode, and Termination reports a session at least as
 * long as the throttle allows. */
GST_START_TEST(test_throttle_drains_backlog)
{
  aai_emu::Script script = numbered_script(20);
  Outcome real = run_session(with(Config::realistic(), script, 0.02),
                             us_params(), 61000, 1000);
  fail_unless_equals_int(real.close_code, 1000);
  std::string term = real.messages.back();
  check_str(jstr(term, "type"), "Termination");
  fail_unless_equals_int(jint(term, "audio_duration_seconds"), 61);
  /* 61 s of audio at 1.25x cannot take less than 48.8 s of service time. */
  fail_unless(jint(term, "session_duration_seconds") >= 48, "%s", term.c_str());
  auto finals = final_transcripts(real.messages);
  fail_unless_equals_int(finals.size(), 20);
  for (int i = 0; i < 20; i++)
    check_str(finals[i], "word" + std::to_string(2 * i) + " word" +
                             std::to_string(2 * i + 1));

  Outcome instant = run_session(with(Config::instant(), script, 1.0),
                                us_params(), 61000, 1000);
  /* Same turns, word for word and ms for ms, whatever the pacing. */
  fail_unless(of_type(real.messages, "Turn") ==
              of_type(instant.messages, "Turn"));
}
GST_END_TEST;

/* More than 5 minutes of audio ahead of the processing closes the session
 * with 3007 "too much audio buffered" (Error frame first). The backlog is
 * audio time, so this holds at any time_scale; 1.0 keeps the processing
 * slowest. */
GST_START_TEST(test_throttle_backlog_limit)
{
  Config cfg = Config::realistic();
  cfg.record_audio = false; /* 10 MB the test does not need */
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin", 10000) == 0);
  c.stream_ms(320000, 1000);
  fail_unless(c.wait_closed(60000));
  check_error_close(
      c, 3007, "Audio Transmission Rate Exceeded: too much audio buffered");
  auto r = s.emu.sessions()[0];
  fail_unless(r.audio_bytes > 300u * 32000u);
  fail_unless(r.audio.empty());
}
GST_END_TEST;

/* A backlog under the limit is only slowed down, never refused. */
GST_START_TEST(test_throttle_under_limit)
{
  Config cfg = with(Config::realistic(), numbered_script(2), 0.05);
  cfg.throttle_max_backlog_ms = 7000;
  Outcome o = run_session(cfg, us_params(), 6500, 500);
  fail_unless_equals_int(o.close_code, 1000);
  check_str(jstr(o.messages.back(), "type"), "Termination");
  fail_unless_equals_int(final_transcripts(o.messages).size(), 2);
}
GST_END_TEST;

/* A Turn is held for its processing delay: a connection lost within that
 * time never carries it, while without the delay it went out before the
 * loss. */
GST_START_TEST(test_processing_delay)
{
  for (bool delayed : {false, true}) {
    Config cfg = Config::instant();
    cfg.script = numbered_script(1);
    if (delayed)
      cfg.processing_delay_ms = 600000;
    Started s(cfg);
    aai_emu::FaultPlan plan;
    plan.drop_at_audio_ms = 2000;
    s.emu.set_fault_plan(plan);
    WsClient c;
    fail_unless(
        c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
    c.stream_ms(2000);
    fail_unless(c.wait_closed(10000));
    auto r = s.emu.sessions()[0];
    fail_unless(r.dropped);
    /* word0 (900 ms) and word1 (1500 ms) were heard before the drop. */
    size_t turns = of_type(r.sent_messages, "Turn").size();
    if (delayed)
      fail_unless(turns == 0, "%zu turns sent before their delay", turns);
    else
      fail_unless(turns >= 2, "%zu turns", turns);
  }
}
GST_END_TEST;

/* The Warning (2.5 s, then every 20 s) and the unknown-type message (4 s,
 * then every 20 s) come at those points of the audio: after every message
 * the audio up to there produces, before the rest. Ignoring them leaves
 * exactly the instant mode's messages. */
GST_START_TEST(test_extra_messages_at_points)
{
  aai_emu::Script script = numbered_script(8); /* 24.5 s */
  Outcome real =
      run_session(with(Config::realistic(), script, 0.02), us_params(), 25000);
  Outcome instant =
      run_session(with(Config::instant(), script, 1.0), us_params(), 25000);
  fail_unless_equals_int(real.close_code, 1000);
  check_str(jstr(real.messages.back(), "type"), "Termination");

  auto warnings = of_type(real.messages, "Warning");
  auto unknown = of_type(real.messages, "EmulatorFutureEvent");
  fail_unless_equals_int(warnings.size(), 2);  // 2500, 22500
  fail_unless_equals_int(unknown.size(), 2);   // 4000, 24000
  fail_unless_equals_int(jint(warnings[0], "warning_code"), 3100);
  check_str(jstr(warnings[0], "warning"),
            "Emulated warning at 2500 ms of audio: the session continues");
  check_str(jstr(warnings[1], "warning"),
            "Emulated warning at 22500 ms of audio: the session continues");
  fail_unless_equals_int(jint(unknown[0], "audio_ms"), 4000);
  fail_unless_equals_int(jint(unknown[1], "audio_ms"), 24000);

  /* Where each one falls: after the instant mode's messages produced by
   * the audio up to its point (100 ms frames: stamps are exact). */
  const auto &ir = instant.record;
  for (size_t i = 0; i < real.messages.size(); i++) {
    std::string type = jstr(real.messages[i], "type");
    if (type != "Warning" && type != "EmulatorFutureEvent")
      continue;
    int64_t at = real.record.sent_audio_ms[i];
    size_t before = 0;
    for (size_t k = 0; k < ir.sent_messages.size(); k++)
      if (ir.sent_audio_ms[k] <= at &&
          jstr(ir.sent_messages[k], "type") != "Termination")
        before++;
    size_t real_before =
        without_extras(std::vector<std::string>(real.messages.begin(),
                                                real.messages.begin() + i))
            .size();
    fail_unless_equals_int(real_before, before);
  }
  /* A client that ignores them sees the instant mode's turns. */
  fail_unless(of_type(without_extras(real.messages), "Turn") ==
              of_type(instant.messages, "Turn"));
}
GST_END_TEST;

/* universal-streaming-multilingual punctuates and cases every message;
 * turn_is_formatted keeps its meaning (false, true only on the
 * format_turns follow-up). The English model stays raw. */
GST_START_TEST(test_multilingual_formatted)
{
  aai_emu::Script script = numbered_script(1);
  Headers ml{{"speech_model", "universal-streaming-multilingual"},
             {"sample_rate", "16000"}};
  /* word0 heard, word1 heard, the utterance, the end of turn. */
  Outcome o = run_session(with(Config::instant(), script, 1.0), ml, 3000);
  auto turns = of_type(o.messages, "Turn");
  fail_unless_equals_int(turns.size(), 4);
  check_str(jword_str(turns[0], 0, "text"), "Word0");
  check_str(jstr(turns[1], "transcript"), "Word0");
  check_str(jword_str(turns[1], 1, "text"), "word1.");
  check_str(jstr(turns[2], "transcript"), "Word0 word1.");
  check_str(jstr(turns[2], "utterance"), "Word0 word1.");
  check_str(jstr(turns[3], "transcript"), "Word0 word1.");
  fail_unless(jbool(turns[3], "end_of_turn"));
  for (auto &t : turns)
    fail_if(jbool(t, "turn_is_formatted"));

  Headers mlf = ml;
  mlf.push_back({"format_turns", "true"});
  o = run_session(with(Config::instant(), script, 1.0), mlf, 3000);
  turns = of_type(o.messages, "Turn");
  fail_unless_equals_int(turns.size(), 5);
  fail_unless(jbool(turns[4], "turn_is_formatted"));
  check_str(jstr(turns[4], "transcript"), "Word0 word1.");

  o = run_session(with(Config::instant(), script, 1.0), us_params(), 3000);
  check_str(jstr(of_type(o.messages, "Turn")[3], "transcript"), "word0 word1");
}
GST_END_TEST;

/* whisper-rt has no diarization: speaker_labels=true is accepted and gives
 * no speaker fields; other models still label. */
GST_START_TEST(test_whisper_no_speaker_labels)
{
  aai_emu::Script script = numbered_script(1);
  Outcome w = run_session(with(Config::instant(), script, 1.0),
                          {{"speech_model", "whisper-rt"},
                           {"sample_rate", "16000"},
                           {"speaker_labels", "true"}},
                          3000);
  auto turns = of_type(w.messages, "Turn");
  fail_unless(turns.size() >= 2);
  for (auto &t : turns) {
    fail_if(jhas(t, "speaker_label"), "%s", t.c_str());
    fail_unless(jword_str(t, 0, "speaker").empty(), "%s", t.c_str());
  }
  Outcome u = run_session(with(Config::instant(), script, 1.0),
                          us_params({{"speaker_labels", "true"}}), 3000);
  fail_unless(jhas(of_type(u.messages, "Turn").back(), "speaker_label"));
}
GST_END_TEST;

/* The service's 3-hour limit, scaled 10000x: the session ends with 3008
 * about a second later, and Begin.expires_at says so. */
GST_START_TEST(test_time_scale_session_limit)
{
  Started s(with(Config::instant(), aai_emu::Script(), 0.0001));
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin", 10000) == 0);
  int64_t now_s = g_get_real_time() / 1000000;
  int64_t expires_at = jint(c.messages[0], "expires_at");
  fail_unless(expires_at <= now_s + 2,
              "expires_at %" G_GINT64_FORMAT
              " for a session begun at %" G_GINT64_FORMAT,
              expires_at, now_s);
  fail_unless(c.wait_closed(30000));
  check_error_close(c, 3008,
                    "Session Expired: Maximum session duration exceeded");
  fail_unless(g_get_real_time() >= expires_at * 1000000);
}
GST_END_TEST;

/* inactivity_timeout=5 (the smallest allowed), scaled 20x. */
GST_START_TEST(test_time_scale_inactivity)
{
  Started s(with(Config::instant(), aai_emu::Script(), 0.05));
  WsClient c;
  fail_unless(c.connect(
      with_query(s.emu.ws_url(), us_params({{"inactivity_timeout", "5"}})),
      key_header()));
  fail_unless(c.wait_closed(30000));
  check_error_close(c, 3005, "Session Cancelled: Inactivity timeout");
}
GST_END_TEST;

/* Token lifetimes are scaled like everything else. */
GST_START_TEST(test_time_scale_token_lifetime)
{
  Started s(with(Config::instant(), aai_emu::Script(), 0.01));
  std::string t = s.emu.mint_token(5); /* 50 ms of wall time */
  WsClient c;
  c.pump_for(300); /* let the scaled lifetime pass */
  fail_if(c.connect(with_query(s.emu.ws_url(), us_params({{"token", t}}))));
  fail_unless_equals_int(c.http_status, 401);
}
GST_END_TEST;

GST_START_TEST(test_time_scale_must_be_positive)
{
  for (double bad : {0.0, -1.0}) {
    Config cfg;
    cfg.time_scale = bad;
    aai_emu::Emulator emu;
    std::string err;
    fail_if(emu.start(cfg, &err));
    check_str(err, "time_scale must be a positive number (1 = real time)");
  }
}
GST_END_TEST;

/* The plain default is still the instant mode with the old model output
 * (the element suites rely on it until they move to the presets). */
/* A plain Config is the realistic mode: tests get the service's pacing
 * and delays unless they ask for instant(). */
GST_START_TEST(test_plain_default_is_realistic)
{
  Config plain;
  Config real = Config::realistic();
  fail_unless(plain.pacing == aai_emu::PacingPolicy::Throttle);
  fail_unless_equals_int(plain.processing_delay_ms, real.processing_delay_ms);
  fail_unless_equals_int(plain.processing_delay_spread_ms,
                         real.processing_delay_spread_ms);
  fail_unless_equals_int(plain.warnings.first_ms, real.warnings.first_ms);
  fail_unless_equals_int(plain.unknown_messages.first_ms,
                         real.unknown_messages.first_ms);
  fail_unless(plain.multilingual_formatted);
  fail_if(plain.whisper_speaker_labels);
  fail_unless(plain.time_scale == 1.0);
  fail_unless(Config::instant().pacing == aai_emu::PacingPolicy::Off);
  fail_unless(Config::strict().pacing == aai_emu::PacingPolicy::Strict);
  fail_unless(Config::realistic().pacing == aai_emu::PacingPolicy::Throttle);
}
GST_END_TEST;

/* While the emulator's thread is busy, hundreds of connects still
 * complete: the kernel queues them (listen backlog 4096, not GSocket's
 * 10), so thousands of streams can start together. */
GST_START_TEST(test_listen_backlog)
{
  struct Gate {
    std::mutex m;
    std::condition_variable cv;
    bool busy = false, release = false;
  } gate;
  aai_emu::Emulator emu;
  /* The logger runs on the emulator thread: holding it there on the
   * first Begin keeps the thread from accepting anything. */
  emu.set_event_logger([&gate](const std::string &line) {
    if (line.find(" began (") == std::string::npos)
      return;
    std::unique_lock<std::mutex> lock(gate.m);
    gate.busy = true;
    gate.cv.notify_all();
    gate.cv.wait(lock, [&] { return gate.release; });
  });
  std::string err;
  fail_unless(emu.start(Config::instant(), &err), "%s", err.c_str());
  WsClient c;
  fail_unless(c.connect(with_query(emu.ws_url(), us_params()), key_header()));
  {
    std::unique_lock<std::mutex> lock(gate.m);
    fail_unless(gate.cv.wait_for(lock, std::chrono::seconds(10),
                                 [&] { return gate.busy; }));
  }
  const int n = 300;
  GSocketAddress *addr =
      g_inet_socket_address_new_from_string("127.0.0.1", (guint)emu.port());
  std::vector<GSocket *> socks;
  for (int i = 0; i < n; i++) {
    GSocket *sk = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, nullptr);
    fail_unless(sk != nullptr);
    g_socket_set_blocking(sk, FALSE);
    GError *e = nullptr;
    if (!g_socket_connect(sk, addr, nullptr, &e)) {
      fail_unless(g_error_matches(e, G_IO_ERROR, G_IO_ERROR_PENDING), "%s",
                  e->message);
      g_error_free(e);
    }
    socks.push_back(sk);
  }
  int connected = 0;
  gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  for (GSocket *sk : socks) {
    gint64 left = MAX(deadline - g_get_monotonic_time(), 0);
    if (g_socket_condition_timed_wait(sk, G_IO_OUT, left, nullptr, nullptr) &&
        g_socket_check_connect_result(sk, nullptr))
      connected++;
  }
  {
    std::lock_guard<std::mutex> lock(gate.m);
    gate.release = true;
    gate.cv.notify_all();
  }
  for (GSocket *sk : socks) {
    g_socket_close(sk, nullptr);
    g_object_unref(sk);
  }
  g_object_unref(addr);
  fail_unless_equals_int(connected, n);
}
GST_END_TEST;

/* The program refuses a mode or time scale it does not know, naming the
 * choices. */
GST_START_TEST(test_program_flags)
{
  struct Bad {
    const char *flag;
    const char *message;
  } bad[] = {{"--mode=fast", "--mode must be realistic, strict or instant"},
             {"--time-scale=0",
              "--time-scale must be a positive number (1 = real time)"}};
  for (auto &b : bad) {
    const gchar *argv[] = {EMULATOR_EXE, b.flag, "--quiet", nullptr};
    gchar *out = nullptr, *errs = nullptr;
    gint status = 0;
    fail_unless(g_spawn_sync(nullptr, (gchar **)argv, nullptr, G_SPAWN_DEFAULT,
                             nullptr, nullptr, &out, &errs, &status, nullptr));
    fail_unless(g_spawn_check_wait_status(status, nullptr) == FALSE);
    fail_unless(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    fail_unless(strstr(errs, b.message) != nullptr, "%s", errs);
    g_free(out);
    g_free(errs);
  }
}
GST_END_TEST;

static Suite *emulator_realism_suite(void)
{
  Suite *s = suite_create("emulator-realism");
  TCase *p = tcase_create("pacing");
  suite_add_tcase(s, p);
  tcase_set_timeout(p, 120);
  tcase_add_test(p, test_throttle_drains_backlog);
  tcase_add_test(p, test_throttle_backlog_limit);
  tcase_add_test(p, test_throttle_under_limit);
  tcase_add_test(p, test_processing_delay);
  TCase *m = tcase_create("messages");
  suite_add_tcase(s, m);
  tcase_set_timeout(m, 120);
  tcase_add_test(m, test_extra_messages_at_points);
  tcase_add_test(m, test_multilingual_formatted);
  tcase_add_test(m, test_whisper_no_speaker_labels);
  TCase *t = tcase_create("time-scale");
  suite_add_tcase(s, t);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_time_scale_session_limit);
  tcase_add_test(t, test_time_scale_inactivity);
  tcase_add_test(t, test_time_scale_token_lifetime);
  tcase_add_test(t, test_time_scale_must_be_positive);
  TCase *c = tcase_create("config");
  suite_add_tcase(s, c);
  tcase_set_timeout(c, 120);
  tcase_add_test(c, test_plain_default_is_realistic);
  tcase_add_test(c, test_listen_backlog);
  tcase_add_test(c, test_program_flags);
  return s;
}

GST_CHECK_MAIN(emulator_realism);
