/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The environment's proxy settings (proxy property "") looked up once per
 * destination, not once per connection.
 *
 * libsoup asks its session's GProxyResolver before every connection. The
 * default resolver on Debian 12 is glib-networking's libproxy one, whose
 * asynchronous lookup runs in GLib's GTask thread pool (ten threads, one
 * more about every 100 ms while they are all busy): a thousand sessions
 * starting at once then wait in line for lookups that all give the same
 * answer (docs/benchmarks.md: 2000 connects took 33 s instead of 8 s).
 * caching_proxy_resolver() answers from a cache of the default resolver's
 * answers per URI, kept kTtlSeconds, and asks the default resolver only
 * for a destination it has no fresh answer for. */
#pragma once

#include <gio/gio.h>

namespace aai
{

/* How long an answer of the default resolver is reused. Settings changed
 * meanwhile apply to connections made after that. */
constexpr int kProxyCacheTtlSeconds = 60;

/* The process's caching resolver over g_proxy_resolver_get_default().
 * Created on first use, kept until the process exits. Transfer none; any
 * thread. */
GProxyResolver *caching_proxy_resolver();

/* A new caching resolver over @inner, with its own cache (transfer
 * full). */
GProxyResolver *new_caching_proxy_resolver(GProxyResolver *inner);

}  // namespace aai
