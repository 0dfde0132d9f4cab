/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* gst-assemblyai-reference: the plugin's reference, generated from the
 * BUILT plugin by GStreamer/GObject introspection, in the form GStreamer
 * keeps for its plugins:
 *
 *   OUTPUT/gst_plugins_cache.json  the layout of GStreamer's hotdoc
 *                                  plugins cache (what
 *                                  gst-hotdoc-plugins-scanner writes),
 *                                  plus a "messages" object per element
 *   OUTPUT/<element>.md            the same, readable
 *   OUTPUT/index.md                the plugin and its elements
 *
 * Bus message fields cannot be introspected: they come from --messages
 * (docs/bus-messages.json), a structured source that tests check against
 * the messages the elements really post (docs/README.md says why).
 *
 *   gst-assemblyai-reference --plugin libgstassemblyai.so \
 *       --messages docs/bus-messages.json --output docs/reference
 *
 * Only the plugin given is loaded (an empty system plugin path, a
 * throw-away registry), so an installed copy never leaks in. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* ---- values as the hotdoc cache writes them --------------------------- */

static gchar *enum_nick(GType type, gint value)
{
  GEnumClass *k = g_type_class_ref(type);
  GEnumValue *v = g_enum_get_value(k, value);
  gchar *s = g_strdup_printf("%s (%d)", v ? v->value_nick : "", value);
  g_type_class_unref(k);
  return s;
}

static gchar *flags_nicks(GType type, guint value)
{
  GFlagsClass *k = g_type_class_ref(type);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < k->n_values; i++) {
    const GFlagsValue *v = &k->values[i];
    if (v->value && (value & v->value) == v->value) {
      if (s->len)
        g_string_append_c(s, '+');
      g_string_append(s, v->value_nick);
    }
  }
  if (!s->len)
    g_string_assign(s, "(none)");
  g_type_class_unref(k);
  return g_string_free(s, FALSE);
}

#define SET_RANGE(fmt, spec_type, field_type, getter)                        \
  do {                                                                       \
    spec_type *r = (spec_type *)spec;                                        \
    json_object_set_string_member(o, "default",                              \
                                  (tmp = g_strdup_printf(fmt, getter(&v)))); \
    g_free(tmp);                                                             \
    json_object_set_string_member(                                           \
        o, "max", (tmp = g_strdup_printf(fmt, (field_type)r->maximum)));     \
    g_free(tmp);                                                             \
    json_object_set_string_member(                                           \
        o, "min", (tmp = g_strdup_printf(fmt, (field_type)r->minimum)));     \
    g_clear_pointer(&tmp, g_free);                                           \
  } while (0)

/* "default", and "min"/"max" for numbers, of @spec: read from @instance
 * when readable (the value a new element really has), else the pspec's. */
