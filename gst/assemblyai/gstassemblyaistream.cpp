/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaistream.h"

#include <algorithm>
#include <condition_variable>

#include <gst/audio/audio.h>

#include "dispatcher.h"
#include "gstassemblyaicredentials.h"
#include "gstassemblyaierrors.h"
#include "gstassemblyaimessages.h"
#include "io_thread.h"
#include "net_options.h"
#include "user_agent.h"

GST_DEBUG_CATEGORY_STATIC(assemblyai_stream_debug);
#define GST_CAT_DEFAULT assemblyai_stream_debug

namespace aai
{

namespace
{
void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(assemblyai_stream_debug, "assemblyai", 0,
                            "AssemblyAI streaming core");
    g_once_init_leave(&once, 1);
  }
}

/* A Session as the machine's Link. */
class SessionLink : public Link
{
 public:
  explicit SessionLink(std::shared_ptr<Session> s) : s_(std::move(s)) {}
  void send_audio(std::vector<uint8_t> frame) override
  {
    s_->send_audio(std::move(frame));
  }
  void send_text(std::string message) override
  {
    s_->send_text(std::move(message));
  }
  void close(bool terminate) override
  {
    if (terminate)
      s_->send_text(terminate_message());
    s_->detach();
    s_->shutdown();
  }
  uint64_t audio_bytes_sent() const override { return s_->audio_bytes_sent(); }

 private:
  std::shared_ptr<Session> s_;
};

using ElementRef = std::shared_ptr<GstElement>;

/* How far non-live input may run ahead of what the service processed:
 * well inside the 5 minutes the service buffers (a 3007 close beyond). */
constexpr unsigned kFlowLeadMs = 15000;
/* The turn in progress a replay may have to cover besides the lead. */
constexpr unsigned kReplayMarginMs = 60000;

/* What a notice's delivery needs from the settings, copied under the lock
 * when it is queued. */
struct DeliverySettings {
  bool post_messages = true;
  bool post_partials = true;
  std::string url; /* redacted */
};
}  // namespace

struct Stream::Core : std::enable_shared_from_this<Core>, StreamEnv {
  explicit Core(GstElement *e) : owner(e), credentials(e)
  {
    g_weak_ref_init(&owner_ref, e);
  }
  ~Core() override { g_weak_ref_clear(&owner_ref); }

  /* ---- StreamEnv (called by the machine, lock held) ---- */
  int64_t monotonic_ms() override { return g_get_monotonic_time() / 1000; }
  int64_t unix_ms() override { return g_get_real_time() / 1000; }
  uint32_t random() override { return g_random_int(); }
  void log(LogLevel level, const std::string &text) override;
  void start_timer(uint64_t id, unsigned delay_ms) override;
  std::optional<std::variant<Credential, CredentialFailure>> request_credential(
      uint64_t request,
      bool rollover) override;
  std::unique_ptr<Link> open_link(uint64_t leg, const Credential &c) override;

  /* Runs @fn on the machine of stream @serial, if it is still the current
   * one, then delivers what it produced. Any thread but under no lock. */
  void with_machine(uint64_t serial,
                    const std::function<void(StreamMachine &)> &fn);
  /* A strong reference to the element for a dispatcher job, released
   * with the job whether it ran or was dropped; empty once the element is
   * finalizing. */
  ElementRef element_ref()
  {
    auto *e = static_cast<GstElement *>(g_weak_ref_get(&owner_ref));
    return ElementRef(e, [](GstElement *x) {
      if (x)
        gst_object_unref(x);
    });
  }
  /* Queues the machine's notices on the dispatcher (lock held). */
  void deliver_locked();
  void deliver(GstElement *e, const Notice &n, const DeliverySettings &ds);
  void start_stream_locked();
  NetOptions net_options_locked() const;

  /* Valid while !detached: the element is alive while its Stream is. Only
   * for logging under the lock; anything that posts takes a reference
   * through owner_ref. */
  GstElement *owner;
  GWeakRef owner_ref;
  mutable std::mutex m; /* props and everything below */
  std::condition_variable cond;
  SharedProps props;
  CredentialSource credentials;
  std::shared_ptr<IoThread> io;
  std::shared_ptr<Dispatcher> dispatcher = Dispatcher::create();
  std::function<void(const EventNotice &)> on_event;
  std::function<void()> on_session_lost;

