/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaiagentoutput.h"

GST_DEBUG_CATEGORY_STATIC(agent_output_debug);
#define GST_CAT_DEFAULT agent_output_debug

namespace aai
{

namespace
{
/* Agent speech pushed less than this long ago may still be in an audio
 * sink's device buffer (buffer-time is 200 ms by default): a barge-in
 * then flushes it. */
constexpr GstClockTime kSinkHold = 500 * GST_MSECOND;

void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(agent_output_debug, "assemblyaiagentoutput", 0,
                            "AssemblyAI voice agent audio output");
    g_once_init_leave(&once, 1);
  }
}
}  // namespace

AgentOutput::AgentOutput(GstElement *owner, GstPad *pad)
    : owner_(owner), pad_(pad)
{
  ensure_debug_category();
  gst_segment_init(&segment_, GST_FORMAT_TIME);
}

AgentOutput::~AgentOutput()
{
  for (GstEvent *e : events_)
    gst_event_unref(e);
}

GstCaps *AgentOutput::caps_for(AgentEncoding e)
{
  switch (e) {
    case AgentEncoding::Pcmu:
      return gst_caps_from_string(
          "audio/x-mulaw, rate=(int)8000, channels=(int)1");
    case AgentEncoding::Pcma:
      return gst_caps_from_string(
          "audio/x-alaw, rate=(int)8000, channels=(int)1");
    case AgentEncoding::Pcm:
      break;
  }
  return gst_caps_from_string(
      "audio/x-raw, format=(string)S16LE, rate=(int)24000, channels=(int)1, "
      "layout=(string)interleaved");
}

