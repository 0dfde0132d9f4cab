/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tls_trust.h"

#include <map>
#include <mutex>

namespace aai
{

namespace
{

/* A GTlsDatabase that forwards every call to another one (the backend's
 * default database). Its type is not a GnuTLS database of glib-networking,
 * which is the whole point (tls_trust.h). */
struct ForwardingDatabase {
  GTlsDatabase parent;
  GTlsDatabase *inner;
};

GTlsDatabase *inner_of(GTlsDatabase *db)
{
  return reinterpret_cast<ForwardingDatabase *>(db)->inner;
}

GTlsCertificateFlags fwd_verify_chain(GTlsDatabase *self,
                                      GTlsCertificate *chain,
                                      const gchar *purpose,
                                      GSocketConnectable *identity,
                                      GTlsInteraction *interaction,
                                      GTlsDatabaseVerifyFlags flags,
                                      GCancellable *cancellable,
                                      GError **error)
{
  return g_tls_database_verify_chain(inner_of(self), chain, purpose, identity,
                                     interaction, flags, cancellable, error);
}

gchar *fwd_create_handle(GTlsDatabase *self, GTlsCertificate *cert)
{
  return g_tls_database_create_certificate_handle(inner_of(self), cert);
}

GTlsCertificate *fwd_for_handle(GTlsDatabase *self,
                                const gchar *handle,
                                GTlsInteraction *interaction,
                                GTlsDatabaseLookupFlags flags,
                                GCancellable *cancellable,
                                GError **error)
{
  return g_tls_database_lookup_certificate_for_handle(
      inner_of(self), handle, interaction, flags, cancellable, error);
}

GTlsCertificate *fwd_issuer(GTlsDatabase *self,
                            GTlsCertificate *cert,
                            GTlsInteraction *interaction,
                            GTlsDatabaseLookupFlags flags,
                            GCancellable *cancellable,
                            GError **error)
{
  return g_tls_database_lookup_certificate_issuer(
      inner_of(self), cert, interaction, flags, cancellable, error);
}

GList *fwd_issued_by(GTlsDatabase *self,
                     GByteArray *issuer,
                     GTlsInteraction *interaction,
                     GTlsDatabaseLookupFlags flags,
                     GCancellable *cancellable,
                     GError **error)
{
  return g_tls_database_lookup_certificates_issued_by(
      inner_of(self), issuer, interaction, flags, cancellable, error);
}

void fwd_class_init(gpointer klass, gpointer)
{
  auto *db = G_TLS_DATABASE_CLASS(klass);
  db->verify_chain = fwd_verify_chain;
  db->create_certificate_handle = fwd_create_handle;
  db->lookup_certificate_for_handle = fwd_for_handle;
  db->lookup_certificate_issuer = fwd_issuer;
  db->lookup_certificates_issued_by = fwd_issued_by;
  /* The base class runs the async variants in a thread with these. */
}

/* The type is registered at run time under the first free name: a process
 * may hold two copies of this core (a unit test links one and loads the
 * plugin, which has its own), and GType names are process-wide. */
GType forwarding_database_type()
{
  static GType type = 0;
  static std::once_flag once;
  std::call_once(once, []() {
    GTypeInfo info = {};
    info.class_size = sizeof(GTlsDatabaseClass);
    info.class_init = fwd_class_init;
    info.instance_size = sizeof(ForwardingDatabase);
    for (int i = 0; !type; i++) {
      gchar *name = i ? g_strdup_printf("AaiSharedTlsDatabase%d", i)
                      : g_strdup("AaiSharedTlsDatabase");
      if (!g_type_from_name(name))
        type = g_type_register_static(G_TYPE_TLS_DATABASE, name, &info,
                                      static_cast<GTypeFlags>(0));
      g_free(name);
    }
  });
  return type;
}

}  // namespace

GTlsDatabase *shared_tls_database()
{
  /* Never freed: connections of any thread may use it until the process
   * exits (a plain static pointer, no destructor at exit). */
  static GTlsDatabase *shared = nullptr;
  static std::once_flag once;
  std::call_once(once, []() {
    GTlsBackend *backend = g_tls_backend_get_default();
    /* The process's default: the backend's system store, or whatever the
     * application made the default. */
    GTlsDatabase *inner = g_tls_backend_get_default_database(backend);
    if (!inner)
      return;
    auto *db = static_cast<ForwardingDatabase *>(
        g_object_new(forwarding_database_type(), nullptr));
    db->inner = inner; /* the reference g_tls_backend_... gave us */
    shared = G_TLS_DATABASE(db);
    /* libsoup constructs each TLS connection with the process default and
     * only then sets the session's database, so the copy is made at
     * construction unless the default itself is shared (tls_trust.h). The
     * default is replaced only if it still is the backend's own store,
     * never an application's choice. */
    GTlsBackendInterface *iface = G_TLS_BACKEND_GET_INTERFACE(backend);
    GTlsDatabase *own = iface->get_default_database
                            ? iface->get_default_database(backend)
                            : nullptr;
    if (own == inner)
      g_tls_backend_set_default_database(backend, shared);
    g_clear_object(&own);
  });
  return shared;
}

GTlsDatabase *ca_file_database(const std::string &abs_path)
{
  static std::mutex lock;
  /* Heap-allocated and never freed, for the same reason. */
  static auto *by_path = new std::map<std::string, GTlsDatabase *>();
  std::lock_guard<std::mutex> l(lock);
  auto it = by_path->find(abs_path);
  if (it != by_path->end())
    return it->second;
  GTlsDatabase *db = g_tls_file_database_new(abs_path.c_str(), nullptr);
  by_path->emplace(abs_path, db);
  return db;
}

}  // namespace aai