  std::unique_ptr<StreamMachine> machine; /* the current or last stream */
  uint64_t serial = 0;                    /* of machine */
  Settings active;                        /* settings of the stream */
  std::string display_url;                /* redacted */
  bool have_format = false;               /* caps seen */
  bool live = false;
  bool flushing = false;
  bool failed = false;
  bool stream_open = false; /* audio flows: a connection is wanted */
  bool detached = false;    /* the element is gone */
  bool model_announced = false;
  /* Carried from one stream to the next within a run. */
  uint64_t sent_before = 0;
  unsigned reconnects = 0;
  int64_t next_turn_order = 0;
};

void Stream::Core::log(LogLevel level, const std::string &text)
{
  if (detached)
    return;
  GstDebugLevel l = level == LogLevel::Warning ? GST_LEVEL_WARNING
                    : level == LogLevel::Info  ? GST_LEVEL_INFO
                                               : GST_LEVEL_DEBUG;
  GST_CAT_LEVEL_LOG(assemblyai_stream_debug, l, owner, "%s", text.c_str());
}

void Stream::Core::start_timer(uint64_t id, unsigned delay_ms)
{
  std::weak_ptr<Core> weak = shared_from_this();
  uint64_t s = serial;
  io->post_delayed(delay_ms, [weak, s, id]() {
    if (auto c = weak.lock())
      c->with_machine(s, [id](StreamMachine &m) { m.timer_fired(id); });
  });
}

std::optional<std::variant<Credential, CredentialFailure>>
Stream::Core::request_credential(uint64_t request, bool rollover)
{
  std::weak_ptr<Core> weak = shared_from_this();
  uint64_t s = serial;
  GST_DEBUG_OBJECT(owner, "credential %" G_GUINT64_FORMAT " for %s", request,
                   rollover ? "a rollover" : "a connection");
  return credentials.get(
      props, io, [weak, s, request](const CredentialAnswer &a) {
        auto c = weak.lock();
        if (!c)
          return;
        c->with_machine(s, [&](StreamMachine &m) {
          if (const auto *cred = std::get_if<Credential>(&a))
            m.credential_ready(request, *cred);
          else
            m.credential_failed(request, std::get<CredentialFailure>(a));
        });
      });
}

NetOptions Stream::Core::net_options_locked() const
{
  NetOptions n;
  n.proxy = props.proxy;
  n.tls_ca_file = props.tls_ca_file;
  n.tls_strict = props.tls_strict;
  return n;
}

/* Routes one session's events to the machine of its stream. */
struct LegListener : SessionListener {
  using Core = Stream::Core;
  LegListener(std::weak_ptr<Core> c, uint64_t s, uint64_t l)
      : core(std::move(c)), serial(s), leg(l)
  {
  }
  void on_server_event(const ServerEvent &ev, const std::string &raw) override
  {
    if (auto c = core.lock())
      c->with_machine(serial,
                      [&](StreamMachine &m) { m.on_event(leg, ev, raw); });
  }
  void on_malformed_frame(const std::string &error,
                          const std::string &raw) override
  {
    if (auto c = core.lock())
      c->with_machine(
          serial, [&](StreamMachine &m) { m.on_malformed(leg, error, raw); });
  }
  void on_session_end(const EndReport &r) override
  {
    if (auto c = core.lock())
      c->with_machine(serial, [&](StreamMachine &m) { m.on_end(leg, r); });
  }
  std::weak_ptr<Core> core;
  uint64_t serial, leg;
};

