/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyaisink against the in-process emulator: messages and their order,
 * bytes and frame sizes, URL parameters, UpdateConfiguration, errors, state
 * changes and many concurrent streams. Pipelines run with sync=false and the
 * emulator's pacing off, so they go faster than real time; every wait is a
 * bus poll or an emulator condition with a timeout. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <gst/check/gstharness.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/io_thread.h"
#include "emulator.h"
#include "test_pipeline.h"

namespace
{

const char *kKey = "test-key";

GstElement *wav_pipeline(const std::string &url,
                         const char *wav,
                         const std::string &sink_props)
{
  return launch("filesrc location=\"" + data_path(wav) +
                "\" ! wavparse ! assemblyaisink name=sink sync=false "
                "url=\"" +
                url + "\" " + sink_props);
}

const GstStructure *error_details(const Run &run)
{
  const GstStructure *d = nullptr;
  GstMessage *m = run.first(GST_MESSAGE_ERROR);
  if (m)
    gst_message_parse_error_details(m, &d);
  return d;
}

}  // namespace

/* Every message, in order, with exact word times; EOS after the last turn. */
GST_START_TEST(test_turns_and_order)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config();
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());

  GstElement *p =
      wav_pipeline(emu.ws_url(), "hello.wav", std::string("api-key=") + kKey);
  Run run;
  play(p, &run);
  assert_no_error(run);
  auto begins = run.named("assemblyai/begin");
  fail_unless_equals_int(begins.size(), 1);
  fail_unless(gst_structure_get_string(begins[0], "session-id") != nullptr);

  /* Final turns carry the scripted words at the scripted times. */
  std::vector<const GstStructure *> finals = run.end_of_turns();
  fail_unless_equals_int(finals.size(), cfg.script.turns.size());
  for (size_t i = 0; i < finals.size(); i++) {
    guint order = 99;
    gst_structure_get_uint(finals[i], "turn-order", &order);
    fail_unless_equals_int(order, i);
    const GValue *words = gst_structure_get_value(finals[i], "words");
    const auto &sw = cfg.script.turns[i].words;
    fail_unless_equals_int(gst_value_array_get_size(words), sw.size());
    for (size_t w = 0; w < sw.size(); w++) {
      const GstStructure *ws = gst_value_get_structure(
          gst_value_array_get_value(words, static_cast<guint>(w)));
      fail_unless_equals_string(gst_structure_get_string(ws, "text"),
                                sw[w].text.c_str());
      guint64 start = 0, end = 0, rt = 0;
      gst_structure_get_uint64(ws, "start", &start);
      gst_structure_get_uint64(ws, "end", &end);
      gst_structure_get_uint64(ws, "running-time", &rt);
      fail_unless_equals_uint64(start, sw[w].start * GST_MSECOND);
      fail_unless_equals_uint64(end, sw[w].end * GST_MSECOND);
      fail_unless_equals_uint64(rt, sw[w].start * GST_MSECOND);
    }
    guint64 ts = 0;
    gst_structure_get_uint64(finals[i], "timestamp", &ts);
    fail_unless_equals_uint64(ts, sw.front().start * GST_MSECOND);
    fail_unless(gst_structure_get_string(finals[i], "raw") != nullptr);
  }

  /* Order: begin first, termination and every turn before EOS. */
  int eos = run.index_of(GST_MESSAGE_EOS);
  fail_unless(eos > 0, "no EOS");
  int last_turn = -1, termination = -1, begin = -1;
  for (size_t i = 0; i < run.messages.size(); i++) {
    const GstStructure *s = gst_message_get_structure(run.messages[i]);
    if (!s || GST_MESSAGE_TYPE(run.messages[i]) != GST_MESSAGE_ELEMENT)
      continue;
    if (gst_structure_has_name(s, "assemblyai/turn"))
      last_turn = static_cast<int>(i);
    if (gst_structure_has_name(s, "assemblyai/termination"))
      termination = static_cast<int>(i);
    if (gst_structure_has_name(s, "assemblyai/begin") && begin < 0)
      begin = static_cast<int>(i);
  }
  /* (an INFO message about the chosen model may come before it) */
  for (int i = 0; i < begin; i++)
    fail_unless(GST_MESSAGE_TYPE(run.messages[i]) != GST_MESSAGE_ELEMENT,
                "begin is not the first element message");
  fail_unless(begin >= 0, "no begin message");
  fail_unless(last_turn < eos && termination < eos && termination > last_turn);
  gst_object_unref(p);
}
GST_END_TEST;