static void set_default(JsonObject *o, GObject *instance, GParamSpec *spec)
{
  GValue v = G_VALUE_INIT;
  GType t = G_PARAM_SPEC_VALUE_TYPE(spec);
  gchar *tmp = NULL;

  g_value_init(&v, t);
  if (spec->flags & G_PARAM_READABLE)
    g_object_get_property(instance, spec->name, &v);
  else
    g_param_value_set_default(spec, &v);

  if (t == G_TYPE_STRING) {
    const gchar *s = g_value_get_string(&v);
    json_object_set_string_member(o, "default", s ? s : "NULL");
  } else if (t == G_TYPE_BOOLEAN) {
    json_object_set_string_member(o, "default",
                                  g_value_get_boolean(&v) ? "true" : "false");
  } else if (t == G_TYPE_INT) {
    SET_RANGE("%d", GParamSpecInt, gint, g_value_get_int);
  } else if (t == G_TYPE_UINT) {
    SET_RANGE("%u", GParamSpecUInt, guint, g_value_get_uint);
  } else if (t == G_TYPE_INT64) {
    SET_RANGE("%" G_GINT64_FORMAT, GParamSpecInt64, gint64, g_value_get_int64);
  } else if (t == G_TYPE_UINT64) {
    SET_RANGE("%" G_GUINT64_FORMAT, GParamSpecUInt64, guint64,
              g_value_get_uint64);
  } else if (t == G_TYPE_DOUBLE) {
    SET_RANGE("%g", GParamSpecDouble, gdouble, g_value_get_double);
  } else if (t == G_TYPE_FLOAT) {
    SET_RANGE("%g", GParamSpecFloat, gdouble, g_value_get_float);
  } else if (G_TYPE_IS_ENUM(t)) {
    json_object_set_string_member(o, "default",
                                  (tmp = enum_nick(t, g_value_get_enum(&v))));
  } else if (G_TYPE_IS_FLAGS(t)) {
    json_object_set_string_member(
        o, "default", (tmp = flags_nicks(t, g_value_get_flags(&v))));
  } else if (G_VALUE_HOLDS_BOXED(&v) && !g_value_get_boxed(&v)) {
    json_object_set_string_member(o, "default", "NULL");
  } else {
    tmp = gst_value_serialize(&v);
    json_object_set_string_member(o, "default", tmp ? tmp : "NULL");
  }
  g_free(tmp);
  g_value_unset(&v);
}

static const gchar *mutable_in(GParamSpec *spec)
{
  if (spec->flags & GST_PARAM_MUTABLE_PLAYING)
    return "playing";
  if (spec->flags & GST_PARAM_MUTABLE_PAUSED)
    return "paused";
  if (spec->flags & GST_PARAM_MUTABLE_READY)
    return "ready";
  return "null";
}

static void add_value(JsonArray *values,
                      const gchar *name,
                      const gchar *nick,
                      const gchar *value)
{
  JsonObject *e = json_object_new();
  json_object_set_string_member(e, "desc", name);
  json_object_set_string_member(e, "name", nick);
  json_object_set_string_member(e, "value", value);
  json_array_add_object_element(values, e);
}

/* An enum or flags type a property uses, for "other-types" (values as the
 * scanner writes them: enums in decimal, flags in hex). */
static void add_other_type(JsonObject *others, GType t)
{
  gboolean is_enum = G_TYPE_IS_ENUM(t);
  GTypeClass *k;
  JsonObject *o;
  JsonArray *values;

  if (json_object_has_member(others, g_type_name(t)))
    return;
  o = json_object_new();
  values = json_array_new();
  k = g_type_class_ref(t);
  json_object_set_string_member(o, "kind", is_enum ? "enum" : "flags");
  for (guint i = 0; i < (is_enum ? ((GEnumClass *)k)->n_values
                                 : ((GFlagsClass *)k)->n_values);
       i++) {
    gchar *n;
    if (is_enum) {
      const GEnumValue *v = &((GEnumClass *)k)->values[i];
      n = g_strdup_printf("%d", v->value);
      add_value(values, v->value_name, v->value_nick, n);
    } else {
      const GFlagsValue *v = &((GFlagsClass *)k)->values[i];
      n = g_strdup_printf("0x%08x", v->value);
      add_value(values, v->value_name, v->value_nick, n);
    }
    g_free(n);
  }
  g_type_class_unref(k);
  json_object_set_array_member(o, "values", values);
  json_object_set_object_member(others, g_type_name(t), o);
}

static gint compare_pspec(gconstpointer a, gconstpointer b)
{
  return strcmp((*(GParamSpec *const *)a)->name,
                (*(GParamSpec *const *)b)->name);
}

/* The element's own properties (those of its GStreamer base classes are
 * documented by GStreamer), sorted by name. */
