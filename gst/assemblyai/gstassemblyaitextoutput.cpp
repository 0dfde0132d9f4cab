/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaitextoutput.h"

GST_DEBUG_CATEGORY_STATIC(assemblyai_text_debug);
#define GST_CAT_DEFAULT assemblyai_text_debug

namespace aai
{

namespace
{
/* How far one GAP step moves time when nothing is said: small enough for
 * a 100 ms live caption muxer, large enough not to flood downstream. */
constexpr GstClockTime kGapStep = 100 * GST_MSECOND;

void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(assemblyai_text_debug, "assemblyaitext", 0,
                            "AssemblyAI text outputs");
    g_once_init_leave(&once, 1);
  }
}

GstEvent *custom_event(GstStructure *s)
{
  return gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM, s);
}
}  // namespace

TextOutput::TextOutput(GstElement *owner, GstPad *pad, Kind kind)
    : owner_(owner), pad_(pad), kind_(kind)
{
  ensure_debug_category();
  gst_segment_init(&segment_, GST_FORMAT_TIME);
}

TextOutput::~TextOutput()
{
  std::lock_guard<std::mutex> l(lock_);
  clear_queue_locked();
}

void TextOutput::set_timing(const OutputTiming &t)
{
  std::lock_guard<std::mutex> l(lock_);
  timing_ = t;
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

void TextOutput::set_caption_options(const CaptionOptions &o)
{
  std::lock_guard<std::mutex> l(lock_);
  caption_opts_ = o;
}

void TextOutput::clear_queue_locked()
{
  for (auto &i : queue_)
    if (i.event)
      gst_event_unref(i.event);
  queue_.clear();
}

bool TextOutput::accept_locked(Item &item)
{
  if (flushing_) {
    if (item.event)
      gst_event_unref(item.event);
    return false;
  }
  queue_.push_back(std::move(item));
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
  return true;
}

void TextOutput::queue(Item &&item)
{
  std::lock_guard<std::mutex> l(lock_);
  accept_locked(item);
}

void TextOutput::queue_events(const std::vector<GstEvent *> &events)
{
  std::lock_guard<std::mutex> l(lock_);
  for (GstEvent *e : events) {
    Item i(Item::Kind::Event);
    i.event = e;
    accept_locked(i);
  }
}

void TextOutput::queue_event(GstEvent *event)
{
  queue_events({event});
}

void TextOutput::queue_word(const TimedWord &w)
{
  Item i(Item::Kind::Word);
  i.word = w;
  queue(std::move(i));
}

void TextOutput::queue_end_of_turn()
{
  queue(Item(Item::Kind::EndOfTurn));
}

void TextOutput::queue_advance(GstClockTime pts)
{
  if (!GST_CLOCK_TIME_IS_VALID(pts))
    return;
  Item i(Item::Kind::Advance);
  i.word.pts = pts;
  queue(std::move(i));
}

void TextOutput::queue_speaker_change(const std::string &speaker)
{
  Item i(Item::Kind::Speaker);
  i.speaker = speaker;
  queue(std::move(i));
}

bool TextOutput::set_active(bool active)
{
  if (active) {
    {
      std::lock_guard<std::mutex> l(lock_);
      flushing_ = false;
      eos_pushed_ = false;
    }
    return gst_pad_start_task(pad_, task_func, this, nullptr);
  }
  start_flushing();
  return gst_pad_stop_task(pad_);
}

void TextOutput::start_flushing(std::vector<GstEvent *> *sticky)
{
  /* Drops what is queued (keeping the sticky events that survive a flush
   * in @sticky) and wakes the task wherever it waits. */
  std::lock_guard<std::mutex> l(lock_);
  flushing_ = true;
  for (Item &i : queue_) {
    if (sticky && i.event && GST_EVENT_IS_STICKY(i.event) &&
        GST_EVENT_TYPE(i.event) != GST_EVENT_SEGMENT &&
        GST_EVENT_TYPE(i.event) != GST_EVENT_EOS) {
      sticky->push_back(i.event);
      i.event = nullptr;
    }
  }
  clear_queue_locked();
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

void TextOutput::flush_start()
{
  /* Sticky events the task had not pushed yet (STREAM_START, CAPS, tags)
   * stay on the pad, where GStreamer keeps them across the flush and sends
   * them before the next data; only the segment (reset by the flush) and
   * EOS go with the rest of the queue. */
  std::vector<GstEvent *> sticky;
  start_flushing(&sticky);
  for (GstEvent *e : sticky) {
    GST_DEBUG_OBJECT(pad_, "keeping %" GST_PTR_FORMAT " across the flush", e);
    gst_pad_store_sticky_event(pad_, e);
    gst_event_unref(e);
  }
  /* Unblocks a push stuck downstream, then waits for the loop to leave. */
  gst_pad_push_event(pad_, gst_event_new_flush_start());
  gst_pad_pause_task(pad_);
}

void TextOutput::flush_stop()
{
  /* The task is paused: its state can be reset from here. */
  captions_.reset();
  discont_ = true;
  preroll_gap_ = false;
  downstream_eos_ = false;
  {
    std::lock_guard<std::mutex> l(lock_);
    flushing_ = false;
    eos_pushed_ = false;
  }
  gst_pad_push_event(pad_, gst_event_new_flush_stop(TRUE));
  gst_pad_start_task(pad_, task_func, this, nullptr);
}

void TextOutput::repreroll()
{
  std::lock_guard<std::mutex> l(lock_);
  repreroll_ = true;
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

void TextOutput::wake()
{
  std::lock_guard<std::mutex> l(lock_);
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

bool TextOutput::wait_eos_pushed()
{
  std::unique_lock<std::mutex> l(lock_);
  cond_.wait(l, [this]() { return eos_pushed_ || flushing_; });
  return eos_pushed_;
}

void TextOutput::task_func(gpointer user_data)
{
  static_cast<TextOutput *>(user_data)->loop();
}

std::optional<GstClockTime> TextOutput::gap_deadline_locked(
    GstClockTime *target) const
{
  if (!timing_.clocked || !have_segment_ ||
      !GST_CLOCK_TIME_IS_VALID(position_) ||
      GST_STATE(owner_) != GST_STATE_PLAYING)
    return std::nullopt;
  GstClockTime t = position_ + kGapStep;
  /* Never declare the time of an open caption cue empty; its own
   * deadline closes it early instead. */
  std::optional<GstClockTime> cue =
      captions_ ? captions_->open_cue_start() : std::nullopt;
  if (cue && *cue < t)
    t = std::max(*cue, position_);
  GstClockTime rt = gst_segment_to_running_time(&segment_, GST_FORMAT_TIME, t);
  if (!GST_CLOCK_TIME_IS_VALID(rt))
    return std::nullopt;
  *target = t;
  return gst_element_get_base_time(owner_) + rt + timing_.latency +
         timing_.upstream_min;
}

bool TextOutput::wait_for_work(std::unique_lock<std::mutex> &l)
{
  while (!flushing_) {
    if (!queue_.empty())
      return true;
    if (repreroll_) {
      repreroll_ = false;
      preroll_gap_ = have_segment_ && GST_CLOCK_TIME_IS_VALID(position_);
    }
    if (preroll_gap_) {
      preroll_gap_ = false;
      l.unlock();
      push_event_downstream(gst_event_new_gap(position_, 0));
      l.lock();
      continue;
    }
    GstClockTime target = 0;
    std::optional<GstClockTime> deadline = gap_deadline_locked(&target);
    GstClock *clock = deadline ? gst_element_get_clock(owner_) : nullptr;
    if (!clock) {
      cond_.wait(l);
      continue;
    }
    GstClockID id = gst_clock_new_single_shot_id(clock, *deadline);
    gst_object_unref(clock);
    clock_id_ = id;
    l.unlock();
    GstClockReturn r = gst_clock_id_wait(id, nullptr);
    l.lock();
    clock_id_ = nullptr;
    gst_clock_id_unref(id);
    if (flushing_ || r == GST_CLOCK_UNSCHEDULED || !queue_.empty())
      continue;
    l.unlock();
    /* How far the clock now allows, at least up to the target. */
    GstClockTime now_target = target;
    GstClock *c = gst_element_get_clock(owner_);
    if (c) {
      GstClockTime now = gst_clock_get_time(c);
      GstClockTime spent = gst_element_get_base_time(owner_) + timing_.latency +
                           timing_.upstream_min;
      gst_object_unref(c);
      guint64 pos = 0;
      if (now > spent &&
          gst_segment_position_from_running_time_full(
              &segment_, GST_FORMAT_TIME, now - spent, &pos) == 1 &&
          pos > now_target)
        now_target = pos;
    }
    if (captions_ && captions_->open_cue_start() &&
        *captions_->open_cue_start() <= now_target)
      push_cues(captions_->end_turn()); /* its deadline: show it now */
    push_gap_to(now_target);
    l.lock();
  }
  return false;
}

void TextOutput::loop()
{
  std::unique_lock<std::mutex> l(lock_);
  if (!wait_for_work(l)) {
    l.unlock();
    gst_pad_pause_task(pad_);
    return;
  }
  Item item = std::move(queue_.front());
  queue_.pop_front();
  l.unlock();

  switch (item.kind) {
    case Item::Kind::Event:
      handle_event(item.event);
      break;
    case Item::Kind::Word:
      if (kind_ == Kind::Words) {
        push_text(item.word.text, item.word.pts, item.word.duration, true);
      } else {
        /* Cues keep the time they were spoken at: a cue that closes late
         * is restamped like a word, but not counted as a late word. */
        push_cues(caption_builder().add_word(
            item.word.text, item.word.pts, item.word.pts + item.word.duration));
      }
      break;
    case Item::Kind::EndOfTurn:
      if (captions_)
        push_cues(captions_->end_turn());
      push_event_downstream(custom_event(
          gst_structure_new_empty("rstranscribe/final-transcript")));
      break;
    case Item::Kind::Speaker:
      /* A new speaker starts a new, marked cue. */
      if (kind_ == Kind::Captions)
        push_cues(caption_builder().speaker_change());
      push_event_downstream(custom_event(
          gst_structure_new("rstranscribe/speaker-change", "speaker",
                            G_TYPE_STRING, item.speaker.c_str(), nullptr)));
      break;
    case Item::Kind::Advance: {
      GstClockTime to = item.word.pts;
      if (captions_ && captions_->open_cue_start() &&
          *captions_->open_cue_start() < to)
        to = *captions_->open_cue_start();
      if (!downstream_eos_ && have_segment_)
        push_gap_to(to);
      break;
    }
  }
}

void TextOutput::handle_event(GstEvent *event)
{
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_SEGMENT: {
      const GstSegment *seg;
      gst_event_parse_segment(event, &seg);
      {
        std::lock_guard<std::mutex> l(lock_);
        gst_segment_copy_into(seg, &segment_);
        have_segment_ = true;
        position_ = seg->rate >= 0 ? seg->start : seg->stop;
      }
      push_event_downstream(event);
      /* Downstream sinks need something to preroll on before any word
       * exists: a GAP, once the events queued with the segment (the
       * language tag) are out. */
      preroll_gap_ = GST_CLOCK_TIME_IS_VALID(position_);
      return;
    }
    case GST_EVENT_EOS:
      if (captions_)
        push_cues(captions_->end_turn());
      push_event_downstream(event);
      {
        std::lock_guard<std::mutex> l(lock_);
        eos_pushed_ = true;
      }
      cond_.notify_all();
      return;
    default:
      push_event_downstream(event);
      return;
  }
}

void TextOutput::push_event_downstream(GstEvent *event)
{
  /* FALSE when unlinked or not accepted; sticky events stay on the pad for
   * a later link, so there is nothing to report. */
  if (!gst_pad_push_event(pad_, event))
    GST_LOG_OBJECT(pad_, "event not handled downstream");
}

void TextOutput::push_gap_to(GstClockTime target)
{
  if (!GST_CLOCK_TIME_IS_VALID(position_) || target <= position_)
    return;
  GstEvent *gap = gst_event_new_gap(position_, target - position_);
  {
    std::lock_guard<std::mutex> l(lock_);
    position_ = target;
  }
  push_event_downstream(gap);
}

void TextOutput::push_text(const std::string &text,
                           GstClockTime pts,
                           GstClockTime duration,
                           bool count_late)
{
  if (downstream_eos_)
    return;
  if (!GST_CLOCK_TIME_IS_VALID(pts))
    return; /* no timeline for it: nothing downstream could do with it */
  if (GST_CLOCK_TIME_IS_VALID(position_) && pts < position_) {
    /* Its time was already declared empty (or shown): shift it to the
     * earliest free position, keep its duration. */
    GST_INFO_OBJECT(
        pad_, "'%s' at %" GST_TIME_FORMAT " late by %" GST_TIME_FORMAT,
        text.c_str(), GST_TIME_ARGS(pts), GST_TIME_ARGS(position_ - pts));
    if (count_late && late_words_.fetch_add(1) == 0)
      GST_ELEMENT_WARNING_WITH_DETAILS(
          owner_, CORE, CLOCK, ("Words arrive after their deadline."),
          ("A word for %" GST_TIME_FORMAT " came %" GST_TIME_FORMAT
           " too late and was shown later; raise the latency property "
           "(late-words counts them).",
           GST_TIME_ARGS(pts), GST_TIME_ARGS(position_ - pts)),
          ("original-pts", G_TYPE_UINT64, pts, "new-pts", G_TYPE_UINT64,
           position_, nullptr));
    pts = position_;
  } else if (GST_CLOCK_TIME_IS_VALID(position_) && pts > position_) {
    push_gap_to(pts);
  }
  preroll_gap_ = false; /* the buffer prerolls */
  GstBuffer *buf = gst_buffer_new_memdup(text.data(), text.size());
  GST_BUFFER_PTS(buf) = pts;
  GST_BUFFER_DURATION(buf) = duration;
  if (discont_) {
    GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
    discont_ = false;
  }
  {
    std::lock_guard<std::mutex> l(lock_);
    if (GST_CLOCK_TIME_IS_VALID(duration))
      position_ = pts + duration;
    else if (!GST_CLOCK_TIME_IS_VALID(position_) || pts > position_)
      position_ = pts;
  }
  check_flow(gst_pad_push(pad_, buf));
}

CaptionBuilder &TextOutput::caption_builder()
{
  if (!captions_) {
    std::lock_guard<std::mutex> g(lock_);
    captions_ = std::make_unique<CaptionBuilder>(caption_opts_);
  }
  return *captions_;
}

void TextOutput::push_cues(const std::vector<CaptionCue> &cues)
{
  for (const CaptionCue &c : cues)
    push_text(c.text, c.start, c.duration, false);
}

bool TextOutput::check_flow(GstFlowReturn ret)
{
  switch (ret) {
    case GST_FLOW_OK:
    case GST_FLOW_NOT_LINKED: /* an unlinked text pad is normal */
      return true;
    case GST_FLOW_EOS:
      downstream_eos_ = true;
      return true;
    case GST_FLOW_FLUSHING:
      return false;
    default:
      GST_ELEMENT_FLOW_ERROR(owner_, ret);
      downstream_eos_ = true; /* push nothing more on this pad */
      return false;
  }
}

}  // namespace aai
