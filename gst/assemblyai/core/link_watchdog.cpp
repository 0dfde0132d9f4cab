/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "link_watchdog.h"

#include <algorithm>
#include <cstddef>

#ifdef __linux__
/* linux/tcp.h, not netinet/tcp.h: glibc's struct tcp_info (2.36) stops
 * before tcpi_bytes_acked. */
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#endif

namespace aai
{

LinkWatchdog::LinkWatchdog(GSocket *socket, unsigned timeout_ms)
    : socket_(G_SOCKET(g_object_ref(socket))),
      timeout_us_(static_cast<gint64>(timeout_ms) * 1000)
{
}

LinkWatchdog::~LinkWatchdog()
{
  g_object_unref(socket_);
}

unsigned LinkWatchdog::interval_ms(unsigned timeout_ms)
{
  return std::max(1u, std::min(timeout_ms / 4, 1000u));
}

bool LinkWatchdog::check(gint64 now_us)
{
  bool writable = (g_socket_condition_check(socket_, G_IO_OUT) & G_IO_OUT) != 0;
  bool progress = false;
  bool queued_unacked = false;
#ifdef __linux__
  int fd = g_socket_get_fd(socket_);
  struct tcp_info info = {};
  socklen_t len = sizeof info;
  /* Older kernels return a shorter struct without tcpi_bytes_acked. */
  constexpr socklen_t need = offsetof(struct tcp_info, tcpi_bytes_acked) +
                             sizeof info.tcpi_bytes_acked;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && len >= need) {
    progress = have_acked_ && info.tcpi_bytes_acked != last_acked_;
    last_acked_ = info.tcpi_bytes_acked;
    have_acked_ = true;
    int outq = 0;
    if (ioctl(fd, SIOCOUTQ, &outq) == 0)
      queued_unacked = outq > 0 && !progress;
  }
#endif
  if (writable || progress)
    blocked_since_us_ = -1;
  else if (blocked_since_us_ < 0)
    blocked_since_us_ = now_us;
  if (!queued_unacked)
    stuck_since_us_ = -1;
  else if (stuck_since_us_ < 0)
    stuck_since_us_ = now_us;
  return (blocked_since_us_ >= 0 &&
          now_us - blocked_since_us_ >= timeout_us_) ||
         (stuck_since_us_ >= 0 && now_us - stuck_since_us_ >= timeout_us_);
}

}  // namespace aai
