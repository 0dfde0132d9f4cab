/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "packing.h"

namespace cea608
{

namespace
{
/* SMPTE 334-2 frame rate codes and the cc_count of each rate (CEA-708's
 * 9600 bit/s caption channel divided among the frames); above 30 fps a
 * packet carries one CEA-608 triplet, below two. */
const CdpRate kCdpRates[] = {
    {24000, 1001, 1, 25, 2}, {24, 1, 2, 25, 2}, {25, 1, 3, 24, 2},
    {30000, 1001, 4, 20, 2}, {30, 1, 5, 20, 2}, {50, 1, 6, 12, 1},
    {60000, 1001, 7, 10, 1}, {60, 1, 8, 10, 1},
};

void triplet(std::vector<uint8_t> *out, int field, const Pair &p)
{
  /* marker bits 11111, cc_valid, cc_type 00 (field 1) / 01 (field 2) */
  uint8_t head = p.is_padding() ? 0xf8 : 0xfc;
  out->push_back(static_cast<uint8_t>(head | (field == 2 ? 1 : 0)));
  out->push_back(p.b1);
  out->push_back(p.b2);
}
}  // namespace

const CdpRate *cdp_rate(int fps_n, int fps_d)
{
  for (const CdpRate &r : kCdpRates)
    if (static_cast<int64_t>(r.fps_n) * fps_d ==
        static_cast<int64_t>(fps_n) * r.fps_d)
      return &r;
  return nullptr;
}

Packer::Packer(Format format, Channel channel, int fps_n, int fps_d)
    : format_(format), field_(field_of(channel))
{
  if (format_ == Format::Raw)
    valid_ = field_ == 1;
  if (format_ == Format::Cdp) {
    rate_ = cdp_rate(fps_n, fps_d);
    valid_ = rate_ != nullptr;
  }
}

std::vector<uint8_t> Packer::pack(const Pair &p)
{
  std::vector<uint8_t> out;
  switch (format_) {
    case Format::Raw:
      out = {p.b1, p.b2};
      break;
    case Format::S334_1A:
      out = {static_cast<uint8_t>(field_ == 1 ? 0x80 : 0x00), p.b1, p.b2};
      break;
    case Format::CcData:
      triplet(&out, field_, p);
      break;
    case Format::Cdp: {
      if (!rate_)
        break;
      out = {0x96, 0x69, 0 /* length, below */,
             static_cast<uint8_t>((rate_->code << 4) | 0x0f),
             /* ccdata_present, caption_service_active, reserved bit */
             0x43, static_cast<uint8_t>(sequence_ >> 8),
             static_cast<uint8_t>(sequence_ & 0xff), 0x72,
             static_cast<uint8_t>(0xe0 | rate_->cc_count)};
      int n = 0;
      if (rate_->cea608_count >= 2) {
        triplet(&out, 1, field_ == 1 ? p : kPadding);
        triplet(&out, 2, field_ == 2 ? p : kPadding);
        n = 2;
      } else {
        triplet(&out, field_, p);
        n = 1;
      }
      for (; n < rate_->cc_count; n++) {
        out.push_back(0xfa);
        out.push_back(0x00);
        out.push_back(0x00);
      }
      out.push_back(0x74);
      out.push_back(static_cast<uint8_t>(sequence_ >> 8));
      out.push_back(static_cast<uint8_t>(sequence_ & 0xff));
      out.push_back(0); /* checksum, below */
      out[2] = static_cast<uint8_t>(out.size());
      uint8_t sum = 0;
      for (uint8_t b : out)
        sum = static_cast<uint8_t>(sum + b);
      out.back() = static_cast<uint8_t>(0x100 - sum);
      sequence_++;
      break;
    }
  }
  return out;
}

}  // namespace cea608
