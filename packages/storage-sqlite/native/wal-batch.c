/*
** wal-batch: a SQLite VFS shim that writes each WAL commit with one write() call.
**
** SQLite appends every frame of a commit to the WAL with two write calls (the 24-byte
** frame header, then the page), so a commit touching 8 pages costs 16 system calls.
** This shim wraps the default VFS and, for WAL files only, gathers frames that are
** appended one after the other in memory and writes them at once, as soon as the page
** of the commit frame (the frame whose header carries the database size) has been
** handed over, which is before SQLite publishes the commit in the WAL index. Every
** other file, and every other write to a WAL (rewritten checksums, overwritten frames),
** goes straight through. Pending bytes are written before any other operation on the
** file (read, sync, truncate, size, lock, file control, close), so nothing can observe
** the file without them, and when the connection releases the WAL write lock (through
** its database file), so frames a rolled-back transaction spilled are in the file before
** another writer may append at the same place, as they would be without the shim. What reaches the file, and in which order relative to the WAL
** index, is what SQLite alone would have written; only the number of calls changes.
**
** Loaded into better-sqlite3 with loadExtension(); it registers itself as the default
** VFS, so connections opened afterwards (in any thread of the process) use it.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <stdlib.h>
#include <string.h>

/*
** Pending bytes are written once they reach this size (a transaction that large gains
** nothing more from batching), in calls of at most WRITE_MAX bytes: the unix VFS masks a
** write's length with 0x1ffff, so one call must stay under 128 KiB.
*/
#define BATCH_MAX (64 * 1024)
#define WRITE_MAX (64 * 1024)

typedef struct BatchFile BatchFile;
struct BatchFile {
  sqlite3_file base;     /* pMethods: batchIo */
  sqlite3_file *pReal;   /* the file of the wrapped VFS, right after this struct */
  BatchFile *pPeer;      /* a WAL's database file, and a database file's open WAL */
  int isWal;
  int flushAfterNext;    /* the commit frame's header is pending: write after its page */
  unsigned char *buf;    /* pending bytes, for offset bufOff */
  int bufLen, bufCap;
  sqlite3_int64 bufOff;
  sqlite3_int64 hiWater; /* end of what this handle appended since the WAL header */
};

static sqlite3_vfs *pOrig = 0;
static sqlite3_vfs batchVfs;
static sqlite3_io_methods batchIo;

/* Process-wide counters, for tests: writes handed to the shim, and writes it made. */
static sqlite3_int64 nWalWrites = 0, nWalCalls = 0, nWalRewrites = 0;

#define REAL(p) (((BatchFile *)(p))->pReal)

static int batchFlush(BatchFile *p) {
  int rc = SQLITE_OK;
  int done = 0;
  while (rc == SQLITE_OK && done < p->bufLen) {
    int n = p->bufLen - done < WRITE_MAX ? p->bufLen - done : WRITE_MAX;
    rc = p->pReal->pMethods->xWrite(p->pReal, p->buf + done, n, p->bufOff + done);
    nWalCalls++;
    done += n;
  }
  if (p->bufOff + p->bufLen > p->hiWater) p->hiWater = p->bufOff + p->bufLen;
  p->bufLen = 0;
  p->flushAfterNext = 0;
  return rc;
}

static int batchAppend(BatchFile *p, const void *z, int n, sqlite3_int64 off) {
  if (p->bufLen == 0) p->bufOff = off;
  if (p->bufLen + n > p->bufCap) {
    int cap = p->bufCap ? p->bufCap : 64 * 1024;
    unsigned char *b;
    while (cap < p->bufLen + n) cap *= 2;
    b = (unsigned char *)realloc(p->buf, cap);
    if (!b) return SQLITE_NOMEM;
    p->buf = b;
    p->bufCap = cap;
  }
  memcpy(p->buf + p->bufLen, z, n);
  p->bufLen += n;
  return SQLITE_OK;
}

