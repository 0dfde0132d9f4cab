/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* TokenFetch (core/token_client.h): against the emulator's token endpoints
 * (direct and KeyPool; the minted token must open a session), and against
 * a stub SoupServer in this file that answers whatever status and body a
 * case needs (status/JSON mapping, request shape, secrets, cancel,
 * timeout). Waits are condition variables with timeouts. */
#include <gst/check/gstcheck.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include <libsoup/soup.h>

#include "core/token_client.h"
#include "core/user_agent.h"
#include "emulator.h"
#include "loop_thread.h"
#include "session_harness.h"
#include "test_proxy.h"

using aai::TokenFetch;
using aai::TokenRequest;
using aai::TokenResult;
using Kind = aai::TokenResult::Kind;

namespace
{

bool contains(const std::string &s, const std::string &part)
{
  return s.find(part) != std::string::npos;
}

/* Runs one fetch and waits for its result. */
struct Fetch {
  std::shared_ptr<aai::IoThread> io = aai::IoThread::acquire();
  std::mutex lock;
  std::condition_variable cond;
  int calls = 0;
  bool on_io = false;
  TokenResult result;
  std::shared_ptr<TokenFetch> fetch;

  void start(const TokenRequest &req)
  {
    fetch = TokenFetch::start(io, req, [this](const TokenResult &r) {
      std::lock_guard<std::mutex> l(lock);
      calls++;
      on_io = io->on_io_thread();
      result = r;
      cond.notify_all();
    });
  }
  bool wait(int timeout_ms = 15000)
  {
    std::unique_lock<std::mutex> l(lock);
    return cond.wait_for(l, std::chrono::milliseconds(timeout_ms),
                         [this] { return calls > 0; });
  }
  /* Everything queued on the I/O thread before this call has run. */
  void sync_io()
  {
    bool done = false;
    io->post([&] {
      std::lock_guard<std::mutex> l(lock);
      done = true;
      cond.notify_all();
    });
    std::unique_lock<std::mutex> l(lock);
    cond.wait(l, [&] { return done; });
  }
};

TokenResult fetch(const TokenRequest &req)
{
  Fetch f;
  f.start(req);
  fail_unless(f.wait(), "no result");
  fail_unless_equals_int(f.calls, 1);
  fail_unless(f.on_io, "done not called on the I/O thread");
  return f.result;
}

/* A SoupServer answering every request with the configured status and
 * body (or never, with hang), recording the last request. */
struct Stub {
  aai_emu::LoopThread thread;
  SoupServer *server = nullptr;
  int port = 0;

  std::mutex lock;
  std::condition_variable cond;
  int status = 200;
  std::string body, content_type = "application/json";
  bool hang = false;
  int hits = 0;
  std::string path, query, authorization, user_agent;

  /* The last request's @field, read under the lock. */
  std::string seen(std::string Stub::*field)
  {
    std::lock_guard<std::mutex> l(lock);
    return this->*field;
  }
  bool wait_hits(int n, int timeout_ms)
  {
    std::unique_lock<std::mutex> l(lock);
    return cond.wait_for(l, std::chrono::milliseconds(timeout_ms),
                         [&] { return hits >= n; });
  }

  Stub()
  {
    fail_unless(thread.start("token-stub", [this] { return listen(); }));
  }
  ~Stub()
  {
    thread.stop(
        [this] {
          soup_server_disconnect(server);
          g_clear_object(&server);
        },
        [] { return true; });
  }
  void answer(int s,
              const std::string &b,
              const char *type = "application/json")
  {
    std::lock_guard<std::mutex> l(lock);
    status = s;
    body = b;
    content_type = type;
  }
  std::string url(const std::string &query_part = "")
  {
    return "http://127.0.0.1:" + std::to_string(port) + "/v3/token" +
           query_part;
  }

