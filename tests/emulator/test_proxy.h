/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The smallest honest proxy for tests: it listens on 127.0.0.1 (port 0),
 * records what each client asked for, and takes every connection to one
 * target, 127.0.0.1:<target_port> (the emulator), whatever host was
 * named. Tests can thus name a host that does not resolve
 * (emulator.invalid) and still reach the emulator, which proves that the
 * proxy, not the local resolver, was used.
 *
 * Kind::Http is a SoupServer (libsoup parses every request):
 *  - CONNECT host:port -> 200, then the raw connection is spliced to the
 *    target (what libsoup does for wss:// and https://);
 *  - an absolute-form request with "Upgrade: websocket" (what libsoup does
 *    for ws:// through an HTTP proxy) -> 502, as from common HTTP proxies
 *    that do not forward upgrades; the request is recorded;
 *  - any other absolute-form request (http:// through the proxy) is
 *    forwarded to the target with a SoupSession and the answer relayed.
 * Kind::Socks5 speaks SOCKS5 (RFC 1928: no authentication, CONNECT,
 * IPv4/domain/IPv6 addresses) over GIO and splices to the target. All work
 * happens on the proxy's own thread. */
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace aai_emu
{

class TestProxy
{
 public:
  enum class Kind { Http, Socks5 };

  struct Request {
    std::string method; /* "CONNECT", "GET", ...; "SOCKS5" for SOCKS */
    /* CONNECT and SOCKS5: the host:port asked for; otherwise the request
     * URI as the client wrote it (absolute form). */
    std::string target;
    bool websocket_upgrade = false; /* "Upgrade: websocket" */
    int status = 0; /* HTTP status answered; SOCKS5: the reply code */
  };

  TestProxy();
  ~TestProxy();
  TestProxy(const TestProxy &) = delete;
  TestProxy &operator=(const TestProxy &) = delete;

  bool start(Kind kind, int target_port, std::string *error);
  void stop();
  /* "http://127.0.0.1:PORT" or "socks5://127.0.0.1:PORT". */
  std::string url() const;
  int port() const;
  std::vector<Request> requests() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aai_emu
