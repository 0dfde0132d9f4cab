/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "replay_buffer.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace aai
{

ReplayBuffer::ReplayBuffer(int sample_rate,
                           int bytes_per_sample,
                           uint64_t max_samples)
    : rate_(sample_rate),
      bps_(static_cast<size_t>(bytes_per_sample)),
      max_(max_samples),
      /* 16 kHz: every 16th sample starts a ms; 11025 Hz: every 441st
       * (40 ms). */
      step_(static_cast<uint64_t>(sample_rate) /
            std::gcd(static_cast<uint64_t>(sample_rate), uint64_t{1000}))
{
}

uint64_t ReplayBuffer::align_down(uint64_t sample) const
{
  return sample - sample % step_;
}

uint64_t ReplayBuffer::align_up(uint64_t sample) const
{
  return align_down(sample + step_ - 1);
}

int64_t ReplayBuffer::ms_of(uint64_t sample) const
{
  return static_cast<int64_t>(sample * 1000 / static_cast<uint64_t>(rate_));
}

uint64_t ReplayBuffer::samples_of_ms(int64_t ms) const
{
  if (ms <= 0)
    return 0;
  return static_cast<uint64_t>(ms) * static_cast<uint64_t>(rate_) / 1000;
}

void ReplayBuffer::append(const uint8_t *data, size_t size)
{
  size -= size % bps_;
  while (size > 0) {
    size_t tail = head_ + size_; /* from the first chunk's start */
    if (tail == chunks_.size() * kChunkBytes)
      chunks_.emplace_back(kChunkBytes);
    size_t in_chunk = tail % kChunkBytes;
    size_t n = std::min(size, kChunkBytes - in_chunk);
    memcpy(chunks_[tail / kChunkBytes].data() + in_chunk, data, n);
    data += n;
    size -= n;
    size_ += n;
  }
  uint64_t held = size_ / bps_;
  if (held > max_) {
    /* Drop whole milliseconds so start() stays a session start point
     * (keeping the partial millisecond at the end, even with a bound of 0:
     * a new session must start on a whole millisecond). */
    uint64_t new_start = std::min(align_up(end() - max_), align_down(end()));
    if (new_start <= start_)
      return;
    drop_front((new_start - start_) * bps_);
    start_ = new_start;
  }
}

void ReplayBuffer::drop_front(size_t bytes)
{
  head_ += bytes;
  size_ -= bytes;
  while (head_ >= kChunkBytes) {
    chunks_.pop_front();
    head_ -= kChunkBytes;
  }
  if (size_ == 0 && !chunks_.empty()) {
    /* Nothing held: the next audio starts the one chunk kept afresh. */
    chunks_.resize(1);
    head_ = 0;
  }
}

void ReplayBuffer::trim_before(uint64_t sample)
{
  uint64_t to = std::min(align_down(sample), align_down(end()));
  if (to <= start_)
    return;
  drop_front((to - start_) * bps_);
  start_ = to;
}

void ReplayBuffer::read_from(
    uint64_t sample,
    const std::function<void(const uint8_t *, size_t)> &fn) const
{
  uint64_t from = std::clamp(sample, start_, end());
  size_t pos = head_ + (from - start_) * bps_; /* from the first chunk */
  size_t last = head_ + size_;
  while (pos < last) {
    size_t in_chunk = pos % kChunkBytes;
    size_t n = std::min(last - pos, kChunkBytes - in_chunk);
    fn(chunks_[pos / kChunkBytes].data() + in_chunk, n);
    pos += n;
  }
}

std::vector<uint8_t> ReplayBuffer::copy_from(uint64_t sample) const
{
  std::vector<uint8_t> out;
  out.reserve((end() - std::clamp(sample, start_, end())) * bps_);
  read_from(sample, [&out](const uint8_t *d, size_t n) {
    out.insert(out.end(), d, d + n);
  });
  return out;
}

bool ReplayBuffer::would_drop(uint64_t n_samples, uint64_t sample) const
{
  uint64_t held = size_ / bps_ + n_samples;
  if (held <= max_)
    return false;
  uint64_t new_start = std::min(align_up(end() + n_samples - max_),
                                align_down(end() + n_samples));
  /* The append drops [start_, new_start): nothing when the samples past
   * the bound are all in the trailing partial millisecond. */
  return new_start > std::max(start_, sample);
}

}  // namespace aai
