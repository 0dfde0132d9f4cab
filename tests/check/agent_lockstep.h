/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Drives assemblyaivoiceagent against the emulator in lockstep, so that a
 * conversation is the same on every run whatever the machine's load: a
 * GstTestClock moves in 20 ms steps; in each step the element pushes the
 * output buffer due at that time, the test pushes the caller audio of the
 * step before, and then waits until the emulator has received everything
 * the element sent and the element has handled everything the emulator
 * sent (every event on the bus, every byte of agent speech, every tool
 * result due). Only then does the clock move on. No sleeps: every wait is
 * a condition with a (generous) deadline that fails the test.
 *
 * PadLog records what the element pushes on its src pad, in order. */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>

#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent_service.h"
#include "emulator.h"

/* What went out of a pad, in order. */
struct PadLog {
  struct Item {
    enum class Kind { Buffer, FlushStart, FlushStop, Segment, Caps, Eos };
    Kind kind = Kind::Buffer;
    GstClockTime pts = GST_CLOCK_TIME_NONE;
    GstClockTime duration = GST_CLOCK_TIME_NONE;
    std::vector<uint8_t> data;
  };

  mutable std::mutex m;
  mutable std::condition_variable c;
  std::vector<Item> items;
  gulong probe = 0;
  GstPad *pad = nullptr;

  void attach(GstPad *p)
  {
    pad = GST_PAD(gst_object_ref(p));
    probe = gst_pad_add_probe(
        pad,
        static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                     GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                     GST_PAD_PROBE_TYPE_EVENT_FLUSH),
        on_probe, this, nullptr);
  }
  ~PadLog()
  {
    if (pad) {
      gst_pad_remove_probe(pad, probe);
      gst_object_unref(pad);
    }
  }

  static GstPadProbeReturn on_probe(GstPad *, GstPadProbeInfo *info, gpointer d)
  {
    auto *self = static_cast<PadLog *>(d);
    Item it;
    it.kind = Item::Kind::Buffer;
    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
      GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
      it.pts = GST_BUFFER_PTS(b);
      it.duration = GST_BUFFER_DURATION(b);
      GstMapInfo map;
      gst_buffer_map(b, &map, GST_MAP_READ);
      it.data.assign(map.data, map.data + map.size);
      gst_buffer_unmap(b, &map);
    } else if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
      GstEvent *e = GST_PAD_PROBE_INFO_EVENT(info);
      switch (GST_EVENT_TYPE(e)) {
        case GST_EVENT_FLUSH_START:
          it.kind = Item::Kind::FlushStart;
          break;
        case GST_EVENT_FLUSH_STOP:
          it.kind = Item::Kind::FlushStop;
          break;
        case GST_EVENT_SEGMENT:
          it.kind = Item::Kind::Segment;
          break;
        case GST_EVENT_CAPS:
          it.kind = Item::Kind::Caps;
          break;
        case GST_EVENT_EOS:
          it.kind = Item::Kind::Eos;
          break;
        default:
          return GST_PAD_PROBE_OK;
      }
    } else {
      return GST_PAD_PROBE_OK;
    }
    std::lock_guard<std::mutex> l(self->m);
    self->items.push_back(std::move(it));
    self->c.notify_all();
    return GST_PAD_PROBE_OK;
  }

  bool wait_for(const std::function<bool(const std::vector<Item> &)> &pred,
                int timeout_ms = 20000) const
  {
    std::unique_lock<std::mutex> l(m);
    return c.wait_for(l, std::chrono::milliseconds(timeout_ms),
                      [&]() { return pred(items); });
  }
  std::vector<Item> snapshot() const
  {
    std::lock_guard<std::mutex> l(m);
    return items;
  }
  std::vector<Item> buffers() const
  {
    std::vector<Item> out;
    for (const Item &i : snapshot())
      if (i.kind == Item::Kind::Buffer)
        out.push_back(i);
    return out;
  }
  size_t count(Item::Kind k) const
  {
    size_t n = 0;
    for (const Item &i : snapshot())
      n += i.kind == k;
    return n;
  }
};

/* The names of assemblyai/agent-* element messages. */
inline bool is_agent_message(GstMessage *m)
{
  const GstStructure *s = gst_message_get_structure(m);
  return GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT && s &&
         g_str_has_prefix(gst_structure_get_name(s), "assemblyai/agent-");
}

class Lockstep
{
 public:
  static constexpr GstClockTime kStep = 20 * GST_MSECOND;