std::unique_ptr<Link> Stream::Core::open_link(uint64_t leg,
                                              const Credential &cred)
{
  std::string error;
  std::string url = build_url(
      props.url, active,
      cred.mode == AuthMode::QueryToken ? cred.value : std::string(), &error);
  ConnectParams p;
  p.url = url;
  p.display_url = redact_url(url);
  p.connect_timeout_ms = props.connect_timeout_ms;
  p.send_timeout_ms = props.send_timeout_ms;
  p.max_audio_message_bytes = static_cast<size_t>(active.sample_rate) *
                              encoding_bytes_per_sample(active.encoding) *
                              kMaxMergedAudioMs / 1000;

  p.net = net_options_locked();
  p.headers.emplace_back("User-Agent", kUserAgent);
  /* A token travels in the query (it is single-use and short-lived); a key
   * only ever in a header or the KeyPool subprotocol. */
  const char *how = "a temporary token";
  switch (cred.mode) {
    case AuthMode::RawHeader:
      p.headers.emplace_back("Authorization", cred.value);
      how = "the API key (Authorization header)";
      break;
    case AuthMode::Bearer:
      p.headers.emplace_back("Authorization", "Bearer " + cred.value);
      how = "the key as a Bearer token";
      break;
    case AuthMode::Subprotocol:
      p.subprotocols.push_back("keypool-token." + cred.value);
      how = "the KeyPool subprotocol";
      break;
    case AuthMode::QueryToken:
      break;
  }
  display_url = p.display_url;
  GST_INFO_OBJECT(owner,
                  "session %" G_GUINT64_FORMAT ": connecting to %s with %s",
                  leg, p.display_url.c_str(), how);
  auto session = Session::create(
      io, std::make_shared<LegListener>(shared_from_this(), serial, leg));
  session->connect(std::move(p));
  return std::make_unique<SessionLink>(std::move(session));
}

void Stream::Core::with_machine(uint64_t s,
                                const std::function<void(StreamMachine &)> &fn)
{
  std::lock_guard<std::mutex> l(m);
  if (detached || !machine || serial != s)
    return;
  fn(*machine);
  deliver_locked();
  cond.notify_all();
}

void Stream::Core::deliver_locked()
{
  std::vector<Notice> notices = machine->take_notices();
  if (notices.empty())
    return;
  /* A reference taken now: the element stays alive until the notices are
   * delivered or dropped (none once it is finalizing). */
  ElementRef e = element_ref();
  if (!e)
    return;
  DeliverySettings ds;
  ds.post_messages = props.post_messages;
  ds.post_partials = props.post_partials;
  ds.url = display_url;
  std::shared_ptr<Core> self = shared_from_this();
  dispatcher->post([self, e, ds, notices = std::move(notices)]() {
    for (const Notice &n : notices)
      self->deliver(e.get(), n, ds);
  });
}

/* ---- delivery (dispatcher thread, no lock held) ---- */

