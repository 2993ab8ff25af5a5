/* lookout-schedule-heap.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-schedule-heap"

#include "config.h"

#include "lookout-schedule-heap.h"

static inline guint *
item_index (LookoutScheduleHeap *heap,
            gpointer             item)
{
  return G_STRUCT_MEMBER_P (item, heap->index_offset);
}

static inline LookoutScheduleHeapSlot *
slot_at (LookoutScheduleHeap *heap,
         guint                i)
{
  return &g_array_index (heap->slots, LookoutScheduleHeapSlot, i);
}

static void
swap (LookoutScheduleHeap *heap,
      guint                a,
      guint                b)
{
  LookoutScheduleHeapSlot *sa = slot_at (heap, a);
  LookoutScheduleHeapSlot *sb = slot_at (heap, b);
  LookoutScheduleHeapSlot tmp = *sa;

  *sa = *sb;
  *sb = tmp;
  *item_index (heap, sa->item) = a;
  *item_index (heap, sb->item) = b;
}

static void
sift_up (LookoutScheduleHeap *heap,
         guint                i)
{
  while (i > 0)
    {
      guint parent = (i - 1) / 2;

      if (slot_at (heap, parent)->key <= slot_at (heap, i)->key)
        break;
      swap (heap, i, parent);
      i = parent;
    }
}

static void
sift_down (LookoutScheduleHeap *heap,
           guint                i)
{
  guint len = heap->slots->len;

  for (;;)
    {
      guint left = 2 * i + 1;
      guint right = left + 1;
      guint smallest = i;

      if (left < len && slot_at (heap, left)->key < slot_at (heap, smallest)->key)
        smallest = left;
      if (right < len && slot_at (heap, right)->key < slot_at (heap, smallest)->key)
        smallest = right;
      if (smallest == i)
        break;
      swap (heap, i, smallest);
      i = smallest;
    }
}

void
lookout_schedule_heap_init (LookoutScheduleHeap *heap,
                            gsize                index_offset)
{
  g_return_if_fail (heap != NULL);

  heap->slots = g_array_new (FALSE, FALSE, sizeof (LookoutScheduleHeapSlot));
  heap->index_offset = index_offset;
}

void
lookout_schedule_heap_clear (LookoutScheduleHeap *heap)
{
  g_return_if_fail (heap != NULL);

  g_clear_pointer (&heap->slots, g_array_unref);
}

void
lookout_schedule_heap_push (LookoutScheduleHeap *heap,
                            gpointer             item,
                            gint64               key)
{
  LookoutScheduleHeapSlot slot = { key, item };

  g_assert (*item_index (heap, item) == LOOKOUT_SCHEDULE_HEAP_NONE);

  g_array_append_val (heap->slots, slot);
  *item_index (heap, item) = heap->slots->len - 1;
  sift_up (heap, heap->slots->len - 1);
}

void
lookout_schedule_heap_remove (LookoutScheduleHeap *heap,
                              gpointer             item)
{
  guint i = *item_index (heap, item);
  guint last;

  if (i == LOOKOUT_SCHEDULE_HEAP_NONE)
    return;

  g_assert (i < heap->slots->len && slot_at (heap, i)->item == item);

  last = heap->slots->len - 1;
  if (i != last)
    swap (heap, i, last);
  g_array_set_size (heap->slots, last);
  *item_index (heap, item) = LOOKOUT_SCHEDULE_HEAP_NONE;

  if (i < last)
    {
      sift_down (heap, i);
      sift_up (heap, i);
    }
}

void
lookout_schedule_heap_set_top_key (LookoutScheduleHeap *heap,
                                   gint64               key)
{
  g_assert (heap->slots->len > 0);

  slot_at (heap, 0)->key = key;
  sift_down (heap, 0);
}
