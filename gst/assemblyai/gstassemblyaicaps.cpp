/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaicaps.h"

#include <gst/audio/audio.h>

GST_DEBUG_CATEGORY_STATIC(assemblyai_caps_debug);
#define GST_CAT_DEFAULT assemblyai_caps_debug

namespace aai
{

namespace
{
void ensure_debug_category()
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    GST_DEBUG_CATEGORY_INIT(assemblyai_caps_debug, "assemblyaicaps", 0,
                            "AssemblyAI input formats");
    g_once_init_leave(&once, 1);
  }
}

bool supported(GstPad *pad, GstCaps *caps)
{
  GstCaps *tmpl = gst_pad_get_pad_template_caps(pad);
  bool ok = gst_caps_is_subset(caps, tmpl);
  gst_caps_unref(tmpl);
  return ok;
}
}  // namespace

std::string InputGuard::describe(GstCaps *caps)
{
  if (!caps || gst_caps_is_empty(caps) || !gst_caps_is_fixed(caps)) {
    gchar *s = caps ? gst_caps_to_string(caps) : g_strdup("no caps");
    std::string out = s;
    g_free(s);
    return out;
  }
  GstStructure *st = gst_caps_get_structure(caps, 0);
  std::string name = gst_structure_get_name(st);
  int channels = 0, rate = 0;
  gst_structure_get_int(st, "channels", &channels);
  gst_structure_get_int(st, "rate", &rate);
  std::string ch = channels == 1   ? "mono"
                   : channels == 2 ? "stereo"
                                   : std::to_string(channels) + "-channel";
  std::string fmt = name == "audio/x-mulaw" ? "mu-law" : name;
  if (const char *f = gst_structure_get_string(st, "format"))
    fmt = f;
  return ch + " " + fmt + " at " + std::to_string(rate) + " Hz";
}

void InputGuard::install(GstElement *owner, GstPad *sinkpad)
{
  ensure_debug_category();
  owner_ = owner;
  gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event,
                    this, nullptr);
}

void InputGuard::reset()
{
  std::lock_guard<std::mutex> l(lock_);
  refused_.clear();
  have_caps_ = false;
  posted_ = false;
  warned_ = false;
}

void InputGuard::refuse(GstCaps *caps)
{
  std::string what = describe(caps);
  {
    std::lock_guard<std::mutex> l(lock_);
    refused_ = what;
    if (posted_)
      return;
    posted_ = true;
  }
  gchar *str = gst_caps_to_string(caps);
  GST_ELEMENT_ERROR(owner_, CORE, NEGOTIATION,
                    ("Unsupported audio format: %s.", what.c_str()),
                    (ASSEMBLYAI_CAPS_ADVICE " Got: %s", str));
  g_free(str);
}

GstPadProbeReturn InputGuard::on_event(GstPad *pad,
                                       GstPadProbeInfo *info,
                                       gpointer data)
{
  auto *self = static_cast<InputGuard *>(data);
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(ev) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps(ev, &caps);
    if (supported(pad, caps)) {
      std::lock_guard<std::mutex> l(self->lock_);
      self->have_caps_ = true;
      return GST_PAD_PROBE_OK;
    }
    /* Set, not just probed: the stream cannot go on in this format (the
     * pad refuses it right after this probe). */
    GST_INFO_OBJECT(pad, "refusing %" GST_PTR_FORMAT, caps);
    self->refuse(caps);
  } else if (GST_EVENT_TYPE(ev) == GST_EVENT_EOS) {
    std::string refused;
    bool post;
    {
      std::lock_guard<std::mutex> l(self->lock_);
      refused = self->refused_;
      post = !self->have_caps_ && !refused.empty() && !self->posted_;
      self->posted_ = self->posted_ || post;
    }
    /* Audio was refused and none ever came: not an empty success. */
    if (post)
      GST_ELEMENT_ERROR(self->owner_, CORE, NEGOTIATION,
                        ("No audio in a format AssemblyAI takes (upstream "
                         "offered %s).",
                         refused.c_str()),
                        (ASSEMBLYAI_CAPS_ADVICE));
  } else if (GST_EVENT_TYPE(ev) == GST_EVENT_STREAM_START) {
    std::lock_guard<std::mutex> l(self->lock_);
    self->have_caps_ = false;
  }
  return GST_PAD_PROBE_OK;
}

bool InputGuard::handle_query(GstPad *pad, GstQuery *query)
{
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS: {
      /* Only what the service takes: a broader answer would let
       * audioconvert pass its input through instead of converting. */
      GstCaps *filter, *caps = gst_pad_get_pad_template_caps(pad);
      gst_query_parse_caps(query, &filter);
      if (filter) {
        GstCaps *res =
            gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref(caps);
        caps = res;
      }
      gst_query_set_caps_result(query, caps);
      gst_caps_unref(caps);
      return true;
    }
    case GST_QUERY_ACCEPT_CAPS: {
      GstCaps *caps;
      gst_query_parse_accept_caps(query, &caps);
      bool ok = supported(pad, caps);
      gst_query_set_accept_caps_result(query, ok);
      if (!ok && gst_caps_is_fixed(caps)) {
        /* Converters probe like this before they convert: a hint, once a
         * run, not an error (an error comes if such caps are set). */
        GST_DEBUG_OBJECT(pad, "not accepting %" GST_PTR_FORMAT, caps);
        std::string what = describe(caps);
        bool warn;
        {
          std::lock_guard<std::mutex> l(lock_);
          refused_ = what;
          warn = !warned_ && !posted_;
          warned_ = true;
        }
        if (warn)
          GST_ELEMENT_WARNING(
              owner_, CORE, NEGOTIATION,
              ("Unsupported audio format offered: %s.", what.c_str()),
              (ASSEMBLYAI_CAPS_ADVICE));
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace aai