static JsonObject *properties(GstElement *e, JsonObject *others)
{
  GType type = G_OBJECT_TYPE(e);
  guint n = 0;
  GParamSpec **specs =
      g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n);
  JsonObject *props = json_object_new();

  qsort(specs, n, sizeof(GParamSpec *), compare_pspec);
  for (guint i = 0; i < n; i++) {
    GParamSpec *spec = specs[i];
    GParamFlags f = spec->flags;
    JsonObject *o;
    if (spec->owner_type != type)
      continue;
    o = json_object_new();
    json_object_set_string_member(o, "blurb", g_param_spec_get_blurb(spec));
    json_object_set_boolean_member(
        o, "conditionally-available",
        (f & GST_PARAM_CONDITIONALLY_AVAILABLE) != 0);
    json_object_set_boolean_member(o, "construct",
                                   (f & G_PARAM_CONSTRUCT) != 0);
    json_object_set_boolean_member(o, "construct-only",
                                   (f & G_PARAM_CONSTRUCT_ONLY) != 0);
    json_object_set_boolean_member(o, "controllable",
                                   (f & GST_PARAM_CONTROLLABLE) != 0);
    set_default(o, G_OBJECT(e), spec);
    json_object_set_string_member(o, "mutable", mutable_in(spec));
    json_object_set_boolean_member(o, "readable", (f & G_PARAM_READABLE) != 0);
    json_object_set_string_member(o, "type",
                                  g_type_name(G_PARAM_SPEC_VALUE_TYPE(spec)));
    json_object_set_boolean_member(o, "writable", (f & G_PARAM_WRITABLE) != 0);
    if (G_TYPE_IS_ENUM(spec->value_type) || G_TYPE_IS_FLAGS(spec->value_type))
      add_other_type(others, spec->value_type);
    json_object_set_object_member(props, spec->name, o);
  }
  g_free(specs);
  return props;
}

static gint compare_signal(gconstpointer a, gconstpointer b)
{
  return strcmp(g_signal_name(*(const guint *)a),
                g_signal_name(*(const guint *)b));
}

/* Signals and action signals the element's type defines. */
static JsonObject *signals(GType type)
{
  guint n = 0;
  guint *ids = g_signal_list_ids(type, &n);
  JsonObject *sigs = json_object_new();

  qsort(ids, n, sizeof(guint), compare_signal);
  for (guint i = 0; i < n; i++) {
    GSignalQuery q;
    JsonObject *o = json_object_new();
    JsonArray *args = json_array_new();
    g_signal_query(ids[i], &q);
    if (q.signal_flags & G_SIGNAL_ACTION)
      json_object_set_boolean_member(o, "action", TRUE);
    for (guint j = 0; j < q.n_params; j++) {
      JsonObject *a = json_object_new();
      gchar *name = g_strdup_printf("arg%u", j);
      json_object_set_string_member(a, "name", name);
      json_object_set_string_member(
          a, "type",
          g_type_name(q.param_types[j] & ~G_SIGNAL_TYPE_STATIC_SCOPE));
      json_array_add_object_element(args, a);
      g_free(name);
    }
    json_object_set_array_member(o, "args", args);
    json_object_set_string_member(o, "return-type", g_type_name(q.return_type));
    json_object_set_string_member(
        o, "when",
        (q.signal_flags & G_SIGNAL_RUN_FIRST)  ? "first"
        : (q.signal_flags & G_SIGNAL_RUN_LAST) ? "last"
                                               : "cleanup");
    json_object_set_object_member(sigs, q.signal_name, o);
  }
  g_free(ids);
  return sigs;
}

static const gchar *direction_name(GstPadDirection d)
{
  return d == GST_PAD_SRC ? "src" : d == GST_PAD_SINK ? "sink" : "unknown";
}

static const gchar *presence_name(GstPadPresence p)
{
  return p == GST_PAD_ALWAYS      ? "always"
         : p == GST_PAD_SOMETIMES ? "sometimes"
                                  : "request";
}

