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
#include "net_options.h"
#include "reconnect_policy.h"
#include "token_client.h"
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

/* Timers and token callbacks on the I/O thread hold the anchor, not the
 * stream: the stream's destructor clears it (waiting for a callback in
 * progress), so a late callback finds nobody and does nothing. */
struct Stream::Anchor {
  std::mutex m;
  Stream *stream = nullptr;
};

/* One session of the stream. Its listener callbacks run on the I/O
 * thread; they reach the stream through the anchor (a retired leg may be
 * detached only after the stream is gone) and only act while the leg is
 * the current one. */
struct Stream::Leg : SessionListener {
  explicit Leg(std::shared_ptr<Anchor> a) : anchor(std::move(a)) {}
  void on_server_event(const ServerEvent &ev, const std::string &raw) override
  {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->stream)
      anchor->stream->leg_event(this, ev, raw);
  }
  void on_malformed_frame(const std::string &error,
                          const std::string &raw) override
  {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->stream)
      anchor->stream->leg_malformed(this, error, raw);
  }
  void on_session_end(const EndReport &r) override
  {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->stream)
      anchor->stream->leg_end(this, r);
  }

  std::shared_ptr<Anchor> anchor;
  uint64_t id = 0; /* unique in the stream's life (timers name legs by it) */
  std::shared_ptr<Session> session;
  std::unique_ptr<Chunker> chunker;
  uint64_t base = 0;             /* stream sample of the leg's sample 0 */
  int64_t base_ms = 0;           /* ... in ms (whole by construction) */
  int64_t turn_base = 0;         /* stream turn_order of the leg's turn 0 */
  int64_t dedup_before_ms = 0;   /* words before this were delivered */
  std::string reason;            /* why it continues the stream, if it does */
  uint64_t replayed_samples = 0; /* audio sent again at its start */
  uint64_t lost_samples = 0;     /* audio that could not be sent again */
  bool began = false;
  std::chrono::steady_clock::time_point began_at;
  bool completed_turn = false; /* made progress: a turn ended in it */
  bool terminate_sent = false;
  bool rollover_due = false;
};

Stream::Stream(GstElement *owner)
    : owner_(owner), anchor_(std::make_shared<Anchor>())
{
  ensure_debug_category();
  anchor_->stream = this;
}

Stream::~Stream()
{
  stop();
  {
    std::lock_guard<std::mutex> g(anchor_->m);
    anchor_->stream = nullptr;
  }
  close();
}

void Stream::set_request_token_signal(guint signal_id)
{
  request_token_signal_ = signal_id;
}

bool Stream::has_request_token() const
{
  return request_token_signal_ &&
         g_signal_has_handler_pending(owner_, request_token_signal_, 0, FALSE);
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
  drained_ = false;
  draining_ = false;
  have_format_ = false;
  stream_open_ = false;
  token_used_ = false;
  reconnects_ = 0;
  next_turn_order_ = 0;
  sent_before_ = 0;
  bool key = !props.effective_api_key().empty();
  if (props.token.empty() && !key && props.token_url.empty() &&
      !has_request_token()) {
    GST_ELEMENT_ERROR_WITH_DETAILS(
        owner_, RESOURCE, NOT_AUTHORIZED, ("No AssemblyAI credentials."),
        ("Set the api-key property or the " ASSEMBLYAI_API_KEY_ENV
         " environment variable to your API key, set token to a temporary "
         "token, set token-url, or handle the request-token signal."),
        ("url", G_TYPE_STRING, redact_url(props.url).c_str(), nullptr));
    return false;
  }
  std::string problem = validate_proxy(props.proxy);
  if (!problem.empty()) {
    GST_ELEMENT_ERROR(owner_, RESOURCE, SETTINGS, ("Invalid proxy."),
                      ("%s Set the proxy property to http://host:port or "
                       "socks5://host:port, or leave it empty.",
                       problem.c_str()));
    return false;
  }
  if (!props.tls_ca_file.empty() &&
      !check_ca_file(props.tls_ca_file, &problem)) {
    GST_ELEMENT_ERROR(owner_, RESOURCE, OPEN_READ,
                      ("Cannot use the tls-ca-file."), ("%s", problem.c_str()));
    return false;
  }
  if (!props.tls_strict)
    GST_ELEMENT_WARNING(owner_, RESOURCE, SETTINGS,
                        ("TLS certificate checks are off (tls-strict=false)."),
                        ("Any server certificate is accepted, so the "
                         "connection can be intercepted: for testing only."));
  if (!props.token_url.empty() && !key && !has_request_token()) {
    GST_ELEMENT_ERROR_WITH_DETAILS(
        owner_, RESOURCE, NOT_AUTHORIZED, ("No key for the token endpoint."),
        ("token-url mints temporary tokens with an API key (or a KeyPool "
         "team token): set api-key or " ASSEMBLYAI_API_KEY_ENV "."),
        ("url", G_TYPE_STRING, redact_url(props.token_url).c_str(), nullptr));
    return false;
  }
  return true;
}