  bool listen()
  {
    server = soup_server_new(nullptr, nullptr);
    soup_server_add_handler(
        server, nullptr,
        [](SoupServer *, SoupServerMessage *msg, const char *, GHashTable *,
           gpointer d) { static_cast<Stub *>(d)->handle(msg); },
        this, nullptr);
    GSocketAddress *a = g_inet_socket_address_new_from_string("127.0.0.1", 0);
    bool ok = soup_server_listen(
        server, a, static_cast<SoupServerListenOptions>(0), nullptr);
    g_object_unref(a);
    GSList *ls = soup_server_get_listeners(server);
    GSocketAddress *bound =
        g_socket_get_local_address(G_SOCKET(ls->data), nullptr);
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_object_unref(bound);
    g_slist_free(ls);
    return ok;
  }
  void handle(SoupServerMessage *msg)
  {
    std::lock_guard<std::mutex> l(lock);
    hits++;
    cond.notify_all();
    GUri *u = soup_server_message_get_uri(msg);
    path = g_uri_get_path(u);
    query = g_uri_get_query(u) ? g_uri_get_query(u) : "";
    SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
    const char *a = soup_message_headers_get_one(h, "Authorization");
    const char *ua = soup_message_headers_get_one(h, "User-Agent");
    authorization = a ? a : "";
    user_agent = ua ? ua : "";
    if (hang) {
      soup_server_message_pause(msg); /* never answered */
      return;
    }
    soup_server_message_set_status(msg, status, nullptr);
    if (status >= 300 && status < 400)
      soup_message_headers_replace(
          soup_server_message_get_response_headers(msg), "Location",
          "http://127.0.0.1:9/elsewhere");
    soup_server_message_set_response(
        msg, content_type.c_str(), SOUP_MEMORY_COPY, body.data(), body.size());
  }
};

TokenRequest stub_request(Stub &stub, const std::string &key = "test-key")
{
  TokenRequest r;
  r.url = stub.url();
  r.credential = key;
  return r;
}

aai_emu::Emulator *start_emulator(aai_emu::Emulator *emu, bool tls = false)
{
  aai_emu::Config cfg;
  if (tls) {
    cfg.tls_cert_file = std::string(TEST_DATA_DIR) + "/tls/cert.pem";
    cfg.tls_key_file = std::string(TEST_DATA_DIR) + "/tls/key.pem";
  }
  std::string err;
  fail_unless(emu->start(cfg, &err), "emulator: %s", err.c_str());
  return emu;
}

/* A session on @ws_base authenticated only by ?token=@token. */
bool token_opens_session(const std::string &ws_base, const std::string &token)
{
  aai::Settings s;
  s.speech_model = "universal-streaming-english";
  std::string err;
  aai::ConnectParams p;
  p.url = aai::build_url(ws_base, s, token, &err);
  fail_unless(!p.url.empty(), "%s", err.c_str());
  p.display_url = aai::redact_url(p.url);
  aai_test::TestSession ts(p);
  return ts.rec.wait_began();
}

}  // namespace

GST_START_TEST(test_request_url)
{
  struct Case {
    const char *url;
    int expires, max;
    const char *want;
  } cases[] = {
      {"https://streaming.assemblyai.com/v3/token", 60, 0,
       "https://streaming.assemblyai.com/v3/token?expires_in_seconds=60"},
      {"https://streaming.assemblyai.com/v3/token", 600, 10800,
       "https://streaming.assemblyai.com/v3/token?expires_in_seconds=600&"
       "max_session_duration_seconds=10800"},
      /* The url's own query stays, ours replaces any copy of our names. */
      {"http://h:8080/v1/assemblyai/v3/token?team=a%26b&expires_in_seconds=5",
       30, 0,
       "http://h:8080/v1/assemblyai/v3/token?team=a%26b&expires_in_seconds=30"},
      {"HTTPS://h/v3/token?x=1+2", 1, 60,
       "https://h/v3/token?x=1%202&expires_in_seconds=1&"
       "max_session_duration_seconds=60"},
  };
  for (const auto &c : cases) {
    TokenRequest r;
    r.url = c.url;
    r.expires_in_seconds = c.expires;
    r.max_session_duration_seconds = c.max;
    std::string err;
    std::string got = aai::token_request_url(r, &err);
    fail_unless_equals_string(got.c_str(), c.want);
  }
  for (const char *bad : {"wss://h/v3/token", "h/v3/token", "http:///v3/token",
                          "ftp://h/?token=s3cret", ""}) {
    TokenRequest r;
    r.url = bad;
    std::string err;
    fail_unless(aai::token_request_url(r, &err).empty(), "%s accepted", bad);
    fail_unless(contains(err, "token url"), "%s", err.c_str());
    fail_if(contains(err, "s3cret"), "%s", err.c_str());
  }
}
GST_END_TEST;

