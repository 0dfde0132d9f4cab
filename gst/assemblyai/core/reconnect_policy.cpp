/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reconnect_policy.h"

#include <algorithm>

#include "close_codes.h"

namespace aai
{

Retry retry_for(const EndReport &r)
{
  /* The server broke the protocol: an oversized message would come again
   * with the replayed audio; garbled data may not. */
  if (r.server_violation)
    return r.server_violation == 1009 ? Retry::Never : Retry::Backoff;
  switch (r.kind) {
    case EndReport::Kind::Cancelled:
      return Retry::Never;
    case EndReport::Kind::Timeout:
    case EndReport::Kind::Stalled:
      return Retry::Backoff;
    case EndReport::Kind::ConnectFailed:
      /* A certificate is not going to become trusted; a refused port, a
       * failed DNS lookup or a reset network may well come back. */
      return r.tls_error ? Retry::Never : Retry::Backoff;
    case EndReport::Kind::UpgradeRefused:
      if (r.http_status == 429)
        return Retry::RateLimit;
      if (r.http_status >= 500 || r.http_status == 408)
        return Retry::Backoff;
      return Retry::Never; /* 400, 401, 403, 404, 410: fix the settings */
    case EndReport::Kind::Normal:
      /* 1000 without our Terminate: the service ended the session early
       * (e.g. after a Termination of its own); a new one continues. */
      return Retry::Backoff;
    case EndReport::Kind::Closed:
      switch (classify_close(r.close_code, r.close_reason).klass) {
        case CloseClass::Auth:
        case CloseClass::ClientBug:
          return Retry::Never;
        case CloseClass::RateLimit:
          return Retry::RateLimit;
        case CloseClass::Normal:
        case CloseClass::Retryable:
          return Retry::Backoff;
      }
  }
  return Retry::Never;
}

unsigned backoff_ms(unsigned attempt,
                    unsigned max_ms,
                    Retry kind,
                    uint32_t random)
{
  uint64_t step =
      kind == Retry::RateLimit ? kRateLimitBackoffMs : kFirstBackoffMs;
  for (unsigned i = 1; i < attempt && step < max_ms; i++)
    step *= 2;
  step = std::min<uint64_t>(step, max_ms);
  uint64_t half = step / 2;
  uint64_t jitter = half ? random % (half + 1) : 0;
  return static_cast<unsigned>(step - half + jitter);
}

const char *end_reason_name(const EndReport &r)
{
  if (r.server_violation)
    return "protocol-violation";
  switch (r.kind) {
    case EndReport::Kind::Stalled:
      return "terminate-timeout";
    case EndReport::Kind::Timeout:
      return "timeout";
    case EndReport::Kind::ConnectFailed:
      return "connect-failed";
    case EndReport::Kind::UpgradeRefused:
      return "upgrade-refused";
    case EndReport::Kind::Closed:
      if (r.dead_link)
        return "dead-link";
      return r.close_code == 1006 ? "connection-lost" : "closed";
    case EndReport::Kind::Normal:
      return "closed";
    case EndReport::Kind::Cancelled:
      return "cancelled";
  }
  return "closed";
}

}  // namespace aai