void Stream::Core::deliver(GstElement *e,
                           const Notice &notice,
                           const DeliverySettings &ds)
{
  auto post = [&](GstStructure *s) {
    if (!s)
      return;
    if (!ds.post_messages) {
      gst_structure_free(s);
      return;
    }
    gst_element_post_message(e, gst_message_new_element(GST_OBJECT(e), s));
  };

  if (const auto *ev = std::get_if<EventNotice>(&notice)) {
    post(event_structure(*ev, ds.post_partials));
    if (const auto *b = std::get_if<BeginEvent>(&ev->event)) {
      GST_INFO_OBJECT(e, "session %s began", b->id.c_str());
      g_object_notify(G_OBJECT(e), "session-id");
    } else if (const auto *w = std::get_if<WarningEvent>(&ev->event)) {
      GST_ELEMENT_WARNING_WITH_DETAILS(
          e, STREAM, FAILED, ("AssemblyAI warning: %s", w->warning.c_str()),
          ("warning code %d", w->warning_code.value_or(0)),
          ("warning-code", G_TYPE_INT, w->warning_code.value_or(0), "warning",
           G_TYPE_STRING, w->warning.c_str(), nullptr));
    } else if (const auto *u = std::get_if<UnknownEvent>(&ev->event)) {
      GST_DEBUG_OBJECT(e, "ignoring server message of type %s",
                       u->type.c_str());
    }
    if (on_event)
      on_event(*ev);
  } else if (const auto *r = std::get_if<ReconnectNotice>(&notice)) {
    std::string text = reconnect_text(*r);
    if (r->rollover) {
      /* Planned and seamless: not a problem to warn about. */
      GST_INFO_OBJECT(e, "%s", text.c_str());
    } else {
      GST_ELEMENT_WARNING(e, RESOURCE, READ, ("Reconnected to AssemblyAI."),
                          ("%s", text.c_str()));
    }
    post(reconnect_structure(*r));
  } else if (const auto *lost = std::get_if<LostNotice>(&notice)) {
    Explained cause = explain_end(lost->report, ds.url);
    Explained x;
    x.domain = GST_RESOURCE_ERROR;
    x.code = GST_RESOURCE_ERROR_READ;
    x.summary = "Lost the AssemblyAI session.";
    x.text = cause.summary + " " + cause.text;
    std::string of = lost->max_attempts < 0
                         ? std::string()
                         : " of " + std::to_string(lost->max_attempts);
    std::string extra = " Reconnecting in " + std::to_string(lost->delay_ms) +
                        " ms (attempt " + std::to_string(lost->attempt) + of +
                        ").";
    GST_INFO_OBJECT(e, "%s%s", x.text.c_str(), extra.c_str());
    post_problem(
        e, GST_MESSAGE_WARNING, x, extra,
        error_details(lost->report.close_code, lost->report.close_reason,
                      lost->report.http_status, ds.url));
  } else if (std::holds_alternative<AbandonNotice>(notice)) {
    if (on_session_lost)
      on_session_lost();
  } else if (const auto *cr = std::get_if<CredentialRetryNotice>(&notice)) {
    Explained x = explain_credential(cr->failure);
    post_problem(e, GST_MESSAGE_WARNING, x,
                 " Retrying in " + std::to_string(cr->delay_ms) + " ms.",
                 error_details(0, "", cr->failure.http_status, ds.url));
  } else if (const auto *f = std::get_if<FailedNotice>(&notice)) {
    std::string extra = f->attempts
                            ? " Gave up after " + std::to_string(f->attempts) +
                                  " reconnection attempts (reconnect-attempts)."
                            : std::string();
    if (f->report && f->report->kind != EndReport::Kind::Cancelled) {
      Explained x = explain_end(*f->report, ds.url);
      GST_WARNING_OBJECT(e, "failed: %s %s%s", x.summary.c_str(),
                         x.text.c_str(), extra.c_str());
      post_problem(e, GST_MESSAGE_ERROR, x, extra,
                   error_details(f->report->close_code, f->report->close_reason,
                                 f->report->http_status, ds.url));
    } else if (f->credential) {
      Explained x = explain_credential(*f->credential);
      GST_WARNING_OBJECT(e, "failed: %s %s", x.summary.c_str(), x.text.c_str());
      post_problem(e, GST_MESSAGE_ERROR, x, extra,
                   error_details(0, "", f->credential->http_status, ds.url));
    }
    /* Only now does the streaming thread see the failure: the error is on
     * the bus before upstream reacts to GST_FLOW_ERROR with its own. */
    {
      std::lock_guard<std::mutex> l(m);
      failed = true;
    }
    cond.notify_all();
  } else if (const auto *pr = std::get_if<ProgressNotice>(&notice)) {
    /* The input's length, for the time left: asked upstream now. */
    gint64 duration = -1;
    GstPad *sinkpad = gst_element_get_static_pad(e, "sink");
    if (!sinkpad ||
        !gst_pad_peer_query_duration(sinkpad, GST_FORMAT_TIME, &duration))
      duration = -1;
    if (sinkpad)
      gst_object_unref(sinkpad);
    post(progress_structure(*pr, duration < 0
                                     ? GST_CLOCK_TIME_NONE
                                     : static_cast<GstClockTime>(duration)));
  } else if (const auto *mf = std::get_if<MalformedNotice>(&notice)) {
    GST_ELEMENT_WARNING(e, STREAM, DECODE,
                        ("Ignored a malformed message from the service."),
                        ("%s: %.200s", mf->error.c_str(), mf->raw.c_str()));
  }
}

