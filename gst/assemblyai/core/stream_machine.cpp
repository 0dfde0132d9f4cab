/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "stream_machine.h"

#include <algorithm>

namespace aai
{

namespace
{
/* A session that got somewhere (a completed turn, or this long) starts a
 * new count of attempts: a service that accepts and then closes at once
 * must not be retried forever. */
constexpr int64_t kProgressMs = 30000;
/* Begin.expires_at further away than this is not a real session limit
 * (3 hours is the documented maximum): no rollover is planned for it. */
constexpr int64_t kMaxSessionSeconds = 7 * 24 * 3600;
/* Longest rollover window (before expiry) in which a turn boundary is
 * awaited. */
constexpr int64_t kMaxRolloverWindowMs = 60000;
/* The most audio the service buffers ahead of its processing (a 3007
 * close beyond). */
constexpr int64_t kMaxBacklogMs = 300000;

uint64_t ns_of_samples(uint64_t samples, int rate)
{
  return static_cast<uint64_t>(static_cast<unsigned __int128>(samples) *
                               1000000000u / static_cast<unsigned>(rate));
}

std::string ms_text(uint64_t samples, int rate)
{
  return std::to_string(ns_of_samples(samples, rate) / 1000000) + " ms";
}
}  // namespace

MediaTimes EventNotice::at(int64_t ms) const
{
  auto it =
      std::lower_bound(times.begin(), times.end(), ms,
                       [](const TimeAt &t, int64_t v) { return t.ms < v; });
  if (it != times.end() && it->ms == ms)
    return it->times;
  if (it != times.begin())
    return (it - 1)->times;
  return it != times.end() ? it->times : MediaTimes();
}

std::optional<MediaTimes> EventNotice::find(int64_t ms) const
{
  auto it =
      std::lower_bound(times.begin(), times.end(), ms,
                       [](const TimeAt &t, int64_t v) { return t.ms < v; });
  if (it != times.end() && it->ms == ms)
    return it->times;
  return std::nullopt;
}

struct StreamMachine::Leg {
  uint64_t id = 0; /* unique in the stream (timers name legs by it) */
  std::unique_ptr<Link> link;
  std::unique_ptr<Chunker> chunker;
  uint64_t base = 0;             /* stream sample of the leg's sample 0 */
  int64_t base_ms = 0;           /* ... in ms (whole by construction) */
  int64_t turn_base = 0;         /* stream turn_order of the leg's turn 0 */
  int64_t dedup_before_ms = 0;   /* words before this were delivered */
  int64_t last_turn_order = -1;  /* the session's own numbering */
  int64_t ended_turn_order = -1; /* ... of its last end of turn */
  bool ended_turn_formatted = false;
  std::string reason;            /* why it continues the stream, if it does */
  uint64_t replayed_samples = 0; /* audio sent again at its start */
  uint64_t lost_samples = 0;     /* audio that could not be sent again */
  std::string session_id;
  bool began = false;
  int64_t began_at_ms = 0;
  bool completed_turn = false; /* made progress: a turn ended in it */
  bool terminate_sent = false;
  bool premature_termination = false; /* a Termination that missed audio */
  bool rollover_due = false;
};

StreamMachine::StreamMachine(StreamEnv &env, const StreamParams &params)
    : env_(env),
      params_(params),
      replay_(params.sample_rate,
              encoding_bytes_per_sample(params.encoding),
              static_cast<uint64_t>(params.replay_ms) *
                  static_cast<uint64_t>(params.sample_rate) / 1000),
      timeline_(params.sample_rate),
      next_turn_order_(params.first_turn_order),
      reconnects_(params.reconnects_before)
{
}

void StreamMachine::start()
{
  request_credential(false);
}

StreamMachine::~StreamMachine()
{
  stop();
}

/* ---- audio ---- */

void StreamMachine::push(const uint8_t *data,
                         size_t size,
                         const MediaTimes &start)
{
  const size_t bps =
      static_cast<size_t>(encoding_bytes_per_sample(params_.encoding));
  uint64_t n = size / bps;
  if (n == 0 || stopped_)
    return;
  MediaTimes at = start;
  if (at.pts == MediaTimes::kNone)
    at = timeline_.at_sample(timeline_.total_samples());
  timeline_.append(n, at);
  replay_.append(data, n * bps);
  if (leg_) {
    for (auto &f : leg_->chunker->push(data, n * bps))
      leg_->link->send_audio(std::move(f));
  }
  maybe_progress();
}

bool StreamMachine::must_wait(uint64_t n_samples)
{
  if (params_.live || failed_ || stopped_)
    return false;
  bool connected = leg_ && leg_->began;
  if (!connected && replay_.would_drop(n_samples, committed_))
    return true;
  if (params_.flow_lead_ms == 0)
    return false;
  /* What the service showed it processed, or real time since the session
   * began (safe: the docs ask for no more than real time); before a
   * session began, what the last one finished. */
  int64_t now = env_.monotonic_ms();
  int64_t progress = std::max(heard_ms_, committed_ms());
  if (connected)
    progress = std::max(progress, leg_->base_ms + (now - leg_->began_at_ms));
  int64_t allowed = progress + params_.flow_lead_ms;
  int64_t want = pushed_ms() + static_cast<int64_t>(
                                   n_samples * 1000 /
                                   static_cast<uint64_t>(params_.sample_rate));
  if (want <= allowed)
    return false;
  if (!flow_wake_pending_ && connected) {
    /* Real time alone allows it then; progress may come sooner. */
    flow_wake_pending_ = true;
    start_timer(TimerKind::FlowWake, leg_->id,
                static_cast<unsigned>(std::max<int64_t>(want - allowed, 10)));
    env_.log(LogLevel::Debug,
             "flow control: " + std::to_string(want - heard_ms_) +
                 " ms ahead of the service, waiting");
  }
  return true;
}

int64_t StreamMachine::pushed_ms() const
{
  return static_cast<int64_t>(timeline_.total_samples() * 1000 /
                              static_cast<uint64_t>(params_.sample_rate));
}

/* terminate-timeout, plus the time the service needs for what it had not
 * processed yet at the documented 1.25x (bounded by the flow lead, or by
 * the 5 minutes the service buffers at most). */
unsigned StreamMachine::drain_deadline_ms() const
{
  int64_t behind = std::max<int64_t>(pushed_ms() - heard_ms_, 0);
  behind = std::min<int64_t>(
      behind, params_.flow_lead_ms ? params_.flow_lead_ms : kMaxBacklogMs);
  return params_.terminate_timeout_ms + static_cast<unsigned>(behind * 4 / 5);
}

void StreamMachine::heard(int64_t stream_ms)
{
  if (stream_ms > heard_ms_)
    heard_ms_ = std::min(stream_ms, pushed_ms());
}

/* About once a second of wall time, while the stream makes progress. */
void StreamMachine::maybe_progress()
{
  int64_t now = env_.monotonic_ms();
  if (started_ms_ < 0 || now - last_progress_ms_ < 1000)
    return;
  last_progress_ms_ = now;
  ProgressNotice p;
  p.sent_ns = static_cast<uint64_t>(pushed_ms()) * 1000000u;
  p.transcribed_ns = static_cast<uint64_t>(heard_ms_) * 1000000u;
  p.transcribed = timeline_.at_ms(heard_ms_);
  int64_t wall = now - started_ms_;
  p.realtime_factor = wall > 0 ? static_cast<double>(heard_ms_) / wall : 0.0;
  notices_.emplace_back(p);
}

void StreamMachine::drain()
{
  if (stopped_ || failed_ || draining_)
    return;
  draining_ = true;
  drained_ = false;
  env_.log(LogLevel::Debug, "end of the audio: draining");
  if (leg_)
    finish_leg(*leg_);
  /* Without a session the next one is finished as it opens. */
}

/* The end of the audio on @leg: the last partial chunk (padded to the
 * 50 ms the service needs) and Terminate; it has terminate-timeout from
 * its Begin to send Termination. */
void StreamMachine::finish_leg(Leg &leg)
{
  size_t padding = 0;
  std::vector<uint8_t> last = leg.chunker->flush(&padding);
  if (!last.empty()) {
    if (padding && !padded_) {
      /* Give the padding times too (once: later legs pad the same end). */
      const size_t bps =
          static_cast<size_t>(encoding_bytes_per_sample(params_.encoding));
      uint64_t total = timeline_.total_samples();
      timeline_.append(padding / bps, timeline_.at_sample(total));
      padded_ = true;
    }
    leg.link->send_audio(std::move(last));
  }
  leg.link->send_text(terminate_message());
  leg.terminate_sent = true;
  if (leg.began)
    start_timer(TimerKind::DrainDeadline, leg.id, drain_deadline_ms());
}

void StreamMachine::stop()
{
  if (stopped_)
    return;
  stopped_ = true;
  gen_++;
  credential_request_ = 0;
  timers_.clear();
  prepared_.reset();
  /* Leaving: tell the service we are done (billing is per session time),
   * then close without waiting for the answer. */
  if (leg_)
    retire_leg(std::move(leg_), true);
}

void StreamMachine::send_control(const std::string &message)
{
  if (leg_ && !stopped_)
    leg_->link->send_text(message);
}

bool StreamMachine::connected() const
{
  return leg_ && leg_->began;
}

/* ---- legs ---- */

void StreamMachine::request_credential(bool rollover)
{
  uint64_t request = ++last_request_;
  credential_request_ = request;
  credential_for_rollover_ = rollover;
  auto answer = env_.request_credential(request, rollover);
  if (!answer)
    return;
  if (const auto *c = std::get_if<Credential>(&*answer))
    credential_ready(request, *c);
  else
    credential_failed(request, std::get<CredentialFailure>(*answer));
}

void StreamMachine::credential_ready(uint64_t request, const Credential &cred)
{
  if (request != credential_request_ || stopped_ || failed_)
    return;
  credential_request_ = 0;
  if (credential_for_rollover_) {
    env_.log(LogLevel::Debug, "credential for the rollover ready");
    prepared_ = cred;
    return;
  }
  if (leg_)
    return; /* a session came up meanwhile */
  open_leg(cred, nullptr);
}

void StreamMachine::credential_failed(uint64_t request,
                                      const CredentialFailure &f)
{
  if (request != credential_request_ || stopped_ || failed_)
    return;
  credential_request_ = 0;
  if (credential_for_rollover_) {
    /* The running session goes on; if it expires, the reconnection tries
     * again (and reports what fails then). */
    env_.log(LogLevel::Warning, "no credential for the rollover: " + f.summary);
    return;
  }
  if (std::optional<unsigned> delay = retry_later(f.retry)) {
    env_.log(LogLevel::Info, "no credential (" + f.summary + "), retrying in " +
                                 std::to_string(*delay) + " ms");
    notices_.emplace_back(CredentialRetryNotice{f, *delay});
    return;
  }
  FailedNotice n;
  n.credential = f;
  n.attempts = f.retry == Retry::Never ? 0 : attempt_;
  fail_stream(std::move(n));
}

/* Opens a session that starts with the replay: the audio since the end of
 * the last completed turn (all of it, for the first session). */
void StreamMachine::open_leg(const Credential &cred, const char *reason)
{
  auto leg = std::make_unique<Leg>();
  leg->id = ++last_leg_id_;
  /* A credential prepared for the old session's rollover is not for this
   * one (a token minted long ago may have expired). */
  prepared_.reset();
  uint64_t want = replay_.align_down(committed_);
  leg->base = std::max(want, replay_.start());
  leg->lost_samples = leg->base - want;
  leg->base_ms = replay_.ms_of(leg->base);
  leg->turn_base = next_turn_order_;
  leg->dedup_before_ms = replay_.ms_of(committed_);
  /* After an outage, why the last session ended. */
  leg->reason = reason ? reason : outage_ ? outage_reason_ : "";
  leg->chunker = std::make_unique<Chunker>(
      params_.sample_rate, encoding_bytes_per_sample(params_.encoding),
      params_.chunk_ms, params_.encoding == Encoding::PcmMulaw ? 0xFF : 0x00);
  leg->link = env_.open_link(leg->id, cred);

  leg->replayed_samples = replay_.end() - leg->base;
  replay_.read_from(leg->base, [&leg](const uint8_t *data, size_t size) {
    for (auto &f : leg->chunker->push(data, size))
      leg->link->send_audio(std::move(f));
  });
  env_.log(LogLevel::Info,
           "session " + std::to_string(leg->id) + " connecting" +
               (leg->reason.empty() ? "" : " (" + leg->reason + ")") +
               ": from stream " + std::to_string(leg->base_ms) + " ms, " +
               ms_text(leg->replayed_samples, params_.sample_rate) +
               " of audio sent again" +
               (leg->lost_samples
                    ? ", " + ms_text(leg->lost_samples, params_.sample_rate) +
                          " lost beyond the replay buffer"
                    : ""));
  leg_ = std::move(leg);
  if (draining_)
    finish_leg(*leg_);
}

void StreamMachine::retire_leg(std::unique_ptr<Leg> leg, bool terminate)
{
  sent_before_ += leg->link->audio_bytes_sent();
  leg->link->close(terminate && !leg->terminate_sent);
}

void StreamMachine::lose_leg(const EndReport &r)
{
  if (leg_->began && (leg_->completed_turn ||
                      env_.monotonic_ms() - leg_->began_at_ms >= kProgressMs))
    attempt_ = 0;
  Retry retry = retry_for(r);
  std::optional<unsigned> delay = retry_later(retry);
  if (!delay) {
    FailedNotice n;
    n.report = r;
    n.attempts = retry == Retry::Never ? 0 : attempt_;
    fail_stream(std::move(n));
    return;
  }
  retire_leg(std::move(leg_), false);
  if (!outage_) {
    outage_ = true;
    outage_start_ms_ = env_.monotonic_ms();
  }
  outage_reason_ = end_reason_name(r);
  outage_close_code_ = r.close_code;
  env_.log(LogLevel::Info, std::string("session lost (") + outage_reason_ +
                               ", close code " + std::to_string(r.close_code) +
                               "): attempt " + std::to_string(attempt_) +
                               " in " + std::to_string(*delay) + " ms");
  notices_.emplace_back(
      LostNotice{r, *delay, attempt_, params_.reconnect_attempts});
  notices_.emplace_back(AbandonNotice{});
}

/* Schedules the next attempt if @kind may be retried and attempts remain;
 * returns the delay, or nothing (the stream fails). */
std::optional<unsigned> StreamMachine::retry_later(Retry kind)
{
  int max = params_.reconnect_attempts;
  if (kind == Retry::Never ||
      (max >= 0 && attempt_ >= static_cast<unsigned>(max)))
    return std::nullopt;
  attempt_++;
  unsigned delay = backoff_ms(attempt_, params_.reconnect_max_backoff_ms, kind,
                              env_.random());
  gen_++; /* an older reconnection timer is void */
  start_timer(TimerKind::Reconnect, 0, delay);
  return delay;
}

void StreamMachine::fail_stream(FailedNotice n)
{
  failed_ = true;
  gen_++;
  credential_request_ = 0;
  timers_.clear();
  if (leg_)
    retire_leg(std::move(leg_), false);
  env_.log(LogLevel::Warning, "the stream failed");
  notices_.emplace_back(std::move(n));
}

/* ---- timers ---- */

void StreamMachine::start_timer(TimerKind kind, uint64_t leg, unsigned delay)
{
  uint64_t id = ++next_timer_id_;
  timers_.emplace_back(id, Timer{kind, gen_, leg});
  env_.start_timer(id, delay);
}

void StreamMachine::timer_fired(uint64_t id)
{
  auto it = std::find_if(timers_.begin(), timers_.end(),
                         [id](const auto &t) { return t.first == id; });
  if (it == timers_.end())
    return;
  Timer t = it->second;
  timers_.erase(it);
  if (stopped_ || failed_)
    return;
  switch (t.kind) {
    case TimerKind::Reconnect:
      if (t.gen == gen_ && !leg_)
        request_credential(false);
      break;
    case TimerKind::Rollover:
      rollover_due(t, false);
      break;
    case TimerKind::ForceRollover:
      rollover_due(t, true);
      break;
    case TimerKind::FlowWake:
      /* The owner re-checks must_wait() after any call. */
      flow_wake_pending_ = false;
      break;
    case TimerKind::DrainDeadline:
      if (leg_ && leg_->id == t.leg && !drained_) {
        EndReport r;
        r.kind = EndReport::Kind::Stalled;
        r.began = leg_->began;
        env_.log(LogLevel::Info,
                 "no Termination within " +
                     std::to_string(params_.terminate_timeout_ms) + " ms");
        lose_leg(r);
      }
      break;
  }
}

/* Before Begin.expires_at the stream moves to a new session at a turn
 * boundary: from a quarter of the session's remaining time (at most 60 s)
 * before expiry it looks for the end of a turn; an eighth before, it
 * switches anyway (the replay covers a turn in progress). */
void StreamMachine::schedule_rollover(const Leg &leg, int64_t expires_at)
{
  int64_t now_ms = env_.unix_ms();
  if (expires_at <= 0 || expires_at > now_ms / 1000 + kMaxSessionSeconds)
    return;
  int64_t left = expires_at * 1000 - now_ms;
  if (left <= 0)
    return;
  int64_t window = std::min<int64_t>(left / 4, kMaxRolloverWindowMs);
  env_.log(LogLevel::Debug, "session expires in " + std::to_string(left) +
                                " ms: rollover from " +
                                std::to_string(left - window) + " ms");
  start_timer(TimerKind::Rollover, leg.id,
              static_cast<unsigned>(left - window));
  start_timer(TimerKind::ForceRollover, leg.id,
              static_cast<unsigned>(left - window / 2));
}

void StreamMachine::rollover_due(const Timer &t, bool force)
{
  if (!leg_ || leg_->id != t.leg || draining_)
    return;
  if (!force) {
    leg_->rollover_due = true;
    request_credential(true);
    return;
  }
  if (!prepared_)
    return;
  env_.log(LogLevel::Info, "rollover mid-turn (the session expires soon)");
  switch_leg();
  /* Mid-turn: the new session hears the open turn again. */
  notices_.emplace_back(AbandonNotice{});
}

void StreamMachine::switch_leg()
{
  std::unique_ptr<Leg> old = std::move(leg_);
  Credential c = *prepared_;
  prepared_.reset();
  env_.log(LogLevel::Info, "rolling over to a new session");
  open_leg(c, "rollover");
  retire_leg(std::move(old), true);
}

/* ---- session events ---- */

StreamMachine::Leg *StreamMachine::leg_for(uint64_t id) const
{
  return leg_ && leg_->id == id && !stopped_ && !failed_ ? leg_.get() : nullptr;
}

void StreamMachine::on_begin(Leg &leg, const BeginEvent &b)
{
  leg.began = true;
  leg.began_at_ms = env_.monotonic_ms();
  leg.session_id = b.id;
  env_.log(LogLevel::Info, "session " + std::to_string(leg.id) + " began");
  if (!leg.reason.empty()) {
    ReconnectNotice n;
    n.reason = leg.reason;
    n.rollover = leg.reason == "rollover" && !outage_;
    n.close_code = outage_ ? outage_close_code_ : 0;
    n.attempt = attempt_;
    n.reconnects = ++reconnects_;
    n.outage_ns =
        outage_
            ? static_cast<uint64_t>(env_.monotonic_ms() - outage_start_ms_) *
                  1000000u
            : 0;
    n.replayed_ns = ns_of_samples(leg.replayed_samples, params_.sample_rate);
    n.lost_ns = ns_of_samples(leg.lost_samples, params_.sample_rate);
    n.session_id = b.id;
    notices_.emplace_back(std::move(n));
    outage_ = false;
  }
  if (b.expires_at > 0)
    schedule_rollover(leg, b.expires_at);
  if (leg.terminate_sent)
    start_timer(TimerKind::DrainDeadline, leg.id, drain_deadline_ms());
  if (started_ms_ < 0)
    started_ms_ = last_progress_ms_ = leg.began_at_ms;
}

/* Puts a leg's turn on the stream's axis; false if every word in it was
 * delivered already (the turn is a replayed duplicate). */
bool StreamMachine::rewrite_turn(Leg &leg, TurnEvent *t)
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
    env_.log(LogLevel::Debug,
             "turn " + std::to_string(t->turn_order) + ": " +
                 std::to_string(before - kept.size()) +
                 " word(s) delivered before the reconnection dropped");
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
    uint64_t end =
        std::min(replay_.samples_of_ms(t->words.back().end_ms), replay_.end());
    if (end > committed_) {
      uint64_t previous = committed_;
      committed_ = end;
      replay_.trim_before(committed_);
      timeline_.forget_before(previous);
    }
  }
  if (t->end_of_turn)
    next_turn_order_ = std::max(next_turn_order_, t->turn_order + 1);
  return true;
}

