/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Fault injection for both elements: dropped connections, every retryable
 * close code, session rollover. In every case the words delivered must be
 * exactly the script's: none lost, none repeated, each at its exact time,
 * in order. The sink delivers words in its end-of-turn assemblyai/turn
 * messages, the transcriber as buffers on its src pad.
 *
 * Audio comes from appsrc as fast as the elements take it (sync=false,
 * pace=false), except for rollover, which needs wall-clock time to pass.
 * The whole file then runs ahead of the service, so replay-buffer is set to
 * hold all of it (see the replay-buffer property). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <cstring>
#include <string>
#include <vector>

#include "emulator.h"
#include "tcp_relay.h"
#include "test_pipeline.h"
#include "test_wav.h"

namespace
{

constexpr int kRate = 16000;

/* @name's script and audio repeated @times back to back: a long stream
 * with exact ground truth. */
struct LongStream {
  aai_emu::Script script;
  std::vector<uint8_t> pcm;

  LongStream(const char *name, int times)
  {
    std::string err;
    aai_emu::Script one;
    fail_unless(aai_emu::Script::load_file(
                    data_path(std::string(name) + ".json"), &one, &err),
                "%s", err.c_str());
    std::vector<uint8_t> audio = read_wav((std::string(name) + ".wav").c_str());
    /* Whole milliseconds per copy, so the script's times stay exact. */
    size_t per_ms = kRate / 1000 * 2;
    audio.resize(static_cast<size_t>(one.duration_ms) * per_ms);
    script = one;
    script.turns.clear();
    for (int i = 0; i < times; i++) {
      int64_t off = i * one.duration_ms;
      for (aai_emu::ScriptTurn t : one.turns) {
        for (auto &w : t.words) {
          w.start += off;
          w.end += off;
        }
        script.turns.push_back(t);
      }
      /* Each copy a little different (a DC offset of i LSB), so the
       * emulator can tell which copy a session's audio comes from. */
      std::vector<uint8_t> copy = audio;
      for (size_t b = 0; b + 1 < copy.size(); b += 2) {
        auto v = static_cast<int16_t>(copy[b] | copy[b + 1] << 8);
        v = static_cast<int16_t>(std::min(32767, v + i));
        copy[b] = static_cast<uint8_t>(v & 0xff);
        copy[b + 1] = static_cast<uint8_t>((v >> 8) & 0xff);
      }
      pcm.insert(pcm.end(), copy.begin(), copy.end());
    }
    script.duration_ms = one.duration_ms * times;
  }
};

/* A run, and the words it delivered, whichever element delivered them. */
struct Outcome : Run {
  std::vector<TurnWord> words;
  std::vector<guint> turn_orders; /* sink: of the end-of-turn messages */
};

/* Words of the sink's end-of-turn messages, in order. */
void words_from_turns(Outcome *o)
{
  for (const GstStructure *s : o->end_of_turns()) {
    guint order = 0;
    gst_structure_get_uint(s, "turn-order", &order);
    o->turn_orders.push_back(order);
  }
  o->words = o->end_of_turn_words();
}

/* Runs @pcm through @factory (assemblyaisink or assemblyaitranscriber)
 * with @props until EOS or an error. */
void run(const char *factory,
         const std::string &props,
         const std::vector<uint8_t> &pcm,
         bool realtime,
         Outcome *o,
         int timeout_s = 120,
         const std::function<void(GstElement *)> &setup = nullptr,
         bool live_source = false)
{
  bool sink = g_str_equal(factory, "assemblyaisink");
  std::string desc =
      std::string("appsrc name=src format=time ") +
      (live_source ? "is-live=true " : "") +
      "caps=\"audio/x-raw,format=S16LE,rate=16000,"
      "channels=1,layout=interleaved\" ! " +
      std::string(factory) + " name=el " +
      (sink ? (realtime ? "sync=true " : "sync=false ")
            : (realtime ? "pace=true " : "pace=false ")) +
      props + (sink ? "" : " ! appsink name=out sync=false wait-on-eos=false");
  GstElement *p = launch(desc);
  if (setup) {
    GstElement *el = gst_bin_get_by_name(GST_BIN(p), "el");
    setup(el);
    gst_object_unref(el);
  }
  GstElement *src = gst_bin_get_by_name(GST_BIN(p), "src");
  const size_t chunk = kRate / 10 * 2; /* 100 ms */
  GstClockTime pts = 0;
  for (size_t off = 0; off < pcm.size(); off += chunk) {
    size_t n = std::min(chunk, pcm.size() - off);
    GstBuffer *b = gst_buffer_new_memdup(pcm.data() + off, n);
    GST_BUFFER_PTS(b) = pts;
    GST_BUFFER_DURATION(b) = gst_util_uint64_scale(n / 2, GST_SECOND, kRate);
    pts += GST_BUFFER_DURATION(b);
    fail_unless_equals_int(gst_app_src_push_buffer(GST_APP_SRC(src), b),
                           GST_FLOW_OK);
  }
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  gst_object_unref(src);

  /* Still PLAYING after: the transcriber's words are read from appsink. */
  play_to_end(p, o, timeout_s, factory);
  if (sink) {
    words_from_turns(o);
  } else {
    GstElement *out = gst_bin_get_by_name(GST_BIN(p), "out");
    while (GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(out), 0)) {
      GstBuffer *b = gst_sample_get_buffer(s);
      GstMapInfo map;
      fail_unless(gst_buffer_map(b, &map, GST_MAP_READ));
      o->words.push_back(
          {std::string(reinterpret_cast<char *>(map.data), map.size),
           GST_BUFFER_PTS(b), GST_BUFFER_PTS(b) + GST_BUFFER_DURATION(b)});
      gst_buffer_unmap(b, &map);
      gst_sample_unref(s);
    }
    gst_object_unref(out);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
}

/* The words delivered are the script's: none lost, none repeated, exact
 * times, in order. */
void assert_exact(const Outcome &o, const LongStream &ls, const char *factory)
{
  assert_no_error(o, factory);
  auto want = script_words(ls.script);
  for (size_t i = 0; i < std::min(want.size(), o.words.size()); i++) {
    const TurnWord &g = o.words[i];
    GstClockTime start = static_cast<GstClockTime>(want[i].start) * GST_MSECOND;
    GstClockTime end = static_cast<GstClockTime>(want[i].end) * GST_MSECOND;
    fail_unless(
        g.text == want[i].text && g.start == start && g.end == end,
        "%s: word %zu is '%s' at %" GST_TIME_FORMAT "..%" GST_TIME_FORMAT
        ", want '%s' at %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " ms",
        factory, i, g.text.c_str(), GST_TIME_ARGS(g.start),
        GST_TIME_ARGS(g.end), want[i].text.c_str(), want[i].start, want[i].end);
  }
  fail_unless_equals_int(o.words.size(), want.size());
  /* Turn numbers continue across sessions: each turn once, in order. */
  for (size_t i = 0; i < o.turn_orders.size(); i++)
    fail_unless(o.turn_orders[i] == i, "%s: turn %zu has turn-order %u",
                factory, i, o.turn_orders[i]);
}

std::string base_props(const aai_emu::Emulator &emu)
{
  return "api-key=test-key url=" + emu.ws_url() +
         " reconnect-max-backoff=50 replay-buffer=600000";
}

const char *kFactories[] = {"assemblyaisink", "assemblyaitranscriber"};

constexpr double kTimeScale = 0.1;

aai_emu::Config config_for(const LongStream &ls)
{
  /* The realistic service (throttle, reply delays, extra messages), ten
   * times faster: every duration of the emulator is scaled, audio time is
   * not. */
  aai_emu::Config cfg;
  cfg.time_scale = kTimeScale;
  cfg.script = ls.script;
  /* So a session that starts with replayed audio transcribes that audio. */
  cfg.reference_audio =
      std::make_shared<const std::string>(ls.pcm.begin(), ls.pcm.end());
  return cfg;
}

}  // namespace

