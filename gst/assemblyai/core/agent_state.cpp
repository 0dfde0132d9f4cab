/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent_state.h"

#include <glib.h>

#include <algorithm>
#include <utility>

#include "reconnect_policy.h"

namespace aai
{

namespace
{
AgentAction make(AgentAction::Kind k)
{
  AgentAction a;
  a.kind = k;
  return a;
}

AgentAction notify(const AgentEvent &ev, const std::string &raw)
{
  AgentAction a = make(AgentAction::Kind::Notify);
  a.event = ev;
  a.raw = raw;
  return a;
}

AgentAction warn(AgentProblem p)
{
  AgentAction a = make(AgentAction::Kind::Warn);
  a.problem = std::move(p);
  return a;
}

bool resume_refused(const std::string &code)
{
  return code == "session_not_found" || code == "session_forbidden";
}
}  // namespace

AgentMachine::AgentMachine(AgentConfig config, AgentMachineOptions options)
    : opts_(std::move(options)), wanted_(config), active_(std::move(config))
{
  if (!opts_.random)
    opts_.random = []() { return g_random_int(); };
}

AgentActions AgentMachine::start()
{
  phase_ = Phase::Connecting;
  return {make(AgentAction::Kind::Connect)};
}

AgentActions AgentMachine::opened(int64_t now_ms)
{
  AgentActions a;
  if (phase_ != Phase::Connecting)
    return a;
  phase_ = Phase::Configuring;
  configured_ = true;
  if (!session_id_.empty() && lost_at_ms_ >= 0 &&
      now_ms - lost_at_ms_ < opts_.grace_ms) {
    resuming_ = true;
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text = session_resume_message(session_id_);
    return a;
  }
  if (!session_id_.empty()) {
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Connection,
        "The conversation could not be resumed; a new one starts.",
        "The connection was down for " + std::to_string(now_ms - lost_at_ms_) +
            " ms, longer than the " + std::to_string(opts_.grace_ms) +
            " ms the service keeps a session: the agent does not remember "
            "what was said before.")));
    session_id_.clear();
    forget_conversation();
  }
  resuming_ = false;
  active_ = wanted_;
  a.push_back(make(AgentAction::Kind::Send));
  a.back().text = session_update_message(active_);
  return a;
}

void AgentMachine::send(AgentActions &a, std::string msg, bool tool_result)
{
  if (phase_ != Phase::Ready) {
    outbox_.push_back({std::move(msg), tool_result});
    return;
  }
  a.push_back(make(AgentAction::Kind::Send));
  a.back().text = std::move(msg);
}

void AgentMachine::give_up(AgentActions &a, AgentProblem p)
{
  phase_ = Phase::Failed;
  AgentAction f = make(AgentAction::Kind::Fail);
  f.problem = std::move(p);
  a.push_back(std::move(f));
  a.push_back(make(AgentAction::Kind::Close));
}

/* Schedules the next connection after a backoff, or fails when @kind is
 * not worth retrying or the attempts are used up. */
void AgentMachine::retry_or_fail(AgentActions &a, AgentProblem p, Retry kind)
{
  int max = opts_.reconnect_attempts;
  if (kind == Retry::Never ||
      (max >= 0 && attempt_ >= static_cast<unsigned>(max))) {
    if (kind != Retry::Never && attempt_ > 0)
      p.detail += " Gave up after " + std::to_string(attempt_) +
                  " reconnection attempts (reconnect-attempts).";
    give_up(a, std::move(p));
    return;
  }
  attempt_++;
  unsigned delay =
      backoff_ms(attempt_, opts_.max_backoff_ms, kind, opts_.random());
  phase_ = Phase::Waiting;
  std::string of = max < 0 ? std::string() : " of " + std::to_string(max);
  p.detail += " Reconnecting in " + std::to_string(delay) + " ms (attempt " +
              std::to_string(attempt_) + of + ")" +
              (session_id_.empty() ? "." : ", to resume the same session.");
  a.push_back(warn(std::move(p)));
  AgentAction r = make(AgentAction::Kind::RetryLater);
  r.delay_ms = delay;
  a.push_back(std::move(r));
}

AgentActions AgentMachine::ended(const EndReport &r, int64_t now_ms)
{
  AgentActions a;
  if (phase_ == Phase::Ending) {
    /* The close after session.end, with or without session.ended. */
    phase_ = Phase::Ended;
    a.push_back(make(AgentAction::Kind::Finished));
    return a;
  }
  if (phase_ != Phase::Connecting && phase_ != Phase::Configuring &&
      phase_ != Phase::Ready)
    return a;
  if (!session_id_.empty() && phase_ == Phase::Ready)
    lost_at_ms_ = now_ms;
  bool was_ready = phase_ == Phase::Ready;
  /* A session that got going earns a fresh set of attempts. */
  if (was_ready)
    attempt_ = 0;
  resuming_ = false;
  retry_or_fail(a, explain_agent_end(r, opts_.display_url), retry_for(r));
  return a;
}