static int batchWrite(sqlite3_file *f, const void *z, int n, sqlite3_int64 off) {
  BatchFile *p = (BatchFile *)f;
  int rc;
  if (!p->isWal) return p->pReal->pMethods->xWrite(p->pReal, z, n, off);
  nWalWrites++;
  if (p->bufLen > 0 && off != p->bufOff + p->bufLen) {
    rc = batchFlush(p);
    if (rc != SQLITE_OK) return rc;
  }
  if (p->bufLen == 0) {
    if (off == 0 && n == 32) {
      p->hiWater = 0; /* a new WAL header: the log starts again */
    } else if (!(n == 24 && off >= p->hiWater)) {
      /* Not the start of a new frame: a rewrite of frames already written. */
      nWalCalls++;
      nWalRewrites++;
      rc = p->pReal->pMethods->xWrite(p->pReal, z, n, off);
      if (off + n > p->hiWater) p->hiWater = off + n;
      return rc;
    }
  }
  if (n > BATCH_MAX) {
    rc = batchFlush(p);
    if (rc == SQLITE_OK) rc = p->pReal->pMethods->xWrite(p->pReal, z, n, off);
    nWalCalls++;
    if (off + n > p->hiWater) p->hiWater = off + n;
    return rc;
  }
  rc = batchAppend(p, z, n, off);
  if (rc != SQLITE_OK) {
    /* No memory to keep it: write what is pending, then this, directly. */
    rc = batchFlush(p);
    if (rc == SQLITE_OK) rc = p->pReal->pMethods->xWrite(p->pReal, z, n, off);
    nWalCalls++;
    return rc;
  }
  if (p->flushAfterNext) return batchFlush(p); /* the commit frame is complete */
  if (n == 24) {
    /* A frame header: bytes 4-7 hold the database size after commit, 0 on other frames. */
    const unsigned char *h = (const unsigned char *)z;
    if (h[4] | h[5] | h[6] | h[7]) p->flushAfterNext = 1;
  }
  if (p->bufLen >= BATCH_MAX) return batchFlush(p);
  return SQLITE_OK;
}

/* Every other operation first writes what is pending, so it sees the file as SQLite wrote it. */
#define FLUSHED(p)                            \
  do {                                        \
    if (((BatchFile *)(p))->bufLen > 0) {     \
      int rc0 = batchFlush((BatchFile *)(p)); \
      if (rc0 != SQLITE_OK) return rc0;       \
    }                                         \
  } while (0)

