/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The stream state machine (core/stream_machine.h) driven by a fake
 * environment: a manual clock whose timers fire only when the test moves
 * time on, connections that record what was sent, and credentials given at
 * once, later or not at all. Reconnection, replay, rollover, dedup and the
 * drain are checked step by step, in virtual time: no wall-clock wait, no
 * network. */
#include <gst/check/gstcheck.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol.h"
#include "stream_machine.h"

using namespace aai;

namespace
{

constexpr int kRate = 16000;
constexpr int64_t kUnixStart = 1800000000000; /* ms */

struct FakeLink : Link {
  void send_audio(std::vector<uint8_t> frame) override
  {
    audio.insert(audio.end(), frame.begin(), frame.end());
    frames++;
  }
  void send_text(std::string message) override { texts.push_back(message); }
  void close(bool terminate) override
  {
    closed = true;
    closed_with_terminate = terminate;
  }
  uint64_t audio_bytes_sent() const override { return audio.size(); }

  std::vector<uint8_t> audio;
  int frames = 0;
  std::vector<std::string> texts;
  bool closed = false, closed_with_terminate = false;
  bool terminated() const
  {
    for (const auto &t : texts)
      if (t == terminate_message())
        return true;
    return false;
  }
};

/* The links outlive the machine's ownership (a closed link stays readable). */
struct LinkProxy : Link {
  explicit LinkProxy(std::shared_ptr<FakeLink> l) : link(std::move(l)) {}
  void send_audio(std::vector<uint8_t> f) override
  {
    link->send_audio(std::move(f));
  }
  void send_text(std::string m) override { link->send_text(std::move(m)); }
  void close(bool t) override { link->close(t); }
  uint64_t audio_bytes_sent() const override
  {
    return link->audio_bytes_sent();
  }
  std::shared_ptr<FakeLink> link;
};

enum class CredentialMode { Key, Later, Fail };

struct FakeEnv : StreamEnv {
  int64_t monotonic_ms() override { return now; }
  int64_t unix_ms() override { return kUnixStart + now; }
  uint32_t random() override { return 0; } /* the shortest jittered delay */
  void start_timer(uint64_t id, unsigned delay_ms) override
  {
    timers.emplace(now + delay_ms, id);
  }
  std::optional<std::variant<Credential, CredentialFailure>> request_credential(
      uint64_t request,
      bool rollover) override
  {
    requests.push_back({request, rollover});
    switch (mode) {
      case CredentialMode::Key:
        return Credential{AuthMode::RawHeader, "key"};
      case CredentialMode::Fail:
        return failure;
      case CredentialMode::Later:
        break;
    }
    return std::nullopt;
  }
  std::unique_ptr<Link> open_link(uint64_t leg, const Credential &c) override
  {
    auto l = std::make_shared<FakeLink>();
    links[leg] = l;
    credentials[leg] = c.value;
    order.push_back(leg);
    return std::make_unique<LinkProxy>(l);
  }

  /* Moves time on by @ms, firing every timer that falls due on the way. */
  void advance(int64_t ms)
  {
    int64_t until = now + ms;
    while (!timers.empty() && timers.begin()->first <= until) {
      auto it = timers.begin();
      now = it->first;
      uint64_t id = it->second;
      timers.erase(it);
      machine->timer_fired(id);
    }
    now = until;
  }
  /* The newest leg. */
  uint64_t leg() const { return order.empty() ? 0 : order.back(); }
  FakeLink &link(uint64_t leg) { return *links.at(leg); }
  FakeLink &last() { return link(leg()); }