AgentActions AgentMachine::credential_failed(const AgentProblem &p,
                                             bool retryable)
{
  AgentActions a;
  if (phase_ != Phase::Connecting)
    return a;
  retry_or_fail(a, p,
                retryable
                    ? (p.kind == AgentProblem::Kind::Busy ? Retry::RateLimit
                                                          : Retry::Backoff)
                    : Retry::Never);
  return a;
}

AgentActions AgentMachine::retry_due()
{
  if (phase_ != Phase::Waiting)
    return {};
  phase_ = Phase::Connecting;
  return {make(AgentAction::Kind::Connect)};
}

/* The old session is gone for good and a new conversation starts: nothing
 * of the old one is pending any more. Its tool calls were the old
 * session's (a result for one would name a call the new session never
 * made), and a reply or a caller's turn in progress ended with it; left
 * set, they would keep settled() false and hold EOS for the whole
 * end-timeout. A reply the application asked for (reply.create) stays. */
void AgentMachine::forget_conversation()
{
  calls_.clear();
  discarded_.clear();
  user_speaking_ = false;
  awaiting_reply_ = false;
  reply_active_ = false;
  reply_id_.clear();
  reply_cut_ = false;
  awaiting_followup_ = false;
  outbox_.erase(std::remove_if(outbox_.begin(), outbox_.end(),
                               [](const Held &h) { return h.tool_result; }),
                outbox_.end());
}

void AgentMachine::restart_fresh(AgentActions &a)
{
  session_id_.clear();
  forget_conversation();
  lost_at_ms_ = -1;
  resuming_ = false;
  phase_ = Phase::Connecting;
  a.push_back(make(AgentAction::Kind::Close));
  a.push_back(make(AgentAction::Kind::Connect));
}

AgentActions AgentMachine::received(const AgentEvent &ev,
                                    const std::string &raw,
                                    int64_t)
{
  AgentActions a;
  if (phase_ == Phase::Failed || phase_ == Phase::Ended)
    return a;
  if (const auto *r = std::get_if<AgentSessionReady>(&ev)) {
    on_ready(a, *r, raw);
    return a;
  }
  if (std::holds_alternative<AgentSessionUpdated>(ev)) {
    /* The service answers each session.update in order. */
    if (!unconfirmed_.empty()) {
      confirmed_ = unconfirmed_.front();
      unconfirmed_.pop_front();
    }
    a.push_back(notify(ev, raw));
    return a;
  }
  if (const auto *e = std::get_if<AgentSessionError>(&ev)) {
    /* Most likely the answer to the oldest session.update: not applied.
     * (If not, a resumed session gets a change again: harmless.) */
    if (phase_ == Phase::Ready && !unconfirmed_.empty())
      unconfirmed_.pop_front();
    a.push_back(notify(ev, raw));
    on_error(a, *e);
    return a;
  }
  if (std::holds_alternative<AgentSessionEnded>(ev)) {
    a.push_back(notify(ev, raw));
    if (phase_ == Phase::Ending) {
      phase_ = Phase::Ended;
      a.push_back(make(AgentAction::Kind::Finished));
      a.push_back(make(AgentAction::Kind::Close));
      return a;
    }
    /* Max duration, a fatal error on its side: the session is gone, so
     * the close that follows reconnects with a new one. */
    session_id_.clear();
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Connection, "The service ended the session.",
        "The Voice Agent service ended the session before the end of the "
        "stream (session.ended); a new session starts, without the "
        "conversation so far.")));
    return a;
  }
  if (std::holds_alternative<AgentSpeechStarted>(ev)) {
    user_speaking_ = true;
    /* Barge-in: the caller never hears the rest of the sentence. The
     * service may have sent (or still send) more of the reply. */
    if (active_.interrupts()) {
      if (reply_active_)
        reply_cut_ = true;
      a.push_back(make(AgentAction::Kind::CutPlayback));
    }
    a.push_back(notify(ev, raw));
    return a;
  }
  /* The caller's turn is open until its transcript (speech.stopped comes
   * first): settled() must not see a gap between the two. */
  if (std::holds_alternative<AgentUserTranscript>(ev)) {
    user_speaking_ = false;
    awaiting_reply_ = true;
  } else if (const auto *st = std::get_if<AgentReplyStarted>(&ev)) {
    reply_id_ = st->reply_id;
    reply_active_ = true;
    reply_cut_ = false;
    awaiting_reply_ = false;
    awaiting_followup_ = false;
  } else if (const auto *au = std::get_if<AgentReplyAudio>(&ev)) {
    agent_audio_ += au->audio.size();
    if (!reply_cut_) {
      AgentAction p = make(AgentAction::Kind::Play);
      p.audio = au->audio;
      a.push_back(std::move(p));
    }
    return a; /* too many to notify */
  } else if (const auto *d = std::get_if<AgentReplyDone>(&ev)) {
    /* Which reply ended: the application pairs it with reply-started. */
    AgentReplyDone done = *d;
    if (done.reply_id.empty())
      done.reply_id = reply_id_;
    a.push_back(notify(done, raw));
    on_reply_done(a, done);
    return a;
  } else if (const auto *t = std::get_if<AgentToolCall>(&ev)) {
    Call c;
    c.id = t->call_id;
    c.reply_done = !reply_active_;
    calls_.push_back(std::move(c));
    a.push_back(notify(ev, raw));
    AgentAction call = make(AgentAction::Kind::ToolCall);
    call.event = ev;
    a.push_back(std::move(call));
    return a;
  }
  a.push_back(notify(ev, raw));
  return a;
}