static gint compare_template(gconstpointer a, gconstpointer b)
{
  return strcmp(((const GstStaticPadTemplate *)a)->name_template,
                ((const GstStaticPadTemplate *)b)->name_template);
}

static JsonObject *pad_templates(GstElementFactory *f)
{
  JsonObject *pads = json_object_new();
  GList *l = g_list_sort(
      g_list_copy((GList *)gst_element_factory_get_static_pad_templates(f)),
      compare_template);

  for (GList *i = l; i; i = i->next) {
    GstStaticPadTemplate *t = i->data;
    JsonObject *o = json_object_new();
    GstCaps *caps = gst_static_caps_get(&t->static_caps);
    gchar *s = gst_caps_to_string(caps);
    /* One structure per line, as the hotdoc cache has them. */
    gchar **parts = g_strsplit(s, "; ", -1);
    gchar *joined = g_strjoinv(";\n", parts);
    json_object_set_string_member(o, "caps", joined);
    json_object_set_string_member(o, "direction", direction_name(t->direction));
    json_object_set_string_member(o, "presence", presence_name(t->presence));
    json_object_set_object_member(pads, t->name_template, o);
    g_free(joined);
    g_strfreev(parts);
    g_free(s);
    gst_caps_unref(caps);
  }
  g_list_free(l);
  return pads;
}

/* The messages of --messages that name @element, by message name. */
static JsonObject *messages_for(JsonObject *all, const gchar *element)
{
  JsonObject *out = json_object_new();
  GList *names =
      g_list_sort(json_object_get_members(all), (GCompareFunc)strcmp);

  for (GList *i = names; i; i = i->next) {
    JsonObject *m = json_object_get_object_member(all, i->data);
    JsonArray *elements = json_object_get_array_member(m, "elements");
    for (guint j = 0; j < json_array_get_length(elements); j++) {
      if (g_strcmp0(json_array_get_string_element(elements, j), element))
        continue;
      JsonObject *copy = json_object_new();
      GList *keys =
          g_list_sort(json_object_get_members(m), (GCompareFunc)strcmp);
      for (GList *k = keys; k; k = k->next)
        if (g_strcmp0(k->data, "elements"))
          json_object_set_member(
              copy, k->data,
              json_node_copy(json_object_get_member(m, k->data)));
      g_list_free(keys);
      json_object_set_object_member(out, i->data, copy);
    }
  }
  g_list_free(names);
  return out;
}

static JsonObject *element(GstElementFactory *f,
                           JsonObject *messages,
                           JsonObject *others)
{
  JsonObject *o = json_object_new();
  GstElement *e = gst_element_factory_create(f, NULL);
  GType type = G_OBJECT_TYPE(e);
  JsonArray *hierarchy = json_array_new();
  GType *ifaces;
  guint n_ifaces = 0;
  GstRank rank = gst_plugin_feature_get_rank(GST_PLUGIN_FEATURE(f));

  gst_object_ref_sink(e);
  json_object_set_string_member(
      o, "author",
      gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_AUTHOR));
  json_object_set_string_member(
      o, "description",
      gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_DESCRIPTION));
  for (GType t = type; t; t = g_type_parent(t))
    json_array_add_string_element(hierarchy, g_type_name(t));
  json_object_set_array_member(o, "hierarchy", hierarchy);
  ifaces = g_type_interfaces(type, &n_ifaces);
  if (n_ifaces) {
    JsonArray *a = json_array_new();
    for (guint i = 0; i < n_ifaces; i++)
      json_array_add_string_element(a, g_type_name(ifaces[i]));
    json_object_set_array_member(o, "interfaces", a);
  }
  g_free(ifaces);
  json_object_set_string_member(
      o, "klass",
      gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS));
  json_object_set_string_member(
      o, "long-name",
      gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_LONGNAME));
  json_object_set_object_member(
      o, "messages",
      messages_for(messages,
                   gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(f))));
  json_object_set_object_member(o, "pad-templates", pad_templates(f));
  json_object_set_object_member(o, "properties", properties(e, others));
  json_object_set_string_member(o, "rank",
                                rank == GST_RANK_NONE        ? "none"
                                : rank == GST_RANK_MARGINAL  ? "marginal"
                                : rank == GST_RANK_SECONDARY ? "secondary"
                                : rank == GST_RANK_PRIMARY   ? "primary"
                                                             : "other");
  json_object_set_object_member(o, "signals", signals(type));
  gst_object_unref(e);
  return o;
}

