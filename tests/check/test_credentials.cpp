/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Credentials end to end against the emulator: the KeyPool variant (Bearer
 * header, keypool-token subprotocol, a token minted through KeyPool and
 * used directly), the request-token signal, token-url minting before every
 * connection (never reusing a single-use token), token endpoint failures,
 * and secrets that never reach the debug log. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "emulator.h"
#include "test_pipeline.h"
#include "test_proxy.h"
#include "test_debug_log.h"
#include "test_wav.h"

namespace
{

/* hello.json, and hello.wav as the audio it transcribes: a session after a
 * reconnection hears the replayed audio. */
aai_emu::Config hello_config_with_audio()
{
  aai_emu::Config cfg = hello_config();
  std::vector<uint8_t> pcm = read_wav("hello.wav");
  cfg.reference_audio =
      std::make_shared<const std::string>(pcm.begin(), pcm.end());
  return cfg;
}

/* filesrc hello.wav ! wavparse ! assemblyaisink, configured by @setup. */
GstElement *pipeline(const std::function<void(GstElement *)> &setup)
{
  GstElement *p = launch("filesrc location=\"" + data_path("hello.wav") +
                         "\" ! wavparse ! assemblyaisink name=sink sync=false "
                         "reconnect-max-backoff=20");
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  setup(sink);
  gst_object_unref(sink);
  return p;
}

/* The words the sink delivered are the script's, in order. */
void assert_words(const Run &run, const aai_emu::Script &script)
{
  std::string got, want;
  for (const TurnWord &w : run.end_of_turn_words())
    got += (got.empty() ? "" : " ") + w.text;
  for (const aai_emu::ScriptWord &w : script_words(script))
    want += (want.empty() ? "" : " ") + w.text;
  fail_unless(got == want, "words '%s', want '%s'", got.c_str(), want.c_str());
}

}  // namespace

/* KeyPool WebSocket with the team token as a Bearer header. */
GST_START_TEST(test_keypool_bearer)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  GstElement *p = pipeline([&](GstElement *s) {
    gst_util_set_object_arg(G_OBJECT(s), "auth-scheme", "bearer");
    g_object_set(s, "url", emu.keypool_ws_url().c_str(), "api-key",
                 "team-token", nullptr);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  auto rec = emu.sessions();
  fail_unless_equals_int(rec.size(), 1);
  fail_unless_equals_string(rec[0].headers["authorization"].c_str(),
                            "Bearer team-token");
  gst_object_unref(p);
}
GST_END_TEST;

/* KeyPool WebSocket with the team token in the browser subprotocol: no
 * Authorization header at all. */
GST_START_TEST(test_keypool_subprotocol)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  GstElement *p = pipeline([&](GstElement *s) {
    gst_util_set_object_arg(G_OBJECT(s), "auth-scheme", "subprotocol");
    g_object_set(s, "url", emu.keypool_ws_url().c_str(), "api-key",
                 "team-token", nullptr);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  auto rec = emu.sessions();
  fail_unless_equals_int(rec.size(), 1);
  fail_unless_equals_string(rec[0].subprotocol.c_str(),
                            "keypool-token.team-token");
  fail_unless(rec[0].headers.count("authorization") == 0);
  gst_object_unref(p);
}
GST_END_TEST;

/* A wrong team token is refused (HTTP 401 at the upgrade) and not
 * retried. */
GST_START_TEST(test_keypool_wrong_team_token)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config_with_audio(), &err), "%s", err.c_str());
  GstElement *p = pipeline([&](GstElement *s) {
    gst_util_set_object_arg(G_OBJECT(s), "auth-scheme", "bearer");
    g_object_set(s, "url", emu.keypool_ws_url().c_str(), "api-key", "wrong",
                 nullptr);
  });
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "401");
  fail_unless_equals_int(emu.sessions().size(), 1);
  gst_object_unref(p);
}
GST_END_TEST;

static gchar *mint_from(GstElement *, gpointer data)
{
  auto *ctx =
      static_cast<std::pair<aai_emu::Emulator *, std::atomic<int> *> *>(data);
  ctx->second->fetch_add(1);
  return g_strdup(ctx->first->mint_token(60).c_str());
}

/* The application's request-token handler is asked for a fresh token for
 * every connection, here the first and one after a dropped connection. */
