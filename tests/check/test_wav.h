/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Test audio from tests/data for the element suites. */
#pragma once

#include <gst/check/gstcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wav_file.h"

/* The PCM samples of a mono 16-bit WAV in tests/data. */
inline std::vector<uint8_t> read_wav(const char *name)
{
  std::string data, error;
  fail_unless(aai_emu::read_wav_data(std::string(TEST_DATA_DIR) + "/" + name,
                                     &data, &error),
              "%s", error.c_str());
  return std::vector<uint8_t>(data.begin(), data.end());
}