/* The changes not sent yet, in one session.update (lock-step with
 * active_). */
void AgentMachine::send_changes(AgentActions &a)
{
  std::optional<std::string> diff = session_update_diff(active_, wanted_);
  if (!diff)
    return;
  a.push_back(make(AgentAction::Kind::Send));
  a.back().text = *diff;
  active_ = applied_agent_config(active_, wanted_);
  unconfirmed_.push_back(active_);
}

void AgentMachine::on_ready(AgentActions &a,
                            const AgentSessionReady &ev,
                            const std::string &raw)
{
  bool resumed = resuming_ && ev.session_id == session_id_;
  if (resuming_ && !resumed)
    a.push_back(warn(
        agent_problem(AgentProblem::Kind::Connection,
                      "The service started a new session instead of resuming.",
                      "session.resume for " + session_id_ +
                          " was answered with session " + ev.session_id +
                          ": the agent does not remember the conversation "
                          "so far.")));
  session_id_ = ev.session_id;
  phase_ = Phase::Ready;
  /* A new session has the configuration of opened()'s session.update; a
   * resumed one what it confirmed before the connection was lost. */
  if (resumed)
    active_ = confirmed_;
  confirmed_ = active_;
  unconfirmed_.clear();
  resuming_ = false;
  lost_at_ms_ = -1;
  attempt_ = 0;
  warned_drop_ = false;
  AgentAction n = notify(ev, raw);
  n.resumed = resumed;
  a.push_back(std::move(n));
  /* Changes made while the session was being set up or resumed. */
  send_changes(a);
  while (!outbox_.empty()) {
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text = std::move(outbox_.front().text);
    outbox_.pop_front();
  }
  while (!pending_.empty()) {
    audio_sent_ += pending_.front().size();
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text =
        input_audio_message(pending_.front().data(), pending_.front().size());
    pending_.pop_front();
  }
  pending_bytes_ = 0;
}

void AgentMachine::on_error(AgentActions &a, const AgentSessionError &ev)
{
  std::string what = ev.code.empty()      ? ev.message
                     : ev.message.empty() ? ev.code
                                          : ev.code + ": " + ev.message;
  if (resuming_ && resume_refused(ev.code)) {
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Connection,
        "The conversation could not be resumed; a new one starts.",
        "The service no longer has session " + session_id_ + " (" + what +
            "): a new session starts, without the conversation so far.")));
    restart_fresh(a);
    return;
  }
  if (phase_ == Phase::Configuring) {
    AgentProblem p = agent_problem(
        AgentProblem::Kind::Settings,
        "The Voice Agent service refused the session configuration.",
        "session.error " + what +
            ". Check the properties that configure the agent (voice, "
            "agent-id, tools, turn detection).");
    p.code = ev.code;
    p.reason = ev.message;
    give_up(a, std::move(p));
    return;
  }
  AgentProblem p =
      ev.code == "immutable_field"
          ? agent_problem(
                AgentProblem::Kind::Settings,
                "The service refused a change to the running session.",
                "session.error " + what +
                    ". greeting, voice and the audio formats are fixed "
                    "once the session is ready.")
          : agent_problem(AgentProblem::Kind::Protocol,
                          "The Voice Agent service reported an error.",
                          "session.error " + what + ".");
  p.code = ev.code;
  p.reason = ev.message;
  a.push_back(warn(std::move(p)));
}