/* One drop in the middle of a turn: the replay makes the new session hear
 * the whole turn again, and the reconnect message says what happened. */
GST_START_TEST(test_drop_mid_turn)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
    aai_emu::FaultPlan plan;
    plan.drop_at_audio_ms = 4500; /* inside the second turn */
    emu.set_fault_plan(plan);
    Outcome o;
    run(factory, base_props(emu), ls.pcm, false, &o);
    assert_exact(o, ls, factory);
    auto rc = o.named("assemblyai/reconnect");
    fail_unless_equals_int(rc.size(), 1);
    fail_unless_equals_string(gst_structure_get_string(rc[0], "reason"),
                              "connection-lost");
    guint attempt = 0;
    gst_structure_get_uint(rc[0], "attempt", &attempt);
    fail_unless_equals_int(attempt, 1);
    guint64 replayed = 0, lost = 1, outage = 0;
    gst_structure_get_uint64(rc[0], "audio-replayed", &replayed);
    gst_structure_get_uint64(rc[0], "audio-lost", &lost);
    gst_structure_get_uint64(rc[0], "outage-duration", &outage);
    /* The second session started at the end of the first turn (1958 ms,
     * a whole ms) — or at 0 when the drop also swallowed that turn's
     * end, still in flight — and got the rest of the file (the last
     * frame padded to 50 ms). The replay was what had been pushed by then. */
    auto sessions = emu.sessions();
    fail_unless_equals_int(sessions.size(), 2);
    const int64_t duration = ls.script.duration_ms;
    const int64_t got_ms = static_cast<int64_t>(sessions[1].audio_bytes / 32);
    int64_t base = -1;
    for (int64_t b : {int64_t{1958}, int64_t{0}})
      if (got_ms >= duration - b && got_ms < duration - b + 50)
        base = b;
    fail_unless(base >= 0, "%s: second session got %" G_GINT64_FORMAT " ms",
                factory, got_ms);
    fail_unless(
        replayed > 0 &&
            replayed <= static_cast<guint64>(duration - base) * GST_MSECOND,
        "%s: replayed %" G_GUINT64_FORMAT, factory, replayed);
    fail_unless_equals_uint64(lost, 0);
    fail_unless(outage > 0);
    fail_unless(o.first(GST_MESSAGE_WARNING) != nullptr);
  }
}
GST_END_TEST;

