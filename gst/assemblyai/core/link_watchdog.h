/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Tells when a TCP connection can no longer send. A network path that
 * silently dies (a NAT or Wi-Fi drop, a hung middlebox) gives no error for
 * many minutes: TCP keeps retransmitting and a WebSocket client keeps
 * queueing audio. The kernel's view of the socket shows it much sooner:
 *
 *  (a) the socket stays not writable (send buffer full), or
 *  (b) on Linux, data sits in the send queue (SIOCOUTQ > 0) while the
 *      peer's acknowledgements (TCP_INFO tcpi_bytes_acked) do not advance,
 *
 * for the whole timeout. On Linux an advance of tcpi_bytes_acked also
 * resets (a): a slow but live uplink that is kept saturated may look
 * not-writable at every check, yet it is acknowledging data.
 *
 * Plain state over a GSocket; the caller runs check() from a timer every
 * interval_ms() on the thread that owns the socket. */
#pragma once

#include <cstdint>

#include <gio/gio.h>

namespace aai
{

class LinkWatchdog
{
 public:
  /* Keeps a reference to @socket (a connected TCP socket). */
  LinkWatchdog(GSocket *socket, unsigned timeout_ms);
  ~LinkWatchdog();
  LinkWatchdog(const LinkWatchdog &) = delete;
  LinkWatchdog &operator=(const LinkWatchdog &) = delete;

  /* How often to call check() for @timeout_ms: min(timeout/4, 1000) ms,
   * at least 1. */
  static unsigned interval_ms(unsigned timeout_ms);

  /* Samples the socket at monotonic time @now_us; true once nothing could
   * be sent for the timeout. Measured from the first sample that saw the
   * condition, so the verdict comes between timeout and timeout plus one
   * interval after the link stopped. */
  bool check(gint64 now_us);

 private:
  GSocket *socket_;
  gint64 timeout_us_;
  gint64 blocked_since_us_ = -1; /* (a) first not-writable sample */
  gint64 stuck_since_us_ = -1;   /* (b) first queued-without-acks sample */
  bool have_acked_ = false;
  uint64_t last_acked_ = 0;
};

}  // namespace aai
