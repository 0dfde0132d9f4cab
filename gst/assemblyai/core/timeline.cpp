/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "timeline.h"

#include <algorithm>

namespace aai
{

namespace
{
/* a * b / c without overflow (a = samples or ms over hours of audio). */
uint64_t scale(uint64_t a, uint64_t b, uint64_t c)
{
  return static_cast<uint64_t>(static_cast<unsigned __int128>(a) * b / c);
}
}  // namespace

void Timeline::append(uint64_t n_samples, const MediaTimes &start)
{
  if (n_samples == 0)
    return;
  stretches_.push_back(Stretch{total_, n_samples, start});
  total_ += n_samples;
}

uint64_t Timeline::offset_ns(uint64_t samples) const
{
  /* Exact integer scaling: no drift over a 3-hour session. */
  return scale(samples, 1000000000u, static_cast<uint64_t>(rate_));
}

MediaTimes Timeline::at_sample(uint64_t sample) const
{
  MediaTimes t;
  if (stretches_.empty())
    return t;
  /* Last stretch whose first sample is <= @sample. */
  auto it = std::upper_bound(
      stretches_.begin(), stretches_.end(), sample,
      [](uint64_t s, const Stretch &st) { return s < st.first_sample; });
  const Stretch &st = it == stretches_.begin() ? stretches_.front() : *(it - 1);
  auto shift = [&](uint64_t base) -> uint64_t {
    if (base == MediaTimes::kNone)
      return base;
    if (sample >= st.first_sample)
      return base + offset_ns(sample - st.first_sample);
    uint64_t back = offset_ns(st.first_sample - sample);
    return back > base ? 0 : base - back;
  };
  t.pts = shift(st.start.pts);
  t.running_time = shift(st.start.running_time);
  t.stream_time = shift(st.start.stream_time);
  return t;
}

MediaTimes Timeline::at_ms(int64_t ms) const
{
  if (ms < 0)
    ms = 0;
  return at_sample(
      scale(static_cast<uint64_t>(ms), static_cast<uint64_t>(rate_), 1000));
}

void Timeline::forget_before(uint64_t sample)
{
  /* Keep the stretch containing @sample and always the last one. */
  while (stretches_.size() > 1) {
    const Stretch &st = stretches_.front();
    if (st.first_sample + st.n_samples > sample)
      break;
    stretches_.pop_front();
  }
}

void Timeline::reset()
{
  stretches_.clear();
  total_ = 0;
}

}  // namespace aai