  int64_t now = 0;
  std::multimap<int64_t, uint64_t> timers;
  CredentialMode mode = CredentialMode::Key;
  CredentialFailure failure;
  std::vector<std::pair<uint64_t, bool>> requests;
  std::map<uint64_t, std::shared_ptr<FakeLink>> links;
  std::map<uint64_t, std::string> credentials;
  std::vector<uint64_t> order;
  StreamMachine *machine = nullptr;
};

/* A machine with its environment and what it said. */
struct Rig {
  explicit Rig(StreamParams p = params(),
               CredentialMode mode = CredentialMode::Key)
  {
    machine_rate = p.sample_rate;
    env.mode = mode;
    machine = std::make_unique<StreamMachine>(env, p);
    env.machine = machine.get();
    machine->start();
  }
  static StreamParams params()
  {
    StreamParams p;
    p.sample_rate = kRate;
    p.reconnect_attempts = 3;
    p.reconnect_max_backoff_ms = 4000;
    p.terminate_timeout_ms = 5000;
    p.replay_ms = 60000;
    return p;
  }
  /* @ms of audio whose sample n is the 16-bit value n (mod 2^16). */
  void push_ms(int64_t ms)
  {
    std::vector<uint8_t> pcm;
    const int rate = machine_rate;
    uint64_t n = static_cast<uint64_t>(ms) * rate / 1000;
    for (uint64_t i = 0; i < n; i++) {
      uint16_t v = static_cast<uint16_t>(pushed + i);
      pcm.push_back(static_cast<uint8_t>(v & 0xff));
      pcm.push_back(static_cast<uint8_t>(v >> 8));
    }
    MediaTimes t;
    t.pts = pushed * GST_SECOND / rate;
    t.running_time = t.pts;
    t.stream_time = t.pts;
    machine->push(pcm.data(), pcm.size(), t);
    pushed += n;
  }
  void begin(uint64_t leg, int64_t expires_at = 0)
  {
    BeginEvent b;
    b.id = "session-" + std::to_string(leg);
    b.expires_at = expires_at;
    machine->on_event(leg, b, "{}");
  }
  void turn(uint64_t leg,
            int64_t order,
            std::vector<std::tuple<std::string, int64_t, int64_t>> words,
            bool end,
            bool formatted = false)
  {
    TurnEvent t;
    t.turn_order = order;
    t.end_of_turn = end;
    t.turn_is_formatted = formatted;
    for (auto &[text, s, e] : words) {
      Word w;
      w.text = text;
      w.start_ms = s;
      w.end_ms = e;
      w.is_final = true;
      t.words.push_back(w);
      t.transcript += (t.transcript.empty() ? "" : " ") + text;
    }
    machine->on_event(leg, t, "{}");
  }
  void drop(uint64_t leg, int code = 1006)
  {
    EndReport r;
    r.kind = EndReport::Kind::Closed;
    r.close_code = code;
    machine->on_end(leg, r);
  }
  void close_normal(uint64_t leg)
  {
    EndReport r;
    r.kind = EndReport::Kind::Normal;
    r.close_code = 1000;
    r.terminated = true;
    machine->on_end(leg, r);
  }
  void terminate(uint64_t leg)
  {
    machine->on_event(leg, TerminationEvent{}, "{}");
  }
  std::vector<Notice> notices() { return machine->take_notices(); }

  FakeEnv env;
  std::unique_ptr<StreamMachine> machine;
  int machine_rate = kRate;
  uint64_t pushed = 0;
};

template <typename T>
std::vector<T> of_kind(const std::vector<Notice> &ns)
{
  std::vector<T> out;
  for (const auto &n : ns)
    if (const auto *t = std::get_if<T>(&n))
      out.push_back(*t);
  return out;
}

/* The words of the Turn notices, in order. */
std::vector<std::string> turn_words(const std::vector<Notice> &ns)
{
  std::vector<std::string> out;
  for (const auto &e : of_kind<EventNotice>(ns))
    if (const auto *t = std::get_if<TurnEvent>(&e.event))
      for (const auto &w : t->words)
        out.push_back(w.text);
  return out;
}

/* The 16-bit sample values a link was sent, from its start. */
uint16_t sample_at(const FakeLink &l, size_t i)
{
  return static_cast<uint16_t>(l.audio[2 * i] | (l.audio[2 * i + 1] << 8));
}

}  // namespace

/* ---- connecting and streaming ------------------------------------------ */

GST_START_TEST(test_connect_and_stream)
{
  Rig r;
  fail_unless_equals_int(r.env.order.size(), 1);
  fail_unless_equals_string(r.env.credentials[1].c_str(), "key");
  r.push_ms(120); /* before Begin: the link queues it */
  fail_if(r.machine->connected());
  r.begin(1);
  fail_unless(r.machine->connected());
  std::string id = r.machine->session_id();
  fail_unless_equals_string(id.c_str(), "session-1");
  r.push_ms(80);
  /* 50 ms chunks: 200 ms = 4 frames, in order from sample 0. */
  fail_unless_equals_int(r.env.last().frames, 4);
  fail_unless_equals_int(r.env.last().audio.size(), 200 * 32);
  fail_unless_equals_int(sample_at(r.env.last(), 0), 0);
  fail_unless_equals_int(sample_at(r.env.last(), 3199), 3199);
  auto ns = r.notices();
  fail_unless_equals_int(of_kind<EventNotice>(ns).size(), 1);
  fail_unless(
      std::holds_alternative<BeginEvent>(of_kind<EventNotice>(ns)[0].event));
}
GST_END_TEST;

