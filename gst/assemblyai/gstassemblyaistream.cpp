/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaistream.h"

#include <chrono>

#include "close_codes.h"
#include "user_agent.h"

GST_DEBUG_CATEGORY_STATIC(assemblyai_stream_debug);
#define GST_CAT_DEFAULT assemblyai_stream_debug

namespace aai
{

namespace
{
constexpr const char *kDetailsName = "assemblyai/error-details";

void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(assemblyai_stream_debug, "assemblyai", 0,
                            "AssemblyAI streaming core");
    g_once_init_leave(&once, 1);
  }
}

GstStructure *details(const EndReport &r, const std::string &url)
{
  return gst_structure_new(kDetailsName, "close-code", G_TYPE_INT, r.close_code,
                           "reason", G_TYPE_STRING, r.close_reason.c_str(),
                           "http-status", G_TYPE_INT, r.http_status, "url",
                           G_TYPE_STRING, url.c_str(), nullptr);
}
}  // namespace

Stream::Stream(GstElement *owner) : owner_(owner)
{
  ensure_debug_category();
}

Stream::~Stream()
{
  stop();
  close();
}

void Stream::open()
{
  std::lock_guard<std::mutex> l(lock_);
  if (!io_)
    io_ = IoThread::acquire();
}

void Stream::close()
{
  std::shared_ptr<IoThread> io;
  {
    std::lock_guard<std::mutex> l(lock_);
    io = std::move(io_);
  }
  /* Dropping the last reference joins the I/O thread after the sessions'
   * close handshakes: never with our lock held. */
  io.reset();
}

bool Stream::start()
{
  std::lock_guard<std::mutex> l(lock_);
  flushing_ = false;
  failed_ = false;
  session_over_ = false;
  terminate_sent_ = false;
  have_format_ = false;
  audio_sent_ = 0;
  if (props.token.empty() && props.effective_api_key().empty()) {
    GST_ELEMENT_ERROR_WITH_DETAILS(
        owner_, RESOURCE, NOT_AUTHORIZED, ("No AssemblyAI credentials."),
        ("Set the api-key property or the " ASSEMBLYAI_API_KEY_ENV
         " environment variable to your API key, or set token to a "
         "temporary token."),
        ("url", G_TYPE_STRING, redact_url(props.url).c_str(), nullptr));
    return false;
  }
  return true;
}

void Stream::stop()
{
  std::shared_ptr<Session> s;
  {
    std::lock_guard<std::mutex> l(lock_);
    s = std::move(session_);
    flushing_ = true;
    chunker_.reset();
  }
  cond_.notify_all();
  if (s) {
    /* Leaving PAUSED: tell the service we are done (billing is per session
     * time), then close without waiting for the answer. */
    if (!terminate_sent_)
      s->send_text(terminate_message());
    s->detach();
    s->shutdown();
  }
  std::lock_guard<std::mutex> tl(timeline_lock_);
  timeline_.reset();
}

bool Stream::set_caps(GstCaps *caps)
{
  GstStructure *st = gst_caps_get_structure(caps, 0);
  int rate = 0;
  gst_structure_get_int(st, "rate", &rate);
  Encoding enc = gst_structure_has_name(st, "audio/x-mulaw")
                     ? Encoding::PcmMulaw
                     : Encoding::PcmS16le;
  std::unique_lock<std::mutex> l(lock_);
  if (session_ && active_.sample_rate == rate && active_.encoding == enc)
    return true; /* same format: keep streaming */
  if (session_) {
    /* A new format needs a new session: the sample rate and encoding are
     * fixed at connection time. */
    std::shared_ptr<Session> old = std::move(session_);
    l.unlock();
    old->send_text(terminate_message());
    old->detach();
    old->shutdown();
    l.lock();
  }
  props.settings.sample_rate = rate;
  props.settings.encoding = enc;
  have_format_ = true;
  return connect_locked();
}