/* ---- Markdown --------------------------------------------------------- */

static void md_cell(GString *md, const gchar *text)
{
  /* Table cells: pipes escaped, line breaks as <br>. */
  for (const gchar *p = text ? text : ""; *p; p++) {
    if (*p == '|')
      g_string_append(md, "\\|");
    else if (*p == '\n')
      g_string_append(md, "<br>");
    else
      g_string_append_c(md, *p);
  }
}

static const gchar *str(JsonObject *o, const gchar *key)
{
  return json_object_has_member(o, key) ? json_object_get_string_member(o, key)
                                        : NULL;
}

static void md_property(GString *md, const gchar *name, JsonObject *p)
{
  GString *flags = g_string_new(NULL);
  g_string_append(
      flags, json_object_get_boolean_member(p, "readable")
                 ? (json_object_get_boolean_member(p, "writable") ? "read/write"
                                                                  : "read-only")
                 : "write-only");
  if (json_object_get_boolean_member(p, "construct-only"))
    g_string_append(flags, ", construct-only");
  if (json_object_get_boolean_member(p, "controllable"))
    g_string_append(flags, ", controllable");
  if (json_object_get_boolean_member(p, "writable"))
    g_string_append_printf(flags, ", changeable in %s", str(p, "mutable"));
  g_string_append_printf(md, "| `%s` | %s | `", name, str(p, "type"));
  md_cell(md, str(p, "default"));
  g_string_append(md, "` | ");
  if (str(p, "min"))
    g_string_append_printf(md, "%s .. %s", str(p, "min"), str(p, "max"));
  g_string_append_printf(md, " | %s | ", flags->str);
  md_cell(md, str(p, "blurb"));
  g_string_append(md, " |\n");
  g_string_free(flags, TRUE);
}

static void md_signal(GString *md, const gchar *name, JsonObject *s)
{
  JsonArray *args = json_object_get_array_member(s, "args");
  const gchar *ret = str(s, "return-type");
  gboolean returns = g_strcmp0(ret, "void") != 0;
  GString *params = g_string_new(NULL);
  gchar *fn = g_strdelimit(g_strdup(name), "-", '_');

  for (guint i = 0; i < json_array_get_length(args); i++)
    g_string_append_printf(params, ", %s arg%u",
                           str(json_array_get_object_element(args, i), "type"),
                           i);
  if (json_object_has_member(s, "action"))
    /* Action signals are called by the application. */
    g_string_append_printf(md,
                           "- `%s` (action signal): `g_signal_emit_by_name "
                           "(element, \"%s\"%s%s);`%s%s\n",
                           name, name, params->str, returns ? ", &ret" : "",
                           returns ? " with `ret` a " : "", returns ? ret : "");
  else
    g_string_append_printf(md,
                           "- `%s`: `%s %s (GstElement * element%s, gpointer "
                           "user_data)`, run %s\n",
                           name, ret, fn, params->str, str(s, "when"));
  g_string_free(params, TRUE);
  g_free(fn);
}