/* The real endpoints of the emulator: the token works on the WebSocket. */
GST_START_TEST(test_emulator_token_opens_session)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  TokenRequest req;
  req.url = emu.token_url();
  req.credential = "test-key";
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::Ok, "%s", r.describe().c_str());
  fail_unless_equals_int(r.http_status, 200);
  fail_if(r.token.empty());
  fail_if(contains(r.describe(), r.token), "token in describe()");
  fail_unless(token_opens_session(emu.ws_url(), r.token),
              "the emulator refused the minted token");
}
GST_END_TEST;

GST_START_TEST(test_emulator_keypool_token)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  TokenRequest req;
  req.url = emu.keypool_token_url();
  req.credential = "team-token";
  req.bearer = true;
  req.max_session_duration_seconds = 600;
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::Ok, "%s", r.describe().c_str());
  /* KeyPool tokens are used directly against the service's WebSocket. */
  fail_unless(token_opens_session(emu.ws_url(), r.token));

  req.credential = "wrong-team-token";
  r = fetch(req);
  fail_unless(r.kind == Kind::Unauthorized, "%s", r.describe().c_str());
}
GST_END_TEST;

GST_START_TEST(test_emulator_wrong_key)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  TokenRequest req;
  req.url = emu.token_url();
  req.credential = "wrong-key-123";
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::Unauthorized, "%s", r.describe().c_str());
  fail_unless_equals_int(r.http_status, 401);
  fail_unless_equals_string(r.message.c_str(), "Invalid API key");
  fail_if(r.retryable());
  std::string d = r.describe();
  fail_unless(contains(d, "/v3/token") && contains(d, "API key"), "%s",
              d.c_str());
  fail_if(contains(d, "wrong-key-123"), "%s", d.c_str());
  fail_if(r.token.size());
}
GST_END_TEST;

/* Status and body -> kind, message and retryable. */
GST_START_TEST(test_status_mapping)
{
  Stub stub;
  struct Case {
    int status;
    const char *body, *type;
    Kind kind;
    const char *message;
    bool retryable;
  } cases[] = {
      {400, R"({"error":"expires_in_seconds must be an integer"})",
       "application/json", Kind::BadRequest,
       "expires_in_seconds must be an integer", false},
      {401, R"({"error":"Invalid API key"})", "application/json",
       Kind::Unauthorized, "Invalid API key", false},
      {403, "", "text/plain", Kind::Unauthorized, "Forbidden", false},
      {404, "not here", "text/plain", Kind::BadRequest, "Not Found", false},
      {429, R"({"error":"Too many requests","code":"rate_limit"})",
       "application/json", Kind::RateLimited, "Too many requests", true},
      {500, R"({"error":"boom"})", "application/json", Kind::ServerError,
       "boom", true},
      {503, "<html><body>No Available Keys</body></html>", "text/html",
       Kind::ServerError, "Service Unavailable", true},
      {200, "<html>", "text/html", Kind::BadResponse,
       "the answer is not a JSON object", true},
      {200, R"({"expires_in_seconds":60})", "application/json",
       Kind::BadResponse, "the answer has no \"token\" string", true},
      {200, R"({"token":5})", "application/json", Kind::BadResponse,
       "the answer has no \"token\" string", true},
      {200, R"(["token"])", "application/json", Kind::BadResponse,
       "the answer is not a JSON object", true},
      {302, "", "text/plain", Kind::BadResponse, "Found", true},
  };
  for (const auto &c : cases) {
    stub.answer(c.status, c.body, c.type);
    TokenResult r = fetch(stub_request(stub));
    fail_unless(r.kind == c.kind, "%d %s: kind %d (%s)", c.status, c.body,
                (int)r.kind, r.describe().c_str());
    fail_unless_equals_int(r.http_status, c.status);
    fail_unless_equals_string(r.message.c_str(), c.message);
    fail_unless(r.retryable() == c.retryable, "%d: retryable", c.status);
    fail_unless(r.token.empty());
    std::string d = r.describe();
    fail_unless(contains(d, stub.url()), "endpoint not named: %s", d.c_str());
    fail_unless(contains(d, std::to_string(c.status)), "%s", d.c_str());
  }
  /* One request per case: the redirect was not followed. */
  fail_unless(stub.wait_hits(G_N_ELEMENTS(cases), 0));
  {
    std::lock_guard<std::mutex> l(stub.lock);
    fail_unless_equals_int(stub.hits, G_N_ELEMENTS(cases));
  }

  stub.answer(200, R"({"token":"abc.def","expires_in_seconds":60})");
  TokenResult ok = fetch(stub_request(stub));
  fail_unless(ok.kind == Kind::Ok, "%s", ok.describe().c_str());
  fail_unless_equals_string(ok.token.c_str(), "abc.def");
  fail_unless(ok.message.empty());
  fail_if(ok.retryable());
}
GST_END_TEST;

