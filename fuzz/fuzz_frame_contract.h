/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* What the frame-parser fuzz targets (fuzz_server_frame.cpp,
 * fuzz_agent_event.cpp) share: CHECK(), which abort()s on a violated
 * contract after printing it with the frame (so that libFuzzer keeps the
 * input), and the text check their contracts use. Each target names
 * itself in fuzz_frame::target and sets fuzz_frame::input for every
 * frame. */
#pragma once

#include <glib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace fuzz_frame
{

struct Input {
  const char *data = nullptr;
  size_t size = 0;
};

inline Input input;
extern const char *const target; /* e.g. "fuzz-server-frame" */

[[noreturn]] inline void violation(const char *what, const std::string &detail)
{
  fprintf(stderr, "%s: contract violated: %s\n  %s\n", target, what,
          detail.c_str());
  fprintf(stderr, "  frame (%zu bytes): %.*s\n", input.size,
          static_cast<int>(input.size > 400 ? 400 : input.size), input.data);
  abort();
}

/* NUL-free UTF-8. */
inline bool clean_text(const std::string &s)
{
  return std::strlen(s.c_str()) == s.size() &&
         g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr);
}

}  // namespace fuzz_frame

#define CHECK(cond, detail)                   \
  do {                                        \
    if (!(cond))                              \
      fuzz_frame::violation(#cond, (detail)); \
  } while (0)