/* A long stream (12 x counting, 134 s) through a connection that drops at
 * a random point of every session, often mid-word. */
GST_START_TEST(test_many_random_drops)
{
  LongStream ls("counting", 12);
  for (const char *factory : kFactories) {
    /* Fifty times faster than real time: the service processes the
     * audio of a session in a fraction of a second. */
    aai_emu::Config cfg = config_for(ls);
    cfg.time_scale = 0.02;
    cfg.record_audio = false;
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(cfg, &err), "%s", err.c_str());
    /* A session drops once it received 17..25 s of audio: past the 15 s
     * the element may send ahead (and so replays), so each session makes
     * some progress before it is lost. */
    aai_emu::FaultPlan plan;
    plan.random_drop_seed = 20261121;
    plan.random_drop_min_ms = 17000;
    plan.random_drop_max_ms = 25000;
    emu.set_fault_plan(plan);
    Outcome o;
    /* The time limit only guards against a hang. */
    run(factory, base_props(emu) + " reconnect-attempts=-1", ls.pcm, false, &o,
        600);
    assert_exact(o, ls, factory);
    /* How many drops depends on how much each session replays, which
     * depends on timing; but no session takes in more than
     * random_drop_max_ms of audio before it is dropped, so covering the
     * whole stream takes at least this many drops (5 here). */
    const int min_drops =
        static_cast<int>((ls.script.duration_ms - 1) / plan.random_drop_max_ms);
    fail_unless(min_drops >= 5);
    fail_unless(emu.drops_done() >= min_drops, "%s: only %d drops", factory,
                emu.drops_done());
    /* Every drop was followed by a reconnection and nothing was lost. */
    auto rc = o.named("assemblyai/reconnect");
    fail_unless_equals_int(rc.size(), emu.drops_done());
    for (const GstStructure *s : rc) {
      guint64 lost = 1;
      gst_structure_get_uint64(s, "audio-lost", &lost);
      fail_unless_equals_uint64(lost, 0);
    }
  }
}
GST_END_TEST;

/* Every close code the service documents as retryable, once each. */
GST_START_TEST(test_retryable_close_codes)
{
  struct Case {
    int code;
    const char *reason;
  } cases[] = {
      {3005, "Session Cancelled: An error occurred"},
      {3008, "Session Expired: Maximum session duration exceeded"},
      {3009, "Unauthorized Connection: Too many concurrent sessions"},
      {1008, "Unauthorized connection: Too many concurrent sessions"},
      {1011, "Internal error"},
  };
  LongStream ls("counting", 1);
  for (const Case &c : cases) {
    for (const char *factory : kFactories) {
      aai_emu::Emulator emu;
      std::string err;
      fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
      aai_emu::FaultPlan plan;
      plan.close_code = c.code;
      plan.close_reason = c.reason;
      plan.close_at_audio_ms = 6000; /* inside the third turn */
      plan.send_error_frame = true;
      emu.set_fault_plan(plan);
      Outcome o;
      run(factory, base_props(emu), ls.pcm, false, &o);
      assert_exact(o, ls, factory);
      auto rc = o.named("assemblyai/reconnect");
      fail_unless_equals_int(rc.size(), 1);
      gint code = 0;
      gst_structure_get_int(rc[0], "close-code", &code);
      fail_unless_equals_int(code, c.code);
    }
  }
}
GST_END_TEST;

