/* tmp_dir.h — a test's scratch directory: removed with the files in it (one level deep, as
 * the storage back-ends leave them). */
#ifndef ARENA_TEST_TMP_DIR_H
#define ARENA_TEST_TMP_DIR_H

/* Removes the files in dir, then dir; quietly does nothing if it is not there. */
void tmp_dir_remove(const char *dir);

#endif
