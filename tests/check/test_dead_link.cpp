/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The dead-link watchdog: LinkWatchdog on a loopback socket pair (with
 * synthetic time), and core Sessions streaming to the emulator through a
 * TcpRelay (tests/emulator/tcp_relay.h) that stalls like a dead network
 * path. Every wait is a condition variable with a timeout. */
#include <gst/check/gstcheck.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "core/link_watchdog.h"
#include "core/token_client.h"
#include "emulator.h"
#include "session_harness.h"
#include "tcp_relay.h"

using aai::EndReport;
using aai::LinkWatchdog;
using aai_emu::TcpRelay;
using aai_test::TestSession;

namespace
{

/* A connected loopback TCP pair (blocking sockets from GIO). */
struct SocketPair {
  GSocket *client = nullptr, *server = nullptr;
  SocketPair()
  {
    GError *err = nullptr;
    GSocket *listener = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, &err);
    GSocketAddress *any = g_inet_socket_address_new_from_string("127.0.0.1", 0);
    fail_unless(g_socket_bind(listener, any, TRUE, &err), "%s", err->message);
    g_object_unref(any);
    fail_unless(g_socket_listen(listener, &err));
    GSocketAddress *addr = g_socket_get_local_address(listener, &err);
    client = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                          G_SOCKET_PROTOCOL_TCP, &err);
    fail_unless(g_socket_connect(client, addr, nullptr, &err), "%s",
                err->message);
    g_object_unref(addr);
    server = g_socket_accept(listener, nullptr, &err);
    fail_unless(server != nullptr, "%s", err ? err->message : "");
    g_object_unref(listener);
  }
  ~SocketPair()
  {
    g_object_unref(client);
    g_object_unref(server);
  }
};

std::string relay_url(const TcpRelay &relay)
{
  return "ws://127.0.0.1:" + std::to_string(relay.port()) + "/v3/ws";
}

void start_all(aai_emu::Emulator *emu, TcpRelay *relay)
{
  std::string err;
  fail_unless(emu->start(aai_emu::Config(), &err), "emulator: %s", err.c_str());
  fail_unless(relay->start(emu->port(), &err), "relay: %s", err.c_str());
}

/* Streams 100 ms frames of 16 kHz s16 silence at about ten times real time
 * until the session ends or @max_ms pass. The short timed wait on the
 * recorder only paces the producer; the end condition is what it waits
 * for. Returns true if the session ended. */
bool stream_until_end(TestSession &ts, int max_ms)
{
  const std::vector<uint8_t> frame(3200, 0);
  gint64 deadline = g_get_monotonic_time() + max_ms * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time() < deadline) {
    ts.session->send_audio(frame);
    if (ts.rec.wait([&] { return ts.rec.ended; }, 10))
      return true;
  }
  return false;
}

void assert_dead(const EndReport &r, unsigned timeout_ms)
{
  fail_unless(r.kind == EndReport::Kind::Closed, "kind %d: %s", (int)r.kind,
              r.transport_error.c_str());
  fail_unless(r.dead_link);
  fail_unless_equals_int(r.close_code, 1006);
  std::string want =
      "nothing could be sent for " + std::to_string(timeout_ms) + " ms";
  fail_unless(r.transport_error.find(want) != std::string::npos, "%s",
              r.transport_error.c_str());
}

}  // namespace

GST_START_TEST(test_watchdog_interval)
{
  fail_unless_equals_int(LinkWatchdog::interval_ms(2000), 500);
  fail_unless_equals_int(LinkWatchdog::interval_ms(10000), 1000);
  fail_unless_equals_int(LinkWatchdog::interval_ms(3), 1);
  fail_unless_equals_int(LinkWatchdog::interval_ms(0), 1);
}
GST_END_TEST;

/* A peer that never reads: once the kernel buffers are full the socket is
 * not writable and nothing more is acknowledged. The verdict comes when
 * the condition has lasted the timeout (synthetic time), not before. */
