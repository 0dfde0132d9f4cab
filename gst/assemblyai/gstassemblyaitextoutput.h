/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One text src pad of assemblyaitranscriber and the task that pushes it.
 *
 * Other threads only queue items (events, words, ends of turns, speaker
 * changes); the pad task pushes them in order, so text and the sticky
 * events never race and the I/O thread never blocks on downstream. The
 * task also keeps time moving for live consumers: when nothing is queued
 * it waits on the pipeline clock and pushes GAP events up to the position
 * whose deadline (running time + latency) has passed. A word that arrives
 * after its position was declared empty is restamped to the earliest free
 * position and counted, never dropped.
 *
 * The word output pushes one buffer per word; the caption output feeds
 * the words to a CaptionBuilder and pushes whole cues. */
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "captions.h"

namespace aai
{

struct TimedWord {
  std::string text;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  GstClockTime duration = GST_CLOCK_TIME_NONE;
};

/* When GAPs are due; set by the element from its properties and from the
 * upstream latency. */
struct OutputTiming {
  GstClockTime latency = 0;      /* the latency property */
  GstClockTime upstream_min = 0; /* upstream's minimum latency (live) */
  bool clocked = false; /* audio arrives in real time (live or paced) */
};

class TextOutput
{
 public:
  enum class Kind { Words, Captions };

  TextOutput(GstElement *owner, GstPad *pad, Kind kind);
  ~TextOutput();

  GstPad *pad() const { return pad_; }

  void set_timing(const OutputTiming &t);
  void set_caption_options(const CaptionOptions &o);

  /* Queueing (any thread). Events are serialized downstream events; the
   * output takes ownership. A SEGMENT resets the position to its start. */
  void queue_event(GstEvent *event);
  /* Several events at once: nothing (not even the preroll GAP) can come
   * between them. */
  void queue_events(const std::vector<GstEvent *> &events);
  void queue_word(const TimedWord &w);
  void queue_end_of_turn();
  void queue_speaker_change(const std::string &speaker);
  /* Nothing more will come before @pts (the service has moved past it):
   * a GAP up to there, once everything queued before is out, keeps
   * muxers and sinks going where no clock does (before the first
   * PLAYING, pace=false). Never past an open caption cue. */
  void queue_advance(GstClockTime pts);

  /* Pad activation (push mode): starts / stops the task. */
  bool set_active(bool active);
  /* FLUSH_START / FLUSH_STOP: drops what is queued, pauses / restarts. */
  void flush_start();
  void flush_stop();
  /* Wakes the task to re-read the clock (state changed to PLAYING). */
  void wake();
  /* PLAYING -> PAUSED: downstream sinks preroll again; a zero-length GAP
   * at the current position lets them (the clock that moves the GAPs is
   * stopped). */
  void repreroll();
  /* Blocks until the queued EOS was pushed (or flushing); false if
   * flushing interrupted it. */
  bool wait_eos_pushed();

  /* Words restamped because they came after their position had passed. */
  uint64_t late_words() const { return late_words_.load(); }

 private:
  struct Item {
    enum class Kind { Event, Word, EndOfTurn, Speaker, Advance };
    explicit Item(Kind k) : kind(k) {}
    Kind kind;
    GstEvent *event = nullptr;
    TimedWord word;
    std::string speaker;
  };

  static void task_func(gpointer user_data);
  void loop();
  void queue(Item &&item);
  bool accept_locked(Item &item);
  void clear_queue_locked();
  void start_flushing(std::vector<GstEvent *> *sticky = nullptr);
  /* Waits for an item or a GAP deadline; false when flushing. */
  bool wait_for_work(std::unique_lock<std::mutex> &l);
  std::optional<GstClockTime> gap_deadline_locked(GstClockTime *target) const;
  void push_gap_to(GstClockTime target);
  void handle_event(GstEvent *event);
  void push_text(const std::string &text,
                 GstClockTime pts,
                 GstClockTime duration,
                 bool count_late);
  /* The caption builder, made with the options of the moment on first
   * use (task thread). */
  CaptionBuilder &caption_builder();
  void push_cues(const std::vector<CaptionCue> &cues);
  void push_event_downstream(GstEvent *event);
  bool check_flow(GstFlowReturn ret);

  GstElement *owner_;
  GstPad *pad_;
  Kind kind_;

  mutable std::mutex lock_;
  std::condition_variable cond_;
  std::deque<Item> queue_;
  bool flushing_ = true;
  bool eos_pushed_ = false;
  bool repreroll_ = false;        /* repreroll() asked for a GAP */
  GstClockID clock_id_ = nullptr; /* the task's pending GAP wait */
  OutputTiming timing_;
  CaptionOptions caption_opts_;

  /* Task thread only. */
  GstSegment segment_;
  bool have_segment_ = false;
  GstClockTime position_ = GST_CLOCK_TIME_NONE; /* end of what was pushed */
  bool discont_ = true;
  bool preroll_gap_ = false; /* a GAP to push once the queue is empty */
  bool downstream_eos_ = false;
  std::unique_ptr<CaptionBuilder> captions_;

  std::atomic<uint64_t> late_words_{0};
};

}  // namespace aai
