/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaiagentdriver.h"

#include <algorithm>
#include <chrono>

#include "core/config.h"
#include "user_agent.h"

GST_DEBUG_CATEGORY_STATIC(agent_driver_debug);
#define GST_CAT_DEFAULT agent_driver_debug

namespace aai
{

namespace
{
/* How long the service keeps a session after a disconnect. */
constexpr int64_t kGraceMs = 30000;
/* Caller audio held while there is no ready session. */
constexpr unsigned kMaxPendingMs = 10000;
/* Silence the service hears after the input's end before the element
 * concludes the caller said everything (more than max-silence when that
 * is set): the service's end of turn comes from silence. */
constexpr unsigned kEndSilenceMs = 2000;
/* Caller audio per input.audio message (the documented ~50 ms). */
constexpr unsigned kInputChunkMs = 50;
/* Connections get this long to end at READY->NULL (a close handshake is
 * forced after 1 s). */
constexpr unsigned kEndWaitMs = 5000;

void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(agent_driver_debug, "assemblyaiagent", 0,
                            "AssemblyAI voice agent conversation");
    g_once_init_leave(&once, 1);
  }
}

int64_t now_ms()
{
  return g_get_monotonic_time() / 1000;
}

/* The type of a message in the log (audio at LOG level, the rest at
 * DEBUG); never its content, which is the conversation's. */
void log_message(GstElement *owner, const char *what, const std::string &type)
{
  if (type == "input.audio" || type == "reply.audio")
    GST_LOG_OBJECT(owner, "%s %s", what, type.c_str());
  else
    GST_DEBUG_OBJECT(owner, "%s %s", what, type.c_str());
}

/* The type of a message we built (they all start with it). */
std::string sent_type(const std::string &json)
{
  const char kType[] = "{\"type\":\"";
  const size_t at = sizeof kType - 1;
  if (json.compare(0, at, kType) != 0)
    return "?";
  return json.substr(at, json.find('"', at) - at);
}

/* CredentialSource's answer in the agent's terms. */
AgentProblem credential_problem(const CredentialFailure &f)
{
  using P = CredentialFailure::Problem;
  AgentProblem p;
  p.http_status = f.http_status;
  p.summary = f.summary;
  p.detail = f.text;
  switch (f.problem) {
    case P::NotAuthorized:
      p.kind = AgentProblem::Kind::Auth;
      break;
    case P::Settings:
      p.kind = AgentProblem::Kind::Settings;
      break;
    case P::Busy:
      p.kind = AgentProblem::Kind::Busy;
      break;
    case P::Unreachable:
      p.kind = AgentProblem::Kind::Connection;
      break;
  }
  return p;
}

/* What CredentialSource reads: the agent presents the API key (at the
 * token endpoint and on the WebSocket) as "Authorization: Bearer". */
SharedProps credential_props(const AgentConnectSettings &s)
{
  SharedProps p;
  p.api_key = s.api_key;
  p.token = s.token;
  p.token_url = s.token_url;
  p.auth_scheme = AuthMode::Bearer;
  p.max_session_duration_s = s.max_session_duration_s;
  p.proxy = s.net.proxy;
  p.tls_ca_file = s.net.tls_ca_file;
  p.tls_strict = s.net.tls_strict;
  p.connect_timeout_ms = s.connect_timeout_ms;
  return p;
}
}  // namespace

/* Timers, token answers and connection callbacks reach the driver through
 * the anchor; the destructor clears it (waiting for a callback in
 * progress), so a late one finds nobody. */
struct AgentDriver::Anchor {
  std::mutex m;
  AgentDriver *driver = nullptr;
};

AgentDriver::AgentDriver(GstElement *owner,
                         AgentOutput *output,
                         Hooks hooks,
                         guint request_token_signal)
    : owner_(owner),
      output_(output),
      hooks_(std::move(hooks)),
      anchor_(std::make_shared<Anchor>()),
      credentials_(owner)
{
  ensure_debug_category();
  credentials_.set_request_token_signal(request_token_signal);
  anchor_->driver = this;
  output_->set_tick([this]() { tick(); });
}

AgentDriver::~AgentDriver()
{
  output_->set_tick(nullptr);
  deactivate();
  {
    std::lock_guard<std::mutex> g(anchor_->m);
    anchor_->driver = nullptr;
  }
  close();
}