GST_START_TEST(test_word_times_in_notice)
{
  Rig r;
  r.begin(1);
  r.push_ms(1000);
  r.turn(1, 0, {{"hello", 100, 400}}, true);
  auto ev = of_kind<EventNotice>(r.notices());
  fail_unless_equals_int(ev.size(), 2);
  fail_unless_equals_uint64(ev[1].at(100).pts, 100 * GST_MSECOND);
  fail_unless_equals_uint64(ev[1].at(400).pts, 400 * GST_MSECOND);
  fail_unless(ev[1].find(100).has_value());
  fail_if(ev[1].find(101).has_value());
}
GST_END_TEST;

/* ---- losing a session --------------------------------------------------- */

GST_START_TEST(test_drop_replays_from_last_turn)
{
  Rig r;
  r.begin(1);
  r.push_ms(3000);
  r.turn(1, 0, {{"one", 200, 600}, {"two", 700, 1013}}, true);
  r.turn(1, 1, {{"three", 1500, 1800}}, false);
  r.notices();
  r.drop(1);
  auto ns = r.notices();
  auto lost = of_kind<LostNotice>(ns);
  fail_unless_equals_int(lost.size(), 1);
  fail_unless_equals_int(lost[0].attempt, 1);
  /* Backoff from 500 ms with equal jitter: 250..500 (random 0: 250). */
  fail_unless_equals_int(lost[0].delay_ms, 250);
  fail_unless_equals_int(of_kind<AbandonNotice>(ns).size(), 1);
  fail_unless(r.env.link(1).closed);
  /* Audio during the outage is kept for the replay. */
  r.push_ms(500);
  r.env.advance(249);
  fail_unless_equals_int(r.env.order.size(), 1);
  r.env.advance(1);
  fail_unless_equals_int(r.env.order.size(), 2);
  /* The new session starts at the end of the last completed turn (1013
   * ms, a whole millisecond) with everything since. */
  FakeLink &l2 = r.env.last();
  fail_unless_equals_int(sample_at(l2, 0), 1013 * 16);
  fail_unless_equals_int(l2.audio.size(), (3500 - 1013) / 50 * 50 * 32);
  r.begin(2);
  auto rc = of_kind<ReconnectNotice>(r.notices());
  fail_unless_equals_int(rc.size(), 1);
  fail_unless_equals_string(rc[0].reason.c_str(), "connection-lost");
  fail_unless_equals_int(rc[0].close_code, 1006);
  fail_unless_equals_int(rc[0].attempt, 1);
  fail_unless_equals_int(rc[0].reconnects, 1);
  fail_unless_equals_uint64(rc[0].outage_ns, 250 * GST_MSECOND);
  fail_unless_equals_uint64(rc[0].replayed_ns, (3500 - 1013) * GST_MSECOND);
  fail_unless_equals_uint64(rc[0].lost_ns, 0);
  fail_if(rc[0].rollover);
  /* Its times are on the stream's axis; turn numbers continue. */
  r.turn(2, 0, {{"three", 490, 790}, {"four", 900, 1100}}, true);
  auto ev = of_kind<EventNotice>(r.notices());
  const auto &t = std::get<TurnEvent>(ev.back().event);
  fail_unless_equals_int(t.turn_order, 1);
  fail_unless_equals_int(t.words[0].start_ms, 1503);
  fail_unless_equals_uint64(ev.back().at(1503).pts, 1503 * GST_MSECOND);
}
GST_END_TEST;

GST_START_TEST(test_replayed_words_dropped_once)
{
  /* At 44.1 kHz a session can only start every 10 ms (441 samples): after
   * a turn that ended at 605 ms the new one starts at 600 ms, and what it
   * reports before the mark was delivered already. */
  StreamParams p = Rig::params();
  p.sample_rate = 44100;
  Rig r(p);
  r.begin(1);
  r.push_ms(3000);
  r.turn(1, 0, {{"one", 200, 605}}, true);
  r.drop(1);
  r.env.advance(250);
  r.begin(2);
  r.notices();
  /* By the word's middle: the tail of "one" is a repeat, "two" starting
   * at the mark is not. */
  r.turn(2, 0, {{"one", 0, 5}, {"two", 5, 300}}, false);
  auto ns = r.notices();
  auto words = turn_words(ns);
  fail_unless_equals_int(words.size(), 1);
  fail_unless_equals_string(words[0].c_str(), "two");
  auto events = of_kind<EventNotice>(ns);
  const auto &t = std::get<TurnEvent>(events[0].event);
  fail_unless_equals_string(t.transcript.c_str(), "two");
  fail_unless_equals_int(t.words[0].start_ms, 605);
  /* A turn made only of repeats is no event at all. */
  r.turn(2, 1, {{"one", 0, 4}}, true);
  fail_unless_equals_int(of_kind<EventNotice>(r.notices()).size(), 0);
}
GST_END_TEST;