void Stream::stop()
{
  std::shared_ptr<Leg> leg;
  std::shared_ptr<TokenFetch> fetch;
  {
    std::lock_guard<std::mutex> l(lock_);
    leg = std::move(leg_);
    fetch = std::move(fetch_);
    flushing_ = true;
    stream_open_ = false;
    outage_ = false;
    prepared_.reset();
    connect_gen_++;
    replay_.reset();
  }
  cond_.notify_all();
  if (fetch)
    fetch->cancel();
  /* Leaving PAUSED: tell the service we are done (billing is per session
   * time), then close without waiting for the answer. */
  if (leg)
    retire_leg(std::move(leg), true);
  std::lock_guard<std::mutex> tl(timeline_lock_);
  timeline_.reset();
}

void Stream::retire_leg(std::shared_ptr<Leg> leg, bool terminate)
{
  if (terminate && !leg->terminate_sent)
    leg->session->send_text(terminate_message());
  leg->terminate_sent = true;
  if (io_ && io_->on_io_thread()) {
    /* Called from one of the leg's own callbacks (its session holds its
     * callback lock): detach once that callback has returned. */
    io_->post([leg]() {
      leg->session->detach();
      leg->session->shutdown();
    });
    return;
  }
  leg->session->detach();
  leg->session->shutdown();
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
  if (stream_open_ && active_.sample_rate == rate && active_.encoding == enc)
    return true; /* same format: keep streaming */
  if (stream_open_) {
    /* A new format needs a new stream (the sample rate and encoding are
     * fixed at connection time): the old one first gets its last words,
     * also through an outage. */
    l.unlock();
    end_session();
    l.lock();
  }
  props.settings.sample_rate = rate;
  props.settings.encoding = enc;
  have_format_ = true;
  std::string problems = validate(props.settings);
  if (!problems.empty()) {
    GST_ELEMENT_ERROR(owner_, LIBRARY, SETTINGS, ("Invalid settings."),
                      ("%s", problems.c_str()));
    return false;
  }
  std::string error;
  if (build_url(props.url, props.settings, "", &error).empty()) {
    GST_ELEMENT_ERROR(owner_, RESOURCE, NOT_FOUND, ("Invalid url."),
                      ("%s", error.c_str()));
    return false;
  }
  start_stream_locked();
  return true;
}

void Stream::set_live(bool live)
{
  std::lock_guard<std::mutex> l(lock_);
  live_ = live;
}

/* A new stream of audio: its own timeline, replay buffer and first leg. */
void Stream::start_stream_locked()
{
  active_ = props.settings;
  const Settings &s = active_;
  uint64_t bound = static_cast<uint64_t>(props.replay_ms) *
                   static_cast<uint64_t>(s.sample_rate) / 1000;
  replay_ = std::make_unique<ReplayBuffer>(
      s.sample_rate, encoding_bytes_per_sample(s.encoding), bound);
  {
    std::lock_guard<std::mutex> tl(timeline_lock_);
    timeline_ = std::make_unique<Timeline>(s.sample_rate);
  }
  committed_ = 0;
  attempt_ = 0;
  sent_before_ = 0;
  outage_ = false;
  drained_ = false;
  padded_ = false;
  prepared_.reset();
  stream_open_ = true;
  std::string error;
  display_url_ = redact_url(build_url(props.url, s, "", &error));
  connect_async_locked(Purpose::Connect);
}

/* Gets a credential for the next session: the request-token signal, a
 * token minted at token-url, the (single-use) token property, or the API
 * key. Calls on_credential() (maybe later, on another thread). */
