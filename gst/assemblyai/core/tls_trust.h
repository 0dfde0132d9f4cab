/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The certificate stores every connection of the process shares: the
 * system store, loaded once per process, and each extra CA file
 * (tls-ca-file), loaded once per process per file.
 *
 * Why not simply the TLS backend's default database: glib-networking 2.74
 * (Debian 12) gives every TLS connection whose database is one of its own
 * GnuTLS databases a fresh copy of the whole trust list
 * (gnutls_x509_trust_list_add_system_trust for the system store, the file
 * again for a file database): about 4 MB and 12-18 ms of CPU per
 * connection, the memory kept for the connection's life
 * (docs/benchmarks.md). A connection whose database is any other
 * GTlsDatabase gets empty GnuTLS credentials instead and asks that
 * database to verify the server's chain. shared_tls_database() is such a
 * database: it hands every question to the process's default database,
 * whose own trust list is built once.
 *
 * libsoup 3.2 constructs a TLS connection with the process default and
 * sets the session's database only afterwards, so the copy would still be
 * made (and dropped) at construction. shared_tls_database() therefore also
 * becomes the process default, but only while that default is the TLS
 * backend's own system store: an application that set its own default
 * keeps it. Every TLS connection of the process then verifies against the
 * same store as before, without the copy.
 *
 * What is checked stays: the chain against the store, validity, the host
 * name. What GnuTLS adds only inside its handshake verification is not
 * consulted: a stapled OCSP response. glib-networking 2.80 caches the
 * credentials itself (its commit "Reduce unnecessary trust list
 * creation"). */
#pragma once

#include <string>

#include <gio/gio.h>

namespace aai
{

/* The process's default store as a database that is not one of the
 * GnuTLS backend's own (see above), for SoupSession's tls-database; also
 * made the process default on first use unless the application chose one.
 * Kept until the process exits; NULL when the TLS backend has no default
 * database. Transfer none; any thread. */
GTlsDatabase *shared_tls_database();

/* The database of the CA file at @abs_path, read once per process (a file
 * that cannot be loaded is remembered as NULL: later connections are
 * refused without reading it again; check_ca_file() is the up-front
 * check). Transfer none, kept until the process exits; any thread. */
GTlsDatabase *ca_file_database(const std::string &abs_path);

}  // namespace aai