GST_START_TEST(test_attempts_run_out)
{
  Rig r;
  r.begin(1);
  r.push_ms(500);
  r.drop(1);
  std::vector<unsigned> delays;
  for (int i = 0; i < 3; i++) {
    auto lost = of_kind<LostNotice>(r.notices());
    fail_unless_equals_int(lost.size(), 1);
    delays.push_back(lost[0].delay_ms);
    r.env.advance(lost[0].delay_ms);
    /* Fails before Begin: the count goes on. */
    EndReport e;
    e.kind = EndReport::Kind::ConnectFailed;
    e.transport_error = "refused";
    r.machine->on_end(r.env.leg(), e);
  }
  /* 500 doubling (equal jitter, random 0): 250, 500, 1000. */
  fail_unless_equals_int(delays[0], 250);
  fail_unless_equals_int(delays[1], 500);
  fail_unless_equals_int(delays[2], 1000);
  auto failed = of_kind<FailedNotice>(r.notices());
  fail_unless_equals_int(failed.size(), 1);
  fail_unless(failed[0].report.has_value());
  fail_unless(failed[0].report->kind == EndReport::Kind::ConnectFailed);
  fail_unless_equals_int(failed[0].attempts, 3);
  fail_unless(r.machine->failed());
  fail_unless(r.machine->drained());
}
GST_END_TEST;

GST_START_TEST(test_progress_resets_attempts)
{
  Rig r;
  for (int round = 0; round < 5; round++) {
    uint64_t leg = r.env.leg();
    r.begin(leg);
    r.push_ms(1000);
    int64_t base = round * 1000;
    r.turn(leg, 0, {{"w", base + 100, base + 200}}, true);
    r.drop(leg);
    auto lost = of_kind<LostNotice>(r.notices());
    fail_unless_equals_int(lost.size(), 1);
    /* A completed turn was progress: always the first attempt. */
    fail_unless_equals_int(lost[0].attempt, 1);
    r.env.advance(lost[0].delay_ms);
  }
  /* 30 s in a session without a turn is progress too. */
  uint64_t leg = r.env.leg();
  r.begin(leg);
  r.env.advance(30000);
  r.drop(leg);
  fail_unless_equals_int(of_kind<LostNotice>(r.notices())[0].attempt, 1);
}
GST_END_TEST;

GST_START_TEST(test_fatal_close_fails_at_once)
{
  Rig r;
  r.begin(1);
  r.push_ms(500);
  EndReport e;
  e.kind = EndReport::Kind::Closed;
  e.close_code = 1008;
  e.close_reason = "Unauthorized Connection: Invalid API key";
  r.machine->on_end(1, e);
  auto ns = r.notices();
  fail_unless_equals_int(of_kind<LostNotice>(ns).size(), 0);
  auto failed = of_kind<FailedNotice>(ns);
  fail_unless_equals_int(failed.size(), 1);
  fail_unless_equals_int(failed[0].attempts, 0);
  fail_unless(r.env.timers.empty());
}
GST_END_TEST;

GST_START_TEST(test_rate_limit_waits_longer)
{
  StreamParams p = Rig::params();
  p.reconnect_max_backoff_ms = 30000;
  Rig r(p);
  r.begin(1);
  EndReport e;
  e.kind = EndReport::Kind::Closed;
  e.close_code = 3009;
  e.close_reason = "Unauthorized Connection: Too many concurrent sessions";
  r.machine->on_end(1, e);
  auto lost = of_kind<LostNotice>(r.notices());
  fail_unless_equals_int(lost.size(), 1);
  fail_unless(lost[0].delay_ms >= 2500);
}
GST_END_TEST;