void AgentDriver::open()
{
  std::lock_guard<std::mutex> l(lock_);
  if (!io_)
    io_ = IoThread::acquire();
}

void AgentDriver::close()
{
  std::vector<std::shared_ptr<AgentConnection>> conns;
  std::shared_ptr<IoThread> io;
  {
    std::lock_guard<std::mutex> l(lock_);
    conns.swap(conns_);
    io = std::move(io_);
  }
  for (auto &c : conns) {
    c->shutdown();
    if (!c->wait_ended(kEndWaitMs))
      GST_WARNING_OBJECT(owner_, "a connection did not end in time");
  }
  conns.clear();
  /* The last reference may stop the I/O thread: never with a lock held. */
  io.reset();
}

void AgentDriver::activate()
{
  std::lock_guard<std::mutex> l(lock_);
  stopping_ = false;
  flushing_ = false;
}

void AgentDriver::deactivate()
{
  {
    std::lock_guard<std::mutex> l(lock_);
    stopping_ = true;
    if (machine_)
      execute_locked(machine_->stop());
    retire_locked();
    machine_.reset();
    credentials_.cancel();
    conv_gen_++;
    cred_gen_++;
  }
  cond_.notify_all();
  /* What was not delivered is of the conversation that ends here. */
  dispatcher_->clear();
  dispatcher_->wait_running();
}

void AgentDriver::begin(const AgentConfig &config,
                        const AgentConnectSettings &s)
{
  std::lock_guard<std::mutex> l(lock_);
  settings_ = s;
  std::string error;
  display_url_ = redact_url(agent_url(s.url, "", &error));
  AgentMachineOptions o;
  o.reconnect_attempts = s.reconnect_attempts;
  o.max_backoff_ms = s.reconnect_max_backoff_ms;
  o.grace_ms = kGraceMs;
  const int rate = agent_encoding_rate(config.input);
  const int bps = agent_encoding_bytes_per_sample(config.input);
  input_bytes_per_ms_ = rate / 1000 * bps;
  o.max_pending_bytes = static_cast<size_t>(kMaxPendingMs) *
                        static_cast<size_t>(input_bytes_per_ms_);
  max_pending_bytes_ = o.max_pending_bytes;
  end_silence_ms_ = kEndSilenceMs;
  if (config.max_silence_ms && *config.max_silence_ms > 0)
    end_silence_ms_ = std::max<unsigned>(
        kEndSilenceMs, static_cast<unsigned>(*config.max_silence_ms) + 500);
  o.display_url = display_url_;
  machine_ = std::make_unique<AgentMachine>(config, o);
  chunker_ = std::make_unique<Chunker>(rate, bps, kInputChunkMs,
                                       agent_encoding_silence(config.input));
  conv_gen_++;
  credentials_.reset();
  input_ended_ = false;
  trailing_silence_ms_ = 0;
  finished_ = false;
  failed_ = false;
  reply_pts_ = GST_CLOCK_TIME_NONE;
  reply_length_ = 0;
  execute_locked(machine_->start());
}

bool AgentDriver::running() const
{
  std::lock_guard<std::mutex> l(lock_);
  return machine_ != nullptr;
}

/* ---- carrying out the machine's actions (lock held) ---- */

AgentTiming AgentDriver::timing_locked(const AgentAction &a)
{
  AgentTiming t;
  t.running_time = output_->position();
  if (!a.event)
    return t;
  if (std::holds_alternative<AgentReplyStarted>(*a.event)) {
    reply_pts_ = GST_CLOCK_TIME_NONE;
    reply_length_ = 0;
  } else if (const auto *tr = std::get_if<AgentTranscript>(&*a.event)) {
    t.text_pts =
        GST_CLOCK_TIME_IS_VALID(reply_pts_) ? reply_pts_ : t.running_time;
    t.text_duration = reply_length_;
    /* Cut short: only what was heard. */
    if (tr->interrupted && GST_CLOCK_TIME_IS_VALID(reply_pts_) &&
        GST_CLOCK_TIME_IS_VALID(t.running_time))
      t.text_duration = std::min<GstClockTime>(
          reply_length_,
          t.running_time > reply_pts_ ? t.running_time - reply_pts_ : 0);
  } else if (std::holds_alternative<AgentUserTranscript>(*a.event)) {
    t.text_pts = t.running_time;
  }
  return t;
}

