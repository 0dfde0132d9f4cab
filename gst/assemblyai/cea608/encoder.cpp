/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "encoder.h"

#include <algorithm>

namespace cea608
{

namespace
{
constexpr uint64_t kSecond = 1000000000ull;
}  // namespace

Encoder::Encoder(const EncoderOptions &o)
    : layout_([&o] {
        LayoutOptions l = o.layout;
        l.speaker_prefix = map_word(o.speaker_prefix).glyphs;
        return l;
      }()),
      fps_n_(o.fps_n > 0 ? o.fps_n : 30000),
      fps_d_(o.fps_n > 0 && o.fps_d > 0 ? o.fps_d : 1001),
      latency_(o.latency),
      erase_timeout_(o.erase_timeout)
{
  /* 608 carries one pair per 1/30 s at most: above 30 fps every other
   * frame is a slot. */
  step_ = static_cast<int64_t>(fps_n_) > 30ll * fps_d_ ? 2 : 1;
  hold_ = pop_on() ? 0 : latency_;
}

uint64_t Encoder::frame_time(int64_t n) const
{
  if (n <= 0)
    return 0;
  return static_cast<uint64_t>(static_cast<unsigned __int128>(n) * fps_d_ *
                               kSecond / static_cast<unsigned>(fps_n_));
}

double Encoder::slots_per_second() const
{
  return static_cast<double>(fps_n_) / fps_d_ / step_;
}

int64_t Encoder::first_slot_at(uint64_t t) const
{
  unsigned __int128 num = static_cast<unsigned __int128>(t) * fps_n_;
  unsigned __int128 den = static_cast<unsigned __int128>(fps_d_) * kSecond;
  int64_t f = static_cast<int64_t>((num + den - 1) / den);
  /* frame_time() rounds down: settle on the exact first frame. */
  while (f > 0 && frame_time(f - 1) >= t)
    f--;
  while (frame_time(f) < t)
    f++;
  return (f + step_ - 1) / step_;
}

std::vector<Pair> Encoder::expand(const std::vector<Code> &codes)
{
  std::vector<Pair> out;
  for (const Code &c : codes) {
    if (!c.twice) {
      out.push_back(c.pair);
      last_twice_ = false;
      continue;
    }
    if (last_twice_ && c.pair == last_pair_) {
      /* The same code again (e.g. two ♪ in a row): a decoder would drop
       * it as the repeat of the last one. */
      Pair brk = layout_.mode_command();
      if (brk != c.pair) {
        out.push_back(brk);
        out.push_back(brk);
      }
    }
    out.push_back(c.pair);
    out.push_back(c.pair);
    last_twice_ = true;
    last_pair_ = c.pair;
  }
  return out;
}

int64_t Encoder::place(const std::vector<Code> &ahead,
                       const std::vector<Code> &at,
                       int64_t not_before,
                       bool count_queued)
{
  std::vector<Pair> a = expand(ahead);
  std::vector<Pair> b = expand(at);
  const int64_t na = static_cast<int64_t>(a.size());
  const int64_t start = std::max(tail_, base_slot_);
  const int64_t first = std::max(not_before, start + na);
  if (count_queued && first > std::max(not_before, base_slot_ + na))
    stats_.queued_words++;
  int64_t s = first - na;
  auto put = [this](int64_t slot, const Pair &p) {
    size_t i = static_cast<size_t>(slot - base_slot_);
    if (pending_.size() <= i)
      pending_.resize(i + 1, kPadding);
    pending_[i] = p;
  };
  for (const Pair &p : a)
    put(s++, p);
  for (const Pair &p : b)
    put(s++, p);
  tail_ = s;
  return first;
}

void Encoder::arm_erase(uint64_t after)
{
  if (erase_timeout_ == 0)
    return;
  erase_deadline_ = std::max(after, slot_time(tail_)) + erase_timeout_;
}

void Encoder::show_cue(const std::vector<Code> &eoc)
{
  cue_deadline_.reset();
  if (eoc.empty())
    return;
  int64_t s = place({}, eoc, cue_last_slot_, false);
  arm_erase(std::max(cue_last_end_, slot_time(s)));
}

void Encoder::erase_at(uint64_t t)
{
  erase_deadline_.reset();
  std::vector<Code> edm = layout_.erase();
  if (!edm.empty())
    place({}, edm, first_slot_at(t), false);
}

void Encoder::add_text(const std::string &utf8,
                       uint64_t start,
                       uint64_t duration)
{
  const uint64_t end = start + duration;
  for (MappedWord &w : map_words(utf8)) {
    stats_.substitutions += w.substitutions.size();
    subs_.insert(subs_.end(), w.substitutions.begin(), w.substitutions.end());
    if (w.glyphs.empty())
      continue;
    /* What was due before this word happens first. */
    if (erase_deadline_ && start >= *erase_deadline_)
      erase_at(*erase_deadline_);
    if (pop_on() && cue_deadline_ && start >= *cue_deadline_)
      show_cue(layout_.close_cue());

    int64_t slot = first_slot_at(start);
    if (slot < base_slot_) {
      stats_.late_words++;
      slot = base_slot_;
    }
    bool had_cue = layout_.cue_open();
    WordCodes wc = layout_.add_word(w.glyphs);
    if (!wc.close.empty())
      show_cue(wc.close);
    if (pop_on()) {
      if (!had_cue || !wc.close.empty())
        cue_deadline_ = start + latency_;
      cue_last_slot_ = slot;
      cue_last_end_ = end;
      std::vector<Code> load = wc.setup;
      load.insert(load.end(), wc.text.begin(), wc.text.end());
      /* A load is not on screen: it may go out before the word. */
      place({}, load, wc.visible ? slot : base_slot_, true);
      if (wc.visible)
        arm_erase(end);
    } else {
      place(wc.setup, wc.text, slot, true);
      arm_erase(end);
    }
  }
}

void Encoder::end_turn()
{
  std::vector<Code> eoc = layout_.end_turn();
  if (pop_on())
    show_cue(eoc);
}

void Encoder::speaker_change(const std::string &speaker)
{
  bool first = !speaker_;
  if (!first && !speaker.empty() && *speaker_ == speaker)
    return;
  speaker_ = speaker;
  if (first && layout_.mid_turn())
    return;
  std::vector<Code> eoc = layout_.speaker_change();
  if (pop_on())
    show_cue(eoc);
}

void Encoder::fire_timers(int64_t slot)
{
  const uint64_t t = slot_time(slot);
  if (pop_on() && cue_deadline_ && t >= *cue_deadline_)
    show_cue(layout_.close_cue());
  if (erase_deadline_ && t >= *erase_deadline_)
    erase_at(*erase_deadline_);
}

void Encoder::commit_frame()
{
  Pair p = kPadding;
  if (next_frame_ % step_ == 0) {
    fire_timers(base_slot_);
    if (!pending_.empty()) {
      p = pending_.front();
      pending_.pop_front();
    }
    base_slot_++;
  }
  if (out_.empty())
    out_first_ = next_frame_;
  out_.push_back(p);
  next_frame_++;
}

void Encoder::advance(uint64_t position)
{
  if (position <= hold_)
    return;
  const uint64_t limit = position - hold_;
  while (frame_time(next_frame_) < limit)
    commit_frame();
}

void Encoder::finish(bool erase_now)
{
  if (pop_on())
    show_cue(layout_.close_cue());
  if (erase_now)
    erase_at(0);
  while (base_slot_ < tail_)
    commit_frame();
  if (erase_deadline_) {
    erase_at(*erase_deadline_);
    while (base_slot_ < tail_)
      commit_frame();
  }
}

void Encoder::clear_screen()
{
  place({}, layout_.erase(true), base_slot_, false);
}

std::vector<Pair> Encoder::take_frames(int64_t *first)
{
  *first = out_first_;
  std::vector<Pair> out;
  out.swap(out_);
  out_first_ = next_frame_;
  return out;
}

std::vector<Substitution> Encoder::take_substitutions()
{
  std::vector<Substitution> out;
  out.swap(subs_);
  return out;
}

}  // namespace cea608