bool Stream::connect_locked()
{
  std::string problems = validate(props.settings);
  if (!problems.empty()) {
    GST_ELEMENT_ERROR(owner_, LIBRARY, SETTINGS, ("Invalid settings."),
                      ("%s", problems.c_str()));
    return false;
  }
  std::string error;
  std::string url = build_url(props.url, props.settings, props.token, &error);
  if (url.empty()) {
    GST_ELEMENT_ERROR(owner_, RESOURCE, NOT_FOUND, ("Invalid url."),
                      ("%s", error.c_str()));
    return false;
  }
  ConnectParams p;
  p.url = url;
  p.display_url = redact_url(url);
  p.connect_timeout_ms = props.connect_timeout_ms;
  p.headers.emplace_back("User-Agent", kUserAgent);
  /* A token travels in the query (it is single-use and short-lived); the
   * API key only ever in the Authorization header. */
  if (props.token.empty())
    p.headers.emplace_back("Authorization", props.effective_api_key());
  display_url_ = p.display_url;
  active_ = props.settings;

  const Settings &s = props.settings;
  chunker_ = std::make_unique<Chunker>(
      s.sample_rate, encoding_bytes_per_sample(s.encoding),
      static_cast<unsigned>(s.chunk_duration_ms),
      s.encoding == Encoding::PcmMulaw ? 0xFF : 0x00);
  {
    std::lock_guard<std::mutex> tl(timeline_lock_);
    timeline_ = std::make_unique<Timeline>(s.sample_rate);
  }
  session_over_ = false;
  terminate_sent_ = false;
  audio_sent_ = 0;
  GST_INFO_OBJECT(owner_, "connecting to %s", p.display_url.c_str());
  session_ = Session::create(io_.get(), this);
  session_->connect(std::move(p));
  return true;
}

GstFlowReturn Stream::push(GstBuffer *buf, const GstSegment &segment)
{
  std::unique_lock<std::mutex> l(lock_);
  if (failed_)
    return GST_FLOW_ERROR;
  if (flushing_)
    return GST_FLOW_FLUSHING;
  if (!have_format_) {
    GST_ELEMENT_ERROR(owner_, CORE, NEGOTIATION, ("No caps before audio."),
                      ("Audio arrived before the stream format was known."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  /* After end_session() or a flush, the next audio opens a new session. */
  if (!session_ && !connect_locked())
    return GST_FLOW_ERROR;
  const int bps = encoding_bytes_per_sample(active_.encoding);
  GstBuffer *clipped = gst_audio_buffer_clip(gst_buffer_ref(buf), &segment,
                                             active_.sample_rate, bps);
  if (!clipped)
    return GST_FLOW_OK; /* entirely outside the segment */

  GstMapInfo map;
  if (!gst_buffer_map(clipped, &map, GST_MAP_READ)) {
    gst_buffer_unref(clipped);
    GST_ELEMENT_ERROR(owner_, RESOURCE, READ, (nullptr),
                      ("Could not map an audio buffer."));
    return GST_FLOW_ERROR;
  }
  uint64_t n_samples = map.size / static_cast<size_t>(bps);
  MediaTimes start;
  GstClockTime pts = GST_BUFFER_PTS(clipped);
  if (GST_CLOCK_TIME_IS_VALID(pts)) {
    start.pts = pts;
    start.running_time =
        gst_segment_to_running_time(&segment, GST_FORMAT_TIME, pts);
    start.stream_time =
        gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts);
  } else {
    /* No timestamp: continue from where the last buffer ended. */
    std::lock_guard<std::mutex> tl(timeline_lock_);
    start = timeline_->at_sample(timeline_->total_samples());
  }
  {
    std::lock_guard<std::mutex> tl(timeline_lock_);
    timeline_->append(n_samples, start);
  }
  auto frames = chunker_->push(map.data, n_samples * bps);
  gst_buffer_unmap(clipped, &map);
  gst_buffer_unref(clipped);

  std::shared_ptr<Session> s = session_;
  for (auto &f : frames) {
    audio_sent_ += f.size();
    s->send_audio(std::move(f));
  }
  return GST_FLOW_OK;
}

void Stream::drain()
{
  std::unique_lock<std::mutex> l(lock_);
  if (!session_ || failed_ || flushing_)
    return;
  size_t padding = 0;
  std::vector<uint8_t> last = chunker_->flush(&padding);
  if (!last.empty()) {
    if (padding) {
      /* The service rejects frames under 50 ms: pad with silence and
       * extend the timeline so the padding has times too. */
      std::lock_guard<std::mutex> tl(timeline_lock_);
      const int bps = encoding_bytes_per_sample(active_.encoding);
      uint64_t total = timeline_->total_samples();
      timeline_->append(padding / bps, timeline_->at_sample(total));
    }
    audio_sent_ += last.size();
    session_->send_audio(std::move(last));
  }
  session_->send_text(terminate_message());
  terminate_sent_ = true;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(props.terminate_timeout_ms);
  bool ok = cond_.wait_until(
      l, deadline, [this]() { return session_over_ || flushing_ || failed_; });
  if (!ok)
    GST_ELEMENT_WARNING(owner_, RESOURCE, READ,
                        ("No Termination from the service within %u ms.",
                         props.terminate_timeout_ms),
                        ("The last turns may be missing; raise "
                         "terminate-timeout if the network is slow."));
}

void Stream::end_session()
{
  drain();
  std::shared_ptr<Session> s;
  {
    std::lock_guard<std::mutex> l(lock_);
    if (failed_ || flushing_)
      return;
    s = std::move(session_);
    chunker_.reset();
  }
  if (s) {
    s->detach();
    s->shutdown();
  }
}

void Stream::resume()
{
  std::lock_guard<std::mutex> l(lock_);
  flushing_ = false;
  session_over_ = false;
  terminate_sent_ = false;
}

void Stream::set_flushing(bool flushing)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    flushing_ = flushing;
  }
  cond_.notify_all();
}