void Stream::connect_async_locked(Purpose purpose)
{
  uint64_t gen = purpose == Purpose::Rollover ? connect_gen_ : ++connect_gen_;
  std::shared_ptr<Anchor> anchor = anchor_;
  if (has_request_token()) {
    /* The application may block (it mints a token over the network):
     * never on the shared I/O thread or the streaming thread. */
    GstElement *owner = GST_ELEMENT(gst_object_ref(owner_));
    guint signal = request_token_signal_;
    GThread *t = g_thread_new(
        "aai-request-token",
        [](gpointer data) -> gpointer {
          auto *job = static_cast<std::function<void()> *>(data);
          (*job)();
          delete job;
          return nullptr;
        },
        new std::function<void()>([anchor, gen, purpose, owner, signal]() {
          /* The element (not the stream) is kept alive while the
           * application's handler runs; the anchor is taken only to
           * deliver the answer, so nothing waits on the handler. */
          gchar *answer = nullptr;
          g_signal_emit(owner, signal, 0, &answer);
          std::string token = answer ? answer : "";
          g_free(answer);
          gst_object_unref(owner);
          std::lock_guard<std::mutex> g(anchor->m);
          Stream *self = anchor->stream;
          if (!self)
            return;
          if (token.empty())
            self->credential_failed(
                gen, purpose, false, "The request-token handler gave no token.",
                "A handler of request-token must return a fresh temporary "
                "token for every connection.",
                GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED, 0);
          else
            self->on_credential(gen, purpose,
                                Credential{AuthMode::QueryToken, token});
        }));
    g_thread_unref(t);
    return;
  }
  if (!props.token_url.empty()) {
    /* A fresh token for every session; the key goes only to the token
     * endpoint. */
    TokenRequest req;
    req.url = props.token_url;
    req.credential = props.effective_api_key();
    req.bearer = props.auth_scheme != AuthMode::RawHeader;
    req.expires_in_seconds = ASSEMBLYAI_TOKEN_EXPIRES_IN;
    req.max_session_duration_seconds =
        static_cast<int>(props.max_session_duration_s);
    req.net = net_options_locked();
    req.timeout_ms = props.connect_timeout_ms;
    if (fetch_)
      fetch_->cancel();
    fetch_ =
        TokenFetch::start(io_.get(), std::move(req),
                          [anchor, gen, purpose](const TokenResult &r) {
                            std::lock_guard<std::mutex> g(anchor->m);
                            if (anchor->stream)
                              anchor->stream->token_fetched(gen, purpose, r);
                          });
    return;
  }
  Credential c;
  if (!props.token.empty() && !token_used_) {
    token_used_ = true;
    c = Credential{AuthMode::QueryToken, props.token};
  } else {
    std::string key = props.effective_api_key();
    if (key.empty()) {
      /* Only the token property was given, and it was used. Reported
       * from the I/O thread: this may run in a session's callback. */
      io_->post([anchor, gen, purpose]() {
        std::lock_guard<std::mutex> g2(anchor->m);
        if (anchor->stream)
          anchor->stream->credential_failed(
              gen, purpose, false, "No credentials for a new session.",
              "The token property holds a single-use temporary token and it "
              "was used. To reconnect, set api-key or token-url, or handle "
              "the request-token signal.",
              GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED, 0);
      });
      return;
    }
    c = Credential{props.auth_scheme, key};
  }
  if (purpose == Purpose::Rollover) {
    prepared_ = c;
    return;
  }
  open_leg_locked(c, nullptr);
}

NetOptions Stream::net_options_locked() const
{
  NetOptions n;
  n.proxy = props.proxy;
  n.tls_ca_file = props.tls_ca_file;
  n.tls_strict = props.tls_strict;
  return n;
}

void Stream::token_fetched(uint64_t gen, Purpose purpose, const TokenResult &r)
{
  using Kind = TokenResult::Kind;
  if (r.kind == Kind::Cancelled)
    return;
  if (r.kind == Kind::Ok) {
    on_credential(gen, purpose, Credential{AuthMode::QueryToken, r.token});
    return;
  }
  gint code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
  const char *summary = "Could not get a temporary token.";
  if (r.kind == Kind::Unauthorized) {
    code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
    summary = "The token endpoint did not accept the key.";
  } else if (r.kind == Kind::BadRequest) {
    code = GST_RESOURCE_ERROR_SETTINGS;
    summary = "The token endpoint rejected the request.";
  } else if (r.kind == Kind::RateLimited) {
    code = GST_RESOURCE_ERROR_BUSY;
    summary = "The token endpoint's rate limit was hit.";
  }
  credential_failed(gen, purpose, r.retryable(), summary, r.describe(),
                    GST_RESOURCE_ERROR, code, r.http_status);
}

void Stream::on_credential(uint64_t gen,
                           Purpose purpose,
                           const Credential &cred)
{
  std::lock_guard<std::mutex> l(lock_);
  if (gen != connect_gen_ || failed_ || !stream_open_)
    return;
  if (purpose == Purpose::Rollover) {
    prepared_ = cred;
    return;
  }
  if (leg_)
    return; /* a session came up meanwhile */
  open_leg_locked(cred, nullptr);
}

void Stream::credential_failed(uint64_t gen,
                               Purpose purpose,
                               bool retryable,
                               const std::string &summary,
                               const std::string &text,
                               GQuark domain,
                               gint code,
                               int http_status)
{
  std::string url;
  std::optional<unsigned> retry_in;
  {
    std::lock_guard<std::mutex> l(lock_);
    if (gen != connect_gen_ || failed_ || !stream_open_)
      return;
    if (purpose == Purpose::Rollover) {
      /* The running session goes on; if it expires, the reconnection
       * tries again (and reports what fails then). */
      GST_WARNING_OBJECT(owner_, "no credential for the rollover: %s",
                         summary.c_str());
      return;
    }
    url = redact_url(props.token_url.empty() ? props.url : props.token_url);
    if (retryable)
      retry_in = retry_later_locked(http_status == 429 ? Retry::RateLimit
                                                       : Retry::Backoff);
  }
  GstStructure *d = gst_structure_new(
      kDetailsName, "close-code", G_TYPE_INT, 0, "reason", G_TYPE_STRING, "",
      "http-status", G_TYPE_INT, http_status, "url", G_TYPE_STRING, url.c_str(),
      nullptr);
  if (retry_in) {
    std::string m = text + " Retrying in " + std::to_string(*retry_in) + " ms.";
    gst_element_message_full_with_details(
        owner_, GST_MESSAGE_WARNING, domain, code, g_strdup(summary.c_str()),
        g_strdup(m.c_str()), __FILE__, GST_FUNCTION, __LINE__, d);
    return;
  }
  /* The error goes out before a drain can return (ahead of the EOS). */
  gst_element_message_full_with_details(
      owner_, GST_MESSAGE_ERROR, domain, code, g_strdup(summary.c_str()),
      g_strdup(text.c_str()), __FILE__, GST_FUNCTION, __LINE__, d);
  {
    std::lock_guard<std::mutex> l(lock_);
    failed_ = true;
  }
  cond_.notify_all();
}