static void md_message(GString *md, const gchar *name, JsonObject *m)
{
  JsonObject *fields = json_object_get_object_member(m, "fields");
  GList *keys = json_object_get_members(fields); /* in documented order */
  const gchar *kind = str(m, "kind");

  g_string_append_printf(
      md, "### `%s`\n\n%s%s\n\n| Field | Type | |\n|---|---|---|\n", name,
      !g_strcmp0(kind, "element")     ? "Element message. "
      : !g_strcmp0(kind, "structure") ? "Structure. "
                                      : "Error details. ",
      str(m, "when"));
  for (GList *k = keys; k; k = k->next) {
    JsonObject *f = json_object_get_object_member(fields, k->data);
    g_string_append_printf(md, "| `%s` | %s%s%s | ", (gchar *)k->data,
                           str(f, "type"), str(f, "of") ? " of " : "",
                           str(f, "of") ? str(f, "of") : "");
    if (json_object_has_member(f, "optional"))
      g_string_append(md, "(optional) ");
    md_cell(md, str(f, "doc"));
    g_string_append(md, " |\n");
  }
  g_string_append_c(md, '\n');
  g_list_free(keys);
}

static const gchar *kGenerated =
    "<!-- Generated from the built plugin by gst-assemblyai-reference "
    "(docs/reference-generator.c): do not edit. Regenerate with "
    "`meson compile -C build update-reference`. -->\n\n";

static gchar *md_element(const gchar *name, JsonObject *e, JsonObject *others)
{
  GString *md = g_string_new(kGenerated);
  JsonArray *h = json_object_get_array_member(e, "hierarchy");
  JsonObject *o;
  GList *keys;

  g_string_append_printf(md, "# %s\n\n**%s** — %s\n\n", name,
                         str(e, "long-name"), str(e, "description"));
  g_string_append_printf(md, "- Class: `%s`\n- Rank: %s\n- Author: %s\n",
                         str(e, "klass"), str(e, "rank"), str(e, "author"));
  g_string_append(md, "- Hierarchy: ");
  for (guint i = json_array_get_length(h); i > 0; i--)
    g_string_append_printf(md, "%s`%s`",
                           i == json_array_get_length(h) ? "" : " → ",
                           json_array_get_string_element(h, i - 1));
  g_string_append(md,
                  "\n\n## Pad templates\n\n| Pad | Direction | Presence | "
                  "Caps |\n|---|---|---|---|\n");
  o = json_object_get_object_member(e, "pad-templates");
  keys = json_object_get_members(o);
  for (GList *k = keys; k; k = k->next) {
    JsonObject *p = json_object_get_object_member(o, k->data);
    g_string_append_printf(md, "| `%s` | %s | %s | ", (gchar *)k->data,
                           str(p, "direction"), str(p, "presence"));
    md_cell(md, str(p, "caps"));
    g_string_append(md, " |\n");
  }
  g_list_free(keys);

  g_string_append(md,
                  "\n## Properties\n\nThe element's own properties "
                  "(those of its GStreamer base classes are documented "
                  "by GStreamer).\n\n| Property | Type | Default | Range | "
                  "Flags | Description |\n|---|---|---|---|---|---|\n");
  o = json_object_get_object_member(e, "properties");
  keys = json_object_get_members(o);
  for (GList *k = keys; k; k = k->next) {
    JsonObject *p = json_object_get_object_member(o, k->data);
    md_property(md, k->data, p);
  }
  for (GList *k = keys; k; k = k->next) {
    const gchar *t = str(json_object_get_object_member(o, k->data), "type");
    if (json_object_has_member(others, t)) {
      JsonObject *ty = json_object_get_object_member(others, t);
      JsonArray *v = json_object_get_array_member(ty, "values");
      g_string_append_printf(md, "\n`%s` (%s) values:\n", t, str(ty, "kind"));
      for (guint i = 0; i < json_array_get_length(v); i++) {
        JsonObject *ev = json_array_get_object_element(v, i);
        g_string_append_printf(md, "- `%s` (%s): %s\n", str(ev, "name"),
                               str(ev, "value"), str(ev, "desc"));
      }
    }
  }
  g_list_free(keys);

  g_string_append(md, "\n## Signals\n\n");
  o = json_object_get_object_member(e, "signals");
  keys = json_object_get_members(o);
  for (GList *k = keys; k; k = k->next)
    md_signal(md, k->data, json_object_get_object_member(o, k->data));
  if (!keys)
    g_string_append(md, "None.\n");
  g_list_free(keys);

  g_string_append(md, "\n## Bus messages\n\n");
  o = json_object_get_object_member(e, "messages");
  keys = json_object_get_members(o);
  for (GList *k = keys; k; k = k->next)
    md_message(md, k->data, json_object_get_object_member(o, k->data));
  if (!keys)
    g_string_append(md, "None documented in docs/bus-messages.json.\n");
  g_list_free(keys);
  return g_string_free(md, FALSE);
}

