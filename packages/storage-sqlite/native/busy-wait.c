/*
** busy-wait: a busy handler that notices a released lock within about 50 µs.
**
** SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between
** tries, so a writer held up for 4 ms (say, by the checkpoint worker restarting the WAL)
** comes back after 8 ms, one held up for 11 ms after 18 ms. This handler tries again every
** 50 µs during the first 2 ms, every 250 µs up to 50 ms, then every 2 ms, and gives up
** after the same total time as busy_timeout: real time, measured, not summed from its own
** sleeps (a signal that cuts a sleep short then cannot shorten the timeout).
**
** SELECT galley_busy_timeout(ms) installs it on the calling connection, in place of
** busy_timeout (and is replaced by a later PRAGMA busy_timeout or sqlite3_busy_timeout).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <time.h>

typedef struct BusyWait BusyWait;
struct BusyWait {
  sqlite3_int64 timeoutNs;
  sqlite3_int64 startNs; /* when the current wait began */
  sqlite3_int64 lastNs;  /* the handler's previous call */
};

static sqlite3_int64 monotonicNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (sqlite3_int64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int busyWait(void *arg, int count) {
  BusyWait *w = (BusyWait *)arg;
  sqlite3_int64 now = monotonicNs();
  sqlite3_int64 waited;
  struct timespec pause;
  /* A new wait: SQLite counts from 0 for each, except across a statement's prepare; a call
  ** long after the previous one (we never pause more than 2 ms) cannot continue a wait. */
  if (count == 0 || now - w->lastNs > 100000000LL) w->startNs = now;
  w->lastNs = now;
  waited = now - w->startNs;
  if (waited >= w->timeoutNs) return 0;
  pause.tv_sec = 0;
  pause.tv_nsec = waited < 2000000LL ? 50000L : waited < 50000000LL ? 250000L : 2000000L;
  nanosleep(&pause, 0);
  return 1;
}

static void busyTimeoutFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 ms;
  BusyWait *w;
  (void)argc;
  /* Whole numbers only (a JavaScript number arrives as a REAL); capped at what
  ** sqlite3_busy_timeout takes, so the nanoseconds below cannot overflow. */
  if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
    ms = sqlite3_value_int64(argv[0]);
  } else if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT) {
    double v = sqlite3_value_double(argv[0]);
    if (!(v == (double)(sqlite3_int64)v) && !(v > 2147483647.0)) {
      sqlite3_result_error(ctx, "galley_busy_timeout(ms): ms must be a whole number of milliseconds", -1);
      return;
    }
    ms = v > 2147483647.0 ? 2147483647 : (sqlite3_int64)v;
  } else {
    sqlite3_result_error(ctx, "galley_busy_timeout(ms): ms must be a whole number of milliseconds", -1);
    return;
  }
  if (ms > 2147483647) ms = 2147483647;
  if (ms <= 0) {
    sqlite3_busy_handler(db, 0, 0);
    sqlite3_result_int64(ctx, 0);
    return;
  }
  w = (BusyWait *)sqlite3_malloc(sizeof(BusyWait));
  if (!w) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  w->timeoutNs = ms * 1000000LL;
  w->startNs = 0;
  w->lastNs = 0;
  /* Owned by the connection: freed when it closes or when this is called again. On
  ** failure SQLite has already called the destructor on w. */
  if (sqlite3_set_clientdata(db, "galley_busy_wait", w, sqlite3_free) != SQLITE_OK) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_busy_handler(db, busyWait, w);
  sqlite3_result_int64(ctx, ms);
}

/* Called for every connection opened after the extension loaded (see wal-batch.c). */
int galleyBusyWaitRegister(sqlite3 *db) {
  return sqlite3_create_function(db, "galley_busy_timeout", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0, busyTimeoutFunc, 0, 0);
}