/* Bytes the emulator received = bytes sent; every message 50..1000 ms.
 * The file goes faster than real time, so frames that wait together go in
 * one message: whole frames of chunk-duration, at most 500 ms unless one
 * frame is longer (session.h, max_audio_message_bytes). */
GST_START_TEST(test_bytes_and_frames)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  for (guint chunk : {50u, 100u, 1000u}) {
    std::string props = std::string("api-key=") + kKey +
                        " chunk-duration=" + std::to_string(chunk);
    GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", props);
    Run run;
    play(p, &run);
    assert_no_error(run);
    gst_object_unref(p);
  }
  auto sessions = emu.sessions();
  fail_unless_equals_int(sessions.size(), 3);
  /* hello.wav: 16 kHz S16LE; data chunk size from the file. */
  gsize len = 0;
  gchar *contents = nullptr;
  fail_unless(g_file_get_contents(data_path("hello.wav").c_str(), &contents,
                                  &len, nullptr));
  g_free(contents);
  const size_t data_bytes = len - 44; /* canonical WAV header */
  const guint chunks[] = {50, 100, 1000};
  for (size_t i = 0; i < sessions.size(); i++) {
    const auto &s = sessions[i];
    fail_unless(s.terminated);
    size_t frame = 16000 * 2 * chunks[i] / 1000;
    size_t most = std::max<size_t>(frame, 16000 * 2 * 500 / 1000);
    for (size_t f = 0; f + 1 < s.frame_sizes.size(); f++) {
      fail_unless(s.frame_sizes[f] % frame == 0 && s.frame_sizes[f] <= most,
                  "%u ms frames: message %zu has %zu bytes", chunks[i], f,
                  s.frame_sizes[f]);
    }
    /* The audio that waited for Begin went out together. */
    if (chunks[i] == 50)
      fail_unless(
          *std::max_element(s.frame_sizes.begin(), s.frame_sizes.end()) > frame,
          "no frames were sent together");
    /* The last: whole frames, then the stream's end padded to 50 ms. */
    size_t last = s.frame_sizes.back();
    fail_unless(last >= 1600 && last <= most &&
                    (last % frame == 0 || last % frame >= 1600),
                "last message %zu bytes", last);
    /* Everything sent arrived; the only extra bytes are the padding. */
    size_t tail = data_bytes % frame;
    size_t padding = (tail && tail < 1600) ? 1600 - tail : 0;
    fail_unless_equals_uint64(s.audio_bytes, data_bytes + padding);
    fail_unless(s.audio.compare(0, data_bytes, std::string()) != 0 ||
                data_bytes == 0);
  }
}
GST_END_TEST;

/* Each property reaches the URL with its wire name and value. */
/* language-code chooses the model unless speech-model is set, and says
 * which (an INFO message); a language no model transcribes is an error
 * that lists what is supported, before any connection. */
GST_START_TEST(test_model_from_language)
{
  struct Case {
    const char *props;
    const char *model;
    bool announced;
  } cases[] = {
      {"language-code=en-US", "universal-streaming-english", true},
      {"language-code=es-ES", "universal-streaming-multilingual", true},
      {"language-code=pt-BR", "universal-streaming-multilingual", true},
      {"language-code=ja", "whisper-rt", true},
      {"language-code=es speech-model=u3-rt-pro", "u3-rt-pro", false},
      {"", "universal-streaming-english", true},
  };
  for (const Case &c : cases) {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
    GstElement *p =
        wav_pipeline(emu.ws_url(), "hello.wav",
                     std::string("api-key=") + kKey + " " + c.props);
    Run run;
    play(p, &run);
    assert_no_error(run, c.props);
    gst_object_unref(p);
    auto sessions = emu.sessions();
    fail_unless_equals_string(sessions.at(0).params["speech_model"].c_str(),
                              c.model);
    GstMessage *info = run.first(GST_MESSAGE_INFO);
    fail_unless_equals_int(info != nullptr, c.announced);
    if (info) {
      GError *e = nullptr;
      gst_message_parse_info(info, &e, nullptr);
      fail_unless(strstr(e->message, c.model), "%s", e->message);
      g_error_free(e);
    }
  }
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GstElement *p = wav_pipeline(
      emu.ws_url(), "hello.wav",
      std::string("api-key=") + kKey + " language-code=tlh-Klingon");
  Run run;
  play(p, &run);
  std::string dbg = assert_error(run, GST_LIBRARY_ERROR,
                                 GST_LIBRARY_ERROR_SETTINGS, "tlh-Klingon");
  fail_unless(dbg.find("Spanish") != std::string::npos);
  fail_unless(dbg.find(" yue") != std::string::npos);
  fail_unless(dbg.find("speech-model") != std::string::npos);
  gst_object_unref(p);
  fail_unless_equals_int(emu.sessions().size(), 0);
}
GST_END_TEST;

