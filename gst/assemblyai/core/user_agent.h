/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The one User-Agent of every request we make (WebSocket upgrade, token
 * endpoint), in the SDKs' "AssemblyAI/1.0 (key=name/version)" form
 * (docs/protocol.md, Client identification). */
#pragma once

namespace aai
{

extern const char kUserAgent[];

}  // namespace aai
