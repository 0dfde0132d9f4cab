/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Auth (docs/protocol.md, Authentication): raw key, temporary tokens, the token
 * endpoint, KeyPool; token endpoint faults and the token request log. */
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
  Config cfg = Config::instant();
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

/* expires_at = session start + the shorter of the server's and the
 * token's limit, in whole seconds rounded down. */
static void check_token_expires_at(int64_t config_ms,
                                   int token_s,
                                   int64_t expected_ms)
{
  Config cfg = Config::instant();
  cfg.max_session_duration_ms = config_ms;
  Started s(cfg);
  std::string t = s.emu.mint_token(60, token_s);
  WsClient c;
  gint64 before = g_get_real_time();
  fail_unless(c.connect(with_query(s.emu.ws_url(), us_params({{"token", t}}))));
  fail_unless(c.wait_type("Begin") == 0);
  gint64 after = g_get_real_time();
  int64_t exp = jint(c.messages[0], "expires_at");
  fail_unless(exp >= (before + expected_ms * 1000) / 1000000 &&
                  exp <= (after + expected_ms * 1000) / 1000000,
              "expires_at %" G_GINT64_FORMAT, exp);
}

GST_START_TEST(test_token_max_duration)
{
  check_token_expires_at(0, 120, 120000);
  check_token_expires_at(600000, 120, 120000);
  check_token_expires_at(90000, 120, 90000);
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

static int get_token(WsClient &c,
                     const std::string &url,
                     const Headers &auth,
                     std::string *body)
{
  body->clear();
  return c.http_get(with_query(url, {{"expires_in_seconds", "60"}}), auth,
                    body);
}

GST_START_TEST(test_token_fail_status)
{
  Started s;
  WsClient c;
  std::string body;
  for (int status : {400, 401, 429, 500, 503}) {
    aai_emu::FaultPlan plan;
    plan.token_fail_status = status;
    plan.token_fail_count = 2;
    s.emu.set_fault_plan(plan);
    for (int i = 0; i < 2; i++) {
      fail_unless_equals_int(
          get_token(c, s.emu.token_url(), key_header(), &body), status);
      fail_unless(!jstr(body, "error").empty(), "body %s", body.c_str());
      fail_if(jhas(body, "token"));
    }
    fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                           200);
    fail_unless(!jstr(body, "token").empty());
  }
  /* -1 (the default): until the plan is replaced. */
  aai_emu::FaultPlan plan;
  plan.token_fail_status = 500;
  s.emu.set_fault_plan(plan);
  for (int i = 0; i < 3; i++)
    fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                           500);
  s.emu.set_fault_plan(aai_emu::FaultPlan());
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         200);
  auto reqs = s.emu.token_requests();
  fail_unless_equals_int(reqs.size(), 5 * 3 + 4);
  fail_unless_equals_int(reqs[0].status, 400);
  fail_unless(reqs[0].token.empty());
  fail_unless_equals_int(reqs[2].status, 200);
  check_str(reqs.back().token, jstr(body, "token"));
}
GST_END_TEST;

GST_START_TEST(test_token_bad_json)
{
  Started s;
  WsClient c;
  std::string body;
  aai_emu::FaultPlan plan;
  plan.token_bad_json = true;
  plan.token_fail_count = 1;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         200);
  fail_if(jvalid(body), "body %s", body.c_str());
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         200);
  fail_unless(!jstr(body, "token").empty());

  /* With a status: an HTML error page, as from a proxy. */
  plan.token_fail_status = 502;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         502);
  fail_if(jvalid(body));

  plan = aai_emu::FaultPlan();
  plan.token_bad_json_missing_field = true;
  plan.token_fail_count = 1;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         200);
  fail_unless(jvalid(body));
  fail_if(jhas(body, "token"));
  fail_unless_equals_int(jint(body, "expires_in_seconds"), 60);
  fail_unless_equals_int(get_token(c, s.emu.token_url(), key_header(), &body),
                         200);
  fail_unless(!jstr(body, "token").empty());
}
GST_END_TEST;

GST_START_TEST(test_token_requests_recorded)
{
  Started s;
  WsClient c;
  std::string body;
  fail_unless_equals_int(
      c.http_get(with_query(s.emu.token_url(),
                            {{"expires_in_seconds", "30"},
                             {"max_session_duration_seconds", "600"}}),
                 key_header(), &body),
      200);
  fail_unless_equals_int(
      get_token(c, s.emu.token_url(), key_header("Bearer test-key"), &body),
      401);
  fail_unless_equals_int(
      get_token(c, s.emu.keypool_token_url(),
                {{"Authorization", "Bearer team-token"}}, &body),
      200);
  fail_unless(s.emu.wait_for_token_requests(
      [](const std::vector<aai_emu::TokenRequest> &r) { return r.size() == 3; },
      5000));
  auto reqs = s.emu.token_requests();
  check_str(reqs[0].path, "/v3/token");
  check_str(reqs[0].params["expires_in_seconds"], "30");
  check_str(reqs[0].params["max_session_duration_seconds"], "600");
  check_str(reqs[0].headers["authorization"], "test-key");
  fail_unless_equals_int(reqs[0].status, 200);
  fail_unless(g_str_has_prefix(reqs[0].token.c_str(), "tmp-"));
  check_str(reqs[1].headers["authorization"], "Bearer test-key");
  fail_unless_equals_int(reqs[1].status, 401);
  fail_unless(reqs[1].token.empty());
  check_str(reqs[2].path, "/v1/assemblyai/v3/token");
  check_str(reqs[2].headers["authorization"], "Bearer team-token");
  check_str(reqs[2].token, jstr(body, "token"));
}
GST_END_TEST;