void Stream::settings_changed(const Settings &before)
{
  std::lock_guard<std::mutex> l(lock_);
  if (!session_ || before == props.settings)
    return;
  std::optional<std::string> msg =
      update_configuration_message(active_, props.settings);
  if (msg) {
    GST_INFO_OBJECT(owner_, "sending %s", msg->c_str());
    session_->send_text(*msg);
  }
  std::vector<std::string> fixed = immutable_changes(active_, props.settings);
  if (!fixed.empty()) {
    std::string names;
    for (const auto &n : fixed)
      names += (names.empty() ? "" : ", ") + n;
    GST_ELEMENT_WARNING(owner_, LIBRARY, SETTINGS,
                        ("Changed settings apply to the next session only."),
                        ("%s cannot change during a session.", names.c_str()));
  }
  /* Remember what the service now has: the fixed parameters keep the
   * values the session was opened with. */
  active_ = applied_settings(active_, props.settings);
}

void Stream::force_endpoint()
{
  std::lock_guard<std::mutex> l(lock_);
  if (session_)
    session_->send_text(force_endpoint_message());
}

std::string Stream::session_id() const
{
  std::lock_guard<std::mutex> l(const_cast<std::mutex &>(lock_));
  return session_ ? session_->session_id() : std::string();
}

uint64_t Stream::audio_sent() const
{
  std::lock_guard<std::mutex> l(const_cast<std::mutex &>(lock_));
  return session_ ? session_->audio_bytes_sent() : 0;
}

MediaTimes Stream::times_at_ms(int64_t ms) const
{
  std::lock_guard<std::mutex> tl(timeline_lock_);
  return timeline_ ? timeline_->at_ms(ms) : MediaTimes();
}

/* ---- bus messages (I/O thread) ---- */

void Stream::post(GstStructure *s)
{
  bool enabled;
  {
    std::lock_guard<std::mutex> l(lock_);
    enabled = props.post_messages;
  }
  if (!enabled) {
    gst_structure_free(s);
    return;
  }
  gst_element_post_message(owner_,
                           gst_message_new_element(GST_OBJECT(owner_), s));
}