  /* @element is configured (url, credentials...) and not yet in a
   * harness; @input_caps and @input the caller's audio. */
  Lockstep(aai_emu::Emulator &emu,
           GstElement *element,
           const char *input_caps,
           std::vector<uint8_t> input,
           int input_bytes_per_ms,
           const char *output_caps = nullptr)
      : emu_(emu), input_(std::move(input)), bytes_per_ms_(input_bytes_per_ms)
  {
    clock_ = GST_TEST_CLOCK(gst_test_clock_new());
    gst_element_set_clock(element, GST_CLOCK(clock_));
    bus_ = gst_bus_new();
    gst_element_set_bus(element, bus_);
    element_ = GST_ELEMENT(gst_object_ref(element));
    GstPad *src = gst_element_get_static_pad(element, "src");
    log.attach(src);
    gst_object_unref(src);
    h = gst_harness_new_with_element(element, "sink", "src");
    gst_harness_set_drop_buffers(h, TRUE);
    if (output_caps)
      gst_harness_set_sink_caps_str(h, output_caps);
    gst_harness_set_src_caps_str(h, input_caps);
  }

  ~Lockstep()
  {
    if (eos_thread_.joinable())
      eos_thread_.join();
    gst_harness_teardown(h);
    gst_element_set_bus(element_, nullptr);
    gst_object_unref(element_);
    for (GstMessage *m : messages)
      gst_message_unref(m);
    gst_object_unref(bus_);
    gst_object_unref(clock_);
  }

  /* Called with each new bus message while waiting (e.g. to answer a tool
   * call later). */
  std::function<void(GstMessage *)> on_message;

  /* Collects what the bus has. */
  void collect()
  {
    while (GstMessage *m = gst_bus_pop(bus_))
      take(m);
  }

  /* Waits until the emulator and the element agree (see above). */
  void settle(const char *what = "the conversation")
  {
    gint64 deadline = g_get_monotonic_time() + 30 * G_TIME_SPAN_SECOND;
    for (;;) {
      collect();
      if (agrees())
        return;
      fail_unless(g_get_monotonic_time() < deadline, "%s did not settle: %s",
                  what, state().c_str());
      /* Wakes early on a bus message. */
      if (GstMessage *m = gst_bus_timed_pop(bus_, 5 * GST_MSECOND))
        take(m);
    }
  }

  /* Waits for a bus message matching @pred (already collected ones
   * count). */
  GstMessage *wait_message(const std::function<bool(GstMessage *)> &pred,
                           const char *what)
  {
    gint64 deadline = g_get_monotonic_time() + 30 * G_TIME_SPAN_SECOND;
    for (size_t i = 0;;) {
      collect();
      for (; i < messages.size(); i++)
        if (pred(messages[i]))
          return messages[i];
      fail_unless(g_get_monotonic_time() < deadline, "no %s", what);
      if (GstMessage *m = gst_bus_timed_pop(bus_, 5 * GST_MSECOND))
        take(m);
    }
  }

  GstMessage *wait_agent(const char *name)
  {
    return wait_message(
        [name](GstMessage *m) {
          return is_agent_message(m) &&
                 gst_structure_has_name(gst_message_get_structure(m), name);
        },
        name);
  }

  /* One step: the output buffer due now goes out (the test clock releases
   * the output task's wait for it), the caller audio of the step before
   * goes in, both sides settle, and the next step is due 20 ms later. */
  void step()
  {
    GstClockTime due = now_;
    if (!release_output())
      return; /* EOS is out: the task waits no more */
    fail_unless(log.wait_for([due](const std::vector<PadLog::Item> &items) {
      for (auto it = items.rbegin(); it != items.rend(); ++it)
        if (it->kind == PadLog::Item::Kind::Buffer)
          return it->pts >= due;
        else if (it->kind == PadLog::Item::Kind::Eos)
          return true;
      return false;
    }),
                "no output buffer at %" GST_TIME_FORMAT, GST_TIME_ARGS(due));
    if (now_ >= kStep && !input_done_)
      push_input(now_ - kStep, now_);
    settle();
    now_ += kStep;
  }

  /* Steps until @until (running time). */
  void run_until(GstClockTime until)
  {
    while (now_ < until)
      step();
  }
  /* Steps through the whole input. */
  void run_input() { run_until(input_end() + kStep); }
  GstClockTime input_end() const
  {
    return gst_util_uint64_scale(input_.size() / bytes_per_ms_, GST_MSECOND, 1);
  }

  /* EOS from another thread (the element's EOS handling waits for the
   * conversation to end, which needs the clock to move), then steps until
   * EOS is out. */
  void finish()
  {
    input_done_ = true;
    GstHarness *hh = h;
    eos_thread_ = std::thread(
        [hh]() { gst_harness_push_event(hh, gst_event_new_eos()); });
    gint64 deadline = g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND;
    while (log.count(PadLog::Item::Kind::Eos) == 0) {
      fail_unless(g_get_monotonic_time() < deadline, "no EOS");
      step();
    }
    eos_thread_.join();
    collect();
  }

  GstClockTime now() const { return now_; }
  aai_emu::AgentService &agent() { return emu_.agent(); }

