/* lookout-schedule-heap.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A binary min-heap of items ordered by a gint64 key (a monotonic time in
 * the scheduler: the next planned start, or a check's cut-off). Each item
 * keeps its own position in the heap (a guint at index_offset inside it,
 * LOOKOUT_SCHEDULE_HEAP_NONE when not in it), so removing or re-keying an
 * item costs O(log n) without a search; one item can sit in several heaps
 * with a position field for each. The key is kept next to the item pointer,
 * so that sifting through 10,000 items does not chase pointers. */

#define LOOKOUT_SCHEDULE_HEAP_NONE G_MAXUINT

typedef struct
{
  gint64    key;
  gpointer  item;
} LookoutScheduleHeapSlot;

typedef struct
{
  GArray   *slots;          /* LookoutScheduleHeapSlot */
  gsize     index_offset;
} LookoutScheduleHeap;

void     lookout_schedule_heap_init        (LookoutScheduleHeap *heap,
                                            gsize                index_offset);
void     lookout_schedule_heap_clear       (LookoutScheduleHeap *heap);

void     lookout_schedule_heap_push        (LookoutScheduleHeap *heap,
                                            gpointer             item,
                                            gint64               key);
/* Does nothing for an item that is not in the heap. */
void     lookout_schedule_heap_remove      (LookoutScheduleHeap *heap,
                                            gpointer             item);
/* Gives the top item a new key (a later one, as a rule) and sifts it down. */
void     lookout_schedule_heap_set_top_key (LookoutScheduleHeap *heap,
                                            gint64               key);

static inline guint
lookout_schedule_heap_get_length (LookoutScheduleHeap *heap)
{
  return heap->slots->len;
}

/* NULL when empty */
static inline gpointer
lookout_schedule_heap_top (LookoutScheduleHeap *heap)
{
  return heap->slots->len > 0
         ? g_array_index (heap->slots, LookoutScheduleHeapSlot, 0).item
         : NULL;
}

/* G_MAXINT64 when empty */
static inline gint64
lookout_schedule_heap_top_key (LookoutScheduleHeap *heap)
{
  return heap->slots->len > 0
         ? g_array_index (heap->slots, LookoutScheduleHeapSlot, 0).key
         : G_MAXINT64;
}

G_END_DECLS
