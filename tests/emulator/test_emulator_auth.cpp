/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Auth (§2): raw key, temporary tokens, the token endpoint, KeyPool. */
#include "test_common.h"

using namespace aai_test;
using aai_emu::AuthFailureMode;
using aai_emu::Config;

GST_START_TEST(test_key_begin)
{
  Started s;
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params()), key_header()));
  int i = c.wait_type("Begin");
  fail_unless(i == 0);
  const std::string &b = c.messages[0];
  fail_unless_equals_int(jstr(b, "id").size(), 36);
  fail_unless(jint(b, "expires_at") > g_get_real_time() / 1000000 + 10000);
  fail_unless(jhas(b, "configuration"));
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  auto recs = s.emu.sessions();
  fail_unless_equals_int(recs.size(), 1);
  fail_unless(recs[0].began && recs[0].terminated);
  check_str(recs[0].headers["authorization"].c_str(), "test-key");
  check_str(recs[0].params["sample_rate"].c_str(), "16000");
  fail_unless(s.emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &r) { return r[0].closed; },
      5000));
}
GST_END_TEST;

GST_START_TEST(test_wrong_key_http)
{
  Started s;
  WsClient c;
  fail_if(
      c.connect(with_query(s.emu.ws_url(), us_params()), key_header("nope")));
  fail_unless_equals_int(c.http_status, 401);
  WsClient c2;
  fail_if(c2.connect(with_query(s.emu.ws_url(), us_params())));
  fail_unless_equals_int(c2.http_status, 401);
  auto recs = s.emu.sessions();
  fail_unless_equals_int(recs.size(), 2);
  fail_unless(recs[0].rejected && recs[0].http_status == 401);
}
GST_END_TEST;

static void check_close_mode(const Headers &hdrs,
                             const std::string &url_extra,
                             const char *reason)
{
  Config cfg;
  cfg.auth_failure = AuthFailureMode::ErrorFrameClose;
  Started s(cfg);
  WsClient c;
  Headers params = us_params();
  if (!url_extra.empty())
    params.push_back({"token", url_extra});
  fail_unless(c.connect(with_query(s.emu.ws_url(), params), hdrs));
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1008);
  check_str(c.close_reason.c_str(), reason);
  fail_unless_equals_int(c.messages.size(), 1);
  check_str(jstr(c.messages[0], "type").c_str(), "Error");
  fail_unless_equals_int(jint(c.messages[0], "error_code"), 1008);
  check_str(jstr(c.messages[0], "error").c_str(), reason);
}

GST_START_TEST(test_wrong_key_close)
{
  check_close_mode(key_header("nope"), "",
                   "Unauthorized Connection: Invalid API key");
  check_close_mode({}, "",
                   "Unauthorized Connection: Missing Authorization header");
  check_close_mode({}, "tmp-bogus", "Unauthorized Connection: Invalid token");
}
GST_END_TEST;

GST_START_TEST(test_token_query_header_single_use)
{
  Started s;
  std::string t1 = s.emu.mint_token(60);
  WsClient a;
  Headers q = us_params({{"token", t1}});
  fail_unless(a.connect(with_query(s.emu.ws_url(), q)));
  fail_unless(a.wait_type("Begin") == 0);
  WsClient again;
  fail_if(again.connect(with_query(s.emu.ws_url(), q)));
  fail_unless_equals_int(again.http_status, 401);

  std::string t2 = s.emu.mint_token(60);
  WsClient b;
  fail_unless(b.connect(with_query(s.emu.ws_url(), us_params()),
                        {{"Authorization", t2}}));
  fail_unless(b.wait_type("Begin") == 0);
  WsClient b2;
  fail_if(b2.connect(with_query(s.emu.ws_url(), us_params()),
                     {{"Authorization", t2}}));
  fail_unless_equals_int(b2.http_status, 401);
}
GST_END_TEST;

GST_START_TEST(test_token_expired)
{
  Started s;
  std::string t = s.emu.mint_token(1);
  WsClient c;
  /* Let the 1 s expiry pass on a GMainContext timeout, then use it. */
  c.pump_for(1300);
  fail_if(c.connect(with_query(s.emu.ws_url(), us_params({{"token", t}}))));
  fail_unless_equals_int(c.http_status, 401);
}
GST_END_TEST;

GST_START_TEST(test_token_max_duration)
{
  Started s;
  std::string t = s.emu.mint_token(60, 120);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params({{"token", t}}))));
  fail_unless(c.wait_type("Begin") == 0);
  int64_t now = g_get_real_time() / 1000000;
  int64_t exp = jint(c.messages[0], "expires_at");
  fail_unless(exp >= now + 118 && exp <= now + 122,
              "expires_at %" G_GINT64_FORMAT, exp);
}
GST_END_TEST;

