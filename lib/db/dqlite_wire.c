/*
** dqlite_wire.c: the dqlite wire protocol client (see dqlite_wire.h). Every message is
** a one-word header (body size in words, type, schema revision) and a body of
** 8-byte words; integers are little endian whatever the host.
*/
#include "db/dqlite_wire.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL_VERSION 1
#define ROWS_PART 0xeeeeeeeeeeeeeeeeULL
#define ROWS_DONE 0xffffffffffffffffULL
/* A response larger than this is taken for a broken stream, not allocated. */
#define MAX_BODY ((size_t)1 << 30)
/* dqlite's own extended codes: the node is not, or stopped being, the leader. */
#define IOERR_NOT_LEADER (SQLITE_IOERR | (40 << 8))
#define IOERR_LEADERSHIP_LOST (SQLITE_IOERR | (41 << 8))

enum {
	REQ_LEADER = 0, REQ_CLIENT = 1, REQ_OPEN = 3, REQ_PREPARE = 4, REQ_EXEC = 5,
	REQ_QUERY = 6, REQ_FINALIZE = 7, REQ_EXEC_SQL = 8, REQ_QUERY_SQL = 9, REQ_INTERRUPT = 10,
	REQ_DUMP = 15
};
enum {
	RES_FAILURE = 0, RES_NODE = 1, RES_WELCOME = 2, RES_DB = 4, RES_STMT = 5,
	RES_RESULT = 6, RES_ROWS = 7, RES_EMPTY = 8, RES_FILES = 9
};
/* Tuple type codes beside SQLite's five (1-5, the same numbers). */
enum { T_UNIXTIME = 9, T_ISO8601 = 10, T_BOOLEAN = 11 };

struct retort_dqlite {
	int fd;
	int connect_ms;
	int read_ms;
	char *dbname;
	char *leader;       /* "host:port" as the cluster names it */
	uint32_t db_id;
	int lost;
	int errcode;
	retort_buf req;     /* the request being built, header first */
	unsigned char *msg; /* the last response's body */
	size_t msg_len;
	size_t msg_cap;
	int msg_type;
	size_t pos;         /* read position in msg */
	int in_rows;        /* rows are being read: no request may be sent */
	int ncol;
	const char **names; /* into msg */
	retort_dqlite_value *vals;
	int cols_cap;
};

/* ---- encoding ---- */

static void put_u64(retort_buf *b, uint64_t v)
{
	char w[8];
	for (int i = 0; i < 8; i++)
		w[i] = (char)(v >> (8 * i));
	retort_buf_put(b, w, 8);
}

static void put_u32(retort_buf *b, uint32_t v)
{
	char w[4];
	for (int i = 0; i < 4; i++)
		w[i] = (char)(v >> (8 * i));
	retort_buf_put(b, w, 4);
}

/* Zeros up to the next word boundary of the body (the header is one word). */
static void put_pad(retort_buf *b)
{
	static const char zeros[8];
	if (b->len % 8)
		retort_buf_put(b, zeros, 8 - b->len % 8);
}

static void put_bytes(retort_buf *b, const char *p, size_t n, int nul)
{
	retort_buf_put(b, p, n);
	if (nul)
		retort_buf_putc(b, '\0');
	put_pad(b);
}

static void put_text(retort_buf *b, const char *s)
{
	put_bytes(b, s, strlen(s), 1);
}

/* A tuple of parameters (schema 0: an 8-bit count, then a type byte each). */
static void put_params(retort_buf *b, const retort_dqlite_value *v, int n)
{
	retort_buf_putc(b, (char)n);
	for (int i = 0; i < n; i++)
		retort_buf_putc(b, (char)v[i].type);
	put_pad(b);
	for (int i = 0; i < n; i++) {
		uint64_t bits;
		switch (v[i].type) {
		case SQLITE_INTEGER:
			put_u64(b, (uint64_t)v[i].i);
			break;
		case SQLITE_FLOAT:
			memcpy(&bits, &v[i].f, sizeof bits);
			put_u64(b, bits);
			break;
		case SQLITE_TEXT:
			put_bytes(b, v[i].p, v[i].n, 1);
			break;
		case SQLITE_BLOB:
			put_u64(b, v[i].n);
			put_bytes(b, v[i].p, v[i].n, 0);
			break;
		default:
			put_u64(b, 0);
			break;
		}
	}
}