void Stream::add_times(GstStructure *s, const MediaTimes &t)
{
  gst_structure_set(s, "timestamp", G_TYPE_UINT64, t.pts, "stream-time",
                    G_TYPE_UINT64, t.stream_time, "running-time", G_TYPE_UINT64,
                    t.running_time, nullptr);
}

GstStructure *Stream::turn_structure(const TurnEvent &t, const std::string &raw)
{
  GstStructure *s = gst_structure_new_empty("assemblyai/turn");
  MediaTimes first, last_end;
  if (!t.words.empty()) {
    first = times_at_ms(t.words.front().start_ms);
    last_end = times_at_ms(t.words.back().end_ms);
  }
  add_times(s, first);
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  if (first.pts != MediaTimes::kNone && last_end.pts != MediaTimes::kNone &&
      last_end.pts >= first.pts)
    duration = last_end.pts - first.pts;
  gst_structure_set(
      s, "duration", G_TYPE_UINT64, duration, "turn-order", G_TYPE_UINT,
      static_cast<guint>(t.turn_order), "end-of-turn", G_TYPE_BOOLEAN,
      t.end_of_turn, "turn-is-formatted", G_TYPE_BOOLEAN, t.turn_is_formatted,
      "transcript", G_TYPE_STRING, t.transcript.c_str(), "utterance",
      G_TYPE_STRING, t.utterance ? t.utterance->c_str() : "",
      "end-of-turn-confidence", G_TYPE_DOUBLE, t.end_of_turn_confidence,
      nullptr);
  if (t.language_code)
    gst_structure_set(s, "language-code", G_TYPE_STRING,
                      t.language_code->c_str(), nullptr);
  if (t.language_confidence)
    gst_structure_set(s, "language-confidence", G_TYPE_DOUBLE,
                      *t.language_confidence, nullptr);
  if (t.speaker_label)
    gst_structure_set(s, "speaker-label", G_TYPE_STRING,
                      t.speaker_label->c_str(), nullptr);

  GValue words = G_VALUE_INIT;
  gst_value_array_init(&words, t.words.size());
  for (const Word &w : t.words) {
    MediaTimes ws = times_at_ms(w.start_ms);
    MediaTimes we = times_at_ms(w.end_ms);
    GstStructure *ww = gst_structure_new(
        "assemblyai/word", "text", G_TYPE_STRING, w.text.c_str(), "start",
        G_TYPE_UINT64, ws.pts, "end", G_TYPE_UINT64, we.pts, "running-time",
        G_TYPE_UINT64, ws.running_time, "stream-time", G_TYPE_UINT64,
        ws.stream_time, "confidence", G_TYPE_DOUBLE, w.confidence,
        "word-is-final", G_TYPE_BOOLEAN, w.is_final, nullptr);
    if (w.speaker)
      gst_structure_set(ww, "speaker", G_TYPE_STRING, w.speaker->c_str(),
                        nullptr);
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, ww);
    gst_value_array_append_and_take_value(&words, &v);
  }
  gst_structure_take_value(s, "words", &words);
  gst_structure_set(s, "raw", G_TYPE_STRING, raw.c_str(), nullptr);
  return s;
}

