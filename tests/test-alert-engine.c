/* test-alert-engine.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "lookout-alert-engine.h"
#include "lookout-target-options.h"

#define STEP_MS  60000
#define START_MS G_GINT64_CONSTANT (1800000000000)

typedef struct
{
  LookoutAlertEngine *engine;
  gint64              now;
  GPtrArray          *events;
} Harness;

static gint64
fake_clock (gpointer user_data)
{
  return ((Harness *) user_data)->now;
}

static void
event_cb (LookoutAlertEngine *engine,
          LookoutAlertEvent  *event,
          Harness            *h)
{
  g_ptr_array_add (h->events, lookout_alert_event_ref (event));
}

static void
harness_init (Harness *h)
{
  h->engine = lookout_alert_engine_new (NULL);
  h->now = START_MS;
  h->events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  lookout_alert_engine_set_clock (h->engine, fake_clock, h);
  g_signal_connect (h->engine, "event", G_CALLBACK (event_cb), h);
}

static void
harness_clear (Harness *h)
{
  g_clear_object (&h->engine);
  g_clear_pointer (&h->events, g_ptr_array_unref);
}

static LookoutTarget *
make_target (gint64      id,
             const char *uri,
             guint       threshold)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_id (target, id);
  lookout_target_set_fail_threshold (target, threshold);
  lookout_target_set_interval (target, 60);
  return target;
}

/* U: success, X: DOWN, D: DEGRADED; @location NULL for a local check. */
static LookoutResult *
make_result (LookoutTarget *target,
             const char    *location,
             char           c,
             gint64         now)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->started_ms = now;
  result->location = g_strdup (location);
  if (c == 'U')
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->latency_us = 1000;
    }
  else if (c == 'X')
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                              LOOKOUT_PROBE_ERROR_REFUSED, "Connection refused");
  else if (c == 'A')
    /* an answer, if a refusal: the server was reached */
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                              LOOKOUT_PROBE_ERROR_STATUS, "HTTP status 401");
  else if (c == 'D')
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED,
                              LOOKOUT_PROBE_ERROR_STATUS, "HTTP status 503");
  else
    g_assert_not_reached ();

  return result;
}

static LookoutTargetState
feed (Harness       *h,
      LookoutTarget *target,
      char           c)
{
  g_autoptr(LookoutResult) result = make_result (target, NULL, c, h->now);

  return lookout_alert_engine_process (h->engine, target, result);
}

static char *
events_summary (GPtrArray *events,
                gint64     base_ms)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      LookoutAlertEvent *e = g_ptr_array_index (events, i);

      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append_printf (s, "%s@%" G_GINT64_FORMAT,
                              lookout_alert_event_kind_to_string (e->kind),
                              (e->ts_ms - base_ms) / STEP_MS);
      if (e->kind == LOOKOUT_ALERT_EVENT_UP)
        g_string_append_printf (s, "/%" G_GINT64_FORMAT, e->downtime_ms / STEP_MS);
    }

  return g_string_free (s, FALSE);
}

/* ---- thresholds and up retries, as a table ---- */

typedef struct
{
  const char *name;
  guint       threshold;
  guint       up_after;
  const char *results;
  const char *events;   /* kind@step[/downtime in steps] */
  LookoutTargetState final;
} StateCase;

static const StateCase state_cases[] = {
  { "first-success-is-silent", 3, 1, "U", "", LOOKOUT_TARGET_STATE_UP },
  { "below-threshold", 3, 1, "UUXXUXX", "", LOOKOUT_TARGET_STATE_UP },
  { "at-threshold", 3, 1, "UXXX", "down@3", LOOKOUT_TARGET_STATE_DOWN },
  { "down-then-up", 3, 1, "UXXXXU", "down@3 up@5/4", LOOKOUT_TARGET_STATE_UP },
  { "threshold-one", 1, 1, "UXU", "down@1 up@2/1", LOOKOUT_TARGET_STATE_UP },
  { "unknown-to-down", 3, 1, "XXX", "down@2", LOOKOUT_TARGET_STATE_DOWN },
  { "up-retries-interrupted", 2, 2, "UXXUXUU", "down@2 up@6/4", LOOKOUT_TARGET_STATE_UP },
  { "up-retries-three", 2, 3, "UXXUUXUUU", "down@2 up@8/5", LOOKOUT_TARGET_STATE_UP },
  { "mixed-failures-are-down", 3, 1, "UXDX", "down@3", LOOKOUT_TARGET_STATE_DOWN },
  { "degraded", 3, 1, "UDDD", "degraded@3", LOOKOUT_TARGET_STATE_DEGRADED },
  { "degraded-then-up", 2, 1, "UDDDU", "degraded@2 up@4/3", LOOKOUT_TARGET_STATE_UP },
  { "degraded-then-down", 2, 1, "UDDXX", "degraded@2 down@4", LOOKOUT_TARGET_STATE_DOWN },
  { "down-then-degraded", 2, 1, "UXXD", "down@2 degraded@3", LOOKOUT_TARGET_STATE_DEGRADED },
  { "down-then-degraded-up-after", 2, 2, "UXXDXDD", "down@2 degraded@6", LOOKOUT_TARGET_STATE_DEGRADED },
  { "down-stays-silent", 2, 1, "UXXXXXXX", "down@2", LOOKOUT_TARGET_STATE_DOWN },
};