/* ---- Stream ---- */

Stream::Stream(GstElement *owner)
    : core_(std::make_shared<Core>(owner)), props(core_->props)
{
  ensure_debug_category();
}

Stream::~Stream()
{
  {
    std::lock_guard<std::mutex> l(core_->m);
    core_->detached = true;
    core_->machine.reset();
    core_->credentials.cancel();
  }
  core_->cond.notify_all();
  core_->dispatcher->clear();
  core_->dispatcher->wait_idle();
}

std::mutex &Stream::lock()
{
  return core_->m;
}

void Stream::set_hooks(std::function<void(const EventNotice &)> on_event,
                       std::function<void()> on_session_lost)
{
  core_->on_event = std::move(on_event);
  core_->on_session_lost = std::move(on_session_lost);
}

void Stream::set_request_token_signal(guint signal_id)
{
  core_->credentials.set_request_token_signal(signal_id);
}

void Stream::open()
{
  std::lock_guard<std::mutex> l(core_->m);
  if (!core_->io)
    core_->io = IoThread::acquire();
}

void Stream::close()
{
  std::shared_ptr<IoThread> io;
  {
    std::lock_guard<std::mutex> l(core_->m);
    core_->machine.reset();
    io = std::move(core_->io);
  }
  core_->dispatcher->clear();
  core_->dispatcher->wait_idle();
  /* Sessions still closing hold the thread; it stops after the last. */
  io.reset();
}

bool Stream::start()
{
  Core &c = *core_;
  GstElement *owner = c.owner;
  std::string url, token_url, proxy_problem, ca_problem, ca_file,
      language_problem;
  bool no_credentials, token_url_without_key, insecure;
  {
    std::lock_guard<std::mutex> l(c.m);
    c.flushing = false;
    c.failed = false;
    c.have_format = false;
    c.stream_open = false;
    c.machine.reset();
    c.sent_before = 0;
    c.reconnects = 0;
    c.model_announced = false;
    c.next_turn_order = 0;
    c.credentials.reset();
    bool key = !c.props.effective_api_key().empty();
    bool handler = c.credentials.has_request_token_handler();
    no_credentials =
        c.props.token.empty() && !key && c.props.token_url.empty() && !handler;
    token_url_without_key = !c.props.token_url.empty() && !key && !handler;
    url = redact_url(c.props.url);
    token_url = redact_url(c.props.token_url);
    language_problem = c.props.model_choice().error;
    proxy_problem = validate_proxy(c.props.proxy);
    ca_file = c.props.tls_ca_file;
    if (!ca_file.empty())
      check_ca_file(ca_file, &ca_problem);
    insecure = !c.props.tls_strict;
  }
  /* Posted with no lock held: a bus sync handler may read properties. */
  if (no_credentials) {
    GST_ELEMENT_ERROR_WITH_DETAILS(
        owner, RESOURCE, NOT_AUTHORIZED, ("No AssemblyAI credentials."),
        ("Set the api-key property or the " ASSEMBLYAI_API_KEY_ENV
         " environment variable to your API key, set token to a temporary "
         "token, set token-url, or handle the request-token signal."),
        ("url", G_TYPE_STRING, url.c_str(), nullptr));
    return false;
  }
  if (!language_problem.empty()) {
    GST_ELEMENT_ERROR(owner, LIBRARY, SETTINGS, ("Unsupported language."),
                      ("%s", language_problem.c_str()));
    return false;
  }
  if (!proxy_problem.empty()) {
    GST_ELEMENT_ERROR(owner, RESOURCE, SETTINGS, ("Invalid proxy."),
                      ("%s Set the proxy property to http://host:port or "
                       "socks5://host:port, or leave it empty.",
                       proxy_problem.c_str()));
    return false;
  }
  if (!ca_problem.empty()) {
    GST_ELEMENT_ERROR(owner, RESOURCE, OPEN_READ,
                      ("Cannot use the tls-ca-file."),
                      ("%s", ca_problem.c_str()));
    return false;
  }
  if (insecure)
    GST_ELEMENT_WARNING(owner, RESOURCE, SETTINGS,
                        ("TLS certificate checks are off (tls-strict=false)."),
                        ("Any server certificate is accepted, so the "
                         "connection can be intercepted: for testing only."));
  if (token_url_without_key) {
    GST_ELEMENT_ERROR_WITH_DETAILS(
        owner, RESOURCE, NOT_AUTHORIZED, ("No key for the token endpoint."),
        ("token-url mints temporary tokens with an API key (or a KeyPool "
         "team token): set api-key or " ASSEMBLYAI_API_KEY_ENV "."),
        ("url", G_TYPE_STRING, token_url.c_str(), nullptr));
    return false;
  }
  return true;
}

