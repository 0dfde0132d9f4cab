/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Faults on demand (fixed and random drops, closes for some or all
 * sessions), refused sessions and TLS (wss/https). */
#include "test_common.h"

using namespace aai_test;
using aai_emu::Config;
using aai_emu::FaultPlan;

GST_START_TEST(test_drop_at_audio_time)
{
  Started s;
  FaultPlan plan;
  plan.drop_at_audio_ms = 1000;
  s.emu.set_fault_plan(plan);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  c.stream_ms(2000);
  fail_unless(c.wait_closed());
  /* No close frame arrived: libsoup leaves the close code at 0. */
  fail_unless_equals_int(c.close_code, 0);
  check_str(c.close_reason, "");
  auto r = s.emu.sessions()[0];
  fail_unless_equals_int(r.close_code, 1006);
  fail_unless(r.dropped);
  fail_unless_equals_int(s.emu.drops_done(), 1);
  fail_unless(r.audio_bytes >= 32000 && r.audio_bytes < 64000);
  /* The plan applied to one session only. */
  WsClient next;
  fail_unless(
      next.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  next.stream_ms(2000);
  next.send_text("{\"type\":\"Terminate\"}");
  fail_unless(next.wait_closed());
  fail_unless_equals_int(next.close_code, 1000);
}
GST_END_TEST;

GST_START_TEST(test_drop_after_frames)
{
  Started s;
  FaultPlan plan;
  plan.drop_after_frames = 3;
  s.emu.set_fault_plan(plan);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  c.stream_ms(1000);
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 0);
  fail_unless(s.emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &r) { return r[0].closed; },
      5000));
  fail_unless_equals_int(s.emu.sessions()[0].frame_sizes.size(), 3);
  fail_unless(s.emu.sessions()[0].dropped);
}
GST_END_TEST;

GST_START_TEST(test_close_code_and_error)
{
  Started s;
  FaultPlan plan;
  plan.close_code = 4321;
  plan.close_reason = "custom reason";
  plan.apply_to_sessions = 2;
  s.emu.set_fault_plan(plan);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 4321);
  check_str(c.close_reason, "custom reason");
  fail_unless_equals_int(c.messages.size(), 1);  // Begin only

  /* At an audio time, with an Error frame first. */
  plan.close_code = 3005;
  plan.close_reason = "Session Cancelled: An error occurred";
  plan.close_at_audio_ms = 500;
  plan.send_error_frame = true;
  plan.apply_to_sessions = 1;
  s.emu.set_fault_plan(plan);
  WsClient e;
  fail_unless(e.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  e.stream_ms(1000);
  fail_unless(e.wait_closed());
  fail_unless_equals_int(e.close_code, 3005);
  check_str(jstr(e.messages.back(), "type"), "Error");
  fail_unless_equals_int(jint(e.messages.back(), "error_code"), 3005);
  fail_unless_equals_int(s.emu.sessions()[1].audio_bytes, 16000);  // 500 ms
}
GST_END_TEST;

GST_START_TEST(test_error_frame_only)
{
  Started s;
  FaultPlan plan;
  plan.send_error_frame = true;
  s.emu.set_fault_plan(plan);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Error") == 1);
  c.send_audio_ms(100);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
}
GST_END_TEST;

GST_START_TEST(test_raw_frames)
{
  Started s;
  FaultPlan plan;
  plan.raw_frames = {"{not json", "{\"type\":\"Mystery\",\"x\":1}", "[1,2]"};
  plan.raw_frames_at_audio_ms = 200;
  s.emu.set_fault_plan(plan);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  c.send_audio_ms(100);
  c.send_audio_ms(100);
  fail_unless(c.wait([&] { return c.messages.size() == 4; }));
  check_str(c.messages[1], "{not json");
  check_str(c.messages[2], "{\"type\":\"Mystery\",\"x\":1}");
  check_str(c.messages[3], "[1,2]");
}
GST_END_TEST;