static gchar *md_index(JsonObject *plugin)
{
  GString *md = g_string_new(kGenerated);
  JsonObject *els = json_object_get_object_member(plugin, "elements");
  GList *keys = json_object_get_members(els);

  g_string_append_printf(
      md,
      "# The assemblyai plugin\n\n%s\n\n- File: `%s`\n- License: %s\n- "
      "Package: %s\n- Origin: %s\n\nThe same reference in GStreamer's "
      "plugins cache format: [gst_plugins_cache.json](gst_plugins_cache.json)."
      "\n\n| Element | Description |\n|---|---|\n",
      str(plugin, "description"), str(plugin, "filename"),
      str(plugin, "license"), str(plugin, "package"), str(plugin, "url"));
  for (GList *k = keys; k; k = k->next)
    g_string_append_printf(
        md, "| [%s](%s.md) | %s |\n", (gchar *)k->data, (gchar *)k->data,
        str(json_object_get_object_member(els, k->data), "description"));
  g_list_free(keys);
  return g_string_free(md, FALSE);
}

/* ---- main ------------------------------------------------------------- */

static gboolean write_file(const gchar *dir,
                           const gchar *name,
                           const gchar *text,
                           GError **error)
{
  gchar *path = g_build_filename(dir, name, NULL);
  gboolean ok = g_file_set_contents(path, text, -1, error);
  g_free(path);
  return ok;
}

static gint compare_feature(gconstpointer a, gconstpointer b)
{
  return strcmp(gst_plugin_feature_get_name((GstPluginFeature *)a),
                gst_plugin_feature_get_name((GstPluginFeature *)b));
}