GST_START_TEST(test_token_endpoint)
{
  Started s;
  WsClient c;
  std::string body;
  int st = c.http_get(
      with_query(s.emu.token_url(), {{"expires_in_seconds", "60"},
                                     {"max_session_duration_seconds", "600"}}),
      key_header(), &body);
  fail_unless_equals_int(st, 200);
  fail_unless_equals_int(jint(body, "expires_in_seconds"), 60);
  std::string token = jstr(body, "token");
  fail_unless(!token.empty());
  fail_unless(
      c.connect(with_query(s.emu.ws_url(), us_params({{"token", token}}))));
  fail_unless(c.wait_type("Begin") == 0);

  struct Bad {
    Headers q;
    Headers h;
    int status;
  } bad[] = {
      {{{"expires_in_seconds", "60"}}, {}, 401},
      {{{"expires_in_seconds", "60"}}, key_header("wrong"), 401},
      {{}, key_header(), 400},
      {{{"expires_in_seconds", "0"}}, key_header(), 400},
      {{{"expires_in_seconds", "601"}}, key_header(), 400},
      {{{"expires_in_seconds", "abc"}}, key_header(), 400},
      {{{"expires_in_seconds", "60"}, {"max_session_duration_seconds", "59"}},
       key_header(),
       400},
      {{{"expires_in_seconds", "60"},
        {"max_session_duration_seconds", "10801"}},
       key_header(),
       400},
  };
  for (auto &b : bad) {
    std::string out;
    fail_unless_equals_int(
        c.http_get(with_query(s.emu.token_url(), b.q), b.h, &out), b.status);
    fail_unless(!jstr(out, "error").empty(), "body %s", out.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_keypool_auth)
{
  Started s;
  std::string url = with_query(s.emu.keypool_ws_url(), us_params());
  {
    WsClient c;
    fail_unless(c.connect(url, {{"Authorization", "Bearer team-token"}}));
    fail_unless(c.wait_type("Begin") == 0);
  }
  {
    WsClient c;
    fail_unless(c.connect(url, {{"x-api-key", "team-token"}}));
    fail_unless(c.wait_type("Begin") == 0);
  }
  {
    WsClient c;
    fail_unless(c.connect(url, {}, {"keypool-token.team-token"}));
    check_str(c.protocol.c_str(), "keypool-token.team-token");
    fail_unless(c.wait_type("Begin") == 0);
  }
  {
    WsClient c;
    fail_if(c.connect(url, {{"Authorization", "Bearer wrong"}}));
    fail_unless_equals_int(c.http_status, 401);
    WsClient c2;
    fail_if(c2.connect(url, key_header()));  // a personal key is not accepted
    fail_unless_equals_int(c2.http_status, 401);
  }
  auto recs = s.emu.sessions();
  check_str(recs[2].subprotocol.c_str(), "keypool-token.team-token");
  /* The KeyPool token endpoint mints tokens usable directly on /v3/ws. */
  WsClient c;
  std::string body;
  fail_unless_equals_int(
      c.http_get(
          with_query(s.emu.keypool_token_url(), {{"expires_in_seconds", "60"}}),
          {{"Authorization", "Bearer team-token"}}, &body),
      200);
  fail_unless(c.connect(
      with_query(s.emu.ws_url(), us_params({{"token", jstr(body, "token")}}))));
  fail_unless(c.wait_type("Begin") == 0);
}
GST_END_TEST;

GST_START_TEST(test_keypool_statuses)
{
  Started s;
  std::string url = with_query(s.emu.keypool_ws_url(), us_params());
  for (int status : {401, 403, 429, 502, 503}) {
    aai_emu::FaultPlan plan;
    plan.keypool_fail_status = status;
    s.emu.set_fault_plan(plan);
    WsClient c;
    fail_if(c.connect(url, {{"Authorization", "Bearer team-token"}}));
    fail_unless_equals_int(c.http_status, status);
    std::string body;
    fail_unless_equals_int(
        c.http_get(with_query(s.emu.keypool_token_url(),
                              {{"expires_in_seconds", "60"}}),
                   {{"x-api-key", "team-token"}}, &body),
        status);
    fail_unless(!jstr(body, "error").empty());
  }
}
GST_END_TEST;

static Suite *emulator_auth_suite(void)
{
  Suite *s = suite_create("emulator-auth");
  TCase *tc = tcase_create("auth");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_key_begin);
  tcase_add_test(tc, test_wrong_key_http);
  tcase_add_test(tc, test_wrong_key_close);
  tcase_add_test(tc, test_token_query_header_single_use);
  tcase_add_test(tc, test_token_expired);
  tcase_add_test(tc, test_token_max_duration);
  tcase_add_test(tc, test_token_endpoint);
  tcase_add_test(tc, test_keypool_auth);
  tcase_add_test(tc, test_keypool_statuses);
  return s;
}

GST_CHECK_MAIN(emulator_auth);