static void
test_state_table (gconstpointer data)
{
  const StateCase *c = data;
  g_autoptr(LookoutTarget) target = make_target (1, "tcp://127.0.0.1:9", c->threshold);
  g_autofree char *summary = NULL;
  LookoutTargetState state = LOOKOUT_TARGET_STATE_UNKNOWN;
  Harness h = { 0 };

  harness_init (&h);
  lookout_alert_engine_set_up_after (h.engine, c->up_after);
  /* Reminders are tested on their own. */
  lookout_alert_engine_set_reminders (h.engine, NULL, 0);

  for (const char *p = c->results; *p; p++)
    {
      state = feed (&h, target, *p);
      h.now += STEP_MS;
    }

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, c->events);
  g_assert_cmpint (state, ==, c->final);
  g_assert_cmpint (lookout_target_get_state (target), ==, c->final);
  g_assert_cmpint (lookout_alert_engine_get_state (h.engine, 1), ==, c->final);

  harness_clear (&h);
}

static void
test_messages (void)
{
  g_autoptr(LookoutTarget) target = make_target (7, "tcp://127.0.0.1:9", 1);
  LookoutAlertEvent *e;
  Harness h = { 0 };

  harness_init (&h);
  lookout_target_set_name (target, "db");
  feed (&h, target, 'U');
  h.now += 1000;
  feed (&h, target, 'X');
  h.now += 3723000;
  feed (&h, target, 'U');

  g_assert_cmpuint (h.events->len, ==, 2);
  e = g_ptr_array_index (h.events, 0);
  g_assert_cmpint (e->kind, ==, LOOKOUT_ALERT_EVENT_DOWN);
  g_assert_cmpint (e->target_id, ==, 7);
  g_assert_cmpstr (e->title, ==, "db is down");
  /* TZ=UTC in the test environment. */
  g_assert_cmpstr (e->message, ==, "db is down since 2027-01-15 08:00:01: Connection refused");
  g_assert_cmpstr (e->error, ==, "Connection refused");
  g_assert_true (e->notify);
  e = g_ptr_array_index (h.events, 1);
  g_assert_cmpint (e->kind, ==, LOOKOUT_ALERT_EVENT_UP);
  g_assert_cmpint (e->downtime_ms, ==, 3723000);
  g_assert_cmpstr (e->message, ==, "db is now up after 01:02:03.");

  harness_clear (&h);
}

/* ---- flapping ---- */

static void
test_flap_percent (void)
{
  g_autoptr(LookoutTarget) target = make_target (1, "tcp://127.0.0.1:9", 5);
  Harness h = { 0 };

  harness_init (&h);

  /* Twenty equal results, then one change at the newest place: weight 1.25. */
  for (guint i = 0; i < 20; i++)
    feed (&h, target, 'U');
  g_assert_cmpfloat (lookout_alert_engine_get_flap_percent (h.engine, 1), ==, 0.0);
  feed (&h, target, 'X');
  g_assert_cmpfloat_with_epsilon (lookout_alert_engine_get_flap_percent (h.engine, 1), 6.25, 1e-9);

  /* The same change, twenty results later, is the oldest: weight 0.75. */
  for (guint i = 0; i < 19; i++)
    feed (&h, target, 'X');
  g_assert_cmpfloat_with_epsilon (lookout_alert_engine_get_flap_percent (h.engine, 1), 3.75, 1e-9);
  /* And it is forgotten one result later. */
  feed (&h, target, 'X');
  g_assert_cmpfloat (lookout_alert_engine_get_flap_percent (h.engine, 1), ==, 0.0);

  harness_clear (&h);
}

static void
test_flapping_in_and_out (void)
{
  g_autoptr(LookoutTarget) target = make_target (1, "tcp://127.0.0.1:9", 1);
  guint notified = 0, stored = 0, starts = 0, stops = 0;
  Harness h = { 0 };

  harness_init (&h);
  lookout_alert_engine_set_reminders (h.engine, NULL, 0);
  lookout_alert_engine_set_flap_thresholds (h.engine, 50.0, 25.0);

  /* Up and down every check: flapping once the history is full. */
  for (guint i = 0; i < 40; i++)
    {
      feed (&h, target, i % 2 == 0 ? 'U' : 'X');
      h.now += STEP_MS;
    }
  g_assert_true (lookout_alert_engine_is_flapping (h.engine, 1));
  g_assert_cmpfloat_with_epsilon (lookout_alert_engine_get_flap_percent (h.engine, 1), 100.0, 1e-9);

  /* Then steady: it stops once the percentage falls below 25 %. */
  for (guint i = 0; i < 30; i++)
    {
      feed (&h, target, 'U');
      h.now += STEP_MS;
    }
  g_assert_false (lookout_alert_engine_is_flapping (h.engine, 1));

  for (guint i = 0; i < h.events->len; i++)
    {
      LookoutAlertEvent *e = g_ptr_array_index (h.events, i);

      if (e->kind == LOOKOUT_ALERT_EVENT_FLAPPING_START)
        {
          starts++;
          /* Nothing was flapping before the 21st result. */
          g_assert_cmpint ((e->ts_ms - START_MS) / STEP_MS, ==, 20);
        }
      if (e->kind == LOOKOUT_ALERT_EVENT_FLAPPING_STOP)
        stops++;
      if (e->kind == LOOKOUT_ALERT_EVENT_DOWN || e->kind == LOOKOUT_ALERT_EVENT_UP)
        {
          stored++;
          if (e->notify)
            notified++;
        }
    }

  g_assert_cmpuint (starts, ==, 1);
  g_assert_cmpuint (stops, ==, 1);
  /* Every change is an event, ... */
  g_assert_cmpuint (stored, ==, 40);
  /* ... but only those before flapping was detected (at the 21st result)
   * were notified. */
  g_assert_cmpuint (notified, ==, 19);

  harness_clear (&h);
}

