/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A TCP relay for tests: listens on 127.0.0.1 (port 0) and forwards each
 * accepted connection to 127.0.0.1:<target_port> with async GIO reads and
 * writes, on its own thread. It can stall connections to imitate a network
 * path that silently dies: it stops reading and writing in both
 * directions but keeps both sockets open, so nothing is reset and the
 * client's data piles up in kernel buffers (on loopback the relay's
 * receive buffer still fills and is acknowledged first). */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <glib.h>

namespace aai_emu
{

class TcpRelay
{
 public:
  struct Stats {
    int connections = 0;       /* accepted so far */
    int stalled = 0;           /* connections that have stalled */
    uint64_t up_bytes = 0;     /* client -> target, forwarded */
    uint64_t down_bytes = 0;   /* target -> client, forwarded */
    gint64 first_stall_us = 0; /* g_get_monotonic_time() of the first stall */
  };

  TcpRelay();
  ~TcpRelay();
  TcpRelay(const TcpRelay &) = delete;
  TcpRelay &operator=(const TcpRelay &) = delete;

  bool start(int target_port, std::string *error);
  void stop();
  int port() const;

  /* The next @connections connections accepted stall once @bytes
   * client->target bytes of each have been forwarded (exactly that many
   * reach the target). */
  void stall_after_bytes(uint64_t bytes, int connections = 1);
  /* Stalls every open connection now, and every later one from its start. */
  void stall_all();

  Stats stats() const;
  /* Waits (condition variable) until @pred holds, at most @timeout_ms. */
  bool wait(const std::function<bool(const Stats &)> &pred,
            int timeout_ms) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_emu
