/*
** revcache.c: revision files as parsed by an earlier run, kept in
** <revisions>/.retort-cache/index so that a command on a long chain reads
** one file instead of a thousand and does not split and hash them again.
**
** An entry is used only while its file's size, inode, mtime and ctime are
** the ones it was parsed with (ctime cannot be set back, so an edit that
** restores the mtime is still seen), and only when both times are before
** the index was written: a file changed within the same clock tick as the
** write could otherwise keep its old times (git's "racily clean" entries).
**
** The index is native-endian binary ending in a checksum of the rest,
** written whole to a temporary file and renamed over the old one. Anything
** unexpected in it (another format or version, a wrong checksum, a short
** record) makes the whole index unused; not being able to write it is not
** an error. Deleting it is always safe.
**
** The folder is the project's own or it is not used at all: a real
** directory (not a symbolic link, which a checkout could carry to make any
** command overwrite `.git/index`), owned by the user running retort and not
** writable by everyone; every file in it is opened relative to it without
** following links. Otherwise the revisions are read as if there were no
** cache, and nothing is written there.
**
** The index is mapped, and the revisions taken from it point into the
** mapping (strings are stored with their NUL) instead of being copied out.
** A rename leaves the mapping on the old file; only truncating the index in
** place under a running retort could fault it, as with git's mapped index.
*/
#include "revision.h"
#include "buf.h"
#include "error.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_DIR ".retort-cache"
#define CACHE_FILE "index"
/* Bump when retort_revfile_parse() would give a different result for the same
** text, so that no index written before is read as current. */
#define CACHE_FORMAT 3
#define CACHE_MAGIC "retort revision cache\n"
#define ENDIAN_TAG 0x01020304u
#define NO_STRING UINT32_MAX

typedef struct revkey {
	int64_t size, ino, mtime_s, mtime_ns, ctime_s, ctime_ns;
} revkey;

typedef struct cached {
	const char *name;
	const char *record; /* its key and revision, at `name`'s end */
	const char *end;    /* the end of the record */
} cached;

typedef struct fresh {
	const char *name; /* the file's name: the end of rev->path */
	revkey key;
	const retort_revision *rev;
} fresh;

struct revcache {
	const char *data;         /* the index, mapped */
	size_t data_len;
	cached *entries;          /* sorted by name, as written */
	size_t n_entries;
	struct timespec written;  /* the index's mtime */
	fresh *seen;              /* every file of this run, in name order, for the next index */
	size_t n_seen, cap_seen;
	int changed;              /* something was parsed again or went away */
	int dir_fd;               /* .retort-cache, when it is there and ours; else -1 */
	int refused;              /* it is there but not ours: no cache this run */
};

static void key_of(revkey *k, const struct stat *st)
{
	k->size = (int64_t)st->st_size;
	k->ino = (int64_t)st->st_ino;
	k->mtime_s = (int64_t)st->st_mtim.tv_sec;
	k->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	k->ctime_s = (int64_t)st->st_ctim.tv_sec;
	k->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
}