void AgentDriver::execute_locked(AgentActions actions)
{
  using Kind = AgentAction::Kind;
  for (AgentAction &a : actions) {
    switch (a.kind) {
      case Kind::Connect:
        connect_locked();
        break;
      case Kind::Send:
        log_message(owner_, "sending", sent_type(a.text));
        if (conn_)
          conn_->send_text(std::move(a.text));
        break;
      case Kind::Play: {
        GstClockTime at = output_->queue_audio(a.audio);
        if (!GST_CLOCK_TIME_IS_VALID(reply_pts_))
          reply_pts_ = at;
        reply_length_ += gst_util_uint64_scale(
            a.audio.size(), GST_MSECOND,
            static_cast<guint64>(
                agent_encoding_rate(machine_->config().output) / 1000 *
                agent_encoding_bytes_per_sample(machine_->config().output)));
        break;
      }
      case Kind::CutPlayback:
        output_->cut();
        break;
      case Kind::Notify: {
        AgentTiming t = timing_locked(a);
        post_locked([this, a, t]() { hooks_.event(a, t); });
        break;
      }
      case Kind::ToolCall: {
        AgentToolCall call = std::get<AgentToolCall>(*a.event);
        post_locked([this, call]() {
          std::optional<std::string> result = hooks_.tool_call(call);
          if (result)
            tool_result(call.call_id, *result);
        });
        break;
      }
      case Kind::Warn:
        post_problem(a.problem, false);
        break;
      case Kind::Fail:
        failed_ = true;
        post_problem(a.problem, true);
        break;
      case Kind::Close:
        retire_locked();
        break;
      case Kind::RetryLater: {
        std::shared_ptr<Anchor> anchor = anchor_;
        uint64_t gen = conv_gen_;
        io_->post_delayed(a.delay_ms, [anchor, gen]() {
          std::lock_guard<std::mutex> g(anchor->m);
          if (anchor->driver)
            anchor->driver->retry_due(gen);
        });
        break;
      }
      case Kind::Finished:
        finished_ = true;
        break;
    }
  }
  cond_.notify_all();
}

void AgentDriver::post_problem(const AgentProblem &p, bool fatal)
{
  if (fatal)
    GST_WARNING_OBJECT(owner_, "%s", p.summary.c_str());
  post_locked([this, p, fatal]() { hooks_.problem(p, fatal); });
}

/* Nothing is queued once the element left PAUSED: deactivate() waits for
 * the dispatcher only once. */
void AgentDriver::post_locked(std::function<void()> job)
{
  if (!stopping_)
    dispatcher_->post(std::move(job));
}

void AgentDriver::retire_locked()
{
  if (conn_)
    conn_->shutdown();
  conn_.reset();
  conn_id_ = 0;
}

/* A credential for the next connection, in the order the other elements
 * use: the request-token signal, a token minted at token-url, the token
 * property (once), the API key. */
void AgentDriver::connect_locked()
{
  uint64_t gen = ++cred_gen_;
  std::shared_ptr<Anchor> anchor = anchor_;
  /* Ended connections are let go here, off the I/O thread's last
   * reference. */
  conns_.erase(std::remove_if(conns_.begin(), conns_.end(),
                              [](const std::shared_ptr<AgentConnection> &c) {
                                return c->ended();
                              }),
               conns_.end());
  std::optional<CredentialAnswer> now =
      credentials_.get(credential_props(settings_), io_,
                       [anchor, gen](const CredentialAnswer &answer) {
                         std::lock_guard<std::mutex> g(anchor->m);
                         if (anchor->driver)
                           anchor->driver->credential(gen, answer);
                       });
  if (!now)
    return;
  if (const auto *c = std::get_if<Credential>(&*now)) {
    open_connection_locked(*c);
    return;
  }
  /* A failure is reported from the I/O thread: this may run inside a
   * machine step. */
  CredentialAnswer answer = *now;
  io_->post([anchor, gen, answer]() {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->driver)
      anchor->driver->credential(gen, answer);
  });
}