/* Opens a session that starts with the replay: the audio since the end of
 * the last completed turn (all of it, for the first session). */
void Stream::open_leg_locked(const Credential &cred, const char *reason)
{
  auto leg = std::make_shared<Leg>(anchor_);
  leg->id = ++last_leg_id_;
  /* A credential prepared for the old session's rollover is not for this
   * one (a token minted long ago may have expired). */
  prepared_.reset();
  const Settings &s = active_;
  uint64_t want = replay_->align_down(committed_);
  leg->base = std::max(want, replay_->start());
  leg->lost_samples = leg->base - want;
  leg->base_ms = replay_->ms_of(leg->base);
  leg->turn_base = next_turn_order_;
  leg->dedup_before_ms = replay_->ms_of(committed_);
  /* After an outage, why the last session ended. */
  leg->reason = reason ? reason : outage_ ? outage_reason_ : "";
  leg->chunker = std::make_unique<Chunker>(
      s.sample_rate, encoding_bytes_per_sample(s.encoding),
      static_cast<unsigned>(s.chunk_duration_ms),
      s.encoding == Encoding::PcmMulaw ? 0xFF : 0x00);

  std::string error;
  std::string url = build_url(
      props.url, s,
      cred.mode == AuthMode::QueryToken ? cred.value : std::string(), &error);
  ConnectParams p;
  p.url = url;
  p.display_url = redact_url(url);
  p.connect_timeout_ms = props.connect_timeout_ms;
  p.send_timeout_ms = props.send_timeout_ms;
  p.net = net_options_locked();
  p.headers.emplace_back("User-Agent", kUserAgent);
  /* A token travels in the query (it is single-use and short-lived); a key
   * only ever in a header or the KeyPool subprotocol. */
  switch (cred.mode) {
    case AuthMode::RawHeader:
      p.headers.emplace_back("Authorization", cred.value);
      break;
    case AuthMode::Bearer:
      p.headers.emplace_back("Authorization", "Bearer " + cred.value);
      break;
    case AuthMode::Subprotocol:
      p.subprotocols.push_back("keypool-token." + cred.value);
      break;
    case AuthMode::QueryToken:
      break;
  }
  display_url_ = p.display_url;
  GST_INFO_OBJECT(owner_, "connecting to %s", p.display_url.c_str());
  leg->session = Session::create(io_.get(), leg.get());
  leg->session->connect(std::move(p));

  std::vector<uint8_t> replay = replay_->copy_from(leg->base);
  leg->replayed_samples = replay_->end() - leg->base;
  for (auto &f : leg->chunker->push(replay.data(), replay.size()))
    leg->session->send_audio(std::move(f));
  if (leg_)
    sent_before_ += leg_->session->audio_bytes_sent();
  leg_ = leg;
  if (draining_) {
    finish_leg_locked(*leg);
    drain_deadline_ = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(props.terminate_timeout_ms);
  }
  cond_.notify_all();
}

/* The end of the audio: the last partial chunk (padded to the 50 ms the
 * service needs) and Terminate. */
void Stream::finish_leg_locked(Leg &leg)
{
  size_t padding = 0;
  std::vector<uint8_t> last = leg.chunker->flush(&padding);
  if (!last.empty()) {
    if (padding && !padded_) {
      /* Give the padding times too (once: later legs pad the same end). */
      std::lock_guard<std::mutex> tl(timeline_lock_);
      const int bps = encoding_bytes_per_sample(active_.encoding);
      uint64_t total = timeline_->total_samples();
      timeline_->append(padding / bps, timeline_->at_sample(total));
      padded_ = true;
    }
    leg.session->send_audio(std::move(last));
  }
  leg.session->send_text(terminate_message());
  leg.terminate_sent = true;
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
  /* After end_session() or a flush, the next audio starts a new stream. */
  if (!stream_open_)
    start_stream_locked();
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
  /* Non-live audio waits for the reconnection rather than push the audio
   * since the last completed turn out of the replay buffer. */
  while ((!leg_ || !leg_->began) && !live_ && !flushing_ && !failed_ &&
         stream_open_ && replay_->would_drop(n_samples, committed_))
    cond_.wait(l);
  if (flushing_ || failed_ || !stream_open_) {
    gst_buffer_unmap(clipped, &map);
    gst_buffer_unref(clipped);
    return failed_ ? GST_FLOW_ERROR : GST_FLOW_FLUSHING;
  }
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
  replay_->append(map.data, n_samples * bps);
  if (leg_) {
    for (auto &f : leg_->chunker->push(map.data, n_samples * bps))
      leg_->session->send_audio(std::move(f));
  }
  gst_buffer_unmap(clipped, &map);
  gst_buffer_unref(clipped);
  return GST_FLOW_OK;
}