/* Start a request: the header's place, filled by req_send(). */
static void req_start(retort_dqlite *c)
{
	retort_buf_clear(&c->req);
	put_u64(&c->req, 0);
}

/* ---- I/O ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The connection is gone: what was under way has an unknown outcome. */
static int lose(retort_dqlite *c, retort_error **err, const char *what)
{
	c->lost = 1;
	c->in_rows = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return retort_error_set(err, RETORT_EDB, "dqlite: connection to %s lost: %s",
		c->leader ? c->leader : "node", what);
}

/* Wait for `events` on the socket until `deadline`: 0, or -1 timed out/failed. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = { fd, events, 0 };
		int rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

static int send_all(retort_dqlite *c, const void *data, size_t n, retort_error **err)
{
	const char *p = data;
	long long deadline = now_ms() + c->read_ms;
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return lose(c, err, strerror(errno));
		} else if (wait_fd(c->fd, POLLOUT, deadline) < 0) {
			return lose(c, err, "timed out sending");
		}
	}
	return 0;
}

static int recv_all(retort_dqlite *c, void *data, size_t n, long long deadline, retort_error **err)
{
	char *p = data;
	while (n > 0) {
		ssize_t r = recv(c->fd, p, n, 0);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r == 0) {
			return lose(c, err, "closed by the node");
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return lose(c, err, strerror(errno));
		} else if (wait_fd(c->fd, POLLIN, deadline) < 0) {
			char why[64];
			snprintf(why, sizeof why, "no answer within %d ms", c->read_ms);
			return lose(c, err, why);
		}
	}
	return 0;
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Read one whole response into c->msg. */
static int recv_msg(retort_dqlite *c, retort_error **err)
{
	unsigned char h[8];
	long long deadline = now_ms() + c->read_ms;
	if (recv_all(c, h, 8, deadline, err) < 0)
		return RETORT_EDB;
	size_t len = (size_t)get_le(h, 4) * 8;
	if (len > MAX_BODY)
		return lose(c, err, "a response larger than 1 GiB");
	if (len > c->msg_cap) {
		unsigned char *m = realloc(c->msg, len);
		if (!m)
			return retort_error_oom(err);
		c->msg = m;
		c->msg_cap = len;
	}
	c->msg_len = len;
	c->msg_type = h[4];
	c->pos = 0;
	return recv_all(c, c->msg, len, deadline, err) < 0 ? RETORT_EDB : 0;
}

/* ---- decoding (bounds-checked: a short body is a broken stream) ---- */

static int get_u64(retort_dqlite *c, uint64_t *v)
{
	if (c->msg_len - c->pos < 8)
		return -1;
	*v = get_le(c->msg + c->pos, 8);
	c->pos += 8;
	return 0;
}

static int get_u32(retort_dqlite *c, uint32_t *v)
{
	if (c->msg_len - c->pos < 4)
		return -1;
	*v = (uint32_t)get_le(c->msg + c->pos, 4);
	c->pos += 4;
	return 0;
}

static int get_text(retort_dqlite *c, const char **s, size_t *n)
{
	const unsigned char *p = c->msg + c->pos;
	const unsigned char *z = memchr(p, 0, c->msg_len - c->pos);
	if (!z)
		return -1;
	*s = (const char *)p;
	*n = (size_t)(z - p);
	size_t words = (*n + 1 + 7) / 8 * 8;
	if (words > c->msg_len - c->pos)
		return -1;
	c->pos += words;
	return 0;
}

static int broken(retort_dqlite *c, retort_error **err)
{
	char why[64];
	snprintf(why, sizeof why, "a malformed response (type %d)", c->msg_type);
	return lose(c, err, why);
}

/* A FAILURE response as an error: busy and locked are RETORT_EBUSY. */
static int failure(retort_dqlite *c, retort_error **err)
{
	uint64_t code;
	const char *msg = "";
	size_t n;
	if (get_u64(c, &code) < 0 || get_text(c, &msg, &n) < 0)
		return broken(c, err);
	c->errcode = (int)code;
	if (c->errcode == IOERR_NOT_LEADER || c->errcode == IOERR_LEADERSHIP_LOST) {
		c->lost = 1;
		return retort_error_set(err, RETORT_EDB, "dqlite: %s is no longer the leader: %s",
			c->leader, msg);
	}
	int prim = c->errcode & 0xff;
	return retort_error_set(err, prim == SQLITE_BUSY || prim == SQLITE_LOCKED ? RETORT_EBUSY : RETORT_EDB,
		"%s", msg);
}