GST_START_TEST(test_oversized_message_not_retried)
{
  Rig r;
  r.begin(1);
  EndReport e;
  e.kind = EndReport::Kind::Closed;
  e.close_code = 1009;
  e.server_violation = 1009;
  r.machine->on_end(1, e);
  fail_unless_equals_int(of_kind<FailedNotice>(r.notices()).size(), 1);
  /* Garbled data may be a one-off: retried. */
  Rig r2;
  r2.begin(1);
  e.close_code = 1007;
  e.server_violation = 1007;
  r2.machine->on_end(1, e);
  fail_unless_equals_int(of_kind<LostNotice>(r2.notices()).size(), 1);
}
GST_END_TEST;

GST_START_TEST(test_stale_leg_ignored)
{
  Rig r;
  r.begin(1);
  r.drop(1);
  r.env.advance(250);
  r.notices();
  /* Whatever the lost session still says reaches nobody. */
  r.turn(1, 0, {{"ghost", 0, 100}}, true);
  r.drop(1);
  r.machine->on_malformed(1, "bad", "x");
  fail_unless_equals_int(r.notices().size(), 0);
  fail_unless_equals_int(r.env.order.size(), 2);
}
GST_END_TEST;

GST_START_TEST(test_unrequested_termination)
{
  Rig r;
  r.begin(1);
  r.push_ms(1000);
  r.notices();
  r.terminate(1); /* not asked for: not the end of the stream */
  fail_unless_equals_int(r.notices().size(), 0);
  fail_if(r.machine->drained());
  r.close_normal(1);
  fail_unless_equals_int(of_kind<LostNotice>(r.notices()).size(), 1);
}
GST_END_TEST;

/* ---- the replay bound --------------------------------------------------- */

GST_START_TEST(test_live_outage_beyond_bound)
{
  StreamParams p = Rig::params();
  p.replay_ms = 1000;
  p.live = true;
  Rig r(p);
  r.begin(1);
  r.push_ms(500);
  r.drop(1);
  /* Live audio is never held back, even when the buffer overflows. */
  fail_if(r.machine->must_wait(16000 * 5));
  r.push_ms(2000);
  r.env.advance(250);
  r.begin(2);
  auto rc = of_kind<ReconnectNotice>(r.notices());
  fail_unless_equals_int(rc.size(), 1);
  fail_unless_equals_uint64(rc[0].replayed_ns, 1000 * GST_MSECOND);
  fail_unless_equals_uint64(rc[0].lost_ns, 1500 * GST_MSECOND);
  fail_unless_equals_int(sample_at(r.env.last(), 0), 1500 * 16);
}
GST_END_TEST;

GST_START_TEST(test_non_live_waits_for_session)
{
  StreamParams p = Rig::params();
  p.replay_ms = 1000;
  Rig r(p);
  fail_if(r.machine->must_wait(8000)); /* fits */
  r.push_ms(800);
  fail_unless(r.machine->must_wait(8000)); /* would drop unsent audio */
  r.begin(1);
  fail_if(r.machine->must_wait(8000));
  r.drop(1);
  fail_unless(r.machine->must_wait(8000));
  r.env.advance(250);
  fail_unless(r.machine->must_wait(8000)); /* connecting is not enough */
  r.begin(2);
  fail_if(r.machine->must_wait(8000));
}
GST_END_TEST;

/* ---- rollover ----------------------------------------------------------- */

GST_START_TEST(test_rollover_at_turn_end)
{
  Rig r;
  /* Expires in 100 s: the window is 25 s, from 75 s; forced at 87.5 s. */
  r.begin(1, (kUnixStart + 100000) / 1000);
  r.push_ms(1000);
  r.env.advance(74999);
  fail_unless_equals_int(r.env.requests.size(), 1);
  r.env.advance(1);
  fail_unless_equals_int(r.env.requests.size(), 2);
  fail_unless(r.env.requests[1].second); /* for the rollover */
  /* A turn still open: no switch yet. */
  r.turn(1, 0, {{"a", 100, 200}}, false);
  fail_unless_equals_int(r.env.order.size(), 1);
  r.notices();
  r.turn(1, 0, {{"a", 100, 200}}, true);
  fail_unless_equals_int(r.env.order.size(), 2);
  fail_unless(r.env.link(1).closed);
  fail_unless(r.env.link(1).closed_with_terminate);
  auto ns = r.notices();
  fail_unless_equals_int(turn_words(ns).size(), 1);
  fail_unless_equals_int(of_kind<AbandonNotice>(ns).size(), 1);
  r.begin(2);
  auto rc = of_kind<ReconnectNotice>(r.notices());
  fail_unless_equals_int(rc.size(), 1);
  fail_unless(rc[0].rollover);
  fail_unless_equals_string(rc[0].reason.c_str(), "rollover");
  fail_unless_equals_uint64(rc[0].outage_ns, 0);
  /* The forced switch of the old session is void. */
  r.env.advance(20000);
  fail_unless_equals_int(r.env.order.size(), 2);
}
GST_END_TEST;

