/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Query parameters, audio frame rules and pacing, control
 * messages (docs/protocol.md) and server-side endings (inactivity, max
 * duration). */
#include "test_common.h"

using namespace aai_test;
using aai_emu::Config;

static const char *kOneTurn =
    "{\"turns\":[{\"words\":[{\"text\":\"hello\",\"start\":500,\"end\":900},"
    "{\"text\":\"world\",\"start\":1000,\"end\":1400}],"
    "\"formatted\":\"Hello, world.\"}]}";

static Config with_script(const char *json)
{
  Config cfg = Config::instant();
  std::string err;
  fail_unless(aai_emu::Script::load_json(json, &cfg.script, &err), "%s",
              err.c_str());
  return cfg;
}

/* Opens a session that must fail with Error + close code before Begin. */
static void expect_rejected(aai_emu::Emulator &emu,
                            const Headers &params,
                            int code,
                            const std::string &reason)
{
  WsClient c;
  fail_unless(c.connect(with_query(emu.ws_url(), params), key_header()));
  fail_unless(c.wait_closed());
  check_error_close(c, code, reason);
  fail_unless_equals_int(c.messages.size(), 1);
}

static void expect_begin(aai_emu::Emulator &emu,
                         const Headers &params,
                         std::string *model = nullptr)
{
  WsClient c;
  fail_unless(c.connect(with_query(emu.ws_url(), params), key_header()));
  fail_unless(c.wait_type("Begin") == 0, "no Begin");
  if (model)
    *model = c.messages[0];
}

GST_START_TEST(test_query_all_params)
{
  Started s;
  expect_begin(
      s.emu,
      us_params({{"encoding", "pcm_s16le"},
                 {"format_turns", "true"},
                 {"end_of_turn_confidence_threshold", "0.7"},
                 {"min_turn_silence", "160"},
                 {"min_end_of_turn_silence_when_confident", "160"},
                 {"max_turn_silence", "400"},
                 {"vad_threshold", "0.5"},
                 {"keyterms_prompt", "[\"Keanu Reeves\",\"AssemblyAI\"]"},
                 {"language_detection", "True"},
                 {"inactivity_timeout", "5"},
                 {"speaker_labels", "FALSE"},
                 {"max_speakers", "10"},
                 {"prompt", "Transcribe."},
                 {"filter_profanity", "true"},
                 {"no_such_param", "whatever"}}));
  auto recs = s.emu.sessions();
  check_str(recs[0].params["keyterms_prompt"],
            "[\"Keanu Reeves\",\"AssemblyAI\"]");
  check_str(recs[0].params["no_such_param"], "whatever");
  /* Terms over 50 characters are ignored, not an error. */
  expect_begin(
      s.emu,
      us_params({{"keyterms_prompt", "[\"" + std::string(51, 'x') + "\"]"}}));
  expect_begin(s.emu, {{"speech_model", "u3-rt-pro"},
                       {"sample_rate", "8000"},
                       {"encoding", "pcm_mulaw"}});
}
GST_END_TEST;

GST_START_TEST(test_query_violations)
{
  Started s;
  struct Bad {
    Headers params;
    const char *reason;
  } bad[] = {
      {{{"sample_rate", "16000"}}, "speech_model is required"},
      {{{"speech_model", "universal-streaming-english"}},
       "Sample rate must be a positive integer"},
      {us_params({{"sample_rate", "0"}}),
       "Sample rate must be a positive integer"},
      {us_params({{"encoding", "opus"}}), "unsupported encoding opus"},
      {us_params({{"format_turns", "yes"}}),
       "format_turns must be true or false"},
      {us_params({{"inactivity_timeout", "4"}}),
       "inactivity_timeout must be an integer between 5 and 3600"},
      {us_params({{"inactivity_timeout", "3601"}}),
       "inactivity_timeout must be an integer between 5 and 3600"},
      {us_params({{"max_speakers", "0"}}),
       "max_speakers must be an integer between 1 and 10"},
      {us_params({{"max_speakers", "11"}}),
       "max_speakers must be an integer between 1 and 10"},
      {us_params({{"end_of_turn_confidence_threshold", "1.5"}}),
       "end_of_turn_confidence_threshold must be between 0 and 1"},
      {us_params({{"vad_threshold", "-0.1"}}),
       "vad_threshold must be between 0 and 1"},
      {us_params({{"keyterms_prompt", "Keanu"}}),
       "keyterms_prompt must be a JSON array of strings"},
      {{{"speech_model", "nope"}, {"sample_rate", "16000"}},
       "unknown speech_model nope"},
  };
  for (auto &b : bad) {
    Headers p = b.params;
    expect_rejected(s.emu, p, 3006,
                    std::string("Invalid Message: ") + b.reason);
  }
  std::string terms = "[";
  for (int i = 0; i < 101; i++)
    terms += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\"";
  terms += "]";
  expect_rejected(s.emu, us_params({{"keyterms_prompt", terms}}), 3006,
                  "Invalid Message: keyterms_prompt has more than 100 terms");
}
GST_END_TEST;

