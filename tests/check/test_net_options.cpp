/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* NetOptions (core/net_options.h): proxy URI checks and redaction, CA file
 * checks, and real connections of core Sessions through the test proxy
 * (tests/emulator/test_proxy.h) and to the emulator over TLS. The URLs
 * name emulator.invalid, which never resolves (RFC 6761): reaching the
 * emulator proves that the proxy, not the local resolver, was used. The
 * test environment sets GIO_USE_PROXY_RESOLVER=dummy, so proxy "" means
 * "no proxy" here. */
#include <gst/check/gstcheck.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include <libsoup/soup.h>

#include "core/io_thread.h"
#include "core/net_options.h"
#include "core/proxy_cache.h"
#include "core/tls_trust.h"
#include "emulator.h"
#include "session_harness.h"
#include "test_proxy.h"

using aai::NetOptions;
using aai_emu::TestProxy;
using aai_test::connect_params;
using aai_test::TestSession;

namespace
{

std::string tls_path(const char *name)
{
  return std::string(TEST_DATA_DIR) + "/tls/" + name;
}

std::string invalid_host_url(const aai_emu::Emulator &emu,
                             const char *scheme = "ws",
                             const char *host = "emulator.invalid")
{
  return std::string(scheme) + "://" + host + ":" + std::to_string(emu.port()) +
         "/v3/ws";
}

void start_emulator(aai_emu::Emulator *emu, bool tls = false)
{
  aai_emu::Config cfg;
  if (tls) {
    cfg.tls_cert_file = tls_path("cert.pem");
    cfg.tls_key_file = tls_path("key.pem");
  }
  std::string err;
  fail_unless(emu->start(cfg, &err), "emulator: %s", err.c_str());
}

void start_proxy(TestProxy *proxy, TestProxy::Kind kind, int target_port)
{
  std::string err;
  fail_unless(proxy->start(kind, target_port, &err), "proxy: %s", err.c_str());
}

bool contains(const std::string &haystack, const char *needle)
{
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

/* ---- proxy URIs ---- */

GST_START_TEST(test_validate_proxy_accepts)
{
  for (const char *p :
       {"", "direct://", "http://proxy.example:3128", "http://10.0.0.1:8080/",
        "socks5://127.0.0.1:1080", "socks4a://h:1080", "socks4://h:1080",
        "http://user:secret@proxy.example:3128", "HTTP://proxy.example:3128"})
    fail_unless(aai::validate_proxy(p).empty(), "%s: %s", p,
                aai::validate_proxy(p).c_str());
}
GST_END_TEST;

GST_START_TEST(test_validate_proxy_rejects)
{
  struct Case {
    const char *proxy;
    const char *says;
  } cases[] = {
      {"https://proxy.example:443", "unsupported scheme 'https'"},
      {"ftp://proxy.example:21", "unsupported scheme 'ftp'"},
      {"proxy.example:3128", "unsupported scheme"},
      {"http://proxy.example", "has no port"},
      {"http://:3128", "has no host"},
      {"http://proxy.example:3128/path", "path, query or fragment"},
      {"http://proxy.example:3128?x=1", "path, query or fragment"},
      {"direct://somewhere", "exactly 'direct://'"},
      {"not a uri", "not a valid URI"},
  };
  for (const auto &c : cases) {
    std::string e = aai::validate_proxy(c.proxy);
    fail_unless(contains(e, c.says), "%s: '%s' lacks '%s'", c.proxy, e.c_str(),
                c.says);
    fail_unless(contains(e, "expected") || contains(e, "direct://"),
                "no hint in '%s'", e.c_str());
  }
}
GST_END_TEST;

/* Credentials in a proxy URI go to GIO/libsoup and nowhere else. */
GST_START_TEST(test_proxy_credentials_never_shown)
{
  for (const char *p :
       {"https://user:hunter2@proxy.example:443", "http://user:hunter2@h",
        "http://user:hunter2@h:1/p", "user:hunter2@proxy"}) {
    std::string e = aai::validate_proxy(p);
    fail_if(e.empty(), "%s accepted", p);
    fail_if(contains(e, "hunter2"), "password shown: %s", e.c_str());
    fail_if(contains(aai::redact_proxy(p), "hunter2"), "%s",
            aai::redact_proxy(p).c_str());
  }
  struct Shown {
    const char *proxy, *shown;
  } shown[] = {{"socks5://user:hunter2@h:1080", "socks5://h:1080"},
               {"http://h:3128", "http://h:3128"},
               {"direct://", "direct://"},
               {"", ""}};
  for (const auto &c : shown) {
    std::string got = aai::redact_proxy(c.proxy);
    fail_unless_equals_string(got.c_str(), c.shown);
  }
}
GST_END_TEST;

GST_START_TEST(test_net_options_equality)
{
  NetOptions a, b;
  fail_unless(a == b);
  b.proxy = "direct://";
  fail_unless(a != b);
  b = a;
  b.tls_ca_file = "/x.pem";
  fail_unless(a != b);
  b = a;
  b.tls_strict = false;
  fail_unless(a != b);
}
GST_END_TEST;

/* ---- CA files ---- */

GST_START_TEST(test_check_ca_file)
{
  std::string err;
  fail_unless(aai::check_ca_file("", &err));
  fail_unless(aai::check_ca_file(tls_path("cert.pem"), &err), "%s",
              err.c_str());
  fail_unless(aai::check_ca_file(tls_path("other-ca.pem"), &err), "%s",
              err.c_str());

  std::string missing = tls_path("no-such-file.pem");
  fail_if(aai::check_ca_file(missing, &err));
  fail_unless(contains(err, missing.c_str()), "path not named: %s",
              err.c_str());
  fail_unless(contains(err, "cannot be read"), "%s", err.c_str());

  /* A readable file without certificates (the private key is PEM too). */
  for (std::string path :
       {std::string(TEST_DATA_DIR) + "/hello.json", tls_path("key.pem")}) {
    err.clear();
    fail_if(aai::check_ca_file(path, &err), "%s accepted", path.c_str());
    fail_unless(contains(err, path.c_str()), "path not named: %s", err.c_str());
    fail_unless(contains(err, "certificate"), "%s", err.c_str());
  }
  /* A directory cannot be read as a file. */
  err.clear();
  fail_if(aai::check_ca_file(TEST_DATA_DIR, &err));
  fail_unless(contains(err, TEST_DATA_DIR), "%s", err.c_str());
}
GST_END_TEST;

/* ---- connecting through proxies ---- */

/* Without a proxy (and with an explicit "direct://") the invalid name is
 * looked up locally and fails: the control for the proxy cases. */
GST_START_TEST(test_no_proxy_dns_failure)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  for (const char *proxy : {"", "direct://"}) {
    aai::ConnectParams p = connect_params(invalid_host_url(emu));
    p.net.proxy = proxy;
    TestSession ts(p);
    fail_unless(ts.rec.wait_ended(30000), "no end");
    aai::EndReport r = ts.rec.end_report();
    fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed, "kind %d",
                (int)r.kind);
    fail_unless(contains(r.transport_error, "emulator.invalid"), "%s",
                r.transport_error.c_str());
  }
  fail_unless_equals_int(emu.sessions().size(), 0);
}
GST_END_TEST;