GST_START_TEST(test_keypool_token_fail_count)
{
  Started s;
  WsClient c;
  std::string body;
  Headers team{{"Authorization", "Bearer team-token"}};
  aai_emu::FaultPlan plan;
  plan.keypool_fail_status = 503;  // default count: until replaced
  s.emu.set_fault_plan(plan);
  for (int i = 0; i < 2; i++)
    fail_unless_equals_int(get_token(c, s.emu.keypool_token_url(), team, &body),
                           503);

  plan.token_fail_count = 1;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(get_token(c, s.emu.keypool_token_url(), team, &body),
                         503);
  check_str(jstr(body, "error"), "No Available Keys");
  fail_unless_equals_int(get_token(c, s.emu.keypool_token_url(), team, &body),
                         200);
  /* The count covers token requests; upgrades keep failing. */
  WsClient ws;
  fail_if(ws.connect(with_query(s.emu.keypool_ws_url(), us_params()), team));
  fail_unless_equals_int(ws.http_status, 503);

  /* Upstream token faults come through the proxy too. */
  plan = aai_emu::FaultPlan();
  plan.token_fail_status = 500;
  plan.token_fail_count = 1;
  s.emu.set_fault_plan(plan);
  fail_unless_equals_int(get_token(c, s.emu.keypool_token_url(), team, &body),
                         500);
  fail_unless_equals_int(get_token(c, s.emu.keypool_token_url(), team, &body),
                         200);
}
GST_END_TEST;

GST_START_TEST(test_token_reuse_close_mode)
{
  Config cfg = Config::instant();
  cfg.auth_failure = AuthFailureMode::ErrorFrameClose;
  Started s(cfg);
  WsClient http;
  std::string body;
  fail_unless_equals_int(
      get_token(http, s.emu.token_url(), key_header(), &body), 200);
  std::string url =
      with_query(s.emu.ws_url(), us_params({{"token", jstr(body, "token")}}));
  WsClient first;
  fail_unless(first.connect(url));
  fail_unless(first.wait_type("Begin") == 0);
  WsClient again;
  fail_unless(again.connect(url));
  fail_unless(again.wait_closed());
  const char *reason = "Unauthorized Connection: Invalid token";
  fail_unless_equals_int(again.close_code, 1008);
  check_str(again.close_reason, reason);
  fail_unless_equals_int(again.messages.size(), 1);
  fail_unless_equals_int(jint(again.messages[0], "error_code"), 1008);
  check_str(jstr(again.messages[0], "error"), reason);
  auto recs = s.emu.sessions();
  fail_unless(recs[0].began);
  fail_if(recs[1].began);
}
GST_END_TEST;

/* A token minted through KeyPool is used directly on /v3/ws. */
GST_START_TEST(test_keypool_token_direct)
{
  Started s;
  WsClient http;
  std::string body;
  fail_unless_equals_int(
      get_token(http, s.emu.keypool_token_url(),
                {{"Authorization", "Bearer team-token"}}, &body),
      200);
  std::string token = jstr(body, "token");
  std::string url = with_query(s.emu.ws_url(), us_params({{"token", token}}));
  WsClient c;
  fail_unless(c.connect(url));
  fail_unless(c.wait_type("Begin") == 0);
  c.send_audio_ms(100);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  auto recs = s.emu.sessions();
  check_str(recs[0].path, "/v3/ws");
  check_str(recs[0].params["token"], token);
  fail_if(recs[0].headers.count("authorization"));
  /* Single use on this path too. */
  WsClient again;
  fail_if(again.connect(url));
  fail_unless_equals_int(again.http_status, 401);
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
  TCase *tf = tcase_create("token-faults");
  suite_add_tcase(s, tf);
  tcase_add_test(tf, test_token_fail_status);
  tcase_add_test(tf, test_token_bad_json);
  tcase_add_test(tf, test_token_requests_recorded);
  tcase_add_test(tf, test_keypool_token_fail_count);
  tcase_add_test(tf, test_token_reuse_close_mode);
  tcase_add_test(tf, test_keypool_token_direct);
  return s;
}

GST_CHECK_MAIN(emulator_auth);