void AgentMachine::on_reply_done(AgentActions &a, const AgentReplyDone &ev)
{
  reply_active_ = false;
  if (ev.interrupted()) {
    /* The tool results the interrupted reply asked for are stale: the
     * service expects none (docs/voice-agent.md). */
    for (const Call &c : calls_)
      if (!c.reply_done)
        discarded_.insert(c.id);
    calls_.erase(std::remove_if(calls_.begin(), calls_.end(),
                                [](const Call &c) { return !c.reply_done; }),
                 calls_.end());
    reply_cut_ = true;
    a.push_back(make(AgentAction::Kind::CutPlayback));
    return;
  }
  for (Call &c : calls_)
    c.reply_done = true;
  send_answered(a);
}

/* tool.result for every call whose reply is done and whose result is in. */
void AgentMachine::send_answered(AgentActions &a)
{
  auto it = calls_.begin();
  while (it != calls_.end()) {
    if (it->reply_done && it->result) {
      send(a, tool_result_message(it->id, *it->result), true);
      awaiting_followup_ = true;
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
}

AgentActions AgentMachine::malformed(const std::string &error,
                                     const std::string &raw)
{
  AgentProblem p =
      agent_problem(AgentProblem::Kind::Protocol,
                    "Ignored a malformed message from the service.",
                    error + ": " + raw.substr(0, 200));
  return {warn(std::move(p))};
}

AgentActions AgentMachine::audio(std::vector<uint8_t> chunk)
{
  AgentActions a;
  if (done() || phase_ == Phase::Ending || chunk.empty())
    return a;
  if (phase_ == Phase::Ready) {
    audio_sent_ += chunk.size();
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text = input_audio_message(chunk.data(), chunk.size());
    return a;
  }
  pending_bytes_ += chunk.size();
  pending_.push_back(std::move(chunk));
  uint64_t dropped = 0;
  while (pending_bytes_ > opts_.max_pending_bytes && !pending_.empty()) {
    dropped += pending_.front().size();
    pending_bytes_ -= pending_.front().size();
    pending_.pop_front();
  }
  audio_dropped_ += dropped;
  if (dropped && !warned_drop_) {
    warned_drop_ = true;
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Connection,
        "Caller audio is being dropped while there is no session.",
        "More caller audio arrived while connecting than the element holds "
        "(" +
            std::to_string(opts_.max_pending_bytes) +
            " bytes); the oldest is dropped, so the agent misses it.")));
  }
  return a;
}

AgentActions AgentMachine::tool_result(const std::string &call_id,
                                       const std::string &result)
{
  AgentActions a;
  if (discarded_.count(call_id)) {
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Protocol, "A tool result was not sent.",
        "The reply that asked for tool call " + call_id +
            " was interrupted, so its result is stale and was dropped.")));
    return a;
  }
  auto it = std::find_if(calls_.begin(), calls_.end(),
                         [&](const Call &c) { return c.id == call_id; });
  if (it == calls_.end()) {
    a.push_back(warn(agent_problem(
        AgentProblem::Kind::Protocol, "A tool result was not sent.",
        "No tool call " + call_id + " is waiting for a result.")));
    return a;
  }
  it->result = result;
  send_answered(a);
  return a;
}

AgentActions AgentMachine::create_reply(
    const std::optional<std::string> &instructions)
{
  AgentActions a;
  if (!done() && phase_ != Phase::Ending)
    send(a, reply_create_message(instructions));
  return a;
}

AgentActions AgentMachine::change_config(const AgentConfig &wanted,
                                         std::vector<std::string> *refused)
{
  AgentActions a;
  refused->clear();
  if (configured_)
    *refused = immutable_agent_changes(wanted_, wanted);
  wanted_ = configured_ ? applied_agent_config(wanted_, wanted) : wanted;
  if (phase_ != Phase::Ready)
    return a; /* sent with the configuration, or once ready */
  send_changes(a);
  return a;
}

AgentActions AgentMachine::finish()
{
  AgentActions a;
  if (done() || phase_ == Phase::Ending)
    return a;
  if (phase_ == Phase::Ready) {
    phase_ = Phase::Ending;
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text = session_end_message();
    return a;
  }
  /* No session to end (connecting, an outage). */
  phase_ = Phase::Ended;
  a.push_back(make(AgentAction::Kind::Close));
  a.push_back(make(AgentAction::Kind::Finished));
  return a;
}

AgentActions AgentMachine::stop()
{
  AgentActions a;
  if (phase_ == Phase::Ready) {
    a.push_back(make(AgentAction::Kind::Send));
    a.back().text = session_end_message();
  }
  if (!done())
    phase_ = Phase::Ended;
  a.push_back(make(AgentAction::Kind::Close));
  return a;
}

bool AgentMachine::settled() const
{
  /* A call still listed is unanswered or waits for its reply.done. */
  return !user_speaking_ && !awaiting_reply_ && !reply_active_ &&
         !awaiting_followup_ && calls_.empty();
}

}  // namespace aai
