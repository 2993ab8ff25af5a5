/* test-agent-protocol.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A batch as an agent writes it reads back field by field, through the
 * fast path and through json-glib (another spelling of the same JSON), and
 * a malformed one is refused with the same sentence either way. */

#include "config.h"

#include "lookout-agent-protocol.h"
#include "lookout-test.h"

/* Plain entries are what the fast path reads; the others (escapes in an
 * error, numbers near the end of the range) go through json-glib. */
static void
make_entry (LookoutOutboxEntry *entry,
            guint               i,
            gboolean            plain)
{
  static const char *errors[] = {
    NULL, "connection refused", "Zeitüberschreitung … ☃", "a \"quoted\" word\tand a tab", "back\\slash",
  };

  *entry = (LookoutOutboxEntry) {
    .seq = 1000 + i,
    .target = g_strdup_printf ("tcp://127.0.0.%u:%u", 1 + i % 200, 1 + i),
    .sample = {
      .ts_ms = G_GINT64_CONSTANT (1764670000000) + i * 10,
      .latency_us = i % 7 == 0 ? -1 : (gint64) 1000 + i,
      .state = i % 3 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
      .code = i % 5 == 0 ? LOOKOUT_SAMPLE_NO_CODE : 200 + (gint) (i % 4),
      .error = g_strdup (errors[i % (plain ? 3 : G_N_ELEMENTS (errors))]),
      .sent = i % 4,
      .received = i % 3,
      .min_us = i % 2 ? -1 : (gint64) i,
      .max_us = i % 2 ? -1 : plain ? (gint64) i * 1000 : G_MAXINT64 - i,
      .jitter_us = i % 2 ? -1 : 17,
    },
  };
}

static char *
batch_text (GArray *entries)
{
  GString *text = g_string_new ("{\"type\":\"batch\",\"first_seq\":1000,\"dropped\":3,\"results\":[");

  for (guint i = 0; i < entries->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      lookout_agent_append_entry (text, &g_array_index (entries, LookoutOutboxEntry, i));
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

static GArray *
entries_new (guint    n,
             gboolean plain)
{
  GArray *entries = g_array_sized_new (FALSE, TRUE, sizeof (LookoutOutboxEntry), n);

  g_array_set_clear_func (entries, (GDestroyNotify) lookout_outbox_entry_clear);
  g_array_set_size (entries, n);
  for (guint i = 0; i < n; i++)
    make_entry (&g_array_index (entries, LookoutOutboxEntry, i), i, plain);
  return entries;
}

static void
assert_same (GArray *a,
             GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      LookoutOutboxEntry *x = &g_array_index (a, LookoutOutboxEntry, i);
      LookoutOutboxEntry *y = &g_array_index (b, LookoutOutboxEntry, i);

      g_assert_cmpuint (x->seq, ==, y->seq);
      g_assert_cmpstr (x->target, ==, y->target);
      g_assert_cmpint (x->sample.ts_ms, ==, y->sample.ts_ms);
      g_assert_cmpint (x->sample.latency_us, ==, y->sample.latency_us);
      g_assert_cmpint (x->sample.state, ==, y->sample.state);
      g_assert_cmpint (x->sample.code, ==, y->sample.code);
      g_assert_cmpstr (x->sample.error, ==, y->sample.error);
      g_assert_cmpuint (x->sample.sent, ==, y->sample.sent);
      g_assert_cmpuint (x->sample.received, ==, y->sample.received);
      g_assert_cmpint (x->sample.min_us, ==, y->sample.min_us);
      g_assert_cmpint (x->sample.max_us, ==, y->sample.max_us);
      g_assert_cmpint (x->sample.jitter_us, ==, y->sample.jitter_us);
    }
}

static void
test_roundtrip (void)
{
  for (guint plain = 0; plain < 2; plain++)
    {
      g_autoptr(GArray) entries = entries_new (1000, plain);
      g_autofree char *text = batch_text (entries);
      g_autoptr(GArray) read = NULL;
      g_autoptr(GError) error = NULL;
      gint64 first = 0, dropped = 0;

      read = lookout_agent_batch_parse (text, strlen (text), &first, &dropped, &error);
      g_assert_no_error (error);
      g_assert_cmpint (first, ==, 1000);
      g_assert_cmpint (dropped, ==, 3);
      assert_same (entries, read);
    }
}

/* The members in another order, with spaces: JSON all the same. */
static void
test_other_spelling (void)
{
  g_autoptr(GArray) entries = entries_new (20, TRUE);
  g_autofree char *text = batch_text (entries);
  g_autofree char *results = g_strndup (strstr (text, "\"results\""), strlen (strstr (text, "\"results\"")) - 1);
  g_autofree char *other = g_strdup_printf ("{ \"dropped\" : 3 , %s, \"first_seq\": 1000, \"type\": \"batch\" }\n",
                                            results);
  g_autoptr(GArray) read = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first = 0, dropped = 0;

  read = lookout_agent_batch_parse (other, strlen (other), &first, &dropped, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, ==, 1000);
  g_assert_cmpint (dropped, ==, 3);
  assert_same (entries, read);
}

static void
test_refused (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":[[1,\"tcp://a:1\",5,1,9,0,null,0,0,-1,-1,-1]]}",
      "“state” is out of range: 9" },
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":[[1,\"tcp://a:1\",5.5,1,1,0,null,0,0,-1,-1,-1]]}",
      "“ts_ms” must be an integer" },
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":[[0,\"tcp://a:1\",5,1,1,0,null,0,0,-1,-1,-1]]}",
      "“seq” is out of range: 0" },
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":[[1,\"tcp://a:1\",5,1,1,0,null,0,0,-1,-1]]}",
      "A result must be an array of 12 values" },
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":[[1,2,5,1,1,0,null,0,0,-1,-1,-1]]}",
      "A result's target must be a string and its error a string or null" },
    { "{\"type\":\"batch\",\"first_seq\":1,\"dropped\":0,\"results\":{}}",
      "a batch must carry a “results” array" },
    { "{\"type\":\"batch\",\"first_seq\":-1,\"dropped\":0,\"results\":[]}",
      "“first_seq” is out of range: -1" },
    { "{\"type\":\"pong\",\"id\":1,\"clock_ms\":1}",
      "A message of type “pong” is not a batch" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) read = NULL;
      gint64 first, dropped;

      read = lookout_agent_batch_parse (cases[i].text, strlen (cases[i].text), &first, &dropped, &error);
      g_assert_null (read);
      g_assert_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* cut anywhere, a batch is not JSON */
  {
    g_autoptr(GArray) entries = entries_new (3, TRUE);
    g_autofree char *text = batch_text (entries);

    for (gsize len = 0; len < strlen (text); len++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) read = NULL;
        gint64 first, dropped;

        read = lookout_agent_batch_parse (text, len, &first, &dropped, &error);
        g_assert_null (read);
        g_assert_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent-protocol/roundtrip", test_roundtrip);
  g_test_add_func ("/agent-protocol/other-spelling", test_other_spelling);
  g_test_add_func ("/agent-protocol/refused", test_refused);
  return g_test_run ();
}