void Stream::drain()
{
  std::unique_lock<std::mutex> l(lock_);
  if (!stream_open_ || failed_ || flushing_)
    return;
  draining_ = true;
  drained_ = false;
  drain_deadline_ = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(props.terminate_timeout_ms);
  if (leg_)
    finish_leg_locked(*leg_);
  /* Through a reconnection the deadline moves: the new session gets the
   * replay and its own terminate-timeout. An outage waits for the
   * reconnection (or for the attempts to run out). */
  bool ok = true;
  for (;;) {
    if (drained_ || flushing_ || failed_)
      break;
    if (!leg_) {
      cond_.wait(l);
      continue;
    }
    if (cond_.wait_until(l, drain_deadline_) == std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= drain_deadline_ && leg_ &&
        !drained_) {
      ok = false;
      break;
    }
  }
  draining_ = false;
  GST_DEBUG_OBJECT(owner_, "drain over: drained %d flushing %d failed %d ok %d",
                   drained_, flushing_, failed_, ok);
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
  std::shared_ptr<Leg> leg;
  {
    std::lock_guard<std::mutex> l(lock_);
    if (failed_ || flushing_)
      return;
    leg = std::move(leg_);
    stream_open_ = false;
    outage_ = false;
    connect_gen_++;
    prepared_.reset();
    if (leg)
      sent_before_ += leg->session->audio_bytes_sent();
  }
  if (leg)
    retire_leg(std::move(leg), false);
}

void Stream::resume()
{
  std::lock_guard<std::mutex> l(lock_);
  flushing_ = false;
  drained_ = false;
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
  if (!stream_open_ || before == props.settings)
    return;
  std::optional<std::string> msg =
      update_configuration_message(active_, props.settings);
  if (msg && leg_) {
    GST_INFO_OBJECT(owner_, "sending %s", msg->c_str());
    leg_->session->send_text(*msg);
  }
  std::vector<std::string> fixed = immutable_changes(active_, props.settings);
  if (!fixed.empty()) {
    std::string names;
    for (const auto &n : fixed)
      names += (names.empty() ? "" : ", ") + n;
    GST_ELEMENT_WARNING(owner_, LIBRARY, SETTINGS,
                        ("Changed settings apply to the next stream only."),
                        ("%s cannot change during a stream.", names.c_str()));
  }
  /* Remember what the service now has (a reconnection opens its session
   * with these too): the fixed parameters keep the values the stream was
   * opened with. */
  active_ = applied_settings(active_, props.settings);
}

void Stream::force_endpoint()
{
  std::lock_guard<std::mutex> l(lock_);
  if (leg_)
    leg_->session->send_text(force_endpoint_message());
}

std::string Stream::session_id() const
{
  std::lock_guard<std::mutex> l(const_cast<std::mutex &>(lock_));
  return leg_ ? leg_->session->session_id() : std::string();
}

uint64_t Stream::audio_sent() const
{
  std::lock_guard<std::mutex> l(const_cast<std::mutex &>(lock_));
  return sent_before_ + (leg_ ? leg_->session->audio_bytes_sent() : 0);
}

guint Stream::reconnects() const
{
  std::lock_guard<std::mutex> l(const_cast<std::mutex &>(lock_));
  return reconnects_;
}

MediaTimes Stream::times_at_ms(int64_t ms) const
{
  std::lock_guard<std::mutex> tl(timeline_lock_);
  return timeline_ ? timeline_->at_ms(ms) : MediaTimes();
}

/* ---- reconnection and rollover (I/O thread) ---- */

/* Schedules the next attempt if @kind may be retried and attempts remain;
 * returns the delay, or nothing (the caller reports the error). */
std::optional<unsigned> Stream::retry_later_locked(Retry kind)
{
  int max = props.reconnect_attempts;
  if (kind == Retry::Never ||
      (max >= 0 && attempt_ >= static_cast<unsigned>(max)))
    return std::nullopt;
  attempt_++;
  unsigned delay = backoff_ms(attempt_, props.reconnect_max_backoff_ms, kind,
                              g_random_int());
  uint64_t gen = ++connect_gen_;
  std::shared_ptr<Anchor> anchor = anchor_;
  io_->post_delayed(delay, [anchor, gen]() {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->stream)
      anchor->stream->reconnect_due(gen);
  });
  return delay;
}

void Stream::reconnect_due(uint64_t gen)
{
  std::lock_guard<std::mutex> l(lock_);
  /* Not flushing_: a sink's seek flush must not strand the stream without
   * a session (stop() moves connect_gen_ on). */
  if (gen != connect_gen_ || failed_ || !stream_open_ || leg_)
    return;
  connect_async_locked(Purpose::Connect);
}

