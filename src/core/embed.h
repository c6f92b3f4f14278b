/*
 * embed.h: files compiled into the binary (the migrations and policy/national.json).
 * The table ends with a zeroed row. Names are "migrations/0001_core.sql", "policy/national.json".
 */
#ifndef SJ_EMBED_H
#define SJ_EMBED_H
#include <stddef.h>
typedef struct {
    const char *name;
    const char *data;
    size_t len;
} embedded_file;
extern const embedded_file embedded_files[];
const embedded_file *embed_find(const char *name);
#endif