GST_START_TEST(test_reply_delay_and_stall)
{
  Started s;
  FaultPlan plan;
  plan.reply_delay_ms = 400;
  s.emu.set_fault_plan(plan);
  WsClient c;
  gint64 t0 = g_get_monotonic_time();
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  fail_unless((g_get_monotonic_time() - t0) / 1000 >= 390);

  plan = FaultPlan();
  plan.stall = true;
  s.emu.set_fault_plan(plan);
  WsClient st;
  fail_unless(
      st.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(st.wait_type("Begin") == 0);
  st.send_audio_ms(100);
  st.send_text("{\"type\":\"Terminate\"}");
  /* Nothing comes back and the connection stays up. */
  fail_unless(s.emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &r) {
        return r.size() == 2 && r[1].terminated;
      },
      5000));
  fail_if(st.wait_closed(1000));
  fail_unless_equals_int(st.messages.size(), 1);
}
GST_END_TEST;

/* Connects, streams total_ms in 100 ms frames and waits for the close;
 * returns the close code the client saw (0: no close frame). */
static int stream_session(aai_emu::Emulator &emu, int total_ms)
{
  WsClient c;
  fail_unless(c.connect(with_query(emu.ws_url(), us_params()), key_header()));
  fail_unless(c.wait_type("Begin") == 0);
  c.stream_ms(total_ms);
  /* Nothing was dispatched yet, so a dropped connection still reads as
   * open here; the Terminate is then simply lost. */
  if (soup_websocket_connection_get_state(c.conn) == SOUP_WEBSOCKET_STATE_OPEN)
    c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  return c.close_code;
}

static std::vector<int64_t> drop_points(aai_emu::Emulator &emu)
{
  std::vector<int64_t> out;
  for (auto &r : emu.sessions())
    out.push_back(r.random_drop_at_ms);
  return out;
}

GST_START_TEST(test_random_drops)
{
  Started s;
  FaultPlan plan;
  plan.random_drop_seed = 42;
  plan.random_drop_min_ms = 300;
  plan.random_drop_max_ms = 1500;
  plan.apply_to_sessions = 0;  // random drops ignore it
  s.emu.set_fault_plan(plan);
  for (int i = 0; i < 4; i++)
    fail_unless_equals_int(stream_session(s.emu, 2000), 0);
  fail_unless(s.emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &rs) {
        for (auto &r : rs)
          if (!r.closed)
            return false;
        return rs.size() == 4;
      },
      5000));
  fail_unless_equals_int(s.emu.drops_done(), 4);
  std::vector<int64_t> points = drop_points(s.emu);
  for (auto &r : s.emu.sessions()) {
    fail_unless(r.dropped);
    fail_unless_equals_int(r.close_code, 1006);
    fail_unless(r.random_drop_at_ms >= 300 && r.random_drop_at_ms <= 1500,
                "point %" G_GINT64_FORMAT, r.random_drop_at_ms);
    /* Dropped on the 100 ms frame that reached the point. */
    int64_t heard = (int64_t)r.audio_bytes / 32;
    fail_unless_equals_int(heard, (r.random_drop_at_ms + 99) / 100 * 100);
  }
  fail_if(points[0] == points[1] && points[1] == points[2] &&
          points[2] == points[3]);

  /* The same seed draws the same points in another run; another seed
   * draws others. Points are drawn at the upgrade. */
  for (uint32_t seed : {42u, 43u}) {
    Started again;
    plan.random_drop_seed = seed;
    again.emu.set_fault_plan(plan);
    for (int i = 0; i < 4; i++) {
      WsClient c;
      fail_unless(
          c.connect(with_query(again.emu.ws_url(), us_params()), key_header()));
      fail_unless(c.wait_type("Begin") == 0);
    }
    fail_unless_equals_int(again.emu.drops_done(), 0);
    fail_unless((drop_points(again.emu) == points) == (seed == 42u));
  }
}
GST_END_TEST;