/* SOCKS5 tunnels ws:// as a plain TCP stream; the proxy resolves the name
 * (GIO sends it as a domain-name address). */
GST_START_TEST(test_socks5_proxy_ws)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  TestProxy proxy;
  start_proxy(&proxy, TestProxy::Kind::Socks5, emu.port());

  aai::ConnectParams p = connect_params(invalid_host_url(emu));
  p.net.proxy = proxy.url();
  TestSession ts(p);
  fail_unless(ts.rec.wait_began(), "no Begin: %s",
              ts.rec.end_report().transport_error.c_str());
  auto reqs = proxy.requests();
  fail_unless_equals_int(reqs.size(), 1);
  fail_unless_equals_string(reqs[0].method.c_str(), "SOCKS5");
  std::string want = "emulator.invalid:" + std::to_string(emu.port());
  fail_unless_equals_string(reqs[0].target.c_str(), want.c_str());
  fail_unless_equals_int(emu.sessions().size(), 1);
}
GST_END_TEST;

/* libsoup 3.2.3 sends ws:// through an HTTP proxy in absolute form
 * ("GET ws://host:port/path", Upgrade headers), not as a CONNECT tunnel.
 * The test proxy, like many real ones, does not forward such upgrades: the
 * session ends with the proxy's 502, and the request shows the form. */