/* Send the request built in c->req, of message type `type`. */
static int send_req(retort_dqlite *c, int type, retort_error **err)
{
	if (c->lost || c->fd < 0)
		return retort_error_set(err, RETORT_EDB, "dqlite: the connection to %s was lost",
			c->leader ? c->leader : "the cluster");
	if (c->in_rows)
		return retort_error_set(err, RETORT_ERROR, "dqlite: a request sent while rows are being read");
	if (retort_buf_oom(&c->req))
		return retort_error_oom(err);
	put_pad(&c->req);
	unsigned char *h = (unsigned char *)c->req.ptr;
	uint32_t words = (uint32_t)(c->req.len / 8 - 1);
	for (int i = 0; i < 4; i++)
		h[i] = (unsigned char)(words >> (8 * i));
	h[4] = (unsigned char)type;
	h[5] = h[6] = h[7] = 0;
	c->errcode = 0;
	return send_all(c, c->req.ptr, c->req.len, err);
}

/* Send the request built in c->req and read its response, of type `want`. */
static int roundtrip(retort_dqlite *c, int type, int want, retort_error **err)
{
	int rc = send_req(c, type, err);
	if (rc == 0)
		rc = recv_msg(c, err);
	if (rc < 0)
		return rc;
	if (c->msg_type == RES_FAILURE)
		return failure(c, err);
	/* CLIENT is answered WELCOME by older nodes, EMPTY by newer ones */
	if (c->msg_type != want && !(want == RES_WELCOME && c->msg_type == RES_EMPTY))
		return broken(c, err);
	return 0;
}

/* ---- connecting ---- */

/* Split "host:port" ("[v6]:port" too) into its parts, in `hostbuf`. */
static int split_addr(const char *addr, char *hostbuf, size_t cap, const char **port)
{
	const char *colon = strrchr(addr, ':');
	if (!colon || colon == addr || !colon[1])
		return -1;
	const char *h = addr;
	size_t n = (size_t)(colon - addr);
	if (h[0] == '[' && n >= 2 && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= cap)
		return -1;
	memcpy(hostbuf, h, n);
	hostbuf[n] = '\0';
	*port = colon + 1;
	return 0;
}