/* Before Begin.expires_at the stream moves to a new session at a turn
 * boundary: from a quarter of the session's remaining time (at most 60 s)
 * before expiry it looks for the end of a turn; an eighth before, it
 * switches anyway (the replay covers a turn in progress). */
void Stream::schedule_rollover_locked(Leg &leg, int64_t expires_at)
{
  int64_t now_ms = g_get_real_time() / 1000;
  int64_t left = expires_at * 1000 - now_ms;
  if (left <= 0)
    return;
  int64_t window = std::min<int64_t>(left / 4, 60000);
  std::shared_ptr<Anchor> anchor = anchor_;
  uint64_t gen = connect_gen_;
  uint64_t id = leg.id;
  io_->post_delayed(static_cast<unsigned>(left - window), [anchor, gen, id]() {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->stream)
      anchor->stream->rollover_due(gen, id, false);
  });
  io_->post_delayed(static_cast<unsigned>(left - window / 2),
                    [anchor, gen, id]() {
                      std::lock_guard<std::mutex> g(anchor->m);
                      if (anchor->stream)
                        anchor->stream->rollover_due(gen, id, true);
                    });
}

void Stream::rollover_due(uint64_t gen, uint64_t leg_id, bool force)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    if (gen != connect_gen_ || !leg_ || leg_->id != leg_id || flushing_ ||
        failed_ || draining_)
      return;
    if (!force) {
      leg_->rollover_due = true;
      connect_async_locked(Purpose::Rollover);
      return;
    }
    if (!prepared_)
      return;
    switch_leg_locked();
  }
  /* Mid-turn: the new session hears the open turn again. */
  if (on_session_lost)
    on_session_lost();
}

void Stream::switch_leg_locked()
{
  std::shared_ptr<Leg> old = std::move(leg_);
  Credential c = *prepared_;
  prepared_.reset();
  GST_INFO_OBJECT(owner_, "rolling over to a new session");
  open_leg_locked(c, "rollover");
  retire_leg(std::move(old), true);
}

/* ---- session events (I/O thread) ---- */

/* Puts a leg's turn on the stream's axis; false if every word in it was
 * delivered already (the turn is a replayed duplicate). */
bool Stream::rewrite_turn_locked(Leg &leg, TurnEvent *t)
{
  t->turn_order += leg.turn_base;
  size_t before = t->words.size();
  std::vector<Word> kept;
  kept.reserve(before);
  for (Word w : t->words) {
    w.start_ms += leg.base_ms;
    w.end_ms += leg.base_ms;
    /* By the word's middle, so a word re-timed by a few ms in the new
     * session is still recognised. */
    if (w.start_ms + w.end_ms < 2 * leg.dedup_before_ms)
      continue;
    kept.push_back(std::move(w));
  }
  if (kept.size() != before) {
    if (kept.empty())
      return false;
    std::string text;
    for (const Word &w : kept)
      text += (text.empty() ? "" : " ") + w.text;
    t->transcript = text;
  }
  t->words = std::move(kept);
  if (t->end_of_turn && !t->words.empty()) {
    leg.completed_turn = true;
    /* A word may end in the EOS padding, past the audio there is. */
    uint64_t end = std::min(replay_->samples_of_ms(t->words.back().end_ms),
                            replay_->end());
    if (end > committed_) {
      uint64_t previous = committed_;
      committed_ = end;
      replay_->trim_before(committed_);
      std::lock_guard<std::mutex> tl(timeline_lock_);
      timeline_->forget_before(previous);
    }
  }
  if (t->end_of_turn)
    next_turn_order_ = std::max(next_turn_order_, t->turn_order + 1);
  return true;
}