void StreamMachine::emit_event(const ServerEvent &ev, const std::string &raw)
{
  EventNotice n;
  n.event = ev;
  n.raw = raw;
  auto add = [&](int64_t ms) {
    n.times.push_back(TimeAt{ms, timeline_.at_ms(ms)});
    heard(ms);
  };
  if (const auto *t = std::get_if<TurnEvent>(&ev)) {
    for (const Word &w : t->words) {
      add(w.start_ms);
      add(w.end_ms);
    }
  } else if (const auto *sp = std::get_if<SpeechStartedEvent>(&ev)) {
    add(sp->timestamp_ms);
  }
  std::sort(n.times.begin(), n.times.end(),
            [](const TimeAt &a, const TimeAt &b) { return a.ms < b.ms; });
  n.times.erase(std::unique(n.times.begin(), n.times.end(),
                            [](const TimeAt &a, const TimeAt &b) {
                              return a.ms == b.ms;
                            }),
                n.times.end());
  notices_.emplace_back(std::move(n));
  maybe_progress();
}

void StreamMachine::on_event(uint64_t id,
                             const ServerEvent &in,
                             const std::string &raw)
{
  Leg *leg = leg_for(id);
  if (!leg)
    return; /* a retired session */
  ServerEvent ev = in;
  if (const auto *b = std::get_if<BeginEvent>(&ev)) {
    if (leg->began) {
      notices_.emplace_back(MalformedNotice{
          "a second Begin in one session (" + b->id + "): ignored", raw});
      return;
    }
    on_begin(*leg, *b);
  } else if (auto *t = std::get_if<TurnEvent>(&ev)) {
    if (t->turn_order < leg->last_turn_order) {
      /* Turns only move forward; an older one is over (its text was
       * shown): said out loud rather than dropped silently. */
      notices_.emplace_back(MalformedNotice{
          "turn_order went back from " + std::to_string(leg->last_turn_order) +
              " to " + std::to_string(t->turn_order) +
              ": that turn is over, ignored",
          raw});
      return;
    }
    if (t->end_of_turn && t->turn_order == leg->ended_turn_order &&
        t->turn_is_formatted == leg->ended_turn_formatted) {
      /* The same end of turn again (a formatted follow-up differs in
       * turn_is_formatted): said once. */
      env_.log(LogLevel::Debug, "repeated end of turn " +
                                    std::to_string(t->turn_order) + " dropped");
      return;
    }
    leg->last_turn_order = t->turn_order;
    if (t->end_of_turn) {
      leg->ended_turn_order = t->turn_order;
      leg->ended_turn_formatted = t->turn_is_formatted;
    }
    if (!rewrite_turn(*leg, t))
      return;
    bool complete = t->end_of_turn &&
                    (t->turn_is_formatted || !params_.formatted_follow_up);
    bool switch_now = complete && leg->rollover_due && prepared_ && !draining_;
    emit_event(ev, raw);
    if (switch_now) {
      switch_leg();
      /* The text outputs start the new session's turn numbering afresh. */
      notices_.emplace_back(AbandonNotice{});
    }
    return;
  } else if (auto *sp = std::get_if<SpeechStartedEvent>(&ev)) {
    sp->timestamp_ms += leg->base_ms;
  } else if (const auto *te = std::get_if<TerminationEvent>(&ev)) {
    /* Audio this session was sent, in whole seconds as the service counts
     * it (Termination rounds; one second of slack). */
    const uint64_t bytes_per_s =
        static_cast<uint64_t>(params_.sample_rate) *
        static_cast<uint64_t>(encoding_bytes_per_sample(params_.encoding));
    int64_t sent_s =
        static_cast<int64_t>(leg->link->audio_bytes_sent() / bytes_per_s);
    bool heard_all = !te->audio_duration_seconds ||
                     *te->audio_duration_seconds + 1 >= sent_s;
    if (!leg->terminate_sent || !heard_all) {
      leg->premature_termination = leg->terminate_sent;
      /* The service ended the session on its own (also when it answers our
       * Terminate having heard only part of what was sent): not the end
       * of the stream. The close that follows reconnects, and the next
       * session hears the open turn again. */
      env_.log(LogLevel::Info,
               "Termination we did not ask for (after " +
                   std::to_string(te->audio_duration_seconds.value_or(-1)) +
                   " s of the " + std::to_string(sent_s) + " s sent)");
      return;
    }
    emit_event(ev, raw);
    drained_ = true;
    return;
  }
  emit_event(ev, raw);
}

