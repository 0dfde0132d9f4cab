/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "user_agent.h"

/* AAI_PACKAGE_VERSION comes from meson (the project version); the core
 * library cannot include the build's config.h, whose name its own
 * core/config.h shadows. */
namespace aai
{

const char kUserAgent[] =
    "AssemblyAI/1.0 (integration=gst-assemblyai/" AAI_PACKAGE_VERSION ")";

}  // namespace aai