GST_START_TEST(test_url_parameters)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GstElement *p = wav_pipeline(
      emu.ws_url(), "hello.wav",
      std::string("api-key=") + kKey +
          " speech-model=universal-streaming-multilingual format-turns=true "
          "language-detection=true keyterms=\"<\\\"GStreamer\\\",\\\"Assembly "
          "AI\\\">\" end-of-turn-confidence-threshold=0.7 "
          "min-turn-silence=300 max-turn-silence=2000 vad-threshold=0.5 "
          "inactivity-timeout=30 speaker-labels=true max-speakers=3 "
          "filter-profanity=true extra-params=\"params,mode=balanced\"");
  Run run;
  play(p, &run);
  assert_no_error(run);
  gst_object_unref(p);
  auto s = emu.sessions().at(0);
  auto &q = s.params;
  fail_unless_equals_string(q["sample_rate"].c_str(), "16000");
  fail_unless_equals_string(q["encoding"].c_str(), "pcm_s16le");
  fail_unless_equals_string(q["speech_model"].c_str(),
                            "universal-streaming-multilingual");
  fail_unless_equals_string(q["format_turns"].c_str(), "true");
  fail_unless_equals_string(q["language_detection"].c_str(), "true");
  fail_unless_equals_string(q["keyterms_prompt"].c_str(),
                            "[\"GStreamer\",\"Assembly AI\"]");
  fail_unless_equals_string(q["end_of_turn_confidence_threshold"].c_str(),
                            "0.7");
  fail_unless_equals_string(q["min_turn_silence"].c_str(), "300");
  fail_unless_equals_string(q["max_turn_silence"].c_str(), "2000");
  fail_unless_equals_string(q["vad_threshold"].c_str(), "0.5");
  fail_unless_equals_string(q["inactivity_timeout"].c_str(), "30");
  fail_unless_equals_string(q["speaker_labels"].c_str(), "true");
  fail_unless_equals_string(q["max_speakers"].c_str(), "3");
  fail_unless_equals_string(q["filter_profanity"].c_str(), "true");
  fail_unless_equals_string(q["mode"].c_str(), "balanced");
  fail_unless(q.find("token") == q.end());
  /* The key goes in the header, raw, never in the URL. */
  fail_unless_equals_string(s.headers["authorization"].c_str(), kKey);
  fail_unless(s.query.find(kKey) == std::string::npos);
  fail_unless_equals_string(
      s.headers["user-agent"].c_str(),
      "AssemblyAI/1.0 (integration=gst-assemblyai/" PACKAGE_VERSION ")");
}
GST_END_TEST;

/* Unset properties are not sent; a token goes in the query, no header. */
GST_START_TEST(test_defaults_and_token)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  std::string token = emu.mint_token(60);
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", "token=" + token);
  Run run;
  play(p, &run);
  assert_no_error(run);
  gst_object_unref(p);
  auto s = emu.sessions().at(0);
  fail_unless_equals_string(s.params["token"].c_str(), token.c_str());
  fail_unless(s.headers.find("authorization") == s.headers.end());
  for (const char *unset :
       {"format_turns", "keyterms_prompt", "end_of_turn_confidence_threshold",
        "min_turn_silence", "max_turn_silence", "vad_threshold",
        "inactivity_timeout", "speaker_labels", "max_speakers", "prompt",
        "language_detection"})
    fail_unless(s.params.find(unset) == s.params.end(), "%s was sent", unset);
  fail_unless_equals_string(s.params["speech_model"].c_str(),
                            "universal-streaming-english");
}
GST_END_TEST;