GST_START_TEST(test_request_token_every_connection)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 2500;
  emu.set_fault_plan(plan);
  std::atomic<int> calls{0};
  std::pair<aai_emu::Emulator *, std::atomic<int> *> ctx{&emu, &calls};
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", emu.ws_url().c_str(), nullptr);
    g_signal_connect(s, "request-token", G_CALLBACK(mint_from), &ctx);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  fail_unless_equals_int(calls.load(), 2);
  auto rec = emu.sessions();
  fail_unless_equals_int(rec.size(), 2);
  fail_unless(rec[0].params["token"] != rec[1].params["token"]);
  for (const auto &r : rec)
    fail_unless(r.headers.count("authorization") == 0);
  gst_object_unref(p);
}
GST_END_TEST;

static gchar *no_token(GstElement *, gpointer)
{
  return nullptr;
}

GST_START_TEST(test_request_token_none)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config_with_audio(), &err), "%s", err.c_str());
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", emu.ws_url().c_str(), nullptr);
    g_signal_connect(s, "request-token", G_CALLBACK(no_token), nullptr);
  });
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "request-token");
  fail_unless_equals_int(emu.sessions().size(), 0);
  gst_object_unref(p);
}
GST_END_TEST;

/* The token property is single-use: after a drop, with no other
 * credential, the element says why it cannot reconnect (and never sends
 * the used token again). */
GST_START_TEST(test_single_use_token_not_reused)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config_with_audio(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 2500;
  emu.set_fault_plan(plan);
  std::string token = emu.mint_token(60);
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", emu.ws_url().c_str(), "token", token.c_str(),
                 nullptr);
  });
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "single-use");
  fail_unless_equals_int(emu.sessions().size(), 1);
  gst_object_unref(p);
}
GST_END_TEST;

/* With an API key as well, the reconnection uses the key. */
GST_START_TEST(test_token_then_key)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 2500;
  emu.set_fault_plan(plan);
  std::string token = emu.mint_token(60);
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", emu.ws_url().c_str(), "token", token.c_str(),
                 "api-key", "test-key", nullptr);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  auto rec = emu.sessions();
  fail_unless_equals_int(rec.size(), 2);
  fail_unless_equals_string(rec[0].params["token"].c_str(), token.c_str());
  fail_unless(rec[1].params.count("token") == 0);
  fail_unless_equals_string(rec[1].headers["authorization"].c_str(),
                            "test-key");
  gst_object_unref(p);
}
GST_END_TEST;

/* A token minted through KeyPool (Bearer team token) is used directly
 * against the service's WebSocket, a new one for every connection. */
GST_START_TEST(test_keypool_minted_token_used_directly)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 2500;
  emu.set_fault_plan(plan);
  GstElement *p = pipeline([&](GstElement *s) {
    gst_util_set_object_arg(G_OBJECT(s), "auth-scheme", "bearer");
    g_object_set(s, "url", emu.ws_url().c_str(), "token-url",
                 emu.keypool_token_url().c_str(), "api-key", "team-token",
                 "max-session-duration", 600u, nullptr);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  auto reqs = emu.token_requests();
  fail_unless_equals_int(reqs.size(), 2);
  for (auto &r : reqs) {
    fail_unless_equals_string(r.headers["authorization"].c_str(),
                              "Bearer team-token");
    fail_unless_equals_string(r.params["expires_in_seconds"].c_str(), "60");
    fail_unless_equals_string(r.params["max_session_duration_seconds"].c_str(),
                              "600");
  }
  auto rec = emu.sessions();
  fail_unless_equals_int(rec.size(), 2);
  for (size_t i = 0; i < rec.size(); i++) {
    fail_unless_equals_string(rec[i].path.c_str(), "/v3/ws");
    fail_unless(rec[i].headers.count("authorization") == 0);
    fail_unless(rec[i].params["token"] == reqs[i].token,
                "session %zu did not use the token minted for it", i);
  }
  gst_object_unref(p);
}
GST_END_TEST;

/* The proxy property carries every connection: the URL's host does not
 * even resolve, only the (SOCKS5) proxy knows where to go. */
GST_START_TEST(test_proxy_property)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config_with_audio();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  aai_emu::TestProxy proxy;
  fail_unless(proxy.start(aai_emu::TestProxy::Kind::Socks5, emu.port(), &err),
              "%s", err.c_str());
  std::string url =
      "ws://emulator.invalid:" + std::to_string(emu.port()) + "/v3/ws";
  std::string with_password =
      "socks5://user:hunter2-secret@" + proxy.url().substr(strlen("socks5://"));
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", url.c_str(), "api-key", "test-key", "proxy",
                 with_password.c_str(), nullptr);
    /* A proxy password is not readable back. */
    gchar *shown = nullptr;
    g_object_get(s, "proxy", &shown, nullptr);
    fail_unless(shown && strstr(shown, "hunter2-secret") == nullptr, "%s",
                shown);
    g_free(shown);
  });
  Run run;
  play(p, &run);
  assert_no_error(run);
  assert_words(run, cfg.script);
  fail_unless(!proxy.requests().empty());
  gst_object_unref(p);
}
GST_END_TEST;