static int batchClose(sqlite3_file *f) {
  BatchFile *p = (BatchFile *)f;
  int rc = batchFlush(p);
  if (p->pPeer && p->pPeer->pPeer == p) p->pPeer->pPeer = 0;
  p->pPeer = 0;
  int rc2 = p->pReal->pMethods->xClose(p->pReal);
  free(p->buf);
  p->buf = 0;
  p->bufCap = 0;
  return rc != SQLITE_OK ? rc : rc2;
}
static int batchRead(sqlite3_file *f, void *z, int n, sqlite3_int64 off) {
  FLUSHED(f);
  return REAL(f)->pMethods->xRead(REAL(f), z, n, off);
}
static int batchTruncate(sqlite3_file *f, sqlite3_int64 size) {
  BatchFile *p = (BatchFile *)f;
  FLUSHED(f);
  if (p->hiWater > size) p->hiWater = size;
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int batchSync(sqlite3_file *f, int flags) {
  FLUSHED(f);
  return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int batchFileSize(sqlite3_file *f, sqlite3_int64 *pSize) {
  FLUSHED(f);
  return REAL(f)->pMethods->xFileSize(REAL(f), pSize);
}
static int batchLock(sqlite3_file *f, int lock) {
  FLUSHED(f);
  return REAL(f)->pMethods->xLock(REAL(f), lock);
}
static int batchUnlock(sqlite3_file *f, int lock) {
  FLUSHED(f);
  return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}
static int batchCheckReservedLock(sqlite3_file *f, int *pOut) {
  FLUSHED(f);
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), pOut);
}
static int batchFileControl(sqlite3_file *f, int op, void *arg) {
  FLUSHED(f);
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int batchSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int batchDeviceCharacteristics(sqlite3_file *f) {
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int batchShmMap(sqlite3_file *f, int i, int sz, int ext, void volatile **pp) {
  return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, pp);
}
static int batchShmLock(sqlite3_file *f, int offset, int n, int flags) {
  BatchFile *wal = ((BatchFile *)f)->pPeer;
  /*
  ** Releasing the WAL write lock (lock 0, exclusive) ends a write transaction. One that
  ** rolled back may leave frames it spilled in the buffer; SQLite alone would have written
  ** them already, and the next writer overwrites them. Write them now, before another
  ** writer can append (and publish) frames at the same place.
  */
  if (wal && wal->bufLen > 0 && offset == 0 && n == 1 && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE)) {
    int rc = batchFlush(wal);
    if (rc != SQLITE_OK) return rc;
  }
  return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void batchShmBarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int batchShmUnmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int batchFetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp) {
  FLUSHED(f);
  return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int batchUnfetch(sqlite3_file *f, sqlite3_int64 off, void *p) {
  return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int batchOpen(sqlite3_vfs *vfs, const char *zName, sqlite3_file *f, int flags, int *pOutFlags) {
  BatchFile *p = (BatchFile *)f;
  int rc;
  (void)vfs;
  memset(p, 0, sizeof(*p));
  p->pReal = (sqlite3_file *)&p[1];
  rc = pOrig->xOpen(pOrig, zName, p->pReal, flags, pOutFlags);
  if (p->pReal->pMethods) {
    const sqlite3_io_methods *m = p->pReal->pMethods;
    /* Shared-memory and mmap methods exist from versions 2 and 3: keep what the real file offers. */
    static sqlite3_io_methods io1, io2;
    if (m->iVersion >= 3) p->base.pMethods = &batchIo;
    else if (m->iVersion == 2) { io2 = batchIo; io2.iVersion = 2; p->base.pMethods = &io2; }
    else { io1 = batchIo; io1.iVersion = 1; p->base.pMethods = &io1; }
    p->isWal = (flags & SQLITE_OPEN_WAL) != 0;
    if (p->isWal && zName) {
      /* The database file of this WAL, opened through this VFS too: it sees the write lock. */
      BatchFile *db = (BatchFile *)sqlite3_database_file_object(zName);
      if (db && db->base.pMethods && db->base.pMethods->xShmLock == batchShmLock) {
        p->pPeer = db;
        db->pPeer = p;
      }
    }
  } else {
    p->base.pMethods = 0;
  }
  return rc;
}

static int vDelete(sqlite3_vfs *v, const char *z, int sync) { (void)v; return pOrig->xDelete(pOrig, z, sync); }
static int vAccess(sqlite3_vfs *v, const char *z, int flags, int *pOut) { (void)v; return pOrig->xAccess(pOrig, z, flags, pOut); }
static int vFullPathname(sqlite3_vfs *v, const char *z, int n, char *out) { (void)v; return pOrig->xFullPathname(pOrig, z, n, out); }
static void *vDlOpen(sqlite3_vfs *v, const char *z) { (void)v; return pOrig->xDlOpen(pOrig, z); }
static void vDlError(sqlite3_vfs *v, int n, char *z) { (void)v; pOrig->xDlError(pOrig, n, z); }
static void (*vDlSym(sqlite3_vfs *v, void *h, const char *z))(void) { (void)v; return pOrig->xDlSym(pOrig, h, z); }
static void vDlClose(sqlite3_vfs *v, void *h) { (void)v; pOrig->xDlClose(pOrig, h); }
static int vRandomness(sqlite3_vfs *v, int n, char *z) { (void)v; return pOrig->xRandomness(pOrig, n, z); }
static int vSleep(sqlite3_vfs *v, int us) { (void)v; return pOrig->xSleep(pOrig, us); }
static int vCurrentTime(sqlite3_vfs *v, double *t) { (void)v; return pOrig->xCurrentTime(pOrig, t); }
static int vGetLastError(sqlite3_vfs *v, int n, char *z) { (void)v; return pOrig->xGetLastError ? pOrig->xGetLastError(pOrig, n, z) : 0; }
static int vCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return pOrig->xCurrentTimeInt64(pOrig, t); }
static int vSetSystemCall(sqlite3_vfs *v, const char *z, sqlite3_syscall_ptr f) { (void)v; return pOrig->xSetSystemCall(pOrig, z, f); }
static sqlite3_syscall_ptr vGetSystemCall(sqlite3_vfs *v, const char *z) { (void)v; return pOrig->xGetSystemCall(pOrig, z); }
static const char *vNextSystemCall(sqlite3_vfs *v, const char *z) { (void)v; return pOrig->xNextSystemCall(pOrig, z); }

/* SELECT galley_wal_batch(): '<writes handed over> <writes made> <of which rewrites>' for WAL files. */
static void statsFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  char out[64];
  (void)argc;
  (void)argv;
  sqlite3_snprintf(sizeof out, out, "%lld %lld %lld", nWalWrites, nWalCalls, nWalRewrites);
  sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int galleyBusyWaitRegister(sqlite3 *db); /* busy-wait.c */

/* Run for every connection opened after the extension loaded: its SQL functions. */
static int addFunctions(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  int rc;
  (void)err;
  (void)api;
  rc = sqlite3_create_function(db, "galley_wal_batch", 0, SQLITE_UTF8, 0, statsFunc, 0, 0);
  if (rc == SQLITE_OK) rc = galleyBusyWaitRegister(db);
  return rc;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_walbatch_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  int rc;
  SQLITE_EXTENSION_INIT2(pApi);
  (void)pzErrMsg;
  sqlite3_mutex *mutex = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_APP1) /* not MAIN: vfs_register takes that one */;
  sqlite3_mutex_enter(mutex);
  if (pOrig == 0) {
    sqlite3_vfs *dflt = sqlite3_vfs_find(0);
    if (dflt == 0 || dflt == &batchVfs || dflt->iVersion < 3) {
      sqlite3_mutex_leave(mutex);
      return SQLITE_ERROR;
    }
    pOrig = dflt;
    batchVfs = *pOrig;
    batchVfs.zName = "galley-wal-batch";
    batchVfs.pNext = 0;
    batchVfs.szOsFile = (int)sizeof(BatchFile) + pOrig->szOsFile;
    batchVfs.xOpen = batchOpen;
    batchVfs.xDelete = vDelete;
    batchVfs.xAccess = vAccess;
    batchVfs.xFullPathname = vFullPathname;
    batchVfs.xDlOpen = vDlOpen;
    batchVfs.xDlError = vDlError;
    batchVfs.xDlSym = vDlSym;
    batchVfs.xDlClose = vDlClose;
    batchVfs.xRandomness = vRandomness;
    batchVfs.xSleep = vSleep;
    batchVfs.xCurrentTime = vCurrentTime;
    batchVfs.xGetLastError = vGetLastError;
    batchVfs.xCurrentTimeInt64 = vCurrentTimeInt64;
    batchVfs.xSetSystemCall = vSetSystemCall;
    batchVfs.xGetSystemCall = vGetSystemCall;
    batchVfs.xNextSystemCall = vNextSystemCall;
    batchVfs.pAppData = 0;
    batchIo.iVersion = 3;
    batchIo.xClose = batchClose;
    batchIo.xRead = batchRead;
    batchIo.xWrite = batchWrite;
    batchIo.xTruncate = batchTruncate;
    batchIo.xSync = batchSync;
    batchIo.xFileSize = batchFileSize;
    batchIo.xLock = batchLock;
    batchIo.xUnlock = batchUnlock;
    batchIo.xCheckReservedLock = batchCheckReservedLock;
    batchIo.xFileControl = batchFileControl;
    batchIo.xSectorSize = batchSectorSize;
    batchIo.xDeviceCharacteristics = batchDeviceCharacteristics;
    batchIo.xShmMap = batchShmMap;
    batchIo.xShmLock = batchShmLock;
    batchIo.xShmBarrier = batchShmBarrier;
    batchIo.xShmUnmap = batchShmUnmap;
    batchIo.xFetch = batchFetch;
    batchIo.xUnfetch = batchUnfetch;
    rc = sqlite3_vfs_register(&batchVfs, 1);
    if (rc == SQLITE_OK) rc = sqlite3_auto_extension((void (*)(void))addFunctions);
    if (rc != SQLITE_OK) {
      sqlite3_mutex_leave(mutex);
      return rc;
    }
  }
  sqlite3_mutex_leave(mutex);
  rc = addFunctions(db, 0, pApi);
  return rc == SQLITE_OK ? SQLITE_OK_LOAD_PERMANENTLY : rc;
}