/* mu-law caps stream as pcm_mulaw at their rate. */
GST_START_TEST(test_mulaw)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GstElement *p = launch(
      "audiotestsrc num-buffers=20 samplesperbuffer=800 ! "
      "audio/x-raw,rate=8000,channels=1 ! mulawenc ! "
      "assemblyaisink sync=false api-key=test-key url=\"" +
      emu.ws_url() + "\"");
  Run run;
  play(p, &run);
  assert_no_error(run);
  gst_object_unref(p);
  auto s = emu.sessions().at(0);
  fail_unless_equals_string(s.params["encoding"].c_str(), "pcm_mulaw");
  fail_unless_equals_string(s.params["sample_rate"].c_str(), "8000");
  fail_unless_equals_uint64(s.audio_bytes, 20 * 800);
  /* Whole frames of 50 ms at 8 kHz, at most 500 ms per message. */
  for (size_t size : s.frame_sizes)
    fail_unless(size % 400 == 0 && size <= 4000, "message of %zu bytes", size);
}
GST_END_TEST;

/* Changing a live-changeable property in PLAYING sends UpdateConfiguration;
 * force-endpoint sends ForceEndpoint. */
GST_START_TEST(test_update_configuration_and_force_endpoint)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  /* A live-like source that never ends by itself. */
  std::string desc =
      "audiotestsrc is-live=true samplesperbuffer=800 ! "
      "audio/x-raw,rate=16000,channels=1,format=S16LE ! "
      "assemblyaisink name=sink api-key=test-key url=\"" +
      emu.ws_url() + "\"";
  GstElement *p = gst_parse_launch(desc.c_str(), nullptr);
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "sink");
  gst_element_set_state(p, GST_STATE_PLAYING);
  fail_unless(emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &s) {
        return !s.empty() && s[0].began && s[0].audio_bytes > 0;
      },
      20000));
  g_object_set(sink, "max-turn-silence", 2500, nullptr);
  g_signal_emit_by_name(sink, "force-endpoint");
  fail_unless(emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &s) {
        return s[0].control_messages.size() >= 2;
      },
      20000));
  auto rec = emu.sessions().at(0);
  fail_unless_equals_string(
      rec.control_messages[0].c_str(),
      "{\"type\":\"UpdateConfiguration\",\"max_turn_silence\":2500}");
  fail_unless_equals_string(rec.control_messages[1].c_str(),
                            "{\"type\":\"ForceEndpoint\"}");
  /* Leaving PAUSED for READY sends Terminate and closes. */
  gst_element_set_state(p, GST_STATE_NULL);
  fail_unless(emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &s) { return s[0].closed; },
      20000));
  rec = emu.sessions().at(0);
  fail_unless_equals_string(rec.control_messages.back().c_str(),
                            "{\"type\":\"Terminate\"}");
  gst_object_unref(sink);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_error_no_key)
{
  GstElement *p = wav_pipeline("ws://127.0.0.1:9/v3/ws", "hello.wav", "");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "ASSEMBLYAI_API_KEY");
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_error_wrong_key_http)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", "api-key=wrong");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "HTTP 401");
  const GstStructure *d = error_details(run);
  fail_unless(d != nullptr);
  gint status = 0;
  gst_structure_get_int(d, "http-status", &status);
  fail_unless_equals_int(status, 401);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_error_wrong_key_close_1008)
{
  aai_emu::Emulator emu;
  std::string err;
  aai_emu::Config cfg = hello_config();
  cfg.auth_failure = aai_emu::AuthFailureMode::ErrorFrameClose;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", "api-key=wrong");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED,
               "1008");
  const GstStructure *d = error_details(run);
  gint code = 0;
  gst_structure_get_int(d, "close-code", &code);
  fail_unless_equals_int(code, 1008);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_error_connection_refused)
{
  /* A port nobody listens on: start and stop an emulator to find one. */
  std::string url;
  {
    aai_emu::Emulator emu;
    std::string err;
    fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
    url = emu.ws_url();
  }
  /* Retried (the network may come back), then the error says so. */
  GstElement *p = wav_pipeline(
      url, "hello.wav",
      "api-key=test-key reconnect-attempts=2 reconnect-max-backoff=20");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
               url.c_str());
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
               "Gave up after 2 reconnection attempts");
  fail_unless_equals_int(run.count(GST_MESSAGE_WARNING), 2);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_error_dns_failure)
{
  /* .invalid never resolves (RFC 6761). Whether the resolver answers at
   * once or times out, the error is OPEN_READ_WRITE naming the URL. */
  const char *url = "ws://host.invalid/v3/ws";
  GstElement *p = wav_pipeline(url, "hello.wav",
                               "api-key=test-key connect-timeout=20000 "
                               "reconnect-attempts=0");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
               "host.invalid");
  const GstStructure *d = error_details(run);
  fail_unless(g_str_has_prefix(gst_structure_get_string(d, "url"), url));
  gst_object_unref(p);
}
GST_END_TEST;