/* Non-retryable closes are errors at once, with no reconnection. */
GST_START_TEST(test_fatal_close_not_retried)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
    aai_emu::FaultPlan plan;
    plan.close_code = 1008;
    plan.close_reason = "Unauthorized Connection: Invalid API key";
    plan.close_at_audio_ms = 3000;
    emu.set_fault_plan(plan);
    Outcome o;
    run(factory, base_props(emu), ls.pcm, false, &o);
    assert_error(o, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
                 nullptr);
    fail_unless_equals_int(emu.sessions().size(), 1);
    fail_unless_equals_int(o.named("assemblyai/reconnect").size(), 0);
  }
}
GST_END_TEST;

/* Sessions expire after 3 s (Begin.expires_at); the stream rolls over to
 * new sessions in real time without a 3008, a gap or a repeat. */
GST_START_TEST(test_rollover_before_expiry)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Config cfg = config_for(ls);
    /* 30 s of service time: 3 s of wall time. */
    cfg.max_session_duration_ms = 30000;
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(cfg, &err), "%s", err.c_str());
    Outcome o;
    run(factory, base_props(emu), ls.pcm, true, &o);
    assert_exact(o, ls, factory);
    auto rc = o.named("assemblyai/reconnect");
    fail_unless(rc.size() >= 2, "%s: %zu rollovers", factory, rc.size());
    for (const GstStructure *s : rc)
      fail_unless_equals_string(gst_structure_get_string(s, "reason"),
                                "rollover");
    for (const auto &s : emu.sessions())
      fail_if(s.close_code == 3008, "%s: a session expired", factory);
    /* A planned rollover is not an outage: no warning about it (the
     * service's own Warning messages still come as warnings). */
    for (GstMessage *m : o.messages) {
      if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING)
        continue;
      GError *e = nullptr;
      gst_message_parse_warning(m, &e, nullptr);
      fail_if(strstr(e->message, "Reconnected") || strstr(e->message, "Lost"),
              "%s: a rollover warned: %s", factory, e->message);
      g_error_free(e);
    }
  }
}
GST_END_TEST;

/* The service sends Termination on its own in the middle of the stream
 * (then closes 1000): that is not the end of the stream. The element
 * reconnects and every word still comes once, at its time. */
GST_START_TEST(test_unrequested_termination)
{
  LongStream ls("hello", 1);
  for (const char *factory : kFactories) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
    aai_emu::FaultPlan plan;
    plan.raw_frames = {
        "{\"type\":\"Termination\",\"audio_duration_seconds\":4,"
        "\"session_duration_seconds\":4}"};
    plan.raw_frames_at_audio_ms = 4000; /* inside the second turn */
    plan.close_code = 1000;
    plan.close_at_audio_ms = 4000;
    emu.set_fault_plan(plan);
    Outcome o;
    /* In real time, so the stream has not ended (with our own Terminate)
     * when the service's Termination comes. */
    run(factory, base_props(emu), ls.pcm, true, &o);
    assert_exact(o, ls, factory);
    fail_unless_equals_int(o.named("assemblyai/reconnect").size(), 1);
    /* Only the stream's own end is reported as a termination. */
    fail_unless_equals_int(o.named("assemblyai/termination").size(), 1);
  }
}
GST_END_TEST;

/* Mints a token with the emulator, except for the second request (the
 * rollover's): that one gets nothing. */
static gchar *token_but_second(GstElement *, gpointer data)
{
  auto *ctx =
      static_cast<std::pair<aai_emu::Emulator *, std::atomic<int> *> *>(data);
  if (ctx->second->fetch_add(1) == 1)
    return nullptr;
  return g_strdup(ctx->first->mint_token(60).c_str());
}

