/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "chunker.h"

#include <algorithm>

namespace aai
{

namespace
{
constexpr unsigned kMinFrameMs = 50;

size_t bytes_for(int rate, int bps, unsigned ms)
{
  /* Round up to whole samples so a frame never falls below its duration. */
  size_t samples = (static_cast<size_t>(rate) * ms + 999) / 1000;
  return samples * static_cast<size_t>(bps);
}
}  // namespace

Chunker::Chunker(int sample_rate,
                 int bytes_per_sample,
                 unsigned chunk_ms,
                 uint8_t silence)
    : frame_bytes_(bytes_for(sample_rate, bytes_per_sample, chunk_ms)),
      min_bytes_(bytes_for(sample_rate, bytes_per_sample, kMinFrameMs)),
      silence_(silence)
{
  pending_.reserve(frame_bytes_);
}

std::vector<std::vector<uint8_t>> Chunker::push(const uint8_t *data,
                                                size_t size)
{
  std::vector<std::vector<uint8_t>> frames;
  while (size > 0) {
    size_t take = std::min(size, frame_bytes_ - pending_.size());
    pending_.insert(pending_.end(), data, data + take);
    data += take;
    size -= take;
    if (pending_.size() == frame_bytes_) {
      frames.emplace_back(std::move(pending_));
      pending_ = std::vector<uint8_t>();
      pending_.reserve(frame_bytes_);
    }
  }
  return frames;
}

std::vector<uint8_t> Chunker::flush(size_t *padding)
{
  *padding = 0;
  if (pending_.empty())
    return {};
  std::vector<uint8_t> last = std::move(pending_);
  pending_ = std::vector<uint8_t>();
  if (last.size() < min_bytes_) {
    *padding = min_bytes_ - last.size();
    last.resize(min_bytes_, silence_);
  }
  return last;
}

}  // namespace aai