/* A proxy URI that cannot work is refused before any connection. */
GST_START_TEST(test_invalid_proxy)
{
  GstElement *p = pipeline([&](GstElement *s) {
    g_object_set(s, "url", "ws://127.0.0.1:9/v3/ws", "api-key", "test-key",
                 "proxy", "ftp://proxy.example:21", nullptr);
  });
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "proxy");
  gst_object_unref(p);
}
GST_END_TEST;

/* Not under ASan: GnuTLS threads and LSan (see test_sink.cpp). */
#ifndef __SANITIZE_ADDRESS__
/* A service behind a private CA: trusted with tls-ca-file, or (testing
 * only) with tls-strict=false, which warns; refused otherwise. */
GST_START_TEST(test_tls_ca_file_and_strictness)
{
  aai_emu::Config cfg = hello_config_with_audio();
  cfg.tls_cert_file = data_path("tls/cert.pem");
  cfg.tls_key_file = data_path("tls/key.pem");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  {
    GstElement *p = pipeline([&](GstElement *s) {
      g_object_set(s, "url", emu.ws_url().c_str(), "api-key", "test-key",
                   "tls-ca-file", data_path("tls/cert.pem").c_str(), nullptr);
    });
    Run run;
    play(p, &run);
    assert_no_error(run);
    assert_words(run, cfg.script);
    gst_object_unref(p);
  }
  {
    GstElement *p = pipeline([&](GstElement *s) {
      g_object_set(s, "url", emu.ws_url().c_str(), "api-key", "test-key",
                   "tls-strict", FALSE, nullptr);
    });
    Run run;
    play(p, &run);
    assert_no_error(run);
    assert_words(run, cfg.script);
    GstMessage *w = run.first(GST_MESSAGE_WARNING);
    fail_unless(w != nullptr, "no warning for tls-strict=false");
    gst_object_unref(p);
  }
  {
    GstElement *p = pipeline([&](GstElement *s) {
      g_object_set(s, "url", emu.ws_url().c_str(), "api-key", "test-key",
                   "tls-ca-file", data_path("tls/other-ca.pem").c_str(),
                   nullptr);
    });
    Run run;
    play(p, &run);
    assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
                 "certificate");
    gst_object_unref(p);
  }
  {
    GstElement *p = pipeline([&](GstElement *s) {
      g_object_set(s, "url", emu.ws_url().c_str(), "api-key", "test-key",
                   "tls-ca-file", "/nonexistent/ca.pem", nullptr);
    });
    Run run;
    play(p, &run);
    assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
                 "/nonexistent/ca.pem");
    gst_object_unref(p);
  }
}
GST_END_TEST;
#endif

/* Not under ASan: the child gst-launch-1.0 is not sanitized and cannot
 * load the ASan-built plugin (the default build runs this test). */
#ifndef __SANITIZE_ADDRESS__
/* At the most verbose debug level, through a reconnection, neither the
 * API key nor a token appears anywhere in the output. */