GST_START_TEST(test_rollover_waits_for_formatted_turn)
{
  StreamParams p = Rig::params();
  p.formatted_follow_up = true;
  Rig r(p);
  r.begin(1, (kUnixStart + 100000) / 1000);
  r.push_ms(1000);
  r.env.advance(75000);
  r.turn(1, 0, {{"a", 100, 200}}, true, false);
  fail_unless_equals_int(r.env.order.size(), 1);
  r.turn(1, 0, {{"A.", 100, 200}}, true, true);
  fail_unless_equals_int(r.env.order.size(), 2);
}
GST_END_TEST;

GST_START_TEST(test_rollover_forced_mid_turn)
{
  Rig r;
  r.begin(1, (kUnixStart + 100000) / 1000);
  r.push_ms(1000);
  r.turn(1, 0, {{"a", 100, 200}}, false);
  r.env.advance(87499);
  fail_unless_equals_int(r.env.order.size(), 1);
  r.env.advance(1);
  fail_unless_equals_int(r.env.order.size(), 2);
  fail_unless_equals_int(of_kind<AbandonNotice>(r.notices()).size(), 1);
}
GST_END_TEST;

GST_START_TEST(test_rollover_without_credential)
{
  Rig r(Rig::params(), CredentialMode::Key);
  r.begin(1, (kUnixStart + 100000) / 1000);
  r.env.mode = CredentialMode::Later; /* the token never comes */
  r.env.advance(90000);
  fail_unless_equals_int(r.env.order.size(), 1);
  fail_unless_equals_int(r.notices().size(), 1); /* just the Begin */
}
GST_END_TEST;

GST_START_TEST(test_absurd_expiry_ignored)
{
  Rig r;
  r.begin(1, G_MAXINT64);
  fail_unless(r.env.timers.empty());
  Rig r2;
  r2.begin(1, -5);
  fail_unless(r2.env.timers.empty());
  Rig r3;
  r3.begin(1, kUnixStart / 1000 - 10); /* already past */
  fail_unless(r3.env.timers.empty());
}
GST_END_TEST;

/* ---- the drain ---------------------------------------------------------- */

GST_START_TEST(test_drain)
{
  Rig r;
  r.begin(1);
  r.push_ms(1010); /* 10 ms left over: padded to 50 */
  r.machine->drain();
  FakeLink &l = r.env.last();
  fail_unless(l.terminated());
  fail_unless_equals_int(l.audio.size(), 1050 * 32);
  fail_if(r.machine->drained());
  r.turn(1, 0, {{"w", 100, 1040}}, true);
  r.terminate(1);
  fail_unless(r.machine->drained());
  auto ev = of_kind<EventNotice>(r.notices());
  fail_unless(std::holds_alternative<TerminationEvent>(ev.back().event));
  /* The padding has times: right after the audio. */
  fail_unless_equals_uint64(ev[1].at(1040).pts, 1040 * GST_MSECOND);
}
GST_END_TEST;

GST_START_TEST(test_drain_stalled_reconnects)
{
  Rig r;
  r.begin(1);
  r.push_ms(2000);
  r.turn(1, 0, {{"w", 100, 500}}, true);
  r.machine->drain();
  r.notices();
  /* terminate-timeout, plus time for the 1500 ms the service had not
   * shown it processed, at 1.25x. */
  r.env.advance(5000 + 1200 - 1);
  fail_unless_equals_int(r.env.order.size(), 1);
  r.env.advance(1);
  auto lost = of_kind<LostNotice>(r.notices());
  fail_unless_equals_int(lost.size(), 1);
  fail_unless(lost[0].report.kind == EndReport::Kind::Stalled);
  r.env.advance(lost[0].delay_ms);
  /* The new session hears the rest and is finished at once. */
  FakeLink &l2 = r.env.last();
  fail_unless_equals_int(r.env.order.size(), 2);
  fail_unless(l2.terminated());
  fail_unless_equals_int(sample_at(l2, 0), 500 * 16);
  r.begin(2);
  r.terminate(2);
  fail_unless(r.machine->drained());
  fail_if(r.machine->failed());
}
GST_END_TEST;