void Stream::stop()
{
  {
    std::lock_guard<std::mutex> l(core_->m);
    core_->flushing = true;
    core_->stream_open = false;
    /* Terminate (billing is per session time) and close; timers and
     * token requests in flight are void. */
    core_->machine.reset();
    core_->credentials.cancel();
  }
  core_->cond.notify_all();
  /* What was not delivered yet is of the stream that ends here. */
  core_->dispatcher->clear();
  core_->dispatcher->wait_running();
}

bool Stream::set_caps(GstCaps *caps)
{
  Core &c = *core_;
  GstStructure *st = gst_caps_get_structure(caps, 0);
  int rate = 0;
  gst_structure_get_int(st, "rate", &rate);
  Encoding enc = gst_structure_has_name(st, "audio/x-mulaw")
                     ? Encoding::PcmMulaw
                     : Encoding::PcmS16le;
  std::unique_lock<std::mutex> l(c.m);
  if (c.stream_open && c.active.sample_rate == rate && c.active.encoding == enc)
    return true; /* same format: keep streaming */
  if (c.stream_open) {
    /* A new format needs a new stream (the sample rate and encoding are
     * fixed at connection time): the old one first gets its last words,
     * also through an outage. */
    GST_INFO_OBJECT(c.owner, "format changed: ending the stream first");
    l.unlock();
    end_session();
    l.lock();
  }
  c.props.settings.sample_rate = rate;
  c.props.settings.encoding = enc;
  c.have_format = true;
  Settings eff = c.props.effective_settings();
  std::string problems = validate(eff);
  std::string error;
  bool url_ok =
      problems.empty() && !build_url(c.props.url, eff, "", &error).empty();
  if (problems.empty() && url_ok) {
    GST_INFO_OBJECT(c.owner, "audio: %s, %d Hz", encoding_wire_name(enc), rate);
    c.start_stream_locked();
    return true;
  }
  l.unlock();
  if (!problems.empty())
    GST_ELEMENT_ERROR(c.owner, LIBRARY, SETTINGS, ("Invalid settings."),
                      ("%s", problems.c_str()));
  else
    GST_ELEMENT_ERROR(c.owner, RESOURCE, NOT_FOUND, ("Invalid url."),
                      ("%s", error.c_str()));
  return false;
}

void Stream::set_live(bool live)
{
  std::lock_guard<std::mutex> l(core_->m);
  core_->live = live;
}

/* A new stream of audio: its own machine (timeline, replay buffer, first
 * session). */