/* ---- reminders ---- */

static void
test_reminders (void)
{
  g_autoptr(LookoutTarget) target = make_target (1, "tcp://127.0.0.1:9", 1);
  g_autofree char *summary = NULL;
  GString *times = g_string_new (NULL);
  g_autofree char *times_str = NULL;
  gint64 down_ms;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, target, 'U');
  h.now += STEP_MS;
  feed (&h, target, 'X');
  down_ms = h.now;

  /* Two hours, one tick per second. */
  for (guint i = 0; i < 2 * 3600; i++)
    {
      h.now += 1000;
      lookout_alert_engine_tick (h.engine);
    }

  for (guint i = 0; i < h.events->len; i++)
    {
      LookoutAlertEvent *e = g_ptr_array_index (h.events, i);

      if (e->kind != LOOKOUT_ALERT_EVENT_REMINDER)
        continue;
      g_string_append_printf (times, "%" G_GINT64_FORMAT " ", (e->ts_ms - down_ms) / 1000);
      g_assert_cmpint (e->downtime_ms, ==, e->ts_ms - down_ms);
      g_assert_true (e->notify);
    }
  times_str = g_string_free (times, FALSE);
  g_assert_cmpstr (times_str, ==, "600 1800 3600 ");

  g_assert_cmpstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 1))->message, ==,
                   "127.0.0.1:9 has been down for 00:10:00.");

  /* Recovery ends the silence with one UP. */
  feed (&h, target, 'U');
  g_assert_cmpuint (h.events->len, ==, 5);
  g_assert_cmpstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 4))->message, ==,
                   "127.0.0.1:9 is now up after 02:00:00.");

  /* A new outage starts the schedule again; a late tick (after a suspend)
   * sends only the latest reminder due. */
  g_ptr_array_set_size (h.events, 0);
  h.now += STEP_MS;
  feed (&h, target, 'X');
  h.now += 45 * 60000;
  lookout_alert_engine_tick (h.engine);
  h.now += 15 * 60000;
  lookout_alert_engine_tick (h.engine);
  h.now += 5 * 3600000;
  lookout_alert_engine_tick (h.engine);
  summary = events_summary (h.events, h.events->len > 0 ?
                            ((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->ts_ms : 0);
  g_assert_cmpstr (summary, ==, "down@0 reminder@45 reminder@60");

  harness_clear (&h);
}

static void
test_reminders_custom (void)
{
  static const gint64 offsets[] = { 1000, 5000 };
  g_autoptr(LookoutTarget) target = make_target (1, "tcp://127.0.0.1:9", 1);
  guint reminders = 0;
  Harness h = { 0 };

  harness_init (&h);
  lookout_alert_engine_set_reminders (h.engine, offsets, G_N_ELEMENTS (offsets));
  feed (&h, target, 'X');
  for (guint i = 0; i < 20; i++)
    {
      h.now += 500;
      /* Failed checks count as ticks too. */
      feed (&h, target, 'X');
    }
  for (guint i = 0; i < h.events->len; i++)
    if (((LookoutAlertEvent *) g_ptr_array_index (h.events, i))->kind == LOOKOUT_ALERT_EVENT_REMINDER)
      reminders++;
  g_assert_cmpuint (reminders, ==, 2);

  harness_clear (&h);
}

/* ---- "is it me?" ----
 * The targets are beyond this machine (192.0.2.0/24, TEST-NET-1): the
 * engine is fed results, nothing is sent there. */

static void
test_local_connectivity_all_fail (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://192.0.2.1:9", 2);
  g_autoptr(LookoutTarget) b = make_target (2, "tcp://192.0.2.2:9", 2);
  g_autoptr(LookoutTarget) c = make_target (3, "icmp://192.0.2.3", 2);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);

  /* Rounds of three targets, all fail from the second round on. */
  const char *rounds[] = { "UUU", "XXX", "XXX", "XXX", "XXX", "UXX", "UUU" };
  for (guint r = 0; r < G_N_ELEMENTS (rounds); r++)
    {
      feed (&h, a, rounds[r][0]);
      feed (&h, b, rounds[r][1]);
      feed (&h, c, rounds[r][2]);
      if (r >= 2 && r <= 4)
        {
          g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
          g_assert_cmpint (lookout_target_get_state (c), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
        }
      h.now += STEP_MS;
    }

  summary = events_summary (h.events, START_MS);
  /* One event for the lost link, none per target; when it returns, the
   * targets start counting afresh. */
  g_assert_cmpstr (summary, ==, "connectivity-lost@2 connectivity-restored@5");
  g_assert_cmpint (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->target_id, ==, 0);
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (lookout_target_get_state (b), ==, LOOKOUT_TARGET_STATE_UP);

  harness_clear (&h);
}

static void
test_local_connectivity_one_fails (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://192.0.2.1:9", 2);
  g_autoptr(LookoutTarget) b = make_target (2, "tcp://192.0.2.2:9", 2);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  const char *rounds[] = { "UU", "XU", "XU", "XU" };
  for (guint r = 0; r < G_N_ELEMENTS (rounds); r++)
    {
      feed (&h, a, rounds[r][0]);
      feed (&h, b, rounds[r][1]);
      h.now += STEP_MS;
    }

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "down@2");

  harness_clear (&h);
}

