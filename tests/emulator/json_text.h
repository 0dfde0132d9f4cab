/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The one JsonBuilder -> compact JSON text step every emulator reply uses. */
#pragma once

#include <json-glib/json-glib.h>

#include <string>

namespace aai_emu
{

std::string builder_to_string(JsonBuilder *b);

}  // namespace aai_emu