void Stream::Core::start_stream_locked()
{
  if (machine) {
    sent_before += machine->audio_bytes_sent();
    reconnects = machine->reconnects();
    next_turn_order = machine->next_turn_order();
  }
  active = props.effective_settings();
  if (!props.settings.speech_model && !model_announced) {
    /* Said once per run: which model the language chose. */
    model_announced = true;
    ModelChoice mc = props.model_choice();
    std::string what = "Transcribing " + mc.language + " (language-code " +
                       props.language_code + ") with " + mc.model +
                       "; set speech-model to choose another model.";
    GST_INFO_OBJECT(owner, "%s", what.c_str());
    if (ElementRef e = element_ref())
      dispatcher->post([e, what]() {
        GST_ELEMENT_INFO(e.get(), LIBRARY, SETTINGS, ("%s", what.c_str()),
                         (nullptr));
      });
  }
  StreamParams p;
  p.sample_rate = active.sample_rate;
  p.encoding = active.encoding;
  p.chunk_ms = static_cast<unsigned>(active.chunk_duration_ms);
  /* Non-live input runs at most kFlowLeadMs ahead of the service; the
   * replay buffer then always holds what a new session must hear again
   * (that lead, plus the turn in progress). */
  p.flow_lead_ms = live ? 0 : kFlowLeadMs;
  p.replay_ms = live ? props.replay_ms
                     : std::max(props.replay_ms, kFlowLeadMs + kReplayMarginMs);
  p.reconnect_attempts = props.reconnect_attempts;
  p.reconnect_max_backoff_ms = props.reconnect_max_backoff_ms;
  p.terminate_timeout_ms = props.terminate_timeout_ms;
  p.formatted_follow_up = active.format_turns && *active.format_turns;
  p.live = live;
  p.first_turn_order = next_turn_order;
  p.reconnects_before = reconnects;
  std::string error;
  display_url = redact_url(build_url(props.url, active, "", &error));
  serial++;
  machine = std::make_unique<StreamMachine>(*this, p);
  stream_open = true;
  GST_DEBUG_OBJECT(owner,
                   "new stream (%s input, replay buffer %u ms, lead %u ms)",
                   live ? "live" : "non-live", p.replay_ms, p.flow_lead_ms);
  machine->start();
  deliver_locked();
}