int main(int argc, char **argv)
{
  gchar *plugin_path = NULL, *messages_path = NULL, *output = NULL;
  GOptionEntry entries[] = {
      {"plugin", 0, 0, G_OPTION_ARG_FILENAME, &plugin_path,
       "The built plugin (libgstassemblyai.so)", "FILE"},
      {"messages", 0, 0, G_OPTION_ARG_FILENAME, &messages_path,
       "The bus messages (docs/bus-messages.json)", "FILE"},
      {"output", 0, 0, G_OPTION_ARG_FILENAME, &output,
       "Directory for gst_plugins_cache.json and the Markdown", "DIR"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionContext *ctx = g_option_context_new("- the plugin's reference");
  GError *err = NULL;
  gchar *tmpdir, *registry, *dir;
  GstPlugin *plugin;
  JsonParser *parser;
  JsonObject *all_messages, *root, *p, *els, *others;
  GList *features;
  JsonGenerator *gen;
  JsonNode *node;
  gchar *text;
  int rc = 0;

  /* A reference made while GStreamer complains is not to be trusted. */
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &err) || !plugin_path ||
      !messages_path || !output) {
    g_printerr(
        "gst-assemblyai-reference: %s\n",
        err ? err->message : "--plugin, --messages and --output are required");
    return 2;
  }
  g_option_context_free(ctx);

  /* Nothing but the plugin given: no system plugins, a fresh registry. */
  tmpdir = g_dir_make_tmp("aai-reference-XXXXXX", NULL);
  registry = g_build_filename(tmpdir, "registry.bin", NULL);
  dir = g_path_get_dirname(plugin_path);
  g_setenv("GST_REGISTRY_1_0", registry, TRUE);
  g_setenv("GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
  g_setenv("GST_PLUGIN_PATH_1_0", dir, TRUE);
  gst_init(NULL, NULL);

  plugin = gst_plugin_load_file(plugin_path, &err);
  parser = json_parser_new();
  if (!plugin || !json_parser_load_from_file(parser, messages_path, &err)) {
    g_printerr("gst-assemblyai-reference: %s\n", err->message);
    return 1;
  }
  all_messages = json_object_get_object_member(
      json_node_get_object(json_parser_get_root(parser)), "messages");

  p = json_object_new();
  els = json_object_new();
  others = json_object_new();
  json_object_set_string_member(p, "description",
                                gst_plugin_get_description(plugin));
  features = g_list_sort(gst_registry_get_feature_list_by_plugin(
                             gst_registry_get(), gst_plugin_get_name(plugin)),
                         compare_feature);
  for (GList *l = features; l; l = l->next) {
    GstPluginFeature *loaded = gst_plugin_feature_load(l->data);
    if (GST_IS_ELEMENT_FACTORY(loaded)) {
      const gchar *name = gst_plugin_feature_get_name(loaded);
      JsonObject *e =
          element(GST_ELEMENT_FACTORY(loaded), all_messages, others);
      json_object_set_object_member(els, name, e);
    }
    gst_object_unref(loaded);
  }
  gst_plugin_feature_list_free(features);
  json_object_set_object_member(p, "elements", els);
  {
    gchar *base = g_path_get_basename(plugin_path);
    gchar *dot = strrchr(base, '.');
    if (dot)
      *dot = '\0';
    json_object_set_string_member(p, "filename", base);
    g_free(base);
  }
  json_object_set_string_member(p, "license", gst_plugin_get_license(plugin));
  json_object_set_object_member(p, "other-types", others);
  json_object_set_string_member(p, "package", gst_plugin_get_package(plugin));
  json_object_set_string_member(p, "source", gst_plugin_get_source(plugin));
  json_object_set_object_member(p, "tracers", json_object_new());
  json_object_set_string_member(p, "url", gst_plugin_get_origin(plugin));
  root = json_object_new();
  json_object_set_object_member(root, gst_plugin_get_name(plugin), p);

  g_mkdir_with_parents(output, 0755);
  gen = json_generator_new();
  node = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(node, root);
  json_generator_set_root(gen, node);
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 4);
  text = json_generator_to_data(gen, NULL);
  {
    gchar *with_nl = g_strconcat(text, "\n", NULL);
    if (!write_file(output, "gst_plugins_cache.json", with_nl, &err))
      rc = 1;
    g_free(with_nl);
  }
  g_free(text);

  text = md_index(p);
  if (rc == 0 && !write_file(output, "index.md", text, &err))
    rc = 1;
  g_free(text);
  {
    GList *names = json_object_get_members(els);
    for (GList *k = names; k && rc == 0; k = k->next) {
      gchar *file = g_strconcat(k->data, ".md", NULL);
      text = md_element(k->data, json_object_get_object_member(els, k->data),
                        others);
      if (!write_file(output, file, text, &err))
        rc = 1;
      g_free(text);
      g_free(file);
    }
    g_list_free(names);
  }
  if (rc)
    g_printerr("gst-assemblyai-reference: %s\n", err->message);

  json_node_unref(node);
  json_object_unref(root);
  g_object_unref(gen);
  g_object_unref(parser);
  gst_object_unref(plugin);
  g_unlink(registry);
  g_rmdir(tmpdir);
  g_free(registry);
  g_free(tmpdir);
  g_free(dir);
  g_free(plugin_path);
  g_free(messages_path);
  g_free(output);
  return rc;
}