GST_START_TEST(test_http_proxy_ws_absolute_form)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  TestProxy proxy;
  start_proxy(&proxy, TestProxy::Kind::Http, emu.port());

  aai::ConnectParams p = connect_params(invalid_host_url(emu));
  p.net.proxy = proxy.url();
  TestSession ts(p);
  fail_unless(ts.rec.wait_ended(), "no end");
  aai::EndReport r = ts.rec.end_report();
  fail_unless(r.kind == aai::EndReport::Kind::UpgradeRefused, "kind %d: %s",
              (int)r.kind, r.transport_error.c_str());
  fail_unless_equals_int(r.http_status, 502);
  auto reqs = proxy.requests();
  fail_unless_equals_int(reqs.size(), 1);
  fail_unless_equals_string(reqs[0].method.c_str(), "GET");
  fail_unless(
      g_str_has_prefix(reqs[0].target.c_str(), invalid_host_url(emu).c_str()),
      "%s", reqs[0].target.c_str());
  fail_unless(reqs[0].websocket_upgrade);
  fail_unless_equals_int(emu.sessions().size(), 0);
}
GST_END_TEST;

GST_START_TEST(test_invalid_proxy_fails_connect)
{
  aai::ConnectParams p =
      connect_params("ws://127.0.0.1:9/v3/ws");  // never contacted
  p.net.proxy = "https://user:hunter2@proxy.example:443";
  TestSession ts(p);
  fail_unless(ts.rec.wait_ended());
  aai::EndReport r = ts.rec.end_report();
  fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed);
  fail_unless(contains(r.transport_error, "unsupported scheme"), "%s",
              r.transport_error.c_str());
  fail_if(contains(r.transport_error, "hunter2"));
}
GST_END_TEST;

/* A proxy that is not there: the connection fails at once. */
GST_START_TEST(test_proxy_unreachable)
{
  aai_emu::Emulator emu;
  start_emulator(&emu);
  int closed_port;
  {
    /* A port that was just free: nothing listens on it any more. */
    TestProxy gone;
    start_proxy(&gone, TestProxy::Kind::Socks5, emu.port());
    closed_port = gone.port();
  }
  aai::ConnectParams p = connect_params(invalid_host_url(emu));
  p.net.proxy = "socks5://127.0.0.1:" + std::to_string(closed_port);
  TestSession ts(p);
  fail_unless(ts.rec.wait_ended());
  aai::EndReport r = ts.rec.end_report();
  fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed, "kind %d",
              (int)r.kind);
  fail_unless_equals_int(emu.sessions().size(), 0);
}
GST_END_TEST;

/* ---- the proxy lookup cache (core/proxy_cache.h) ---- */

/* A resolver that counts its lookups: every URI goes through proxy P. */
struct CountingResolver {
  GObject parent;
  int sync_lookups;
  int async_lookups;
};

static gchar **counting_answer()
{
  gchar **v = g_new0(gchar *, 2);
  v[0] = g_strdup("http://proxy.invalid:3128");
  return v;
}

static void counting_iface_init(gpointer g_iface, gpointer)
{
  auto *iface = static_cast<GProxyResolverInterface *>(g_iface);
  iface->is_supported = [](GProxyResolver *) -> gboolean { return TRUE; };
  iface->lookup = [](GProxyResolver *r, const gchar *, GCancellable *,
                     GError **) -> gchar ** {
    reinterpret_cast<CountingResolver *>(r)->sync_lookups++;
    return counting_answer();
  };
  iface->lookup_async = [](GProxyResolver *r, const gchar *, GCancellable *c,
                           GAsyncReadyCallback cb, gpointer data) {
    reinterpret_cast<CountingResolver *>(r)->async_lookups++;
    GTask *t = g_task_new(r, c, cb, data);
    g_task_return_pointer(t, counting_answer(), (GDestroyNotify)g_strfreev);
    g_object_unref(t);
  };
  iface->lookup_finish = [](GProxyResolver *, GAsyncResult *res,
                            GError **err) -> gchar ** {
    return static_cast<gchar **>(g_task_propagate_pointer(G_TASK(res), err));
  };
}