/* A server that answers, if only with an error, proves this computer is
 * online: two targets, one refused and one answering 401, are two targets
 * down, not an outage; and an answer ends an outage. */
static void
test_local_connectivity_answers (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://192.0.2.1:9", 3);
  g_autoptr(LookoutTarget) b = make_target (2, "http://192.0.2.2:8080/", 1);
  g_autoptr(LookoutTarget) c = make_target (3, "tcp://192.0.2.3:9", 1);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, a, 'X');
  feed (&h, b, 'A');
  g_assert_cmpint (lookout_target_get_state (b), ==, LOOKOUT_TARGET_STATE_DOWN);
  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "down@0");
  g_clear_pointer (&summary, g_free);

  h.now += STEP_MS;
  feed (&h, a, 'X');
  feed (&h, c, 'X');
  g_assert_cmpint (lookout_target_get_state (c), ==, LOOKOUT_TARGET_STATE_DOWN);
  h.now += STEP_MS;
  feed (&h, c, 'U');
  feed (&h, a, 'U');
  h.now += STEP_MS;
  lookout_alert_engine_set_network_available (h.engine, FALSE);
  feed (&h, a, 'X');
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  h.now += STEP_MS;
  feed (&h, b, 'A');
  feed (&h, a, 'X');
  g_assert_cmpint (lookout_target_get_state (b), ==, LOOKOUT_TARGET_STATE_DOWN);
  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "down@0 down@1 up@2/1 connectivity-lost@3 connectivity-restored@4");

  harness_clear (&h);
}

static void
test_local_connectivity_network_monitor (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://192.0.2.1:9", 1);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, a, 'U');
  h.now += STEP_MS;
  lookout_alert_engine_set_network_available (h.engine, FALSE);
  for (guint i = 0; i < 5; i++)
    {
      h.now += STEP_MS;
      g_assert_cmpint (feed (&h, a, 'X'), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
    }
  h.now += STEP_MS;
  lookout_alert_engine_set_network_available (h.engine, TRUE);
  h.now += STEP_MS;
  feed (&h, a, 'U');

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "connectivity-lost@1 connectivity-restored@7");
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UP);

  /* A success while the system still reports no network is evidence enough:
   * from then on failures count again (a LAN without a default route). */
  g_ptr_array_set_size (h.events, 0);
  lookout_alert_engine_set_network_available (h.engine, FALSE);
  h.now += STEP_MS;
  feed (&h, a, 'U');
  feed (&h, a, 'X');
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_DOWN);
  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "connectivity-lost@8 connectivity-restored@9 down@9");

  harness_clear (&h);
}

/* The default route's link going down is a local outage at once (the
 * link's own DOWN is an event too); the other targets' failures meanwhile
 * are not; its return ends the outage. While the link is up, a target
 * that fails alone goes down as usual, and the link never counts among
 * the targets that "all fail": the two others failing together are still
 * an outage beyond the link. */
static void
test_local_connectivity_default_link (void)
{
  g_autoptr(LookoutTarget) link = make_target (1, "iface://default", 1);
  g_autoptr(LookoutTarget) a = make_target (2, "tcp://192.0.2.2:9", 1);
  g_autoptr(LookoutTarget) b = make_target (3, "tcp://192.0.2.3:9", 2);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  const char *rounds[] = { "UUU", "XXX", "XXX", "XXX", "UUU", "UXU", "UXX", "UXX" };
  for (guint r = 0; r < G_N_ELEMENTS (rounds); r++)
    {
      feed (&h, link, rounds[r][0]);
      feed (&h, a, rounds[r][1]);
      feed (&h, b, rounds[r][2]);
      if (r >= 1 && r <= 3)
        {
          g_assert_cmpint (lookout_target_get_state (link), ==, LOOKOUT_TARGET_STATE_DOWN);
          g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
          g_assert_cmpint (lookout_target_get_state (b), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
        }
      h.now += STEP_MS;
    }

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==,
                   "connectivity-lost@1 down@1 connectivity-restored@4 up@4/3 down@5 connectivity-lost@7");
  g_assert_nonnull (strstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->message,
                            "interface of the default route"));
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (lookout_target_get_state (link), ==, LOOKOUT_TARGET_STATE_UP);

  harness_clear (&h);
}

/* The kernel's word on the default route's link: the first report is
 * where things stand (down from the start is no outage); down later is a
 * local outage at once, up again ends it. */
