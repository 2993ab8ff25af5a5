/* test-scheduler-parts.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The scheduler's two parts on their own: the heap of due items (against
 * a plain sort) and the wake-up timer source. */

#include "config.h"

#include "lookout-test.h"

#include "lookout-schedule-heap.h"
#include "lookout-fd-source.h"

typedef struct
{
  gint64 due;
  gint64 deadline;
  guint  due_index;
  guint  deadline_index;
} Item;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Empties @heap from the top: the keys come out in order, and each item
 * knows it left. Returns how many there were. */
static guint
drain_in_order (LookoutScheduleHeap *heap,
                gsize                key_offset,
                gsize                index_offset,
                GArray              *expected)
{
  guint n = 0;

  while (lookout_schedule_heap_top (heap) != NULL)
    {
      Item *item = lookout_schedule_heap_top (heap);
      gint64 key = lookout_schedule_heap_top_key (heap);

      g_assert_cmpint (key, ==, G_STRUCT_MEMBER (gint64, item, key_offset));
      g_assert_cmpint (key, ==, g_array_index (expected, gint64, n));
      g_assert_cmpuint (G_STRUCT_MEMBER (guint, item, index_offset), ==, 0);
      lookout_schedule_heap_remove (heap, item);
      g_assert_cmpuint (G_STRUCT_MEMBER (guint, item, index_offset), ==, LOOKOUT_SCHEDULE_HEAP_NONE);
      n++;
    }

  g_assert_cmpint (lookout_schedule_heap_top_key (heap), ==, G_MAXINT64);
  return n;
}

static void
test_heap (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  g_autoptr(GArray) due_keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) deadline_keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree Item *items = g_new0 (Item, 1000);
  LookoutScheduleHeap due, deadline;

  lookout_schedule_heap_init (&due, G_STRUCT_OFFSET (Item, due_index));
  lookout_schedule_heap_init (&deadline, G_STRUCT_OFFSET (Item, deadline_index));

  /* every item in both heaps, with unrelated keys (duplicates included) */
  for (guint i = 0; i < 1000; i++)
    {
      items[i].due_index = items[i].deadline_index = LOOKOUT_SCHEDULE_HEAP_NONE;
      items[i].due = g_rand_int_range (rand, 0, 500);
      items[i].deadline = g_rand_int_range (rand, -1000, 1000);
      lookout_schedule_heap_push (&due, &items[i], items[i].due);
      lookout_schedule_heap_push (&deadline, &items[i], items[i].deadline);
    }
  g_assert_cmpuint (lookout_schedule_heap_get_length (&due), ==, 1000);

  /* removed from the middle, and removed twice (the second does nothing) */
  for (guint i = 0; i < 1000; i += 3)
    {
      lookout_schedule_heap_remove (&due, &items[i]);
      lookout_schedule_heap_remove (&due, &items[i]);
    }

  /* the top planned again, later: as the scheduler does every round */
  for (guint i = 0; i < 300; i++)
    {
      Item *top = lookout_schedule_heap_top (&due);

      top->due += g_rand_int_range (rand, 0, 300);
      lookout_schedule_heap_set_top_key (&due, top->due);
    }

  for (guint i = 0; i < 1000; i++)
    {
      if (items[i].due_index != LOOKOUT_SCHEDULE_HEAP_NONE)
        g_array_append_val (due_keys, items[i].due);
      g_array_append_val (deadline_keys, items[i].deadline);
    }
  g_array_sort (due_keys, compare_gint64);
  g_array_sort (deadline_keys, compare_gint64);

  g_assert_cmpuint (drain_in_order (&due, G_STRUCT_OFFSET (Item, due),
                                    G_STRUCT_OFFSET (Item, due_index), due_keys),
                    ==, due_keys->len);
  g_assert_cmpuint (drain_in_order (&deadline, G_STRUCT_OFFSET (Item, deadline),
                                    G_STRUCT_OFFSET (Item, deadline_index), deadline_keys),
                    ==, 1000);

  lookout_schedule_heap_clear (&due);
  lookout_schedule_heap_clear (&deadline);
}

typedef struct
{
  guint  n_dispatched;
  gint64 dispatched_at;
} Wake;

static gboolean
woken_cb (gpointer user_data)
{
  Wake *wake = user_data;

  wake->n_dispatched++;
  wake->dispatched_at = g_get_monotonic_time ();

  return G_SOURCE_CONTINUE;
}

static GSource *
attach_timer (Wake *wake)
{
  GSource *source = lookout_fd_source_new ("[lookout] test timer");

  g_source_set_callback (source, woken_cb, wake, NULL);
  g_source_attach (source, NULL);

  return source;
}

static void
test_wake_time (void)
{
  Wake disarmed = { 0, }, later = { 0, };
  GSource *a = attach_timer (&disarmed);
  GSource *b = attach_timer (&later);
  gint64 ready;

  /* a is armed, then disarmed; b wakes after the moment a was armed for */
  lookout_fd_source_set_wake_time (a, g_get_monotonic_time () + 5000);
  lookout_fd_source_set_wake_time (a, -1);
  ready = g_get_monotonic_time () + 30000;
  lookout_fd_source_set_wake_time (b, ready);

  LOOKOUT_TEST_WAIT (later.n_dispatched > 0);
  g_assert_cmpint (later.dispatched_at, >=, ready);
  g_assert_cmpuint (later.n_dispatched, ==, 1);
  g_assert_cmpuint (disarmed.n_dispatched, ==, 0);

  /* a time already past wakes at once; the source stays attached for it */
  lookout_fd_source_set_wake_time (b, -1);
  ready = g_get_monotonic_time ();
  lookout_fd_source_set_wake_time (a, ready - 1000);
  LOOKOUT_TEST_WAIT (disarmed.n_dispatched > 0);
  g_assert_cmpint (disarmed.dispatched_at, >=, ready);
  lookout_fd_source_set_wake_time (a, -1);

  g_source_destroy (a);
  g_source_destroy (b);
  g_source_unref (a);
  g_source_unref (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scheduler-parts/heap", test_heap);
  g_test_add_func ("/scheduler-parts/wake-time", test_wake_time);
  return g_test_run ();
}