void AgentOutput::begin(AgentEncoding e,
                        const std::string &stream_id,
                        guint group_id,
                        bool flush_on_cut)
{
  std::lock_guard<std::mutex> l(lock_);
  rate_ = agent_encoding_rate(e);
  bps_ = agent_encoding_bytes_per_sample(e);
  silence_ = agent_encoding_silence(e);
  chunk_bytes_ = static_cast<size_t>(
      gst_util_uint64_scale(kChunk, rate_, GST_SECOND) * bps_);
  flush_on_cut_ = flush_on_cut;
  queue_.clear();
  eos_ = false;
  eos_pushed_ = false;
  GstEvent *ss = gst_event_new_stream_start(stream_id.c_str());
  gst_event_set_group_id(ss, group_id);
  events_.push_back(ss);
  GstCaps *caps = caps_for(e);
  events_.push_back(gst_event_new_caps(caps));
  gst_caps_unref(caps);
  gst_segment_init(&segment_, GST_FORMAT_TIME);
  events_.push_back(gst_event_new_segment(&segment_));
  have_stream_ = true;
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

GstClockTime AgentOutput::bytes_to_time(size_t bytes) const
{
  return gst_util_uint64_scale(bytes / bps_, GST_SECOND, rate_);
}

GstClockTime AgentOutput::queue_audio(const std::vector<uint8_t> &audio)
{
  std::lock_guard<std::mutex> l(lock_);
  if (!have_stream_ || eos_)
    return GST_CLOCK_TIME_NONE;
  GstClockTime at = GST_CLOCK_TIME_IS_VALID(pos_)
                        ? pos_ + bytes_to_time(queue_.size())
                        : GST_CLOCK_TIME_NONE;
  queue_.insert(queue_.end(), audio.begin(), audio.end());
  return at;
}

GstClockTime AgentOutput::cut()
{
  std::lock_guard<std::mutex> l(lock_);
  size_t dropped = queue_.size();
  queue_.clear();
  bool recent = GST_CLOCK_TIME_IS_VALID(speech_end_) &&
                GST_CLOCK_TIME_IS_VALID(pos_) && pos_ < speech_end_ + kSinkHold;
  GST_DEBUG_OBJECT(pad_,
                   "barge-in at %" GST_TIME_FORMAT ": %" GST_TIME_FORMAT
                   " of speech dropped%s",
                   GST_TIME_ARGS(pos_), GST_TIME_ARGS(bytes_to_time(dropped)),
                   flush_on_cut_ && (dropped || recent) ? ", flushing" : "");
  if (flush_on_cut_ && (dropped || recent)) {
    flush_pending_ = true;
    speech_end_ = GST_CLOCK_TIME_NONE; /* flushed: nothing left downstream */
    if (clock_id_)
      gst_clock_id_unschedule(clock_id_);
    cond_.notify_all();
  }
  return bytes_to_time(dropped);
}

bool AgentOutput::idle() const
{
  std::lock_guard<std::mutex> l(lock_);
  return queue_.empty();
}

GstClockTime AgentOutput::position() const
{
  std::lock_guard<std::mutex> l(lock_);
  return pos_;
}

void AgentOutput::queue_eos()
{
  std::lock_guard<std::mutex> l(lock_);
  eos_ = true;
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

bool AgentOutput::wait_eos_pushed()
{
  std::unique_lock<std::mutex> l(lock_);
  cond_.wait(l, [this]() { return eos_pushed_ || flushing_; });
  return eos_pushed_;
}

void AgentOutput::set_playing(bool playing)
{
  std::lock_guard<std::mutex> l(lock_);
  playing_ = playing;
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

void AgentOutput::set_flush_on_cut(bool flush)
{
  std::lock_guard<std::mutex> l(lock_);
  flush_on_cut_ = flush;
}

void AgentOutput::set_tick(std::function<void()> fn)
{
  std::lock_guard<std::mutex> l(lock_);
  tick_ = std::move(fn);
}

void AgentOutput::unblock()
{
  std::lock_guard<std::mutex> l(lock_);
  flushing_ = true;
  queue_.clear();
  if (clock_id_)
    gst_clock_id_unschedule(clock_id_);
  cond_.notify_all();
}

bool AgentOutput::set_active(bool active)
{
  if (active) {
    {
      std::lock_guard<std::mutex> l(lock_);
      flushing_ = false;
      discont_ = true;
    }
    return gst_pad_start_task(pad_, task_func, this, nullptr);
  }
  {
    std::lock_guard<std::mutex> l(lock_);
    flushing_ = true;
    have_stream_ = false;
    queue_.clear();
    for (GstEvent *e : events_)
      gst_event_unref(e);
    events_.clear();
    pos_ = GST_CLOCK_TIME_NONE;
    speech_end_ = GST_CLOCK_TIME_NONE;
    flush_pending_ = false;
    if (clock_id_)
      gst_clock_id_unschedule(clock_id_);
    cond_.notify_all();
  }
  return gst_pad_stop_task(pad_);
}

void AgentOutput::task_func(gpointer data)
{
  static_cast<AgentOutput *>(data)->loop();
}

/* Waits until the clock reaches @running (running time); false when
 * woken early (a state change, a barge-in, EOS) or without a clock. */
bool AgentOutput::wait_clock(std::unique_lock<std::mutex> &l,
                             GstClockTime running)
{
  GstClock *clock = gst_element_get_clock(owner_);
  if (!clock) {
    cond_.wait(l);
    return false;
  }
  GstClockID id = gst_clock_new_single_shot_id(
      clock, gst_element_get_base_time(owner_) + running);
  gst_object_unref(clock);
  clock_id_ = id;
  l.unlock();
  GstClockReturn r = gst_clock_id_wait(id, nullptr);
  l.lock();
  clock_id_ = nullptr;
  gst_clock_id_unref(id);
  return r != GST_CLOCK_UNSCHEDULED;
}

void AgentOutput::loop()
{
  std::unique_lock<std::mutex> l(lock_);
  for (;;) {
    if (flushing_) {
      l.unlock();
      gst_pad_pause_task(pad_);
      return;
    }
    if (!events_.empty()) {
      GstEvent *e = events_.front();
      events_.pop_front();
      l.unlock();
      gst_pad_push_event(pad_, e);
      return;
    }
    if (flush_pending_) {
      flush_pending_ = false;
      l.unlock();
      flush_downstream();
      return;
    }
    if (!have_stream_) {
      cond_.wait(l);
      continue;
    }
    if (eos_ && queue_.empty()) {
      l.unlock();
      gst_pad_push_event(pad_, gst_event_new_eos());
      l.lock();
      eos_pushed_ = true;
      cond_.notify_all();
      l.unlock();
      gst_pad_pause_task(pad_);
      return;
    }
    if (!playing_) {
      GST_LOG_OBJECT(pad_, "waiting for PLAYING");
      cond_.wait(l);
      continue;
    }
    if (!GST_CLOCK_TIME_IS_VALID(pos_)) {
      /* Start at the current running time, like a capture source. */
      GstClock *clock = gst_element_get_clock(owner_);
      if (!clock) {
        cond_.wait(l);
        continue;
      }
      GstClockTime now = gst_clock_get_time(clock);
      gst_object_unref(clock);
      GstClockTime base = gst_element_get_base_time(owner_);
      pos_ = now > base ? now - base : 0;
    }
    GST_LOG_OBJECT(pad_, "waiting for %" GST_TIME_FORMAT, GST_TIME_ARGS(pos_));
    if (!wait_clock(l, pos_))
      continue;
    push_chunk(l);
    return;
  }
}

/* One chunk at pos_: queued speech, the rest silence. Called locked;
 * returns unlocked. */
void AgentOutput::push_chunk(std::unique_lock<std::mutex> &l)
{
  size_t take = std::min(queue_.size(), chunk_bytes_);
  GstBuffer *buf = gst_buffer_new_allocate(nullptr, chunk_bytes_, nullptr);
  GstMapInfo map;
  gst_buffer_map(buf, &map, GST_MAP_WRITE);
  std::copy(queue_.begin(), queue_.begin() + take, map.data);
  std::fill(map.data + take, map.data + chunk_bytes_, silence_);
  gst_buffer_unmap(buf, &map);
  queue_.erase(queue_.begin(), queue_.begin() + take);
  GST_BUFFER_PTS(buf) = pos_;
  GST_BUFFER_DURATION(buf) = kChunk;
  GST_BUFFER_OFFSET(buf) = gst_util_uint64_scale_round(pos_, rate_, GST_SECOND);
  GST_BUFFER_OFFSET_END(buf) = GST_BUFFER_OFFSET(buf) + chunk_bytes_ / bps_;
  if (discont_) {
    GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
    discont_ = false;
  }
  if (take == 0)
    GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_GAP);
  pos_ += kChunk;
  if (take)
    speech_end_ = pos_;
  std::function<void()> tick = tick_;
  l.unlock();
  GstFlowReturn ret = gst_pad_push(pad_, buf);
  if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING &&
      ret != GST_FLOW_NOT_LINKED) {
    GST_DEBUG_OBJECT(pad_, "pausing: %s", gst_flow_get_name(ret));
    if (ret == GST_FLOW_EOS) {
      std::lock_guard<std::mutex> g(lock_);
      eos_pushed_ = true;
      cond_.notify_all();
    } else {
      GST_ELEMENT_FLOW_ERROR(owner_, ret);
    }
    gst_pad_pause_task(pad_);
    return;
  }
  if (tick)
    tick();
}

void AgentOutput::flush_downstream()
{
  GST_INFO_OBJECT(pad_, "flushing the agent's speech downstream");
  gst_pad_push_event(pad_, gst_event_new_flush_start());
  /* Running time goes on: no reset. */
  gst_pad_push_event(pad_, gst_event_new_flush_stop(FALSE));
  GstSegment seg;
  {
    std::lock_guard<std::mutex> l(lock_);
    gst_segment_copy_into(&segment_, &seg);
  }
  gst_pad_push_event(pad_, gst_event_new_segment(&seg));
  discont_ = true;
}

}  // namespace aai
