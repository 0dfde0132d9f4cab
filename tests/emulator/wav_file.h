/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The sample bytes of a WAV file (its "data" chunk), for
 * Config::reference_audio: the emulator compares them with what a session
 * receives, so they must be in the encoding and rate the client sends. */
#pragma once

#include <string>

namespace aai_emu
{

/* False (with @error) if @path cannot be read or has no data chunk. */
bool read_wav_data(const std::string &path,
                   std::string *data,
                   std::string *error);

}  // namespace aai_emu