/* Not under ASan: a thread that ran GnuTLS has dynamic TLS that LSan of
 * GCC 12 on glibc 2.36 cannot scan (tests/emulator/README.md). */
#ifndef __SANITIZE_ADDRESS__
GST_START_TEST(test_error_tls_untrusted)
{
  /* The emulator's certificate is self-signed: the system trust store
   * rejects it, and the error must say so without the token. */
  aai_emu::Config cfg = hello_config();
  cfg.tls_cert_file = data_path("tls/cert.pem");
  cfg.tls_key_file = data_path("tls/key.pem");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  fail_unless(g_str_has_prefix(emu.ws_url().c_str(), "wss://"));
  GstElement *p =
      wav_pipeline(emu.ws_url(), "hello.wav", "token=secret-token-value");
  Run run;
  play(p, &run);
  std::string dbg =
      assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
                   "certificate");
  fail_unless(
      dbg.find(emu.ws_url().substr(strlen("wss://"))) != std::string::npos,
      "URL not named: %s", dbg.c_str());
  fail_if(dbg.find("secret-token-value") != std::string::npos,
          "token leaked: %s", dbg.c_str());
  fail_if(emu.sessions().size() == 1 && emu.sessions()[0].began,
          "a session began over an untrusted connection");
  gst_object_unref(p);
}
GST_END_TEST;
#endif

static void run_close_fault(int code,
                            const char *reason,
                            GQuark domain,
                            gint gcode)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.close_code = code;
  plan.close_reason = reason;
  plan.close_at_audio_ms = 500;
  plan.send_error_frame = true;
  emu.set_fault_plan(plan);
  /* The error each close maps to (retryable ones too: no retries here). */
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav",
                               "api-key=test-key reconnect-attempts=0");
  Run run;
  play(p, &run);
  assert_error(run, domain, gcode, std::to_string(code).c_str());
  const GstStructure *d = error_details(run);
  gint got = 0;
  gst_structure_get_int(d, "close-code", &got);
  fail_unless_equals_int(got, code);
  fail_unless_equals_string(gst_structure_get_string(d, "reason"), reason);
  gst_object_unref(p);
}

GST_START_TEST(test_error_close_codes)
{
  run_close_fault(3006, "Invalid JSON: x", GST_STREAM_ERROR,
                  GST_STREAM_ERROR_FAILED);
  run_close_fault(3007,
                  "Input duration violation: 20 ms. Expected between 50 and "
                  "1000 ms",
                  GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED);
  run_close_fault(3008, "Session Expired: Maximum session duration exceeded",
                  GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ);
  run_close_fault(3009, "Unauthorized Connection: Too many concurrent sessions",
                  GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY);
  run_close_fault(3005, "Session Cancelled: An error occurred",
                  GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ);
}
GST_END_TEST;

GST_START_TEST(test_error_dropped_connection)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.drop_at_audio_ms = 1000;
  emu.set_fault_plan(plan);
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav",
                               "api-key=test-key reconnect-attempts=0");
  Run run;
  play(p, &run);
  assert_error(run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, "1006");
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_warning_frame)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.raw_frames = {
      "{\"type\":\"Warning\",\"warning_code\":4100,\"warning\":\"Slow down\"}",
      "{\"type\":\"Turn\",\"turn_order\":\"bad\"}"};
  plan.raw_frames_at_audio_ms = 200;
  emu.set_fault_plan(plan);
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", "api-key=test-key");
  Run run;
  play(p, &run);
  assert_no_error(run);
  int warnings = 0;
  bool slow = false;
  for (auto *m : run.messages) {
    if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING)
      continue;
    warnings++;
    GError *e = nullptr;
    gst_message_parse_warning(m, &e, nullptr);
    if (strstr(e->message, "Slow down"))
      slow = true;
    g_error_free(e);
  }
  fail_unless(slow, "the Warning frame did not become a warning");
  fail_unless(warnings >= 2, "malformed frame not reported");
  /* ...and the session went on to its end. */
  fail_unless_equals_int(run.named("assemblyai/termination").size(), 1);
  gst_object_unref(p);
}
GST_END_TEST;