GST_START_TEST(test_query_default_speech_model)
{
  Config cfg = Config::instant();
  cfg.require_speech_model = false;
  Started s(cfg);
  std::string begin;
  expect_begin(s.emu, {{"sample_rate", "16000"}}, &begin);
  fail_unless(begin.find("\"model\":\"universal-streaming-english\"") !=
              std::string::npos);
}
GST_END_TEST;

static void expect_duration_violation(int rate,
                                      int bps,
                                      const char *enc,
                                      size_t bytes,
                                      const char *ms)
{
  Started s;
  WsClient c;
  fail_unless(
      c.connect(with_query(s.emu.ws_url(),
                           {{"speech_model", "universal-streaming-english"},
                            {"sample_rate", std::to_string(rate)},
                            {"encoding", enc}}),
                key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  c.send_bytes(bytes);
  fail_unless(c.wait_closed());
  std::string reason = std::string("Input duration violation: ") + ms +
                       " ms. Expected between 50 and 1000 ms";
  check_error_close(c, 3007, reason);
  (void)bps;
}

GST_START_TEST(test_audio_duration_limits)
{
  expect_duration_violation(16000, 2, "pcm_s16le", 1568, "49");
  expect_duration_violation(16000, 2, "pcm_s16le", 32032, "1001");
  expect_duration_violation(8000, 1, "pcm_mulaw", 399, "49.875");
  expect_duration_violation(8000, 1, "pcm_mulaw", 8001, "1000.12");
  Started s;
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  c.send_bytes(1600);   // 50 ms
  c.send_bytes(32000);  // 1000 ms
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  std::string term = c.messages.back();
  check_str(jstr(term, "type"), "Termination");
  fail_unless_equals_int(jint(term, "audio_duration_seconds"), 1);
  fail_unless_equals_int(jint(term, "session_duration_seconds"), 0);
  auto r = s.emu.sessions()[0];
  fail_unless_equals_int(r.frame_sizes.size(), 2);
  fail_unless_equals_int(r.audio_bytes, 33600);
  fail_unless_equals_int(r.audio.size(), 33600);

  WsClient m;
  fail_unless(
      m.connect(with_query(s.emu.ws_url(),
                           {{"speech_model", "universal-streaming-english"},
                            {"sample_rate", "8000"},
                            {"encoding", "pcm_mulaw"}}),
                key_header()));
  m.send_bytes(400);
  m.send_bytes(8000);
  m.send_text("{\"type\":\"Terminate\"}");
  fail_unless(m.wait_closed());
  fail_unless_equals_int(m.close_code, 1000);
}
GST_END_TEST;

GST_START_TEST(test_pacing_strict)
{
  Config cfg = Config::instant();
  cfg.pacing = aai_emu::PacingPolicy::Strict;
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  c.stream_ms(3000);
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 3007);
  fail_unless(g_str_has_prefix(c.close_reason.c_str(),
                               "Audio Transmission Rate Exceeded: Received "),
              "%s", c.close_reason.c_str());
  check_str(jstr(c.messages.back(), "type"), "Error");
  /* Real-time pace within the tolerance is fine. */
  WsClient ok;
  fail_unless(
      ok.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  ok.stream_ms(1000);
  ok.send_text("{\"type\":\"Terminate\"}");
  fail_unless(ok.wait_closed());
  fail_unless_equals_int(ok.close_code, 1000);
}
GST_END_TEST;

/* Throttle with a small backlog limit: audio under it is processed (at
 * 1.25x) and ends normally, audio beyond it is refused. The realism suite
 * covers the documented 5-minute limit and the drain. */
GST_START_TEST(test_pacing_throttle)
{
  Config cfg = with_script(kOneTurn);
  cfg.pacing = aai_emu::PacingPolicy::Throttle;
  cfg.throttle_max_backlog_ms = 2500;
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  c.stream_ms(2000);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed(10000));
  fail_unless_equals_int(c.close_code, 1000);
  check_str(jstr(of_type(c.messages, "Turn").back(), "transcript"),
            "hello world");
  check_str(jstr(c.messages.back(), "type"), "Termination");

  WsClient over;
  fail_unless(
      over.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  over.stream_ms(4000);
  fail_unless(over.wait_closed());
  check_error_close(
      over, 3007, "Audio Transmission Rate Exceeded: too much audio buffered");
}
GST_END_TEST;

GST_START_TEST(test_control_errors)
{
  Started s;
  struct Bad {
    const char *frame;
    const char *reason;
  } bad[] = {{"{nope", "Invalid JSON: {nope"},
             {"{\"type\":\"Mystery\"}", "Invalid Message Type: Mystery"},
             {"[]", "Invalid Message: []"},
             {"{\"terminate_session\":true}",
              "Invalid Message: {\"terminate_session\":true}"}};
  for (auto &b : bad) {
    WsClient c;
    fail_unless(
        c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
    c.send_text(b.frame);
    fail_unless(c.wait_closed());
    check_error_close(c, 3006, b.reason);
  }
}
GST_END_TEST;

GST_START_TEST(test_terminate_flushes)
{
  Started s(with_script(kOneTurn));
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  c.stream_ms(1500);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  auto turns = of_type(c.messages, "Turn");
  fail_unless(turns.size() >= 3);
  std::string last = turns.back();
  fail_unless(jbool(last, "end_of_turn"));
  check_str(jstr(last, "transcript"), "hello world");
  fail_unless(jword_bool(last, 1, "word_is_final"));
  std::string term = c.messages.back();
  check_str(jstr(term, "type"), "Termination");
  fail_unless_equals_int(jint(term, "audio_duration_seconds"), 2);
  fail_unless(jint(term, "session_duration_seconds") >= 0);
  fail_unless(s.emu.sessions()[0].terminated);
}
GST_END_TEST;

GST_START_TEST(test_force_endpoint)
{
  Started s(with_script(kOneTurn));
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  c.stream_ms(1000);  // "hello" heard, "world" not yet
  fail_unless(c.wait_type("Turn") > 0);
  c.send_text("{\"type\":\"ForceEndpoint\"}");
  fail_unless(c.wait([&] { return of_type(c.messages, "Turn").size() == 2; }));
  std::string eot = of_type(c.messages, "Turn")[1];
  fail_unless(jbool(eot, "end_of_turn"));
  check_str(jstr(eot, "transcript"), "hello");
  fail_unless_equals_int(jint(eot, "turn_order"), 0);
  /* The rest of the speech becomes the next turn. */
  c.stream_ms(1000);
  fail_unless(c.wait([&] { return of_type(c.messages, "Turn").size() >= 3; }));
  fail_unless_equals_int(jint(of_type(c.messages, "Turn")[2], "turn_order"), 1);
}
GST_END_TEST;

GST_START_TEST(test_update_configuration)
{
  Started s(with_script(kOneTurn));
  for (int max_silence : {1280, 2000}) {
    WsClient c;
    fail_unless(
        c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
    if (max_silence != 1280)
      c.send_text("{\"type\":\"UpdateConfiguration\",\"max_turn_silence\":" +
                  std::to_string(max_silence) + "}");
    c.stream_ms(4000);
    c.send_text("{\"type\":\"Terminate\"}");
    fail_unless(c.wait_closed());
  }
  auto recs = s.emu.sessions();
  int64_t eot_at[2] = {-1, -1};
  for (int i = 0; i < 2; i++)
    for (size_t k = 0; k < recs[i].sent_messages.size(); k++)
      if (jbool(recs[i].sent_messages[k], "end_of_turn") && eot_at[i] < 0)
        eot_at[i] = recs[i].sent_audio_ms[k];
  /* "world" ends at 1400: end of turn at 2680 resp. 3400 ms of audio,
   * seen at the first 100 ms frame boundary at or after it. */
  fail_unless_equals_int(eot_at[0], 2700);
  fail_unless_equals_int(eot_at[1], 3400);
}
GST_END_TEST;

GST_START_TEST(test_keepalive_and_inactivity)
{
  /* Time-scaled: the 5 s timeout lasts 3 s. */
  Config cfg = Config::instant();
  cfg.time_scale = 0.6;
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(
      with_query(s.emu.ws_url(), us_params({{"inactivity_timeout", "5"}})),
      key_header()));
  /* A KeepAlive every second keeps the session open past the timeout. */
  for (int i = 0; i < 4; i++) {
    fail_if(c.wait_closed(1000));
    c.send_text("{\"type\":\"KeepAlive\"}");
  }
  fail_unless(c.wait_closed(10000));
  check_error_close(c, 3005, "Session Cancelled: Inactivity timeout");
}
GST_END_TEST;

GST_START_TEST(test_max_duration)
{
  Config cfg = Config::instant();
  cfg.max_session_duration_ms = 600;
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  int64_t now = g_get_real_time() / 1000000;
  fail_unless(jint(c.messages[0], "expires_at") <= now + 2);
  fail_unless(c.wait_closed());
  check_error_close(c, 3008,
                    "Session Expired: Maximum session duration exceeded");
}
GST_END_TEST;

/* A sub-second limit: expires_at is rounded down so it is never after the
 * 3008 close; the close comes at the limit. */
GST_START_TEST(test_max_duration_expires_at)
{
  Config cfg = Config::instant();
  cfg.max_session_duration_ms = 1500;
  Started s(cfg);
  WsClient c;
  gint64 t0 = g_get_monotonic_time();
  gint64 before = g_get_real_time();
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  gint64 after = g_get_real_time();
  int64_t exp = jint(c.messages[0], "expires_at");
  fail_unless(
      exp >= (before + 1500000) / 1000000 && exp <= (after + 1500000) / 1000000,
      "expires_at %" G_GINT64_FORMAT, exp);
  fail_unless(c.wait_closed());
  fail_unless(g_get_real_time() >= exp * 1000000);
  fail_unless((g_get_monotonic_time() - t0) / 1000 >= 1500);
  check_error_close(c, 3008,
                    "Session Expired: Maximum session duration exceeded");
}
GST_END_TEST;

static Suite *emulator_session_suite(void)
{
  Suite *s = suite_create("emulator-session");
  TCase *q = tcase_create("query");
  suite_add_tcase(s, q);
  tcase_add_test(q, test_query_all_params);
  tcase_add_test(q, test_query_violations);
  tcase_add_test(q, test_query_default_speech_model);
  TCase *a = tcase_create("audio");
  suite_add_tcase(s, a);
  tcase_add_test(a, test_audio_duration_limits);
  tcase_add_test(a, test_pacing_strict);
  tcase_add_test(a, test_pacing_throttle);
  TCase *c = tcase_create("control");
  suite_add_tcase(s, c);
  tcase_add_test(c, test_control_errors);
  tcase_add_test(c, test_terminate_flushes);
  tcase_add_test(c, test_force_endpoint);
  tcase_add_test(c, test_update_configuration);
  TCase *e = tcase_create("endings");
  suite_add_tcase(s, e);
  tcase_set_timeout(e, 60);
  tcase_add_test(e, test_keepalive_and_inactivity);
  tcase_add_test(e, test_max_duration);
  tcase_add_test(e, test_max_duration_expires_at);
  return s;
}

GST_CHECK_MAIN(emulator_session);