void Stream::leg_event(Leg *leg, const ServerEvent &in, const std::string &raw)
{
  ServerEvent ev = in;
  GstStructure *reconnect_msg = nullptr;
  std::string reconnect_text;
  bool switch_now = false;
  {
    std::lock_guard<std::mutex> l(lock_);
    if (leg != leg_.get())
      return; /* a retired session */
    if (const auto *b = std::get_if<BeginEvent>(&ev)) {
      leg->began = true;
      leg->began_at = std::chrono::steady_clock::now();
      unsigned attempts = attempt_;
      if (!leg->reason.empty()) {
        auto outage = std::chrono::steady_clock::now() - outage_start_;
        GstClockTime outage_ns =
            outage_ ? static_cast<GstClockTime>(
                          std::chrono::duration_cast<std::chrono::nanoseconds>(
                              outage)
                              .count())
                    : 0;
        int rate = active_.sample_rate;
        GstClockTime replayed =
            gst_util_uint64_scale(leg->replayed_samples, GST_SECOND, rate);
        GstClockTime lost =
            gst_util_uint64_scale(leg->lost_samples, GST_SECOND, rate);
        reconnects_++;
        reconnect_msg = gst_structure_new(
            "assemblyai/reconnect", "reason", G_TYPE_STRING,
            leg->reason.c_str(), "close-code", G_TYPE_INT,
            outage_ ? outage_close_code_ : 0, "attempt", G_TYPE_UINT, attempts,
            "reconnects", G_TYPE_UINT, reconnects_, "outage-duration",
            G_TYPE_UINT64, outage_ns, "audio-replayed", G_TYPE_UINT64, replayed,
            "audio-lost", G_TYPE_UINT64, lost, "session-id", G_TYPE_STRING,
            b->id.c_str(), nullptr);
        gchar *what = g_strdup_printf(
            "%s: a new session continues the stream after %.3f s without "
            "one, with %.3f s of audio sent again.",
            leg->reason.c_str(), outage_ns / 1e9, replayed / 1e9);
        reconnect_text = what;
        g_free(what);
        if (lost) {
          gchar *l2 = g_strdup_printf(
              " %.3f s of audio before it could not be sent again (the "
              "replay-buffer bound): words spoken in it may be missing.",
              lost / 1e9);
          reconnect_text += l2;
          g_free(l2);
        }
        outage_ = false;
      }
      if (b->expires_at > 0)
        schedule_rollover_locked(*leg, b->expires_at);
      cond_.notify_all(); /* push() waits for a session that began */
    } else if (auto *t = std::get_if<TurnEvent>(&ev)) {
      if (!rewrite_turn_locked(*leg, t))
        return;
      bool expects_formatting = (active_.format_turns && *active_.format_turns);
      bool complete =
          t->end_of_turn && (t->turn_is_formatted || !expects_formatting);
      switch_now = complete && leg->rollover_due && prepared_ && !draining_;
    } else if (auto *sp = std::get_if<SpeechStartedEvent>(&ev)) {
      sp->timestamp_ms += leg->base_ms;
    } else if (std::holds_alternative<TerminationEvent>(ev) &&
               !leg->terminate_sent) {
      /* The service ended the session on its own: not the end of the
       * stream. The close that follows reconnects, and the next session
       * hears the open turn again. */
      GST_INFO_OBJECT(owner_, "Termination we did not ask for");
      return;
    }
  }
  if (reconnect_msg) {
    GST_ELEMENT_WARNING(owner_, RESOURCE, READ, ("Reconnected to AssemblyAI."),
                        ("%s", reconnect_text.c_str()));
    post(reconnect_msg);
  }
  dispatch_event(leg, ev, raw);
  if (switch_now) {
    {
      std::lock_guard<std::mutex> l(lock_);
      if (leg != leg_.get() || !prepared_ || draining_ || flushing_)
        return;
      switch_leg_locked();
    }
    /* The tracker starts the new session's turn numbering afresh. */
    if (on_session_lost)
      on_session_lost();
  }
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

/* Posts the bus message of a (rewritten) event and hands it to on_event. */
void Stream::dispatch_event(Leg *leg,
                            const ServerEvent &ev,
                            const std::string &raw)
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
      if (leg == leg_.get() && leg->terminate_sent)
        drained_ = true;
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

void Stream::leg_malformed(Leg *leg,
                           const std::string &error,
                           const std::string &raw)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    if (leg != leg_.get())
      return;
  }
  GST_ELEMENT_WARNING(owner_, STREAM, DECODE,
                      ("Ignored a malformed message from the service."),
                      ("%s: %.200s", error.c_str(), raw.c_str()));
}

/* The end of a session we did not end: reconnect if it is worth it and
 * attempts remain, else the error. */
void Stream::leg_end(Leg *leg, const EndReport &r)
{
  std::shared_ptr<Leg> lost;
  std::string warning;
  std::string extra;
  {
    std::lock_guard<std::mutex> l(lock_);
    if (leg != leg_.get())
      return; /* retired, or replaced already */
    GST_DEBUG_OBJECT(owner_, "session ended: %s, close code %d",
                     end_reason_name(r), r.close_code);
    bool expected = r.kind == EndReport::Kind::Cancelled ||
                    (leg->terminate_sent && r.kind == EndReport::Kind::Normal);
    if (expected) {
      drained_ = true;
      cond_.notify_all();
      return;
    }
    /* A session that got somewhere (a completed turn, or 30 s) starts a
     * new count: a service that accepts and then closes at once must not
     * be retried forever. */
    if (leg->began && (leg->completed_turn ||
                       std::chrono::steady_clock::now() - leg->began_at >=
                           std::chrono::seconds(30)))
      attempt_ = 0;
    Retry retry = retry_for(r);
    if (std::optional<unsigned> delay = retry_later_locked(retry)) {
      lost = std::move(leg_);
      sent_before_ += lost->session->audio_bytes_sent();
      if (!outage_) {
        outage_ = true;
        outage_start_ = std::chrono::steady_clock::now();
      }
      outage_reason_ = end_reason_name(r);
      outage_close_code_ = r.close_code;
      int max = props.reconnect_attempts;
      std::string of = max < 0 ? std::string() : " of " + std::to_string(max);
      warning = describe_end(r, display_url_) + " Reconnecting in " +
                std::to_string(*delay) + " ms (attempt " +
                std::to_string(attempt_) + of + ").";
    } else if (retry != Retry::Never && attempt_ > 0) {
      extra = " Gave up after " + std::to_string(attempt_) +
              " reconnection attempts (reconnect-attempts).";
    }
  }
  if (!lost) {
    /* The error goes out before the drain can return: it must reach the
     * bus ahead of the EOS that follows. */
    post_error_for(r, extra);
    {
      std::lock_guard<std::mutex> l(lock_);
      failed_ = true;
      drained_ = true;
    }
    cond_.notify_all();
    return;
  }
  cond_.notify_all();
  GST_ELEMENT_WARNING_WITH_DETAILS(
      owner_, RESOURCE, READ, ("Lost the AssemblyAI session."),
      ("%s", warning.c_str()),
      ("close-code", G_TYPE_INT, r.close_code, "reason", G_TYPE_STRING,
       r.close_reason.c_str(), "http-status", G_TYPE_INT, r.http_status,
       nullptr));
  if (on_session_lost)
    on_session_lost();
  /* This runs inside the lost session's callback: let it go afterwards. */
  io_->post([lost]() {});
}