/* No credential for a rollover: the running session goes on until it
 * expires, then the stream reconnects; nothing is lost or repeated. */
GST_START_TEST(test_rollover_without_credential)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Config cfg = config_for(ls);
    /* 30 s of service time: 3 s of wall time. */
    cfg.max_session_duration_ms = 30000;
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(cfg, &err), "%s", err.c_str());
    std::atomic<int> calls{0};
    std::pair<aai_emu::Emulator *, std::atomic<int> *> ctx{&emu, &calls};
    Outcome o;
    run(factory,
        "url=" + emu.ws_url() +
            " reconnect-max-backoff=50 replay-buffer=600000",
        ls.pcm, true, &o, 120, [&](GstElement *el) {
          g_signal_connect(el, "request-token", G_CALLBACK(token_but_second),
                           &ctx);
        });
    assert_exact(o, ls, factory);
    auto sessions = emu.sessions();
    fail_unless(sessions.size() >= 2);
    fail_unless_equals_int(sessions[0].close_code, 3008);
  }
}
GST_END_TEST;

/* A dead link: a relay between element and emulator stops moving bytes
 * (the TCP connection stays open, nothing gets through, as when a route
 * dies). The element sees that nothing can be sent for send-timeout,
 * drops the connection and reconnects. */
GST_START_TEST(test_dead_link)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
    aai_emu::TcpRelay relay;
    fail_unless(relay.start(emu.port(), &err), "%s", err.c_str());
    relay.stall_after_bytes(64 * 1024, 1);
    std::string url =
        "ws://127.0.0.1:" + std::to_string(relay.port()) + "/v3/ws";
    Outcome o;
    run(factory,
        "api-key=test-key url=" + url +
            " send-timeout=1000 reconnect-max-backoff=50 "
            "replay-buffer=600000",
        ls.pcm, false, &o);
    assert_exact(o, ls, factory);
    auto rc = o.named("assemblyai/reconnect");
    fail_unless_equals_int(rc.size(), 1);
    fail_unless_equals_string(gst_structure_get_string(rc[0], "reason"),
                              "dead-link");
    fail_unless_equals_int(relay.stats().stalled, 1);
  }
}
GST_END_TEST;

/* The token endpoint fails for a while (429, 5xx, a reply that is not a
 * token): the element retries like a connection and then transcribes
 * everything. */
GST_START_TEST(test_token_endpoint_transient_failures)
{
  struct Case {
    int status;
    bool bad_json;
    bool missing_field;
  } cases[] = {{429, false, false},
               {500, false, false},
               {503, false, false},
               {0, true, false},
               {0, false, true}};
  LongStream ls("counting", 1);
  for (const Case &c : cases) {
    for (const char *factory : kFactories) {
      aai_emu::Emulator emu;
      std::string err;
      fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
      aai_emu::FaultPlan plan;
      plan.token_fail_status = c.status;
      plan.token_bad_json = c.bad_json;
      plan.token_bad_json_missing_field = c.missing_field;
      plan.token_fail_count = 2;
      emu.set_fault_plan(plan);
      Outcome o;
      run(factory,
          "api-key=test-key url=" + emu.ws_url() +
              " token-url=" + emu.token_url() + " reconnect-max-backoff=50",
          ls.pcm, false, &o);
      assert_exact(o, ls, factory);
      auto reqs = emu.token_requests();
      fail_unless_equals_int(reqs.size(), 3);
      fail_unless(o.count(GST_MESSAGE_WARNING) >= 2,
                  "%s: the retries were not reported", factory);
      /* The session used the minted token, not the key. */
      auto sessions = emu.sessions();
      fail_unless_equals_int(sessions.size(), 1);
      fail_unless(sessions[0].params.count("token") == 1);
      fail_unless(sessions[0].headers.count("authorization") == 0);
    }
  }
}
GST_END_TEST;

/* A key the token endpoint refuses, or a request it rejects, is an error
 * at once, in the right domain, and no session is opened. */