static void
test_local_connectivity_link_watch (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://192.0.2.1:9", 1);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  lookout_alert_engine_set_default_link (h.engine, FALSE, NULL);
  lookout_alert_engine_set_default_link (h.engine, TRUE, "eth0");
  feed (&h, a, 'U');
  h.now += STEP_MS;
  lookout_alert_engine_set_default_link (h.engine, FALSE, "eth0");
  lookout_alert_engine_set_default_link (h.engine, FALSE, "eth0");
  for (guint i = 0; i < 3; i++)
    {
      h.now += STEP_MS;
      g_assert_cmpint (feed (&h, a, 'X'), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
    }
  h.now += STEP_MS;
  lookout_alert_engine_set_default_link (h.engine, TRUE, "eth0");
  feed (&h, a, 'U');

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "connectivity-lost@1 connectivity-restored@5");
  g_assert_cmpstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->message, ==,
                   "Local connectivity lost: the interface of the default route (eth0) has no working link. "
                   "Targets are unknown until it returns.");
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UP);

  harness_clear (&h);
}

/* Targets on this machine failing together are failures, not an outage
 * of the network; nor do they end one or wait for it to end. */
static void
test_local_connectivity_this_machine (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://127.0.0.1:9", 1);
  g_autoptr(LookoutTarget) b = make_target (2, "http://localhost:9/", 1);
  g_autoptr(LookoutTarget) c = make_target (3, "tcp://[::1]:9", 1);
  g_autoptr(LookoutTarget) far = make_target (4, "tcp://192.0.2.4:9", 1);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, a, 'U');
  feed (&h, b, 'U');
  feed (&h, c, 'U');
  h.now += STEP_MS;
  g_assert_cmpint (feed (&h, a, 'X'), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (feed (&h, b, 'X'), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (feed (&h, c, 'X'), ==, LOOKOUT_TARGET_STATE_DOWN);
  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "down@1 down@1 down@1");

  /* The network goes: the target beyond waits for it, those here do not,
   * and their success does not say the network is back. */
  h.now += STEP_MS;
  feed (&h, a, 'U');
  feed (&h, far, 'U');
  g_ptr_array_set_size (h.events, 0);
  lookout_alert_engine_set_network_available (h.engine, FALSE);
  h.now += STEP_MS;
  g_assert_cmpint (feed (&h, far, 'X'), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpint (feed (&h, a, 'X'), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (feed (&h, b, 'U'), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (feed (&h, far, 'X'), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "connectivity-lost@2 down@3 up@3/2");

  harness_clear (&h);
}

static void
test_pause (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://127.0.0.1:9", 2);
  g_autofree char *summary = NULL;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, a, 'U');
  feed (&h, a, 'X');
  h.now += STEP_MS;
  lookout_alert_engine_set_paused (h.engine, TRUE);
  /* Results that straddle the sleep count for nothing. */
  feed (&h, a, 'X');
  feed (&h, a, 'X');
  h.now += 8 * 3600000;
  lookout_alert_engine_set_paused (h.engine, FALSE);
  feed (&h, a, 'X');
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_UP);
  h.now += STEP_MS;
  feed (&h, a, 'X');
  g_assert_cmpint (lookout_target_get_state (a), ==, LOOKOUT_TARGET_STATE_DOWN);

  summary = events_summary (h.events, START_MS);
  g_assert_cmpstr (summary, ==, "paused@1 resumed@481 down@482");
  g_assert_false (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->notify);

  harness_clear (&h);
}

/* ---- certificates ---- */

static void
feed_cert (Harness       *h,
           LookoutTarget *target,
           gint64         expiry_s)
{
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);

  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->http_status = 200;
  result->cert_expiry_s = expiry_s;
  lookout_alert_engine_process (h->engine, target, result);
}

static void
test_cert_warning (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "https://127.0.0.1:8443/", 3);
  g_autoptr(LookoutTarget) b = make_target (2, "https://127.0.0.2:8443/", 3);
  gint64 expiry_s = START_MS / 1000 + 10 * 86400 + 3600;
  guint warnings = 0;
  Harness h = { 0 };

  harness_init (&h);

  /* Every minute for three days: one warning a day. */
  for (guint i = 0; i < 3 * 24 * 60; i++)
    {
      feed_cert (&h, a, expiry_s);
      feed_cert (&h, b, START_MS / 1000 + 30 * 86400);
      h.now += STEP_MS;
    }

  for (guint i = 0; i < h.events->len; i++)
    {
      LookoutAlertEvent *e = g_ptr_array_index (h.events, i);

      g_assert_cmpint (e->kind, ==, LOOKOUT_ALERT_EVENT_CERT_EXPIRING);
      g_assert_cmpint (e->target_id, ==, 1);
      g_assert_cmpint (e->ts_ms, ==, START_MS + (gint64) warnings * 86400000);
      g_assert_cmpint (e->cert_expiry_s, ==, expiry_s);
      warnings++;
    }
  g_assert_cmpuint (warnings, ==, 3);
  g_assert_cmpstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->message, ==,
                   "The certificate of 127.0.0.1:8443 expires in 10 days, on 2027-01-25 09:00:00.");

  /* Expired. */
  h.now = (expiry_s + 86400) * 1000;
  feed_cert (&h, a, expiry_s);
  g_assert_cmpstr (((LookoutAlertEvent *) g_ptr_array_index (h.events, 3))->message, ==,
                   "The certificate of 127.0.0.1:8443 expired on 2027-01-25 09:00:00.");

  harness_clear (&h);
}

/* ---- mute and do-not-disturb ---- */

