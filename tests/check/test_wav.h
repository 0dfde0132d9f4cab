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

/* The PCM samples of a mono 16-bit WAV in tests/data. */
inline std::vector<uint8_t> read_wav(const char *name)
{
  gchar *contents = nullptr;
  gsize size = 0;
  std::string path = std::string(TEST_DATA_DIR) + "/" + name;
  fail_unless(g_file_get_contents(path.c_str(), &contents, &size, nullptr));
  std::string all(contents, size);
  g_free(contents);
  size_t pos = 12;
  while (pos + 8 <= all.size()) {
    std::string id = all.substr(pos, 4);
    uint32_t len = static_cast<uint8_t>(all[pos + 4]) |
                   static_cast<uint8_t>(all[pos + 5]) << 8 |
                   static_cast<uint8_t>(all[pos + 6]) << 16 |
                   static_cast<uint32_t>(static_cast<uint8_t>(all[pos + 7]))
                       << 24;
    if (id == "data")
      return std::vector<uint8_t>(all.begin() + pos + 8,
                                  all.begin() + pos + 8 + len);
    pos += 8 + len + (len & 1);
  }
  fail_unless(FALSE, "no data chunk in %s", name);
  return {};
}
