/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "proxy_cache.h"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace aai
{

namespace
{

struct Answer {
  std::vector<std::string> proxies;
  gint64 expires_us;
};

struct Cache {
  std::mutex lock;
  std::map<std::string, Answer> by_uri;
};

struct CachingResolver {
  GObject parent;
  GProxyResolver *inner;
  Cache *cache;
};

CachingResolver *self_of(GProxyResolver *r)
{
  return reinterpret_cast<CachingResolver *>(r);
}

GProxyResolver *inner_of(GProxyResolver *r)
{
  return self_of(r)->inner;
}

/* A fresh answer for @uri as a new strv, or NULL. */
gchar **cached(GProxyResolver *r, const char *uri)
{
  Cache *c = self_of(r)->cache;
  std::lock_guard<std::mutex> l(c->lock);
  auto it = c->by_uri.find(uri);
  if (it == c->by_uri.end() || it->second.expires_us < g_get_monotonic_time())
    return nullptr;
  gchar **v = g_new0(gchar *, it->second.proxies.size() + 1);
  for (size_t i = 0; i < it->second.proxies.size(); i++)
    v[i] = g_strdup(it->second.proxies[i].c_str());
  return v;
}

void remember(GProxyResolver *r, const char *uri, gchar **proxies)
{
  Cache *c = self_of(r)->cache;
  std::lock_guard<std::mutex> l(c->lock);
  Answer a;
  for (gchar **p = proxies; p && *p; p++)
    a.proxies.emplace_back(*p);
  a.expires_us = g_get_monotonic_time() +
                 static_cast<gint64>(kProxyCacheTtlSeconds) * G_USEC_PER_SEC;
  c->by_uri[uri] = std::move(a);
}

gboolean is_supported(GProxyResolver *r)
{
  return g_proxy_resolver_is_supported(inner_of(r));
}

gchar **lookup(GProxyResolver *r,
               const gchar *uri,
               GCancellable *cancellable,
               GError **error)
{
  if (gchar **v = cached(r, uri))
    return v;
  gchar **v = g_proxy_resolver_lookup(inner_of(r), uri, cancellable, error);
  if (v)
    remember(r, uri, v);
  return v;
}

void inner_done(GObject *src, GAsyncResult *res, gpointer data)
{
  GTask *task = G_TASK(data);
  GError *err = nullptr;
  gchar **v = g_proxy_resolver_lookup_finish(G_PROXY_RESOLVER(src), res, &err);
  if (v) {
    remember(G_PROXY_RESOLVER(g_task_get_source_object(task)),
             static_cast<const char *>(g_task_get_task_data(task)), v);
    g_task_return_pointer(task, v, (GDestroyNotify)g_strfreev);
  } else {
    g_task_return_error(task, err);
  }
  g_object_unref(task);
}

void lookup_async(GProxyResolver *r,
                  const gchar *uri,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  GTask *task = g_task_new(r, cancellable, callback, user_data);
  if (gchar **v = cached(r, uri)) {
    g_task_return_pointer(task, v, (GDestroyNotify)g_strfreev);
    g_object_unref(task);
    return;
  }
  g_task_set_task_data(task, g_strdup(uri), g_free);
  g_proxy_resolver_lookup_async(inner_of(r), uri, cancellable, inner_done,
                                task);
}

gchar **lookup_finish(GProxyResolver *, GAsyncResult *result, GError **error)
{
  return static_cast<gchar **>(g_task_propagate_pointer(G_TASK(result), error));
}

void iface_init(gpointer g_iface, gpointer)
{
  auto *iface = static_cast<GProxyResolverInterface *>(g_iface);
  iface->is_supported = is_supported;
  iface->lookup = lookup;
  iface->lookup_async = lookup_async;
  iface->lookup_finish = lookup_finish;
}

void finalize(GObject *o)
{
  auto *self = reinterpret_cast<CachingResolver *>(o);
  g_object_unref(self->inner);
  delete self->cache;
  G_OBJECT_CLASS(g_type_class_peek_parent(G_OBJECT_GET_CLASS(o)))->finalize(o);
}

void class_init(gpointer klass, gpointer)
{
  G_OBJECT_CLASS(klass)->finalize = finalize;
}

/* Registered at run time under the first free name: a process may hold
 * two copies of this core (tls_trust.cpp says why). */
GType caching_resolver_type()
{
  static GType type = 0;
  static std::once_flag once;
  std::call_once(once, []() {
    GTypeInfo info = {};
    info.class_size = sizeof(GObjectClass);
    info.class_init = class_init;
    info.instance_size = sizeof(CachingResolver);
    for (int i = 0; !type; i++) {
      gchar *name = i ? g_strdup_printf("AaiCachingProxyResolver%d", i)
                      : g_strdup("AaiCachingProxyResolver");
      if (!g_type_from_name(name))
        type = g_type_register_static(G_TYPE_OBJECT, name, &info,
                                      static_cast<GTypeFlags>(0));
      g_free(name);
    }
    GInterfaceInfo iface = {iface_init, nullptr, nullptr};
    g_type_add_interface_static(type, G_TYPE_PROXY_RESOLVER, &iface);
  });
  return type;
}

}  // namespace

GProxyResolver *new_caching_proxy_resolver(GProxyResolver *inner)
{
  auto *r = static_cast<CachingResolver *>(
      g_object_new(caching_resolver_type(), nullptr));
  r->inner = G_PROXY_RESOLVER(g_object_ref(inner));
  r->cache = new Cache();
  return G_PROXY_RESOLVER(r);
}

GProxyResolver *caching_proxy_resolver()
{
  /* Never freed: sessions of any thread use it until the process exits. */
  static GProxyResolver *resolver = nullptr;
  static std::once_flag once;
  std::call_once(once, []() {
    resolver = new_caching_proxy_resolver(g_proxy_resolver_get_default());
  });
  return resolver;
}

}  // namespace aai