static GType counting_resolver_type()
{
  static GType type = 0;
  if (!type) {
    GTypeInfo info = {};
    info.class_size = sizeof(GObjectClass);
    info.instance_size = sizeof(CountingResolver);
    type = g_type_register_static(G_TYPE_OBJECT, "TestCountingResolver", &info,
                                  static_cast<GTypeFlags>(0));
    GInterfaceInfo iface = {counting_iface_init, nullptr, nullptr};
    g_type_add_interface_static(type, G_TYPE_PROXY_RESOLVER, &iface);
  }
  return type;
}

static gchar **lookup_async_and_wait(GProxyResolver *r, const char *uri)
{
  GMainContext *ctx = g_main_context_new();
  g_main_context_push_thread_default(ctx);
  gchar **result = nullptr;
  bool done = false;
  struct Wait {
    gchar ***result;
    bool *done;
  } w{&result, &done};
  g_proxy_resolver_lookup_async(
      r, uri, nullptr,
      [](GObject *src, GAsyncResult *res, gpointer data) {
        auto *w = static_cast<Wait *>(data);
        *w->result =
            g_proxy_resolver_lookup_finish(G_PROXY_RESOLVER(src), res, nullptr);
        *w->done = true;
      },
      &w);
  while (!done)
    g_main_context_iteration(ctx, TRUE);
  g_main_context_pop_thread_default(ctx);
  g_main_context_unref(ctx);
  return result;
}

/* One lookup per destination, whether asked synchronously or not; the
 * answer is the inner resolver's. */
GST_START_TEST(test_proxy_lookup_cached)
{
  GObject *inner = G_OBJECT(g_object_new(counting_resolver_type(), nullptr));
  auto *counts = reinterpret_cast<CountingResolver *>(inner);
  GProxyResolver *r = aai::new_caching_proxy_resolver(G_PROXY_RESOLVER(inner));
  fail_unless(g_proxy_resolver_is_supported(r));
  const char *a = "wss://streaming.example.invalid:443";
  const char *b = "https://tokens.example.invalid:443";
  for (int i = 0; i < 5; i++) {
    gchar **v = lookup_async_and_wait(r, a);
    fail_unless(v && v[0] && !v[1]);
    fail_unless_equals_string(v[0], "http://proxy.invalid:3128");
    g_strfreev(v);
    v = g_proxy_resolver_lookup(r, a, nullptr, nullptr);
    fail_unless(v && v[0]);
    fail_unless_equals_string(v[0], "http://proxy.invalid:3128");
    g_strfreev(v);
  }
  fail_unless_equals_int(counts->async_lookups + counts->sync_lookups, 1);
  /* Another destination is asked for once too. */
  g_strfreev(g_proxy_resolver_lookup(r, b, nullptr, nullptr));
  g_strfreev(lookup_async_and_wait(r, b));
  fail_unless_equals_int(counts->async_lookups + counts->sync_lookups, 2);
  g_object_unref(r);
  g_object_unref(inner);
}
GST_END_TEST;

/* The default session (proxy "") resolves through the process's cache;
 * an explicit proxy keeps its own resolver. */
GST_START_TEST(test_default_session_uses_proxy_cache)
{
  std::shared_ptr<aai::IoThread> io = aai::IoThread::acquire();
  std::mutex m;
  std::condition_variable cond;
  bool done = false;
  GProxyResolver *dflt = nullptr, *explicit_proxy = nullptr;
  io->post([&]() {
    NetOptions none, http;
    http.proxy = "http://127.0.0.1:9";
    dflt = soup_session_get_proxy_resolver(io->session_for(none));
    explicit_proxy = soup_session_get_proxy_resolver(io->session_for(http));
    std::lock_guard<std::mutex> l(m);
    done = true;
    cond.notify_all();
  });
  {
    std::unique_lock<std::mutex> l(m);
    fail_unless(
        cond.wait_for(l, std::chrono::seconds(10), [&] { return done; }));
  }
  fail_unless(dflt == aai::caching_proxy_resolver());
  fail_unless(explicit_proxy != nullptr && explicit_proxy != dflt);
}
GST_END_TEST;

/* ---- the shared trust store (core/tls_trust.h) ---- */

/* The shared database reaches the verdict the system store reaches, and
 * it is the process default afterwards (this process set none itself), so
 * no TLS connection copies the system trust list again. */
