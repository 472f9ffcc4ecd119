#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type CSQLite_transient(void) { return SQLITE_TRANSIENT; }

// Extended result codes are macros built from expressions, which Swift does not import.
static const int CSQLite_CONSTRAINT_CHECK = SQLITE_CONSTRAINT_CHECK;
static const int CSQLite_CONSTRAINT_TRIGGER = SQLITE_CONSTRAINT_TRIGGER;
static const int CSQLite_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT_UNIQUE;
static const int CSQLite_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT_PRIMARYKEY;
static const int CSQLite_CONSTRAINT_FOREIGNKEY = SQLITE_CONSTRAINT_FOREIGNKEY;
static const int CSQLite_CONSTRAINT_NOTNULL = SQLITE_CONSTRAINT_NOTNULL;
static const int CSQLite_CONSTRAINT_DATATYPE = SQLITE_CONSTRAINT_DATATYPE;

// Turns SQLite's memory statistics off. With them on (the default), every allocation takes one
// process-wide mutex, which the pool threads and the writer contended for (seen in `perf` as
// futex waits under sqlite3_malloc). Only takes effect before SQLite initialises, that is before
// the process opens its first connection; later it returns SQLITE_MISUSE and changes nothing.
static inline int CSQLite_disableMemoryStatistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

// The file of a connection's write-ahead log (its rollback journal outside WAL mode), or NULL when
// that file is not open: SQLite's file object, valid while the connection stays open in WAL mode.
static inline sqlite3_file *CSQLite_journalFile(sqlite3 *db) {
    sqlite3_file *file = 0;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) != SQLITE_OK) return 0;
    return file && file->pMethods ? file : 0;
}

// Flushes `file` to the disk through SQLite's own VFS: fdatasync(2) with the unix VFS, as a commit
// with synchronous=FULL does.
static inline int CSQLite_syncFile(sqlite3_file *file) {
    return file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
}

#endif