static void
test_mute (void)
{
  g_autoptr(LookoutTarget) a = make_target (1, "tcp://127.0.0.1:9", 1);
  LookoutAlertEvent *e;
  Harness h = { 0 };

  harness_init (&h);
  feed (&h, a, 'U');
  lookout_alert_engine_mute_target (h.engine, 1, h.now + 3600000);
  g_assert_true (lookout_alert_engine_is_muted (h.engine, 1));
  feed (&h, a, 'X');
  h.now += 3600000;
  g_assert_false (lookout_alert_engine_is_muted (h.engine, 1));
  feed (&h, a, 'U');
  lookout_alert_engine_set_do_not_disturb (h.engine, TRUE);
  feed (&h, a, 'X');
  lookout_alert_engine_set_do_not_disturb (h.engine, FALSE);
  feed (&h, a, 'U');

  g_assert_cmpuint (h.events->len, ==, 4);
  e = g_ptr_array_index (h.events, 0);
  g_assert_false (e->notify);
  e = g_ptr_array_index (h.events, 1);
  g_assert_true (e->notify);
  e = g_ptr_array_index (h.events, 2);
  g_assert_false (e->notify);
  e = g_ptr_array_index (h.events, 3);
  g_assert_true (e->notify);

  /* Degraded has its own switch. */
  g_ptr_array_set_size (h.events, 0);
  lookout_alert_engine_set_notify_degraded (h.engine, FALSE);
  feed (&h, a, 'D');
  g_assert_cmpuint (h.events->len, ==, 1);
  e = g_ptr_array_index (h.events, 0);
  g_assert_cmpint (e->kind, ==, LOOKOUT_ALERT_EVENT_DEGRADED);
  g_assert_false (e->notify);

  harness_clear (&h);
}

/* ---- a flaky link is not an outage ---- */

static void
test_flaky_link (void)
{
  g_autoptr(LookoutTarget) target = make_target (1, "icmp://127.0.0.1", 3);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261121);
  guint failures = 0;
  Harness h = { 0 };

  harness_init (&h);
  for (guint i = 0; i < 10000; i++)
    {
      gboolean lost = g_rand_double (rand) < 0.02;

      failures += lost;
      feed (&h, target, lost ? 'X' : 'U');
      h.now += STEP_MS;
      lookout_alert_engine_tick (h.engine);
    }

  g_test_message ("%u of 10000 results lost", failures);
  g_assert_cmpuint (failures, >, 150);
  g_assert_cmpuint (failures, <, 250);
  for (guint i = 0; i < h.events->len; i++)
    {
      LookoutAlertEvent *e = g_ptr_array_index (h.events, i);

      g_assert_cmpint (e->kind, !=, LOOKOUT_ALERT_EVENT_DOWN);
      g_assert_cmpint (e->kind, !=, LOOKOUT_ALERT_EVENT_FLAPPING_START);
    }
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);

  harness_clear (&h);
}

/* ---- locations and the quorum ---- */

static LookoutTarget *
make_placed_target (const char *locations,
                    const char *quorum)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = make_target (7, "https://example.org/", 1);

  lookout_target_set_name (target, "shop");
  if (locations != NULL)
    lookout_target_set_option_text (target, "locations", locations, &error);
  g_assert_no_error (error);
  if (quorum != NULL)
    lookout_target_set_option_text (target, "quorum", quorum, &error);
  g_assert_no_error (error);
  return target;
}

/* Feeds "paris:X tokyo:U …", one result a minute; "-paris" and "+paris"
 * take the agent offline and back. */
static void
feed_script (Harness       *h,
             LookoutTarget *target,
             const char    *script)
{
  g_auto(GStrv) steps = g_strsplit (script, " ", -1);

  for (guint i = 0; steps[i] != NULL; i++)
    {
      const char *step = steps[i];
      const char *colon = strchr (step, ':');
      g_autofree char *location = NULL;
      g_autoptr(LookoutResult) result = NULL;

      if (step[0] == '\0')
        continue;
      h->now += STEP_MS;
      if (step[0] == '-' || step[0] == '+')
        {
          lookout_alert_engine_set_location_online (h->engine, step + 1, step[0] == '+');
          continue;
        }
      g_assert_nonnull (colon);
      location = g_strndup (step, colon - step);
      result = make_result (target, g_str_equal (location, "local") ? NULL : location, colon[1], h->now);
      lookout_alert_engine_process (h->engine, target, result);
    }
}

typedef struct
{
  const char         *name;
  const char         *locations;
  const char         *quorum;
  const char         *script;
  const char         *events;
  LookoutTargetState  state;
  const char         *error;     /* the target's live error afterwards */
} QuorumCase;