/* What goes on the wire: query, Authorization (raw or Bearer), User-Agent. */
GST_START_TEST(test_request_shape)
{
  Stub stub;
  stub.answer(200, R"({"token":"t"})");
  TokenRequest req = stub_request(stub, "key-1");
  req.url = stub.url("?region=eu");
  req.expires_in_seconds = 30;
  req.max_session_duration_seconds = 120;
  fetch(req);
  std::string path = stub.seen(&Stub::path), query = stub.seen(&Stub::query),
              auth = stub.seen(&Stub::authorization),
              ua = stub.seen(&Stub::user_agent);
  fail_unless_equals_string(path.c_str(), "/v3/token");
  fail_unless_equals_string(
      query.c_str(),
      "region=eu&expires_in_seconds=30&max_session_duration_seconds=120");
  fail_unless_equals_string(auth.c_str(), "key-1");
  fail_unless_equals_string(ua.c_str(), aai::kUserAgent);

  req.bearer = true;
  req.max_session_duration_seconds = 0;
  fetch(req);
  auth = stub.seen(&Stub::authorization);
  query = stub.seen(&Stub::query);
  fail_unless_equals_string(auth.c_str(), "Bearer key-1");
  fail_unless_equals_string(query.c_str(), "region=eu&expires_in_seconds=30");
}
GST_END_TEST;

/* A service that echoes the key does not get it into our messages. */
GST_START_TEST(test_secrets_not_in_messages)
{
  Stub stub;
  stub.answer(401, R"({"error":"Invalid API key: sk-secret-123"})");
  TokenResult r = fetch(stub_request(stub, "sk-secret-123"));
  fail_unless(r.kind == Kind::Unauthorized);
  fail_unless_equals_string(r.message.c_str(), "Invalid API key: ***");
  fail_if(contains(r.describe(), "sk-secret-123"));

  /* A credential libsoup could not send is refused without echoing it. */
  r = fetch(stub_request(stub, "sk-secret\r\nX-Evil: 1"));
  fail_unless(r.kind == Kind::BadRequest);
  fail_unless_equals_int(r.http_status, 0);
  fail_if(contains(r.describe(), "sk-secret"), "%s", r.describe().c_str());
}
GST_END_TEST;

GST_START_TEST(test_cancel)
{
  Stub stub;
  stub.hang = true;
  Fetch f;
  f.start(stub_request(stub));
  /* Cancel once the request is waiting at the server. */
  fail_unless(stub.wait_hits(1, 10000), "request never arrived");
  f.fetch->cancel();
  f.fetch->cancel(); /* twice is fine */
  fail_unless(f.wait(5000), "no result after cancel");
  fail_unless(f.result.kind == Kind::Cancelled, "%s",
              f.result.describe().c_str());
  fail_unless(f.on_io);
  fail_if(f.result.retryable());
  f.fetch->cancel(); /* after done: no effect */
  f.sync_io();
  fail_unless_equals_int(f.calls, 1);

  /* Cancelled before the I/O thread even started it. */
  Fetch g;
  g.start(stub_request(stub));
  g.fetch->cancel();
  fail_unless(g.wait(5000));
  fail_unless(g.result.kind == Kind::Cancelled);
  fail_unless_equals_int(g.calls, 1);
}
GST_END_TEST;

GST_START_TEST(test_timeout)
{
  Stub stub;
  stub.hang = true;
  TokenRequest req = stub_request(stub);
  req.timeout_ms = 300;
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::NetworkError, "%s", r.describe().c_str());
  fail_unless_equals_string(r.message.c_str(), "no answer within 300 ms");
  fail_unless(r.retryable());
}
GST_END_TEST;

