/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* How connections reach the service: which proxy, and which server
 * certificates are trusted. Shared by the streaming Session and the token
 * client; IoThread::session_for() picks the SoupSession for the proxy and
 * apply_tls_policy() sets the trust rules on each message.
 *
 * This module logs nothing: a proxy URI may carry credentials, and whether
 * to warn about tls_strict = false is the caller's decision. */
#pragma once

#include <string>

typedef struct _SoupMessage SoupMessage;

namespace aai
{

struct NetOptions {
  /* "" = the environment's/system proxy settings (GIO's default proxy
   * resolver: http_proxy/https_proxy/no_proxy, GNOME settings, libproxy).
   * "direct://" = no proxy at all. Otherwise one proxy for every
   * connection: http://host:port, socks4://, socks4a:// or
   * socks5://host:port, optionally with user:password@ (sent to the proxy,
   * never shown: use redact_proxy()). Check it with validate_proxy().
   *
   * What libsoup 3.2.3 does through an http:// proxy: wss:// (and https://)
   * tunnel with CONNECT host:port; ws:// (and http://) send the request in
   * absolute form ("GET ws://host:port/path" with the Upgrade headers),
   * which many HTTP proxies do not forward as a WebSocket. socks*:// proxies
   * tunnel everything; the proxy resolves the host name. */
  std::string proxy;
  /* A PEM file of CA certificates trusted for the service in addition to
   * the system store (a private CA, a TLS-inspecting proxy). The server
   * certificate must still match the host name. Check it with
   * check_ca_file(). */
  std::string tls_ca_file;
  /* false accepts ANY server certificate (no authentication of the server
   * at all). Meant for tests and debugging; the caller should say so
   * loudly when it is used. */
  bool tls_strict = true;

  bool operator==(const NetOptions &o) const;
  bool operator!=(const NetOptions &o) const { return !(*this == o); }
};

/* "" when @proxy is usable as NetOptions::proxy, otherwise one sentence
 * naming the proxy (without credentials) and what is wrong with it. */
std::string validate_proxy(const std::string &proxy);

/* @proxy safe to print: without user:password@ ("" stays ""). A string
 * that does not parse as a URI is shown only if it cannot hold
 * credentials (no '@'), else as "<invalid proxy>". */
std::string redact_proxy(const std::string &proxy);

/* True when @path ("" = none, which is fine) is a readable PEM file with at
 * least one certificate that GIO's TLS backend can load as a CA database.
 * Otherwise false and, if @error is not NULL, a sentence naming the path
 * and the problem. Relative paths are taken from the current directory. */
bool check_ca_file(const std::string &path, std::string *error);

/* Sets @net's certificate rules on @msg (I/O thread, before the message is
 * sent). The session's default database (the system store) is tried
 * first; only when it rejects the server certificate does libsoup ask
 * (SoupMessage::accept-certificate), and then: tls_strict = false accepts;
 * otherwise, with tls_ca_file set, the chain is accepted only if it
 * verifies against that file for the message's host (name, validity,
 * purpose server authentication). Without either, nothing is connected
 * and the system store's verdict stands. */
void apply_tls_policy(SoupMessage *msg, const NetOptions &net);

}  // namespace aai