/* Wrong caps: not-negotiated, and a message that names the fix. */
/* Writes @n_buffers of a test tone through @encode into @path. */
static void make_audio_file(const std::string &path,
                            const char *encode,
                            int n_buffers = 30)
{
  GstElement *p =
      launch("audiotestsrc num-buffers=" + std::to_string(n_buffers) + " ! " +
             encode + " ! filesink location=\"" + path + "\"");
  Run run;
  play(p, &run);
  assert_no_error(run, encode);
  gst_object_unref(p);
}

/* A format the service cannot take, reaching either element straight from
 * a parser or a decoder: the first error names the format and the fix
 * (never a bare not-negotiated, and never an empty success behind a
 * decoder that drops what it cannot push); with audioconvert !
 * audioresample in front the same files go through. */
GST_START_TEST(test_wrong_caps)
{
  gchar *dir = g_dir_make_tmp("aai-caps-XXXXXX", nullptr);
  std::string d = dir;
  make_audio_file(d + "/stereo.wav",
                  "audio/x-raw,channels=2,rate=44100 ! wavenc");
  make_audio_file(d + "/96k.wav", "audio/x-raw,channels=1,rate=96000 ! wavenc");
  make_audio_file(d + "/stereo.mp3", "audio/x-raw,channels=2 ! lamemp3enc");
  struct Case {
    const char *file, *decode, *words;
  } cases[] = {
      {"stereo.wav", "wavparse", "stereo S16LE at 44100 Hz"},
      {"96k.wav", "wavparse", "mono S16LE at 96000 Hz"},
      {"stereo.mp3", "mpegaudioparse ! mpg123audiodec", "stereo"},
  };
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  /* Each element, with where its properties go. */
  const char *elements[] = {"assemblyaisink sync=false %s",
                            "assemblyaitranscriber pace=false %s ! fakesink"};
  for (const Case &c : cases) {
    for (const char *el : elements) {
      for (bool convert : {false, true}) {
        std::string props =
            "url=\"" + emu.ws_url() + "\" api-key=" + std::string(kKey);
        gchar *element = g_strdup_printf(el, props.c_str());
        std::string desc = "filesrc location=\"" + d + "/" + c.file + "\" ! " +
                           c.decode +
                           (convert ? " ! audioconvert ! audioresample" : "") +
                           " ! " + element;
        g_free(element);
        GstElement *p = launch(desc);
        Run run;
        play(p, &run);
        gst_object_unref(p);
        if (convert) {
          assert_no_error(run, desc.c_str());
          continue;
        }
        GstMessage *m = run.first(GST_MESSAGE_ERROR);
        fail_unless(m != nullptr, "no error for %s", desc.c_str());
        fail_unless(
            g_str_has_prefix(GST_OBJECT_NAME(GST_MESSAGE_SRC(m)), "assemblyai"),
            "first error from %s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(m)),
            desc.c_str());
        GError *e = nullptr;
        gchar *dbg = nullptr;
        gst_message_parse_error(m, &e, &dbg);
        fail_unless(
            g_error_matches(e, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION),
            "%s: %s (%s)", desc.c_str(), e->message, dbg);
        fail_unless(strstr(e->message, c.words), "%s", e->message);
        fail_unless(strstr(dbg, "audioconvert ! audioresample"), "%s", dbg);
        g_error_free(e);
        g_free(dbg);
        /* Said once, not once per buffer the decoder retries. */
        int ours = 0;
        for (GstMessage *w : run.messages)
          ours += GST_MESSAGE_TYPE(w) == GST_MESSAGE_WARNING &&
                  g_str_has_prefix(GST_OBJECT_NAME(GST_MESSAGE_SRC(w)),
                                   "assemblyai");
        fail_unless(ours <= 1, "%d warnings: %s", ours, desc.c_str());
      }
    }
  }
  for (const Case &c : cases)
    g_remove((d + "/" + c.file).c_str());
  g_rmdir(dir);
  g_free(dir);
}
GST_END_TEST;

