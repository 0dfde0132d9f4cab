/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wav_file.h"

#include <cstdint>

#include <glib.h>

namespace aai_emu
{

bool read_wav_data(const std::string &path,
                   std::string *data,
                   std::string *error)
{
  gchar *contents = nullptr;
  gsize size = 0;
  GError *err = nullptr;
  if (!g_file_get_contents(path.c_str(), &contents, &size, &err)) {
    *error = err->message;
    g_error_free(err);
    return false;
  }
  std::string all(contents, size);
  g_free(contents);
  if (all.size() < 12 || all.compare(0, 4, "RIFF") != 0 ||
      all.compare(8, 4, "WAVE") != 0) {
    *error = path + " is not a WAV file";
    return false;
  }
  /* RIFF chunks after the 12-byte header: 4-byte id, 4-byte little-endian
   * length, the body, padded to an even length. */
  size_t pos = 12;
  while (pos + 8 <= all.size()) {
    auto byte = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(all[pos + 4 + i]));
    };
    uint32_t len = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
    if (all.compare(pos, 4, "data") == 0) {
      *data = all.substr(pos + 8, len);
      return true;
    }
    pos += 8 + static_cast<size_t>(len) + (len & 1);
  }
  *error = path + " has no data chunk";
  return false;
}

}  // namespace aai_emu