void StreamMachine::on_malformed(uint64_t id,
                                 const std::string &error,
                                 const std::string &raw)
{
  if (leg_for(id))
    notices_.emplace_back(MalformedNotice{error, raw});
}

/* The end of a session we did not end: reconnect if it is worth it and
 * attempts remain, else the stream fails. */
void StreamMachine::on_end(uint64_t id, const EndReport &r)
{
  Leg *leg = leg_for(id);
  if (!leg)
    return; /* retired, or replaced already */
  env_.log(LogLevel::Debug, std::string("session ") + std::to_string(id) +
                                " ended: " + end_reason_name(r) +
                                ", close code " + std::to_string(r.close_code));
  /* A normal close after our Terminate ends the stream, unless the
   * Termination before it showed the service had not heard everything. */
  bool expected = r.kind == EndReport::Kind::Cancelled ||
                  (leg->terminate_sent && r.kind == EndReport::Kind::Normal &&
                   !leg->premature_termination);
  if (expected) {
    /* The leg stays (its session id is still the one to show). */
    drained_ = true;
    return;
  }
  lose_leg(r);
}

/* ---- state ---- */

std::string StreamMachine::session_id() const
{
  return leg_ ? leg_->session_id : std::string();
}

uint64_t StreamMachine::audio_bytes_sent() const
{
  return sent_before_ + (leg_ ? leg_->link->audio_bytes_sent() : 0);
}

int64_t StreamMachine::committed_ms() const
{
  return static_cast<int64_t>(committed_ * 1000 /
                              static_cast<uint64_t>(params_.sample_rate));
}

std::vector<Notice> StreamMachine::take_notices()
{
  std::vector<Notice> out;
  out.swap(notices_);
  return out;
}

}  // namespace aai