GST_START_TEST(test_network_and_request_errors)
{
  int closed_port;
  {
    Stub gone;
    closed_port = gone.port;
  }
  TokenRequest req;
  req.credential = "test-key";
  req.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v3/token";
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::NetworkError, "%s", r.describe().c_str());
  fail_unless(r.retryable());
  fail_unless(contains(r.describe(), "Could not reach"), "%s",
              r.describe().c_str());

  req.url = "http://token.invalid/v3/token";
  r = fetch(req);
  fail_unless(r.kind == Kind::NetworkError, "%s", r.describe().c_str());
  fail_unless(contains(r.message, "token.invalid"), "%s", r.message.c_str());

  req.url = "wss://h/v3/token";
  r = fetch(req);
  fail_unless(r.kind == Kind::BadRequest);
  fail_unless_equals_int(r.http_status, 0);
  fail_if(r.retryable());
  fail_unless(contains(r.describe(), "cannot be made"), "%s",
              r.describe().c_str());

  req.url = "http://h/v3/token";
  req.net.proxy = "https://u:hunter2@proxy:1";
  r = fetch(req);
  fail_unless(r.kind == Kind::BadRequest);
  fail_unless(contains(r.message, "unsupported scheme"), "%s",
              r.message.c_str());
  fail_if(contains(r.describe(), "hunter2"));
}
GST_END_TEST;

/* http:// through an HTTP proxy is an absolute-form request the proxy
 * forwards; the unresolvable name proves the proxy was used. */
GST_START_TEST(test_through_http_proxy)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  aai_emu::TestProxy proxy;
  std::string err;
  fail_unless(proxy.start(aai_emu::TestProxy::Kind::Http, emu.port(), &err),
              "%s", err.c_str());
  TokenRequest req;
  req.url =
      "http://emulator.invalid:" + std::to_string(emu.port()) + "/v3/token";
  req.credential = "test-key";
  req.net.proxy = proxy.url();
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::Ok, "%s", r.describe().c_str());
  auto reqs = proxy.requests();
  fail_unless_equals_int(reqs.size(), 1);
  fail_unless_equals_string(reqs[0].method.c_str(), "GET");
  fail_unless(g_str_has_prefix(reqs[0].target.c_str(), req.url.c_str()), "%s",
              reqs[0].target.c_str());
  fail_unless(token_opens_session(emu.ws_url(), r.token));
}
GST_END_TEST;

/* Not under ASan: GnuTLS threads and LSan (tests/emulator/README.md). */
#ifndef __SANITIZE_ADDRESS__
GST_START_TEST(test_tls)
{
  aai_emu::Emulator emu;
  start_emulator(&emu, true);
  TokenRequest req;
  req.url = emu.token_url();
  req.credential = "test-key";
  fail_unless(g_str_has_prefix(req.url.c_str(), "https://"));
  TokenResult r = fetch(req);
  fail_unless(r.kind == Kind::NetworkError && r.tls_error, "%s",
              r.describe().c_str());
  fail_if(r.retryable());
  fail_unless(contains(r.describe(), "CA file"), "%s", r.describe().c_str());

  req.net.tls_ca_file = std::string(TEST_DATA_DIR) + "/tls/cert.pem";
  r = fetch(req);
  fail_unless(r.kind == Kind::Ok, "%s", r.describe().c_str());
}
GST_END_TEST;
#endif

static Suite *token_client_suite(void)
{
  Suite *s = suite_create("token_client");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_request_url);
  tcase_add_test(tc, test_emulator_token_opens_session);
  tcase_add_test(tc, test_emulator_keypool_token);
  tcase_add_test(tc, test_emulator_wrong_key);
  tcase_add_test(tc, test_status_mapping);
  tcase_add_test(tc, test_request_shape);
  tcase_add_test(tc, test_secrets_not_in_messages);
  tcase_add_test(tc, test_cancel);
  tcase_add_test(tc, test_timeout);
  tcase_add_test(tc, test_network_and_request_errors);
  tcase_add_test(tc, test_through_http_proxy);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_tls);
#endif
  return s;
}

GST_CHECK_MAIN(token_client);