GST_START_TEST(test_token_endpoint_fatal_failures)
{
  struct Case {
    int status;
    gint code;
  } cases[] = {{401, GST_RESOURCE_ERROR_NOT_AUTHORIZED},
               {403, GST_RESOURCE_ERROR_NOT_AUTHORIZED},
               {400, GST_RESOURCE_ERROR_SETTINGS}};
  LongStream ls("counting", 1);
  for (const Case &c : cases) {
    for (const char *factory : kFactories) {
      aai_emu::Emulator emu;
      std::string err;
      fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
      aai_emu::FaultPlan plan;
      plan.token_fail_status = c.status;
      emu.set_fault_plan(plan);
      Outcome o;
      run(factory,
          "api-key=test-key url=" + emu.ws_url() +
              " token-url=" + emu.token_url() + " reconnect-max-backoff=50",
          ls.pcm, false, &o);
      GstMessage *e = o.first(GST_MESSAGE_ERROR);
      fail_unless(e != nullptr, "%s: no error for HTTP %d", factory, c.status);
      GError *gerr = nullptr;
      gchar *dbg = nullptr;
      gst_message_parse_error(e, &gerr, &dbg);
      fail_unless(g_error_matches(gerr, GST_RESOURCE_ERROR, c.code),
                  "%s: HTTP %d gave %s (%s)", factory, c.status, gerr->message,
                  dbg);
      fail_unless(strstr(dbg, std::to_string(c.status).c_str()) != nullptr,
                  "%s: status not named: %s", factory, dbg);
      fail_unless(strstr(dbg, "test-key") == nullptr);
      g_error_free(gerr);
      g_free(dbg);
      fail_unless_equals_int(emu.token_requests().size(), 1);
      fail_unless_equals_int(emu.sessions().size(), 0);
    }
  }
}
GST_END_TEST;

/* Live input and a replay buffer too small for the audio since the last
 * completed turn: the reconnect message and a warning say how much could
 * not be sent again, and what is delivered is still never repeated or
 * mistimed. (Non-live input is held back instead, and its replay buffer is
 * never smaller than what it may have to send again.) */
GST_START_TEST(test_replay_bound_reports_loss)
{
  LongStream ls("counting", 1);
  for (const char *factory : kFactories) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(config_for(ls), &err), "%s", err.c_str());
    aai_emu::FaultPlan plan;
    plan.drop_at_audio_ms = 4500;
    emu.set_fault_plan(plan);
    Outcome o;
    run(factory,
        "api-key=test-key url=" + emu.ws_url() +
            " reconnect-max-backoff=50 replay-buffer=1000",
        ls.pcm, false, &o, 120, nullptr, true);
    fail_unless(o.first(GST_MESSAGE_ERROR) == nullptr);
    auto rc = o.named("assemblyai/reconnect");
    fail_unless_equals_int(rc.size(), 1);
    guint64 lost = 0;
    gst_structure_get_uint64(rc[0], "audio-lost", &lost);
    fail_unless(lost > 0, "%s: no loss reported", factory);
    bool warned = false;
    for (GstMessage *m : o.messages) {
      if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING)
        continue;
      gchar *dbg = nullptr;
      gst_message_parse_warning(m, nullptr, &dbg);
      warned = warned || (dbg && strstr(dbg, "could not be sent again"));
      g_free(dbg);
    }
    fail_unless(warned, "%s: no warning about the lost audio", factory);
    /* What arrived is a subsequence of the script, exact and in order. */
    auto want = script_words(ls.script);
    size_t j = 0;
    for (const TurnWord &g : o.words) {
      while (
          j < want.size() &&
          !(g.text == want[j].text &&
            g.start == static_cast<GstClockTime>(want[j].start) * GST_MSECOND))
        j++;
      fail_unless(j < want.size(), "%s: '%s' is not in the script here",
                  factory, g.text.c_str());
      j++;
    }
    fail_unless(o.words.size() < want.size());
  }
}
GST_END_TEST;

static Suite *reconnect_suite(void)
{
  Suite *s = suite_create("reconnect");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_drop_mid_turn);
  tcase_add_test(tc, test_many_random_drops);
  tcase_add_test(tc, test_retryable_close_codes);
  tcase_add_test(tc, test_fatal_close_not_retried);
  tcase_add_test(tc, test_rollover_before_expiry);
  tcase_add_test(tc, test_dead_link);
  tcase_add_test(tc, test_unrequested_termination);
  tcase_add_test(tc, test_rollover_without_credential);
  tcase_add_test(tc, test_replay_bound_reports_loss);
  tcase_add_test(tc, test_token_endpoint_transient_failures);
  tcase_add_test(tc, test_token_endpoint_fatal_failures);
  return s;
}

GST_CHECK_MAIN(reconnect);