static const QuorumCase quorum_cases[] = {
  { "all-one-of-two-down", "paris,tokyo", "all", "paris:U tokyo:U paris:X",
    "degraded@3", LOOKOUT_TARGET_STATE_DEGRADED, "down from paris: Connection refused" },
  { "all-both-down", "paris,tokyo", "all", "paris:U tokyo:U paris:X tokyo:X",
    "degraded@3 down@4", LOOKOUT_TARGET_STATE_DOWN,
    "down from paris: Connection refused; down from tokyo: Connection refused" },
  { "all-recovers", "paris,tokyo", "all", "paris:X tokyo:X paris:U tokyo:U",
    "degraded@1 down@2 degraded@3 up@4/3", LOOKOUT_TARGET_STATE_UP, NULL },
  { "any-one-down-is-down", "local,paris", "any", "local:U paris:U paris:X",
    "down@3", LOOKOUT_TARGET_STATE_DOWN, "down from paris: Connection refused" },
  { "default-quorum-is-any", "local,paris", NULL, "local:U paris:X",
    "down@2", LOOKOUT_TARGET_STATE_DOWN, "down from paris: Connection refused" },
  { "two-of-three-one-down", "local,paris,tokyo", "2", "local:U paris:U tokyo:U tokyo:X",
    "degraded@4", LOOKOUT_TARGET_STATE_DEGRADED, "down from tokyo: Connection refused" },
  { "two-of-three-two-down", "local,paris,tokyo", "2", "local:U paris:U tokyo:U tokyo:X local:X",
    "degraded@4 down@5", LOOKOUT_TARGET_STATE_DOWN,
    "down from local: Connection refused; down from tokyo: Connection refused" },
  { "degraded-from-one-place", "paris,tokyo", "all", "paris:U tokyo:D",
    "degraded@2", LOOKOUT_TARGET_STATE_DEGRADED, "degraded from tokyo: HTTP status 503" },
  { "offline-is-unknown-and-one-event", "paris,tokyo", "all", "paris:U tokyo:U -paris",
    "agent-offline@3", LOOKOUT_TARGET_STATE_UP, "unknown from paris" },
  { "offline-does-not-count-down", "paris,tokyo", "2", "paris:X tokyo:U -paris",
    "degraded@1 agent-offline@3", LOOKOUT_TARGET_STATE_UP, "unknown from paris" },
  { "offline-then-back", "paris,tokyo", "all", "paris:U tokyo:U -paris +paris paris:U",
    "agent-offline@3 agent-online@4", LOOKOUT_TARGET_STATE_UP, NULL },
  { "offline-only-place-is-unknown", "paris", "any", "paris:U -paris",
    "agent-offline@2", LOOKOUT_TARGET_STATE_UNKNOWN, "unknown from paris" },
  { "all-counts-online-places", "paris,tokyo", "all", "paris:U tokyo:U -paris tokyo:X",
    "agent-offline@3 down@4", LOOKOUT_TARGET_STATE_DOWN,
    "unknown from paris; down from tokyo: Connection refused" },
  { "unlisted-place-changes-nothing", "local,paris", "all", "local:U paris:U rome:X",
    "", LOOKOUT_TARGET_STATE_UP, "Connection refused" },
  { "local-only-ignores-remote", NULL, NULL, "local:U paris:X",
    "", LOOKOUT_TARGET_STATE_UP, "Connection refused" },
  /* results alternating between places are not a flapping target */
  { "steady-not-flapping", "paris,tokyo", "all",
    "paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U "
    "paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U "
    "paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U paris:X tokyo:U",
    "degraded@1", LOOKOUT_TARGET_STATE_DEGRADED, "down from paris: Connection refused" },
};

static void
test_quorum_case (gconstpointer data)
{
  const QuorumCase *c = data;
  g_autoptr(LookoutTarget) target = make_placed_target (c->locations, c->quorum);
  g_autofree char *events = NULL;
  Harness h;

  harness_init (&h);
  feed_script (&h, target, c->script);

  events = events_summary (h.events, START_MS);
  g_assert_cmpstr (events, ==, c->events);
  g_assert_cmpint (lookout_alert_engine_get_state (h.engine, 7), ==, c->state);
  g_assert_cmpint (lookout_target_get_state (target), ==, c->state);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, c->error);

  harness_clear (&h);
}

/* The degraded event says where from, and the down event's outage starts
 * when the first place failed. */
static void
test_event_words (void)
{
  g_autoptr(LookoutTarget) target = make_placed_target ("paris,tokyo", "all");
  LookoutAlertEvent *degraded, *down;
  Harness h;

  harness_init (&h);
  feed_script (&h, target, "paris:U tokyo:U paris:X tokyo:X");
  g_assert_cmpuint (h.events->len, ==, 2);
  degraded = g_ptr_array_index (h.events, 0);
  down = g_ptr_array_index (h.events, 1);
  g_assert_cmpstr (degraded->message, ==, "shop is degraded: down from paris: Connection refused");
  g_assert_nonnull (strstr (down->message, "down from tokyo"));
  g_assert_cmpint (down->since_ms, ==, START_MS + 3 * STEP_MS);
  g_assert_cmpint (lookout_alert_engine_get_location_state (h.engine, 7, "paris"), ==,
                   LOOKOUT_TARGET_STATE_DOWN);
  harness_clear (&h);
}

/* An agent going offline is one event, however many targets it checks,
 * and not a down for any of them. */
static void
test_offline_one_event (void)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  Harness h;

  harness_init (&h);
  for (guint i = 0; i < 50; i++)
    {
      LookoutTarget *target = make_placed_target ("local,paris", "any");

      lookout_target_set_id (target, 100 + i);
      g_ptr_array_add (targets, target);
      feed_script (&h, target, "local:U paris:U");
    }
  g_assert_cmpuint (h.events->len, ==, 0);

  lookout_alert_engine_set_location_online (h.engine, "paris", FALSE);
  lookout_alert_engine_set_location_online (h.engine, "paris", FALSE);
  g_assert_cmpuint (h.events->len, ==, 1);
  g_assert_cmpint (((LookoutAlertEvent *) h.events->pdata[0])->kind, ==, LOOKOUT_ALERT_EVENT_AGENT_OFFLINE);
  g_assert_cmpint (((LookoutAlertEvent *) h.events->pdata[0])->target_id, ==, 0);
  g_assert_false (lookout_alert_engine_get_location_online (h.engine, "paris"));
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = targets->pdata[i];

      g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);
      g_assert_cmpstr (lookout_target_get_last_error (target), ==, "unknown from paris");
      g_assert_cmpint (lookout_alert_engine_get_location_state (h.engine, 100 + i, "paris"), ==,
                       LOOKOUT_TARGET_STATE_UNKNOWN);
    }
  harness_clear (&h);
}

