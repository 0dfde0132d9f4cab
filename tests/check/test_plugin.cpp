/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The plugin loads from the build tree and carries its package metadata. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

GST_START_TEST(test_plugin_is_registered)
{
  GstPlugin *plugin =
      gst_registry_find_plugin(gst_registry_get(), "assemblyai");
  fail_unless(plugin != nullptr,
              "plugin 'assemblyai' not found in the registry");
  fail_unless_equals_string(gst_plugin_get_version(plugin), VERSION);
  fail_unless_equals_string(gst_plugin_get_license(plugin), "LGPL");
  fail_unless_equals_string(gst_plugin_get_source(plugin), "gst-assemblyai");
  gst_object_unref(plugin);
}
GST_END_TEST;

static Suite *plugin_suite(void)
{
  Suite *s = suite_create("plugin");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_plugin_is_registered);
  return s;
}

GST_CHECK_MAIN(plugin);