GstFlowReturn Stream::push(GstBuffer *buf, const GstSegment &segment)
{
  Core &c = *core_;
  std::unique_lock<std::mutex> l(c.m);
  if (c.failed)
    return GST_FLOW_ERROR;
  if (c.flushing)
    return GST_FLOW_FLUSHING;
  if (!c.have_format) {
    l.unlock();
    GST_ELEMENT_ERROR(c.owner, CORE, NEGOTIATION, ("No caps before audio."),
                      ("Audio arrived before the stream format was known."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  /* After end_session() or a flush, the next audio starts a new stream. */
  if (!c.stream_open)
    c.start_stream_locked();
  const int bps = encoding_bytes_per_sample(c.active.encoding);
  GstBuffer *clipped = gst_audio_buffer_clip(gst_buffer_ref(buf), &segment,
                                             c.active.sample_rate, bps);
  if (!clipped)
    return GST_FLOW_OK; /* entirely outside the segment */

  GstMapInfo map;
  if (!gst_buffer_map(clipped, &map, GST_MAP_READ)) {
    gst_buffer_unref(clipped);
    l.unlock();
    GST_ELEMENT_ERROR(c.owner, RESOURCE, READ, (nullptr),
                      ("Could not map an audio buffer."));
    return GST_FLOW_ERROR;
  }
  uint64_t n_samples = map.size / static_cast<size_t>(bps);
  /* Non-live audio waits for the reconnection rather than push the audio
   * since the last completed turn out of the replay buffer. */
  c.cond.wait(l, [&]() {
    return !c.machine || !c.machine->must_wait(n_samples) || c.flushing ||
           c.failed || !c.stream_open;
  });
  GstFlowReturn ret = GST_FLOW_OK;
  if (c.failed) {
    ret = GST_FLOW_ERROR;
  } else if (c.flushing || !c.stream_open || !c.machine) {
    ret = GST_FLOW_FLUSHING;
  } else {
    MediaTimes start;
    GstClockTime pts = GST_BUFFER_PTS(clipped);
    if (GST_CLOCK_TIME_IS_VALID(pts)) {
      start.pts = pts;
      start.running_time =
          gst_segment_to_running_time(&segment, GST_FORMAT_TIME, pts);
      start.stream_time =
          gst_segment_to_stream_time(&segment, GST_FORMAT_TIME, pts);
    }
    c.machine->push(map.data, n_samples * bps, start);
    c.deliver_locked();
  }
  gst_buffer_unmap(clipped, &map);
  gst_buffer_unref(clipped);
  return ret;
}

void Stream::drain()
{
  Core &c = *core_;
  {
    std::unique_lock<std::mutex> l(c.m);
    if (!c.stream_open || !c.machine || c.failed || c.flushing)
      return;
    c.machine->drain();
    c.deliver_locked();
    /* The machine bounds the wait: terminate-timeout after each
     * Terminate, then a reconnection or the stream's failure. */
    c.cond.wait(l, [&]() {
      return !c.machine || c.machine->drained() || c.flushing || c.detached;
    });
    GST_DEBUG_OBJECT(c.owner, "drain over (failed %d, flushing %d)", c.failed,
                     c.flushing);
  }
  /* Every notice reached the bus and the hooks: an error before the EOS,
   * every word queued before it. */
  c.dispatcher->wait_idle();
}

void Stream::end_session()
{
  drain();
  std::lock_guard<std::mutex> l(core_->m);
  if (core_->failed || core_->flushing || !core_->machine)
    return;
  core_->stream_open = false;
  core_->machine->stop();
}

bool Stream::has_audio() const
{
  std::lock_guard<std::mutex> l(core_->m);
  return core_->stream_open && core_->machine &&
         core_->machine->total_samples() > 0;
}

void Stream::resume()
{
  std::lock_guard<std::mutex> l(core_->m);
  core_->flushing = false;
}

void Stream::set_flushing(bool flushing)
{
  {
    std::lock_guard<std::mutex> l(core_->m);
    core_->flushing = flushing;
  }
  core_->cond.notify_all();
}

void Stream::settings_changed(const Settings &before)
{
  Core &c = *core_;
  std::string names;
  {
    std::lock_guard<std::mutex> l(c.m);
    if (!c.stream_open || !c.machine || before == c.props.settings)
      return;
    Settings now = c.props.effective_settings();
    std::optional<std::string> msg =
        update_configuration_message(c.active, now);
    if (msg) {
      GST_INFO_OBJECT(c.owner, "sending %s", msg->c_str());
      c.machine->send_control(*msg);
    }
    for (const auto &n : immutable_changes(c.active, now))
      names += (names.empty() ? "" : ", ") + n;
    /* Remember what the service now has (a reconnection opens its session
     * with these too): the fixed parameters keep the values the stream was
     * opened with. */
    c.active = applied_settings(c.active, now);
  }
  if (!names.empty())
    GST_ELEMENT_WARNING(c.owner, LIBRARY, SETTINGS,
                        ("Changed settings apply to the next stream only."),
                        ("%s cannot change during a stream.", names.c_str()));
}

void Stream::force_endpoint()
{
  std::lock_guard<std::mutex> l(core_->m);
  if (core_->machine && core_->stream_open) {
    GST_DEBUG_OBJECT(core_->owner, "ForceEndpoint");
    core_->machine->send_control(force_endpoint_message());
  }
}

std::string Stream::session_id() const
{
  std::lock_guard<std::mutex> l(core_->m);
  return core_->machine ? core_->machine->session_id() : std::string();
}

uint64_t Stream::audio_sent() const
{
  std::lock_guard<std::mutex> l(core_->m);
  return core_->sent_before +
         (core_->machine ? core_->machine->audio_bytes_sent() : 0);
}

guint Stream::reconnects() const
{
  std::lock_guard<std::mutex> l(core_->m);
  return core_->machine ? core_->machine->reconnects() : core_->reconnects;
}

MediaTimes Stream::transcribed_position() const
{
  std::lock_guard<std::mutex> l(core_->m);
  if (!core_->machine)
    return MediaTimes();
  return core_->machine->times_at_ms(core_->machine->transcribed_ms());
}

bool Stream::answer_position(GstQuery *query) const
{
  GstFormat format;
  gst_query_parse_position(query, &format, nullptr);
  MediaTimes t = transcribed_position();
  if (format != GST_FORMAT_TIME || t.stream_time == MediaTimes::kNone)
    return false;
  gst_query_set_position(query, GST_FORMAT_TIME,
                         static_cast<gint64>(t.stream_time));
  return true;
}

MediaTimes Stream::times_at_ms(int64_t ms) const
{
  std::lock_guard<std::mutex> l(core_->m);
  return core_->machine ? core_->machine->times_at_ms(ms) : MediaTimes();
}

}  // namespace aai