static int same_key(const revkey *a, const revkey *b)
{
	return a->size == b->size && a->ino == b->ino && a->mtime_s == b->mtime_s &&
		a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

static int not_before(int64_t s, int64_t ns, const struct timespec *t)
{
	return s > (int64_t)t->tv_sec || (s == (int64_t)t->tv_sec && ns >= (int64_t)t->tv_nsec);
}

/*
** FNV-1a over 8-byte words: fast enough not to show next to reading the
** index, and any one damaged word changes it (each step is a bijection).
** It guards against a torn or damaged file, not against an adversary.
*/
static uint64_t checksum(const char *p, size_t n)
{
	const uint64_t prime = 0x100000001b3u;
	uint64_t h = 0xcbf29ce484222325u, w;

	for (; n >= sizeof(w); p += sizeof(w), n -= sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * prime;
	}
	for (; n > 0; p++, n--)
		h = (h ^ (unsigned char)*p) * prime;
	return h;
}

/* ---- reading: a cursor that turns `bad` on at the first short field ---- */

typedef struct reader {
	const char *p, *end;
	int bad;
} reader;

static void get_raw(reader *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint32_t get_u32(reader *r)
{
	uint32_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

static int32_t get_i32(reader *r)
{
	int32_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

/* A string in place (NUL-terminated in the index), NULL for an absent one. */
static const char *get_str(reader *r)
{
	uint32_t len = get_u32(r);
	const char *s = r->p;

	if (r->bad || len == NO_STRING)
		return NULL;
	if ((size_t)(r->end - r->p) <= len || s[len] != '\0') {
		r->bad = 1;
		return NULL;
	}
	r->p += (size_t)len + 1;
	return s;
}

/* A string that must be there (bad when absent). The revision's fields are
** not const because parsed ones are malloc'd; these are never written. */
static char *need_str(reader *r)
{
	const char *s = get_str(r);

	if (!s)
		r->bad = 1;
	return (char *)s;
}

/* A count of records that each take at least `min_size` bytes, checked
** against what is left before anything is allocated for them. */
static size_t get_count(reader *r, size_t min_size)
{
	uint32_t n = get_u32(r);

	if ((size_t)(r->end - r->p) / min_size < n)
		r->bad = 1;
	return r->bad ? 0 : n;
}

static void read_section(reader *r, rev_section *s)
{
	size_t i;

	s->text = need_str(r);
	s->line = get_i32(r);
	get_raw(r, s->sha256, 64);
	s->sha256[64] = '\0';
	s->n_stmts = get_count(r, 2 * sizeof(uint32_t) + 1);
	if (!s->n_stmts)
		return;
	if (!(s->stmts = calloc(s->n_stmts, sizeof(*s->stmts)))) {
		s->n_stmts = 0;
		r->bad = 1;
		return;
	}
	for (i = 0; i < s->n_stmts; i++) {
		s->stmts[i].sql = need_str(r);
		s->stmts[i].line = get_i32(r);
	}
}

/* The revision of a record whose key has been read; NULL when it is damaged. */
static retort_revision *read_revision(reader *r, const char *path)
{
	retort_revision *rev = calloc(1, sizeof(*rev));
	const char *id;
	size_t i;
	int dir;

	if (!rev)
		return NULL;
	rev->from_cache = 1;
	id = get_str(r);
	if (id && retort_revfile_is_id(id, strlen(id)))
		memcpy(rev->id, id, sizeof(rev->id));
	else
		r->bad = 1;
	rev->n_parents = get_count(r, sizeof(uint32_t) + 13);
	if (rev->n_parents && !(rev->parent_ids = calloc(rev->n_parents, sizeof(*rev->parent_ids)))) {
		rev->n_parents = 0;
		r->bad = 1;
	}
	for (i = 0; i < rev->n_parents; i++)
		rev->parent_ids[i] = need_str(r);
	rev->parent_line = get_i32(r);
	rev->message = need_str(r);
	rev->renames = (char *)get_str(r);
	rev->created = need_str(r);
	rev->author = (char *)get_str(r);
	rev->commit = (char *)get_str(r);
	for (dir = 0; dir < 2; dir++)
		read_section(r, &rev->section[dir]);
	if (!r->bad && !(rev->path = retort_xstrdup(path)))
		r->bad = 1;
	if (r->bad) {
		retort_revfile_free(rev);
		return NULL;
	}
	return rev;
}

/* Index every record by name; 0 when the index is not one to use. */
static int index_records(revcache *c)
{
	reader r = { c->data, c->data + c->data_len, 0 };
	char magic[sizeof(CACHE_MAGIC) - 1];
	const char *version;
	uint64_t sum;
	size_t i;

	if (c->data_len < sizeof(sum))
		return 0;
	r.end -= sizeof(sum);
	memcpy(&sum, r.end, sizeof(sum));
	if (sum != checksum(c->data, c->data_len - sizeof(sum)))
		return 0;

	get_raw(&r, magic, sizeof(magic));
	if (r.bad || memcmp(magic, CACHE_MAGIC, sizeof(magic)) != 0 || get_u32(&r) != CACHE_FORMAT ||
	    get_u32(&r) != ENDIAN_TAG || !(version = get_str(&r)) || strcmp(version, RETORT_VERSION) != 0)
		return 0;
	c->n_entries = get_count(&r, 2 * sizeof(uint32_t) + 1);
	if (c->n_entries && !(c->entries = calloc(c->n_entries, sizeof(*c->entries))))
		return 0;
	for (i = 0; i < c->n_entries && !r.bad; i++) {
		uint32_t len;
		c->entries[i].name = get_str(&r);
		len = get_u32(&r);
		c->entries[i].record = r.p;
		if ((size_t)(r.end - r.p) < len)
			r.bad = 1;
		else
			r.p += len;
		c->entries[i].end = r.p;
		if (!c->entries[i].name || (i > 0 && strcmp(c->entries[i - 1].name, c->entries[i].name) >= 0))
			r.bad = 1;
	}
	return !r.bad && r.p == r.end;
}

/* Is this file or folder the user's own, and writable by no one else than
** its group? (A group-shared checkout, umask 002, makes folders 0775.) */
static int is_ours(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & S_IWOTH);
}

/* Open the cache folder `c` keeps: -1 when there is none (ENOENT) or it
** cannot be opened, and `refused` when something is there that is not a
** folder of ours (a link, a file, another user's). */
static void open_dir(revcache *c, const char *path)
{
	struct stat st;

	c->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dir_fd < 0) {
		c->refused = errno != ENOENT;
		return;
	}
	if (fstat(c->dir_fd, &st) != 0 || !is_ours(&st)) {
		close(c->dir_fd);
		c->dir_fd = -1;
		c->refused = 1;
	}
}

revcache *retort_revcache_open(const char *dir)
{
	revcache *c = calloc(1, sizeof(*c));
	char *path;
	struct stat st;
	int fd = -1;

	if (!c)
		return NULL;
	c->dir_fd = -1;
	c->changed = 1; /* until a good index is read: write one */
	path = retort_path_join(dir, CACHE_DIR);
	if (path)
		open_dir(c, path);
	else
		c->refused = 1;
	free(path);
	/* O_NONBLOCK: a FIFO named index must not hang the open */
	if (c->dir_fd >= 0)
		fd = openat(c->dir_fd, CACHE_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return c;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && is_ours(&st) && st.st_size > 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			c->data = map;
			c->data_len = (size_t)st.st_size;
			c->written = st.st_mtim;
		}
	}
	close(fd);
	if (c->data && index_records(c)) {
		c->changed = 0;
	} else {
		free(c->entries);
		c->entries = NULL;
		c->n_entries = 0;
	}
	return c;
}

static const cached *find(const revcache *c, const char *name)
{
	size_t lo = 0, hi = c->n_entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->entries[mid].name, name);
		if (cmp == 0)
			return &c->entries[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

retort_revision *retort_revcache_get(revcache *c, const char *name, const char *path,
	const struct stat *st)
{
	const cached *e = c ? find(c, name) : NULL;
	revkey want, have;
	reader r;

	if (!e)
		return NULL;
	r = (reader){ e->record, e->end, 0 };
	key_of(&want, st);
	get_raw(&r, &have, sizeof(have));
	if (r.bad || !same_key(&want, &have) ||
	    not_before(have.mtime_s, have.mtime_ns, &c->written) ||
	    not_before(have.ctime_s, have.ctime_ns, &c->written))
		return NULL;
	return read_revision(&r, path);
}

int retort_revcache_put(revcache *c, const struct stat *st, const retort_revision *rev, int parsed)
{
	const char *slash = strrchr(rev->path, '/');
	fresh *f;

	if (!c)
		return 0;
	if (!(f = ARRAY_PUSH(c->seen, c->n_seen, c->cap_seen)))
		return -1;
	f->name = slash ? slash + 1 : rev->path;
	key_of(&f->key, st);
	f->rev = rev;
	c->changed |= parsed;
	return 0;
}

/* ---- writing ---- */

static void put_u32(retort_buf *b, uint32_t v) { retort_buf_put(b, (const char *)&v, sizeof(v)); }
static void put_i32(retort_buf *b, int32_t v) { retort_buf_put(b, (const char *)&v, sizeof(v)); }

static void put_str(retort_buf *b, const char *s)
{
	if (!s) {
		put_u32(b, NO_STRING);
		return;
	}
	put_u32(b, (uint32_t)strlen(s));
	retort_buf_put(b, s, strlen(s) + 1);
}

static void put_record(retort_buf *b, const fresh *f)
{
	const retort_revision *rev = f->rev;
	size_t i;
	int dir;

	retort_buf_put(b, (const char *)&f->key, sizeof(f->key));
	put_str(b, rev->id);
	put_u32(b, (uint32_t)rev->n_parents);
	for (i = 0; i < rev->n_parents; i++)
		put_str(b, rev->parent_ids[i]);
	put_i32(b, rev->parent_line);
	put_str(b, rev->message);
	put_str(b, rev->renames);
	put_str(b, rev->created);
	put_str(b, rev->author);
	put_str(b, rev->commit);
	for (dir = 0; dir < 2; dir++) {
		const rev_section *s = &rev->section[dir];
		put_str(b, s->text);
		put_i32(b, s->line);
		retort_buf_put(b, s->sha256, 64);
		put_u32(b, (uint32_t)s->n_stmts);
		for (i = 0; i < s->n_stmts; i++) {
			put_str(b, s->stmts[i].sql);
			put_i32(b, s->stmts[i].line);
		}
	}
}

static void serialise(retort_buf *b, revcache *c)
{
	size_t i;

	retort_buf_put(b, CACHE_MAGIC, sizeof(CACHE_MAGIC) - 1);
	put_u32(b, CACHE_FORMAT);
	put_u32(b, ENDIAN_TAG);
	put_str(b, RETORT_VERSION);
	put_u32(b, (uint32_t)c->n_seen);
	for (i = 0; i < c->n_seen; i++) {
		size_t start;
		uint32_t len;
		put_str(b, c->seen[i].name);
		put_u32(b, 0); /* the record's length, known once it is written */
		start = b->len;
		put_record(b, &c->seen[i]);
		if (retort_buf_oom(b))
			return;
		len = (uint32_t)(b->len - start);
		memcpy(b->ptr + start - sizeof(len), &len, sizeof(len));
	}
	if (!retort_buf_oom(b)) {
		uint64_t sum = checksum(b->ptr, b->len);
		retort_buf_put(b, (const char *)&sum, sizeof(sum));
	}
}

/* The cache folder, made on first use with a .gitignore that ignores it
** whole, so that it never shows up as something to commit; and checked
** again as retort_revcache_open() does, since it may have appeared meanwhile. */
static void make_dir(revcache *c, const char *dir)
{
	char *path = retort_path_join(dir, CACHE_DIR);
	int made;

	if (!path)
		return;
	made = mkdir(path, 0777) == 0;
	if (made || errno == EEXIST)
		open_dir(c, path);
	free(path);
	if (made && c->dir_fd >= 0)
		retort_write_file_at(c->dir_fd, ".gitignore", "*\n", 2, WRITE_NEW, NULL);
}

void retort_revcache_save(revcache *c, const char *dir)
{
	retort_buf b = RETORT_BUF_INIT;

	if (!c || c->refused || (!c->changed && c->n_seen == c->n_entries))
		return;
	if (c->dir_fd < 0)
		make_dir(c, dir);
	if (c->dir_fd < 0)
		return;
	serialise(&b, c);
	if (!retort_buf_oom(&b))
		retort_write_file_at(c->dir_fd, CACHE_FILE, b.ptr, b.len, 0, NULL);
	retort_buf_release(&b);
}

void retort_revcache_free(revcache *c)
{
	if (!c)
		return;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	free(c->seen);
	free(c->entries);
	if (c->data)
		munmap((void *)c->data, c->data_len);
	free(c);
}