GST_START_TEST(test_shared_trust_store)
{
  GTlsBackend *backend = g_tls_backend_get_default();
  GTlsBackendInterface *iface = G_TLS_BACKEND_GET_INTERFACE(backend);
  GTlsDatabase *own = iface->get_default_database(backend);
  fail_unless(own != nullptr);
  GTlsDatabase *shared = aai::shared_tls_database();
  fail_unless(shared != nullptr);
  fail_if(shared == own);
  fail_unless(aai::shared_tls_database() == shared, "built twice");
  GTlsDatabase *dflt = g_tls_backend_get_default_database(backend);
  fail_unless(dflt == shared, "not the process default");
  g_object_unref(dflt);

  GError *err = nullptr;
  GTlsCertificate *cert =
      g_tls_certificate_new_from_file(tls_path("cert.pem").c_str(), &err);
  fail_unless(cert != nullptr);
  GSocketConnectable *id = g_network_address_new("localhost", 443);
  GTlsCertificateFlags by_shared = g_tls_database_verify_chain(
      shared, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, id, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr);
  GTlsCertificateFlags by_own = g_tls_database_verify_chain(
      own, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, id, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, nullptr);
  fail_unless_equals_int(by_shared, by_own);
  /* The self-signed test certificate is not in the system store. */
  fail_unless(by_shared & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_object_unref(id);
  g_object_unref(cert);
  g_object_unref(own);
}
GST_END_TEST;

/* The default session and each proxy's session verify with the one
 * shared store. */
GST_START_TEST(test_sessions_share_trust_store)
{
  std::shared_ptr<aai::IoThread> io = aai::IoThread::acquire();
  std::mutex m;
  std::condition_variable cond;
  bool done = false;
  GTlsDatabase *direct = nullptr, *proxied = nullptr, *socks = nullptr;
  io->post([&]() {
    NetOptions none, http, socks5;
    http.proxy = "http://127.0.0.1:9";
    socks5.proxy = "socks5://127.0.0.1:9";
    direct = soup_session_get_tls_database(io->session_for(none));
    proxied = soup_session_get_tls_database(io->session_for(http));
    socks = soup_session_get_tls_database(io->session_for(socks5));
    std::lock_guard<std::mutex> l(m);
    done = true;
    cond.notify_all();
  });
  {
    std::unique_lock<std::mutex> l(m);
    fail_unless(
        cond.wait_for(l, std::chrono::seconds(10), [&] { return done; }));
  }
  fail_unless(direct != nullptr);
  fail_unless(direct == aai::shared_tls_database());
  fail_unless(proxied == direct);
  fail_unless(socks == direct);
}
GST_END_TEST;

/* A CA file is read once per process; a file that cannot be loaded stays
 * refused. */
GST_START_TEST(test_ca_file_database_once)
{
  std::string path = tls_path("cert.pem");
  GTlsDatabase *db = aai::ca_file_database(path);
  fail_unless(db != nullptr);
  fail_unless(aai::ca_file_database(path) == db);
  fail_if(aai::ca_file_database(tls_path("other-ca.pem")) == db);
  fail_unless(aai::ca_file_database(tls_path("no-such-file.pem")) == nullptr);
  fail_unless(aai::ca_file_database(tls_path("no-such-file.pem")) == nullptr);
}
GST_END_TEST;

/* ---- TLS trust ---- */

/* Not under ASan: a thread that ran GnuTLS has dynamic TLS that LSan of
 * GCC 12 on glibc 2.36 cannot scan (tests/emulator/README.md). */
#ifndef __SANITIZE_ADDRESS__

aai::EndReport tls_outcome(const std::string &base,
                           const NetOptions &net,
                           bool *began)
{
  aai::ConnectParams p = connect_params(base);
  p.net = net;
  TestSession ts(p);
  *began = ts.rec.wait_began();
  ts.session->shutdown();
  fail_unless(ts.rec.wait_ended());
  return ts.rec.end_report();
}

GST_START_TEST(test_tls_trust)
{
  aai_emu::Emulator emu;
  start_emulator(&emu, true);
  fail_unless(g_str_has_prefix(emu.ws_url().c_str(), "wss://"));
  bool began = false;

  /* The system store does not know the self-signed certificate. */
  aai::EndReport r = tls_outcome(emu.ws_url(), NetOptions(), &began);
  fail_if(began);
  fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed && r.tls_error,
              "kind %d tls %d: %s", (int)r.kind, r.tls_error,
              r.transport_error.c_str());

  NetOptions ca;
  ca.tls_ca_file = tls_path("cert.pem");
  tls_outcome(emu.ws_url(), ca, &began);
  fail_unless(began, "not trusted with tls_ca_file");

  NetOptions lax;
  lax.tls_strict = false;
  tls_outcome(emu.ws_url(), lax, &began);
  fail_unless(began, "not accepted with tls_strict = false");

  NetOptions other;
  other.tls_ca_file = tls_path("other-ca.pem");
  r = tls_outcome(emu.ws_url(), other, &began);
  fail_if(began, "trusted by an unrelated CA");
  fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed && r.tls_error);

  NetOptions missing;
  missing.tls_ca_file = tls_path("no-such-file.pem");
  r = tls_outcome(emu.ws_url(), missing, &began);
  fail_if(began, "trusted with a missing CA file");
  fail_unless(r.tls_error);

  /* Only the begun sessions reached the emulator. */
  fail_unless_equals_int(emu.sessions().size(), 2);
}
GST_END_TEST;