/* A connected, non-blocking socket to `addr`, or -1 with the reason in `why`. */
static int dial(const char *addr, int ms, retort_buf *why)
{
	char host[256];
	const char *port;
	struct addrinfo hints = { 0 }, *res = NULL;
	int fd = -1;
	if (split_addr(addr, host, sizeof host, &port) < 0) {
		retort_buf_printf(why, "'%s' is not HOST:PORT", addr);
		return -1;
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		retort_buf_printf(why, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	long long deadline = now_ms() + ms;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
		if (fd < 0)
			continue;
		int e = 0;
		socklen_t elen = sizeof e;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			if (errno != EINPROGRESS)
				e = errno;
			else if (wait_fd(fd, POLLOUT, deadline) < 0)
				e = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
				e = errno;
		}
		if (e) {
			retort_buf_printf(why, "%s: %s", addr, strerror(e));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		/* a request is one small write answered at once: no Nagle delay */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

/*
** Connect to `addr`, send the protocol version and ask it for the leader:
** 1 when `addr` is the leader (c->fd stays open), 0 when it is not (*leader
** names the one it knows, or is NULL), -1 when it did not answer.
*/
static int ask_leader(retort_dqlite *c, const char *addr, char **leader, retort_buf *why)
{
	retort_error *e = NULL;
	uint64_t id;
	const char *s;
	size_t n;
	*leader = NULL;
	c->fd = dial(addr, c->connect_ms, why);
	if (c->fd < 0)
		return -1;
	c->lost = 0;
	free(c->leader);
	c->leader = retort_xstrdup(addr);
	unsigned char version[8] = { PROTOCOL_VERSION };
	if (send_all(c, version, sizeof version, &e) < 0)
		goto fail;
	req_start(c);
	put_u64(&c->req, 0);
	if (roundtrip(c, REQ_LEADER, RES_NODE, &e) < 0)
		goto fail;
	if (get_u64(c, &id) < 0 || get_text(c, &s, &n) < 0) {
		broken(c, &e);
		goto fail;
	}
	if (n > 0 && strcmp(s, addr) == 0)
		return 1;
	if (n > 0)
		*leader = retort_xstrdup(s);
	else
		retort_buf_printf(why, "%s: knows no leader", addr);
	close(c->fd);
	c->fd = -1;
	return 0;
fail:
	retort_buf_printf(why, "%s: %s", addr, e ? e->message : "no answer");
	retort_error_free(e);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return -1;
}

/* Parse the URL into the database name and a list of node addresses. */
static int parse_url(retort_dqlite *c, const char *url, char ***nodes, int *nnodes,
	retort_error **err)
{
	const char *rest = url + strlen(RETORT_DQLITE_SCHEME);
	const char *slash = strchr(rest, '/');
	int n = 0;
	size_t cap = 0;
	if (!slash || slash == rest || !slash[1] || strchr(slash + 1, '/'))
		return retort_error_set(err, RETORT_EINVALID, "'%s' is not a dqlite URL: "
			"write dqlite://HOST:PORT[,HOST:PORT...]/DBNAME", url);
	c->dbname = retort_xstrdup(slash + 1);
	if (!c->dbname)
		return retort_error_oom(err);
	for (const char *p = rest;;) {
		const char *end = memchr(p, ',', (size_t)(slash - p));
		if (!end)
			end = slash;
		char host[256];
		const char *port;
		char *addr = retort_xstrndup(p, (size_t)(end - p));
		char **slot = addr ? ARRAY_PUSH(*nodes, n, cap) : NULL;
		if (!slot) {
			free(addr);
			*nnodes = n;
			return retort_error_oom(err);
		}
		*slot = addr;
		*nnodes = n;
		if (split_addr(addr, host, sizeof host, &port) < 0 || strspn(port, "0123456789") != strlen(port))
			return retort_error_set(err, RETORT_EINVALID, "'%s' in '%s' is not HOST:PORT", addr, url);
		if (end == slash)
			break;
		p = end + 1;
	}
	return 0;
}

int retort_dqlite_is_url(const char *url)
{
	return url && strncasecmp(url, RETORT_DQLITE_SCHEME, strlen(RETORT_DQLITE_SCHEME)) == 0;
}

static void free_nodes(char **nodes, int n)
{
	for (int i = 0; i < n; i++)
		free(nodes[i]);
	free(nodes);
}

int retort_dqlite_url_check(const char *url, retort_error **err)
{
	retort_dqlite c = { .fd = -1 };
	char **nodes = NULL;
	int n = 0, rc;
	if (!retort_dqlite_is_url(url))
		return retort_error_set(err, RETORT_EINVALID, "'%s' is not a dqlite URL: "
			"write dqlite://HOST:PORT[,HOST:PORT...]/DBNAME", url ? url : "");
	rc = parse_url(&c, url, &nodes, &n, err);
	free_nodes(nodes, n);
	free(c.dbname);
	return rc;
}

/* Find the leader among `nodes`, within the connect time-out: 0 or -1. */
static int find_leader(retort_dqlite *c, char **nodes, int nnodes, retort_buf *why)
{
	long long deadline = now_ms() + c->connect_ms;
	do {
		retort_buf_clear(why);
		for (int i = 0; i < nnodes; i++) {
			char *leader = NULL, *again = NULL;
			if (why->len)
				retort_buf_puts(why, "; ");
			int rc = ask_leader(c, nodes[i], &leader, why);
			if (rc == 0 && leader) {
				/* the node named the leader: ask it, under the name the cluster uses */
				rc = ask_leader(c, leader, &again, why);
				if (rc == 0)
					retort_buf_printf(why, "%s: named %s the leader, which is not", nodes[i], leader);
			}
			free(leader);
			free(again);
			if (rc == 1)
				return 0;
		}
		/* an election may be under way: ask again a little later */
		struct timespec pause = { 0, 200 * 1000000L };
		nanosleep(&pause, NULL);
	} while (now_ms() < deadline);
	return -1;
}

int retort_dqlite_open(retort_dqlite **out, const char *url, int connect_ms, int read_ms,
	retort_error **err)
{
	retort_dqlite *c = calloc(1, sizeof *c);
	char **nodes = NULL;
	int nnodes = 0, rc = 0;
	retort_buf why = RETORT_BUF_INIT;
	uint32_t id;
	*out = NULL;
	if (!c)
		return retort_error_oom(err);
	c->fd = -1;
	c->connect_ms = connect_ms > 0 ? connect_ms : RETORT_DQLITE_CONNECT_MS;
	c->read_ms = read_ms > 0 ? read_ms : RETORT_DQLITE_READ_MS;
	retort_buf_init(&c->req);
	if ((rc = retort_dqlite_url_check(url, err)) < 0 ||
			(rc = parse_url(c, url, &nodes, &nnodes, err)) < 0)
		goto done;
	if (find_leader(c, nodes, nnodes, &why) < 0) {
		rc = retort_error_set(err, RETORT_EDB, "dqlite: no leader found for '%s' within %d ms (%s)",
			url, c->connect_ms, retort_buf_oom(&why) ? "out of memory" : why.ptr);
		goto done;
	}
	/* register, then open the database */
	req_start(c);
	put_u64(&c->req, 0);
	if ((rc = roundtrip(c, REQ_CLIENT, RES_WELCOME, err)) < 0)
		goto done;
	req_start(c);
	put_text(&c->req, c->dbname);
	put_u64(&c->req, 0);
	put_text(&c->req, "");
	if ((rc = roundtrip(c, REQ_OPEN, RES_DB, err)) < 0)
		goto done;
	if (get_u32(c, &id) < 0) {
		rc = broken(c, err);
		goto done;
	}
	c->db_id = id;
	*out = c;
	c = NULL;
done:
	free_nodes(nodes, nnodes);
	retort_buf_release(&why);
	retort_dqlite_close(c);
	return rc;
}

void retort_dqlite_close(retort_dqlite *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	retort_buf_release(&c->req);
	free(c->msg);
	free(c->names);
	free(c->vals);
	free(c->dbname);
	free(c->leader);
	free(c);
}

const char *retort_dqlite_dbname(const retort_dqlite *c)
{
	return c->dbname;
}

const char *retort_dqlite_leader(const retort_dqlite *c)
{
	return c->leader;
}

int retort_dqlite_lost(const retort_dqlite *c)
{
	return c->lost;
}

int retort_dqlite_errcode(const retort_dqlite *c)
{
	return c->errcode;
}

/* ---- statements ---- */

static int check_params(int nparams, retort_error **err)
{
	if (nparams < 0 || nparams > 255)
		return retort_error_set(err, RETORT_EINVALID, "dqlite: %d parameters (at most 255)", nparams);
	return 0;
}

static int read_result(retort_dqlite *c, long long *last_id, long long *changes, retort_error **err)
{
	uint64_t id, n;
	if (get_u64(c, &id) < 0 || get_u64(c, &n) < 0)
		return broken(c, err);
	if (last_id)
		*last_id = (long long)id;
	if (changes)
		*changes = (long long)n;
	return 0;
}

/* The request for SQL text with its parameters (EXEC_SQL, QUERY_SQL). */
static int req_sql(retort_dqlite *c, const char *sql, const retort_dqlite_value *params,
	int nparams, retort_error **err)
{
	int rc = check_params(nparams, err);
	if (rc < 0)
		return rc;
	req_start(c);
	put_u64(&c->req, c->db_id);
	put_text(&c->req, sql);
	put_params(&c->req, params, nparams);
	return 0;
}

int retort_dqlite_exec(retort_dqlite *c, const char *sql, const retort_dqlite_value *params,
	int nparams, long long *last_id, long long *changes, retort_error **err)
{
	int rc = req_sql(c, sql, params, nparams, err);
	if (rc < 0 || (rc = roundtrip(c, REQ_EXEC_SQL, RES_RESULT, err)) < 0)
		return rc;
	return read_result(c, last_id, changes, err);
}

int retort_dqlite_prepare(retort_dqlite *c, const char *sql, uint32_t *stmt_out,
	int *nparams_out, retort_error **err)
{
	uint32_t db, stmt;
	uint64_t n;
	req_start(c);
	put_u64(&c->req, c->db_id);
	put_text(&c->req, sql);
	int rc = roundtrip(c, REQ_PREPARE, RES_STMT, err);
	if (rc < 0)
		return rc;
	if (get_u32(c, &db) < 0 || get_u32(c, &stmt) < 0 || get_u64(c, &n) < 0)
		return broken(c, err);
	*stmt_out = stmt;
	if (nparams_out)
		*nparams_out = (int)n;
	return 0;
}

/* The start of EXEC, QUERY and FINALIZE: the database and the statement. */
static void req_stmt(retort_dqlite *c, uint32_t stmt)
{
	req_start(c);
	put_u32(&c->req, c->db_id);
	put_u32(&c->req, stmt);
}

/* The request for a prepared statement with its parameters (EXEC, QUERY). */
static int req_stmt_params(retort_dqlite *c, uint32_t stmt, const retort_dqlite_value *params,
	int nparams, retort_error **err)
{
	int rc = check_params(nparams, err);
	if (rc < 0)
		return rc;
	req_stmt(c, stmt);
	put_params(&c->req, params, nparams);
	return 0;
}

int retort_dqlite_exec_stmt(retort_dqlite *c, uint32_t stmt, const retort_dqlite_value *params,
	int nparams, long long *last_id, long long *changes, retort_error **err)
{
	int rc = req_stmt_params(c, stmt, params, nparams, err);
	if (rc < 0 || (rc = roundtrip(c, REQ_EXEC, RES_RESULT, err)) < 0)
		return rc;
	return read_result(c, last_id, changes, err);
}

int retort_dqlite_finalize(retort_dqlite *c, uint32_t stmt, retort_error **err)
{
	req_stmt(c, stmt);
	return roundtrip(c, REQ_FINALIZE, RES_EMPTY, err);
}

/* ---- rows ---- */

/* The column count and names that begin every batch of rows. */
static int rows_header(retort_dqlite *c, retort_error **err)
{
	uint64_t n;
	size_t len;
	if (get_u64(c, &n) < 0 || n > 32767)
		return broken(c, err);
	if ((int)n > c->cols_cap) {
		const char **names = realloc(c->names, n * sizeof *names);
		if (names)
			c->names = names;
		retort_dqlite_value *vals = names ? realloc(c->vals, n * sizeof *vals) : NULL;
		if (!vals)
			return retort_error_oom(err);
		c->vals = vals;
		c->cols_cap = (int)n;
	}
	c->ncol = (int)n;
	for (int i = 0; i < c->ncol; i++)
		if (get_text(c, &c->names[i], &len) < 0)
			return broken(c, err);
	return 0;
}

static int rows_begin(retort_dqlite *c, int type, retort_error **err)
{
	c->ncol = 0;
	int rc = roundtrip(c, type, RES_ROWS, err);
	if (rc < 0)
		return rc;
	c->in_rows = 1;
	return rows_header(c, err);
}

int retort_dqlite_query(retort_dqlite *c, const char *sql, const retort_dqlite_value *params,
	int nparams, retort_error **err)
{
	int rc = req_sql(c, sql, params, nparams, err);
	return rc < 0 ? rc : rows_begin(c, REQ_QUERY_SQL, err);
}

int retort_dqlite_query_stmt(retort_dqlite *c, uint32_t stmt, const retort_dqlite_value *params,
	int nparams, retort_error **err)
{
	int rc = req_stmt_params(c, stmt, params, nparams, err);
	return rc < 0 ? rc : rows_begin(c, REQ_QUERY, err);
}

/* One value of type `t` at the read position. */
static int get_value(retort_dqlite *c, int t, retort_dqlite_value *v)
{
	uint64_t u;
	memset(v, 0, sizeof *v);
	switch (t) {
	case SQLITE_INTEGER:
	case T_UNIXTIME:
	case T_BOOLEAN:
		v->type = SQLITE_INTEGER;
		if (get_u64(c, &u) < 0)
			return -1;
		v->i = (long long)u;
		return 0;
	case SQLITE_FLOAT:
		v->type = SQLITE_FLOAT;
		if (get_u64(c, &u) < 0)
			return -1;
		memcpy(&v->f, &u, sizeof v->f);
		return 0;
	case SQLITE_TEXT:
	case T_ISO8601:
		v->type = SQLITE_TEXT;
		return get_text(c, &v->p, &v->n);
	case SQLITE_BLOB:
		v->type = SQLITE_BLOB;
		if (get_u64(c, &u) < 0 || u > c->msg_len - c->pos)
			return -1;
		v->p = (const char *)c->msg + c->pos;
		v->n = (size_t)u;
		c->pos += (v->n + 7) / 8 * 8;
		return c->pos > c->msg_len ? -1 : 0;
	case SQLITE_NULL:
		v->type = SQLITE_NULL;
		return get_u64(c, &u);
	default:
		return -1;
	}
}

int retort_dqlite_next(retort_dqlite *c, retort_error **err)
{
	if (!c->in_rows)
		return 0;
	for (;;) {
		if (c->msg_len - c->pos < 8)
			return broken(c, err);
		uint64_t w = get_le(c->msg + c->pos, 8);
		if (w == ROWS_DONE) {
			c->in_rows = 0;
			return 0;
		}
		if (w != ROWS_PART)
			break;
		/* this batch is over and the node sends the next one unasked */
		int rc = recv_msg(c, err);
		if (rc < 0)
			return rc;
		if (c->msg_type == RES_FAILURE) {
			c->in_rows = 0;
			return failure(c, err);
		}
		if (c->msg_type != RES_ROWS || (rc = rows_header(c, err)) < 0)
			return rc < 0 ? rc : broken(c, err);
	}
	/* a row: 4-bit type codes, low nibble first, in whole words, then the values */
	size_t hwords = ((size_t)c->ncol + 15) / 16 * 8;
	if (c->msg_len - c->pos < hwords)
		return broken(c, err);
	const unsigned char *types = c->msg + c->pos;
	c->pos += hwords;
	for (int i = 0; i < c->ncol; i++) {
		int t = i % 2 ? types[i / 2] >> 4 : types[i / 2] & 0x0f;
		if (get_value(c, t, &c->vals[i]) < 0)
			return broken(c, err);
	}
	return 1;
}

int retort_dqlite_column_count(const retort_dqlite *c)
{
	return c->ncol;
}

const char *retort_dqlite_column_name(const retort_dqlite *c, int i)
{
	return i >= 0 && i < c->ncol ? c->names[i] : NULL;
}

const retort_dqlite_value *retort_dqlite_column(const retort_dqlite *c, int i)
{
	return i >= 0 && i < c->ncol ? &c->vals[i] : NULL;
}

int retort_dqlite_interrupt(retort_dqlite *c, retort_error **err)
{
	if (!c->in_rows)
		return 0;
	c->in_rows = 0;
	req_start(c);
	put_u64(&c->req, c->db_id);
	int rc = send_req(c, REQ_INTERRUPT, err);
	/* batches already under way come first: drop them until the acknowledgment */
	while (rc == 0 && (rc = recv_msg(c, err)) == 0 && c->msg_type != RES_EMPTY)
		if (c->msg_type != RES_ROWS && c->msg_type != RES_FAILURE)
			rc = broken(c, err);
	return rc;
}

int retort_dqlite_dump(retort_dqlite *c, retort_dqlite_file_fn fn, void *ctx,
	retort_error **err)
{
	uint64_t n, size;
	const char *name;
	size_t len;
	req_start(c);
	put_text(&c->req, c->dbname);
	int rc = roundtrip(c, REQ_DUMP, RES_FILES, err);
	if (rc < 0)
		return rc;
	if (get_u64(c, &n) < 0)
		return broken(c, err);
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		if (get_text(c, &name, &len) < 0 || get_u64(c, &size) < 0
				|| size > c->msg_len - c->pos)
			return broken(c, err);
		const unsigned char *data = c->msg + c->pos;
		c->pos += size;
		c->pos += (8 - c->pos % 8) % 8;
		if (c->pos > c->msg_len)
			return broken(c, err);
		rc = fn(ctx, name, data, (size_t)size);
	}
	return rc;
}