GST_START_TEST(test_drain_stalled_gives_up)
{
  StreamParams p = Rig::params();
  p.reconnect_attempts = 0;
  Rig r(p);
  r.begin(1);
  r.push_ms(500);
  r.machine->drain();
  r.env.advance(5000 + 400);
  auto failed = of_kind<FailedNotice>(r.notices());
  fail_unless_equals_int(failed.size(), 1);
  fail_unless(failed[0].report->kind == EndReport::Kind::Stalled);
  fail_unless(failed[0].report->began);
  fail_unless(r.machine->drained());
}
GST_END_TEST;

GST_START_TEST(test_drain_during_outage)
{
  Rig r;
  r.begin(1);
  r.push_ms(1000);
  r.drop(1);
  r.machine->drain();
  fail_if(r.machine->drained());
  r.env.advance(250);
  fail_unless(r.env.last().terminated());
  /* The deadline counts from Begin (connecting has its own timeout). */
  r.env.advance(10000);
  fail_unless_equals_int(r.env.order.size(), 2);
  r.begin(2);
  r.terminate(2);
  fail_unless(r.machine->drained());
}
GST_END_TEST;

/* ---- credentials and stopping ------------------------------------------ */

GST_START_TEST(test_credential_later_and_stale)
{
  Rig r(Rig::params(), CredentialMode::Later);
  fail_unless_equals_int(r.env.order.size(), 0);
  uint64_t req = r.env.requests[0].first;
  r.machine->credential_ready(req + 1, Credential{AuthMode::QueryToken, "x"});
  fail_unless_equals_int(r.env.order.size(), 0);
  r.machine->credential_ready(req, Credential{AuthMode::QueryToken, "tmp"});
  fail_unless_equals_int(r.env.order.size(), 1);
  fail_unless_equals_string(r.env.credentials[1].c_str(), "tmp");
  /* Answered once only. */
  r.machine->credential_ready(req, Credential{AuthMode::QueryToken, "again"});
  fail_unless_equals_int(r.env.order.size(), 1);
}
GST_END_TEST;

GST_START_TEST(test_credential_failures)
{
  CredentialFailure f;
  f.retry = Retry::Backoff;
  f.summary = "Could not get a temporary token.";
  Rig r(Rig::params(), CredentialMode::Later);
  r.machine->credential_failed(r.env.requests[0].first, f);
  auto retry = of_kind<CredentialRetryNotice>(r.notices());
  fail_unless_equals_int(retry.size(), 1);
  r.env.advance(retry[0].delay_ms);
  fail_unless_equals_int(r.env.requests.size(), 2);
  f.retry = Retry::Never;
  r.machine->credential_failed(r.env.requests[1].first, f);
  auto failed = of_kind<FailedNotice>(r.notices());
  fail_unless_equals_int(failed.size(), 1);
  fail_unless(failed[0].credential.has_value());
  fail_unless_equals_int(failed[0].attempts, 0);
}
GST_END_TEST;

GST_START_TEST(test_stop_closes_and_silences)
{
  Rig r;
  r.begin(1);
  r.push_ms(300);
  r.notices();
  r.machine->stop();
  fail_unless(r.env.link(1).closed);
  fail_unless(r.env.link(1).closed_with_terminate);
  r.turn(1, 0, {{"late", 0, 100}}, true);
  r.drop(1);
  r.env.advance(100000);
  fail_unless_equals_int(r.notices().size(), 0);
  fail_unless_equals_int(r.env.order.size(), 1);
}
GST_END_TEST;

/* ---- a hostile server --------------------------------------------------- */

GST_START_TEST(test_out_of_order_and_repeated_turns)
{
  Rig r;
  r.begin(1);
  r.push_ms(5000);
  r.turn(1, 2, {{"c", 3000, 3100}}, true);
  r.turn(1, 2, {{"c", 3000, 3100}}, true); /* repeated: said once */
  r.turn(1, 0, {{"a", 100, 200}}, true);   /* older: named, not passed on */
  r.turn(1, 1, {{"b", 1000, 900}}, false);
  auto ns = r.notices();
  fail_unless_equals_int(turn_words(ns).size(), 1);
  auto bad = of_kind<MalformedNotice>(ns);
  fail_unless_equals_int(bad.size(), 2);
  fail_unless(bad[0].error.find("turn_order went back from 2 to 0") !=
              std::string::npos);
  r.turn(1, 3, {{"d", 3200, 3300}}, false); /* later turns go on */
  fail_unless_equals_int(turn_words(r.notices()).size(), 1);
  fail_unless_equals_int(r.machine->next_turn_order(), 3);
  /* The replay point never moves back. */
  fail_unless_equals_int(r.machine->committed_ms(), 3100);
  r.drop(1);
  r.env.advance(250);
  fail_unless_equals_int(sample_at(r.env.last(), 0), 3100 * 16);
}
GST_END_TEST;