GST_START_TEST(test_watchdog_full_buffers)
{
  SocketPair sp;
  g_socket_set_blocking(sp.client, FALSE);
  std::vector<char> chunk(64 * 1024, 'x');
  GError *err = nullptr;
  while (g_socket_send(sp.client, chunk.data(), chunk.size(), nullptr, &err) >
         0) {
  }
  fail_unless(g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK), "%s",
              err->message);
  g_error_free(err);

  LinkWatchdog w(sp.client, 2000);
  const gint64 t0 = 1000 * G_TIME_SPAN_SECOND;
  const gint64 step = 500 * G_TIME_SPAN_MILLISECOND;
  /* The first samples start the clock (they may still see the last
   * acknowledgement move). */
  gint64 t = t0;
  int samples = 0;
  while (!w.check(t)) {
    t += step;
    fail_unless(++samples < 20, "never declared dead");
  }
  fail_unless(t - t0 >= 2 * G_TIME_SPAN_SECOND,
              "dead after %" G_GINT64_FORMAT " us", t - t0);
  fail_unless(t - t0 <= 3 * G_TIME_SPAN_SECOND);
}
GST_END_TEST;

/* An idle socket is writable with nothing queued: never dead. */
GST_START_TEST(test_watchdog_idle_socket)
{
  SocketPair sp;
  LinkWatchdog w(sp.client, 1000);
  for (gint64 t = 0; t < 60 * G_TIME_SPAN_SECOND; t += 250000)
    fail_if(w.check(t), "idle socket declared dead at %" G_GINT64_FORMAT, t);
}
GST_END_TEST;

/* The client streams through the relay; the relay stalls after 64 KiB.
 * The watchdog closes the connection within the timeout plus one
 * interval of the client's data no longer being acknowledged. */
GST_START_TEST(test_stalled_link_is_dead)
{
  aai_emu::Emulator emu;
  TcpRelay relay;
  start_all(&emu, &relay);
  relay.stall_after_bytes(64 * 1024);

  aai::ConnectParams p = aai_test::connect_params(relay_url(relay));
  p.send_timeout_ms = 2000;
  TestSession ts(p);
  fail_unless(ts.rec.wait_began(), "no Begin");
  fail_unless(stream_until_end(ts, 30000), "not declared dead within 30 s");
  assert_dead(ts.rec.end_report(), 2000);

  TcpRelay::Stats st = relay.stats();
  fail_unless_equals_int(st.stalled, 1);
  gint64 after_stall_ms = (ts.rec.end_time_us - st.first_stall_us) / 1000;
  /* Measured: 3.3 s. The relay's kernel still acknowledges about 0.8 s
   * of data into its receive buffer; the first sample without progress
   * comes up to one interval (500 ms) later, and the verdict the 2 s
   * timeout after that, through the unacknowledged send queue (the
   * socket stays writable: Linux grows the send buffer to 4 MiB). */
  g_print("dead link detected %" G_GINT64_FORMAT
          " ms after the relay stalled (send_timeout 2000 ms)\n",
          after_stall_ms);
  fail_unless(after_stall_ms >= 2000,
              "declared dead too early: %" G_GINT64_FORMAT " ms",
              after_stall_ms);
  fail_unless(after_stall_ms <= 10000, "took %" G_GINT64_FORMAT " ms",
              after_stall_ms);
}
GST_END_TEST;

/* An idle link (no audio) carries the WebSocket pings, so data can get
 * stuck on it. (A dead path would leave them unacknowledged. On loopback
 * a relay that merely stops reading still has its kernel acknowledge
 * whatever fits its receive buffer, so an idle stall is not detectable
 * here: the pings are what this test can show.) */
GST_START_TEST(test_idle_link_carries_pings)
{
  aai_emu::Emulator emu;
  TcpRelay relay;
  start_all(&emu, &relay);

  aai::ConnectParams p = aai_test::connect_params(relay_url(relay));
  p.send_timeout_ms = 2000; /* ping every 1 s */
  TestSession ts(p);
  fail_unless(ts.rec.wait_began(), "no Begin");
  uint64_t before = relay.stats().up_bytes;
  fail_unless(relay.wait(
                  [before](const TcpRelay::Stats &s) {
                    return s.up_bytes >= before + 2 * 6;
                  },
                  5000),
              "no pings on an idle link");
  fail_unless(ts.rec.still_open_after(0));
}
GST_END_TEST;