void Stream::on_server_event(const ServerEvent &ev, const std::string &raw)
{
  if (const auto *b = std::get_if<BeginEvent>(&ev)) {
    GST_INFO_OBJECT(owner_, "session %s began", b->id.c_str());
    GstStructure *s = gst_structure_new(
        "assemblyai/begin", "session-id", G_TYPE_STRING, b->id.c_str(),
        "expires-at", G_TYPE_INT64, b->expires_at, nullptr);
    if (b->model)
      gst_structure_set(s, "model", G_TYPE_STRING, b->model->c_str(), nullptr);
    if (b->mode)
      gst_structure_set(s, "mode", G_TYPE_STRING, b->mode->c_str(), nullptr);
    if (b->api_version)
      gst_structure_set(s, "api-version", G_TYPE_STRING,
                        b->api_version->c_str(), nullptr);
    post(s);
    g_object_notify(G_OBJECT(owner_), "session-id");
  } else if (const auto *t = std::get_if<TurnEvent>(&ev)) {
    bool partials;
    {
      std::lock_guard<std::mutex> l(lock_);
      partials = props.post_partials;
    }
    if (t->end_of_turn || partials)
      post(turn_structure(*t, raw));
  } else if (const auto *sp = std::get_if<SpeechStartedEvent>(&ev)) {
    GstStructure *s = gst_structure_new_empty("assemblyai/speech-started");
    add_times(s, times_at_ms(sp->timestamp_ms));
    if (sp->confidence)
      gst_structure_set(s, "confidence", G_TYPE_DOUBLE, *sp->confidence,
                        nullptr);
    post(s);
  } else if (const auto *te = std::get_if<TerminationEvent>(&ev)) {
    GstStructure *s = gst_structure_new_empty("assemblyai/termination");
    if (te->audio_duration_seconds)
      gst_structure_set(s, "audio-duration-seconds", G_TYPE_INT64,
                        *te->audio_duration_seconds, nullptr);
    if (te->session_duration_seconds)
      gst_structure_set(s, "session-duration-seconds", G_TYPE_INT64,
                        *te->session_duration_seconds, nullptr);
    post(s);
    /* The hook runs before drain() can return, so whatever it queues
     * comes before the EOS that follows the drain. */
    if (on_event)
      on_event(ev);
    {
      std::lock_guard<std::mutex> l(lock_);
      session_over_ = true;
    }
    cond_.notify_all();
    return;
  } else if (const auto *w = std::get_if<WarningEvent>(&ev)) {
    GST_ELEMENT_WARNING_WITH_DETAILS(
        owner_, STREAM, FAILED, ("AssemblyAI warning: %s", w->warning.c_str()),
        ("warning code %d", w->warning_code.value_or(0)),
        ("warning-code", G_TYPE_INT, w->warning_code.value_or(0), "warning",
         G_TYPE_STRING, w->warning.c_str(), nullptr));
  } else if (const auto *u = std::get_if<UnknownEvent>(&ev)) {
    GST_DEBUG_OBJECT(owner_, "ignoring server message of type %s",
                     u->type.c_str());
  }
  /* Error frames are reported with the close that follows them. */
  if (on_event)
    on_event(ev);
}

void Stream::on_malformed_frame(const std::string &error,
                                const std::string &raw)
{
  GST_ELEMENT_WARNING(owner_, STREAM, DECODE,
                      ("Ignored a malformed message from the service."),
                      ("%s: %.200s", error.c_str(), raw.c_str()));
}

void Stream::on_session_end(const EndReport &r)
{
  bool expected;
  {
    std::lock_guard<std::mutex> l(lock_);
    expected = flushing_ ||
               (terminate_sent_ && (r.kind == EndReport::Kind::Normal ||
                                    r.kind == EndReport::Kind::Cancelled));
  }
  if (!expected && r.kind != EndReport::Kind::Cancelled)
    post_error_for(r);
  {
    std::lock_guard<std::mutex> l(lock_);
    session_over_ = true;
    if (!expected && r.kind != EndReport::Kind::Cancelled)
      failed_ = true;
  }
  cond_.notify_all();
}

