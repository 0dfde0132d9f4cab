/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Config::time_scale in one place: the emulator keeps every duration in
 * service time (what the service would spend) and converts it to wall-clock
 * time here, so scaling stays consistent everywhere. Audio time is never
 * converted. */
#pragma once

#include <glib.h>

#include <cmath>
#include <cstdint>

namespace aai_emu
{

class ServiceClock
{
 public:
  explicit ServiceClock(double scale) : scale_(scale) {}

  /* Wall microseconds that service_ms of service time lasts. */
  gint64 wall_us(double service_ms) const
  {
    return service_ms <= 0 ? 0 : (gint64)std::ceil(service_ms * scale_ * 1000);
  }
  /* The same, as a GLib timeout: whole ms rounded up, at least 1, so a
   * timer never fires before its scaled deadline nor spins at 0. */
  guint timeout_ms(double service_ms) const
  {
    double ms = std::ceil(service_ms * scale_);
    return ms < 1 ? 1u : ms > G_MAXUINT ? G_MAXUINT : (guint)ms;
  }
  /* Service milliseconds that pass during wall_us of wall time. */
  double service_ms(gint64 wall_us) const { return wall_us / 1000.0 / scale_; }

 private:
  double scale_;
};

}  // namespace aai_emu