/* Audio that arrives before Begin is kept: Begin comes late here. */
GST_START_TEST(test_audio_before_begin_is_kept)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.reply_delay_ms = 300;
  emu.set_fault_plan(plan);
  GstElement *p = gst_parse_launch(
      ("audiotestsrc num-buffers=30 samplesperbuffer=1600 ! "
       "audio/x-raw,rate=16000,channels=1,format=S16LE ! assemblyaisink "
       "sync=false api-key=test-key url=\"" +
       emu.ws_url() + "\"")
          .c_str(),
      nullptr);
  Run run;
  play(p, &run);
  assert_no_error(run);
  fail_unless_equals_uint64(emu.sessions().at(0).audio_bytes, 30 * 1600 * 2);
  gst_object_unref(p);
}
GST_END_TEST;

/* Input is clipped to the segment: only the samples inside it are sent. */
GST_START_TEST(test_clipped_to_segment)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GstElement *sink = gst_element_factory_make("assemblyaisink", nullptr);
  g_object_set(sink, "url", emu.ws_url().c_str(), "api-key", kKey, "sync",
               FALSE, nullptr);
  GstHarness *h = gst_harness_new_with_element(sink, "sink", nullptr);
  gst_harness_set_src_caps_str(
      h, "audio/x-raw,format=S16LE,rate=16000,channels=1,layout=interleaved");
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  seg.start = 50 * GST_MSECOND; /* drop the first 50 ms */
  seg.stop = 950 * GST_MSECOND; /* and the last 50 ms */
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
  for (int i = 0; i < 10; i++) {
    GstBuffer *b = gst_buffer_new_allocate(nullptr, 3200, nullptr);
    gst_buffer_memset(b, 0, 1, 3200);
    GST_BUFFER_PTS(b) = i * 100 * GST_MSECOND;
    GST_BUFFER_DURATION(b) = 100 * GST_MSECOND;
    fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
  }
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  fail_unless(emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &s) {
        return !s.empty() && s[0].terminated;
      },
      20000));
  fail_unless_equals_uint64(emu.sessions().at(0).audio_bytes, 900 * 32);
  gst_harness_teardown(h);
  gst_object_unref(sink);
}
GST_END_TEST;

/* State changes at any moment never hang, crash or leak. */
GST_START_TEST(test_state_changes_anywhere)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  /* Mid-connect: the server stalls after the upgrade. */
  aai_emu::FaultPlan stall;
  stall.stall = true;
  stall.reply_delay_ms = 0;
  emu.set_fault_plan(stall);
  GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav", "api-key=test-key");
  gst_element_set_state(p, GST_STATE_PLAYING);
  fail_unless(emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &s) { return !s.empty(); },
      20000));
  fail_unless_equals_int(gst_element_set_state(p, GST_STATE_NULL),
                         GST_STATE_CHANGE_SUCCESS);
  gst_object_unref(p);

  /* Mid-stream and mid-drain, repeatedly, at different points. */
  for (int i = 0; i < 6; i++) {
    GstElement *q =
        wav_pipeline(emu.ws_url(), "hello.wav", "api-key=test-key sync=true");
    gst_element_set_state(q, GST_STATE_PLAYING);
    size_t n = emu.sessions().size();
    emu.wait_for(
        [n, i](const std::vector<aai_emu::SessionRecord> &s) {
          return s.size() > n && s.back().audio_bytes >= (uint64_t)i * 3200;
        },
        20000);
    fail_unless_equals_int(gst_element_set_state(q, GST_STATE_NULL),
                           GST_STATE_CHANGE_SUCCESS);
    gst_object_unref(q);
  }
}
GST_END_TEST;

/* 100 sinks stream at once through the pool of I/O threads, not a thread
 * per stream. */