void Stream::post_error_for(const EndReport &r)
{
  std::string url;
  {
    std::lock_guard<std::mutex> l(lock_);
    url = display_url_;
  }
  GstStructure *d = details(r, url);
  std::string frame;
  if (r.error_frame)
    frame = " The service said: " + r.error_frame->error;

  switch (r.kind) {
    case EndReport::Kind::UpgradeRefused: {
      int st = r.http_status;
      std::string what = "The service refused the connection to " + url +
                         " with HTTP " + std::to_string(st) +
                         (r.http_reason.empty() ? "" : " " + r.http_reason) +
                         ".";
      if (st == 401 || st == 403)
        gst_element_message_full_with_details(
            owner_, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_NOT_AUTHORIZED,
            g_strdup("The API key or token was not accepted."),
            g_strdup((what + " Check the api-key property or " +
                      ASSEMBLYAI_API_KEY_ENV +
                      " (or use a fresh temporary token).")
                         .c_str()),
            __FILE__, GST_FUNCTION, __LINE__, d);
      else if (st == 429)
        gst_element_message_full_with_details(
            owner_, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_BUSY, g_strdup("Too many sessions."),
            g_strdup((what + " The account's new-session rate limit was hit; "
                             "retry later or raise the limit.")
                         .c_str()),
            __FILE__, GST_FUNCTION, __LINE__, d);
      else if (st == 404 || st == 410)
        gst_element_message_full_with_details(
            owner_, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_NOT_FOUND, g_strdup("Wrong streaming URL."),
            g_strdup((what + " Check the url property (the v3 endpoint is " +
                      ASSEMBLYAI_DEFAULT_URL + ").")
                         .c_str()),
            __FILE__, GST_FUNCTION, __LINE__, d);
      else
        gst_element_message_full_with_details(
            owner_, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_OPEN_READ_WRITE,
            g_strdup("Could not open a streaming session."),
            g_strdup((what + (st >= 500 ? " The service is unavailable; try "
                                          "again later."
                                        : ""))
                         .c_str()),
            __FILE__, GST_FUNCTION, __LINE__, d);
      return;
    }
    case EndReport::Kind::ConnectFailed:
    case EndReport::Kind::Timeout: {
      std::string what =
          r.kind == EndReport::Kind::Timeout
              ? "No session began at " + url + " within the connect-timeout."
              : "Could not connect to " + url + ": " + r.transport_error + ".";
      if (r.tls_error)
        what += " The server's TLS certificate was not accepted.";
      gst_element_message_full_with_details(
          owner_, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          g_strdup("Could not connect to AssemblyAI."),
          g_strdup((what + " Check the url property and the network.").c_str()),
          __FILE__, GST_FUNCTION, __LINE__, d);
      return;
    }
    case EndReport::Kind::Normal:
    case EndReport::Kind::Closed: {
      CloseInfo ci = classify_close(r.close_code, r.close_reason);
      std::string text = describe_close(r.close_code, r.close_reason) + frame;
      GQuark domain = GST_RESOURCE_ERROR;
      gint code = GST_RESOURCE_ERROR_READ;
      const char *summary = "The streaming session ended.";
      switch (ci.klass) {
        case CloseClass::Auth:
          code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
          summary = "The API key or token was not accepted.";
          break;
        case CloseClass::RateLimit:
          code = GST_RESOURCE_ERROR_BUSY;
          summary = "Too many sessions.";
          break;
        case CloseClass::ClientBug:
          domain = GST_STREAM_ERROR;
          code = GST_STREAM_ERROR_FAILED;
          summary = "The service rejected what was sent.";
          break;
        case CloseClass::Normal:
          summary =
              "The service ended the session before the end of the "
              "stream.";
          break;
        case CloseClass::Retryable:
          summary = r.close_code == 1006 ? "The connection to AssemblyAI was "
                                           "lost."
                                         : "The streaming session ended.";
          break;
      }
      if (r.close_code == 1006 && !r.transport_error.empty())
        text += " (" + r.transport_error + ")";
      gst_element_message_full_with_details(
          owner_, GST_MESSAGE_ERROR, domain, code, g_strdup(summary),
          g_strdup(text.c_str()), __FILE__, GST_FUNCTION, __LINE__, d);
      return;
    }
    case EndReport::Kind::Cancelled:
      gst_structure_free(d);
      return;
  }
  gst_structure_free(d);
}

}  // namespace aai