GST_START_TEST(test_apply_to_every_session)
{
  Started s;
  FaultPlan plan;
  plan.close_code = 3005;
  plan.close_reason = "Session Cancelled: An error occurred";
  plan.send_error_frame = true;
  plan.close_at_audio_ms = 200;
  plan.apply_to_sessions = 2;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(stream_session(s.emu, 500), 3005);
  fail_unless_equals_int(stream_session(s.emu, 500), 3005);
  fail_unless_equals_int(stream_session(s.emu, 500), 1000);

  plan.apply_to_sessions = -1;
  s.emu.set_fault_plan(plan);
  for (int i = 0; i < 3; i++)
    fail_unless_equals_int(stream_session(s.emu, 500), 3005);
  auto recs = s.emu.sessions();
  fail_unless_equals_int(recs.size(), 6);
  for (size_t i : {0, 1, 3, 4, 5}) {
    fail_unless_equals_int(recs[i].audio_bytes, 6400);  // 200 ms
    fail_unless_equals_int(jint(recs[i].sent_messages.back(), "error_code"),
                           3005);
  }
  fail_if(recs[2].dropped);
  fail_unless_equals_int(s.emu.drops_done(), 0);
}
GST_END_TEST;

static void check_refused(int code)
{
  Config cfg = Config::instant();
  cfg.rate_limit_close_code = code;
  Started s(cfg);
  FaultPlan plan;
  plan.refuse_sessions = 2;
  s.emu.set_fault_plan(plan);
  const char *reason = "Unauthorized Connection: Too many concurrent sessions";
  for (int i = 0; i < 2; i++) {
    WsClient c;
    fail_unless(
        c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
    fail_unless(c.wait_closed());
    fail_unless_equals_int(c.close_code, code);
    check_str(c.close_reason, reason);
    fail_unless_equals_int(c.messages.size(), 1);
    fail_unless_equals_int(jint(c.messages[0], "error_code"), code);
  }
  WsClient ok;
  fail_unless(
      ok.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  fail_unless(ok.wait_type("Begin") == 0);
}

GST_START_TEST(test_refuse_sessions)
{
  check_refused(3009);
  check_refused(1008);
}
GST_END_TEST;

/* Not under ASan: a thread that ran GnuTLS (loaded by GIO as a module)
 * has dynamic TLS that LSan of GCC 12 on glibc 2.36 cannot scan; it dies
 * with "Tracer caught signal 11" at exit (README.md). */
#ifndef __SANITIZE_ADDRESS__
GST_START_TEST(test_tls)
{
  Config cfg = Config::instant();
  cfg.tls_cert_file = TLS_DIR "/cert.pem";
  cfg.tls_key_file = TLS_DIR "/key.pem";
  Started s(cfg);
  fail_unless(g_str_has_prefix(s.emu.ws_url().c_str(), "wss://127.0.0.1:"));
  WsClient c(TLS_DIR "/cert.pem");
  std::string body;
  fail_unless_equals_int(
      c.http_get(with_query(s.emu.token_url(), {{"expires_in_seconds", "60"}}),
                 key_header(), &body),
      200);
  fail_unless(c.connect(
      with_query(s.emu.ws_url(), us_params({{"token", jstr(body, "token")}}))));
  fail_unless(c.wait_type("Begin") == 0);
  c.send_audio_ms(100);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  /* Without the test CA the certificate is rejected. */
  WsClient untrusted;
  fail_if(
      untrusted.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
}
GST_END_TEST;
#endif

static Suite *emulator_faults_suite(void)
{
  Suite *s = suite_create("emulator-faults");
  TCase *tc = tcase_create("faults");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_drop_at_audio_time);
  tcase_add_test(tc, test_drop_after_frames);
  tcase_add_test(tc, test_close_code_and_error);
  tcase_add_test(tc, test_error_frame_only);
  tcase_add_test(tc, test_raw_frames);
  tcase_add_test(tc, test_reply_delay_and_stall);
  tcase_add_test(tc, test_refuse_sessions);
  tcase_add_test(tc, test_random_drops);
  tcase_add_test(tc, test_apply_to_every_session);
  TCase *tls = tcase_create("tls");
  suite_add_tcase(s, tls);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tls, test_tls);
#endif
  return s;
}

GST_CHECK_MAIN(emulator_faults);