void AgentDriver::open_connection_locked(const Credential &c)
{
  const bool is_token = c.mode == AuthMode::QueryToken;
  std::string error;
  std::string url = agent_url(settings_.url, is_token ? c.value : "", &error);
  ConnectParams p;
  p.url = url;
  p.display_url = redact_url(url);
  p.connect_timeout_ms = settings_.connect_timeout_ms;
  p.net = settings_.net;
  p.headers.emplace_back("User-Agent", kUserAgent);
  /* The Voice Agent API takes the key as a Bearer token; a temporary
   * token travels in the query. */
  if (!is_token)
    p.headers.emplace_back("Authorization", "Bearer " + c.value);
  uint64_t id = ++last_conn_id_;
  std::shared_ptr<Anchor> anchor = anchor_;
  AgentConnection::Callbacks cb;
  cb.open = [anchor, id]() {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->driver)
      anchor->driver->on_open(id);
  };
  cb.text = [anchor, id](const std::string &raw) {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->driver)
      anchor->driver->on_text(id, raw);
  };
  cb.end = [anchor, id](const EndReport &r) {
    std::lock_guard<std::mutex> g(anchor->m);
    if (anchor->driver)
      anchor->driver->on_end(id, r);
  };
  GST_INFO_OBJECT(owner_, "connecting to %s", p.display_url.c_str());
  conn_ = AgentConnection::create(io_, std::move(cb));
  conn_id_ = id;
  conns_.push_back(conn_);
  conn_->connect(std::move(p));
}

void AgentDriver::credential(uint64_t gen, const CredentialAnswer &answer)
{
  std::lock_guard<std::mutex> l(lock_);
  if (gen != cred_gen_ || !machine_ || stopping_)
    return;
  if (const auto *c = std::get_if<Credential>(&answer)) {
    open_connection_locked(*c);
    return;
  }
  const auto &f = std::get<CredentialFailure>(answer);
  execute_locked(machine_->credential_failed(credential_problem(f),
                                             f.retry != Retry::Never));
}

/* ---- connection callbacks (I/O thread) ---- */

void AgentDriver::on_open(uint64_t id)
{
  std::lock_guard<std::mutex> l(lock_);
  if (id != conn_id_ || !machine_)
    return;
  execute_locked(machine_->opened(now_ms()));
  /* session.ready must follow within connect-timeout too. */
  if (settings_.connect_timeout_ms > 0) {
    std::shared_ptr<Anchor> anchor = anchor_;
    io_->post_delayed(settings_.connect_timeout_ms, [anchor, id]() {
      std::lock_guard<std::mutex> g(anchor->m);
      if (anchor->driver)
        anchor->driver->ready_timeout(id);
    });
  }
}

void AgentDriver::ready_timeout(uint64_t id)
{
  std::lock_guard<std::mutex> l(lock_);
  if (id != conn_id_ || !machine_ || machine_->ready() || machine_->done())
    return;
  GST_INFO_OBJECT(owner_, "no session.ready within connect-timeout");
  retire_locked();
  EndReport r;
  r.kind = EndReport::Kind::Timeout;
  execute_locked(machine_->ended(r, now_ms()));
}

void AgentDriver::on_text(uint64_t id, const std::string &raw)
{
  std::lock_guard<std::mutex> l(lock_);
  if (id != conn_id_ || !machine_)
    return;
  AgentParseResult r = parse_agent_event(raw.data(), raw.size());
  if (!r.event) {
    execute_locked(machine_->malformed(r.error, raw));
    return;
  }
  log_message(owner_, "received", agent_event_type(*r.event));
  execute_locked(machine_->received(*r.event, raw, now_ms()));
}

void AgentDriver::on_end(uint64_t id, const EndReport &r)
{
  std::lock_guard<std::mutex> l(lock_);
  if (id != conn_id_ || !machine_)
    return;
  GST_DEBUG_OBJECT(owner_, "connection ended: %s, close code %d",
                   end_reason_name(r), r.close_code);
  conn_.reset();
  conn_id_ = 0;
  execute_locked(machine_->ended(r, now_ms()));
}

void AgentDriver::retry_due(uint64_t gen)
{
  std::lock_guard<std::mutex> l(lock_);
  if (gen != conv_gen_ || !machine_ || stopping_)
    return;
  execute_locked(machine_->retry_due());
}

/* ---- caller audio ---- */

void AgentDriver::feed_locked(std::vector<std::vector<uint8_t>> frames)
{
  for (auto &f : frames)
    execute_locked(machine_->audio(std::move(f)));
}

bool AgentDriver::push_audio(const uint8_t *data,
                             size_t size,
                             bool wait_for_room)
{
  {
    std::unique_lock<std::mutex> l(lock_);
    if (wait_for_room)
      cond_.wait(l, [&]() {
        return !machine_ || stopping_ || failed_ || flushing_ ||
               machine_->ready() || machine_->done() ||
               machine_->pending_bytes() + size <= max_pending_bytes_;
      });
    if (!machine_)
      return true;
    if (!failed_) {
      feed_locked(chunker_->push(data, size));
      return true;
    }
  }
  /* The error goes on the bus before upstream hears of it. */
  dispatcher_->wait_idle();
  return false;
}

