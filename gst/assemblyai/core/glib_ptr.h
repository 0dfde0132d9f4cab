/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* RAII holders for GLib allocations, so every early return frees what it
 * allocated. */
#pragma once

#include <memory>

#include <glib.h>

namespace aai
{

struct GFreeDeleter {
  void operator()(void *p) const { g_free(p); }
};
/* A string from g_strdup() and friends. */
using GStr = std::unique_ptr<char, GFreeDeleter>;

struct GUriDeleter {
  void operator()(GUri *u) const { g_uri_unref(u); }
};
using UriPtr = std::unique_ptr<GUri, GUriDeleter>;

}  // namespace aai