GST_START_TEST(test_secrets_not_in_debug_log)
{
  const std::string key = "test-key-7f3a9c51e2";
  aai_emu::Config cfg = hello_config_with_audio();
  cfg.api_keys = {key};
  cfg.keypool_team_tokens = {key};
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  struct Variant {
    const char *element;
    std::string props;
  } variants[] = {
      {"assemblyaisink sync=false", "url=" + emu.ws_url()},
      {"assemblyaitranscriber pace=false",
       "url=" + emu.keypool_ws_url() + " auth-scheme=bearer"},
      {"assemblyaisink sync=false",
       "url=" + emu.ws_url() + " token-url=" + emu.token_url()},
      {"assemblyaitranscriber pace=false",
       "url=" + emu.ws_url() +
           " auth-scheme=bearer token-url=" + emu.keypool_token_url()},
  };
  for (const Variant &v : variants) {
    aai_emu::FaultPlan plan;
    plan.drop_at_audio_ms = 2500;
    emu.set_fault_plan(plan);
    size_t before = emu.sessions().size();
    std::string out = launch_with_full_debug(
        "filesrc location=" + data_path("hello.wav") + " ! wavparse ! " +
            v.element + " reconnect-max-backoff=20 " + v.props +
            (g_str_has_prefix(v.element, "assemblyaitranscriber")
                 ? " ! fakesink"
                 : ""),
        {"ASSEMBLYAI_API_KEY=" + key});
    /* It did run, reconnect included, with debug output. */
    fail_unless(emu.sessions().size() == before + 2, "%s: %zu sessions",
                v.element, emu.sessions().size() - before);
    fail_unless(out.find("assemblyai/reconnect") != std::string::npos);
    fail_unless(out.size() > 100000, "%s: only %zu bytes of output", v.element,
                out.size());
    fail_unless(out.find(key) == std::string::npos, "%s: key in the log",
                v.element);
    fail_unless(out.find("tmp-") == std::string::npos, "%s: token in the log",
                v.element);
    for (const auto &r : emu.token_requests())
      fail_unless(r.token.empty() || out.find(r.token) == std::string::npos,
                  "%s: a minted token in the log", v.element);
  }
}
GST_END_TEST;

/* What a support engineer reads at GST_DEBUG=assemblyai*:5 through a
 * dropped connection: the format, every connect, the loss with its close
 * code, the retry and its backoff, the replay, the new session, the
 * drain; in that order, and never the key. */
GST_START_TEST(test_reconnection_story_in_debug_log)
{
  const std::string key = "test-key-5b1e07d24c";
  aai_emu::Config cfg = hello_config_with_audio();
  cfg.api_keys = {key};
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 2500;
  emu.set_fault_plan(plan);
  std::string out = launch_with_full_debug(
      "filesrc location=" + data_path("hello.wav") +
          " ! wavparse ! assemblyaisink sync=false reconnect-max-backoff=20 "
          "url=" +
          emu.ws_url(),
      {"ASSEMBLYAI_API_KEY=" + key}, "assemblyai*:5");
  const char *story[] = {
      "audio: pcm_s16le, 16000 Hz",
      "Transcribing English",
      "session 1: connecting to ws://",
      "with the API key (Authorization header)",
      "session 1 began",
      "session lost (connection-lost, close code 1006): attempt 1 in",
      "Reconnecting in",
      "session 2 connecting (connection-lost): from stream",
      "of audio sent again",
      "session 2 began",
      "Reconnected to AssemblyAI",
      "drain over",
  };
  size_t at = 0;
  for (const char *line : story) {
    size_t found = out.find(line, at);
    fail_unless(found != std::string::npos, "'%s' not (in order) in the log",
                line);
    at = found;
  }
  /* The file is read faster than it is sent: its end may come first. */
  fail_unless(out.find("end of the audio: draining") != std::string::npos);
  fail_unless(out.find(key) == std::string::npos, "the key is in the log");
}
GST_END_TEST;
#endif

static Suite *credentials_suite(void)
{
  Suite *s = suite_create("credentials");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_keypool_bearer);
  tcase_add_test(tc, test_keypool_subprotocol);
  tcase_add_test(tc, test_keypool_wrong_team_token);
  tcase_add_test(tc, test_request_token_every_connection);
  tcase_add_test(tc, test_request_token_none);
  tcase_add_test(tc, test_single_use_token_not_reused);
  tcase_add_test(tc, test_token_then_key);
  tcase_add_test(tc, test_keypool_minted_token_used_directly);
  tcase_add_test(tc, test_proxy_property);
  tcase_add_test(tc, test_invalid_proxy);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_tls_ca_file_and_strictness);
#endif
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_secrets_not_in_debug_log);
  tcase_add_test(tc, test_reconnection_story_in_debug_log);
#endif
  return s;
}

GST_CHECK_MAIN(credentials);