namespace
{
struct EndExplained {
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_READ;
  std::string summary;
  std::string text;
};

/* What an unexpected end of a session means for the user, in the right
 * error domain and code. */
EndExplained explain_end(const EndReport &r, const std::string &url)
{
  EndExplained e;
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
      if (st == 401 || st == 403) {
        e.code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
        e.summary = "The API key or token was not accepted.";
        e.text = what + " Check the api-key property or " +
                 ASSEMBLYAI_API_KEY_ENV + " (or use a fresh temporary token).";
      } else if (st == 429) {
        e.code = GST_RESOURCE_ERROR_BUSY;
        e.summary = "Too many sessions.";
        e.text = what +
                 " The account's new-session rate limit was hit; retry later "
                 "or raise the limit.";
      } else if (st == 404 || st == 410) {
        e.code = GST_RESOURCE_ERROR_NOT_FOUND;
        e.summary = "Wrong streaming URL.";
        e.text = what + " Check the url property (the v3 endpoint is " +
                 ASSEMBLYAI_DEFAULT_URL + ").";
      } else {
        e.code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
        e.summary = "Could not open a streaming session.";
        e.text = what + (st >= 500 ? " The service is unavailable; try again "
                                     "later."
                                   : "");
      }
      return e;
    }
    case EndReport::Kind::ConnectFailed:
    case EndReport::Kind::Timeout: {
      std::string what =
          r.kind == EndReport::Kind::Timeout
              ? "No session began at " + url + " within the connect-timeout."
              : "Could not connect to " + url + ": " + r.transport_error + ".";
      if (r.tls_error)
        what +=
            " The server's TLS certificate was not accepted (see tls-ca-file "
            "and tls-strict).";
      e.code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
      e.summary = "Could not connect to AssemblyAI.";
      e.text = what + " Check the url property and the network.";
      return e;
    }
    case EndReport::Kind::Normal:
    case EndReport::Kind::Closed:
    case EndReport::Kind::Cancelled: {
      CloseInfo ci = classify_close(r.close_code, r.close_reason);
      e.text = describe_close(r.close_code, r.close_reason) + frame;
      e.summary = "The streaming session ended.";
      switch (ci.klass) {
        case CloseClass::Auth:
          e.code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
          e.summary = "The API key or token was not accepted.";
          break;
        case CloseClass::RateLimit:
          e.code = GST_RESOURCE_ERROR_BUSY;
          e.summary = "Too many sessions.";
          break;
        case CloseClass::ClientBug:
          e.domain = GST_STREAM_ERROR;
          e.code = GST_STREAM_ERROR_FAILED;
          e.summary = "The service rejected what was sent.";
          break;
        case CloseClass::Normal:
          e.summary =
              "The service ended the session before the end of the stream.";
          break;
        case CloseClass::Retryable:
          if (r.close_code == 1006)
            e.summary = "The connection to AssemblyAI was lost.";
          break;
      }
      if (r.close_code == 1006 && !r.transport_error.empty())
        e.text += " (" + r.transport_error + ")";
      return e;
    }
  }
  return e;
}
}  // namespace

std::string Stream::describe_end(const EndReport &r, const std::string &url)
{
  EndExplained e = explain_end(r, url);
  return e.summary + " " + e.text;
}

void Stream::post_error_for(const EndReport &r, const std::string &extra)
{
  if (r.kind == EndReport::Kind::Cancelled)
    return;
  std::string url;
  {
    std::lock_guard<std::mutex> l(lock_);
    url = display_url_;
  }
  EndExplained e = explain_end(r, url);
  gst_element_message_full_with_details(
      owner_, GST_MESSAGE_ERROR, e.domain, e.code, g_strdup(e.summary.c_str()),
      g_strdup((e.text + extra).c_str()), __FILE__, GST_FUNCTION, __LINE__,
      details(r, url));
}

}  // namespace aai