GST_START_TEST(test_hundred_sinks)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  const int n = 100;
  std::vector<GstElement *> pipelines;
  for (int i = 0; i < n; i++) {
    /* Correctness, not timing: under ASan 100 streams are slow, so no
     * deadline of the element may cut a session short. */
    GstElement *p = wav_pipeline(emu.ws_url(), "hello.wav",
                                 "api-key=test-key terminate-timeout=300000 "
                                 "connect-timeout=0");
    pipelines.push_back(p);
    gst_element_set_state(p, GST_STATE_PLAYING);
  }
  /* No thread per stream: count the threads named assemblyai-io. */
  int io_threads = 0;
  GDir *dir = g_dir_open("/proc/self/task", 0, nullptr);
  if (dir) {
    while (const char *tid = g_dir_read_name(dir)) {
      gchar *path = g_strdup_printf("/proc/self/task/%s/comm", tid);
      gchar *comm = nullptr;
      if (g_file_get_contents(path, &comm, nullptr, nullptr) &&
          g_str_has_prefix(comm, "assemblyai-io"))
        io_threads++;
      g_free(comm);
      g_free(path);
    }
    g_dir_close(dir);
    /* One per processor, one more per 64 streams or so. */
    int most = (int)aai::IoThread::pool_size() + n / 32;
    fail_unless(io_threads >= 1 && io_threads <= most,
                "%d I/O threads for %d streams (at most %d)", io_threads, n,
                most);
  }
  size_t turns_expected = hello_config().script.turns.size();
  for (GstElement *p : pipelines) {
    GstBus *bus = gst_element_get_bus(p);
    size_t finals = 0;
    for (;;) {
      GstMessage *m = gst_bus_timed_pop_filtered(
          bus, 120 * GST_SECOND,
          static_cast<GstMessageType>(GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR |
                                      GST_MESSAGE_EOS));
      fail_unless(m != nullptr, "timeout");
      GstMessageType t = GST_MESSAGE_TYPE(m);
      if (is_end_of_turn(m))
        finals++;
      fail_if(t == GST_MESSAGE_ERROR, "a sink failed");
      gst_message_unref(m);
      if (t == GST_MESSAGE_EOS)
        break;
    }
    fail_unless_equals_int(finals, turns_expected);
    gst_object_unref(bus);
  }
  for (GstElement *p : pipelines) {
    gst_element_set_state(p, GST_STATE_NULL);
    gst_object_unref(p);
  }
  fail_unless_equals_int(emu.sessions().size(), n);
}
GST_END_TEST;

/* Secrets are write-only. */
GST_START_TEST(test_secrets_write_only)
{
  GstElement *sink = gst_element_factory_make("assemblyaisink", nullptr);
  for (const char *name : {"api-key", "token"}) {
    GParamSpec *ps =
        g_object_class_find_property(G_OBJECT_GET_CLASS(sink), name);
    fail_unless(ps != nullptr);
    fail_unless((ps->flags & G_PARAM_WRITABLE) != 0);
    fail_unless((ps->flags & G_PARAM_READABLE) == 0, "%s is readable", name);
  }
  gst_object_unref(sink);
}
GST_END_TEST;

static Suite *sink_suite(void)
{
  Suite *s = suite_create("assemblyaisink");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 300);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_turns_and_order);
  tcase_add_test(tc, test_bytes_and_frames);
  tcase_add_test(tc, test_url_parameters);
  tcase_add_test(tc, test_model_from_language);
  tcase_add_test(tc, test_defaults_and_token);
  tcase_add_test(tc, test_mulaw);
  tcase_add_test(tc, test_update_configuration_and_force_endpoint);
  tcase_add_test(tc, test_error_no_key);
  tcase_add_test(tc, test_error_wrong_key_http);
  tcase_add_test(tc, test_error_wrong_key_close_1008);
  tcase_add_test(tc, test_error_connection_refused);
  tcase_add_test(tc, test_error_dns_failure);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test(tc, test_error_tls_untrusted);
#endif
  tcase_add_test(tc, test_error_close_codes);
  tcase_add_test(tc, test_error_dropped_connection);
  tcase_add_test(tc, test_warning_frame);
  tcase_add_test(tc, test_wrong_caps);
  tcase_add_test(tc, test_audio_before_begin_is_kept);
  tcase_add_test(tc, test_clipped_to_segment);
  tcase_add_test(tc, test_state_changes_anywhere);
  tcase_add_test(tc, test_hundred_sinks);
  tcase_add_test(tc, test_secrets_write_only);
  return s;
}

GST_CHECK_MAIN(sink);