/* wss:// through an HTTP proxy is a CONNECT tunnel, and the CA file is
 * checked for the host named in the URL: the emulator's certificate is for
 * localhost/127.0.0.1, so emulator.invalid does not match it. */
GST_START_TEST(test_tls_through_connect_proxy)
{
  aai_emu::Emulator emu;
  start_emulator(&emu, true);
  TestProxy proxy;
  start_proxy(&proxy, TestProxy::Kind::Http, emu.port());
  bool began = false;

  NetOptions ca;
  ca.proxy = proxy.url();
  ca.tls_ca_file = tls_path("cert.pem");
  tls_outcome(invalid_host_url(emu, "wss", "localhost"), ca, &began);
  fail_unless(began, "no Begin through the CONNECT tunnel");

  aai::EndReport r = tls_outcome(invalid_host_url(emu, "wss"), ca, &began);
  fail_if(began, "certificate accepted for the wrong host name");
  fail_unless(r.kind == aai::EndReport::Kind::ConnectFailed && r.tls_error,
              "kind %d: %s", (int)r.kind, r.transport_error.c_str());

  NetOptions lax;
  lax.proxy = proxy.url();
  lax.tls_strict = false;
  tls_outcome(invalid_host_url(emu, "wss"), lax, &began);
  fail_unless(began, "tls_strict = false through the tunnel");

  auto reqs = proxy.requests();
  fail_unless_equals_int(reqs.size(), 3);
  std::string port = std::to_string(emu.port());
  std::string localhost = "localhost:" + port;
  std::string invalid = "emulator.invalid:" + port;
  fail_unless_equals_string(reqs[0].method.c_str(), "CONNECT");
  fail_unless_equals_string(reqs[0].target.c_str(), localhost.c_str());
  fail_unless_equals_string(reqs[1].target.c_str(), invalid.c_str());
  fail_unless_equals_int(reqs[2].status, 200);
}
GST_END_TEST;

#endif /* __SANITIZE_ADDRESS__ */

static Suite *net_options_suite(void)
{
  Suite *s = suite_create("net_options");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_validate_proxy_accepts);
  tcase_add_test(tc, test_validate_proxy_rejects);
  tcase_add_test(tc, test_proxy_credentials_never_shown);
  tcase_add_test(tc, test_net_options_equality);
  tcase_add_test(tc, test_check_ca_file);
  tcase_add_test(tc, test_no_proxy_dns_failure);
  tcase_add_test(tc, test_socks5_proxy_ws);
  tcase_add_test(tc, test_http_proxy_ws_absolute_form);
  tcase_add_test(tc, test_invalid_proxy_fails_connect);
  tcase_add_test(tc, test_proxy_unreachable);
  tcase_add_test(tc, test_shared_trust_store);
  tcase_add_test(tc, test_sessions_share_trust_store);
  tcase_add_test(tc, test_ca_file_database_once);
  tcase_add_test(tc, test_proxy_lookup_cached);
  tcase_add_test(tc, test_default_session_uses_proxy_cache);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_tls_trust);
  tcase_add_test(tc, test_tls_through_connect_proxy);
#endif
  return s;
}

GST_CHECK_MAIN(net_options);