static void
test_format_duration (void)
{
  static const struct { gint64 ms; const char *text; } cases[] = {
    { 0, "00:00:00" }, { 999, "00:00:00" }, { 61000, "00:01:01" },
    { 3723000, "01:02:03" }, { 49 * 3600000LL + 190000, "49:03:10" }, { -5, "00:00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lookout_format_duration (cases[i].ms);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* ---- maintenance windows ---- */

static gint64
local_ms (int year,
          int month,
          int day,
          int hour,
          int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt) * 1000;
}

/* Inside a window the outage is decided and recorded as usual but not
 * notified, and the record says why; after it, the same outage is. */
static void
test_maintenance (void)
{
  g_autoptr(LookoutTarget) target = make_target (7, "tcp://127.0.0.1:22", 1);
  Harness h;
  LookoutAlertEvent *event;

  harness_init (&h);
  /* Local time, as the engine reads it; 2026-01-04 is a Sunday. */
  lookout_target_set_options (target, "{\"maintenance\": \"every sunday 02:00-03:00\"}");

  h.now = local_ms (2026, 1, 4, 1, 50);
  feed (&h, target, 'U');
  h.now = local_ms (2026, 1, 4, 2, 10);
  feed (&h, target, 'X');
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_DOWN);
  h.now = local_ms (2026, 1, 4, 2, 40);
  feed (&h, target, 'U');

  g_assert_cmpuint (h.events->len, ==, 2);
  g_assert_cmpint (((LookoutAlertEvent *) g_ptr_array_index (h.events, 0))->kind, ==, LOOKOUT_ALERT_EVENT_DOWN);
  g_assert_cmpint (((LookoutAlertEvent *) g_ptr_array_index (h.events, 1))->kind, ==, LOOKOUT_ALERT_EVENT_UP);
  for (guint i = 0; i < h.events->len; i++)
    {
      event = g_ptr_array_index (h.events, i);
      g_assert_false (event->notify);
      g_assert_nonnull (strstr (event->message, "not notified: in a maintenance window"));
    }

  h.now = local_ms (2026, 1, 4, 3, 0);
  feed (&h, target, 'X');
  g_assert_cmpuint (h.events->len, ==, 3);
  event = g_ptr_array_index (h.events, 2);
  g_assert_cmpint (event->kind, ==, LOOKOUT_ALERT_EVENT_DOWN);
  g_assert_true (event->notify);
  g_assert_null (strstr (event->message, "maintenance"));

  harness_clear (&h);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (state_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/alert-engine/state/%s", state_cases[i].name);

      g_test_add_data_func (path, &state_cases[i], test_state_table);
    }
  g_test_add_func ("/alert-engine/messages", test_messages);
  g_test_add_func ("/alert-engine/maintenance", test_maintenance);
  g_test_add_func ("/alert-engine/flapping/percent", test_flap_percent);
  g_test_add_func ("/alert-engine/flapping/in-and-out", test_flapping_in_and_out);
  g_test_add_func ("/alert-engine/reminders/schedule", test_reminders);
  g_test_add_func ("/alert-engine/reminders/custom", test_reminders_custom);
  g_test_add_func ("/alert-engine/connectivity/all-fail", test_local_connectivity_all_fail);
  g_test_add_func ("/alert-engine/connectivity/one-fails", test_local_connectivity_one_fails);
  g_test_add_func ("/alert-engine/connectivity/answers", test_local_connectivity_answers);
  g_test_add_func ("/alert-engine/connectivity/network-monitor", test_local_connectivity_network_monitor);
  g_test_add_func ("/alert-engine/connectivity/default-link", test_local_connectivity_default_link);
  g_test_add_func ("/alert-engine/connectivity/link-watch", test_local_connectivity_link_watch);
  g_test_add_func ("/alert-engine/connectivity/this-machine", test_local_connectivity_this_machine);
  g_test_add_func ("/alert-engine/pause", test_pause);
  g_test_add_func ("/alert-engine/cert-warning", test_cert_warning);
  g_test_add_func ("/alert-engine/mute", test_mute);
  g_test_add_func ("/alert-engine/flaky-link", test_flaky_link);
  g_test_add_func ("/alert-engine/format-duration", test_format_duration);
  for (guint i = 0; i < G_N_ELEMENTS (quorum_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/alert-engine/quorum/%s", quorum_cases[i].name);

      g_test_add_data_func (path, &quorum_cases[i], test_quorum_case);
    }
  g_test_add_func ("/alert-engine/quorum/event-words", test_event_words);
  g_test_add_func ("/alert-engine/quorum/offline-one-event", test_offline_one_event);

  return g_test_run ();
}