/* After every output chunk (output task). Once the caller's audio ended
 * the line stays open: the service hears silence, so its turn detection
 * and replies go on while the element waits for the end. */
void AgentDriver::tick()
{
  {
    std::lock_guard<std::mutex> l(lock_);
    if (machine_ && input_ended_ && !machine_->done()) {
      size_t bytes = static_cast<size_t>(input_bytes_per_ms_) *
                     (AgentOutput::kChunk / GST_MSECOND);
      std::vector<uint8_t> silence(
          bytes, agent_encoding_silence(machine_->config().input));
      feed_locked(chunker_->push(silence.data(), silence.size()));
      trailing_silence_ms_ += AgentOutput::kChunk / GST_MSECOND;
    }
  }
  cond_.notify_all();
}

void AgentDriver::set_flushing(bool flushing)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    flushing_ = flushing;
  }
  cond_.notify_all();
}

void AgentDriver::finish(unsigned timeout_ms)
{
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock<std::mutex> l(lock_);
  if (!machine_)
    return;
  input_ended_ = true;
  auto over = [this]() {
    return !machine_ || stopping_ || failed_ || finished_ || machine_->done();
  };
  /* Let the service hear the end (a session is up, everything held for
   * it went out, and then enough silence to end the last turn), the agent
   * answer what was said and finish speaking. */
  bool in_time = cond_.wait_until(l, deadline, [&]() {
    return over() ||
           (machine_->ready() && trailing_silence_ms_ >= end_silence_ms_ &&
            machine_->settled() && output_->idle());
  });
  if (!over()) {
    if (!in_time)
      GST_INFO_OBJECT(owner_, "still busy at the end-timeout; ending anyway");
    execute_locked(machine_->finish());
    in_time = cond_.wait_until(l, deadline, over) && in_time;
  }
  if (!in_time && machine_ && !failed_ && !stopping_) {
    post_problem(
        agent_problem(
            AgentProblem::Kind::Connection,
            "The conversation did not end in time.",
            "At the end of the input the agent was still busy or the "
            "service did not confirm session.ended within end-timeout; the "
            "last reply may be cut short. Raise end-timeout to wait longer."),
        false);
    execute_locked(machine_->stop());
  }
  l.unlock();
  /* Everything the conversation posted is on the bus before the EOS. */
  dispatcher_->wait_idle();
}

/* ---- the application ---- */

std::vector<std::string> AgentDriver::change_config(const AgentConfig &wanted)
{
  std::vector<std::string> refused;
  std::lock_guard<std::mutex> l(lock_);
  if (machine_)
    execute_locked(machine_->change_config(wanted, &refused));
  return refused;
}

bool AgentDriver::configured() const
{
  std::lock_guard<std::mutex> l(lock_);
  return machine_ && machine_->configured();
}

bool AgentDriver::tool_result(const std::string &call_id,
                              const std::string &result)
{
  std::lock_guard<std::mutex> l(lock_);
  if (!machine_)
    return false;
  AgentActions a = machine_->tool_result(call_id, result);
  bool sent_or_held = a.empty() || a.front().kind != AgentAction::Kind::Warn;
  execute_locked(std::move(a));
  return sent_or_held;
}

void AgentDriver::create_reply(const std::optional<std::string> &instructions)
{
  std::lock_guard<std::mutex> l(lock_);
  if (machine_)
    execute_locked(machine_->create_reply(instructions));
}

std::string AgentDriver::session_id() const
{
  std::lock_guard<std::mutex> l(lock_);
  return machine_ ? machine_->session_id() : std::string();
}

uint64_t AgentDriver::audio_sent() const
{
  std::lock_guard<std::mutex> l(lock_);
  return machine_ ? machine_->audio_sent() : 0;
}

uint64_t AgentDriver::agent_audio_received() const
{
  std::lock_guard<std::mutex> l(lock_);
  return machine_ ? machine_->agent_audio_received() : 0;
}

std::string AgentDriver::display_url() const
{
  std::lock_guard<std::mutex> l(lock_);
  return display_url_;
}

}  // namespace aai
