/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Config::realistic(), strict() and instant(): the numbers and why they
 * were chosen are in README.md ("Modes"). Each preset sets every realism
 * field, so it does not depend on the plain defaults. */
#include "emulator.h"

namespace aai_emu
{
namespace
{

/* What every preset shares: the model output as documented. */
Config documented_models()
{
  Config cfg;
  cfg.multilingual_formatted = true;
  cfg.whisper_speaker_labels = false;
  return cfg;
}

}  // namespace

Config Config::realistic()
{
  Config cfg = documented_models();
  cfg.pacing = PacingPolicy::Throttle;
  cfg.throttle_rate = 1.25;
  cfg.throttle_max_backlog_ms = 300000;
  cfg.strict_tolerance_s = 1.0;
  cfg.processing_delay_ms = 200;
  cfg.processing_delay_spread_ms = 200;
  cfg.warnings = AudioPoints{2500, 20000};
  cfg.unknown_messages = AudioPoints{4000, 20000};
  return cfg;
}

Config Config::strict()
{
  Config cfg = realistic();
  cfg.pacing = PacingPolicy::Strict;
  return cfg;
}

Config Config::instant()
{
  Config cfg = documented_models();
  cfg.pacing = PacingPolicy::Off;
  cfg.processing_delay_ms = 0;
  cfg.processing_delay_spread_ms = 0;
  cfg.warnings = AudioPoints{};
  cfg.unknown_messages = AudioPoints{};
  return cfg;
}

}  // namespace aai_emu