GST_START_TEST(test_second_begin_and_repeated_end_of_turn)
{
  Rig r;
  r.begin(1);
  r.push_ms(3000);
  r.notices();
  BeginEvent again;
  again.id = "other";
  r.machine->on_event(1, again, "{}");
  auto bad = of_kind<MalformedNotice>(r.notices());
  fail_unless_equals_int(bad.size(), 1);
  std::string id = r.machine->session_id();
  fail_unless_equals_string(id.c_str(), "session-1");
  r.turn(1, 0, {{"a", 100, 200}}, true);
  r.turn(1, 0, {{"a", 100, 200}}, true);        /* the same again */
  r.turn(1, 0, {{"A.", 100, 200}}, true, true); /* its formatted copy */
  auto ev = of_kind<EventNotice>(r.notices());
  fail_unless_equals_int(ev.size(), 2);
  fail_unless(std::get<TurnEvent>(ev[1].event).turn_is_formatted);
}
GST_END_TEST;

/* A Termination that answers our Terminate but counts less audio than was
 * sent is not the end of the stream: the rest is heard again. */
GST_START_TEST(test_premature_termination)
{
  Rig r;
  r.begin(1);
  r.push_ms(6000);
  r.machine->drain();
  TerminationEvent te;
  te.audio_duration_seconds = 2;
  r.machine->on_event(1, te, "{}");
  fail_if(r.machine->drained());
  r.close_normal(1);
  fail_unless_equals_int(of_kind<LostNotice>(r.notices()).size(), 1);
  r.env.advance(250);
  fail_unless(r.env.last().terminated());
  r.begin(2);
  te.audio_duration_seconds = 6;
  r.machine->on_event(2, te, "{}");
  fail_unless(r.machine->drained());
}
GST_END_TEST;

static Suite *stream_machine_suite(void)
{
  Suite *s = suite_create("stream_machine");
  TCase *tc = tcase_create("streaming");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_connect_and_stream);
  tcase_add_test(tc, test_word_times_in_notice);
  TCase *tl = tcase_create("lost");
  suite_add_tcase(s, tl);
  tcase_add_test(tl, test_drop_replays_from_last_turn);
  tcase_add_test(tl, test_replayed_words_dropped_once);
  tcase_add_test(tl, test_attempts_run_out);
  tcase_add_test(tl, test_progress_resets_attempts);
  tcase_add_test(tl, test_fatal_close_fails_at_once);
  tcase_add_test(tl, test_rate_limit_waits_longer);
  tcase_add_test(tl, test_oversized_message_not_retried);
  tcase_add_test(tl, test_stale_leg_ignored);
  tcase_add_test(tl, test_unrequested_termination);
  tcase_add_test(tl, test_live_outage_beyond_bound);
  tcase_add_test(tl, test_non_live_waits_for_session);
  TCase *tr = tcase_create("rollover");
  suite_add_tcase(s, tr);
  tcase_add_test(tr, test_rollover_at_turn_end);
  tcase_add_test(tr, test_rollover_waits_for_formatted_turn);
  tcase_add_test(tr, test_rollover_forced_mid_turn);
  tcase_add_test(tr, test_rollover_without_credential);
  tcase_add_test(tr, test_absurd_expiry_ignored);
  TCase *td = tcase_create("drain");
  suite_add_tcase(s, td);
  tcase_add_test(td, test_drain);
  tcase_add_test(td, test_drain_stalled_reconnects);
  tcase_add_test(td, test_drain_stalled_gives_up);
  tcase_add_test(td, test_drain_during_outage);
  tcase_add_test(td, test_premature_termination);
  TCase *tx = tcase_create("control");
  suite_add_tcase(s, tx);
  tcase_add_test(tx, test_credential_later_and_stale);
  tcase_add_test(tx, test_credential_failures);
  tcase_add_test(tx, test_stop_closes_and_silences);
  tcase_add_test(tx, test_out_of_order_and_repeated_turns);
  tcase_add_test(tx, test_second_begin_and_repeated_end_of_turn);
  return s;
}

GST_CHECK_MAIN(stream_machine);