  /* The element's messages of type @type, in order. */
  std::vector<GstMessage *> of_type(GstMessageType type) const
  {
    std::vector<GstMessage *> out;
    for (GstMessage *m : messages)
      if (GST_MESSAGE_TYPE(m) == type)
        out.push_back(m);
    return out;
  }
  /* Names of the agent messages, in order. */
  std::vector<std::string> agent_names() const
  {
    std::vector<std::string> out;
    for (GstMessage *m : messages)
      if (is_agent_message(m))
        out.push_back(gst_structure_get_name(gst_message_get_structure(m)) +
                      strlen("assemblyai/agent-"));
    return out;
  }
  std::vector<const GstStructure *> named(const char *name) const
  {
    std::vector<const GstStructure *> out;
    for (GstMessage *m : messages)
      if (is_agent_message(m) &&
          gst_structure_has_name(gst_message_get_structure(m), name))
        out.push_back(gst_message_get_structure(m));
    return out;
  }

  GstHarness *h = nullptr;
  PadLog log;
  std::vector<GstMessage *> messages;

 private:
  void take(GstMessage *m)
  {
    messages.push_back(m);
    if (is_agent_message(m))
      agent_messages_++;
    if (on_message)
      on_message(m);
  }

  void push_input(GstClockTime from, GstClockTime to)
  {
    size_t a = static_cast<size_t>(from / GST_MSECOND) * bytes_per_ms_;
    size_t b = static_cast<size_t>(to / GST_MSECOND) * bytes_per_ms_;
    if (a >= input_.size())
      return;
    b = std::min(b, input_.size());
    GstBuffer *buf = gst_buffer_new_memdup(input_.data() + a, b - a);
    GST_BUFFER_PTS(buf) = from;
    GST_BUFFER_DURATION(buf) = to - from;
    fail_unless_equals_int(gst_harness_push(h, buf), GST_FLOW_OK);
  }

  uint64_t prop(const char *name) const
  {
    guint64 v = 0;
    g_object_get(element_, name, &v, nullptr);
    return v;
  }

  bool agrees()
  {
    aai_emu::AgentService::Snapshot s = emu_.agent().snapshot();
    if (s.handling)
      return false;
    uint64_t received = 0;
    int events = 0;
    for (const auto &c : s.connections) {
      received += c.audio_bytes;
      events += c.events;
    }
    uint64_t speech = 0;
    for (const auto &c : s.conversations) {
      speech += c.reply_audio_bytes;
      /* A tool call whose reply is done waits for its result. */
      for (const auto &r : c.replies) {
        if (r.tool_call.empty() || !r.done || r.interrupted)
          continue;
        bool answered = false;
        for (const auto &t : c.tool_results)
          answered = answered || t.first == r.tool_call;
        if (!answered)
          return false;
      }
    }
    return received == prop("audio-sent") && events == agent_messages_ &&
           speech == prop("audio-received");
  }

  /* Waits until the output task waits on the clock, then lets it go at
   * the time it waits for (which is now_). False once EOS is out. */
  bool release_output()
  {
    gint64 deadline = g_get_monotonic_time() + 30 * G_TIME_SPAN_SECOND;
    for (;;) {
      if (log.count(PadLog::Item::Kind::Eos) > 0)
        return false;
      /* A short wait, then EOS is looked at again: the task either waits
       * on the clock or has pushed EOS and stopped. */
      if (gst_test_clock_timed_wait_for_multiple_pending_ids(clock_, 1, 5,
                                                             nullptr))
        break;
      fail_unless(g_get_monotonic_time() < deadline,
                  "the output does not wait for %" GST_TIME_FORMAT,
                  GST_TIME_ARGS(now_));
    }
    fail_unless(gst_test_clock_crank(clock_));
    GstClockTime t = gst_clock_get_time(GST_CLOCK(clock_));
    fail_unless(t == now_,
                "the output waited for %" GST_TIME_FORMAT
                ", not %" GST_TIME_FORMAT,
                GST_TIME_ARGS(t), GST_TIME_ARGS(now_));
    return true;
  }

  std::string state()
  {
    aai_emu::AgentService::Snapshot s = emu_.agent().snapshot();
    uint64_t received = 0;
    int events = 0;
    for (const auto &c : s.connections) {
      received += c.audio_bytes;
      events += c.events;
    }
    uint64_t speech = 0;
    for (const auto &c : s.conversations)
      speech += c.reply_audio_bytes;
    return "emulator received " + std::to_string(received) + " of " +
           std::to_string(prop("audio-sent")) + " bytes, sent " +
           std::to_string(events) + " events (element posted " +
           std::to_string(agent_messages_) + ") and " + std::to_string(speech) +
           " bytes of speech (element got " +
           std::to_string(prop("audio-received")) + ")";
  }

  aai_emu::Emulator &emu_;
  std::vector<uint8_t> input_;
  int bytes_per_ms_;
  GstTestClock *clock_ = nullptr;
  GstBus *bus_ = nullptr;
  GstElement *element_ = nullptr;
  GstClockTime now_ = 0;
  int agent_messages_ = 0;
  bool input_done_ = false;
  std::thread eos_thread_;
};
