/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Proxy URI checks and the per-message TLS trust policy (net_options.h).
 * URIs are taken apart with GLib's g_uri_* functions only. */
#include "net_options.h"
#include "glib_ptr.h"

#include <memory>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "config.h"
#include "tls_trust.h"

namespace aai
{

namespace
{

const char kInvalidProxy[] = "<invalid proxy>";

/* The proxy protocols GIO's GSocketClient can speak (its GProxy
 * extensions) plus "http", which libsoup handles itself (CONNECT or
 * absolute-form requests). There is no https:// (TLS to the proxy) in
 * libsoup 3.2. */
bool is_proxy_scheme(const char *scheme)
{
  for (const char *s : {"http", "socks4", "socks4a", "socks5"})
    if (g_ascii_strcasecmp(scheme, s) == 0)
      return true;
  return false;
}

/* The absolute form of @path (relative to the current directory). GIO's
 * TLS file database wants absolute paths: a relative one fails with
 * "Unacceptable TLS certificate". */
std::string absolute_path(const std::string &path)
{
  GStr abs(g_canonicalize_filename(path.c_str(), nullptr));
  return abs.get();
}

struct TlsPolicy {
  bool strict;
  std::string ca_path; /* absolute; "" = none */
};

gboolean on_accept_certificate(SoupMessage *msg,
                               GTlsCertificate *cert,
                               GTlsCertificateFlags,
                               gpointer data)
{
  const auto *policy = static_cast<const TlsPolicy *>(data);
  if (!policy->strict)
    return TRUE;
  GTlsDatabase *db = ca_file_database(policy->ca_path);
  GUri *uri = soup_message_get_uri(msg);
  const char *host = uri ? g_uri_get_host(uri) : nullptr;
  if (!db || !host)
    return FALSE;
  int port = g_uri_get_port(uri);
  /* The identity makes the database check the host name (or IP) against
   * the certificate, as the default verification would have. */
  GSocketConnectable *identity =
      g_network_address_new(host, static_cast<guint16>(port > 0 ? port : 443));
  GError *err = nullptr;
  GTlsCertificateFlags flags = g_tls_database_verify_chain(
      db, cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, nullptr,
      G_TLS_DATABASE_VERIFY_NONE, nullptr, &err);
  g_object_unref(identity);
  bool ok = err == nullptr && flags == 0;
  g_clear_error(&err);
  return ok;
}

void free_policy(gpointer data, GClosure *)
{
  delete static_cast<TlsPolicy *>(data);
}

}  // namespace

bool NetOptions::operator==(const NetOptions &o) const
{
  return proxy == o.proxy && tls_ca_file == o.tls_ca_file &&
         tls_strict == o.tls_strict;
}

std::string redact_proxy(const std::string &proxy)
{
  if (proxy.empty())
    return proxy;
  UriPtr uri(g_uri_parse(proxy.c_str(), G_URI_FLAGS_ENCODED, nullptr));
  if (uri && g_strcmp0(g_uri_get_scheme(uri.get()), "direct") == 0)
    return "direct://";
  std::string shown = redact_url(proxy);
  if (shown != "<invalid url>")
    return shown;
  if (proxy.find('@') == std::string::npos &&
      g_utf8_validate(proxy.data(), static_cast<gssize>(proxy.size()), nullptr))
    return proxy;
  return kInvalidProxy;
}

std::string validate_proxy(const std::string &proxy)
{
  if (proxy.empty())
    return "";
  const std::string shown = "proxy '" + redact_proxy(proxy) + "'";
  const char *examples =
      " (expected http://host:port, socks5://host:port, socks4://, "
      "socks4a:// or direct://)";
  UriPtr uri(g_uri_parse(proxy.c_str(), G_URI_FLAGS_ENCODED, nullptr));
  if (!uri)
    return shown + " is not a valid URI" + examples;
  const char *scheme = g_uri_get_scheme(uri.get());
  const char *host = g_uri_get_host(uri.get());
  const char *path = g_uri_get_path(uri.get());
  bool bare = (host == nullptr || *host == '\0') &&
              g_uri_get_userinfo(uri.get()) == nullptr &&
              g_uri_get_port(uri.get()) == -1;
  if (g_ascii_strcasecmp(scheme, "direct") == 0) {
    if (!bare || *path != '\0' || g_uri_get_query(uri.get()) ||
        g_uri_get_fragment(uri.get()))
      return shown + ": no proxy is written exactly 'direct://'";
    return "";
  }
  if (!is_proxy_scheme(scheme))
    return shown + " uses the unsupported scheme '" + scheme + "'" + examples;
  if (host == nullptr || *host == '\0')
    return shown + " has no host" + examples;
  if (g_uri_get_port(uri.get()) <= 0)
    return shown + " has no port" + examples;
  if ((*path != '\0' && g_strcmp0(path, "/") != 0) ||
      g_uri_get_query(uri.get()) || g_uri_get_fragment(uri.get()))
    return shown + " must not have a path, query or fragment" + examples;
  return "";
}

bool check_ca_file(const std::string &path, std::string *error)
{
  if (path.empty())
    return true;
  auto fail = [&](const std::string &why) {
    if (error)
      *error = "CA file '" + path + "' " + why;
    return false;
  };
  std::string abs = absolute_path(path);
  GError *err = nullptr;
  gchar *contents = nullptr;
  /* Reading it first gives the plain file error (missing, unreadable). */
  if (!g_file_get_contents(abs.c_str(), &contents, nullptr, &err)) {
    std::string msg = err->message;
    g_error_free(err);
    return fail("cannot be read: " + msg);
  }
  g_free(contents);
  GList *certs = g_tls_certificate_list_new_from_file(abs.c_str(), &err);
  if (err) {
    std::string msg = err->message;
    g_error_free(err);
    return fail("holds no usable certificate: " + msg);
  }
  bool any = certs != nullptr;
  g_list_free_full(certs, g_object_unref);
  if (!any)
    return fail("holds no PEM certificate");
  GTlsDatabase *db = g_tls_file_database_new(abs.c_str(), &err);
  if (!db) {
    std::string msg = err ? err->message : "unknown error";
    g_clear_error(&err);
    return fail("cannot be used as a CA database: " + msg);
  }
  g_object_unref(db);
  return true;
}

void apply_tls_policy(SoupMessage *msg, const NetOptions &net)
{
  if (net.tls_strict && net.tls_ca_file.empty())
    return;
  auto *policy = new TlsPolicy{
      net.tls_strict,
      net.tls_ca_file.empty() ? std::string() : absolute_path(net.tls_ca_file)};
  g_signal_connect_data(msg, "accept-certificate",
                        G_CALLBACK(on_accept_certificate), policy, free_policy,
                        static_cast<GConnectFlags>(0));
}

}  // namespace aai
