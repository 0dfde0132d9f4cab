/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* When a session that ended unexpectedly is worth another try, and how long
 * to wait first (docs/protocol.md, Close codes: 3005, 3008 and dropped
 * connections are transient; rate limits need a pause; credentials and
 * client bugs never get better by retrying). */
#pragma once

#include <cstdint>
#include <string>

#include "session.h"

namespace aai
{

enum class Retry {
  Never,     /* report the error */
  Backoff,   /* transient: exponential backoff from kFirstBackoffMs */
  RateLimit, /* too many sessions: the backoff starts at kRateLimitBackoffMs */
};

constexpr unsigned kFirstBackoffMs = 500;
constexpr unsigned kRateLimitBackoffMs = 5000;

/* What to do after a session ended with @r (not after our own Terminate). */
Retry retry_for(const EndReport &r);

/* Delay before attempt @attempt (1 = the first retry): the exponential
 * step, capped at @max_ms, with "equal jitter" (half fixed, half random
 * from @random) so that many streams dropped together do not reconnect in
 * lockstep. */
unsigned backoff_ms(unsigned attempt,
                    unsigned max_ms,
                    Retry kind,
                    uint32_t random);

/* "connection-lost", "closed", "dead-link" (EndReport::dead_link),
 * "connect-failed", "upgrade-refused", "timeout", "terminate-timeout"
 * (Stalled), "protocol-violation" (server_violation); "cancelled" for our
 * own close: the reason field of assemblyai/reconnect. */
const char *end_reason_name(const EndReport &r);

}  // namespace aai