/* A healthy link streaming fast for several timeouts is never declared
 * dead, and ends as the caller asked. */
GST_START_TEST(test_healthy_link_not_dead)
{
  aai_emu::Emulator emu;
  TcpRelay relay;
  start_all(&emu, &relay);

  aai::ConnectParams p = aai_test::connect_params(relay_url(relay));
  p.send_timeout_ms = 1000;
  TestSession ts(p);
  fail_unless(ts.rec.wait_began(), "no Begin");
  fail_if(stream_until_end(ts, 4000), "healthy link ended: %s",
          ts.rec.end_report().transport_error.c_str());
  /* Idle for more than two timeouts (pings only). */
  fail_unless(ts.rec.still_open_after(2500));
  ts.session->shutdown();
  fail_unless(ts.rec.wait_ended());
  EndReport r = ts.rec.end_report();
  fail_if(r.dead_link);
  fail_unless(r.kind == EndReport::Kind::Cancelled, "kind %d", (int)r.kind);
  fail_unless(relay.stats().up_bytes > 100 * 1000);
}
GST_END_TEST;

/* A token fetched from the same host first leaves a keep-alive HTTP
 * connection in the SoupSession; the WebSocket still gets a new
 * connection (libsoup never reuses one for an upgrade), so the watchdog
 * has its socket. */
GST_START_TEST(test_watchdog_after_token_fetch)
{
  aai_emu::Emulator emu;
  TcpRelay relay;
  start_all(&emu, &relay);

  std::shared_ptr<aai::IoThread> io = aai::IoThread::acquire();
  aai::TokenRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(relay.port()) + "/v3/token";
  req.credential = "test-key";
  std::mutex lock;
  std::condition_variable cond;
  bool have = false;
  aai::TokenResult token;
  auto f = aai::TokenFetch::start(io, req, [&](const aai::TokenResult &r) {
    std::lock_guard<std::mutex> l(lock);
    token = r;
    have = true;
    cond.notify_all();
  });
  {
    std::unique_lock<std::mutex> l(lock);
    fail_unless(
        cond.wait_for(l, std::chrono::seconds(10), [&] { return have; }));
  }
  fail_unless(token.kind == aai::TokenResult::Kind::Ok, "%s",
              token.describe().c_str());

  aai::Settings s;
  s.speech_model = "universal-streaming-english";
  std::string err;
  aai::ConnectParams p;
  p.url = aai::build_url(relay_url(relay), s, token.token, &err);
  p.send_timeout_ms = 1000;
  TestSession ts(p);
  fail_unless(ts.rec.wait_began(), "no Begin");
  fail_unless_equals_int(relay.stats().connections, 2);
  relay.stall_all();
  fail_unless(stream_until_end(ts, 30000), "not declared dead");
  assert_dead(ts.rec.end_report(), 1000);
}
GST_END_TEST;

/* With send_timeout_ms = 0 (the default) a stalled link stays "open". */
GST_START_TEST(test_watchdog_off)
{
  aai_emu::Emulator emu;
  TcpRelay relay;
  start_all(&emu, &relay);
  relay.stall_after_bytes(64 * 1024);

  TestSession ts(aai_test::connect_params(relay_url(relay)));
  fail_unless(ts.rec.wait_began(), "no Begin");
  fail_if(stream_until_end(ts, 3000), "ended without a watchdog");
  fail_unless(
      relay.wait([](const TcpRelay::Stats &s) { return s.stalled; }, 1000));
}
GST_END_TEST;

static Suite *dead_link_suite(void)
{
  Suite *s = suite_create("dead_link");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_watchdog_interval);
  tcase_add_test(tc, test_watchdog_full_buffers);
  tcase_add_test(tc, test_watchdog_idle_socket);
  tcase_add_test(tc, test_stalled_link_is_dead);
  tcase_add_test(tc, test_idle_link_carries_pings);
  tcase_add_test(tc, test_healthy_link_not_dead);
  tcase_add_test(tc, test_watchdog_after_token_fetch);
  tcase_add_test(tc, test_watchdog_off);
  return s;
}

GST_CHECK_MAIN(dead_link);
